#!/bin/sh
test_description='the test bed: engine with the base images, registry, git server'
. "$(dirname "$0")/lib.sh"
test_needs_engine

# Names unique to this run, so parallel runs on a shared engine do not collide.
tag=jockey-smoke-$$
repo=smoke-$$

test_at_exit "docker rmi -f $tag:1 $JOCKEY_TEST_REGISTRY/smoke-$$:1 >/dev/null 2>&1"
test_at_exit "rm -rf '$JOCKEY_TEST_GIT_ROOT/$repo.git'"

test_expect_success 'the bed exports its environment' '
	case $DOCKER_HOST in unix://*|tcp://*) ;; *) false ;; esac &&
	case $JOCKEY_TEST_REGISTRY in 127.0.0.1:[0-9]*) ;; *) false ;; esac &&
	case $JOCKEY_TEST_GIT_URL in git://127.0.0.1:[0-9]*) ;; *) false ;; esac &&
	test -d "$JOCKEY_TEST_GIT_ROOT" &&
	"$TESTBED" running
'

test_expect_success 'debian:bookworm is a bookworm with apt' '
	docker run --rm debian:bookworm sh -c ". /etc/os-release && echo \$VERSION_CODENAME; command -v apt-get" >out &&
	printf "bookworm\n/usr/bin/apt-get\n" >expect &&
	test_cmp expect out
'

# An engine given by JOCKEY_TEST_DOCKER_HOST may hold base images made elsewhere;
# the settings are checked on the ones the bed imported itself.
if docker image inspect --format "{{.Comment}}" debian:bookworm busybox:latest 2>/dev/null |
	grep -c "jockey test bed" | grep -qx 2; then
	test_expect_success 'the imported base images carry the official CMD and PATH' '
		docker image inspect --format "{{json .Config.Cmd}} {{json .Config.Env}}" debian:bookworm >cfg &&
		test_grep "^\[\"bash\"\] .*PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" cfg &&
		docker run --rm debian:bookworm >out </dev/null &&
		docker image inspect --format "{{json .Config.Cmd}}" busybox:latest >cmd &&
		echo "[\"sh\"]" >expect && test_cmp expect cmd &&
		docker run --rm busybox:latest >out </dev/null
	'
else
	test_skip 'the imported base images carry the official CMD and PATH' 'base images not made by the bed'
fi

test_expect_success 'an image builds FROM debian:bookworm and runs' '
	mkdir ctx &&
	cat >ctx/Dockerfile <<-\EOF &&
	FROM debian:bookworm
	RUN echo "built on $(. /etc/os-release && echo $VERSION_CODENAME)" >/smoke.txt
	CMD ["cat", "/smoke.txt"]
	EOF
	docker build -q -t "$tag:1" ctx >build.out 2>&1 &&
	docker run --rm "$tag:1" >out &&
	echo "built on bookworm" >expect &&
	test_cmp expect out
'

test_expect_success 'busybox:latest runs sh' '
	docker run --rm busybox:latest sh -c "echo ok" >out &&
	echo ok >expect &&
	test_cmp expect out
'

test_expect_success 'a push to the registry reports the digest docker recorded' '
	ref=$JOCKEY_TEST_REGISTRY/$repo:1 &&
	docker tag busybox:latest "$ref" &&
	docker push "$ref" >push.out 2>&1 &&
	curl -fsSI -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
		"http://$JOCKEY_TEST_REGISTRY/v2/$repo/manifests/1" >headers &&
	sed -n "s/^Docker-Content-Digest: *\(sha256:[0-9a-f]*\).*/\1/ip" headers >registry.digest &&
	test_grep "^sha256:[0-9a-f]{64}$" registry.digest &&
	docker image inspect --format "{{range .RepoDigests}}{{println .}}{{end}}" "$ref" |
		sed -n "s|^$JOCKEY_TEST_REGISTRY/$repo@||p" >docker.digest &&
	test_cmp registry.digest docker.digest &&
	curl -fsS "http://$JOCKEY_TEST_REGISTRY/v2/$repo/tags/list" >tags &&
	test_grep "\"tags\":\[\"1\"\]" tags
'

test_expect_success 'a commit pushed over git:// clones back' '
	git init -q --bare "$JOCKEY_TEST_GIT_ROOT/$repo.git" &&
	git init -q -b main work &&
	echo "hello from $$" >work/greeting &&
	git -C work add greeting &&
	git -C work -c user.name=t -c user.email=t@example.com commit -q -m smoke &&
	git -C work push -q "$JOCKEY_TEST_GIT_URL/$repo.git" main &&
	git clone -q -b main "$JOCKEY_TEST_GIT_URL/$repo.git" back &&
	test_cmp work/greeting back/greeting &&
	test "$(git -C back rev-parse HEAD)" = "$(git -C work rev-parse HEAD)"
'

test_expect_success 'the images and repository made here can be removed' '
	docker rmi "$tag:1" "$JOCKEY_TEST_REGISTRY/$repo:1" >/dev/null &&
	test_must_fail docker image inspect "$tag:1" >/dev/null 2>&1 &&
	rm -rf "$JOCKEY_TEST_GIT_ROOT/$repo.git" &&
	test_must_fail git ls-remote "$JOCKEY_TEST_GIT_URL/$repo.git" >/dev/null 2>&1
'

test_done
