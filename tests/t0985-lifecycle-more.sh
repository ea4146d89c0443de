#!/bin/sh
test_description='lifecycle benchmarks, more: a cold push to the real registry, the first response, density at a limit'
. "$(dirname "$0")/lib.sh"
test_needs_engine

REG=${JOCKEY_TEST_REGISTRY:?the test bed has no registry}
REGLOG=$JOCKEY_TEST_STATE/log/registry.log
# An image built here, never pushed nor pulled: busybox (the bed's, imported
# without a registry) plus a layer of our own, 2 MB of random bytes (no
# compression shrinks it). The engine may know busybox's layer from another
# repository of the registry (t0980 pushes an image built on it) and mount
# it from there: the push then counts it present, not pushed.
IMG=jockey-lc2-$$
TAG=t1
test_at_exit 'docker rmi -f "$IMG:$TAG"; for d in "$TRASH"/out*; do docker ps -aq --filter "label=jockey.dir=$d" | xargs -r docker rm -f; done'

# (what a push tagged is checked by its repository's name: other runs may
# push meanwhile)
leftovers() {
	docker ps -aq --filter "label=jockey.dir=$1"
}

# write_matrix NAME BENCHMARKS-YAML (its lines may begin with the test's tabs)
write_matrix() {
	{
		printf 'name: %s\nimages:\n  - {name: "%s", tags: [%s], pull: never}\n' "$1" "$IMG" "$TAG"
		printf 'defaults: {repeat: 2, timeout: 60s}\nbenchmarks:\n'
		printf '%s\n' "$2" | sed "s/^$(printf '\t')*//"
		printf 'hosts:\n  - name: bridge\n'
	} >"$TRASH/$1.yaml"
}

# metrics DIR CELL-NAME REP: samples.json's metrics as NAME=VALUE lines
metrics() {
	python3 - "$@" <<-\EOF
	import json, os, sys
	d, name, rep = sys.argv[1:]
	r = json.load(open(d + "/results.json"))
	c = [c for c in r["cells"] if c["id"].split(".")[-2] == name][0]
	s = json.load(open(os.path.join(d, "cells", c["id"], rep, "samples.json")))
	for m in s["metrics"]:
	    print("%s=%s" % (m["name"], m["value"]))
	EOF
}

test_expect_success 'an image of our own, built here' '
	head -c 2000000 /dev/urandom >blob &&
	printf "FROM busybox:latest\nCOPY blob /blob\n" >Dockerfile &&
	docker build -q -t "$IMG:$TAG" . >build.out 2>&1 || { cat build.out; false; }
'

test_expect_success 'push: cold in each repetition (the registry log shows every blob uploaded, a mount from the last refused), what it pushed removed' '
	write_matrix push "  - name: push
	    command: [sleep, \"600\"]
	    lifecycle:
	      phases: [push, create, start, remove]
	      push: {registry: \"$REG\"}
	      stop: {signal: SIGKILL}" &&
	before=$(wc -l <"$REGLOG") &&
	"$JOCKEY" run -o out push.yaml >push.out 2>&1 || { cat push.out; false; }
	tail -n +$((before + 1)) "$REGLOG" >reg.log &&
	cat out/cells/*/1/log &&
	for rep in 1 2; do
		repo=$(sed -n "s|^# push: $REG/\(.*\):push\$|\1|p" out/cells/*/$rep/log) &&
		test -n "$repo" &&
		echo "$repo" >>repos &&
		metrics out push $rep >m$rep &&
		# our layer uploaded; busybox'"'"'s uploaded or mounted
		test_grep "^image_registry_layers=2$" m$rep &&
		layers=$(sed -n "s/^push_layers=//p" m$rep) &&
		present=$(sed -n "s/^push_layers_present=//p" m$rep) &&
		bytes=$(sed -n "s/^push_bytes=//p" m$rep) &&
		all=$(sed -n "s/^image_compressed_bytes=//p" m$rep) &&
		echo "rep $rep: $repo, $layers layers ($bytes of $all compressed bytes) pushed, $present present" &&
		test "$layers" -ge 1 && test $((layers + present)) -eq 2 &&
		python3 -c "import sys; b, a = float(sys.argv[1]), float(sys.argv[2]); assert 2000000 < b <= a, (b, a)" "$bytes" "$all" &&
		grep "\"PATCH /v2/$repo/blobs/uploads/" reg.log >patches &&
		test "$(wc -l <patches)" -ge "$layers" &&
		grep -q "\"PUT /v2/$repo/manifests/push " reg.log &&
		grep -q "\"DELETE /v2/$repo/manifests/sha256:" reg.log &&
		test "$(grep -c "\"DELETE /v2/$repo/blobs/sha256:" reg.log)" -eq 3 &&
		# gone from the registry
		code=$(curl -s -o /dev/null -w "%{http_code}" "http://$REG/v2/$repo/manifests/push") &&
		test "$code" = 404 || return 1
	done &&
	test "$(sort -u repos | wc -l)" -eq 2 &&
	# the engine tried to mount the layers from the first repetition'"'"'s
	# repository, which no longer had them: it uploaded them again
	first=$(head -n 1 repos) && second=$(tail -n 1 repos) &&
	grep "\"POST /v2/$second/blobs/uploads/?from=$first&mount=" reg.log >mounts &&
	echo "mount attempts: $(wc -l <mounts)" &&
	! grep -q "\"POST /v2/$second/blobs/uploads/?from=$first&[^ ]* HTTP/1.1\" 201 " reg.log &&
	docker images --format "{{.Repository}}" | grep -F -f repos >left-tags || :
	test_must_be_empty left-tags &&
	leftovers "$TRASH/out" >left && test_must_be_empty left
