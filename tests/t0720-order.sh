#!/bin/sh
test_description='jockey run: repetitions interleaved across cells (the order in .ninja_log), order: sequential, an interrupted run resumes with exactly the missing repetitions'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# order.yaml: 3 cells (one image, three host configs) x 3 repetitions of a
# short shell command; $1: the order: line (empty for the default).
write_matrix() {
	cat >order.yaml <<-EOF
	name: order
	$1
	images: [{name: busybox, tags: [latest], pull: never}]
	defaults: {repeat: 3, timeout: 60s}
	benchmarks:
	  - name: tick
	    command: [sh, -c, "echo tick; sleep 0.2"]
	hosts: [{name: a}, {name: b}, {name: c}]
	EOF
}

# ran DIR [SKIP]: the repetitions .ninja_log records, in the order they
# started, after its first SKIP entries: "CELL REP" a line.
ran() {
	python3 - "$1" "${2:-0}" <<-\EOF
	import sys
	lines = [l.split("\t") for l in open(sys.argv[1] + "/.ninja_log") if not l.startswith("#")]
	lines = lines[int(sys.argv[2]):]
	runs = [(int(l[0]), l[3]) for l in lines if l[3].startswith("cells/") and l[3].endswith("/log")]
	for _, p in sorted(runs):
	    print(p.split("/")[1].rsplit(".", 1)[1], p.split("/")[2])
	EOF
}

# manifest DIR: the run edges in build.ninja's order, "CELL REP" a line
manifest() {
	sed -n "s|^build cells/[^/]*\.\([a-z]*\)/\([0-9]*\)/log: run-cell.*|\1 \2|p" "$1/build.ninja"
}

test_expect_success 'by default the repetitions run round by round, in the order build.ninja gives' '
	write_matrix "" &&
	"$JOCKEY" run -o out order.yaml >run.out 2>&1 || { cat run.out; false; } &&
	ran out >order &&
	cat order && test $(wc -l <order) = 9 &&
	manifest out >expect &&
	# the first to start may be any of round 1 (gen/order.h: the cells
	# edge frees the pool just before its run edges get ready); after it,
	# build.ninja'"'"'s order exactly
	head -n 3 expect | grep -x -F "$(head -n 1 order)" &&
	grep -v -x -F "$(head -n 1 order)" expect >expect.rest &&
	tail -n +2 order >order.rest && test_cmp expect.rest order.rest &&
	# round r: repetition r of each of the three cells
	awk "{ if (\$2 != int((NR - 1) / 3) + 1) exit 1; seen[\$2 \" \" \$1]++ } END { exit length(seen) != 9 }" order &&
	# not every round in the same order of cells (the seed shuffles each)
	test $(awk "{ printf \"%s\", \$1 } NR % 3 == 0 { print \"\" }" order | sort -u | wc -l) -gt 1 &&
	python3 -c "import json; o = json.load(open(\"out/matrix.json\"))[\"order\"]; assert o[\"kind\"] == \"interleaved\" and o[\"seed\"] >= 0, o" &&
	python3 -c "import json; assert json.load(open(\"out/run.json\"))[\"order\"] == json.load(open(\"out/matrix.json\"))[\"order\"]"
'

test_expect_success 'the same matrix gives the same order; another seed another one' '
	"$JOCKEY" gen -q -o same order.yaml && manifest same >same.order && test_cmp expect same.order &&
	write_matrix "order: {seed: 12345}" &&
	"$JOCKEY" gen -q -o seeded order.yaml &&
	python3 -c "import json; assert json.load(open(\"seeded/matrix.json\"))[\"order\"][\"seed\"] == 12345" &&
	manifest seeded >seeded.order && ! test_cmp expect seeded.order
'

test_expect_success 'warm-up repetitions come in the first rounds, before each cell'"'"'s measured ones' '
	write_matrix "" &&
	sed "s/defaults: {repeat: 3, timeout: 60s}/defaults: {repeat: 2, warmup: 2, timeout: 60s}/" order.yaml >warm.yaml &&
	"$JOCKEY" gen -q -o warm warm.yaml && manifest warm >warm.order && cat warm.order &&
	test $(wc -l <warm.order) = 12 &&
	awk "{ if (\$2 != int((NR - 1) / 3) + 1) exit 1 }" warm.order
'

test_expect_success 'three deleted repetitions: the rerun runs exactly those; after the first, in build.ninja'"'"'s order' '
	n=$(grep -vc "^#" out/.ninja_log) &&
	sed -n "2p;5p;9p" order >deleted &&
	while read -r cell rep; do rm -r out/cells/busybox-latest.tick.$cell/$rep || return 1; done <deleted &&
	"$JOCKEY" run -o out order.yaml >rerun.out 2>&1 || { cat rerun.out; false; } &&
	ran out $n >rerun && cat rerun &&
	sort deleted >deleted.sorted && sort rerun >rerun.sorted && test_cmp deleted.sorted rerun.sorted &&
	grep -x -F -f deleted expect | grep -v -x -F "$(head -n 1 rerun)" >expect.rerun &&
	tail -n +2 rerun >rerun.rest && test_cmp expect.rerun rerun.rest
'

test_expect_success 'order: sequential runs each cell'"'"'s repetitions back to back' '
	write_matrix "order: sequential" &&
	"$JOCKEY" run -o seq order.yaml >seq.out 2>&1 || { cat seq.out; false; } &&
	ran seq >seq.order && cat seq.order &&
	awk "{ c[NR] = \$1; r[NR] = \$2 } END { for (i = 1; i <= NR; i++) if (r[i] != (i - 1) % 3 + 1 || c[i] != c[int((i - 1) / 3) * 3 + 1]) exit 1 }" seq.order &&
	python3 -c "import json; assert json.load(open(\"seq/matrix.json\"))[\"order\"][\"kind\"] == \"sequential\""
'

test_expect_success 'an interrupted interleaved run resumes with exactly the missing repetitions' '
	write_matrix "" &&
	( "$JOCKEY" run -o int order.yaml >int.out 2>&1 & echo $! >int.pid; wait ) &
	i=0 &&
	while [ $(ls int/cells/*/*/samples.json 2>/dev/null | wc -l) -lt 4 ] && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	kill -INT $(cat int.pid) && wait &&
	test $(ls int/cells/*/*/samples.json | wc -l) -lt 9 &&
	ls int/cells/*/*/log | sed "s|int/cells/busybox-latest.tick.\([a-z]*\)/\([0-9]*\)/log|\1 \2|" | sort >had &&
	n=$(grep -vc "^#" int/.ninja_log) &&
	"$JOCKEY" run -o int order.yaml >int2.out 2>&1 || { cat int2.out; false; } &&
	ran int $n >resumed && cat resumed &&
	manifest int >all && grep -v -x -F -f had all >missing &&
	sort missing >missing.sorted && sort resumed >resumed.sorted && test_cmp missing.sorted resumed.sorted &&
	grep -v -x -F "$(head -n 1 resumed)" missing >missing.rest &&
	tail -n +2 resumed >resumed.rest && test_cmp missing.rest resumed.rest
'

test_done
