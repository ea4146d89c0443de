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

# A mirror that wants credentials: a small proxy in front of the bed's registry
# that answers 401 without HTTP Basic mirroruser:mirrorpass, and logs what it got.
cat >"$TRASH/authproxy.py" <<\EOF
import base64, http.server, json, sys, urllib.error, urllib.request
port, upstream, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "a", buffering=1)
bearer = len(sys.argv) > 4 and sys.argv[4] == "bearer"
basic = "Basic " + base64.b64encode(b"mirroruser:mirrorpass").decode()
want = "Bearer t0955-token" if bearer else basic
class H(http.server.BaseHTTPRequestHandler):
    def token(self):
        # the token service of Docker Hub's flow: Basic credentials for a token
        ok = self.headers.get("Authorization") == basic
        log.write("TOKEN %s %s\n" % (self.path, "authorized" if ok else "anonymous"))
        data = json.dumps({"token": "t0955-token"} if ok else {"errors": [{"code": "UNAUTHORIZED"}]}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def answer(self, body):
        if bearer and self.path.startswith("/token"):
            return self.token()
        auth = self.headers.get("Authorization")
        log.write("%s %s %s %s\n" % (self.command, self.path, "authorized" if auth == want else "anonymous", self.headers.get("User-Agent")))
        if auth != want:
            data = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
            self.send_response(401)
            if bearer:
                self.send_header("WWW-Authenticate", 'Bearer realm="http://127.0.0.1:%d/token",service="t0955",scope="repository:library/nginx:pull"' % port)
            else:
                self.send_header("WWW-Authenticate", 'Basic realm="t0955"')
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return
        req = urllib.request.Request(upstream + self.path, method=self.command,
                                     headers={"Accept": ", ".join(self.headers.get_all("Accept") or [])})
        try:
            r = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            r = e
        data = r.read()
        self.send_response(r.getcode())
        for k in ("Docker-Content-Digest", "Content-Type", "Docker-Distribution-Api-Version"):
            if r.headers.get(k):
                self.send_header(k, r.headers.get(k))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)
    def do_HEAD(self):
        self.answer(False)
    def do_GET(self):
        self.answer(True)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
EOF
PROXY=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$TRASH/authproxy.py" "$PROXY" "http://$JOCKEY_TEST_HUB" "$TRASH/proxy.log" </dev/null >"$TRASH/proxy.out" 2>&1 &
echo $! >"$TRASH/proxy.pid"
test_at_exit "kill \$(cat '$TRASH/proxy.pid')"

test_expect_success 'a mirror that wants credentials: refused without them, named with the host to log in to' '
	i=0 && until curl -s -o /dev/null "http://127.0.0.1:$PROXY/v2/"; do i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done &&
	mirrors "http://127.0.0.1:$PROXY" &&
	mkdir -p noauth && printf "{}\n" >noauth/config.json &&
	test_must_fail env DOCKER_CONFIG="$PWD/noauth" "$JOCKEY" run -o locked m.yaml >run.out 2>&1 &&
	test_grep "jockey: base image .nginx:latest.: the engine.s registry mirror http://127\.0\.0\.1:$PROXY/ answered HTTP 401 \(UNAUTHORIZED\); no credentials for .127\.0\.0\.1:$PROXY. in the docker config file for library/nginx:latest" run.out &&
	test ! -e locked/stamps/base/nginx-latest.digest &&
	test_grep "^HEAD /v2/library/nginx/manifests/latest anonymous jockey$" proxy.log
'

test_expect_success 'a mirror that wants credentials: ~/.docker/config.json'"'"'s for its host are sent, and it is recorded' '
	mkdir -p auth &&
	printf "{\"auths\": {\"127.0.0.1:%s\": {\"auth\": \"%s\"}}}\n" "$PROXY" "$(printf mirroruser:mirrorpass | base64)" >auth/config.json &&
	: >proxy.log &&
	DOCKER_CONFIG="$PWD/auth" "$JOCKEY" run -o locked m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test_grep "^HEAD /v2/library/nginx/manifests/latest authorized jockey$" proxy.log &&
	test_cmp registry.digest locked/stamps/base/nginx-latest.digest &&
	echo "http://127.0.0.1:$PROXY/" >expect && source_of locked >got && test_cmp expect got &&
	! grep -r mirrorpass locked
'

TOKENPROXY=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$TRASH/authproxy.py" "$TOKENPROXY" "http://$JOCKEY_TEST_HUB" "$TRASH/token.log" bearer </dev/null >"$TRASH/token.out" 2>&1 &
echo $! >"$TRASH/token.pid"
test_at_exit "kill \$(cat '$TRASH/token.pid')"

test_expect_success 'a mirror with a token service (Docker Hub'"'"'s flow): a token for the repository, got with the credentials, then the digest' '
	i=0 && until curl -s -o /dev/null "http://127.0.0.1:$TOKENPROXY/v2/"; do i=$((i + 1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done &&
	mirrors "http://127.0.0.1:$TOKENPROXY" &&
	printf "{\"auths\": {\"http://127.0.0.1:%s\": {\"username\": \"mirroruser\", \"password\": \"mirrorpass\"}}}\n" "$TOKENPROXY" >auth/config.json &&
	DOCKER_CONFIG="$PWD/auth" "$JOCKEY" run -o token m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	test_grep "^TOKEN /token\?service=t0955&scope=repository:library/nginx:pull authorized$" token.log &&
	test_grep "^HEAD /v2/library/nginx/manifests/latest authorized jockey$" token.log &&
	test_cmp registry.digest token/stamps/base/nginx-latest.digest &&
	echo "http://127.0.0.1:$TOKENPROXY/" >expect && source_of token >got && test_cmp expect got
'

test_expect_success 'the mirror back: the same digest, fresh cells, nothing rerun' '
	mirrors "$HUB" &&
	"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
	! grep -i "warning\|keeping" run.out &&
	test_grep "1 cells: 0 ran, 1 fresh, 0 failed" run.out &&
	test_cmp registry.digest out/stamps/base/nginx-latest.digest
'

test_done
