#!/bin/sh
test_description='the machine in provenance, checked before a run (--quiet-machine), and warm-up trends flagged'
. "$(dirname "$0")/lib.sh"
test_needs_engine
export XDG_CACHE_HOME="$TRASH/cache"

# Two benchmarks on busybox, 9 repetitions: 'warm' reads a counter in a
# volume and says 130 for its first 3 repetitions, 100 after (a warm-up that
# warmup: 0 did not cover); 'steady' always says 100.
write_matrix() {
	mkdir -p "$1/state" && cat >"$1/m.yaml" <<-\EOF
	name: machine
	images:
	  - name: busybox
	    tags: [latest]
	    pull: never
	defaults:
	  repeat: 9
	benchmarks:
	  - name: warm
	    command: [sh, -c, 'n=$(cat /state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n >/state/n; if [ $n -le 3 ]; then echo "t: 130"; else echo "t: 100"; fi']
	    parser: {regex: 't: ([0-9.]+)', metric: t, unit: ms, better: lower}
	  - name: steady
	    command: [sh, -c, 'echo "t: 100"']
	    parser: {regex: 't: ([0-9.]+)', metric: t, unit: ms, better: lower}
	hosts:
	  - name: bridge
	    volumes: ["./state:/state"]
	EOF
}

SLEEPER=t0730-sleeper-$$
test_at_exit "docker rm -f $SLEEPER"
# others: the running containers, as the docker CLI sees them (other scripts
# may run some at the same time)
others() {
	docker ps -q | wc -l
}
BUSY="the machine is busy: [0-9]+ other containers? running on the engine"

test_expect_success 'every repetition records the machine; jockey run records it before ninja' '
	write_matrix p &&
	"$JOCKEY" run -o p/out p/m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	for rep in 1 5 9; do
		jq -e ".provenance.machine | (.load | length == 3 and all(type == \"number\")) and .ncpu > 0 and
			(.cpufreq == \"not readable\" or (.cpufreq | type == \"object\")) and
			(.swap_used_bytes | type == \"number\") and (.swap_total_bytes | type == \"number\") and
			(.mem_available_bytes > 0) and (.pressure == null or (.pressure.memory.some_avg10 | type == \"number\")) and
			(.other_containers | type == \"number\") and (.busy | type == \"array\") and .local == true" \
			p/out/cells/busybox-latest.warm.bridge/$rep/metrics.json || return 1
	done &&
	jq -e ".schema == 1 and (.load | length == 3) and .ncpu > 0 and (.engines | length == 1) and
		(.at | startswith(\"20\")) and .load_per_cpu_busy == 0.5 and (.busy | type == \"array\")" p/out/machine.json &&
	jq -e ".machine.ncpu > 0 and (.cells | all(.machine_busy | type == \"array\"))" p/out/results.json &&
	test_grep "^## Measurement conditions$" p/out/summary.md &&
	test_grep "^The machine before the last run \(20[^)]*\): load average [0-9.]+ / [0-9.]+ / [0-9.]+ on [0-9]+ CPUs, [0-9]+ other containers, swap used" p/out/summary.md
'

# The steady cell's own metric t has no trend; its cgroup metrics (pids_peak, cpu) may show a
# real one on a loaded machine (seen: pids_peak 27% higher in the first 3 of 9), so only t counts.
test_expect_success 'a warm-up trend is flagged in results.json, summary.md and report.html; a steady cell is not' '
	jq -e ".cells[] | select(.id == \"busybox-latest.warm.bridge\") | .metrics.t.warmup_trend |
		.trend == true and .first == 3 and (.change - 0.3 | fabs) < 1e-9 and .p < 0.05 and .tested == true" p/out/results.json &&
	jq -e ".cells[] | select(.id == \"busybox-latest.steady.bridge\") | .metrics.t.warmup_trend |
		.trend == false and .first == 3 and .change == 0" p/out/results.json &&
	test_grep "^- .busybox-latest.warm.bridge.: warm-up trend: first 3 reps 30% slower \(t, p = 0\.00[0-9]+\)$" p/out/summary.md &&
	! grep "steady.bridge.: warm-up trend: .*(t, " p/out/summary.md &&
	test_grep "\"warmup_trend\"" p/out/report.html
'

# The sleeper carries the label of another results folder: another jockey
# run disturbs this one as much as any container.
test_expect_success 'a container of another folder running on the engine: jockey run warns, --quiet-machine refuses (exit 4)' '
	docker run -d --label "jockey.dir=$TRASH/elsewhere" --name $SLEEPER busybox:latest sleep 600 >/dev/null &&
	write_matrix q &&
	test_must_fail --code=4 "$JOCKEY" run --quiet-machine -o q/out q/m.yaml >refuse.out 2>&1 &&
	test_grep "^jockey: $BUSY \(--quiet-machine\)$" refuse.out &&
	! test -e q/out/cells/busybox-latest.warm.bridge/1 &&
	! test -e q/out/machine.json &&
	"$JOCKEY" run -o q/out q/m.yaml busybox-latest.steady.bridge >warn.out 2>&1 || { cat warn.out; false; } &&
	test $(grep -Ec "^jockey: $BUSY$" warn.out) = 1 &&
	jq -e ".other_containers >= 1 and (.busy | any(test(\"other containers? running on the engine\")))" q/out/machine.json &&
	jq -e ".provenance.machine.other_containers >= 1" q/out/cells/busybox-latest.steady.bridge/1/metrics.json &&
	jq -e ".cells[] | select(.id == \"busybox-latest.steady.bridge\") | .machine_busy | length == 9 and
		all(.reasons | any(test(\"other containers? running on the engine\")))" q/out/results.json &&
	test_grep "^- .busybox-latest.steady.bridge.: 9 of 9 measured repetitions ran on a busy machine" q/out/summary.md
'

test_expect_success 'the container gone: the count is the engine'"'"'s running containers less the run'"'"'s own' '
	docker rm -f $SLEEPER >/dev/null &&
	n0=$(others) &&
	"$JOCKEY" run -o q/out q/m.yaml busybox-latest.warm.bridge >after.out 2>&1 || { cat after.out; false; } &&
	n1=$(others) &&
	if [ "$n0" = 0 ] && [ "$n1" = 0 ]; then
		! grep "other container" after.out &&
		jq -e ".other_containers == 0" q/out/machine.json &&
		jq -e ".provenance.machine.other_containers == 0" q/out/cells/busybox-latest.warm.bridge/1/metrics.json
	else
		say "other scripts ran containers ($n0, then $n1): the count is not checked"
	fi
'

test_expect_success 'a native cell records the machine too' '
	mkdir -p n && cat >n/m.yaml <<-\EOF &&
	name: machine-native
	images: [{name: busybox, tags: [latest], pull: never}]
	benchmarks: [{name: steady, command: [sh, -c, "echo t: 100"], parser: {regex: "t: ([0-9.]+)", metric: t}, repeat: 1}]
	hosts: [{name: native, native: true}]
	EOF
	"$JOCKEY" run -o n/out n/m.yaml >native.out 2>&1 || { cat native.out; false; } &&
	jq -e ".provenance.native == true and (.provenance.machine | (.load | length == 3) and .ncpu > 0 and
		(.other_containers | type == \"number\") and (.busy | type == \"array\"))" \
		n/out/cells/busybox-latest.steady.native/1/metrics.json
'

test_done
