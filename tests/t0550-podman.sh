#!/bin/sh
test_description='jockey against Podman'"'"'s Docker-compatible API socket'
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null 2>&1 || {
	[ "${JOCKEY_TEST_REQUIRE_ENGINE:-0}" = 1 ] && { echo "Bail out! podman is not installed"; exit 1; }
	skip_all "podman is not installed (apt-get install podman)"
}
[ "$(id -u)" = 0 ] || skip_all "needs root for a rootful podman service"

# A private podman: its own storage, run root and socket; runc, as crun refuses
# this machine's hybrid cgroups.
pm() {
	podman --root "$TRASH/pm/root" --runroot "$TRASH/pm/run" --cgroup-manager=cgroupfs \
		--runtime=runc "$@"
}
sock=$TRASH/pm/podman.sock
mkdir -p "$TRASH/pm"
# exec: $! must be podman itself, not a subshell that would leave it behind
(exec podman --root "$TRASH/pm/root" --runroot "$TRASH/pm/run" --cgroup-manager=cgroupfs \
	--runtime=runc system service --time=0 "unix://$sock") >"$TRASH/pm/service.log" 2>&1 &
service_pid=$!
test_at_exit "kill $service_pid; wait $service_pid; rm -rf '$TRASH/pm'"

test_expect_success 'the podman service answers' '
	i=0
	until curl -sf --unix-socket "$sock" http://d/_ping >/dev/null; do
		sleep 0.2; i=$((i + 1)); test $i -lt 100
	done
'

test_expect_success 'a busybox image made offline' '
	mkdir -p bb/bin && cp "$(command -v busybox)" bb/bin/busybox &&
	for a in $(bb/bin/busybox --list); do
		test "$a" = busybox || ln -sf busybox "bb/bin/$a"
	done &&
	tar -C bb -c . | pm import -c "CMD [\"sh\"]" - busybox:latest >/dev/null
'

test_expect_success 'jockey run works against it, with numbers and metrics' '
	cat >m.yaml <<-\EOF &&
	name: podman
	images: [{name: busybox, tags: [latest], pull: never}]
	benchmarks:
	  - name: loop
	    command: [sh, -c, "echo start; i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done; echo loops=$i"]
	    parser: {regex: "loops=([0-9]+)", metric: loops}
	    repeat: 2
	# this sandbox caps nproc and nofile below podman'"'"'s defaults
	hosts: [{name: none, network: none, ulimits: {nproc: 1000, nofile: 1024}}]
	EOF
	DOCKER_HOST=unix://$sock "$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	jq -e ".cells[0].status == \"done\"" out/results.json &&
	jq -e ".cells[0].metrics.loops.median == 50000" out/results.json &&
	jq -e ".cells[0].metrics.cpu_s.median > 0" out/results.json &&
	jq -e ".cells[0].provenance.engine_version | length > 0" out/results.json &&
	test -z "$(pm ps -aq)"
'

test_done
