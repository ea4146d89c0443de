#!/bin/sh
test_description='real-world Dockerfile repos: what a build is based on (from: base, rebase, keep, build), the layer check after every build, native roots of images with non-ASCII names, failure reasons in the tools'"'"' own words, options after operands'
. "$(dirname "$0")/lib.sh"
test_needs_engine

export XDG_CACHE_HOME=$TRASH/cache
export HOME=$TRASH/home
export GIT_CONFIG_NOSYSTEM=1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
mkdir -p "$HOME"
git config --global user.name jockey-test
git config --global user.email test@jockey.invalid
git config --global init.defaultBranch main

# The images under test: two tags of one name, one of which has no apt
# (busybox), and a tag for 'from: keep' that moves under a build.
T=jt0420-$$
docker tag debian:bookworm $T/os:good &&
docker tag busybox:latest $T/os:noapt &&
docker tag debian:bookworm $T/keep:1 || skip_all "cannot tag the test images"
test_at_exit "docker rmi $T/os:good $T/os:noapt $T/keep:1"
test_at_exit "\"$JOCKEY\" clean --all \"$TRASH/out-rebase\"; \"$JOCKEY\" clean --all \"$TRASH/out-stages\"; \"$JOCKEY\" clean --all \"$TRASH/out-tools\"; \"$JOCKEY\" clean --all \"$TRASH/out-keep\""
debian_id=$(docker image inspect -f '{{.Id}}' debian:bookworm)
busybox_id=$(docker image inspect -f '{{.Id}}' busybox:latest)

# The fixture repository, served by the test bed's git daemon: a Dockerfile
# at the root with a fixed FROM, a multi-stage one whose final stage uses
# BASE, one whose build stage uses BASE and whose final stage is scratch,
# ARG BASE=default, the tools with non-ASCII file names, and one that keeps
# its own FROM.
W=$TRASH/work
mkdir -p "$W/multi" "$W/static" "$W/default" "$W/tools" "$W/keep" && cd "$W" || exit 1
cat >Dockerfile <<EOF
# a benchmark as they come: its own base written out, no ARG BASE
FROM $T/os:good
RUN apt-get --version > /apt-version
CMD ["cat", "/apt-version"]
EOF
cat >multi/Dockerfile <<-\EOF
	ARG BASE
	FROM busybox:latest AS tools
	RUN echo made-by-the-tools-stage > /made
	FROM ${BASE}
	COPY --from=tools /made /made
	CMD ["cat", "/made"]
	EOF
cat >static/Dockerfile <<-\EOF
	ARG BASE
	FROM ${BASE} AS build
	RUN mkdir /out && cp /bin/busybox /out/busybox
	FROM scratch
	COPY --from=build /out/busybox /busybox
	CMD ["/busybox", "echo", "static"]
	EOF
cat >default/Dockerfile <<-\EOF
	ARG BASE=debian:bookworm
	FROM $BASE
	CMD ["cat", "/etc/debian_version"]
	EOF
