#!/bin/sh
test_description='the offline Docker Hub: Hub names pulled through the engine'"'"'s registry mirror, images that behave as the official ones'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# The images this script pulls by their Hub names, removed at exit (they are
# pulled again, from the registry, by whoever needs them next).
PULLED="nginx:latest httpd:latest redis:7 memcached:latest postgres:15 python:3.11 python:3.11-slim eclipse-temurin:17 eclipse-temurin:17-jre openjdk:17"
test_at_exit "docker ps -aq --filter label=jockey-t0950=$$ | xargs -r docker rm -f; docker rmi $PULLED; docker images -q --filter label=jockey-t0950=moved | xargs -r docker rmi -f"

test_expect_success 'the bed builds (or finds cached) and serves every hub image' '
	"$TESTBED" hub >hub.out 2>&1 || { cat hub.out; false; } &&
	test_grep "hub ready in .*: [0-9]+ built, [0-9]+ pushed, [0-9]+ restored, [0-9]+ current" hub.out &&
	test -n "$JOCKEY_TEST_HUB" &&
	curl -fsS "http://$JOCKEY_TEST_HUB/v2/library/nginx/tags/list" >tags &&
	test_grep "\"latest\"" tags && test_grep "\"1\.22\"" tags &&
	curl -fsS "http://$JOCKEY_TEST_HUB/v2/library/redis/tags/list" >tags &&
	test_grep "\"7\"" tags
'

test_expect_success 'a second hub run builds and pushes nothing' '
	"$TESTBED" hub nginx redis >hub.out 2>&1 || { cat hub.out; false; } &&
	test_grep "hub ready in .*: 0 built, 0 pushed, 0 restored, 2 current" hub.out
'

# An engine given by JOCKEY_TEST_DOCKER_HOST does not use the bed's registry as
# its mirror; the pulls below need it.
if docker info --format '{{range .RegistryConfig.Mirrors}}{{println .}}{{end}}' 2>/dev/null |
	grep -qxF "http://$JOCKEY_TEST_HUB/"; then
	mirror=1
else
	mirror=0
fi

# registry_log_from N: the registry's access log after its line N.
registry_log_from() {
	tail -n "+$(($1 + 1))" "$JOCKEY_TEST_STATE/log/registry.log"
}

