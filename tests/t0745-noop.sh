#!/bin/sh
test_description='jockey run with nothing stale: no per-cell reads, and still exact reruns'
. "$(dirname "$0")/lib.sh"
test_needs_engine
test "$(id -u)" = 0 || skip_all "native runs need root (chroot, mount)"

export XDG_CACHE_HOME="$TRASH/cache"
BASE=jockey-t0745-base:t$$
B=jockey-t0745-base-t$$ # its cells' image part
test_at_exit "docker rmi -f $BASE"

# A jockey of the test's own, so that it can be replaced by a new build.
mkdir -p "$TRASH/bin" "$TRASH/dockerfiles/ctx" &&
cp "$JOCKEY" "$TRASH/bin/jockey" &&
{ ! test -x "$JOCKEY-edge" || cp "$JOCKEY-edge" "$TRASH/bin/jockey-edge"; } || exit 1
J=$TRASH/bin/jockey
docker tag busybox:latest "$BASE" || exit 1

# tests run in $TRASH; the Dockerfile repo is a git repository of its own
printf 'ARG BASE\nFROM ${BASE}\nLABEL t0745=1\n' >"$TRASH/dockerfiles/ctx/Dockerfile"
(cd "$TRASH/dockerfiles" && git init -q -b main && git add -A &&
 git -c user.name=t -c user.email=t@t commit -qm init) || exit 1

# 2 benchmarks x 2 hosts of native 'true': one built from the repo's
# context on the retaggable base, one as the image is
write_matrix() { # [EXTRA HOST]
	cat >m.yaml <<-EOF
	name: noop
	dockerfiles: {repo: ./dockerfiles, ref: main}
	images: [{name: jockey-t0745-base, tags: [t$$], pull: never}, {name: busybox, tags: [latest], pull: never}]
	defaults: {repeat: 1, timeout: 60s}
	benchmarks:
	  - {name: built, context: ctx, images: [jockey-t0745-base], command: ["true"], parser: []}
	  - {name: asis, images: [busybox], command: ["true"], parser: []}
	hosts:
	  - {name: h0, native: true}
	  - {name: h1, native: true}
	EOF
	test -z "${1:-}" || echo "  - {name: $1, native: true}" >>m.yaml
}

ids() { # run.json KEY: its cell ids, sorted, on one line
	python3 -c 'import json,sys; print(" ".join(sorted(c if isinstance(c, str) else c["cell"] for c in json.load(open(sys.argv[1]))[sys.argv[2]])))' "$1" "$2"
}
run() { # OUT: jockey run into OUT, its output kept
	"$J" run -o out m.yaml >"$1" 2>&1 || { cat "$1"; false; }
}

test_expect_success 'a first run runs every cell, a second none and generates nothing' '
	write_matrix &&
	run o1 && test "$(ids out/run.json ran | wc -w)" = 4 &&
	test -s out/.jockey-gen && test -e out/.jockey-clean &&
	run o2 && cat o2 &&
	test_grep "4 cells, generated files up to date" o2 &&
	test_grep "4 cells: 0 ran, 4 fresh, 0 failed" o2 &&
	test "$(ids out/run.json fresh | wc -w)" = 4 &&
	! grep -q "RUN \|PARSE \|IMAGE \|CELLS \|0/[0-9]* cells" o2
'

test_expect_success 'the no-op opens no cell file and asks ninja once' '
	command -v strace >/dev/null || { echo "# no strace: skipped"; return 0; } &&
	strace -f -e trace=openat,execve -o trace "$J" run -o out m.yaml >o3 2>&1 &&
	test_grep "0 ran, 4 fresh" o3 &&
	# (the sweep opens folders O_PATH, to stat in them: that reads nothing)
	! grep "openat(.*/cells/" trace | grep -v O_PATH &&
	grep "execve(\"[^\"]*/ninja\".* = 0\$" trace >ninjas &&
	test "$(wc -l <ninjas)" = 1
'

