#!/bin/sh
test_description='more faults: an engine restarted after a repetition, SIGKILL during a build and a parse, a registry that hangs or answers 500'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-faults.sh"
test_needs_engine

OUT=$TRASH/out
export OUT
test_at_exit 'docker ps -aq --filter "label=jockey.dir=$OUT" | xargs -r docker rm -f'

# mtime FILE: its modification time, to the nanosecond
mtime() {
	stat -c %y "$1"
}

# running_rep N: the container of repetition N runs
running_rep() {
	docker ps --filter "label=jockey.dir=$OUT" --format "{{.Names}}" | grep -q -- "-$1-[0-9]*$"
}

if [ -n "${JOCKEY_TEST_DOCKER_HOST:-}" ]; then
	test_skip 'the engine restarted during the second repetition' 'the engine is not the bed'"'"'s own'
else
test_at_exit 'docker version >/dev/null 2>&1 || "$TESTBED" restart-engine'
C=busybox-latest.slow.h1
test_expect_success 'the engine restarted between two repetitions (during the first one'"'"'s parse, -j 1): the run carries on, exit 0' '
	cat >hold-parse.sh <<-EOF &&
	case "\$1" in */1/log)
		touch "$TRASH/between"
		while test -e "$TRASH/hold"; do sleep 0.1; done
	esac
	echo "{\"value\": 7}"
	EOF
	cat >h.yaml <<-EOF &&
	name: t0975h
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 2, timeout: 60s}
	benchmarks:
	  - name: slow
	    command: [sh, -c, "echo hi"]
	    parser: {command: [sh, "$TRASH/hold-parse.sh"]}
	hosts:
	  - name: h1
	EOF
	touch hold &&
	{ "$JOCKEY" run -j 1 -o hout h.yaml >between.out 2>&1 && rc=0 || rc=$?; echo $rc >between.rc; } &
	retry test -e between &&
	! test -e hout/cells/$C/2/log &&
	! test -s between.rc &&
	"$TESTBED" restart-engine &&
	rm hold &&
	retry test -s between.rc && cat between.out &&
	test "$(cat between.rc)" = 0 &&
	test_grep "jockey: 1 cells: 1 ran, 0 fresh, 0 failed" between.out &&
	test "$(samples_of hout/results.json)" = "done 2" &&
	test -z "$(leftovers "$TRASH/hout")"
'

