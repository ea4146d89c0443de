#!/bin/sh
test_description='lifecycle benchmarks: a cold pull from the real registry, the phases timed, readiness, cleanup'
. "$(dirname "$0")/lib.sh"
test_needs_engine

REG=${JOCKEY_TEST_REGISTRY:?the test bed has no registry}
REGLOG=$JOCKEY_TEST_STATE/log/registry.log
# An image of our own on the registry: busybox plus a layer no other local
# image has, so that a pull must fetch it; busybox's layer is shared with the
# bed's busybox:latest and stays.
IMG=$REG/jockey-lc-$$
TAG=t1
test_at_exit 'docker rmi -f "$IMG:$TAG"; for d in "$TRASH"/out*; do docker ps -aq --filter "label=jockey.dir=$d" | xargs -r docker rm -f; docker images -q --filter "label=jockey.dir=$d" | xargs -r docker rmi -f; done'

# What a results folder left on the engine: containers, and committed images
# (they carry the container's labels).
leftovers() {
	docker ps -aq --filter "label=jockey.dir=$1"
	docker images -q --filter "label=jockey.dir=$1"
	docker images -q --filter "reference=jockey-commit"
}

test_expect_success 'an image of our own, pushed to the registry and removed here' '
	printf "FROM busybox:latest\nRUN echo %s >/id\n" "$$-$(date +%s%N)" >Dockerfile &&
	docker build -q -t "$IMG:$TAG" . >build.out 2>&1 || { cat build.out; false; }
	docker push "$IMG:$TAG" >push.out 2>&1 || { cat push.out; false; }
	docker rmi "$IMG:$TAG" >/dev/null &&
	curl -fsS -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
		"http://$REG/v2/jockey-lc-$$/manifests/$TAG" >manifest.json &&
	python3 -c "import json; print(json.load(open(\"manifest.json\"))[\"layers\"][-1][\"digest\"])" >own-layer &&
	test_grep "^sha256:" own-layer
'

# write_matrix NAME BENCHMARKS-YAML
# (BENCHMARKS-YAML's lines may begin with the test's tabs: they go.)
write_matrix() {
	{
		printf 'name: %s\nimages:\n  - {name: "%s", tags: [%s]}\n' "$1" "$IMG" "$TAG"
		printf 'defaults: {repeat: 2, timeout: 60s}\nbenchmarks:\n'
		printf '%s\n' "$2" | sed "s/^$(printf '\t')*//"
		printf 'hosts:\n  - name: bridge\n'
	} >"$TRASH/$1.yaml"
}

