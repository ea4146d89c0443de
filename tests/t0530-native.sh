#!/bin/sh
test_description='native: the image'"'"'s files run chrooted, without a container'
. "$(dirname "$0")/lib.sh"
test_needs_engine
test "$(id -u)" = 0 || skip_all "native runs need root (chroot, mount)"

# The root file systems land in a cache of the test's own.
export XDG_CACHE_HOME="$TRASH/cache"
PORT=$((20000 + ($$ + 7) % 20000))

mkdir -p "$TRASH/proj/dockerfiles/who" &&
cp -R "$TOP/dockerfiles/sysbench" "$TOP/dockerfiles/redis" "$TRASH/proj/dockerfiles/" &&
cat >"$TRASH/proj/dockerfiles/who/Dockerfile" <<-\EOF || exit 1
	ARG BASE
	FROM ${BASE}
	RUN mkdir -p /work && echo in-the-image >/work/marker
	ENV FROM_IMAGE=image-value OVERRIDDEN=image
	WORKDIR /work
	USER nobody
	EOF
(cd "$TRASH/proj" && git init -q && git add -A &&
 git -c user.name=t -c user.email=t@t commit -qm init) || exit 1

cat >"$TRASH/proj/m.yaml" <<EOF || exit 1
name: native
dockerfiles: {repo: ./dockerfiles}
images:
  - {name: debian, tags: [bookworm], pull: never}
defaults: {repeat: 2, timeout: 60s}
benchmarks:
  - name: cpu
    context: sysbench
    images: [debian]
    repeat: 3
    command: [sysbench, cpu, --cpu-max-prime=10000, --threads=1, --time=2, run]
    parser: sysbench
  - name: who
    context: who
    images: [debian]
    repeat: 1
    command: [sh, -c, 'id -u; id -g; pwd; cat marker; echo "\$FROM_IMAGE \$OVERRIDDEN \$FROM_MATRIX"; test -e /proc/self/stat && echo has-proc; test -c /dev/null && echo has-dev; sleep 0.3']
    env: {OVERRIDDEN: matrix, FROM_MATRIX: "yes"}
    parser: []
  - name: redis
    context: redis
    images: [debian]
    repeat: 1
    server:
      command: [redis-server, --save, "", --port, "$PORT"]
      ready: {tcp: $PORT, timeout: 30s}
    client:
      command: [redis-benchmark, -h, "\${server}", -p, "\${server_port}", -q, -n, "5000", -t, "set,get"]
    parser: redis-benchmark
hosts:
  - {name: native, native: true}
  - {name: bridge}
exclude:
  - {benchmark: who, host: bridge}
  - {benchmark: redis, host: bridge}
EOF

# Processes whose root is in the cache: none may outlive a run.
chrooted() {
	for p in /proc/[0-9]*; do
		case $(readlink "$p/root" 2>/dev/null) in "$XDG_CACHE_HOME"*) echo "$p" ;; esac
	done
}

test_expect_success 'a native cell and a container cell of the same image: comparable numbers' '
	cd proj &&
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	python3 - out <<-\EOF
	import json, statistics, sys
	r = json.load(open(sys.argv[1] + "/results.json"))
	cells = {c["id"]: c for c in r["cells"]}
	for c in cells.values():
	    assert c["status"] == "done", (c["id"], c["status"], c.get("failures"))
	n = cells["debian-bookworm.cpu.native"]["metrics"]
	b = cells["debian-bookworm.cpu.bridge"]["metrics"]
	en, eb = n["events_per_s"]["median"], b["events_per_s"]["median"]
	print("events/s native", en, "bridge", eb, "(shown: the wall-clock rate follows the load)")
	# The same binary does the same work per CPU second, chrooted or in a
	# container: events per second of CPU time, per repetition, is what the
	# load of a shared machine does not move (it takes CPU away from both
	# alike) and what a native cell that measured the wrong process, or
	# none, would get wrong.
	def per_cpu(m):
	    assert m["total_events"]["reps"] == m["cpu_s"]["reps"], m
	    return statistics.median(e / c for e, c in zip(m["total_events"]["samples"], m["cpu_s"]["samples"]))
	pn, pb = per_cpu(n), per_cpu(b)
	print("events per CPU second: native", pn, "bridge", pb)
	assert abs(pn - pb) / pb < 0.20, (pn, pb)
	assert n["cpu_s"]["median"] > 0.5, n["cpu_s"]
	m = json.load(open(sys.argv[1] + "/cells/debian-bookworm.cpu.native/1/metrics.json"))
	assert m["provenance"]["native"] is True
	assert m["metrics"]["net_scope"] == "host"
	print("ok")
	EOF
