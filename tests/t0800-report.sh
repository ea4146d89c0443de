#!/bin/sh
test_description='reports: statistics, baseline, history across a partial rerun, summary.md, report.html in Chromium'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# A project of our own: a git work tree with the shipped dockerfiles and a
# matrix with a baseline host, a warmup repetition and a benchmark that fails.
mkdir -p "$TRASH/p" && cp -R "$TOP/dockerfiles" "$TRASH/p/" && mkdir "$TRASH/p/matrix" &&
cat >"$TRASH/p/matrix/rep.yaml" <<'EOF' || exit 1
name: rep
dockerfiles: {repo: ../dockerfiles}
images:
  - {name: debian, tags: [bookworm], pull: never}
  - {name: busybox, tags: [latest], pull: never}
defaults: {repeat: 3, warmup: 1, timeout: 60s, max_cv: 0.5}
baseline: {host: bridge}
benchmarks:
  - name: shell
    context: shell
    command: [sh, /bench/shell.sh, "1"]
    parser: shell
  - name: broken
    images: [busybox]
    repeat: 1
    warmup: 0
    command: [sh, -c, 'echo "starting the broken benchmark"; echo "something went wrong: disk on fire </script><!-- <b>" >&2; exit 3']
    parser: shell
hosts:
  - name: bridge
  - name: host-net
    network: host
EOF
(cd "$TRASH/p" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) || exit 1
test_at_exit "cd '$TRASH/p' && '$JOCKEY' clean --all out"

BB=busybox-latest.shell.bridge

test_expect_success 'a run with a failing cell still reports the others (exit 3)' '
	cd p &&
	test_must_fail --code=3 "$JOCKEY" run -o out matrix/rep.yaml >../run1.out 2>&1 &&
	for f in results.json results.csv summary.md report.html history.jsonl; do
		test -s out/$f || { echo "missing out/$f"; exit 1; }
	done
'

test_expect_success 'statistics match the samples, warmups left out' '
	cd p && python3 - out <<-\EOF
	import json, math, statistics, sys
	d = sys.argv[1]
	r = json.load(open(d + "/results.json"))
	assert r["schema"] == 1 and r["baseline"] == {"host": "bridge"}, r["baseline"]
	cells = {c["id"]: c for c in r["cells"]}
	assert len(cells) == 6, sorted(cells)
	done = [c for c in cells.values() if c["status"] == "done"]
	assert len(done) == 4, [(c["id"], c["status"]) for c in cells.values()]
	for c in done:
	    for name, m in c["metrics"].items():
	        s = m["samples"]
	        assert m["reps"] == [2, 3, 4], (c["id"], name, m["reps"])
	        for rep, v in zip(m["reps"], s):
	            raw = json.load(open("%s/cells/%s/%d/samples.json" % (d, c["id"], rep)))
	            assert [x["value"] for x in raw["metrics"] if x["name"] == name] == [v]
	        assert m["n"] == 3
	        assert math.isclose(m["median"], statistics.median(s))
	        assert math.isclose(m["mean"], statistics.mean(s), rel_tol=1e-12)
	        sd = statistics.stdev(s)
	        assert math.isclose(m["stddev"], sd, rel_tol=1e-9, abs_tol=1e-12), (m["stddev"], sd)
	        cv = sd / abs(statistics.mean(s)) if statistics.mean(s) else 0
	        assert math.isclose(m["cv"], cv, rel_tol=1e-9, abs_tol=1e-12)
	        assert m["min"] == min(s) and m["max"] == max(s)
	        # n=3: the only order-statistics interval is [min, max], coverage 1 - 2/8
	        assert m["ci"] == [min(s), max(s)] and math.isclose(m["ci_coverage"], 0.75)
	        assert m["noisy"] == (cv > 0.5), (c["id"], name, cv)
	print("ok")
	EOF
'