if [ $mirror = 1 ]; then
	test_expect_success 'docker pull nginx:latest goes through the registry mirror' '
		docker rmi nginx:latest >/dev/null 2>&1 || true &&
		test_must_fail docker image inspect nginx:latest >/dev/null 2>&1 &&
		n=$(wc -l <"$JOCKEY_TEST_STATE/log/registry.log") &&
		docker pull nginx:latest >pull.out 2>&1 || { cat pull.out; false; } &&
		registry_log_from "$n" >log &&
		test_grep "\"GET /v2/library/nginx/manifests/" log &&
		test_grep "\"GET /v2/library/nginx/blobs/sha256:[0-9a-f]{64} HTTP/1.1\" 200" log &&
		curl -fsSI -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
			"http://$JOCKEY_TEST_HUB/v2/library/nginx/manifests/latest" >headers &&
		sed -n "s/^Docker-Content-Digest: *\(sha256:[0-9a-f]*\).*/nginx@\1/ip" headers >registry.digest &&
		docker image inspect -f "{{join .RepoDigests \"\\n\"}}" nginx:latest >engine.digest &&
		test_cmp registry.digest engine.digest
	'

	test_expect_success 'jockey with pull: always records the digest the registry serves' '
		docker rmi nginx:latest >/dev/null &&
		cp "$TOP/tests/matrix/nginx-version.yaml" m.yaml &&
		"$JOCKEY" run -o out m.yaml >run.out 2>&1 || { cat run.out; false; } &&
		test_cmp registry.digest out/stamps/base/nginx-latest.digest &&
		"$JOCKEY" run -o out m.yaml >run2.out 2>&1 &&
		test_grep "0 ran, 1 fresh, 0 failed" run2.out
	'

	test_expect_success 'a new redis:7 on the hub makes exactly the redis cells stale; a rerun reruns them' '
		cat >moved.yaml <<-\EOF &&
		name: hub-moved
		images:
		  - {name: redis, tags: ["7"], pull: always}
		  - {name: nginx, tags: [latest], pull: always}
		benchmarks:
		  - name: echo
		    command: [sh, -c, "echo v=1"]
		    parser: {regex: "v=(\\d+)", metric: v}
		    repeat: 1
		hosts:
		  - name: bridge
		  - {name: host-net, network: host}
		EOF
		"$JOCKEY" run -o moved moved.yaml >m1.out 2>&1 || { cat m1.out; false; } &&
		test_grep "4 cells: 4 ran, 0 fresh, 0 failed" m1.out &&
		printf "FROM redis:7\nLABEL jockey-t0950=moved\n" |
			docker build -q -t "$JOCKEY_TEST_HUB/library/redis:7" - >/dev/null 2>&1 &&
		docker push -q "$JOCKEY_TEST_HUB/library/redis:7" >/dev/null &&
		docker rmi "$JOCKEY_TEST_HUB/library/redis:7" >/dev/null &&
		"$JOCKEY" ls --probe -o moved moved.yaml >ls.out 2>&1 || { cat ls.out; false; } &&
		grep "^redis-7\." ls.out >redis.ls && grep "^nginx-latest\." ls.out >nginx.ls &&
		test "$(grep -c "base redis:7 moved" redis.ls)" = 2 &&
		! grep -i "stale" nginx.ls &&
		"$JOCKEY" run -o moved moved.yaml >m2.out 2>&1 || { cat m2.out; false; } &&
		test_grep "4 cells: 2 ran, 2 fresh, 0 failed" m2.out &&
		python3 -c "import json; r = json.load(open(\"moved/run.json\")); print(\"\\n\".join(sorted(r[\"ran\"])))" >ran &&
		printf "redis-7.echo.bridge\nredis-7.echo.host-net\n" >expect && test_cmp expect ran
	'

	test_expect_success 'the next hub run puts the cached redis:7 back' '
		"$TESTBED" hub redis >hub.out 2>&1 || { cat hub.out; false; } &&
		test_grep "0 built, 0 pushed, 1 restored, 0 current" hub.out &&
		sed -n "s/^redis:7 //p" "$JOCKEY_TEST_STATE/cache/hub/redis.served" >want &&
		curl -fsSI -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
			"http://$JOCKEY_TEST_HUB/v2/library/redis/manifests/7" >headers &&
		sed -n "s/^Docker-Content-Digest: *\(sha256:[0-9a-f]*\).*/\1/ip" headers >got &&
		test_cmp want got
	'
else
	test_skip 'docker pull nginx:latest goes through the registry mirror' 'the engine does not mirror Docker Hub to the bed registry'
	test_skip 'jockey with pull: always records the digest the registry serves' 'no mirror'
	test_skip 'a new redis:7 on the hub makes exactly the redis cells stale; a rerun reruns them' 'no mirror'
	test_skip 'the next hub run puts the cached redis:7 back' 'no mirror'
fi

# The rest pulls from the registry by its own address when the engine has no mirror.
if [ $mirror = 1 ]; then
	hub=
else
	hub=$JOCKEY_TEST_HUB/library/
fi

# start NAME [RUN-OPTIONS...] IMAGE: a detached container of ours; its address in ip.NAME
start() {
	name=$1-$$
	shift
	docker run -d --label "jockey-t0950=$$" --name "$name" "$@" >/dev/null &&
	docker inspect -f "{{.NetworkSettings.IPAddress}}" "$name" >"ip.${name%-$$}"
}

# until_ok CMD...: CMD succeeds within 30 s
until_ok() {
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 150 ] || return 1
		sleep 0.2
	done
}

# config IMAGE: the parts of its config the official image sets
config() {
	docker image inspect -f "entrypoint={{json .Config.Entrypoint}} cmd={{json .Config.Cmd}} user={{.Config.User}} stop={{.Config.StopSignal}} ports={{range \$p, \$v := .Config.ExposedPorts}}{{\$p}} {{end}}volumes={{range \$p, \$v := .Config.Volumes}}{{\$p}} {{end}}workdir={{.Config.WorkingDir}}" "$1"
}

