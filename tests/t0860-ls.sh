#!/bin/sh
test_description='jockey ls: why each cell is stale, in words, after real runs'
. "$(dirname "$0")/lib.sh"
test_needs_engine

OUT=$TRASH/out
export OUT
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'

# write_matrix [EXTRA-HOST-LINES]: busybox only, one context, two hosts.
write_matrix() {
	cat >m.yaml <<-EOF
	name: t0860
	dockerfiles: {repo: df}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: hello
	    context: c
	    command: [sh, -c, "echo value=\$(wc -c </copied)"]
	    parser: {regex: '${PATTERN:-value=([0-9]+)}', metric: value}
	  - name: fails
	    command: [sh, -c, "exit 3"]
	    parser: {regex: 'value=([0-9]+)', metric: value}
	hosts:
	  - name: h1
	  - name: h2
	${H2:-}
	EOF
}

# state ID: the state column of cell ID in ls.out
state() {
	grep "^$1 " ls.out | sed 's/^[^ ]*  *[^ ]*  *[^ ]*  *[^ ]*  *//'
}

C1=busybox-latest.hello.h1
C2=busybox-latest.hello.h2
export C1 C2

test_expect_success 'setup: a Dockerfile repo and a first run' '
	mkdir -p df/c &&
	printf "ARG BASE\nFROM \$BASE\nRUN echo first >/copied\n" >df/c/Dockerfile &&
	git -C df init -q && git -C df add -A &&
	git -C df -c user.name=t -c user.email=t@t commit -qm init &&
	write_matrix &&
	test_must_fail --code=3 "$JOCKEY" run -o out m.yaml >run1.out 2>&1 &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	test "$(state $C1)" = done && test "$(state $C2)" = done &&
	test_grep "^busybox-latest.fails.h1 .* failed last time: exit code 3" ls.out
'

test_expect_success 'a Dockerfile commit: ls --probe says the context changed' '
	printf "ARG BASE\nFROM \$BASE\nRUN echo second >/copied\n" >df/c/Dockerfile &&
	git -C df -c user.name=t -c user.email=t@t commit -qam second &&
	"$JOCKEY" ls -o out m.yaml >ls.out &&
	test "$(state $C1)" = done &&
	"$JOCKEY" ls --probe -o out m.yaml >ls.out && cat ls.out &&
	test "$(state $C1)" = "stale: context c changed" &&
	test "$(state $C2)" = "stale: context c changed"
'

test_expect_success 'a host config edit: only that host, named' '
	sleep 0.01 &&
	H2="    network: none" write_matrix &&
	"$JOCKEY" gen -q -o out m.yaml &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	test "$(state $C1)" = "stale: context c changed" &&
	test "$(state $C2)" = "stale: context c changed; host config h2 changed"
'

test_expect_success 'a parser edit and a new host: parser changed, never run' '
	sleep 1 &&
	H2=$(printf "    network: none\n  - name: h3") PATTERN="value=([0-9]+)\$" write_matrix &&
	"$JOCKEY" gen -q -o out m.yaml &&
	"$JOCKEY" ls --json -o out m.yaml >ls.json &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	test "$(state busybox-latest.hello.h3)" = "never run" &&
	test "$(state $C1)" = "stale: context c changed; parser changed" &&
	python3 - ls.json <<-\EOF
	import json, sys
	cells = {c["id"]: c for c in json.load(open(sys.argv[1]))}
	c = cells["busybox-latest.hello.h2"]
	assert c["stale"] is True
	kinds = [r["kind"] for r in c["reasons"]]
	assert kinds == ["context", "host", "parser"], kinds
	assert c["reasons"][1]["host"] == "h2"
	assert cells["busybox-latest.hello.h3"]["stale"] is False
	EOF
'

test_expect_success 'after a run: done again, the failing cell still failed' '
	test_must_fail --code=3 "$JOCKEY" run -o out m.yaml >run2.out 2>&1 &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	for c in $C1 $C2 busybox-latest.hello.h3; do test "$(state $c)" = done || return 1; done &&
	test_grep "^busybox-latest.fails.h3 .* failed last time: exit code 3" ls.out &&
	test_grep "^value=7$" out/cells/$C1/1/log
'

test_expect_success 'a benchmark edit: its cells say the benchmark changed' '
	sleep 1 &&
	sed "s/wc -c </wc -c  </" m.yaml >m2.yaml && mv m2.yaml m.yaml &&
	"$JOCKEY" gen -q -o out m.yaml &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	for c in $C1 $C2 busybox-latest.hello.h3; do
		test "$(state $c)" = "stale: benchmark hello changed" || return 1
	done
'

test_done