test_expect_success 'every phase, a cold pull each repetition, phases adding up to the time to ready' '
	write_matrix boot "  - name: boot
	    command: [sh, -c, \"mkdir -p /www && echo hi >/www/index.html && exec httpd -f -p 8080 -h /www\"]
	    lifecycle:
	      phases: [pull, create, start, ready, restart, commit, stop, remove]
	      ready: {http: {port: 8080, path: /index.html, status: 200}, timeout: 20s}
	      stop: {signal: SIGKILL, timeout: 5s}
	  - name: logready
	    command: [sh, -c, \"sleep 0.2; echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      phases: [create, start, ready, restart, stop, remove]
	      ready: {log: \"^up\$\", timeout: 20s}
	      stop: {timeout: 1s}" &&
	before=$(wc -l <"$REGLOG") &&
	"$JOCKEY" run -o out boot.yaml >boot.out 2>&1 || { cat boot.out; false; }
	tail -n +$((before + 1)) "$REGLOG" >reg.log &&
	layer=$(cat own-layer) &&
	grep -c "\"GET /v2/jockey-lc-$$/blobs/$layer " reg.log >gets &&
	echo "blob GETs of our layer during the run: $(cat gets)" &&
	# the image edge pulls it once (it is missing), then each repetition, cold
	test "$(cat gets)" -ge 3 &&
	python3 - out <<-\EOF
	import json, os, sys
	d = sys.argv[1]
	r = json.load(open(d + "/results.json"))
	cells = {c["id"].split(".")[-2]: c for c in r["cells"]}
	for c in cells.values():
	    assert c["status"] == "done", (c["id"], c["status"], c.get("failures"))
	boot = cells["boot"]
	for rep in (1, 2):
	    s = json.load(open(os.path.join(d, "cells", boot["id"], str(rep), "samples.json")))
	    m = {x["name"]: x["value"] for x in s["metrics"]}
	    for k in ("pull_ms", "create_ms", "start_ms", "ready_ms", "restart_ms", "commit_ms",
	              "stop_ms", "remove_ms", "to_ready_ms"):
	        assert m[k] > 0, (k, m)
	    parts = m["pull_ms"] + m["create_ms"] + m["start_ms"] + m["ready_ms"]
	    print("rep", rep, "pull", m["pull_ms"], "parts", parts, "to_ready", m["to_ready_ms"],
	          "share", m["pull_share"])
	    assert abs(parts - m["to_ready_ms"]) <= 0.05 * m["to_ready_ms"], (parts, m["to_ready_ms"])
	    assert abs(m["pull_share"] - m["pull_ms"] / parts) < 1e-6
	    # our layer fetched; the busybox layer, shared, already there
	    assert m["pull_layers"] == 1 and m["pull_layers_present"] == 1, m
	    assert m["pull_bytes"] > 0 and m["commit_size_bytes"] > 1000000, m
	    assert m["mem_peak_bytes"] > 0, m
	    # the image facts: busybox and our layer
	    assert m["image_layers"] == 2 and m["image_size_bytes"] > 1000000, m
	lr = json.load(open(os.path.join(d, "cells", cells["logready"]["id"], "1", "samples.json")))
	m = {x["name"]: x["value"] for x in lr["metrics"]}
	assert "pull_ms" not in m and "pull_share" not in m, m
	# sh as PID 1 ignores SIGTERM: the stop waits out its 1 s, then SIGKILL
	assert m["stop_ms"] >= 900, m
	assert m["restart_ms"] >= 900, m
	log = open(os.path.join(d, "cells", cells["logready"]["id"], "1", "log")).read()
	assert "# stop: SIGTERM, exit code 137" in log, log
	print("ok")
	EOF
	leftovers "$TRASH/out" >left && test_must_be_empty left
'

test_expect_success 'a ready check that never succeeds fails the cell at its timeout, with the phase named' '
	write_matrix never "  - name: never
	    command: [sleep, \"600\"]
	    repeat: 1
	    lifecycle:
	      phases: [create, start, ready, remove]
	      ready: {tcp: 9, timeout: 2s}
	      stop: {signal: SIGKILL}" &&
	start=$(date +%s) &&
	test_must_fail --code=3 "$JOCKEY" run -o out-never never.yaml >never.out 2>&1 &&
	end=$(date +%s) &&
	test $((end - start)) -lt 30 &&
	f=out-never/cells/$(ls out-never/cells)/1/failed.json &&
	test_grep "\"reason\": \"ready: not ready after 2s \(tcp 9\)\"" $f &&
	test_grep "ready: not ready after 2s" never.out &&
	leftovers "$TRASH/out-never" >left && test_must_be_empty left
'

test_expect_success 'SIGINT in the middle of the phases removes the container' '
	write_matrix sig "  - name: sig
	    command: [sh, -c, \"echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      phases: [create, start, ready, commit, stop, remove]
	      ready: {log: up}
	      stop: {timeout: 60s}" &&
	"$JOCKEY" run -o out-sig sig.yaml >sig.out 2>&1 &
	pid=$!
	i=0 &&
	while test $i -lt 300 && ! cat out-sig/cells/*/1/log.tmp.* 2>/dev/null | grep -q "^lifecycle: commit_ms="; do
		sleep 0.1; i=$((i + 1))
	done &&
	cat out-sig/cells/*/1/log.tmp.* &&
	sleep 1 &&
	test -n "$(docker ps -q --filter label=jockey.dir=$TRASH/out-sig)" &&
	kill -INT $pid &&
	{ wait $pid; code=$?; } &&
	echo "exit $code" &&
	test $code -ne 0 &&
	test_grep "interrupted" sig.out &&
	leftovers "$TRASH/out-sig" >left && test_must_be_empty left
'

test_expect_success 'density: containers started four at once, each ready, held, measured and removed' '
	write_matrix dense "  - name: dense
	    command: [sh, -c, \"sleep 0.2; echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      density: {containers: 8, concurrency: 4, hold: 1s}
	      ready: {log: up, timeout: 30s}" &&
	"$JOCKEY" run -o out-dense dense.yaml >dense.out 2>&1 || { cat dense.out; false; }
	cat out-dense/cells/*/1/log &&
	python3 - out-dense <<-\EOF
	import json, sys
	r = json.load(open(sys.argv[1] + "/results.json"))
	c = r["cells"][0]
	assert c["status"] == "done", c
	m = {k: v["median"] for k, v in c["metrics"].items()}
	assert m["density_ready"] == 8 and m["density_failed"] == 0, m
	# each sleeps 0.2 s before it is ready; two waves of four
	assert 200 <= m["density_first_ready_ms"] <= m["density_last_ready_ms"], m
	assert m["density_start_rate"] > 0, m
	assert m["density_mem_per_container_bytes"] > 0 and m["density_cpu_per_container_s"] >= 0, m
	print("ok")
	EOF
	leftovers "$TRASH/out-dense" >left && test_must_be_empty left
'

test_expect_success 'SIGINT in a density cell removes every container it started' '
	write_matrix dsig "  - name: dsig
	    command: [sh, -c, \"echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      density: {containers: 40, concurrency: 2, hold: 60s}
	      ready: {log: up}" &&
	"$JOCKEY" run -o out-dsig dsig.yaml >dsig.out 2>&1 &
	pid=$!
	i=0 &&
	while test $i -lt 300 && test "$(docker ps -q --filter label=jockey.dir=$TRASH/out-dsig | wc -l)" -lt 4; do
		sleep 0.1; i=$((i + 1))
	done &&
	docker ps -q --filter label=jockey.dir=$TRASH/out-dsig | wc -l >running &&
	echo "running at the signal: $(cat running)" &&
	test "$(cat running)" -ge 4 &&
	kill -INT $pid &&
	{ wait $pid; code=$?; } &&
	echo "exit $code" &&
	test $code -ne 0 &&
	leftovers "$TRASH/out-dsig" >left && test_must_be_empty left
'

test_done