'

test_expect_success 'first_response: ready when the port accepts, the first answer later, the phases adding up to the time to ready' '
	write_matrix first "  - name: first
	    command: [sh, -c, \"mkdir -p /www && httpd -p 8080 -h /www && sleep 1 && echo hi >/www/index.html && exec sleep 600\"]
	    lifecycle:
	      phases: [create, start, ready, first_response, remove]
	      ready: {http: {port: 8080, path: /index.html}, timeout: 20s}" &&
	"$JOCKEY" run -o out-first first.yaml >first.out 2>&1 || { cat first.out; false; }
	for rep in 1 2; do
		metrics out-first first $rep >m || return 1
		python3 - m <<-\EOF || return 1
		m = dict(l.strip().split("=", 1) for l in open("m"))
		m = {k: float(v) for k, v in m.items()}
		parts = m["create_ms"] + m["start_ms"] + m["ready_ms"] + m["first_response_ms"]
		print("ready", m["ready_ms"], "first_response", m["first_response_ms"], "parts", parts,
		      "to_ready", m["to_ready_ms"])
		# index.html appears 1 s after httpd listens (404 until then), which
		# is after the start was asked for
		assert m["first_response_ms"] > 0, m
		assert m["start_ms"] + m["ready_ms"] + m["first_response_ms"] >= 990, m
		assert abs(parts - m["to_ready_ms"]) <= 0.05 * m["to_ready_ms"], (parts, m["to_ready_ms"])
		EOF
	done &&
	leftovers "$TRASH/out-first" >left && test_must_be_empty left
'

test_expect_success 'a first response that never comes fails the cell at its timeout, the phase named' '
	write_matrix never "  - name: never
	    command: [sh, -c, \"mkdir -p /www && exec httpd -f -p 8080 -h /www\"]
	    repeat: 1
	    lifecycle:
	      phases: [create, start, ready, first_response, remove]
	      ready: {http: {port: 8080, path: /missing}, timeout: 2s}
	      stop: {signal: SIGKILL}" &&
	test_must_fail --code=3 "$JOCKEY" run -o out-never never.yaml >never.out 2>&1 &&
	f=out-never/cells/$(ls out-never/cells)/1/failed.json &&
	test_grep "\"reason\": \"first_response: not ready after 2s \\(http 8080/missing\\)\"" $f &&
	leftovers "$TRASH/out-never" >left && test_must_be_empty left
'

test_expect_success 'density at a pids limit: no more started, how far it got and why recorded, the cell done' '
	write_matrix dpids "  - name: dpids
	    command: [sh, -c, \"echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      density: {containers: 12, concurrency: 2, hold: 1s, pids: 16}
	      ready: {log: up, timeout: 20s}" &&
	"$JOCKEY" run -o out-dpids dpids.yaml >dpids.out 2>&1 || { cat dpids.out; false; }
	cat out-dpids/cells/*/1/log &&
	test_grep "^# density: stopped at a limit \\(pids\\) with [0-9]* ready: " out-dpids/cells/*/1/log &&
	metrics out-dpids dpids 1 >m &&
	test_grep "^density_limit_pids=1$" m &&
	ready=$(sed -n "s/^density_ready=//p" m) &&
	test "$ready" -ge 1 && test "$ready" -lt 12 &&
	leftovers "$TRASH/out-dpids" >left && test_must_be_empty left
'

test_expect_success 'density at the host'"'"'s memory, on the parent as a whole: how far it got, the limit named' '
	write_matrix dmem "  - name: dmem
	    command: [sh, -c, \"echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      density: {containers: 40, concurrency: 2, hold: 1s}
	      ready: {log: up, timeout: 20s}" &&
	sed "s/^  - name: bridge\$/  - {name: small, memory: 12m}/" dmem.yaml >dmem2.yaml &&
	"$JOCKEY" run -o out-dmem dmem2.yaml >dmem.out 2>&1 || { cat dmem.out; false; }
	grep -v "ready_ms:" out-dmem/cells/*/1/log &&
	test_grep "^# density: stopped at a limit \\(memory\\) with [0-9]* ready: " out-dmem/cells/*/1/log &&
	metrics out-dmem dmem 1 >m &&
	test_grep "^density_limit_memory=1$" m &&
	ready=$(sed -n "s/^density_ready=//p" m) &&
	test "$ready" -ge 1 && test "$ready" -lt 40 &&
	leftovers "$TRASH/out-dmem" >left && test_must_be_empty left
'

test_expect_success 'density at a limit before any container was ready fails the cell, the limit named' '
	write_matrix dnone "  - name: dnone
	    command: [sh, -c, \"echo up; exec sleep 600\"]
	    repeat: 1
	    lifecycle:
	      density: {containers: 4, pids: 1}
	      ready: {log: up, timeout: 20s}" &&
	test_must_fail --code=3 "$JOCKEY" run -o out-dnone dnone.yaml >dnone.out 2>&1 &&
	f=out-dnone/cells/$(ls out-dnone/cells)/1/failed.json &&
	test_grep "\"reason\": \"density: at a limit \\(pids\\) before any container was ready: " $f &&
	leftovers "$TRASH/out-dnone" >left && test_must_be_empty left
'

test_expect_success 'image facts in every cell: the engine'"'"'s size and layers, the registry manifest'"'"'s compressed size' '
	R=$REG/jockey-lc2-facts-$$ &&
	docker tag "$IMG:$TAG" "$R:$TAG" &&
	docker push "$R:$TAG" >push.out 2>&1 || { cat push.out; false; }
	docker rmi "$R:$TAG" >/dev/null && docker pull -q "$R:$TAG" >/dev/null &&
	curl -fsS -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
		"http://$REG/v2/jockey-lc2-facts-$$/manifests/$TAG" >manifest.json &&
	python3 -c "import json; m = json.load(open(\"manifest.json\")); print(m[\"config\"][\"size\"] + sum(l[\"size\"] for l in m[\"layers\"]))" >want-compressed &&
	docker image inspect -f "{{.Size}}" "$R:$TAG" >want-size &&
	cat >facts.yaml <<-EOF &&
	name: facts
	images:
	  - {name: "$R", tags: [$TAG]}
	defaults: {repeat: 1}
	benchmarks:
	  - name: plain
	    command: [echo, "v 1"]
	    parser: {regex: "v ([0-9]+)", metric: v}
	hosts:
	  - name: bridge
	EOF
	"$JOCKEY" run -o out-facts facts.yaml >facts.out 2>&1 || { cat facts.out; false; }
	metrics out-facts plain 1 >m &&
	cat m &&
	test_grep "^image_compressed_bytes=$(cat want-compressed)(\.0)?$" m &&
	test_grep "^image_registry_layers=2$" m &&
	test_grep "^image_layers=2$" m &&
	test_grep "^image_size_bytes=$(cat want-size)(\.0)?$" m &&
	test_grep "\"registry\": \"http://$REG\"" out-facts/cells/*/1/metrics.json &&
	# a local image (built here): the engine'"'"'s facts only
	metrics out-first first 1 >m2 &&
	test_grep "^image_size_bytes=" m2 && ! grep -q "^image_compressed_bytes=" m2 &&
	docker rmi "$R:$TAG" >/dev/null
'

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ] && [ "${JOCKEY_TEST_REQUIRE_ENGINE:-0}" != 1 ]; then
	test_skip 'report.html: the lifecycle charts' 'no chromium (apt-get install chromium)'
else
	test_expect_success 'report.html: phases stacked per cell, density ready over time' '
		flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars" &&
		for o in out-first out-dpids; do
			timeout 120 "$chromium" $flags --user-data-dir="$TRASH/chr-$o" --enable-logging=stderr --v=0 \
				--dump-dom "file://$TRASH/$o/report.html" >$o.dom 2>$o.chr &&
			{ ! grep -E "CONSOLE|Uncaught|SyntaxError|TypeError|ReferenceError" $o.chr || return 1; } &&
			test_grep "data-status=\"ok\"" $o.dom &&
			test_grep "<section id=\"lifecycle\"" $o.dom || return 1
		done &&
		# five phases, each a segment with its median
		test "$(grep -o "<title>[a-z_]*: [0-9.]* m\?s</title>" out-first.dom | wc -l)" -eq 5 &&
		test_grep "<title>first_response: " out-first.dom &&
		test_grep "class=\"ready-line\"" out-dpids.dom &&
		! grep -q "class=\"ready-line\"" out-first.dom
	'
fi

test_done
