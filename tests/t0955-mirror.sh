#!/bin/sh
test_description='probes of Docker Hub names ask the engine'"'"'s registry mirrors and record which one answered: mirror up, a dead mirror first, mirrors down (with and without a last stamp), a mirror answering 404'
. "$(dirname "$0")/lib.sh"
test_needs_engine

STATE=${JOCKEY_TEST_STATE:-/var/tmp/jockey-testbed}
RUN=$STATE/run
# The mirrors are changed by reloading the bed's own dockerd (SIGHUP rereads
# its --config-file, registry-mirrors included), never by restarting it; an
# engine given by JOCKEY_TEST_DOCKER_HOST is not ours to reconfigure.
case "$(cat "$RUN/engine" 2>/dev/null)" in
private*) ;;
*) skip_all "the engine is not the bed's private dockerd" ;;
esac
[ -s "$RUN/daemon.json" ] && [ -s "$RUN/dockerd.pid" ] || skip_all "no daemon.json or pid of the bed's dockerd"
"$TESTBED" hub nginx >"$TRASH/hub.out" 2>&1 || { sed 's/^/# /' "$TRASH/hub.out"; echo "Bail out! the hub's nginx"; exit 1; }

HUB=http://$JOCKEY_TEST_HUB/
cp "$RUN/daemon.json" "$TRASH/daemon.json.orig"
# A port nothing listens on: a mirror that is down.
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# mirrors URL...: reload the engine with these mirrors, and wait until /info says so.
mirrors() {
	list=
	for m in "$@"; do
		list="$list${list:+, }\"$m\""
	done
	printf '{"registry-mirrors": [%s]}\n' "$list" >"$RUN/daemon.json" &&
	kill -HUP "$(cat "$RUN/dockerd.pid")" &&
	want=$(for m in "$@"; do echo "${m%/}/"; done) &&
	i=0 &&
	until [ "$(docker info --format '{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}' | sed '/^$/d')" = "$want" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.2
	done
}
test_at_exit "cp '$TRASH/daemon.json.orig' '$RUN/daemon.json' && kill -HUP \$(cat '$RUN/dockerd.pid')"
test_at_exit "docker rmi nginx:latest"

cat >"$TRASH/m.yaml" <<\EOF
name: mirror
images:
  - {name: nginx, tags: [latest], pull: always}
benchmarks:
  - name: version
    command: [nginx, -v]
    parser: {regex: "nginx/([0-9]+)\\.", metric: major}
    repeat: 1
hosts:
  - name: bridge
EOF

# source FOLDER: the registry the nginx stamp's source.json names
source_of() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["registry"])' \
		"$1/stamps/base/nginx-latest.source.json"
}

test_expect_success 'mirror up: the digest is the registry'"'"'s, and the mirror answered it (its access log)' '
	test "$(docker info --format "{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}" | sed "/^\$/d")" = "$HUB" &&
	docker rmi nginx:latest >/dev/null 2>&1 || true &&
	n=$(wc -l <"$STATE/log/registry.log") &&
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	tail -n "+$((n + 1))" "$STATE/log/registry.log" >log &&
	test_grep "\"HEAD /v2/library/nginx/manifests/latest HTTP/1.1\" 200 [0-9]+ \"\" \"jockey\"" log &&
	curl -fsSI -H "Accept: application/vnd.docker.distribution.manifest.list.v2+json" \
		-H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
		"${HUB}v2/library/nginx/manifests/latest" >headers &&
	sed -n "s/^Docker-Content-Digest: *\(sha256:[0-9a-f]*\).*/nginx@\1/ip" headers >registry.digest &&
	test_cmp registry.digest out/stamps/base/nginx-latest.digest &&
	echo "$HUB" >expect && source_of out >got && test_cmp expect got &&
	python3 -c "import json, sys; p = json.load(open(sys.argv[1]))[\"provenance\"]; print(p[\"base_registry\"]); print(p[\"base_digest\"])" \
		out/cells/nginx-latest.version.bridge/1/metrics.json >prov &&
	{ echo "$HUB"; cat registry.digest; } >expect && test_cmp expect prov
'

test_expect_success 'a dead mirror first: the next one answers, and is the one recorded' '
	mirrors "http://127.0.0.1:$DEAD" "$HUB" &&
	"$JOCKEY" run -o two m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test_cmp registry.digest two/stamps/base/nginx-latest.digest &&
	echo "$HUB" >expect && source_of two >got && test_cmp expect got
'

test_expect_success 'mirror down with a last stamp: the stamp stands, with a warning naming the mirror' '
	mirrors "http://127.0.0.1:$DEAD" &&
	n=$(wc -l <"$STATE/log/registry.log") &&
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test_grep "jockey: base image .nginx:latest.: the engine.s registry mirror http://127\.0\.0\.1:$DEAD/ \(.*\) does not answer; keeping the last known digest nginx@sha256:" run.out &&
	test_grep "1 cells: 0 ran, 1 fresh, 0 failed" run.out &&
	test_cmp registry.digest out/stamps/base/nginx-latest.digest &&
	echo "$HUB" >expect && source_of out >got && test_cmp expect got &&
	tail -n "+$((n + 1))" "$STATE/log/registry.log" >log &&
	! grep "/v2/library/nginx/" log
'

test_expect_success 'mirror down without a stamp: the cell fails, naming the mirror' '
	test_must_fail "$JOCKEY" run -o fresh m.yaml >run.out 2>&1 &&
	test_grep "jockey: base image .nginx:latest.: the engine.s registry mirror http://127\.0\.0\.1:$DEAD/ \(.*\) does not answer, and there is no earlier digest to keep" run.out &&
	test_grep "1 cells: 0 ran, 0 fresh, 1 failed" run.out &&
	test ! -e fresh/stamps/base/nginx-latest.digest &&
	test ! -e fresh/stamps/base/nginx-latest.source.json
'

test_expect_success 'a mirror answering 404 for the tag: a clear error, no stamp written' '
	mirrors "$HUB" &&
	sed "s/tags: \[latest\]/tags: [no-such-tag]/" m.yaml >nope.yaml &&
	n=$(wc -l <"$STATE/log/registry.log") &&
	test_must_fail "$JOCKEY" run -o nope nope.yaml >run.out 2>&1 &&
	test_grep "jockey: base image .nginx:no-such-tag.: the engine.s registry mirror $HUB answered HTTP 404 \(MANIFEST_UNKNOWN\) for library/nginx:no-such-tag" run.out &&
	test ! -e nope/stamps/base/nginx-no-such-tag.digest &&
	test ! -e nope/stamps/base/nginx-no-such-tag.source.json &&
	tail -n "+$((n + 1))" "$STATE/log/registry.log" >log &&
	test_grep "\"HEAD /v2/library/nginx/manifests/no-such-tag HTTP/1.1\" 404 .* \"jockey\"" log
'

test_expect_success 'the mirror back: the same digest, fresh cells, nothing rerun' '
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	! grep -i "warning\|keeping" run.out &&
	test_grep "1 cells: 0 ran, 1 fresh, 0 failed" run.out &&
	test_cmp registry.digest out/stamps/base/nginx-latest.digest
'

test_done
