#!/bin/sh
test_description='matrix/case-study.yaml, one short repetition a cell, on the offline Docker Hub'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# The shipped matrix, made small: its x-size anchors say how much each
# benchmark does; CI runs one repetition of a little of each.
OUT=$TRASH/cs/out
test_at_exit 'docker ps -aq --filter "label=jockey.dir=$OUT" | xargs -r docker rm -f; docker network ls -q --filter "label=jockey.dir=$OUT" | xargs -r docker network rm'
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'
# the Hub images pulled here (not those the engine held before)
HUB_REFS="nginx:latest httpd:latest redis:latest memcached:latest python:3.11 python:3.11-slim eclipse-temurin:17"
HELD=
for i in $HUB_REFS; do
	docker image inspect "$i" >/dev/null 2>&1 && HELD="$HELD $i"
done
test_at_exit 'for i in $HUB_REFS; do case " $HELD " in *" $i "*) ;; *) docker rmi "$i" ;; esac; done'

test_expect_success 'the hub serves the images of the case study' '
	"$TESTBED" hub nginx httpd redis memcached python eclipse-temurin >hub.out 2>&1 ||
		{ cat hub.out; false; }
'

test_expect_success 'the CI size of the case study: one repetition, short runs' '
	rm -rf cs && mkdir cs && cp -R "$TOP/dockerfiles" "$TOP/matrix" cs/ &&
	(cd cs && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) &&
	sed -e "s/^name: case-study$/name: case-study-ci/" \
		-e "s/&repeat 5$/\&repeat 1/" \
		-e "s/&ab_requests \"20000\"$/\&ab_requests \"2000\"/" \
		-e "s/&wrk_duration -d10s$/\&wrk_duration -d2s/" \
		-e "s/&kv_ops \"200000\"$/\&kv_ops \"20000\"/" \
		-e "s/&shell_seconds \"5\"$/\&shell_seconds \"1\"/" \
		-e "s/&syscall_seconds \"3\"$/\&syscall_seconds \"1\"/" \
		-e "s/&python_rounds \"3\"$/\&python_rounds \"1\"/" \
		-e "s/&java_rounds \"3\"$/\&java_rounds \"1\"/" \
		"$TOP/matrix/case-study.yaml" >cs/matrix/ci.yaml &&
	diff "$TOP/matrix/case-study.yaml" cs/matrix/ci.yaml | grep -c "^>" >changed &&
	echo 9 >expect && test_cmp expect changed
'

test_expect_success 'every cell runs and is parsed; both images of each benchmark have its numbers' '
	cd cs &&
	"$JOCKEY" run -o out matrix/ci.yaml >../run.out 2>&1 || { cat ../run.out; false; } &&
	python3 - out/results.json <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1]))
	want = {
	    "http-ab": ({"nginx:latest", "httpd:latest"}, ["requests_per_s", "time_per_request_ms"]),
	    "http-wrk": ({"nginx:latest", "httpd:latest"}, ["requests_per_s", "latency_avg_ms"]),
	    "kv": ({"redis:latest", "memcached:latest"}, ["set_per_s", "get_per_s", "server_cpu_s"]),
	    "shell": ({"debian:bookworm", "busybox:latest"}, ["loops_per_s", "sort_ms", "od_ms"]),
	    "syscall": ({"debian:bookworm", "busybox:latest"},
	                ["spawn_per_s", "execl_per_s", "pipe_mb_per_s", "ctxsw_per_s", "copy_mb_per_s"]),
	    "python": ({"python:3.11", "python:3.11-slim"}, ["nbody_ms", "json_loads_ms", "regex_ms", "total_ms"]),
	    "python-malloc": ({"python:3.11", "python:3.11-slim"}, ["float_ms", "total_ms"]),
	    "java-g1": ({"eclipse-temurin:17"}, ["nbody_ms", "sort_ms", "map_ms", "text_ms", "total_ms"]),
	    "java-serial": ({"eclipse-temurin:17"}, ["total_ms"]),
	    "java-parallel": ({"eclipse-temurin:17"}, ["total_ms"]),
	}
	seen = {}
	for c in r["cells"]:
	    assert c["status"] == "done", (c["id"], c["status"], c.get("failures"))
	    images, metrics = want[c["benchmark"]]
	    for m in metrics:
	        assert c["metrics"][m]["median"] > 0, (c["id"], m, sorted(c["metrics"]))
	    seen.setdefault(c["benchmark"], set()).add(c["image"] + ":" + c["tag"])
	assert {b: w[0] for b, w in want.items()} == seen, seen
	assert len(r["cells"]) == 17
	EOF
