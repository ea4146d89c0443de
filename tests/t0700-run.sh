#!/bin/sh
test_description='jockey run: the main job end to end, and exact reruns'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# A project of our own: a git work tree with the shipped dockerfiles and matrix,
# so that the tests can edit them.
setup_project() {
	rm -rf "$1" && mkdir -p "$1" && cp -R "$TOP/dockerfiles" "$TOP/matrix" "$1/" &&
	(cd "$1" && git init -q && git add -A &&
	 git -c user.name=t -c user.email=t@t commit -qm init)
}

# ids PATH KEY: the cell ids under KEY ("ran", "fresh") of a run.json, sorted, one a line
ids() {
	python3 -c 'import json,sys; [print(c) for c in sorted(json.load(open(sys.argv[1]))[sys.argv[2]])]' "$1" "$2"
}
failed_ids() {
	python3 -c 'import json,sys; [print(c["cell"]) for c in sorted(json.load(open(sys.argv[1]))["failed"], key=lambda c: c["cell"])]' "$1"
}
leftover_containers() {
	docker ps -aq --filter "label=jockey.dir=$1"
}

test_expect_success 'the quickstart runs and every cell has numbers and metrics' '
	setup_project qs &&
	cd qs &&
	"$JOCKEY" run -o out matrix/quickstart.yaml >../qs.out 2>&1 || { cat ../qs.out; false; } &&
	python3 - out/results.json <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["schema"] == 1
	cells = r["cells"]
	assert len(cells) == 6, [c["id"] for c in cells]
	for c in cells:
	    assert c["status"] == "done", (c["id"], c["status"], c.get("failures"))
	    m = c["metrics"]
	    for name in ("elapsed_s", "cpu_s", "mem_peak_bytes"):
	        assert name in m and m[name]["n"] == 3, (c["id"], name, sorted(m))
	    assert m["elapsed_s"]["median"] > 0
	    assert m["cpu_s"]["median"] > 0, (c["id"], m["cpu_s"])
	    assert len(m) > 3, (c["id"], "no metric from the parser", sorted(m))
	    p = c["provenance"]
	    for k in ("image_id", "engine_version", "kernel", "cpu_model"):
	        assert p.get(k), (c["id"], k, p)
	print("ok")
	EOF
'

test_expect_success 'a second run runs no cell' '
	cd qs &&
	"$JOCKEY" run -o out matrix/quickstart.yaml >out2 2>&1 &&
	ids out/run.json ran >ran && test_must_be_empty ran &&
	ids out/run.json fresh >fresh && test $(wc -l <fresh) = 6 &&
	test_grep "6 cells: 0 ran, 6 fresh, 0 failed" out2
'

# The rest uses a faster matrix: one repetition, short workloads.
write_fast_matrix() {
	cat >matrix/fast.yaml <<-EOF
	name: fast
	dockerfiles: {repo: ../dockerfiles}
	images:
	  - {name: debian, tags: [bookworm], pull: never}
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: ${REPEAT:-1}, timeout: 60s}
	benchmarks:
	  - name: sysbench-cpu
	    context: sysbench
	    images: [debian]
	    command: [sysbench, cpu, --cpu-max-prime=2000, --threads=1, --time=1, run]
	    parser: sysbench
	  - name: shell
	    context: shell
	    command: [sh, /bench/shell.sh, "1"]
	    parser: ${SHELL_PARSER:-shell}
	hosts:
	  - name: bridge
	  - name: host-net
	    network: host
	    cpuset: "${CPUSET:-0}"
	EOF
}

test_expect_success 'a Dockerfile change reruns exactly that benchmark'"'"'s cells' '
	cd qs && write_fast_matrix &&
	"$JOCKEY" run -o fast matrix/fast.yaml >o1 2>&1 || { cat o1; false; } &&
	# A comment alone changes the tree but, through the engine'"'"'s build cache,
	# not the image: no cell may rerun for it.
	echo "# a comment" >>dockerfiles/shell/Dockerfile &&
	"$JOCKEY" run -o fast matrix/fast.yaml >o2 2>&1 || { cat o2; false; } &&
	ids fast/run.json ran >ran && test_must_be_empty ran &&
	echo "ENV JOCKEY_TEST_EDIT=1" >>dockerfiles/shell/Dockerfile &&
	"$JOCKEY" run -o fast matrix/fast.yaml >o2 2>&1 || { cat o2; false; } &&
	ids fast/run.json ran >ran &&
	printf "%s\n" busybox-latest.shell.bridge busybox-latest.shell.host-net \
		debian-bookworm.shell.bridge debian-bookworm.shell.host-net >want &&
	test_cmp want ran
