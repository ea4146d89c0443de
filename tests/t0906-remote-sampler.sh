#!/bin/sh
test_description='a remote (tcp://) engine: its cells sampled on its host by the sampler container, never from this machine'
. "$(dirname "$0")/lib.sh"
test_needs_engine

[ "$(id -u)" = 0 ] || skip_all "needs root (unshare -m, the cgroup files)"
command -v unshare >/dev/null 2>&1 || skip_all "no unshare"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
case ${DOCKER_HOST:-unix:///var/run/docker.sock} in
unix://*) SOCK=${DOCKER_HOST#unix://} ;;
*) skip_all "the engine is not on a unix socket" ;;
esac
[ -n "$SOCK" ] || SOCK=/var/run/docker.sock

# The bed's engine reached over TCP, on 127.0.0.1 only: a plain proxy to its
# socket (tests/proxy.py), as 'dockerd -H tcp://127.0.0.1:PORT' would listen.

# A host name of this run's own: the cgroup parents on the (shared) cgroup
# file system are found by it.
HOST=tcp$$
test_at_exit 'for d in /sys/fs/cgroup/*/jockey-*."$HOST"-* /sys/fs/cgroup/jockey-*."$HOST"-*; do [ -d "$d" ] && rmdir "$d"; done'
test_at_exit 'docker ps -aq --filter label=jockey.role=sampler --filter "label=jockey.dir=$TRASH/results/rs" | xargs -r docker rm -f; docker ps -aq --filter "label=jockey.dir=$TRASH/results/rs" | xargs -r docker rm -f; docker images -q jockey/sampler | xargs -r docker rmi -f'

test_expect_success 'the engine over TCP' '
	{ python3 "$TEST_DIR/proxy.py" tcp "unix:$SOCK" --portfile port >proxy.log 2>&1 & echo $! >proxy.pid; } &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do test -s port && break; sleep 0.1; done &&
	test -s port &&
	curl -fsS "http://127.0.0.1:$(cat port)/_ping" >ping && test_grep "^OK" ping
'
test_at_exit 'kill "$(cat "$TRASH/proxy.pid")"'
PORT=$(cat "$TRASH/port" 2>/dev/null)

# A benchmark that burns CPU for a while: a shell loop, about a second.
cat >"$TRASH/m.yaml" <<EOF
name: rs
images:
  - {name: busybox, tags: [latest], pull: never}
defaults: {repeat: 1, timeout: 120s}
benchmarks:
  - name: burn
    command: [sh, -c, "i=0; while [ \$i -lt 300000 ]; do i=\$((i+1)); done; echo done"]
hosts:
  - name: $HOST
    engine: tcp://127.0.0.1:$PORT
EOF
CELL=busybox-latest.burn.$HOST

# The CPU seconds the engine host's cgroup files hold for the cell's parent
# (read outside jockey's namespace; the folder goes once the cell is over).
host_cpu() {
	for d in /sys/fs/cgroup/cpuacct/jockey-"$CELL"-1-* /sys/fs/cgroup/cpu,cpuacct/jockey-"$CELL"-1-*; do
		[ -f "$d/cpuacct.usage" ] && { awk "{ printf \"%.6f\\n\", \$1 / 1e9 }" "$d/cpuacct.usage"; return; }
	done
	for d in /sys/fs/cgroup/jockey-"$CELL"-1-*; do
		[ -f "$d/cpu.stat" ] && { awk "/^usage_usec/ { printf \"%.6f\\n\", \$2 / 1e6 }" "$d/cpu.stat"; return; }
	done
	return 1
}

