#!/bin/sh
test_description='CI shards: gen/run --shard I/N share the cells stably and disjointly, --durations balances them, merge joins the shards into the unsharded report and refuses what does not fit'
. "$(dirname "$0")/lib.sh"

command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"

# ids DIR: the cell ids of DIR/matrix.json, one a line
ids() {
	python3 -c 'import json,sys; [print(c["id"]) for c in json.load(open(sys.argv[1] + "/matrix.json"))["cells"]]' "$1"
}

# A matrix of B benchmarks x H hosts on busybox (gen only: no engine needed).
big_matrix() {
	{
		echo "name: big"
		echo "images: [{name: busybox, tags: [latest], pull: never}]"
		echo "defaults: {repeat: 1, parser: []}"
		echo "benchmarks:"
		for b in $2; do echo "  - {name: $b, command: [sh, -c, 'echo $b']}"; done
		echo "hosts:"
		for h in $3; do echo "  - {name: $h}"; done
	} >"$1"
}

test_expect_success '--shard takes I/N with 1 <= I <= N' '
	big_matrix m.yaml "a b" "h1" &&
	for bad in 0/3 4/3 3 x/2 1/0 "1/2x" " 1/2" "1/+2"; do
		test_must_fail --code=2 "$JOCKEY" gen --shard "$bad" -o bad m.yaml 2>err &&
		test_grep "shard .* is not I/N" err || return 1
	done &&
	test_must_fail --code=2 "$JOCKEY" gen --durations x.json -o bad m.yaml
'

test_expect_success 'three shards hold every cell exactly once; each build.ninja only its own' '
	big_matrix m.yaml "a b c d e f g" "h1 h2 h3 h4 h5 h6" &&
	"$JOCKEY" gen -q -o all m.yaml && ids all >all.ids && test $(wc -l <all.ids) = 42 &&
	for i in 1 2 3; do
		"$JOCKEY" gen -q --shard $i/3 -o s$i m.yaml && ids s$i >s$i.ids &&
		test $(grep -c "^build cell\\$:" s$i/build.ninja) = $(wc -l <s$i.ids) &&
		python3 -c "import json,sys; s=json.load(open(\"s$i/matrix.json\"))[\"shard\"]; assert (s[\"index\"], s[\"count\"], s[\"cells_total\"]) == ($i, 3, 42) and len(s[\"matrix_hash\"]) == 16, s" &&
		grep -q "^shard = --shard $i/3$" s$i/build.ninja || return 1
	done &&
	sort s1.ids s2.ids s3.ids >union && test_cmp all.ids union &&
	test -z "$(sort s1.ids s2.ids s3.ids | uniq -d)" &&
	wc -l s1.ids s2.ids s3.ids &&
	# the regeneration edge regenerates the same shard
	touch m.yaml && ninja -C s2 build.ninja >/dev/null && ids s2 >again && test_cmp s2.ids again
'

test_expect_success 'a cell keeps its shard when other cells come and go' '
	# drop benchmark a and host h6, add benchmark z and host h7
	big_matrix m2.yaml "b c d e f g z" "h1 h2 h3 h4 h5 h7" &&
	for i in 1 2 3; do "$JOCKEY" gen -q --shard $i/3 -o t$i m2.yaml && ids t$i >t$i.ids || return 1; done &&
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ $i = $j ] && continue
			# a cell in both matrices is in the same shard of each
			test -z "$(sort s$i.ids t$j.ids | uniq -d)" || return 1
		done
	done &&
	sort t1.ids t2.ids t3.ids >tunion && "$JOCKEY" gen -q -o tall m2.yaml && ids tall >tall.ids &&
	test_cmp tall.ids tunion
'

