#!/bin/sh
test_description='native: every repetition starts from the image'"'"'s files as exported'
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
	! test -e "$XDG_CACHE_HOME/jockey/rootfs/$(cat dirs)/marker"
'

test_done