test_expect_success 'the engine restarted during the second repetition (the first done): exit 3 with the reason; the next run removes what it left and runs the second only' '
	cat >m.yaml <<-\EOF &&
	name: t0975
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 2, timeout: 60s}
	benchmarks:
	  - name: slow
	    command: [sh, -c, "sleep 3; echo value=$$"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts:
	  - name: h1
	EOF
	{ "$JOCKEY" run -o out m.yaml >restart.out 2>&1 && rc=0 || rc=$?; echo $rc >restart.rc; } &
	retry test -s out/cells/$C/1/samples.json &&
	retry running_rep 2 &&
	"$TESTBED" restart-engine &&
	retry test -s restart.rc && cat restart.out &&
	test "$(cat restart.rc)" = 3 &&
	test_grep "RUN cells/$C/run.json 2" restart.out &&
	test_grep "run .$C. rep 2: .*cannot reach the engine at " restart.out &&
	test_grep "cell .$C. failed: it did not finish: (its engine stopped answering during the run|one of its steps failed)" restart.out &&
	test_grep "jockey: 1 cells: 0 ran, 0 fresh, 1 failed" restart.out &&
	! test -e out/cells/$C/2/samples.json &&
	one=$(mtime out/cells/$C/1/samples.json) &&
	docker version >/dev/null &&
	left=$(docker ps -aq --filter "label=jockey.dir=$OUT" | wc -l) &&
	docker ps -a --filter "label=jockey.dir=$OUT" --format "{{.Names}}" >left.names &&
	! grep -v -- "-2-" left.names &&
	"$JOCKEY" run -o out m.yaml >rest.out 2>&1 && cat rest.out &&
	if test "$left" -gt 0; then
		test_grep "^jockey: removed $left containers? and 0 networks that a run of .out. which did not finish" rest.out
	fi &&
	test -z "$(leftovers "$OUT")" &&
	test "$(grep "RUN cells" rest.out | sed "s/.* //")" = 2 &&
	test "$(grep -c "PARSE cells" rest.out)" = 1 &&
	test "$one" = "$(mtime out/cells/$C/1/samples.json)" &&
	test "$(samples_of out/results.json)" = "done 2"
'
fi

# A Dockerfile repo whose context's build sleeps, and a matrix on it whose
# parser command sleeps while the file "slow" exists
test_expect_success 'setup: a context whose build sleeps, a parser that sleeps on demand' '
	mkdir -p df/ctx &&
	printf "ARG BASE\nFROM \$BASE\nRUN sleep 4 && echo t0975-build-$$ >/built\n" >df/ctx/Dockerfile &&
	git -C df init -q && git -C df add . &&
	git -C df -c user.name=t -c user.email=t@t commit -qm ctx &&
	cat >b.yaml <<-EOF
	name: t0975b
	dockerfiles: {repo: df}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: built
	    context: ctx
	    command: [sh, -c, "cat /built"]
	    parser:
	      command: [sh, -c, "touch $TRASH/parsing; ! test -e $TRASH/slow || sleep 60; echo {\\\\\"value\\\\\": 7}", sh]
	hosts:
	  - name: h1
	EOF
	"$JOCKEY" gen -o gen.out b.yaml >/dev/null
'
B=busybox-latest.built.h1
BUILD=ctx.busybox-latest

# building: the engine runs this script's build step
building() {
	docker ps --no-trunc --format "{{.Command}}" | grep -q "t0975-build-$$"
}
# start_session MATRIX DIR: a run in a session of its own, in the background (pid in $pid)
start_session() {
	setsid "$JOCKEY" run -o "$2" "$1" >"$2.out" 2>&1 &
	pid=$!
}
# killed_all PID: SIGKILL PID's whole session, then wait until none of it is left
killed_all() {
	sid=$(ps -o sid= -p "$1" | tr -d " ")
	kill_session "$1"
	wait "$1" 2>/dev/null
	retry test "$(ps -e -o sid=,stat= | awk -v s="$sid" '$1 == s && $2 !~ /^Z/' | wc -l)" = 0
}

test_expect_success 'SIGKILL of the whole session during an image build: no stamp, no build left; the next run builds and runs' '
	start_session b.yaml bout &&
	retry building &&
	killed_all $pid &&
	cat bout.out &&
	! test -e bout/stamps/img/$BUILD.id &&
	! test -e bout/images/$BUILD.log &&
	! test -e bout/cells/$B/1/samples.json &&
	retry eval "! building" &&
	test -z "$(leftovers "$TRASH/bout")" &&
	"$JOCKEY" run -o bout b.yaml >rest.out 2>&1 && cat rest.out &&
	test "$(grep -c "IMAGE stamps/img/$BUILD.id" rest.out)" = 1 &&
	test "$(grep -c "RUN cells" rest.out)" = 1 &&
	test -s bout/stamps/img/$BUILD.id &&
	test "$(samples_of bout/results.json)" = "done 1" &&
	test -z "$(leftovers "$TRASH/bout")"
'

test_expect_success 'SIGKILL of the whole session during a parse: no samples.json, no parser left; the next run parses only' '
	rm -f parsing && touch slow &&
	start_session b.yaml pout &&
	retry test -e parsing &&
	killed_all $pid &&
	cat pout.out &&
	test -s pout/cells/$B/1/metrics.json &&
	! test -e pout/cells/$B/1/samples.json &&
	test -z "$(leftovers "$TRASH/pout")" &&
	rm slow &&
	"$JOCKEY" run -o pout b.yaml >rest.out 2>&1 && cat rest.out &&
	! grep -q "RUN cells" rest.out &&
	test "$(grep -c "PARSE cells" rest.out)" = 1 &&
	test "$(samples_of pout/results.json)" = "done 1" &&
	test -z "$(find pout/cells -name "*.tmp.*")"
'

# A registry that accepts and never answers (hang) or answers 500: badserver.py

# reg_matrix PORT: a matrix whose image is on 127.0.0.1:PORT, pulled always
reg_matrix() {
	cat >r.yaml <<-EOF
	name: t0975reg
	images:
	  - {name: "127.0.0.1:$1/x", tags: ["1"], pull: always}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: hello
	    command: [sh, -c, "echo value=1"]
	    parser: {regex: "value=([0-9]+)", metric: value}
	hosts:
	  - name: h1
	EOF
}

for mode in hang 500; do
	test_expect_success "a registry that ${mode}s under pull always: a clear message naming it, exit 3, nothing run" '
		python3 badserver.py '$mode' >port.'$mode' &
		srv=$!
		retry test -s port.'$mode' &&
		port=$(cat port.'$mode') &&
		reg_matrix $port &&
		start=$(date +%s) &&
		{ JOCKEY_REGISTRY_TIMEOUT=3 test_must_fail --code=3 \
			"$JOCKEY" run -o rout.'$mode' r.yaml >reg.out 2>&1 || { kill $srv; false; }; } &&
		kill $srv && cat reg.out &&
		test $(($(date +%s) - start)) -lt 20 &&
		if test '$mode' = hang; then
			test_grep "base image .127.0.0.1:$port/x:1.: ask the registry for its digest: the registry 127.0.0.1:$port did not answer within 3s \(JOCKEY_REGISTRY_TIMEOUT\)" reg.out
		else
			test_grep "base image .127.0.0.1:$port/x:1.: ask the registry for its digest: .*500 Internal Server Error" reg.out
		fi &&
		test_grep "cell .127.0.0.1-$port-x-1.hello.h1. failed" reg.out &&
		! grep -q "RUN cells" reg.out &&
		! test -e rout.'$mode'/stamps/base/127.0.0.1-$port-x-1.digest &&
		test -z "$(leftovers "$TRASH/rout.'$mode'")"
	'
done

# A registry behind a proxy that forwards to the bed's, until the file
# "hang" exists: then it accepts and never answers (tests/proxy.py).

test_at_exit 'docker images --format "{{.Repository}}:{{.Tag}}" | grep "/t0975/x:1\$" | xargs -r docker rmi >/dev/null'
test_expect_success 'a registry that hangs after a first probe: the last digest stands with a warning, exit 0, nothing rerun' '
	rm -f hang &&
	docker tag busybox:latest "$JOCKEY_TEST_REGISTRY/t0975/x:1" &&
	docker push -q "$JOCKEY_TEST_REGISTRY/t0975/x:1" >/dev/null &&
	python3 "$TEST_DIR/proxy.py" tcp "$JOCKEY_TEST_REGISTRY" --hang-file hang >port.proxy &
	srv=$!
	retry test -s port.proxy &&
	port=$(cat port.proxy) &&
	reg_matrix $port/t0975 &&
	{ "$JOCKEY" run -o kout r.yaml >first.out 2>&1 || { cat first.out; kill $srv; false; }; } &&
	test "$(samples_of kout/results.json)" = "done 1" &&
	touch hang &&
	start=$(date +%s) &&
	{ JOCKEY_REGISTRY_TIMEOUT=3 "$JOCKEY" run -o kout r.yaml >kept.out 2>&1 || { cat kept.out; kill $srv; false; }; } &&
	kill $srv && cat kept.out &&
	test $(($(date +%s) - start)) -lt 20 &&
	test_grep "base image .127.0.0.1:$port/t0975/x:1.: cannot ask the registry \(the registry 127.0.0.1:$port did not answer within 3s \(JOCKEY_REGISTRY_TIMEOUT\)\); keeping the last known digest 127.0.0.1:$port/t0975/x@sha256:" kept.out &&
	! grep -q "RUN cells" kept.out &&
	test_grep "0 ran, 1 fresh, 0 failed" kept.out
'

test_done