'

test_expect_success 'summary.md has a table of both images for each benchmark' '
	s=cs/out/summary.md &&
	for b in http-ab http-wrk kv shell syscall python python-malloc java-g1 java-serial java-parallel; do
		test_grep "^## $b\$" $s || exit 1
	done &&
	test_grep "^\| nginx:latest \| [0-9][0-9.e+]* \|" $s && test_grep "^\| httpd:latest \| [0-9][0-9.e+]* \|" $s &&
	test_grep "^\| redis:latest \| [0-9][0-9.e+]* \|" $s && test_grep "^\| memcached:latest \| [0-9][0-9.e+]* \|" $s &&
	test_grep "^\| busybox:latest \| [0-9][0-9.e+]* \|" $s && test_grep "^\| python:3.11-slim \| [0-9][0-9.e+]* \|" $s
'

test_expect_success 'summary.md says which image wins each benchmark, as results.json has it' '
	python3 - cs/out/results.json cs/out/summary.md <<-\EOF
	import json, re, statistics, sys
	r = json.load(open(sys.argv[1]))
	text = open(sys.argv[2]).read()
	assert "## Winners\n" in text and text.index("## Winners") < text.index("## http-ab")
	rows = {}
	for line in text.split("## Winners\n")[1].split("\n## ")[0].splitlines():
	    f = [x.strip() for x in line.strip("|").split(" | ")]
	    if len(f) == 7 and f[3] in ("higher", "lower"):
	        f[4] = f[4].strip("*")
	        rows[tuple(f[:3])] = f
	system = re.compile(r"^(server_)?(elapsed_s|cpu_s|cpu_user_s|cpu_system_s|mem_peak_bytes|io_read_bytes|io_write_bytes|net_rx_bytes|net_tx_bytes|pids_peak|image_size_bytes|image_layers|image_compressed_bytes|image_registry_layers)$")
	groups = {}
	for c in r["cells"]:
	    groups.setdefault((c["benchmark"], c["host"]), []).append(c)
	want = set()
	for (b, h), cells in groups.items():
	    if len(cells) < 2:
	        continue
	    names = {n: m for c in cells for n, m in c["metrics"].items()}
	    for name, m in names.items():
	        if system.match(name) or not m.get("better"):
	            continue
	        # a metric some tool prints only at times (socket_errors of wrk): a
	        # row only where two images have samples of it, as winner.c decides
	        have = [c for c in cells if (c["metrics"].get(name) or {}).get("samples")]
	        if len(have) < 2:
	            continue
	        meds = {c["image"] + ":" + c["tag"]: statistics.median(c["metrics"][name]["samples"]) for c in have}
	        pick = max if m["better"] == "higher" else min
	        best = pick(meds, key=meds.get)
	        row = rows.get((b, h, name))
	        assert row, ("no row", b, h, name, sorted(rows))
	        assert row[3] == m["better"], row
	        if len(set(meds.values())) == 1:
	            assert row[6] == "tie (equal medians)" and " = " in row[4], row
	            want.add((b, h, name))
	            continue
	        assert row[4] == best, (row, meds)
	        if min(meds.values()) <= 0:
	            assert row[6] == "not tested (a value <= 0)", row
	            want.add((b, h, name))
	            continue
	        # one repetition a side: a leader, never a significant winner
	        assert row[6] == "too few repetitions to tell (1+1)", row
	        ratio = float(re.match(r"×([0-9.e+]+)", row[5]).group(1))
	        vals = sorted(meds.values(), reverse=m["better"] == "higher")
	        exact = vals[0] / vals[1] if m["better"] == "higher" else vals[1] / vals[0]
	        assert abs(ratio - exact) <= 0.01 * exact, (row, exact)
	        want.add((b, h, name))
	assert set(rows) == want, sorted(set(rows) ^ want)
	assert {k[0] for k in want} == {"http-ab", "http-wrk", "kv", "shell", "syscall", "python", "python-malloc"}, want
	EOF
'

test_expect_success 'a second run reruns nothing' '
	cd cs &&
	"$JOCKEY" run -o out matrix/ci.yaml >../run2.out 2>&1 || { cat ../run2.out; false; } &&
	test_grep "17 cells: 0 ran, 17 fresh, 0 failed" ../run2.out
'

test_done
