#!/bin/sh
test_description='the shape of the code: no call cycle between files, layers, sizes, every build.ninja rule one hop from its command file (tests/structure.py)'
. "$(dirname "$0")/lib.sh"

# tests/structure.py reads the sources and the objects ninja built under
# build/; the first tests check jockey's own tree, the others point it (--top)
# at small synthetic trees to prove that each check can fail.
S=$TOP/tests/structure.py
export S

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
command -v nm >/dev/null 2>&1 || skip_all "nm is not installed"

test_expect_success 'the tree: no call cycle, layers point down, no file over 1000 lines, no function over 80' '
	python3 "$S" --tap cycles layers files functions >out &&
	cat out &&
	test_grep "^ok 1 - cycles" out && test_grep "^ok 2 - layers" out &&
	test_grep "^ok 3 - files" out && test_grep "^ok 4 - functions" out
'

test_expect_success 'every rule of a generated build.ninja runs cmd_RULE.c through the command table' '
	"$JOCKEY" gen -q -o q "$TOP/matrix/quickstart.yaml" &&
	for r in gen fetch probe images build-image cells run-cell.1 parse.shell aggregate; do
		test_grep "^rule $r\$" q/build.ninja || return 1
	done &&
	python3 "$S" --ninja q/build.ninja rules >out 2>&1 &&
	test_must_be_empty out
'

test_expect_success 'the pair golden build.ninja passes the rules check too' '
	python3 "$S" --ninja "$TOP/tests/gen/pair.expect/build.ninja" rules
'

# mktree DIR: a tree with the table of jockey'"'"'s commands and one command file
mktree() {
	mkdir -p "$1/base" "$1/gen" "$1/runners" "$1/build/base" &&
	cat >"$1/runners/commands.c" <<-\EOF &&
	#include <stddef.h>
	struct command { const char *name; int (*fn)(int, char **); int flags; const char *args, *summary, *help; };
	enum { PLUMBING = 1 };
	int cmd_gen(int, char **), cmd_run_cell(int, char **), cmd_parse_log(int, char **);
	const struct command commands[] = {
		{ "gen", cmd_gen, 0, "MATRIX", "generate", NULL },
		{ "run-cell", cmd_run_cell, PLUMBING, "RUN_JSON REP", "run one", NULL },
		{ "parse", cmd_parse_log, PLUMBING, "LOG", "parse one", NULL },
	};
	EOF
	printf "int\ncmd_gen(int argc, char **argv)\n{\n\treturn 0;\n}\n" >"$1/runners/cmd_gen.c" &&
	printf "int\ncmd_parse_log(int argc, char **argv)\n{\n\treturn 0;\n}\n" >"$1/runners/cmd_parse.c"
}

# objects DIR: compile every source of the tree DIR into DIR/build/, as ninja does
objects() {
	(cd "$1" && for src in base/*.c runners/*.c; do
		mkdir -p "build/$(dirname "$src")" &&
		cc -c -o "build/${src%.c}.o" "$src" || exit 1
	done)
}

test_expect_success 'self-test: a call cycle between two files fails, naming both' '
	mktree t &&
	printf "int b(int);\nint\na(int x)\n{\n\treturn x ? b(x - 1) : 0;\n}\n" >t/base/a.c &&
	printf "int a(int);\nint\nb(int x)\n{\n\treturn a(x);\n}\n" >t/base/b.c &&
	objects t &&
	test_must_fail python3 "$S" --top t cycles >out &&
	test_grep "call cycle among base/a.c base/b.c" out &&
	printf "int\nb(int x)\n{\n\treturn x;\n}\n" >t/base/b.c &&
	objects t &&
	python3 "$S" --top t cycles
'

test_expect_success 'self-test: a cycle through a third file fails too' '
	mktree t3 &&
	printf "int b(void);\nint\na(void)\n{\n\treturn b();\n}\n" >t3/base/a.c &&
	printf "int c(void);\nint\nb(void)\n{\n\treturn c();\n}\n" >t3/base/b.c &&
	printf "int a(void);\nint\nc(void)\n{\n\treturn a();\n}\n" >t3/base/c.c &&
	objects t3 &&
	test_must_fail python3 "$S" --top t3 cycles >out &&
	test_grep "call cycle among base/a.c base/b.c base/c.c" out
'

test_expect_success 'self-test: a file of 1001 lines fails, one of 1000 passes' '
	mktree f &&
	awk "BEGIN { for (i = 1; i <= 1000; i++) print \"/* \" i \" */\" }" >f/gen/long.c &&
	python3 "$S" --top f files &&
	echo "/* 1001 */" >>f/gen/long.c &&
	test_must_fail python3 "$S" --top f files >out &&
	test_grep "gen/long.c: 1001 lines \(at most 1000\)" out
'

test_expect_success 'self-test: a function of 81 lines fails, one of 80 passes' '
	mktree g &&
	{ printf "int\nf(void)\n{\n"; awk "BEGIN { for (i = 1; i <= 77; i++) print \"\t;\" }"; printf "\treturn 0;\n}\n"; } >g/gen/fn.c &&
	python3 "$S" --top g functions &&
	{ printf "int\nf(void)\n{\n"; awk "BEGIN { for (i = 1; i <= 78; i++) print \"\t;\" }"; printf "\treturn 0;\n}\n"; } >g/gen/fn.c &&
	test_must_fail python3 "$S" --top g functions >out &&
	test_grep "gen/fn.c:3: f\(\) is 81 lines \(at most 80\)" out
'

test_expect_success 'self-test: an include of a layer above fails' '
	mktree l &&
	printf "#include \"runners/opts.h\"\n" >l/base/up.c && : >l/runners/opts.h &&
	test_must_fail python3 "$S" --top l layers >out &&
	test_grep "base/up.c:1: includes .runners/opts.h., a layer above it" out
'

# rule_fails RULE COMMAND PATTERN: a build.ninja of the one rule fails the
# rules check on the tree r, saying PATTERN
rule_fails() {
	printf "rule %s\n  command = %s\n" "$1" "$2" >one.ninja &&
	test_must_fail python3 "$S" --top r --ninja one.ninja rules >out &&
	test_grep "$3" out
}

test_expect_success 'self-test: rules with no command, another command, no file, another function' '
	mktree r &&
	printf "rule gen\n  command = \$jockey gen -o \$dir \$matrix\n" >ok.ninja &&
	python3 "$S" --top r --ninja ok.ninja rules &&
	rule_fails frob "\$jockey frob \$in" "rule .frob.: no command .frob. in runners/commands.c" &&
	rule_fails run1 "\$edge run-cell \$in 1" "rule .run1. runs the command .run-cell., not .run1." &&
	rule_fails run-cell.1 "\$edge run-cell \$in 1" "rule .run-cell.1.: no runners/cmd_run_cell.c" &&
	rule_fails parse.b "\$edge parse \$in" "rule .parse.b.: the table runs cmd_parse_log, not cmd_parse" &&
	rule_fails x "sh -c true" "rule .x. runs .sh -c true., no jockey command"
'

test_done
