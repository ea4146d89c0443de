#!/bin/sh
test_description='several engines: one pool each, cells on two engines at once, images and provenance per engine, a down engine fails only its cells'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# The second engine: a private dockerd of a second test bed, with its own
# state folder, bridge and ports (tests/testbed.sh). Its bridge comes from a
# checksum of the state folder's path, which may collide with another bed's:
# then the next folder is tried. It is stopped at exit.
S2=${JOCKEY_TEST_STATE2:-/var/tmp/jockey-testbed-2}
E1=$DOCKER_HOST
bed2() { env -u JOCKEY_TEST_DOCKER_HOST JOCKEY_TEST_STATE="$S2" "$TESTBED" "$@"; }
test_at_exit '[ -s "$TRASH/s2" ] && S2=$(cat "$TRASH/s2") && bed2 stop --force'

# bed2_start: start the second bed in $S2, or in $S2-2, $S2-3, ... when the
# bridge of one belongs to another bed; its folder goes to the file s2.
bed2_start() {
	base=$S2
	for n in "" -2 -3 -4 -5 -6; do
		S2=$base$n
		mkdir -p "$S2/cache" &&
		# the first bed's debian rootfs, so the second does not debootstrap again
		for f in "${JOCKEY_TEST_STATE:-/var/tmp/jockey-testbed}"/cache/*.tar.gz; do
			[ -f "$f" ] && [ ! -f "$S2/cache/${f##*/}" ] && cp "$f" "$S2/cache/" || :
		done
		echo "$S2" >s2
		bed2 start >bed2.log 2>&1 && return 0
		grep -q "belongs to the bed in" bed2.log || break
	done
	cat bed2.log
	return 1
}

# Busybox cells that sleep: their overlap in time shows in wall time and in
# their start and finish times. Hosts one and two are on ENGINE_ONE and ENGINE_TWO.
write_matrix() {
	cat >"$1" <<-EOF
	name: engines
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 60s, parser: []}
	${PARALLEL:+parallel: $PARALLEL}
	benchmarks:
	  - {name: a, command: [sh, -c, "sleep ${SLEEP:-2}; echo ok"]}
	  - {name: b, command: [sh, -c, "sleep ${SLEEP:-2}; echo ok"]}
	  - {name: c, command: [sh, -c, "sleep ${SLEEP:-2}; echo ok"]}
	hosts:
	  - {name: one, engine: "$2"}
	  - {name: two, engine: "$3"}
	EOF
}

# check_run DIR: every cell done, its metrics' provenance names its host's
# engine; prints "overlap-across overlap-within" (counts of pairs of cells
# whose runs overlapped in time, on different engines and on one engine).
check_run() {
	python3 - "$1" "$E1" "$E2" <<-\EOF
	import datetime, itertools, json, sys
	d, e1, e2 = sys.argv[1:4]
	m = json.load(open(d + "/matrix.json"))
	r = json.load(open(d + "/results.json"))
	assert len(r["cells"]) == 6, [c["id"] for c in r["cells"]]
	want = {c["id"]: json.load(open(d + "/cells/%s/run.json" % c["id"]))["engine"] for c in m["cells"]}
	def t(s):
	    s = s.rstrip("Z")
	    if "." in s:
	        a, b = s.split(".")
	        s = a + "." + b[:6]
	    return datetime.datetime.fromisoformat(s).timestamp()
	spans = []
	for c in r["cells"]:
	    assert c["status"] == "done", (c["id"], c["status"], c["failures"])
	    assert c["provenance"]["engine"] == want[c["id"]], (c["id"], c["provenance"], want[c["id"]])
	    for k in ("engine_version", "kernel", "cpu_model", "ncpu", "mem_total_bytes", "architecture"):
	        assert c["provenance"].get(k), (c["id"], k)
	    mj = json.load(open(d + "/cells/%s/1/metrics.json" % c["id"]))
	    spans.append((want[c["id"]], t(mj["started"]), t(mj["finished"])))
	across = within = 0
	for a, b in itertools.combinations(spans, 2):
	    if a[1] < b[2] and b[1] < a[2]:
	        if a[0] == b[0]:
	            within += 1
	        else:
	            across += 1
	print(across, within)
	EOF
}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