test_expect_success 'every metric relative to the baseline host, with an interval' '
	cd p && python3 - out <<-\EOF
	import json, math, sys
	r = json.load(open(sys.argv[1] + "/results.json"))
	cells = {c["id"]: c for c in r["cells"]}
	for img in ("busybox-latest", "debian-bookworm"):
	    base, other = cells[img + ".shell.bridge"], cells[img + ".shell.host-net"]
	    assert base["baseline_cell"] == base["id"] and other["baseline_cell"] == base["id"]
	    rel = other["metrics"]["loops_per_s"]["relative"]
	    want = other["metrics"]["loops_per_s"]["median"] / base["metrics"]["loops_per_s"]["median"] - 1
	    assert rel["baseline"] == base["id"] and math.isclose(rel["delta"], want), (rel, want)
	    assert rel["ci"][0] <= rel["ci"][1], rel
	    # 3 a side: the ratio interval is the range of the ratios, 90%, and
	    # no Mann-Whitney p can reach 0.05 (the smallest is 0.1): never coloured
	    assert math.isclose(rel["ci_coverage"], 0.9), rel
	    assert rel["p"] >= 0.1 - 1e-9 and rel["q"] >= rel["p"] and rel["significant"] is False, rel
	    assert "p" not in base["metrics"]["loops_per_s"]["relative"]
	    assert base["metrics"]["loops_per_s"]["relative"]["delta"] == 0
	assert r["baseline_tests"]["fdr"] == 0.05 and r["baseline_tests"]["significant"] == 0
	assert r["baseline_tests"]["tests"] == sum(1 for c in r["cells"] for m in c["metrics"].values()
	                                           if "p" in m.get("relative", {})), r["baseline_tests"]
	print("ok")
	EOF
'

test_expect_success 'results.csv is tidy: one row per cell, metric and sample' '
	cd p &&
	head -n 1 out/results.csv >header &&
	echo "cell,image,tag,benchmark,host,metric,unit,better,rep,value" >expect &&
	test_cmp expect header &&
	python3 - out <<-\EOF
	import csv, json, sys
	r = json.load(open(sys.argv[1] + "/results.json"))
	want = sum(len(m["samples"]) for c in r["cells"] for m in c["metrics"].values())
	rows = list(csv.DictReader(open(sys.argv[1] + "/results.csv")))
	assert len(rows) == want, (len(rows), want)
	assert {row["rep"] for row in rows} == {"2", "3", "4"}
	EOF
'

test_expect_success 'summary.md: images:tags by hosts, median, interval, change against the baseline' '
	cd p &&
	test_grep "^## shell$" out/summary.md &&
	test_grep "^\*\*loops_per_s\*\* \(loops/s, higher is better\)$" out/summary.md &&
	test_grep "^\| image:tag \| bridge \| host-net \|$" out/summary.md &&
	test_grep "^\| busybox:latest \| [0-9.]+ \[[0-9.]+, [0-9.]+\] 75% \(baseline\)[^|]* \| [0-9.]+ \[[0-9.]+, [0-9.]+\] 75% [-+][0-9.]+% \[[-+][0-9.]+%, [-+][0-9.]+%\] 90%" out/summary.md &&
	test_grep "in bold when significant after Benjamini-Hochberg at a false discovery rate of 5% over all [0-9]+ comparisons" out/summary.md &&
	! grep -F "**+" out/summary.md && ! grep -F "**-" out/summary.md &&
	test_grep "with fewer than 6 repetitions \[min, max\], followed by its lower coverage" out/summary.md &&
	test_grep "^## broken$" out/summary.md &&
	test_grep "failed" out/summary.md
'

test_expect_success 'history.jsonl: one line per finished cell, recorded once' '
	cd p &&
	test $(wc -l <out/history.jsonl) = 4 &&
	cp out/results.json results.before &&
	"$JOCKEY" report out >report.out &&
	"$JOCKEY" aggregate out &&
	test $(wc -l <out/history.jsonl) = 4 &&
	test_cmp results.before out/results.json &&
	python3 - out/history.jsonl <<-\EOF
	import json, sys
	for line in open(sys.argv[1]):
	    e = json.loads(line)
	    assert e["schema"] == 1 and e["cell"] and e["key"] and e["inputs"], e
	    assert e["provenance"]["image_id"].startswith("sha256:"), e["provenance"]
	    assert e["repo_commit"] and e["jockey_version"]
	    assert e["metrics"]["elapsed_s"]["samples"], e["metrics"]
	EOF
'