test_expect_success 'pull every hub image by its Hub name' '
	for i in $PULLED; do
		docker pull -q "$hub$i" >/dev/null || exit 1
		[ -z "$hub" ] || docker tag "$hub$i" "$i" || exit 1
	done
'

test_expect_success 'nginx and httpd: the official configs, and HTTP on port 80' '
	config nginx:latest >cfg &&
	echo "entrypoint=[\"/docker-entrypoint.sh\"] cmd=[\"nginx\",\"-g\",\"daemon off;\"] user= stop=SIGQUIT ports=80/tcp volumes=workdir=" >expect &&
	test_cmp expect cfg &&
	config httpd:latest >cfg &&
	echo "entrypoint=null cmd=[\"httpd-foreground\"] user= stop=SIGWINCH ports=80/tcp volumes=workdir=/usr/local/apache2" >expect &&
	test_cmp expect cfg &&
	start nginx nginx:latest && start httpd httpd:latest &&
	until_ok curl -fsS -o nginx.html "http://$(cat ip.nginx)/" &&
	test_grep "<title>Welcome to nginx!</title>" nginx.html &&
	curl -fsSI "http://$(cat ip.nginx)/" >h && test_grep "^Server: nginx/1\.22" h &&
	until_ok curl -fsS -o httpd.html "http://$(cat ip.httpd)/" &&
	test_grep "<h1>It works!</h1>" httpd.html &&
	curl -fsSI "http://$(cat ip.httpd)/" >h && test_grep "^Server: Apache/2\.4" h &&
	docker logs nginx-$$ >nginx.log 2>&1 &&
	test_grep "/docker-entrypoint.sh: Configuration complete; ready for start up" nginx.log &&
	test_grep "\"GET / HTTP/1.1\" 200" nginx.log &&
	docker logs httpd-$$ >httpd.log 2>&1 &&
	test_grep "\"GET / HTTP/1.1\" 200" httpd.log
'

test_expect_success 'nginx runs its workers as nginx and stops on SIGQUIT at once' '
	docker top nginx-$$ -eo pid,uid,args | awk "/nginx: worker/ { print \$2 }" | sort -u >uid &&
	echo 101 >expect && test_cmp expect uid &&
	start=$(date +%s) && docker stop -t 20 nginx-$$ >/dev/null && end=$(date +%s) &&
	test $((end - start)) -lt 10 &&
	docker inspect -f "{{.State.ExitCode}}" nginx-$$ >code && echo 0 >expect && test_cmp expect code
'

test_expect_success 'redis:7 answers PING on 6379 from another container, as redis, in /data' '
	config redis:7 >cfg &&
	echo "entrypoint=[\"docker-entrypoint.sh\"] cmd=[\"redis-server\"] user= stop= ports=6379/tcp volumes=/data workdir=/data" >expect &&
	test_cmp expect cfg &&
	start redis redis:7 &&
	until_ok docker run --rm --label "jockey-t0950=$$" redis:7 redis-cli -h "$(cat ip.redis)" ping >pong 2>&1 &&
	echo PONG >expect && test_cmp expect pong &&
	docker exec redis-$$ stat -c %U /proc/1 >user && echo redis >expect && test_cmp expect user &&
	docker run --rm redis:7 redis-server --version >v && test_grep "^Redis server v=7\." v
'

test_expect_success 'memcached answers stats on 11211, as memcache' '
	config memcached:latest >cfg &&
	echo "entrypoint=[\"docker-entrypoint.sh\"] cmd=[\"memcached\"] user=memcache stop= ports=11211/tcp volumes=workdir=" >expect &&
	test_cmp expect cfg &&
	start memcached memcached:latest &&
	ip=$(cat ip.memcached) &&
	until_ok bash -c "exec 3<>/dev/tcp/$ip/11211 && printf \"stats\\r\\nquit\\r\\n\" >&3 && timeout 5 cat <&3 >stats" &&
	test_grep "^STAT version 1\.6\." stats &&
	test_grep "^STAT threads 4" stats &&
	test_grep "^STAT limit_maxbytes 67108864" stats