'

test_expect_success 'native runs get the image user, working folder, env, /proc and /dev' '
	cd proj &&
	cat out/cells/debian-bookworm.who.native/1/log &&
	printf "65534\n65534\n/work\nin-the-image\nimage-value matrix yes\nhas-proc\nhas-dev\n" >expect &&
	test_cmp expect out/cells/debian-bookworm.who.native/1/log
'

test_expect_success 'a native pair: server and client chrooted on the host network' '
	cd proj &&
	d=out/cells/debian-bookworm.redis.native/1 &&
	jq -e ".server_metrics.cpu_s > 0 and .metrics.cpu_s > 0" $d/metrics.json &&
	test_grep "Ready to accept connections" $d/server.log &&
	jq -e "[.metrics[] | select(.name == \"set_rps\" and .value > 0)] | length == 1" $d/samples.json
'

test_expect_success 'the root file system is exported once per image, and no mount leaks' '
	ls "$XDG_CACHE_HOME/jockey/rootfs" >dirs &&
	test $(wc -l <dirs) = 3 &&
	! ls "$XDG_CACHE_HOME/jockey/rootfs" | grep tmp &&
	! grep -F "$XDG_CACHE_HOME" /proc/self/mountinfo &&
	chrooted >procs && test_must_be_empty procs &&
	test -z "$(docker ps -aq --filter label=jockey.dir=$TRASH/proj/out)"
'

test_expect_success 'a native timeout kills the whole process group' '
	cd proj &&
	sed -e "s/--time=2/--time=30/" -e "s/timeout: 60s/timeout: 2s/" m.yaml >slow.yaml &&
	t0=$(date +%s) &&
	test_must_fail --code=3 "$JOCKEY" run -o out-slow slow.yaml debian-bookworm.cpu.native >slow.out 2>&1 &&
	t1=$(date +%s) &&
	test $((t1 - t0)) -lt 30 &&
	grep -qxF "build jockey-selected: phony cell\$:debian-bookworm.cpu.native" out-slow/.jockey-select.ninja &&
	jq -e ".reason == \"timeout after 2s\" and .timed_out == true" out-slow/cells/debian-bookworm.cpu.native/1/failed.json &&
	chrooted >procs && test_must_be_empty procs &&
	! ls -d /sys/fs/cgroup/*/jockey-debian-bookworm.cpu.native-* 2>/dev/null | grep .
'

test_expect_success 'SIGINT during a native run leaves no process behind' '
	cd proj &&
	sed -e "s/--time=2/--time=30/" m.yaml >long.yaml &&
	{ "$JOCKEY" run -o out-long long.yaml debian-bookworm.cpu.native >long.out 2>&1 & pid=$!; } &&
	i=0 &&
	while test $i -lt 100 && test -z "$(chrooted)"; do sleep 0.2; i=$((i + 1)); done &&
	test -n "$(chrooted)" &&
	kill -INT $pid &&
	rc=0 && { wait $pid || rc=$?; } && test $rc != 0 &&
	sleep 0.5 &&
	chrooted >procs && test_must_be_empty procs &&
	! grep -F "$XDG_CACHE_HOME" /proc/self/mountinfo
'

test_done
