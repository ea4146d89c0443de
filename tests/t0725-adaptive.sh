#!/bin/sh
test_description='jockey run: adaptive repetitions (repeat: {min, max, precision}): a noisy cell stops at max, a steady one at min, a killed round resumes'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# A noisy benchmark (a random sleep: its wall time varies by far more than
# 2%) and a steady one (a parser metric that is always 100).
write_matrix() {
	cat >adapt.yaml <<-'EOF'
	name: adapt
	images: [{name: busybox, tags: [latest], pull: never}]
	defaults: {timeout: 60s}
	benchmarks:
	  - name: noisy
	    command: [sh, -c, "sleep 0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ')"]
	    repeat: {min: 3, max: 6, precision: 2%}
	  - name: steady
	    command: [sh, -c, "echo value: 100"]
	    parser: {regex: "value: (\\d+)", metric: value}
	    repeat: {min: 3, max: 6, precision: 2%, metric: value}
	hosts: [{name: h}]
	EOF
}
NOISY=busybox-latest.noisy.h
STEADY=busybox-latest.steady.h

# verdict DIR ID: the cell's adaptive verdict in results.json
verdict() {
	python3 -c 'import json, sys
for c in json.load(open(sys.argv[1] + "/results.json"))["cells"]:
    if c["id"] == sys.argv[2]:
        a = c["adaptive"]
        print(a["verdict"], a["reps"], c["repeat"], c["reps_done"], a["met"])' "$1" "$2"
}

# runs DIR ID REP: how many times .ninja_log saw that repetition run
runs() {
	grep -c "	cells/$2/$3/log	" "$1/.ninja_log"
}

test_expect_success 'the noisy cell gets rounds of more repetitions up to max and says target not met' '
	write_matrix &&
	"$JOCKEY" run -o out adapt.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test_grep "round 2: 1 cell short of the precision target" run.out &&
	test_grep "round 3: 1 cell short" run.out &&
	! test_grep "round 4" run.out &&
	verdict out $NOISY >noisy && cat noisy &&
	grep -E "^target not met at max 6 \(±[0-9.]+%\) 6 6 6 False$" noisy &&
	python3 -c "import json; assert json.load(open(\"out/repeats.json\")) == {\"schema\": 1, \"cells\": {\"$NOISY\": 6, \"$STEADY\": 3}}" &&
	test_grep "\`$NOISY\`: target not met at max 6" out/summary.md &&
	for rep in 1 2 3 4 5 6; do test $(runs out $NOISY $rep) = 1 || return 1; done
'

test_expect_success 'the steady cell stops at min: target met' '
	verdict out $STEADY >steady && cat steady &&
	grep -x -F "target met (±0.0% at 3 reps) 3 3 3 True" steady &&
	grep -F "\`$STEADY\`: target met (±0.0% at 3 reps)" out/summary.md &&
	! test -e out/cells/$STEADY/4
'

test_expect_success 'a second run is a no-op: no repetition, no round' '
	cp out/.ninja_log log.before &&
	"$JOCKEY" run -o out adapt.yaml >again.out 2>&1 || { cat again.out; false; } &&
	! test_grep "round 2" again.out &&
	test_grep "0 ran, 2 fresh" again.out &&
	! grep "/log	" out/.ninja_log | grep -v -x -F -f log.before
'

test_expect_success 'killed in the middle of round 2, the rerun resumes: only what is missing runs' '
	( "$JOCKEY" run -o kill adapt.yaml >kill.out 2>&1 & echo $! >kill.pid; wait ) &
	i=0 &&
	while ! test -d kill/cells/$NOISY/4 && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done &&
	kill -INT $(cat kill.pid) && wait &&
	test_grep "round 2" kill.out &&
	python3 -c "import json; assert json.load(open(\"kill/repeats.json\"))[\"cells\"][\"$NOISY\"] == 5" &&
	"$JOCKEY" run -o kill adapt.yaml >resume.out 2>&1 || { cat resume.out; false; } &&
	verdict kill $NOISY >resumed && cat resumed &&
	grep -E "^target not met at max 6 \(±[0-9.]+%\) 6 6 6 False$" resumed &&
	for rep in 1 2 3; do
		test $(runs kill $NOISY $rep) = 1 && test $(runs kill $STEADY $rep) = 1 || return 1
	done &&
	test $(runs kill $NOISY 6) = 1
'

test_expect_success 'a failing cell elsewhere does not stop the rounds; the exit code says it failed' '
	sed "s/^hosts:/  - {name: broken, command: [sh, -c, \"exit 3\"]}\nhosts:/" adapt.yaml >fail.yaml &&
	grep -q "name: broken" fail.yaml &&
	test_must_fail --code=3 "$JOCKEY" run -o fail fail.yaml >fail.out 2>&1 &&
	test_grep "round 3: 1 cell short" fail.out &&
	verdict fail $NOISY >failnoisy && cat failnoisy &&
	grep -E "^target not met at max 6 \(±[0-9.]+%\) 6 6 6 False$" failnoisy
'

test_expect_success 'a bad repeat map: a clear error with its place' '
	sed "s/repeat: {min: 3, max: 6, precision: 2%}/repeat: {min: 3, max: 2, precision: 2}/" adapt.yaml >bad.yaml &&
	test_must_fail --code=2 "$JOCKEY" gen -o badout bad.yaml 2>bad.err &&
	cat bad.err &&
	test_grep "bad.yaml:[0-9]+:[0-9]+: .max. \(2\) must not be below .min. \(3\)" bad.err &&
	test_grep "bad.yaml:[0-9]+:[0-9]+: .precision. must be a percentage" bad.err
'

test_done
