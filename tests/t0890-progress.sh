#!/bin/sh
test_description='jockey run: a status line with an ETA from the history, in place on a terminal, and a closing table'
. "$(dirname "$0")/lib.sh"
test_needs_engine

OUT=$TRASH/out
JOCKEY_PROGRESS_INTERVAL=1
export OUT JOCKEY_PROGRESS_INTERVAL
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'

# status FILE: the status lines of a plain run, one a line
status() {
	grep "^jockey: [0-9]*/[0-9]* cells, " "$1"
}

test_expect_success 'setup: two timed benchmarks and a failing one on busybox' '
	mkdir -p df/c &&
	printf "ARG BASE\nFROM \$BASE\n" >df/c/Dockerfile &&
	git -C df init -q && git -C df add -A &&
	git -C df -c user.name=t -c user.email=t@t commit -qm init &&
	cat >m.yaml <<-\EOF
	name: t0890
	dockerfiles: {repo: df}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 2, timeout: 30s}
	benchmarks:
	  - name: two
	    context: c
	    command: [sh, -c, "sleep 2; echo value=2"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	  - name: one
	    context: c
	    command: [sh, -c, "sleep 1; echo value=1"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	  - name: fails
	    command: [sh, -c, "exit 3"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts:
	  - name: h
	EOF
'

test_expect_success 'plain, first run: a line a second, ETA from the timeouts, the table' '
	test_must_fail --code=3 "$JOCKEY" run -o out m.yaml >run1.out 2>&1 &&
	cat run1.out &&
	status run1.out >st1 &&
	test "$(wc -l <st1)" -ge 3 &&
	test_grep "^jockey: 0/3 cells, 0/6 reps, 0 failed, [0-9]+s elapsed, ETA at most [0-9]m[0-9][0-9]s\$" st1 &&
	tail -1 st1 | grep -qE "^jockey: 3/3 cells, 6/6 reps, 2 failed, [0-9]+s elapsed\$" &&
	test_grep "^\[[0-9]+/[0-9]+\] RUN cells/busybox-latest.two.h/run.json 1\$" run1.out &&
	test_grep "^benchmark  +ran  failed  fresh\$" run1.out &&
	test_grep "^two  +1  +0  +0\$" run1.out &&
	test_grep "^one  +1  +0  +0\$" run1.out &&
	test_grep "^fails  +0  +1  +0\$" run1.out &&
	test_grep "^slowest: busybox-latest.two.h [4-9]\.[0-9]s, busybox-latest.one.h [2-5]\.[0-9]s\$" run1.out &&
	test_grep "^jockey: 3 cells: 2 ran, 0 fresh, 1 failed; " run1.out
'

test_expect_success 'nothing to run: no status line, the table says fresh' '
	rm -f out/cells/busybox-latest.fails.h/*/failed.json &&
	"$JOCKEY" run -o out m.yaml "*.two.*" "*.one.*" >run0.out 2>&1 &&
	cat run0.out &&
	! status run0.out &&
	test_grep "^two  +0  +0  +1\$" run0.out
'

test_expect_success 'plain, second run: an ETA from the history, within 50% of the truth' '
	rm -rf out/cells/*/[0-9]* &&
	"$JOCKEY" run -o out m.yaml "*.two.*" "*.one.*" >run2.out 2>&1 &&
	cat run2.out &&
	status run2.out >st2 &&
	! grep -q "at most" st2 &&
	first=$(grep -m1 -E "ETA [0-9]" st2) &&
	echo "$first" | grep -qE "^jockey: 0/2 cells, 0/4 reps, 0 failed, [0-9]+s elapsed, ETA [0-9]+s\$" &&
	total=$(tail -1 st2 | sed -E "s/.* ([0-9]+)s elapsed\$/\1/") &&
	el=$(echo "$first" | sed -E "s/.* ([0-9]+)s elapsed, .*/\1/") &&
	eta=$(echo "$first" | sed -E "s/.*ETA ([0-9]+)s\$/\1/") &&
	echo "first line: $el s elapsed + ETA $eta s; the run took $total s" &&
	test $((2 * (el + eta))) -ge "$total" && test $((2 * (el + eta))) -le $((3 * total))
'

test_expect_success 'on a terminal (script): one line redrawn in place, ninja lines dropped' '
	rm -rf out/cells/*/[0-9]* &&
	TERM=xterm script -qfec "\"$JOCKEY\" run -o out m.yaml \"*.two.*\" \"*.one.*\"" tty.out >/dev/null 2>&1 &&
	tr "\r" "\n" <tty.out | sed "s/\x1b\[K//g" >tty.lines &&
	cat tty.lines &&
	esc=$(printf "\r\033[K") &&
	test "$(grep -o -F "${esc}jockey: " tty.out | wc -l)" -ge 3 &&
	! grep -q "jockey-ninja" tty.out && ! grep -q "RUN cells/" tty.out &&
	test_grep "^jockey: 0/2 cells, 0/4 reps, 0 failed, [0-9]+s elapsed, ETA [0-9]+s\$" tty.lines &&
	test_grep "^jockey: 2/2 cells, 4/4 reps, 0 failed, [0-9]+s elapsed\$" tty.lines &&
	test_grep "^two  +1  +0  +0\$" tty.lines
'

test_expect_success 'on a terminal, an edge that fails: its message above the line' '
	rm -f out/cells/busybox-latest.fails.h/*/failed.json &&
	{ TERM=xterm script -qfec "\"$JOCKEY\" run -o out m.yaml \"*.fails.*\"" tty2.out >/dev/null 2>&1 ||
		test $? = 3; } &&
	tr "\r" "\n" <tty2.out | sed "s/\x1b\[K//g" >tty2.lines &&
	cat tty2.lines &&
	test_grep "^jockey: cell .busybox-latest.fails.h. rep 1 failed: exit code 3" tty2.lines &&
	test_grep "^jockey: 1/1 cells, 2/2 reps, 2 failed, [0-9]+s elapsed\$" tty2.lines &&
	test_grep "^fails  +0  +1  +0\$" tty2.lines
'

test_done