'

test_expect_success 'postgres:15 needs a password, then accepts a connection' '
	config postgres:15 >cfg &&
	echo "entrypoint=[\"docker-entrypoint.sh\"] cmd=[\"postgres\"] user= stop=SIGINT ports=5432/tcp volumes=/var/lib/postgresql/data workdir=" >expect &&
	test_cmp expect cfg &&
	test_must_fail docker run --rm --label "jockey-t0950=$$" postgres:15 >nopw 2>&1 &&
	test_grep "superuser password is not specified" nopw &&
	start postgres -e POSTGRES_PASSWORD=jockey -e POSTGRES_DB=bench postgres:15 &&
	until_ok docker run --rm --label "jockey-t0950=$$" -e PGPASSWORD=jockey postgres:15 \
		psql -h "$(cat ip.postgres)" -U postgres -d bench -tAc "select 6 * 7" >answer 2>/dev/null &&
	echo 42 >expect && test_cmp expect answer &&
	docker logs postgres-$$ >pg.log 2>&1 &&
	test_grep "PostgreSQL init process complete; ready for start up" pg.log
'

test_expect_success 'python:3.11 and python:3.11-slim print their version; pip installs system-wide' '
	for t in 3.11 3.11-slim; do
		docker run --rm "python:$t" python --version || exit 1
		docker run --rm "python:$t" || exit 1
	done >py.out 2>&1 &&
	test "$(grep -c "^Python 3\.11\." py.out)" = 2 &&
	config python:3.11-slim >cfg && test_grep "cmd=\[\"python3\"\]" cfg &&
	docker run --rm python:3.11 gcc --version >gcc && test_grep "^gcc" gcc &&
	test_must_fail docker run --rm python:3.11-slim sh -c "command -v gcc" &&
	test_must_fail docker run --rm python:3.11-slim sh -c "ls /usr/lib/python3*/EXTERNALLY-MANAGED"
'

test_expect_success 'eclipse-temurin:17 and openjdk:17 run Java 17 from JAVA_HOME; the JRE has no javac' '
	docker run --rm eclipse-temurin:17 sh -c "java -version 2>&1; javac -version; echo \$JAVA_HOME; command -v java" >jdk &&
	test_grep "^openjdk version \"17\." jdk &&
	test_grep "^javac 17\." jdk &&
	test_grep "^/opt/java/openjdk$" jdk &&
	test_grep "^/opt/java/openjdk/bin/java$" jdk &&
	config eclipse-temurin:17 >cfg && test_grep "cmd=\[\"jshell\"\]" cfg &&
	docker run --rm eclipse-temurin:17-jre java -version >jre 2>&1 &&
	test_grep "^openjdk version \"17\." jre &&
	test_must_fail docker run --rm eclipse-temurin:17-jre sh -c "command -v javac" &&
	docker run --rm openjdk:17 sh -c "java -version 2>&1; echo \$JAVA_HOME" >openjdk &&
	test_grep "^openjdk version \"17\." openjdk && test_grep "^/usr/local/openjdk-17$" openjdk
'

# jockey'"'"'s probe records a base'"'"'s repo digest under its own name, else its
# id: pushing the bed'"'"'s debian and busybox must leave them no digest (the
# other tests compare the probe with the engine'"'"'s RepoDigests).
test_expect_success 'debian and busybox are on the hub too, and the local ones kept no digest of it' '
	curl -fsS "http://$JOCKEY_TEST_HUB/v2/library/debian/tags/list" >tags && test_grep "\"bookworm\"" tags &&
	curl -fsS "http://$JOCKEY_TEST_HUB/v2/library/busybox/tags/list" >tags && test_grep "\"latest\"" tags &&
	docker image inspect -f "{{range .RepoDigests}}{{println .}}{{end}}{{range .RepoTags}}{{println .}}{{end}}" \
		debian:bookworm busybox:latest >refs &&
	! grep -F "$JOCKEY_TEST_HUB/" refs
'

test_done