# The cell's cgroup parent folders on the engine host, one a line.
cg_left() {
	for d in /sys/fs/cgroup/*/jockey-"$CELL"-* /sys/fs/cgroup/jockey-"$CELL"-*; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# jockey in a mount namespace of its own where this machine's cgroup file
# system is hidden under an empty tmpfs: whatever it records came through
# the engine.
run_hidden() {
	unshare -m sh -c 'mount -t tmpfs jockey-hidden /sys/fs/cgroup &&
		ls -A /sys/fs/cgroup >cgroup-seen && exec "$@"' sh "$@"
}

test_expect_success 'jockey runs with the cgroup files hidden; the engine host is read while it runs' '
	{ while :; do host_cpu >>during 2>/dev/null || :; sleep 0.1; done & echo $! >poller.pid; } &&
	rc=0 && { run_hidden "$JOCKEY" run m.yaml >run.out 2>&1 || rc=$?; } &&
	{ kill "$(cat poller.pid)" || :; } &&
	cat run.out && test $rc = 0 &&
	test_must_be_empty cgroup-seen &&
	test -s during && tail -n 1 during >final
'

test_expect_success 'the cgroup parent is gone from the engine host afterwards' '
	! host_cpu &&
	cg_left >left && test_must_be_empty left
'

M=$TRASH/results/rs/cells/$CELL/1/metrics.json
get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split(\".\"): d = d.get(k) if isinstance(d, dict) else None
print(d)" "$M" "$1"; }

# The poller's last reading: the benchmark had exited, its counters stood
# still until the clean-up removed the folder, a good second later.
test_expect_success 'the totals came from the engine host: CPU seconds as its cgroup files say' '
	test "$(get metrics.sampler)" = remote &&
	get metrics.cpu_s >cpu && cat cpu final &&
	python3 -c "import sys; a, b = float(open(\"cpu\").read()), float(open(\"final\").read())
sys.exit(0 if a > 0.1 and abs(a - b) < 1e-5 else 1)" &&
	python3 -c "import sys; v = [float(x) for x in open(\"during\") if x.strip()]; f = float(open(\"final\").read())
sys.exit(0 if v and all(x <= f + 1e-9 for x in v) and min(v) < f else 1)"
'

test_expect_success 'the series streamed back: several rows, its last the exact total' '
	T=$TRASH/results/rs/cells/$CELL/1/metrics.tsv &&
	test "$(wc -l <"$T")" -ge 4 &&
	tail -n 1 "$T" | cut -f2 >last &&
	python3 -c "import sys; sys.exit(0 if float(open(\"last\").read()) == float(open(\"cpu\").read()) else 1)" &&
	test "$(get metrics.samples)" = "$(($(wc -l <"$T") - 1))"
'

test_expect_success 'provenance names the engine host: its kernel, CPU model and cores' '
	docker info --format "{{.KernelVersion}} {{.NCPU}} {{.Name}}" >info &&
	echo "$(get provenance.kernel) $(get provenance.ncpu) $(get provenance.engine_host)" >prov &&
	test_cmp info prov &&
	test "$(get provenance.sampled_on)" = "engine host" &&
	grep -m1 "^model name" /proc/cpuinfo | sed "s/^[^:]*: *//" >model &&
	get provenance.cpu_model >pmodel && test_cmp model pmodel &&
	test "$(get metrics.engine_host.ncpu)" = "$(grep -c ^processor /proc/cpuinfo)"
'

test_expect_success 'the sampler container is gone' '
	docker ps -aq --filter label=jockey.role=sampler --filter "label=jockey.dir=$TRASH/results/rs" >left &&
	test_must_be_empty left
'

# Where it cannot work: a sampler that cannot run on the engine's host
# (a dynamically linked program in an image FROM scratch) leaves the cgroup
# metrics absent with the reason, and nothing is read from this machine.
# (Nor can the clean-up run there: that parent stays, and goes at exit.)
test_expect_success 'a sampler that cannot run: the cell has no cgroup metrics, and says why' '
	rm -rf results &&
	rc=0 && { JOCKEY_SAMPLER=$(command -v env) run_hidden "$JOCKEY" run m.yaml >run2.out 2>&1 || rc=$?; } &&
	cat run2.out && test $rc = 0 &&
	test_grep "no cgroup metrics: the sampler on the engine.s host exited with code [1-9]" run2.out &&
	get metrics.cgroup_absent >why && cat why &&
	test_grep "^the sampler on the engine.s host exited with code [1-9]" why &&
	test "$(get metrics.cpu_s)" = None &&
	S=$TRASH/results/rs/cells/$CELL/1/samples.json &&
	! grep -q "\"cpu_s\"" "$S" && grep -q "\"elapsed_s\"" "$S" &&
	test "$(get provenance.sampled_on)" = none && test "$(get provenance.cpu_model)" = None
'

test_expect_success 'jockey ls, show and report say why the metrics are absent' '
	"$JOCKEY" show results/rs "$CELL" >show.out 2>&1 &&
	test_grep "^  1 +done .*no cgroup metrics: the sampler on the engine.s host exited with code" show.out &&
	"$JOCKEY" ls m.yaml >ls.out 2>&1 &&
	test_grep "^$CELL .* done; no cgroup metrics: the sampler on the engine.s host exited" ls.out &&
	grep -q "No cgroup metrics for .$CELL.: the sampler on the engine.s host exited" results/rs/summary.md &&
	python3 -c "import json; c = json.load(open(\"results/rs/results.json\"))[\"cells\"][0]
assert c[\"cgroup_absent\"].startswith(\"the sampler on the engine\"), c
assert \"cpu_s\" not in c[\"metrics\"] and \"elapsed_s\" in c[\"metrics\"], c[\"metrics\"]"
'

test_expect_success 'interrupted while the benchmark runs: nothing left on the engine or its host' '
	sed "s/300000/50000000/" m.yaml >long.yaml &&
	cg_left >before &&
	rm -rf results && { "$JOCKEY" run long.yaml >run4.out 2>&1 & echo $! >jockey.pid; } &&
	for i in $(seq 1 300); do
		docker ps -q --filter label=jockey.role=main --filter "label=jockey.dir=$TRASH/results/rs" >s &&
		test -s s && break; sleep 0.1
	done && test -s s && sleep 1 &&
	kill -INT "$(cat jockey.pid)" &&
	for i in $(seq 1 300); do kill -0 "$(cat jockey.pid)" 2>/dev/null || break; sleep 0.1; done &&
	! kill -0 "$(cat jockey.pid)" 2>/dev/null &&
	test_grep "interrupted" run4.out &&
	cat run4.out &&
	docker ps -aq --filter "label=jockey.dir=$TRASH/results/rs" >left && test_must_be_empty left &&
	cg_left >after && test_cmp before after
'

# A unix:// engine that is not this machine, as one in a VM behind a
# forwarded socket: a proxy whose engine says, in /info and /version, a
# kernel of the same length but not ours (tests/proxy.py --fake-kernel).

test_expect_success 'a unix:// engine on another kernel: no cgroup metrics from here, and why' '
	{ python3 "$TEST_DIR/proxy.py" "$TRASH/vm.sock" "unix:$SOCK" --fake-kernel >vmproxy.log 2>&1 & echo $! >vmproxy.pid; } &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do test -S vm.sock && break; sleep 0.1; done &&
	sed "s#engine: tcp://127.0.0.1:$PORT#engine: unix://$TRASH/vm.sock#" m.yaml >vm.yaml &&
	rm -rf results && "$JOCKEY" run vm.yaml >run3.out 2>&1 && cat run3.out &&
	test_grep "no cgroup metrics: the engine at unix://.*/vm.sock runs kernel .*vm, this machine $(uname -r)" run3.out &&
	test "$(get metrics.sampler)" = local &&
	get metrics.cgroup_absent >why && test_grep "its containers. cgroups are not this machine.s" why &&
	test "$(get metrics.cpu_s)" = None && test "$(get provenance.cpu_model)" = None &&
	test "$(wc -l <"$TRASH/results/rs/cells/$CELL/1/metrics.tsv")" = 1
'
test_at_exit 'kill "$(cat "$TRASH/vmproxy.pid")"'

test_done