'

test_expect_success 'a host config change reruns exactly that host'"'"'s cells' '
	cd qs && CPUSET=1 write_fast_matrix &&
	"$JOCKEY" run -o fast matrix/fast.yaml >o3 2>&1 || { cat o3; false; } &&
	ids fast/run.json ran >ran &&
	printf "%s\n" busybox-latest.shell.host-net debian-bookworm.shell.host-net \
		debian-bookworm.sysbench-cpu.host-net >want &&
	test_cmp want ran
'

test_expect_success 'a parser change reruns only the parse edges' '
	cd qs &&
	ls -l --time-style=full-iso fast/cells/*/1/log >logs.before &&
	SHELL_PARSER="[shell, {regex: \"loops=([0-9]+)\", metric: loops, better: higher}]" \
		CPUSET=1 write_fast_matrix &&
	"$JOCKEY" run -o fast matrix/fast.yaml >o4 2>&1 || { cat o4; false; } &&
	ls -l --time-style=full-iso fast/cells/*/1/log >logs.after &&
	test_cmp logs.before logs.after &&
	ids fast/run.json ran >ran &&
	test $(wc -l <ran) = 4 && ! grep sysbench ran &&
	python3 -c "import json; r = json.load(open(\"fast/results.json\")); assert all(\"loops\" in c[\"metrics\"] for c in r[\"cells\"] if \".shell.\" in c[\"id\"])"
'

test_expect_success 'a failing cell is failed, the others are fine, and the next run retries it' '
	cd qs &&
	cat >matrix/fail.yaml <<-\EOF &&
	name: fail
	dockerfiles: {repo: ../dockerfiles}
	images: [{name: busybox, tags: [latest], pull: never}]
	benchmarks:
	  - {name: ok, command: [sh, -c, "echo fine"], repeat: 1}
	  - {name: crash, command: [sh, -c, "echo dying; exit 3"], repeat: 1}
	  - {name: hang, command: [sleep, "60"], repeat: 1, timeout: 2s}
	hosts: [{name: bridge}]
	EOF
	test_must_fail --code=3 "$JOCKEY" run -o failout matrix/fail.yaml >f1 2>&1 &&
	ids failout/run.json ran >ran && echo busybox-latest.ok.bridge >want && test_cmp want ran &&
	failed_ids failout/run.json >failed &&
	printf "%s\n" busybox-latest.crash.bridge busybox-latest.hang.bridge >want && test_cmp want failed &&
	test_grep "exit code 3" f1 && test_grep "timeout after 2s" f1 &&
	test -z "$(leftover_containers "$PWD/failout")" &&
	test_must_fail --code=3 "$JOCKEY" run -o failout matrix/fail.yaml >f2 2>&1 &&
	failed_ids failout/run.json >failed2 && test_cmp want failed2 &&
	ids failout/run.json fresh >fresh && echo busybox-latest.ok.bridge >want && test_cmp want fresh
'

test_expect_success 'SIGINT leaves no container, keeps finished repetitions, and the next run does the rest' '
	cd qs
	cat >matrix/slow.yaml <<-\EOF
	name: slow
	dockerfiles: {repo: ../dockerfiles}
	images: [{name: busybox, tags: [latest], pull: never}]
	benchmarks: [{name: nap, command: [sh, -c, "sleep 2; echo done"], repeat: 4}]
	hosts: [{name: bridge}]
	EOF
	"$JOCKEY" run -o slowout matrix/slow.yaml >s1 2>&1 &
	pid=$!
	i=0
	while ! test -e slowout/cells/busybox-latest.nap.bridge/1/samples.json; do
		sleep 0.2; i=$((i + 1)); test $i -lt 150
	done
	sleep 0.5 && kill -INT $pid &&
	code=0 && { wait $pid || code=$?; } && test "$code" = 130 &&
	test -z "$(leftover_containers "$PWD/slowout")" &&
	test -e slowout/cells/busybox-latest.nap.bridge/1/samples.json &&
	ls slowout/cells/busybox-latest.nap.bridge/*/samples.json >kept &&
	n_kept=$(wc -l <kept) && test $n_kept -lt 4 &&
	cp slowout/cells/busybox-latest.nap.bridge/1/samples.json first.json &&
	"$JOCKEY" run -o slowout matrix/slow.yaml >s2 2>&1 &&
	test_cmp first.json slowout/cells/busybox-latest.nap.bridge/1/samples.json &&
	test "$(find slowout/cells -name samples.json -newer first.json | wc -l)" = $((4 - n_kept))
'

test_done