test_expect_success '--durations balances by past durations, moving only cells it knows' '
	big_matrix m.yaml "a b c d e f g" "h1 h2 h3 h4 h5 h6" &&
	# a past report: cells of host h1 took 30 s, the others 1 s, g unknown
	python3 - <<-\EOF &&
	import json
	cells = []
	for l in open("all.ids"):
	    i = l.strip()
	    if ".g." in i:
	        continue
	    d = 30.0 if i.endswith(".h1") else 1.0
	    cells.append({"id": i, "reps_total": 1, "metrics": {"elapsed_s": {"median": d}}})
	json.dump({"schema": 1, "cells": cells}, open("past.json", "w"))
	EOF
	for i in 1 2 3; do "$JOCKEY" gen -q --shard $i/3 --durations past.json -o d$i m.yaml && ids d$i >d$i.ids || return 1; done &&
	sort d1.ids d2.ids d3.ids >dunion && test_cmp all.ids dunion &&
	test -z "$(sort d1.ids d2.ids d3.ids | uniq -d)" &&
	python3 - <<-\EOF
	import json
	past = {c["id"]: c["metrics"]["elapsed_s"]["median"] for c in json.load(open("past.json"))["cells"]}
	mean = sum(past.values()) / len(past)
	def load(f):
	    return sum(past.get(l.strip(), mean) for l in open(f))
	hashed = [load("s%d.ids" % i) for i in (1, 2, 3)]
	balanced = [load("d%d.ids" % i) for i in (1, 2, 3)]
	print("hash only:", hashed, "balanced:", balanced)
	assert max(balanced) <= max(hashed)
	assert max(balanced) - min(balanced) <= 30.0, balanced
	# cells of unknown duration (benchmark g) stay where the hash put them
	for i in (1, 2, 3):
	    g_hash = {l for l in open("s%d.ids" % i) if ".g." in l}
	    g_bal = {l for l in open("d%d.ids" % i) if ".g." in l}
	    assert g_hash == g_bal, (i, g_hash, g_bal)
	EOF
'

# The rest runs cells: a regex parser gives a metric of known value. Without
# a test bed each of them is skipped, after the tests above (a plan of
# "1..0" now would contradict them).
if ! test_engine_available; then
	test_expect_success() { test_skip "$1" "the test bed did not start"; }
fi

run_matrix() {
	cat >"$1" <<-EOF
	name: shards
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults:
	  repeat: 2
	  timeout: 60s
	  parser: {regex: 'value: ([0-9]+)', metric: v, unit: x}
	benchmarks:
	  - {name: a, command: [sh, -c, "echo value: 1"]}
	  - {name: b, command: [sh, -c, "echo value: 2"]}
	  - {name: c, command: [sh, -c, "echo value: 3"]}
	hosts:
	  - {name: h1}
	  - {name: h2}
	  - {name: h3}
	EOF
}

test_expect_success 'three shards run every cell exactly once; their merge is the unsharded report' '
	run_matrix r.yaml &&
	"$JOCKEY" run -o full r.yaml >full.out 2>&1 || { cat full.out; false; } &&
	for i in 1 2 3; do
		"$JOCKEY" run --shard $i/3 -o r$i r.yaml >r$i.out 2>&1 || { cat r$i.out; false; }
	done &&
	"$JOCKEY" merge -o merged r1 r2 r3 >merge.out 2>&1 || { cat merge.out; false; } &&
	cat merge.out &&
	python3 - <<-\EOF
	import json
	full = json.load(open("full/results.json"))
	merged = json.load(open("merged/results.json"))
	ran = []
	shard_cells = {}
	for i in (1, 2, 3):
	    run = json.load(open("r%d/run.json" % i))
	    assert run["shard"]["index"] == i and run["shard"]["cells_total"] == 9, run["shard"]
	    assert not run["failed"] and not run["fresh"], run
	    ran += run["ran"]
	    for c in json.load(open("r%d/results.json" % i))["cells"]:
	        shard_cells[c["id"]] = c
	ids = sorted(c["id"] for c in full["cells"])
	assert sorted(ran) == ids and len(set(ran)) == len(ran), (ran, ids)
	assert [c["id"] for c in merged["cells"]] == ids
	for k in ("matrix", "schema", "baseline", "max_cv", "repo_commit"):
	    assert full.get(k) == merged.get(k), k
	fc = {c["id"]: c for c in full["cells"]}
	for c in merged["cells"]:
	    f = fc[c["id"]]
	    for k in ("image", "tag", "benchmark", "host", "status", "reps_done", "reps_total", "failures"):
	        assert c[k] == f[k], (c["id"], k, c[k], f[k])
	    assert sorted(c["metrics"]) == sorted(f["metrics"]), c["id"]
	    for name, m in c["metrics"].items():
	        assert m["n"] == f["metrics"][name]["n"], (c["id"], name)
	        assert m["samples"] == shard_cells[c["id"]]["metrics"][name]["samples"], (c["id"], name)
	    assert c["metrics"]["v"]["samples"] == f["metrics"]["v"]["samples"]
	    assert c["provenance"] == shard_cells[c["id"]]["provenance"]
	m = json.load(open("merged/matrix.json"))
	assert "shard" not in m and len(m["merged_from"]) == 3 and len(m["cells"]) == 9
	print("merged", len(ids), "cells")
	EOF
