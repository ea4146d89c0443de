#!/bin/sh
test_description='jockey init: a starter matrix from a Dockerfile repo, local or on the git server, that gen accepts and runs'
. "$(dirname "$0")/lib.sh"
test_needs_engine

repo=init-$$
XDG_CACHE_HOME=$TRASH/cache
OUT=$TRASH/out
export repo XDG_CACHE_HOME OUT
test_at_exit "rm -rf '$JOCKEY_TEST_GIT_ROOT/$repo.git'"
test_at_exit 'docker images -q --filter "label=jockey.dir=$OUT" | sort -u | xargs -r docker rmi -f'

test_expect_success 'jockey init dockerfiles/: every context, ARG BASE and its FROM' '
	(cd "$TOP" && "$JOCKEY" init -o "$TRASH/df.yaml" dockerfiles/) >list 2>err &&
	cat list err &&
	test_grep "^dockerfiles/: 11 build contexts\$" list &&
	test_grep "^  sysbench  *ARG BASE  FROM \\\$\{BASE\} \(debian:bookworm\)  *on every image\$" list &&
	test_grep "^  javabench  *ARG BASE  FROM \\\$\{BASE\} \(eclipse-temurin:17\) " list &&
	test "$(grep -c "ARG BASE  FROM" list)" = 11 &&
	test_grep "^jockey: wrote .*df.yaml; give its benchmarks their commands and parsers" err
'

