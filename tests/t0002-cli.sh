#!/bin/sh
test_description='the command table: help, version, unknown commands, install'
. "$(dirname "$0")/lib.sh"

test_expect_success 'jockey help lists the porcelain and hides the plumbing' '
	"$JOCKEY" help >out &&
	for c in run gen ls clean; do test_grep "^  $c " out; done &&
	! grep -E "^  (run-cell|build-image|fetch|probe|parse|aggregate) " out
'

test_expect_success 'jockey help CMD shows its usage' '
	"$JOCKEY" help gen >out &&
	test_grep "^usage: jockey gen " out &&
	"$JOCKEY" help run-cell >out &&
	test_grep "^usage: jockey run-cell RUN_JSON REP" out
'

test_expect_success 'jockey --version names the version' '
	"$JOCKEY" --version >out &&
	test_grep "^jockey [0-9a-g]" out
'

test_expect_success 'an unknown command is a clear error with exit 2' '
	test_must_fail --code=2 "$JOCKEY" frobnicate 2>err &&
	test_grep "^jockey: .frobnicate. is not a jockey command" err &&
	test_must_fail --code=2 "$JOCKEY" help frobnicate 2>err &&
	test_grep "no such command" err
'

test_expect_success 'no command prints the help to stderr with exit 2' '
	test_must_fail --code=2 "$JOCKEY" 2>err &&
	test_grep "^usage: jockey COMMAND" err
'

test_expect_success 'ninja install honours DESTDIR and the prefix' '
	(cd "$TOP" && DESTDIR="$TRASH/dest" ninja install >/dev/null) &&
	prefix=$(sed -n "s/^prefix = //p" "$TOP/build.ninja") &&
	test -x "dest$prefix/bin/jockey" && test -x "dest$prefix/bin/jockey-edge" &&
	{ ! test -x "$TOP/jockey-sampler" || test -x "dest$prefix/bin/jockey-sampler"; } &&
	test -f "dest$prefix/share/man/man1/jockey.1" &&
	"dest$prefix/bin/jockey" --version >out && test_grep "^jockey " out
'

test_expect_success 'jockey-edge: the run-cell and parse commands only, with fewer libraries' '
	E=$TOP/jockey-edge &&
	test_must_fail --code=2 "$E" 2>err && test_grep "^usage: jockey-edge run-cell" err &&
	test_must_fail --code=2 "$E" gen x.yaml 2>err && test_grep "^usage: jockey-edge run-cell" err &&
	test_must_fail --code=2 "$E" parse 2>err && test_grep "^usage: jockey parse cells/ID/REP/log" err &&
	test_must_fail --code=2 "$E" run-cell 2>err && test_grep "^usage: jockey run-cell cells/ID/run.json REP" err &&
	ldd "$E" >libs && ! grep -q "libgit2\|libarchive\|libyaml" libs &&
	ldd "$TOP/jockey" >libs2 && grep -q "libgit2" libs2
'

test_expect_success 'options after operands, and -- before operands that start with -' '
	mkdir -p opt/dockerfiles &&
	cat >opt/m.yaml <<-\EOF &&
	name: opt
	images: [{name: busybox, tags: [latest], pull: never}]
	benchmarks: [{name: b, command: ["true"]}]
	hosts: [{name: h}]
	EOF
	"$JOCKEY" gen opt/m.yaml -o opt/out -q &&
	test -f opt/out/build.ninja &&
	"$JOCKEY" ls opt/m.yaml -o opt/out >ls.out && test_grep "^busybox-latest.b.h " ls.out &&
	"$JOCKEY" help -- gen >out && test_grep "^usage: jockey gen " out &&
	test_must_fail --code=2 "$JOCKEY" gen opt/m.yaml -o 2>err &&
	test_grep "^jockey: gen: a value is missing after .-o.$" err &&
	test_grep "^usage: jockey gen " err &&
	test_must_fail --code=2 "$JOCKEY" compare opt/out --frob 2>err &&
	test_grep "^jockey: compare: unknown option .--frob.$" err &&
	test_must_fail --code=2 "$JOCKEY" run opt/m.yaml -o opt/out -- -nosuchcell 2>err &&
	test_grep "pattern .-nosuchcell. matches no cell" err &&
	test_must_fail --code=2 "$JOCKEY" report 2>err && test_grep "^usage: jockey report DIR" err
'

test_expect_success 'a write error on standard output is an error' '
	if test -w /dev/full; then
		test_must_fail "$JOCKEY" help >/dev/full 2>err &&
		test_grep "write error" err
	fi
'

test_done