'

test_expect_success 'results.csv of the merge has the rows of the unsharded run' '
	test $(wc -l <merged/results.csv) = $(wc -l <full/results.csv) &&
	cut -d, -f1-9 merged/results.csv | grep -v "elapsed_s\|cpu\|mem\|io_\|net_\|pids" | sort >m.rows &&
	cut -d, -f1-9 full/results.csv | grep -v "elapsed_s\|cpu\|mem\|io_\|net_\|pids" | sort >f.rows &&
	test_cmp f.rows m.rows
'

test_expect_success 'merging again over the merge gives the same report' '
	cp merged/results.json first.json &&
	"$JOCKEY" merge -o merged r1 r2 r3 >/dev/null 2>&1 &&
	python3 -c "import json; a=json.load(open(\"first.json\")); b=json.load(open(\"merged/results.json\")); assert a == b"
'

test_expect_success 'merge refuses missing shards, unless --force' '
	test_must_fail --code=2 "$JOCKEY" merge -o part r1 r2 2>err &&
	test_grep "missing shards: 3/3" err && test ! -e part/results.json &&
	"$JOCKEY" merge --force -o part r1 r2 >/dev/null 2>&1 &&
	test $(python3 -c "import json; print(len(json.load(open(\"part/results.json\"))[\"cells\"]))") = \
	     $(($(ids r1 | wc -l) + $(ids r2 | wc -l)))
'

test_expect_success 'merge refuses a shard twice' '
	cp -R r1 r1b &&
	test_must_fail --code=2 "$JOCKEY" merge -o twice r1 r1b r2 r3 2>err &&
	test_grep "are both shard 1/3" err && test_grep "is in both" err
'

test_expect_success 'merge refuses shards of another matrix or other matrix content' '
	sed "s/^name: shards/name: other/" r.yaml >o.yaml &&
	"$JOCKEY" gen -q --shard 3/3 -o o3 o.yaml &&
	test_must_fail --code=2 "$JOCKEY" merge -o x r1 r2 o3 2>err &&
	test_grep "holds matrix .other. but .r1. holds matrix .shards." err &&
	sed "s/timeout: 60s/timeout: 50s/" r.yaml >r2.yaml && mkdir -p alt && cp r2.yaml alt/r.yaml &&
	"$JOCKEY" gen -q --shard 3/3 -o c3 alt/r.yaml &&
	test_must_fail --code=2 "$JOCKEY" merge -o x r1 r2 c3 2>err &&
	test_grep "different contents of matrix .shards." err
'

test_expect_success 'merge refuses shards of different Dockerfile repo commits, unless --force' '
	cp -R r3 r3c && mkdir -p r1/stamps r3c/stamps &&
	echo 1111111111111111111111111111111111111111 >r1/stamps/repo.commit &&
	echo 2222222222222222222222222222222222222222 >r3c/stamps/repo.commit &&
	test_must_fail --code=2 "$JOCKEY" merge -o x r1 r2 r3c 2>err &&
	test_grep "ran Dockerfile repo commit 2222222222222222222222222222222222222222 but .r1. ran 1111111111111111111111111111111111111111" err &&
	"$JOCKEY" merge --force -o forced r1 r2 r3c >/dev/null 2>&1 && test -s forced/results.json &&
	rm r1/stamps/repo.commit
'

test_expect_success 'merge will not write into one of its inputs' '
	test_must_fail --code=2 "$JOCKEY" merge -o r1 r1 r2 r3 2>err &&
	test_grep "is one of the folders to merge" err
'

test_done
