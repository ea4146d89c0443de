#!/bin/sh
test_description='jockey compare: a real 20% change is flagged, two runs of the same image are not'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# The work: a busybox shell writes $WORK MiB to the container's /dev/shm (a
# tmpfs charged to its memory cgroup) and loops $WORK * 5000 times, in the
# image as it is (no build). 20% more work is about 18% more memory at the
# peak (the shell and dd take ~4 MiB of their own) and 20% more CPU time.
# The assertions use the memory peak: exact cgroup accounting, ~1% jitter,
# while CPU time on a shared machine drifts by 10% or more between two runs
# of the same thing (it is shown, not asserted). 8 repetitions a side:
# Mann-Whitney needs at least 4+4 to reach p < 0.05 at all. No assertion
# rests on chance: two runs of the same image may differ by chance in a metric
# (with Benjamini-Hochberg over the comparison, rarely), so that comparison
# checks that each verdict follows its q, the constant metric's exact p = 1,
# and a folder against itself flags nothing; that two unchanged runs of a
# large matrix flag (near) nothing is t-compare's seeded test and bench/fdr.
mkdir -p "$TRASH/p/matrix" && cp -R "$TOP/dockerfiles" "$TRASH/p/" || exit 1
write_matrix() {
	cat >"$TRASH/p/matrix/work.yaml" <<-EOF
	name: work
	dockerfiles: {repo: ../dockerfiles}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 8, timeout: 60s}
	benchmarks:
	  - name: fill
	    command: [sh, -c, 'dd if=/dev/zero of=/dev/shm/work bs=1M count=\$WORK 2>/dev/null; i=0; while [ \$i -lt \$((WORK * 5000)) ]; do i=\$((i+1)); done; echo "filled: \$WORK"']
	    env: {WORK: "$1"}
	    parser: {regex: 'filled: ([0-9]+)', metric: filled_mib, unit: MiB}
	  - name: idle
	    repeat: 2
	    command: [sh, -c, 'echo "filled: 0"']
	    parser: {regex: 'filled: ([0-9]+)', metric: filled_mib, unit: MiB}
	hosts:
	  - name: bridge
	EOF
}
write_matrix 40
(cd "$TRASH/p" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) || exit 1
for d in a same; do
	test_at_exit "cd '$TRASH/p' && '$JOCKEY' clean --all $d"
done
LOOP=busybox-latest.fill.bridge

# metric_line FILE CELL METRIC: the line of METRIC in CELL's table of a compare output
metric_line() {
	awk -v cell="$2" -v m="$3" '$0 == cell { on = 1; next } /^[^ ]/ { on = 0 } on && $1 == m' "$1"
}

test_expect_success 'two runs of the same image: each verdict follows its q' '
	cd p &&
	"$JOCKEY" run -o a matrix/work.yaml >run-a.out 2>&1 &&
	"$JOCKEY" run -o same matrix/work.yaml >run-same.out 2>&1 &&
	"$JOCKEY" compare a same >cmp-same.out &&
	cat cmp-same.out &&
	metric_line cmp-same.out $LOOP mem_peak_bytes >line &&
	test_grep "\(p=[0-9.]+ q=[0-9.]+ n=8\+8\)" line &&
	metric_line cmp-same.out $LOOP filled_mib >line &&
	test_grep "~ \(p=1.000 q=1.000 n=8\+8\)" line &&
	python3 - cmp-same.out <<-\EOF
	import re, sys
	rows = [l for l in open(sys.argv[1]) if re.search(r"\(p=[0-9.]+ q=", l)]
	assert len(rows) >= 10, rows
	flagged = 0
	for l in rows:
	    p, q = map(float, re.search(r"p=([0-9.]+) q=([0-9.]+)", l).groups())
	    assert q >= p, l
	    if "~ (" in l:
	        assert q >= 0.05, l
	    else:
	        assert q <= 0.05 and re.search(r"(better|worse)$", l.strip()), l
	        flagged += 1
	last = open(sys.argv[1]).read().strip().splitlines()[-1]
	assert last.startswith("%d significant change" % flagged), last
	tests = sum(1 for l in open(sys.argv[1]) if "(p=" in l or "(n too small" in l)
	assert "false discovery rate of 0.05 over the %d tests" % tests in last, last
	EOF
