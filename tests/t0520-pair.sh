#!/bin/sh
test_description='pairs: a server and a client per repetition, on the real engine'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# A project with the shipped dockerfiles, as a git work tree.
rm -rf proj 2>/dev/null
mkdir -p "$TRASH/proj" && cp -R "$TOP/dockerfiles" "$TRASH/proj/" &&
(cd "$TRASH/proj" && git init -q && git add -A &&
 git -c user.name=t -c user.email=t@t commit -qm init) || exit 1

# What a results folder left on the engine: containers and networks with its label.
leftovers() {
	docker ps -aq --filter "label=jockey.dir=$1"
	docker network ls -q --filter "label=jockey.dir=$1"
}
test_at_exit 'for d in "$TRASH"/proj/out*; do docker ps -aq --filter "label=jockey.dir=$d" | xargs -r docker rm -f; docker network ls -q --filter "label=jockey.dir=$d" | xargs -r docker network rm; done'

# A port of our own for the host-network cell: the engine is shared.
PORT=$((20000 + $$ % 20000))

# write_matrix NAME SERVER-COMMAND READY CLIENT-N [HOSTS [CLIENT-PORT]]
write_matrix() {
	cport=${6:-'${server_port}'}
	cat >"$TRASH/proj/$1.yaml" <<-EOF
	name: $1
	dockerfiles: {repo: ./dockerfiles}
	images:
	  - {name: debian, tags: [bookworm], pull: never}
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - name: redis
	    context: redis
	    server:
	      command: [$2]
	      ready: $3
	    client:
	      command: [redis-benchmark, -h, "\${server}", -p, "$cport", -q, -n, "$4", -t, "set,get"]
	    parser: redis-benchmark
	hosts:
	${5:-  - name: bridge}
	EOF
}

check_pair() {
	python3 - "$1" <<-\EOF
	import json, sys, os
	r = json.load(open(sys.argv[1] + "/results.json"))
	for c in r["cells"]:
	    assert c["status"] == "done", (c["id"], c["status"], c.get("failures"))
	    m = c["metrics"]
	    assert m["set_rps"]["median"] > 0 and m["get_rps"]["median"] > 0, sorted(m)
	    # both sides in the results: the client's totals and the server's
	    assert m["cpu_s"]["median"] > 0 and m["server_cpu_s"]["median"] > 0, sorted(m)
	    assert m["server_mem_peak_bytes"]["median"] > 0, sorted(m)
	    d = os.path.join(sys.argv[1], "cells", c["id"], "1")
	    mj = json.load(open(d + "/metrics.json"))
	    assert mj["metrics"]["cpu_s"] > 0, mj["metrics"]
	    assert mj["server_metrics"]["cpu_s"] > 0, mj["server_metrics"]
	    assert mj["server_metrics"]["mem_peak_bytes"] > 0
	    assert "Ready to accept connections" in open(d + "/server.log").read()
	    assert os.path.getsize(d + "/server-metrics.tsv") > 0
	print("ok")
	EOF
}

test_expect_success 'a redis server/client cell runs, parses and measures both sides' '
	cd proj &&
	write_matrix tcp "redis-server, --save, \"\", --protected-mode, \"no\"" "{tcp: 6379, timeout: 30s}" 20000 &&
	"$JOCKEY" run -o out-tcp tcp.yaml >tcp.out 2>&1 || { cat tcp.out; false; } &&
	check_pair out-tcp &&
	leftovers "$TRASH/proj/out-tcp" >left && test_must_be_empty left
'

test_expect_success 'readiness by a log line and by a command; the host network' '
	cd proj &&
	write_matrix ready "redis-server, --save, \"\", --protected-mode, \"no\", --port, \"$PORT\"" \
		"{command: [redis-cli, -p, \"$PORT\", ping], timeout: 30s}" 5000 \
		"  - {name: host-net, network: host}" "$PORT" &&
	"$JOCKEY" run -o out-cmd ready.yaml >cmd.out 2>&1 || { cat cmd.out; false; } &&
	check_pair out-cmd &&
	write_matrix log "redis-server, --save, \"\", --protected-mode, \"no\"" \
		"{log: \"Ready to accept conn\\\\w+\", timeout: 30s}" 5000 &&
	"$JOCKEY" run -o out-log log.yaml >log.out 2>&1 || { cat log.out; false; } &&
	check_pair out-log &&
	leftovers "$TRASH/proj/out-cmd" >left && leftovers "$TRASH/proj/out-log" >>left &&
	test_must_be_empty left
'

test_expect_success 'a server that never becomes ready fails the cell after its deadline, leaving nothing' '
	cd proj &&
	write_matrix never "sleep, \"120\"" "{tcp: 6379, timeout: 3s}" 1000 &&
	start=$(date +%s) &&
	test_must_fail --code=3 "$JOCKEY" run -o out-never never.yaml >never.out 2>&1 &&
	end=$(date +%s) &&
	test $((end - start)) -lt 40 &&
	test_grep "server not ready after 3s \(tcp 6379\)" never.out &&
	f=out-never/cells/debian-bookworm.redis.bridge/1/failed.json &&
	test_grep "\"reason\": \"server not ready after 3s \(tcp 6379\)\"" $f &&
	test_grep "\"exit_code\": null" $f &&
	leftovers "$TRASH/proj/out-never" >left && test_must_be_empty left
'

test_expect_success 'a server that exits before it is ready fails the cell at once' '
	cd proj &&
	write_matrix dies "sh, -c, \"exit 3\"" "{tcp: 6379, timeout: 30s}" 1000 &&
	start=$(date +%s) &&
	test_must_fail --code=3 "$JOCKEY" run -o out-dies dies.yaml >dies.out 2>&1 &&
	end=$(date +%s) &&
	test $((end - start)) -lt 25 &&
	test_grep "server exited with code 3 before it was ready" dies.out &&
	leftovers "$TRASH/proj/out-dies" >left && test_must_be_empty left
'

test_expect_success 'SIGINT while the client runs removes both containers and the network' '
	cd proj &&
	write_matrix sig "redis-server, --save, \"\", --protected-mode, \"no\"" "{tcp: 6379}" 100000000
	"$JOCKEY" run -o out-sig sig.yaml >sig.out 2>&1 &
	pid=$!

	i=0 &&
	while test $i -lt 300 && test -z "$(docker ps -q --filter label=jockey.dir=$TRASH/proj/out-sig --filter label=jockey.role=client)"; do
		sleep 0.2; i=$((i + 1))
	done &&
	test -n "$(docker ps -q --filter label=jockey.dir=$TRASH/proj/out-sig --filter label=jockey.role=client)" &&
	test -n "$(docker network ls -q --filter label=jockey.dir=$TRASH/proj/out-sig)" &&
	sleep 1 &&
	kill -INT $pid &&
	{ wait $pid; code=$?; } &&
	echo "exit $code" &&
	test $code -ne 0 &&
	leftovers "$TRASH/proj/out-sig" >left && test_must_be_empty left &&
	test_grep "interrupted" sig.out &&
	! test -e out-sig/cells/debian-bookworm.redis.bridge/1/metrics.json
'

test_done