test_expect_success 'a second private engine starts beside the test bed'"'"'s' '
	bed2_start &&
	bed2 env | sed -n "s/^export DOCKER_HOST=//p" | tr -d "'"'"'" >e2 &&
	test -s e2 && test "$(cat e2)" != "$E1" &&
	docker -H "$(cat e2)" image inspect busybox:latest >/dev/null
'
E2=$(cat "$TRASH/e2" 2>/dev/null || echo unix:///nonexistent)
S2=$(cat "$TRASH/s2" 2>/dev/null || echo "$S2")
export E1 E2

test_expect_success 'each engine is a pool of depth 1, or the matrix'"'"'s parallel' '
	write_matrix two.yaml "$E1" "$E2" &&
	"$JOCKEY" gen -q -o g two.yaml &&
	grep -A1 "^pool engine_0" g/build.ninja | grep -q "depth = 1" &&
	grep -A1 "^pool engine_1" g/build.ninja | grep -q "depth = 1" &&
	grep -q "^# engine_0: $E1" g/build.ninja && grep -q "^# engine_1: $E2" g/build.ninja &&
	PARALLEL=2 write_matrix par.yaml "$E1" "$E2" &&
	"$JOCKEY" gen -q -o p par.yaml &&
	test $(grep -A1 "^pool engine_" p/build.ninja | grep -c "depth = 2") = 2
'

test_expect_success 'images are made on the engine that runs them' '
	python3 - g <<-\EOF
	import glob, json, os, sys
	d = sys.argv[1]
	imgs = {os.path.basename(p)[:-5]: json.load(open(p))["engine"] for p in glob.glob(d + "/images/*.json")}
	assert sorted(imgs.values()) == sorted([os.environ["E1"], os.environ["E2"]]), imgs
	for c in json.load(open(d + "/matrix.json"))["cells"]:
	    run = json.load(open(d + "/cells/%s/run.json" % c["id"]))
	    key = run["main"]["image_stamp"].split("/")[-1][:-3]
	    assert imgs[key] == run["engine"], (c["id"], key, imgs[key], run["engine"])
	EOF
'

test_expect_success 'an image with a build context is built on each engine that runs it' '
	rm -rf df && cp -R "$TOP/dockerfiles" df &&
	(cd df && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm df) &&
	cat >built.yaml <<-EOF &&
	name: built
	dockerfiles: {repo: df}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - {name: shell, context: shell, command: [sh, /bench/shell.sh, "1"], parser: shell}
	hosts:
	  - {name: one, engine: "$E1"}
	  - {name: two, engine: "$E2"}
	EOF
	"$JOCKEY" run -o built built.yaml >built.out 2>&1 || { cat built.out; false; } &&
	for n in 0 1; do
		engine=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"engine\"])" built/images/shell.busybox-latest.e$n.json) &&
		id=$(cat built/stamps/img/shell.busybox-latest.e$n.id) &&
		echo "$engine $id" >>built.images &&
		test "$(docker -H "$engine" image inspect -f "{{index .Config.Labels \"jockey.key\"}}" "$id")" = shell.busybox-latest.e$n || return 1
	done &&
	cat built.images &&
	test "$(cut -d" " -f1 built.images | sort -u | wc -l)" = 2 &&
	python3 - built <<-\EOF
	import json, os, sys
	r = json.load(open(sys.argv[1] + "/results.json"))
	for c in r["cells"]:
	    e = os.environ["E1"] if c["host"] == "one" else os.environ["E2"]
	    assert c["status"] == "done" and c["provenance"]["engine"] == e, c
	    stamp = open(sys.argv[1] + "/stamps/img/shell.busybox-latest.e%d.id" % (c["host"] == "two")).read().split()[0]
	    assert c["provenance"]["image_id"] == stamp, (c["id"], c["provenance"]["image_id"], stamp)
	EOF
'
test_at_exit 'while read -r engine id; do docker -H "$engine" rmi -f "$id"; done <"$TRASH/built.images"'

test_expect_success 'cells on two engines run at once, each with its engine in the provenance' '
	t0=$(now) &&
	"$JOCKEY" run -o two two.yaml >two.out 2>&1 || { cat two.out; false; } &&
	secs $t0 $(now) >two.secs &&
	check_run two >two.overlap && cat two.overlap &&
	read across within <two.overlap &&
	test "$across" -ge 2 && test "$within" = 0 &&
	python3 -c "import json,sys; e=json.load(open(\"two/run.json\"))[\"engines\"]; assert len(e)==2 and all(x[\"up\"] for x in e), e"
'

test_expect_success 'the same cells on one engine never overlap' '
	write_matrix one.yaml "$E1" "$E1" &&
	t0=$(now) &&
	"$JOCKEY" run -o one one.yaml >one.out 2>&1 || { cat one.out; false; } &&
	secs $t0 $(now) >one.secs &&
	E2=$E1 check_run one >one.overlap && cat one.overlap &&
	read across within <one.overlap &&
	test "$across" = 0 && test "$within" = 0
'
say "wall time of 6 cells of 2 s: two engines $(cat "$TRASH/two.secs" 2>/dev/null)s, one engine $(cat "$TRASH/one.secs" 2>/dev/null)s"

test_expect_success 'an engine that stops during the run fails only its unfinished cells' '
	SLEEP=3 write_matrix lost.yaml "$E1" "$E2" &&
	# (set -e holds in the background job too: keep its exit status)
	{ "$JOCKEY" run -o lost lost.yaml >lost.out 2>&1 && echo 0 >lost.code || echo $? >lost.code; } &
	# stop it once a cell of engine two has started
	i=0 && until ls -d lost/cells/*.two/1 >/dev/null 2>&1; do
		i=$((i + 1)) && test $i -lt 300 && sleep 0.1 || break
	done &&
	bed2 stop --force >stop.log 2>&1 &&
	wait &&
	cat lost.out && test "$(cat lost.code)" = 3 &&
	python3 - lost <<-\EOF
	import json, os, sys
	d = sys.argv[1]
	e1, e2 = os.environ["E1"], os.environ["E2"]
	run = json.load(open(d + "/run.json"))
	failed = {f["cell"]: f for f in run["failed"]}
	assert failed, run
	for f in failed.values():
	    assert f["cell"].endswith(".two") and f["engine"] == e2, f
	assert all(c.endswith(".one") or c in failed or c in run["ran"] for c in
	           ["busybox-latest.%s.%s" % (b, h) for b in "abc" for h in ("one", "two")])
	assert sorted(c for c in run["ran"] if c.endswith(".one")) == ["busybox-latest.%s.one" % b for b in "abc"], run
	lost = {e["engine"]: e.get("lost") for e in run["engines"]}
	assert lost[e1] is None and ("cannot reach the engine at " + e2) in lost[e2], lost
	EOF
'

test_expect_success 'an engine that is down fails only its own cells, and says why' '
	bed2 stop --force >stop.log 2>&1 &&
	test_must_fail --code=3 "$JOCKEY" run -o down two.yaml >down.out 2>&1 &&
	test_grep "engine .$E2. is down, its 3 cells will not run" down.out &&
	python3 - down <<-\EOF
	import json, os, sys
	d = sys.argv[1]
	e1, e2 = os.environ["E1"], os.environ["E2"]
	run = json.load(open(d + "/run.json"))
	assert sorted(run["ran"]) == ["busybox-latest.%s.one" % b for b in "abc"], run
	failed = {f["cell"]: f for f in run["failed"]}
	assert sorted(failed) == ["busybox-latest.%s.two" % b for b in "abc"], run["failed"]
	for f in failed.values():
	    assert f["engine"] == e2 and ("cannot reach the engine at " + e2) in f["reason"], f
	up = {e["engine"]: e["up"] for e in run["engines"]}
	assert up == {e1: True, e2: False}, up
	r = json.load(open(d + "/results.json"))
	for c in r["cells"]:
	    if c["host"] == "one":
	        assert c["status"] == "done", c
	    else:
	        assert c["status"] == "failed" and e2 in c["failures"][0]["reason"], c
	EOF
'

test_done
