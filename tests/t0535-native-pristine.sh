#!/bin/sh
test_description='native: every repetition starts from the image'"'"'s files as exported, with the host config'"'"'s limits'
. "$(dirname "$0")/lib.sh"
test_needs_engine
test "$(id -u)" = 0 || skip_all "native runs need root (chroot, mount)"

# The root file systems and the repetitions' folders land in a cache of the test's own.
export XDG_CACHE_HOME="$TRASH/cache"
NATIVE=$XDG_CACHE_HOME/jockey/native

cat >"$TRASH/m.yaml" <<\EOF || exit 1
name: pristine
images:
  - {name: debian, tags: [bookworm], pull: never}
defaults: {repeat: 3, timeout: 60s}
benchmarks:
  - name: marker
    command: [sh, -c, 'echo x >>/marker; echo lines=$(wc -l </marker)']
    parser: {regex: 'lines=([0-9]+)', metric: lines}
  - name: sleep
    repeat: 1
    command: [sh, -c, 'echo x >/marker; sleep 60']
    parser: []
  - name: pair
    repeat: 2
    server:
      command: [sh, -c, 'sleep 0.5; echo up >>/served; exec sleep 60']
      ready: {command: [sh, -c, 'test "$(cat /served)" = up'], timeout: 20s}
    client:
      command: [sh, -c, 'echo clients=$(cat /served 2>/dev/null | wc -l)']
    parser: {regex: 'clients=([0-9]+)', metric: clients}
hosts:
  - {name: native, native: true}
  - {name: bridge}
exclude:
  - {benchmark: sleep, host: bridge}
  - {benchmark: pair, host: bridge}
EOF

# The line counts of the marker benchmark's repetitions on HOST, as a JSON list.
counts() {
	jq '.metrics[] | select(.name == "lines") | .value' \
		out/cells/debian-bookworm.marker.$1/[123]/samples.json | jq -sc .
}

test_expect_success 'the /marker benchmark: [1,1,1] natively and in a container' '
	"$JOCKEY" run -o out m.yaml "*.marker.*" >run.out 2>&1 || { cat run.out; false; } &&
	counts native >native && counts bridge >bridge &&
	cat native bridge &&
	echo "[1,1,1]" >expect &&
	test_cmp expect native && test_cmp expect bridge
'

test_expect_success 'jockey run says once what native cells are, only when it has some; so does help' '
	grep -c "^jockey: native cells run the image.s code on the host with host privileges" run.out >count &&
	echo 1 >expect && test_cmp expect count &&
	"$JOCKEY" run -o out-bridge m.yaml "*.marker.bridge" >bridge.out 2>&1 &&
	! grep "host privileges" bridge.out &&
	"$JOCKEY" help run >help 2>&1 &&
	grep "^with host privileges" help && grep "^Run native cells of trusted images only" help
'

test_expect_success 'a native server: its readiness command sees its files, the client has its own' '
	"$JOCKEY" run -o out m.yaml "*.pair.native" >pair.out 2>&1 || { cat pair.out; false; } &&
	jq ".metrics[] | select(.name == \"clients\") | .value" \
		out/cells/debian-bookworm.pair.native/[12]/samples.json | jq -sc . >clients &&
	echo "[0,0]" >expect && test_cmp expect clients
'

test_expect_success 'the cache is untouched, and nothing of the repetitions is left' '
	ls "$XDG_CACHE_HOME/jockey/rootfs" >dirs && test $(wc -l <dirs) = 1 &&
	! test -e "$XDG_CACHE_HOME/jockey/rootfs/$(cat dirs)/marker" &&
	ls -A "$NATIVE" >left && test_must_be_empty left &&
	! cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$XDG_CACHE_HOME"
'