test_expect_success 'the matrix: images from the FROM lines, one benchmark a context, gen accepts it' '
	cat df.yaml &&
	test_grep "^name: dockerfiles\$" df.yaml &&
	rel=$(sed -n "s/^  repo: \"\(.*\)\"\$/\1/p" df.yaml) &&
	case $rel in /*) false ;; esac &&
	test "$(cd "$rel" && pwd -P)" = "$(cd "$TOP/dockerfiles" && pwd -P)" &&
	test "$(grep -c "^  - name: " df.yaml)" = 15 &&
	test_grep "^  - name: \"debian\"\$" df.yaml && test_grep "^    tags: \[\"bookworm\"\]\$" df.yaml &&
	test_grep "^  - name: \"eclipse-temurin\"\$" df.yaml && test_grep "^    tags: \[\"17\"\]\$" df.yaml &&
	test_grep "^  - name: \"python\"\$" df.yaml && test_grep "^    tags: \[\"3.11-slim\"\]\$" df.yaml &&
	test_grep "^    context: \"sysbench\"\$" df.yaml &&
	head -1 df.yaml | grep -qx "# yaml-language-server: \$schema=.*docs/matrix.schema.json" &&
	"$JOCKEY" gen -o gen-df df.yaml 2>gen.err && cat gen.err &&
	test_grep "^jockey: .*gen-df: 33 cells, " gen.err &&
	"$JOCKEY" ls -o gen-df df.yaml >ls.out && test "$(grep -c " never run\$" ls.out)" = 33
'

test_expect_success 'the schema line leads to the schema, and the matrix validates against it' '
	schema=$(head -1 df.yaml | sed "s/.*schema=//") &&
	test -f "$schema" &&
	if /usr/bin/python3 -c "import jsonschema, yaml" 2>/dev/null; then
		/usr/bin/python3 -c "import json, sys, yaml, jsonschema
jsonschema.validate(yaml.safe_load(open(\"df.yaml\")), json.load(open(sys.argv[1])))" "$schema"
	fi
'

test_expect_success 'it never overwrites a file' '
	cp df.yaml before.yaml &&
	(cd "$TOP" && test_must_fail --code=1 "$JOCKEY" init -o "$TRASH/df.yaml" dockerfiles/) >/dev/null 2>err &&
	test_grep "^jockey: .*df.yaml. exists: not overwriting it" err &&
	test_cmp before.yaml df.yaml
'

test_expect_success 'setup: a repo of mixed Dockerfiles on the bed git server' '
	git init -q -b main work && mkdir -p work/base work/fixed work/multi work/nodefault/deep work/empty work/bad &&
	printf "ARG BASE=busybox:latest\nFROM \${BASE}\nCMD [\"sh\", \"-c\", \"echo value=7\"]\n" >work/base/Dockerfile &&
	printf "FROM busybox:latest\nCMD [\"sh\", \"-c\", \"echo value=8\"]\n" >work/fixed/Dockerfile &&
	printf "ARG BASE=busybox:latest\nFROM \$BASE AS build\nRUN echo hi >/x\nFROM scratch\nCOPY --from=build /x /x\n" >work/multi/Dockerfile &&
	printf "ARG BASE\nFROM \$BASE\n" >work/nodefault/deep/Dockerfile &&
	printf "FROM scratch\nCOPY x /x\n" >work/empty/Dockerfile && echo x >work/empty/x &&
	printf "FROM busybox:latest\nRUN <<EOF\necho hi\nEOF\n" >work/bad/Dockerfile &&
	git -C work add -A && git -C work -c user.name=t -c user.email=t@t commit -qm init &&
	git init -q --bare -b main "$JOCKEY_TEST_GIT_ROOT/$repo.git" &&
	git -C work push -q "$JOCKEY_TEST_GIT_URL/$repo.git" main
'

test_expect_success 'init on a git:// URL: fetched through libgit2, each kind of FROM' '
	"$JOCKEY" init -o remote.yaml "$JOCKEY_TEST_GIT_URL/$repo.git" >list 2>err &&
	cat list err remote.yaml &&
	test_grep "^$JOCKEY_TEST_GIT_URL/$repo.git: 6 build contexts\$" list &&
	test_grep "^  base  *ARG BASE  FROM \\\$\{BASE\} \(busybox:latest\)  *on every image\$" list &&
	test_grep "^  fixed  *-  *FROM busybox:latest  *from: keep, on its own image\$" list &&
	test_grep "^  multi  *ARG BASE  FROM scratch  *from: build, a stage builds on BASE\$" list &&
	test_grep "^  nodefault/deep  *ARG BASE  FROM \\\$BASE  *on every image\$" list &&
	test_grep "^  empty  *-  *FROM scratch  *left out: FROM scratch without a stage on BASE" list &&
	test_grep "^  bad  .* left out: its Dockerfile cannot be built as it is: .*heredoc" list &&
	test_grep "^name: $repo\$" remote.yaml &&
	test_grep "^  repo: \"$JOCKEY_TEST_GIT_URL/$repo.git\"\$" remote.yaml &&
	test "$(grep -c "^  - name: \"busybox\"\$" remote.yaml)" = 1 &&
	test_grep "^    tags: \[\"latest\"\]\$" remote.yaml &&
	test_grep "^    from: keep\$" remote.yaml && test_grep "^    images: \[\"busybox:latest\"\]\$" remote.yaml &&
	test_grep "^    from: build\$" remote.yaml &&
	test_grep "^  - name: nodefault-deep\$" remote.yaml &&
	test_grep "^  # empty: left out: " remote.yaml
'

test_expect_success 'gen accepts it, and its cells run' '
	"$JOCKEY" gen -q -o out remote.yaml &&
	"$JOCKEY" ls -o out remote.yaml >ls.out && cat ls.out &&
	test "$(wc -l <ls.out)" = 4 &&
	"$JOCKEY" run -o out remote.yaml "*.base.*" "*.fixed.*" >run.out 2>&1 || { cat run.out; false; } &&
	"$JOCKEY" ls -o out remote.yaml >ls.out && cat ls.out &&
	test_grep "^busybox-latest.base.bridge .* done\$" ls.out &&
	test_grep "^busybox-latest.fixed.bridge .* done\$" ls.out
'

test_expect_success 'bad input: no Dockerfile, a missing folder, an unknown ref' '
	mkdir nothing &&
	test_must_fail --code=1 "$JOCKEY" init -o n.yaml nothing 2>err &&
	test_grep "^jockey: no Dockerfile in .nothing." err &&
	test_must_fail --code=1 "$JOCKEY" init -o n.yaml missing 2>err &&
	test_grep "^jockey: .*missing. is not a folder" err &&
	test_must_fail --code=1 "$JOCKEY" init --ref nosuch -o n.yaml "$JOCKEY_TEST_GIT_URL/$repo.git" 2>err &&
	test_grep "unknown ref .nosuch." err &&
	! test -e n.yaml
'

test_done