'

test_expect_success 'a folder against itself: every p is 1, nothing flagged' '
	cd p &&
	"$JOCKEY" compare a a >cmp-self.out &&
	test_grep "^0 significant changes " cmp-self.out &&
	! grep -E "\(p=0\.|q=0\." cmp-self.out &&
	test $(grep -c "~ (p=1.000 q=1.000 n=" cmp-self.out) -ge 10
'

test_expect_success 'a partial rerun with 20% more work: the change is flagged' '
	cd p &&
	cp a/results.json a-before.json &&
	write_matrix 48 &&
	"$JOCKEY" run -o a matrix/work.yaml >run-b.out 2>&1 &&
	cat run-b.out &&
	test_grep "1 ran, 1 fresh" run-b.out &&
	"$JOCKEY" compare a >cmp-hist.out &&
	cat cmp-hist.out &&
	metric_line cmp-hist.out $LOOP mem_peak_bytes >line &&
	test_grep "^ +mem_peak_bytes .* \+1[0-9]\.[0-9]+% \(p=0\.0[0-4][0-9] q=0\.0[0-4][0-9] n=8\+8\) worse$" line &&
	python3 - a-before.json a/results.json <<-\EOF
	import json, sys
	old = {c["id"]: c for c in json.load(open(sys.argv[1]))["cells"]}
	new = {c["id"]: c for c in json.load(open(sys.argv[2]))["cells"]}
	cell = "busybox-latest.fill.bridge"
	r = new[cell]["metrics"]["mem_peak_bytes"]["median"] / old[cell]["metrics"]["mem_peak_bytes"]["median"]
	print("mem_peak_bytes ratio", r)
	assert 1.12 < r < 1.22, r
	EOF
'

test_expect_success 'the history keeps both results; the idle cell was not rerun' '
	cd p &&
	test $(grep -c "\"cell\":\"$LOOP\"" a/history.jsonl) = 2 &&
	test $(grep -c "\"cell\":\"busybox-latest.idle.bridge\"" a/history.jsonl) = 1 &&
	metric_line cmp-hist.out $LOOP filled_mib >line &&
	test_grep "\+20.00% \(p=0.000 q=0.00[0-9] n=8\+8\) better" line &&
	test_grep "1 cell with no earlier result" cmp-hist.out
'

test_expect_success 'jockey compare A B between two folders flags it too' '
	cd p &&
	"$JOCKEY" compare same a >cmp-ab.out &&
	metric_line cmp-ab.out $LOOP mem_peak_bytes >line &&
	test_grep "\+1[0-9]\.[0-9]+% \(p=0\.0[0-4][0-9] q=0\.0[0-4][0-9] n=8\+8\) worse$" line
'

if grep -q compare_print_changes "$TOP/runners/cmd_run.c"; then
	test_expect_success 'jockey run prints the cells whose numbers changed' '
		cd p &&
		test_grep "significant changes against each cell.s previous result" run-b.out &&
		test_grep "^  $LOOP mem_peak_bytes: [0-9.e+]+ -> [0-9.e+]+ bytes, \+1[0-9]\.[0-9]% worse \(p=" run-b.out &&
		test_grep "^  $LOOP filled_mib: 40 -> 48 MiB, \+20.0% better \(p=" run-b.out &&
		! grep "^  busybox-latest.idle.bridge" run-b.out &&
		! grep "significant changes" run-a.out run-same.out
	'
else
	test_skip 'jockey run prints the cells whose numbers changed' 'cmd_run.c does not call compare_print_changes yet'
fi

test_expect_success 'compare: usage and errors' '
	test_must_fail --code=2 "$JOCKEY" compare &&
	test_must_fail --code=1 "$JOCKEY" compare nowhere 2>err &&
	test_grep "cannot read results .nowhere." err
'

test_done