test_expect_success 'what a killed jockey leaves (the folder; children with their overlay) goes with the next run' '
	{ "$JOCKEY" run -o out m.yaml "*.sleep.*" >kill.out 2>&1 & pid=$!; } &&
	i=0 &&
	while test $i -lt 150 && ! test -e "$NATIVE"/*.main/upper/marker; do sleep 0.2; i=$((i + 1)); done &&
	ls "$NATIVE" >folders && cat folders &&
	edge=$(sed -n "s/\.main\$//p" folders) && test -n "$edge" &&
	kill -KILL $edge &&
	rc=0 && { wait $pid || rc=$?; } && test $rc = 3 &&
	sleep 0.5 &&
	test -e "$NATIVE/$edge.main/upper/marker" &&
	cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$NATIVE/$edge.main" &&
	"$JOCKEY" run -o out-again m.yaml "*.marker.native" >again.out 2>&1 &&
	ls -A "$NATIVE" >left && test_must_be_empty left &&
	! cat /proc/[0-9]*/mountinfo 2>/dev/null | grep -F "$XDG_CACHE_HOME" &&
	! test -e "$XDG_CACHE_HOME/jockey/rootfs/$(cat dirs)/marker" &&
	# the killed run-cell'"'"'s cgroup parent is left (its processes are gone now)
	for d in /sys/fs/cgroup/*/jockey-debian-bookworm.sleep.native-1-$edge; do
		! test -d "$d" || rmdir "$d" || exit 1
	done
'

cat >"$TRASH/limits.yaml" <<\EOF || exit 1
name: limits
images:
  - {name: debian, tags: [bookworm], pull: never}
defaults: {repeat: 1, timeout: 60s}
benchmarks:
  - name: alloc                 # dd's buffer: 256 MiB, every page written
    command: [dd, if=/dev/zero, of=/dev/null, bs=256M, count=1]
    parser: []
  - name: limits
    command:
      - sh
      - -c
      - |
        echo nofile=$(ulimit -n) nproc=$(nproc)
        c=$(sed -n "s/^[0-9]*:cpu:\(.*\)/\1/p" /proc/self/cgroup)
        if test -n "$JOCKEY_NATIVE"; then
          echo quota=$(cat /sys/fs/cgroup/cpu$c/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)/cpu.max)
        fi
    parser: []
hosts:
  - {name: native, native: true, memory: 64m, cpus: 0.5, cpuset: "0", ulimits: {nofile: 1024},
     env: {JOCKEY_NATIVE: "1"}}
  - {name: bridge, memory: 64m, cpus: 0.5, cpuset: "0", ulimits: {nofile: 1024}}
EOF

test_expect_success 'memory: 64m: a 256 MiB allocation is OOM-killed natively as in a container' '
	test_must_fail --code=3 "$JOCKEY" run -o lim limits.yaml "*.alloc.*" >alloc.out 2>&1 &&
	for h in native bridge; do
		jq -c "{reason, oom_killed}" lim/cells/debian-bookworm.alloc.$h/1/failed.json || exit 1
	done >reasons &&
	cat reasons &&
	printf "%s\n" "{\"reason\":\"oom killed\",\"oom_killed\":true}" \
		"{\"reason\":\"oom killed\",\"oom_killed\":true}" >expect &&
	test_cmp expect reasons
'

test_expect_success 'cpus, cpuset and ulimits apply natively as in a container' '
	"$JOCKEY" run -o lim limits.yaml "*.limits.*" >limits.out 2>&1 || { cat limits.out; false; } &&
	cat lim/cells/debian-bookworm.limits.native/1/log &&
	printf "nofile=1024 nproc=1\nquota=50000\n" >expect &&
	test_cmp expect lim/cells/debian-bookworm.limits.native/1/log &&
	printf "nofile=1024 nproc=1\n" >expect &&
	test_cmp expect lim/cells/debian-bookworm.limits.bridge/1/log
'

test_expect_success 'a sysctl on a native host is refused with its place, nothing written' '
	cat >sysctl.yaml <<-\EOF &&
	name: sysctl
	images: [{name: debian, tags: [bookworm]}]
	benchmarks: [{name: b, command: ["true"]}]
	hosts:
	  - name: native
	    native: true
	    sysctls: {net.core.somaxconn: 1024}
	EOF
	test_must_fail --code=2 "$JOCKEY" gen -o out-sysctl sysctl.yaml 2>actual &&
	echo "jockey: sysctl.yaml:7:5: '"'"'sysctls'"'"' does not apply to a native host: sysctls are the whole host'"'"'s (set them on the host itself)" >expect &&
	test_cmp expect actual &&
	! test -e out-sysctl
'

test_done
