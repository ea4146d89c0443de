#!/bin/sh
test_description='the engine client over TLS (tcp:// with DOCKER_TLS_VERIFY), as the docker CLI speaks it'
. "$(dirname "$0")/lib.sh"
test_needs_engine

command -v openssl >/dev/null 2>&1 || skip_all "no openssl"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"
case ${DOCKER_HOST:-unix:///var/run/docker.sock} in
unix://*) SOCK=${DOCKER_HOST#unix://} ;;
*) skip_all "the engine is not on a unix socket" ;;
esac
[ -n "$SOCK" ] || SOCK=/var/run/docker.sock
export SOCK

# The TLS front for the engine's socket (tests/proxy.py --tls) requires a client
# certificate, as 'dockerd --tlsverify' does.

test_expect_success 'setup: a CA, a server and a client certificate, and the TLS front' '
	mkdir certs && cd certs &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=jockey-test-ca 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1 2>/dev/null &&
	printf "subjectAltName=IP:127.0.0.1\n" >server.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 1 -extfile server.ext 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=client 2>/dev/null &&
	printf "extendedKeyUsage=clientAuth\n" >client.ext &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out cert.pem -days 1 -extfile client.ext 2>/dev/null &&
	cd .. &&
	{ python3 "$TEST_DIR/proxy.py" tcp "unix:$SOCK" --tls certs --portfile port >proxy.log 2>&1 & echo $! >proxy.pid; } &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do test -s port && break; sleep 0.1; done &&
	test -s port
'
test_at_exit 'kill "$(cat "$TRASH/proxy.pid")"'
PORT=$(cat "$TRASH/port" 2>/dev/null)
export PORT

test_expect_success 'with DOCKER_TLS_VERIFY a tcp:// engine is spoken to over TLS with the client certificate' '
	printf "{\"schema\":1,\"ref\":\"busybox:latest\",\"pull\":\"never\",\"engine\":\"tcp://127.0.0.1:%s\"}\n" "$PORT" >b.json &&
	DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TRASH/certs "$JOCKEY" probe b.json tls.digest &&
	docker image inspect -f "{{if .RepoDigests}}{{index .RepoDigests 0}}{{else}}{{.Id}}{{end}}" busybox:latest >expect &&
	test_cmp expect tls.digest
'

test_expect_success 'HOME/.docker is where the certificates are by default' '
	mkdir -p home/.docker && cp certs/ca.pem certs/cert.pem certs/key.pem home/.docker/ &&
	HOME=$TRASH/home DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH= "$JOCKEY" probe b.json home.digest &&
	test_cmp expect home.digest
'

test_expect_success 'without a client certificate the error names the engine and the file' '
	mkdir nocert && cp certs/ca.pem nocert/ &&
	test_must_fail --code=1 env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TRASH/nocert "$JOCKEY" probe b.json x.digest 2>err &&
	test_grep "cannot reach the engine at tcp://127.0.0.1:$PORT: .*nocert/cert.pem" err
'

test_expect_success 'without DOCKER_TLS_VERIFY plain HTTP to a TLS port fails clearly' '
	test_must_fail --code=1 env -u DOCKER_TLS_VERIFY "$JOCKEY" probe b.json y.digest 2>err &&
	test_grep "cannot reach the engine at tcp://127.0.0.1:$PORT: " err
'

test_done