test_expect_success 'a matrix edit regenerates and runs exactly the new cells' '
	write_matrix h2 &&
	run o4 && cat o4 &&
	! grep -q "generated files up to date" o4 &&
	test "$(ids out/run.json ran)" = "busybox-latest.asis.h2 $B.built.h2" &&
	test "$(ids out/run.json fresh | wc -w)" = 4 &&
	run o5 && test_grep "6 cells, generated files up to date" o5
'

test_expect_success 'a new jockey binary regenerates, and reruns nothing' '
	cp "$J" "$J.new" && mv "$J.new" "$J" &&
	run o6 && cat o6 &&
	test_grep "6 cells, [0-9]+ files written, [0-9]+ unchanged" o6 &&
	test_grep "6 cells: 0 ran, 6 fresh" o6 &&
	run o7 && test_grep "generated files up to date" o7
'

test_expect_success 'a repo commit that changes the image reruns exactly its cells (an edit alone: none)' '
	echo "ENV T0745=2" >>dockerfiles/ctx/Dockerfile &&
	run o8a && test_grep "0 ran, 6 fresh" o8a &&
	git -C dockerfiles -c user.name=t -c user.email=t@t commit -qam edit &&
	run o8 && cat o8 &&
	test_grep "generated files up to date" o8 &&
	test "$(ids out/run.json ran | tr " " "\n" | grep -c "\.built\.")" = 3 &&
	test "$(ids out/run.json ran | wc -w)" = 3
'

test_expect_success 'a moved base digest reruns exactly the cells built on it' '
	printf "FROM busybox:latest\nLABEL t0745-moved=$$\n" | docker build -q -t "$BASE" - >/dev/null &&
	run o9 && cat o9 &&
	test_grep "generated files up to date" o9 &&
	test "$(ids out/run.json ran | tr " " "\n" | grep -c "\.built\.")" = 3 &&
	test "$(ids out/run.json ran | wc -w)" = 3
'

test_expect_success 'a deleted output reruns its edge; a deleted or edited gen file regenerates' '
	C=busybox-latest.asis.h0 &&
	rm out/cells/$C/1/samples.json &&
	run o10 && cat o10 &&
	test "$(ids out/run.json ran)" = $C &&
	test "$(grep -c "PARSE " o10)" = 1 && ! grep -q "RUN cells" o10 &&
	rm out/cells/$C/1/log &&
	run o11 && test "$(ids out/run.json ran)" = $C && test_grep "RUN cells/$C" o11 &&
	rm out/conf/host/h1.json &&
	run o12 && cat o12 && ! grep -q "generated files up to date" o12 &&
	test -s out/conf/host/h1.json && test_grep "0 ran, 6 fresh" o12 &&
	echo "{}" >out/matrix.json &&
	run o13 && ! grep -q "generated files up to date" o13 &&
	test "$(python3 -c "import json; print(len(json.load(open(\"out/matrix.json\"))[\"cells\"]))")" = 6
'

test_expect_success 'after a clean run a damaged output is still found' '
	C=busybox-latest.asis.h1 &&
	: >out/cells/$C/1/samples.json &&
	run o14 && cat o14 &&
	test_grep "samples.json. is unreadable.*made again" o14 &&
	test "$(ids out/run.json ran)" = $C
'

test_expect_success 'only a full run that ended cleanly moves the clean mark; what changed after it is swept' '
	run o15 && test -e out/.jockey-clean &&
	stat -c %y out/.jockey-clean >mark1 &&
	"$J" run -o out m.yaml "*.h0" >o16 2>&1 &&
	stat -c %y out/.jockey-clean >mark2 && test_cmp mark1 mark2 &&
	echo x >out/cells/busybox-latest.asis.h2/1/log.tmp.999 &&
	run o17 && test_grep "0 ran, 6 fresh" o17 &&
	! test -e out/cells/busybox-latest.asis.h2/1/log.tmp.999 &&
	stat -c %y out/.jockey-clean >mark3 && ! test_cmp mark1 mark3 2>/dev/null
'

test_done