cat >tools/Dockerfile <<-\EOF
	# sysbench, fio, iperf3 and redis-benchmark from Debian on the image under
	# test, and files a native root must hold as they are: UTF-8 and Latin-1
	# file and link names (ca-certificates brings UTF-8 ones), a hard link,
	# device files, a FIFO, a setuid binary and a long path.
	ARG BASE=debian:bookworm
	FROM ${BASE}
	RUN apt-get update \
	 && apt-get install -y --no-install-recommends ca-certificates sysbench fio iperf3 redis-tools \
	 && rm -rf /var/lib/apt/lists/*
	RUN mkdir /names && cd /names \
	 && touch "$(printf 'caf\303\251')" "$(printf 'caf\351-latin1')" \
	 && ln -s "$(printf 'caf\303\251')" "$(printf 'lien-\303\251')" \
	 && ln -s "$(printf 'caf\351-latin1')" "$(printf 'lien-\351')" \
	 && ln "$(printf 'caf\303\251')" hard-link \
	 && mknod null-dev c 1 3 && mknod loop-dev b 7 0 && mkfifo fifo \
	 && cp /bin/true setuid-true && chmod 4755 setuid-true \
	 && long=$(printf 'd%.0s' $(seq 1 120))/$(printf 'e%.0s' $(seq 1 120))/$(printf 'f%.0s' $(seq 1 120)) \
	 && mkdir -p "$long" && echo deep > "$long/file"
	EOF
cat >keep/Dockerfile <<EOF
FROM $T/keep:1
RUN echo kept > /kept
EOF
git init -q && git add -A && git commit -qm fixture &&
git clone -q --bare . "$JOCKEY_TEST_GIT_ROOT/$T.git" || exit 1
test_at_exit "rm -rf \"$JOCKEY_TEST_GIT_ROOT/$T.git\""
URL=$JOCKEY_TEST_GIT_URL/$T.git
cd "$TRASH" || exit 1

cat >fixed.yaml <<EOF
name: fixed
dockerfiles: {repo: "$URL", ref: main}
images: [{name: $T/os, tags: [good, noapt], pull: never}]
defaults: {repeat: 1, timeout: 60s}
benchmarks:
  - name: apt
    context: .
    parser: {regex: 'apt ([0-9.]+)', metric: apt_version}
hosts: [{name: bridge}]
EOF

test_expect_success 'a fixed FROM is refused with its place: at build time first, then when generating' '
	test_must_fail --code=3 "$JOCKEY" run fixed.yaml -o out-fixed >run.out 2>&1 &&
	jq -r ".failed[].reason" out-fixed/run.json >reasons &&
	test $(grep -c "Dockerfile:2:6: the target stage builds on .$T/os:good., not on BASE" reasons) = 2 &&
	test_grep "say .from: rebase. to build each cell on its image under test instead, or .from: keep." reasons &&
	test ! -e out-fixed/stamps/img/$T.$T-os-good.id &&
	test_must_fail --code=2 "$JOCKEY" gen fixed.yaml -o out-fixed 2>err &&
	test_grep "^jockey: $URL/Dockerfile:2:6: the target stage builds on .$T/os:good., not on BASE, the image under test: the engine would drop BASE and every cell would measure .$T/os:good.; .* \(benchmark .apt. at fixed.yaml:6:5\)$" err
'

test_expect_success 'from: rebase measures each tag on that tag; a tag that cannot run the RUN fails with the build'"'"'s words' '
	sed "s/    context: \\./    context: .\\n    from: rebase/" fixed.yaml | sed "s/name: fixed/name: rebase/" >rebase.yaml &&
	test_must_fail --code=3 "$JOCKEY" run rebase.yaml -o out-rebase >run.out 2>&1 &&
	good=$T-os-good.apt.bridge noapt=$T-os-noapt.apt.bridge &&
	jq -e --arg c $good ".ran == [\$c]" out-rebase/run.json &&
	jq -r ".failed[] | select(.cell == \"$noapt\") | .reason" out-rebase/run.json >reason &&
	test_grep "its image .$T.$T-os-noapt. failed: build .$T.$T-os-noapt. on .$T/os:noapt.: .*returned a non-zero code: 127: it said \"/bin/sh: apt-get: not found\"" reason &&
	jq -e --arg c $noapt ".cells[] | select(.id == \$c) | tostring | test(\"apt-get: not found\")" out-rebase/results.json &&
	test_grep "^apt [0-9]" out-rebase/cells/$good/1/log &&
	m=out-rebase/cells/$good/1/metrics.json &&
	jq -e --arg id "$debian_id" ".provenance.base_image_id == \$id" $m &&
	jq -e --arg id "$debian_id" --arg from "$T/os:good" ".provenance.dockerfile | .from == \$from and .rebased_to == \$id and .mode == \"rebase\" and .line == 2" $m &&
	jq -e --arg id "$debian_id" ".base_id == \$id" out-rebase/images/$T.$T-os-good.inputs.json &&
	test ! -e out-rebase/images/$T.$T-os-good.failed.json
'

cat >stages.yaml <<EOF
name: stages
dockerfiles: {repo: "$URL", ref: main}
images:
  - {name: debian, tags: [bookworm], pull: never}
  - {name: busybox, tags: [latest], pull: never}
defaults: {repeat: 1, timeout: 60s, parser: []}
benchmarks:
  - {name: multi, context: multi, images: [debian]}
  - {name: default, context: default, images: [debian]}
  - {name: static, context: static, images: [busybox], from: build}
hosts: [{name: bridge}]
EOF

test_expect_success 'multi-stage, ARG BASE=default and a scratch target with from: build run on their images' '
	"$JOCKEY" run stages.yaml -o out-stages "debian-bookworm.*" "busybox-*" >run.out 2>&1 || { cat run.out; false; } &&
	echo made-by-the-tools-stage >want && test_cmp want out-stages/cells/debian-bookworm.multi.bridge/1/log &&
	test_grep "^12\." out-stages/cells/debian-bookworm.default.bridge/1/log &&
	echo static >want && test_cmp want out-stages/cells/busybox-latest.static.bridge/1/log &&
	jq -e --arg id "$debian_id" ".base_id == \$id" out-stages/images/multi.debian-bookworm.inputs.json &&
	jq -e ".dockerfile.mode == \"build\" and (has(\"base_id\") | not)" out-stages/images/static.busybox-latest.inputs.json
'

test_expect_success 'a scratch target without from: build is refused with its place and the ways out' '
	sed "s/, from: build//" stages.yaml >scratch.yaml &&
	test_must_fail --code=2 "$JOCKEY" gen scratch.yaml -o out-scratch 2>err &&
	test_grep "^jockey: $URL/static/Dockerfile:4:6: the target stage is FROM scratch: its cells would run none of the image under test.s files; say .from: build. to measure what the image under test builds, or .from: rebase. to run it on the image under test \(benchmark .static. at scratch.yaml:10:5\)$" err &&
	test ! -e out-scratch
'

cat >tools.yaml <<EOF
name: tools
dockerfiles: {repo: "$URL", ref: main}
images: [{name: debian, tags: [bookworm], pull: never}]
defaults: {repeat: 1, timeout: 60s}
benchmarks:
  - name: cpu
    context: tools
    command: [sysbench, cpu, --cpu-max-prime=2000, --threads=1, --time=1, run]
    parser: sysbench
  - {name: sysbench-bad, context: tools, command: [sysbench, nosuchtest, run], parser: sysbench}
  - name: fio-bad
    context: tools
    command: [fio, --name=full, --filename=/dev/full, --rw=write, --bs=4k, --size=64k, --output-format=json]
    parser: fio
  - {name: iperf3-bad, context: tools, command: [iperf3, -c, 127.0.0.1, -p, "1", -t, "1", --json], parser: iperf3}
  - name: redis-bad
    context: tools
    command: [redis-benchmark, -h, 127.0.0.1, -p, "1", -n, "10", -q]
    timeout: 3s
    parser: redis-benchmark
  - name: pair-bad
    context: tools
    server:
      command: [sh, -c, "echo ready; sleep 1; echo server: giving up; exit 7"]
      ready: {log: ready}
    client: {command: [sh, -c, "sleep 3; iperf3 -c \${server} -p 5201 -t 1 --json; exit 2"]}
    parser: iperf3
hosts:
  - {name: native, native: true}
  - {name: bridge}
exclude:
  - {benchmark: cpu, host: bridge}
  - {benchmark: sysbench-bad, host: native}
  - {benchmark: fio-bad, host: native}
  - {benchmark: iperf3-bad, host: native}
  - {benchmark: redis-bad, host: native}
  - {benchmark: pair-bad, host: native}
EOF

test_expect_success 'native cells run on an image with non-ASCII names and give numbers' '
	test_must_fail --code=3 "$JOCKEY" run tools.yaml -o out-tools >run.out 2>&1 &&
	jq -e ".ran == [\"debian-bookworm.cpu.native\"]" out-tools/run.json &&
	jq -e "[.metrics[] | select(.name == \"events_per_s\" and .value > 0)] | length == 1" \
		out-tools/cells/debian-bookworm.cpu.native/1/samples.json &&
	root=$(echo "$XDG_CACHE_HOME"/jockey/rootfs/*) && test -d "$root/names" &&
	python3 - "$root/names" <<-\EOF
	import os, stat, sys
	d = os.fsencode(sys.argv[1])
	utf8, latin1 = b"caf\xc3\xa9", b"caf\xe9-latin1"
	names = set(os.listdir(d))
	assert {utf8, latin1, b"lien-\xc3\xa9", b"lien-\xe9", b"hard-link"} <= names, names
	assert os.readlink(os.path.join(d, b"lien-\xc3\xa9")) == utf8
	assert os.readlink(os.path.join(d, b"lien-\xe9")) == latin1
	assert os.stat(os.path.join(d, utf8)).st_ino == os.stat(os.path.join(d, b"hard-link")).st_ino
	st = os.lstat(os.path.join(d, b"null-dev"))
	assert stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == 1 and os.minor(st.st_rdev) == 3
	assert stat.S_ISBLK(os.lstat(os.path.join(d, b"loop-dev")).st_mode)
	assert stat.S_ISFIFO(os.lstat(os.path.join(d, b"fifo")).st_mode)
	assert os.lstat(os.path.join(d, b"setuid-true")).st_mode & 0o7777 == 0o4755
	deep = os.path.join(d, b"d" * 120, b"e" * 120, b"f" * 120, b"file")
	assert open(deep, "rb").read() == b"deep\n"
	certs = os.listdir(os.path.join(d, b"..", b"etc", b"ssl", b"certs"))
	assert any(b"\xc5\x91" in n for n in certs), "no UTF-8 link name from ca-certificates"
	print("ok")
	EOF
'

test_expect_success 'failure reasons quote iperf3, sysbench, fio and redis-benchmark, and a server that died first' '
	jq -r ".failed[] | \"\(.cell) \(.reason)\"" out-tools/run.json >reasons &&
	test_grep "^debian-bookworm.sysbench-bad.bridge repetition 1: exit code 1; sysbench said: .FATAL: Cannot find benchmark .nosuchtest.: no such built-in test, file or module.$" reasons &&
	test_grep "^debian-bookworm.fio-bad.bridge repetition 1: exit code 1; fio said: .fio: pid=[0-9]+, err=28/file:io_u.c:[0-9]+, func=io_u error, error=No space left on device.$" reasons &&
	test_grep "^debian-bookworm.iperf3-bad.bridge repetition 1: parser .iperf3. found no metric in cells/debian-bookworm.iperf3-bad.bridge/1/log; iperf3 said: .unable to connect to server: Connection refused.$" reasons &&
	test_grep "^debian-bookworm.redis-bad.bridge repetition 1: timeout after 3s; redis-benchmark said: .Could not connect to Redis at 127.0.0.1:1: Connection refused.$" reasons &&
	test_grep "^debian-bookworm.pair-bad.bridge repetition 1: exit code 2; iperf3 said: .unable to connect to server: [^'"'"']+.; the server had exited first, with code 7: .server: giving up.$" reasons
'

cat >keep.yaml <<EOF
name: keep
dockerfiles: {repo: "$URL", ref: main}
images: [{name: $T/keep, tags: ["1"], pull: never}]
benchmarks: [{name: kept, context: keep, from: keep, command: [cat, /kept], repeat: 1}]
hosts: [{name: bridge}]
EOF

test_expect_success 'the layer check catches a build the Dockerfile parser was fooled about' '
	"$JOCKEY" gen keep.yaml -o out-keep -q &&
	key=keep.$T-keep-1 base=$T-keep-1 &&
	(cd out-keep && "$JOCKEY" fetch repo.json && "$JOCKEY" probe base/$base.json stamps/base/$base.digest) &&
	echo $debian_id >want && test_cmp want out-keep/stamps/base/$base.digest &&
	docker tag busybox:latest $T/keep:1 &&
	(cd out-keep && test_must_fail "$JOCKEY" build-image images/$key.json stamps/img/$key.id) 2>err &&
	test_grep "build .$key.: the image it built \(sha256:[0-9a-f]{12}\) does not descend from the image under test .$T/keep:1. \(sha256:[0-9a-f]{12}\): its layers do not begin with that image.s 1, so its cells would not measure it; the Dockerfile \(.*/keep/Dockerfile\) builds on something else" err &&
	test ! -e out-keep/stamps/img/$key.id &&
	jq -e ".reason | test(\"does not descend from the image under test\")" out-keep/images/$key.failed.json
'

test_done
