#!/bin/sh
test_description='jockey show: one cell of a real run, readable and as JSON'
. "$(dirname "$0")/lib.sh"
test_needs_engine

OUT=$TRASH/out
export OUT
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'

OK=busybox-latest.busy.h1
BAD=busybox-latest.fails.h1
export OK BAD

test_expect_success 'setup: a run with a busy cell and a failing one' '
	mkdir -p df/c &&
	printf "ARG BASE\nFROM \$BASE\n" >df/c/Dockerfile &&
	git -C df init -q && git -C df add -A &&
	git -C df -c user.name=t -c user.email=t@t commit -qm init &&
	cat >m.yaml <<-\EOF &&
	name: t0870
	dockerfiles: {repo: df}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 2, timeout: 60s}
	benchmarks:
	  - name: busy
	    context: c
	    command: [sh, -c, "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; seq 1 30; echo value=42"]
	    parser: {regex: "value=([0-9]+)", metric: value, unit: ops}
	  - name: fails
	    command: [sh, -c, "echo about to fail; exit 3"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts:
	  - name: h1
	EOF
	test_must_fail --code=3 "$JOCKEY" run -o out m.yaml >run.out 2>&1
'

test_expect_success 'a done cell: axes, state, numbers, sparklines, log tail, files' '
	"$JOCKEY" show out $OK >show.out && cat show.out &&
	test_grep "^$OK\$" show.out &&
	test_grep "^  image      busybox:latest\$" show.out &&
	test_grep "^  benchmark  busy\$" show.out &&
	test_grep "^  host       h1\$" show.out &&
	test_grep "^  state      done \\(2 of 2 repetitions done\\)\$" show.out &&
	test_grep "^  1   done .* s  exit 0\$" show.out &&
	test_grep "^  value  *ops  *42  *42\$" show.out &&
	test_grep "^  elapsed_s " show.out &&
	test_grep "^over time \\(rep 2, [0-9]* samples" show.out &&
	test_grep "^  cpu cores  [▁▂▃▄▅▆▇█]* *max [0-9.]*\$" show.out &&
	test_grep "^  memory     [▁▂▃▄▅▆▇█]* *max [0-9.]* [kMG]*B\$" show.out &&
	test_grep "^log \\(rep 2, last 10 lines of out/cells/$OK/2/log\\)\$" show.out &&
	test_grep "^  | value=42\$" show.out && test_grep "^  | 22\$" show.out &&
	! grep -q "^  | 21\$" show.out &&
	test_grep "^  rep 1  log  *out/cells/$OK/1/log\$" show.out &&
	test_grep "^  cell  *out/cells/$OK/cell.json\$" show.out
'

test_expect_success 'a failed cell: each repetition says why, the failed log is shown' '
	"$JOCKEY" show -n 3 out $BAD >bad.out && cat bad.out &&
	test_grep "^  state      failed last time: exit code 3 \\(0 of 2 repetitions done\\)\$" bad.out &&
	test_grep "^  1   failed .*  exit 3  exit code 3\$" bad.out &&
	test_grep "^  2   failed .*  exit 3  exit code 3\$" bad.out &&
	test_grep "^log \\(rep 2, last 1 lines of out/cells/$BAD/2/log.failed\\)\$" bad.out &&
	test_grep "^  | about to fail\$" bad.out &&
	test_grep "^  rep 1  failed  *out/cells/$BAD/1/failed.json\$" bad.out
'

test_expect_success '--json: the same facts for scripts, a pattern gives every match' '
	"$JOCKEY" show --json out "busybox-latest.*" >show.json &&
	python3 - show.json <<-\EOF
	import json, sys
	cells = {c["id"]: c for c in json.load(open(sys.argv[1]))}
	assert sorted(cells) == ["busybox-latest.busy.h1", "busybox-latest.fails.h1"], cells
	ok = cells["busybox-latest.busy.h1"]
	assert (ok["image"], ok["tag"], ok["benchmark"], ok["host"]) == ("busybox", "latest", "busy", "h1")
	assert ok["state"] == "done" and ok["done"] == 2 and ok["stale"] == []
	assert [r["status"] for r in ok["reps"]] == ["done", "done"]
	vals = [[m["value"] for m in r["metrics"] if m["name"] == "value"] for r in ok["reps"]]
	assert vals == [[42], [42]], vals
	s = ok["series"]
	assert s["rep"] == 2 and len(s["t_s"]) == len(s["cpu_cores"]) == len(s["mem_bytes"]) > 0
	assert max(s["cpu_cores"]) > 0 and max(s["mem_bytes"]) > 0
	assert ok["log_tail"]["lines"][-1] == "value=42" and len(ok["log_tail"]["lines"]) == 10
	assert ok["files"]["cell"].endswith("/cells/busybox-latest.busy.h1/cell.json")
	bad = cells["busybox-latest.fails.h1"]
	assert [r["status"] for r in bad["reps"]] == ["failed", "failed"]
	assert bad["reps"][0]["reason"] == "exit code 3" and bad["reps"][0]["exit_code"] == 3
	EOF
'

test_expect_success 'a stale cell says why, as ls does' '
	sleep 1 && sed "s/- name: h1/- name: h1\n    network: none/" m.yaml >m2.yaml && mv m2.yaml m.yaml &&
	"$JOCKEY" gen -q -o out m.yaml &&
	"$JOCKEY" show out $OK >stale.out &&
	test_grep "^  state      stale: host config h1 changed \\(2 of 2 repetitions done\\)\$" stale.out &&
	"$JOCKEY" ls -o out m.yaml >ls.out && test_grep "^$OK .* stale: host config h1 changed\$" ls.out
'

test_expect_success 'no match, no results folder, bad usage: clear errors' '
	test_must_fail --code=1 "$JOCKEY" show out "nothing.*" 2>err &&
	test_grep "^jockey: no cell of .out. matches .nothing\.\*.; see .jockey ls.\$" err &&
	test_must_fail --code=1 "$JOCKEY" show nowhere $OK 2>err &&
	test_grep "^jockey: .nowhere. is not a results folder" err &&
	test_must_fail --code=2 "$JOCKEY" show out 2>err &&
	test_grep "^usage: jockey show " err &&
	test_must_fail --code=2 "$JOCKEY" show -n x out $OK 2>err &&
	test_grep "LINES: a number" err
'

test_done
