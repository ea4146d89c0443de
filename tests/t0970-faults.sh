#!/bin/sh
test_description='faults: a held results folder, orphans, invalid outputs, crashes and hangs'
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-faults.sh"
test_needs_engine

OUT=$TRASH/out
export OUT
test_at_exit 'docker ps -aq --filter "label=jockey.dir=$OUT" | xargs -r docker rm -f'

# write_matrix SLEEP [REPEAT]: busybox as it is, one benchmark whose
# repetitions each sleep SLEEP seconds.
write_matrix() {
	cat >m.yaml <<-EOF
	name: t0970
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: ${2:-3}, timeout: 60s}
	benchmarks:
	  - name: slow
	    command: [sh, -c, "sleep $1; echo value=\$\$"]
	    parser: {regex: 'value=([0-9]+)', metric: value}
	hosts:
	  - name: h1
	EOF
}
C=busybox-latest.slow.h1
export C

# wait_for FILE: until FILE exists (20 s at most)
wait_for() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	test -s "$1"
}

test_expect_success 'a second run on a held folder exits 1 at once, names the holder, changes nothing' '
	write_matrix 3
	"$JOCKEY" run -o out m.yaml >run1.out 2>&1 &
	pid=$! &&
	wait_for out/cells/$C/run.json &&
	find out -type f ! -name ".ninja_*" -newer m.yaml -printf "%p %T@ %s\n" | sort >before &&
	start=$(date +%s) &&
	test_must_fail --code=1 "$JOCKEY" run -o out m.yaml >run2.out 2>&1 &&
	test $(($(date +%s) - start)) -lt 3 &&
	cat run2.out &&
	test_grep "results folder .out. is in use by pid [0-9]+ \(.*jockey run -o out m.yaml\)" run2.out &&
	test_must_fail --code=1 "$JOCKEY" clean "$OUT" 2>clean.err &&
	test_grep "in use by pid" clean.err &&
	test_must_fail --code=1 "$JOCKEY" report out 2>report.err &&
	test_grep "in use by pid" report.err &&
	"$JOCKEY" ls -o out m.yaml >ls.out &&
	wait $pid &&
	test_grep "1 ran" run1.out &&
	test "$(samples_of out/results.json)" = "done 3" &&
	test "$(grep -c "^\[.*RUN " run1.out)" = 3 &&
	! grep -q "RUN " run2.out &&
	"$JOCKEY" report out >report.out &&
	"$JOCKEY" clean "$OUT"
'

# holder DIR: the pid in DIR's lock, once a run other than OLD holds it
holder() {
	i=0
	while [ "$(head -n 1 "$1/.lock" 2>/dev/null)" = "${2:-}" ] && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	head -n 1 "$1/.lock"
}
# unlocked DIR: wait until nobody holds DIR's lock
unlocked() {
	retry flock -n "$1/.lock" true
}
# running DIR: one of DIR's containers is running
running() {
	docker ps -q --filter "label=jockey.dir=$1" | grep -q .
}

# start_held SLEEP REPEAT: a run of write_matrix SLEEP REPEAT in a session
# of its own, in the background; returns once it holds the lock (its pid in
# $pid) and runs a container
start_held() {
	write_matrix "$1" "$2"
	old=$(head -n 1 out/.lock 2>/dev/null || :)
	setsid "$JOCKEY" run -o out m.yaml >held-run.out 2>&1 &
	pid=$(holder out "$old")
	retry running "$OUT"
}

test_expect_success 'the lock goes with its holders: after kill -9 of the group the edges finish, then the next run takes it' '
	start_held 4 1 &&
	kill -9 -$(ps -o pgid= $pid | tr -d " ") &&
	retry dead $pid &&
	test_must_fail --code=1 "$JOCKEY" run -o out m.yaml 2>held.err &&
	cat held.err &&
	test_grep "in use by the steps still running under pid $pid \(.*jockey run -o out m.yaml\), which is gone" held.err &&
	unlocked out &&
	test -z "$(leftovers "$OUT")" &&
	"$JOCKEY" run -o out m.yaml >after.out 2>&1 &&
	cat after.out &&
	test "$(samples_of out/results.json)" = "done 1"
'

test_expect_success 'orphans: a run removes what a killed run left, says how many and from when' '
	start_held 30 1 &&
	kill_session $pid &&
	unlocked out &&
	docker network create --label "jockey.dir=$OUT" t0970-orphan >/dev/null &&
	test "$(leftovers "$OUT" | wc -l)" = 2 &&
	write_matrix 0 1 &&
	"$JOCKEY" run -o out m.yaml >after.out 2>&1 &&
	cat after.out &&
	test_grep "^jockey: removed 1 container and 1 network that a run of .out. which did not finish left on .* \(the oldest from 20[0-9-]+ [0-9:]+ UTC\)" after.out &&
	test -z "$(leftovers "$OUT")" &&
	test "$(samples_of out/results.json)" = "done 1" &&
	"$JOCKEY" run -o out m.yaml >again.out 2>&1 &&
	! grep -q "removed" again.out
'

test_expect_success 'invalid outputs: an empty samples.json reruns exactly that repetition' '
	rm -rf out &&
	write_matrix 0 3 &&
	"$JOCKEY" run -o out m.yaml >/dev/null 2>&1 &&
	: >out/cells/$C/2/samples.json &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	test_grep "partial 2/3: repetition 2: samples.json is unreadable" ls.out &&
	"$JOCKEY" ls --json -o out m.yaml | grep -q "\"invalid\": \"repetition 2: samples.json" &&
	"$JOCKEY" run -o out m.yaml >rerun.out 2>&1 && cat rerun.out &&
	test_grep "samples.json. is unreadable.*made again" rerun.out &&
	test "$(grep -c "^\[.*PARSE " rerun.out)" = 1 &&
	test_grep "PARSE cells/$C/2/samples.json" rerun.out &&
	! grep -q "RUN cells" rerun.out &&
	test "$(samples_of out/results.json)" = "done 3"
'

test_expect_success 'invalid outputs: a torn metrics.json or a log without it runs the repetition again' '
	echo "{\"sch" >out/cells/$C/3/metrics.json &&
	rm out/cells/$C/1/metrics.json &&
	echo x >out/cells/$C/1/log.tmp.999 &&
	"$JOCKEY" ls -o out m.yaml >ls.out && cat ls.out &&
	test_grep "partial 2/3: repetition 3: metrics.json is unreadable" ls.out &&
	"$JOCKEY" run -o out m.yaml >rerun.out 2>&1 && cat rerun.out &&
	test "$(grep "RUN cells" rerun.out | sed "s/.* //" | sort | tr "\n" " ")" = "1 3 " &&
	! test -e out/cells/$C/1/log.tmp.999 &&
	test "$(samples_of out/results.json)" = "done 3"
'

test_expect_success 'invalid outputs: torn results.json and run.json crash nothing; a damaged .ninja_log reruns' '
	echo "{\"sch" >out/results.json &&
	echo "{\"sc" >out/run.json &&
	"$JOCKEY" ls -o out m.yaml >ls.out &&
	test_grep " done$" ls.out &&
	test_must_fail --code=1 "$JOCKEY" compare out out 2>compare.err &&
	test_grep "results.json:1:5:" compare.err &&
	"$JOCKEY" run -o out m.yaml >rerun.out 2>&1 &&
	test_grep "results.json. is unreadable.*made again" rerun.out &&
	test "$(samples_of out/results.json)" = "done 3" &&
	python3 -c "import json; json.load(open(\"out/run.json\"))" &&
	printf "garbage\n\001zz\n" >out/.ninja_log &&
	"$JOCKEY" run -o out m.yaml >rerun.out 2>&1 &&
	test "$(samples_of out/results.json)" = "done 3" &&
	"$JOCKEY" run -o out m.yaml >rerun.out 2>&1 &&
	! grep -q "RUN cells" rerun.out
'

# A git server that accepts and never answers (hang) or answers 500: badserver.py

# git_matrix PORT: a matrix whose Dockerfile repo is on 127.0.0.1:PORT
git_matrix() {
	cat >g.yaml <<-EOF
	name: t0970git
	dockerfiles: {repo: "http://127.0.0.1:$1/df.git"}
	images:
	  - {name: busybox, tags: [latest], pull: never}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: hello
	    context: c
	    command: [sh, -c, "echo value=1"]
	    parser: {regex: 'value=([0-9]+)', metric: value}
	hosts:
	  - name: h1
	EOF
}

for mode in hang 500; do
	test_expect_success "a git server that ${mode}s: a clear message, exit 3, nothing run" '
		python3 badserver.py '$mode' >port.'$mode' &
		srv=$!
		retry test -s port.'$mode' &&
		git_matrix $(cat port.'$mode') &&
		start=$(date +%s) &&
		{ XDG_CACHE_HOME=$TRASH/cache JOCKEY_GIT_TIMEOUT=3 test_must_fail --code=3 \
			"$JOCKEY" run -o gout g.yaml >git.out 2>&1 || { kill $srv; false; }; } &&
		kill $srv && cat git.out &&
		test $(($(date +%s) - start)) -lt 30 &&
		if test '$mode' = hang; then
			test_grep "cannot fetch .* the server did not answer for 3s \(JOCKEY_GIT_TIMEOUT\)" git.out
		else
			test_grep "cannot fetch .*: unexpected http status code: 500" git.out
		fi &&
		! grep -q "RUN cells" git.out &&
		! test -e gout/stamps/repo.commit &&
		test -z "$(leftovers "$TRASH/gout")" &&
		python3 -c "import json,sys; c=json.load(open(\"gout/results.json\"))[\"cells\"][0]; assert c[\"status\"] != \"done\", c"
	'
done

test_expect_success 'a results folder on a full file system: a clear message, exit 1, nothing that looks complete; the next run does the rest' '
	mkdir -p small && mount -t tmpfs -o size=4m tmpfs small
	write_matrix 2 3
	{ "$JOCKEY" run -o small/out m.yaml >full.out 2>&1 && rc=0 || rc=$?; echo $rc >full.rc; } &
	retry running "$TRASH/small/out" &&
	{ dd if=/dev/zero of=small/fill bs=64k 2>/dev/null || :; } &&
	{ retry test -s full.rc || retry test -s full.rc; } && cat full.out &&
	test "$(cat full.rc)" = 1 &&
	test_grep "No space left on device" full.out &&
	test_grep "could not write the results" full.out &&
	test -z "$(leftovers "$TRASH/small/out")" &&
	"$JOCKEY" ls -o small/out m.yaml >ls.out && ! test_grep " done$" ls.out &&
	for f in $(find small/out/cells -name samples.json -o -name metrics.json); do
		python3 -c "import json,sys; json.load(open(sys.argv[1]))" $f || exit 1
	done &&
	before=$(find small/out/cells -name samples.json | wc -l) &&
	rm small/fill &&
	"$JOCKEY" run -o small/out m.yaml >rest.out 2>&1 &&
	test "$(grep -c "RUN cells" rest.out)" = $((3 - before)) &&
	test "$(samples_of small/out/results.json)" = "done 3"
'
umount "$TRASH/small" 2>/dev/null

test_expect_success 'SIGKILL of jockey report mid-write: results.json is the old or the new one, never torn' '
	write_matrix 0 3 &&
	"$JOCKEY" run -o out m.yaml >/dev/null 2>&1 &&
	i=0 && while [ $i -lt 10 ]; do
		setsid "$JOCKEY" report out >/dev/null 2>&1 &
		p=$!
		sleep 0.0$i
		kill -9 -$p 2>/dev/null || :
		wait $p || :
		for f in results.json history.jsonl; do test -s out/$f || { echo "$f lost"; exit 1; }; done
		samples_of out/results.json >/dev/null || { echo "torn results.json after kill $i"; exit 1; }
		i=$((i + 1))
	done &&
	"$JOCKEY" run -o out m.yaml >after.out 2>&1 &&
	! grep -q "RUN cells" after.out &&
	test -z "$(find out -name "*.tmp.*")" &&
	test "$(samples_of out/results.json)" = "done 3"
'

if [ -n "${JOCKEY_TEST_DOCKER_HOST:-}" ]; then
	test_skip 'kill -9 of the engine mid-run' 'the engine is not the bed'"'"'s own'
else
test_at_exit 'docker version >/dev/null 2>&1 || "$TESTBED" restart-engine'
test_expect_success 'kill -9 of the engine mid-run: exit 3 with the reason; after a restart the next run removes what it left and does the rest' '
	rm -rf out
	write_matrix 3 3
	{ "$JOCKEY" run -o out m.yaml >crash.out 2>&1 && rc=0 || rc=$?; echo $rc >crash.rc; } &
	retry running "$OUT" &&
	"$TESTBED" kill-engine &&
	{ retry test -s crash.rc || retry test -s crash.rc; } && cat crash.out &&
	test "$(cat crash.rc)" = 3 &&
	test_grep "cell .$C. failed: it did not finish: its engine stopped answering during the run" crash.out &&
	! docker version >/dev/null 2>&1 &&
	"$TESTBED" restart-engine &&
	docker ps -a --filter "label=jockey.dir=$OUT" &&
	left=$(docker ps -aq --filter "label=jockey.dir=$OUT" | wc -l) &&
	before=$(find out/cells -name samples.json | wc -l) &&
	"$JOCKEY" run -o out m.yaml >rest.out 2>&1 && cat rest.out &&
	test "$left" -ge 1 &&
	test_grep "^jockey: removed $left containers? and 0 networks that a run of .out. which did not finish" rest.out &&
	test -z "$(leftovers "$OUT")" &&
	test "$(grep -c "RUN cells" rest.out)" = $((3 - before)) &&
	test "$(samples_of out/results.json)" = "done 3"
'
fi

test_done