test_expect_success 'a partial rerun keeps the previous numbers in the history' '
	cd p &&
	cp out/results.json results.before &&
	rm out/cells/$BB/3/samples.json out/cells/$BB/3/log out/cells/$BB/3/metrics.json &&
	test_must_fail --code=3 "$JOCKEY" run -o out matrix/rep.yaml >../run2.out 2>&1 &&
	test $(wc -l <out/history.jsonl) = 5 &&
	python3 - results.before out $BB <<-\EOF
	import json, sys
	before = {c["id"]: c for c in json.load(open(sys.argv[1]))["cells"]}
	now = {c["id"]: c for c in json.load(open(sys.argv[2] + "/results.json"))["cells"]}
	hist = [json.loads(l) for l in open(sys.argv[2] + "/history.jsonl")]
	cell = sys.argv[3]
	mine = [e for e in hist if e["cell"] == cell]
	assert len(mine) == 2, [e["cell"] for e in hist]
	old, new = mine
	assert old["key"] == before[cell]["result_hash"] and new["key"] == now[cell]["result_hash"]
	assert old["inputs"] == new["inputs"], "same image, repo and configuration"
	for name, m in before[cell]["metrics"].items():
	    assert old["metrics"][name]["samples"] == m["samples"], name
	    assert new["metrics"][name]["samples"] == now[cell]["metrics"][name]["samples"], name
	# repetition 3 (the second measured one) ran again; 2 and 4 were kept
	ns, os_ = now[cell]["metrics"]["elapsed_s"]["samples"], old["metrics"]["elapsed_s"]["samples"]
	assert ns[0] == os_[0] and ns[2] == os_[2] and ns[1] != os_[1], (ns, os_)
	for c in now:
	    if c != cell and now[c]["status"] == "done":
	        assert len([e for e in hist if e["cell"] == c]) == 1, c
	print("ok")
	EOF
'

test_expect_success 'jockey compare DIR: each cell against its previous result' '
	cd p &&
	"$JOCKEY" compare out >compare.out &&
	test_grep "^$BB$" compare.out &&
	test_grep "^  loops_per_s +[0-9.]+ ±" compare.out &&
	test_grep "~ \(n too small: 3\+3" compare.out &&
	test_grep "cells? with no earlier result" compare.out
'

test_expect_success 'report.html is one self-contained file' '
	cd p &&
	! grep -Ei "<script[^>]+src=|<link[^>]+stylesheet|<img |@import|url\(" out/report.html &&
	test $(grep -Eo "https?://[^\"]*" out/report.html | grep -v "^http://www.w3.org/2000/svg$" | wc -l) = 0
'

# headless Chromium: no console error, the script finished, and a screenshot
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] && [ "${JOCKEY_TEST_REQUIRE_ENGINE:-0}" != 1 ]; then
	test_skip 'report.html renders in Chromium without errors' 'no chromium (apt-get install chromium)'
else
	test_expect_success 'report.html renders in Chromium without errors' '
		cd p &&
		test -n "$chromium" &&
		headless_chromium chr1 --enable-logging=stderr --v=0 \
			--dump-dom "file://$TRASH/p/out/report.html#all" >dom.html 2>chromium.log &&
		{ ! grep -E "CONSOLE|Uncaught|SyntaxError|TypeError|ReferenceError" chromium.log || exit 1; } &&
		test_grep "data-status=\"ok\"" dom.html &&
		test_grep "<svg" dom.html &&
		test_grep "something went wrong: disk on fire &lt;/script&gt;&lt;!-- &lt;b&gt;" dom.html &&
		test_grep "busybox-latest.shell.host-net" dom.html &&
		headless_chromium chr2 --window-size=1400,2000 \
			--screenshot="$TRASH/report.png" "file://$TRASH/p/out/report.html" >/dev/null 2>&1 &&
		test $(wc -c <"$TRASH/report.png") -gt 40000 &&
		if [ -n "${JOCKEY_TEST_ARTIFACTS:-}" ]; then
			mkdir -p "$JOCKEY_TEST_ARTIFACTS" && cp "$TRASH/report.png" out/report.html "$JOCKEY_TEST_ARTIFACTS/"
		fi
	'
fi

test_done
