/* t-ninja.c: ninja and shell escaping, and the build.ninja writer. The last
 * tests feed what the writer produced to the real ninja and the real shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "gen/ninja/syntax.h"
#include "tap.h"
#include "base/util.h"

static const char *
path(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	if (ninja_escape_path(&b, s) < 0)
		return "(rejected)";
	return b.data;
}

static const char *
value(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	if (ninja_escape_value(&b, s) < 0)
		return "(rejected)";
	return b.data;
}

static const char *
quote(const char *s)
{
	static struct buf b = BUF_INIT;

	buf_reset(&b);
	shell_quote(&b, s);
	return b.data;
}

static void
test_escapes(void)
{
	is_str(path("cells/debian-bookworm.sysbench.bridge/1/log"),
	       "cells/debian-bookworm.sysbench.bridge/1/log", "a slug path is unchanged");
	is_str(path("my dir/a b"), "my$ dir/a$ b", "spaces are escaped");
	is_str(path("cell:debian:bookworm"), "cell$:debian$:bookworm", "colons are escaped");
	is_str(path("a$b"), "a$$b", "dollar is doubled");
	is_str(path("$ :"), "$$$ $:", "dollar is escaped before space and colon");
	is_str(path("$$x"), "$$$$x", "two dollars");
	is_str(path("it's \"q\""), "it's$ \"q\"", "quotes pass through a path");
	is_str(path("données/日本"), "données/日本", "UTF-8 passes through");
	is_str(path("a|b"), "(rejected)", "a pipe is rejected");
	is_str(path("a\nb"), "(rejected)", "a newline is rejected");
	is_str(path("a\rb"), "(rejected)", "a carriage return is rejected");
	is_str(path(""), "(rejected)", "an empty path is rejected");

	is_str(value("a b:c"), "a b:c", "values keep spaces and colons");
	is_str(value("$HOME $$"), "$$HOME $$$$", "values double dollars");
	is_str(value("a|b"), "a|b", "values may hold a pipe");
	is_str(value("x\n"), "(rejected)", "values cannot hold a newline");
	is_str(value("日本 'q'"), "日本 'q'", "UTF-8 and quotes pass through a value");

	is_str(quote("plain"), "'plain'", "a word is single-quoted");
	is_str(quote(""), "''", "the empty word is kept");
	is_str(quote("it's"), "'it'\\''s'", "a single quote is closed, escaped, reopened");
	is_str(quote("$HOME `x` \"y\" \\"), "'$HOME `x` \"y\" \\'", "nothing else is special inside quotes");
}

static void
test_writer(void)
{
	struct buf b = BUF_INIT;
	const char *outs[] = { "out dir/a:b", "c" };
	const char *ins[] = { "in$put" };
	const char *imp[] = { "stamp" };
	const char *vars[] = { "cell", "x$y", "rep", "1" };
	const char *bad[] = { "a|b" };
	const char *rulevars[] = { "command", "$jockey run $in $out", "restat", "1", NULL };
	struct ninja_edge e = { "run", outs, 2, ins, 1, imp, 1, vars, 2 };
	struct ninja_edge ebad = { "run", bad, 1, NULL, 0, NULL, 0, NULL, 0 };
	int r;

	ok(ninja_var(&b, 0, "jockey", "/usr/bin/jockey $x") == 0, "a top-level variable");
	ninja_pool(&b, "engine_0", 1);
	ninja_rule(&b, "run", rulevars);
	ok(ninja_build(&b, &e) == 0, "a build statement");
	is_str(b.data,
	       "jockey = /usr/bin/jockey $$x\n"
	       "pool engine_0\n  depth = 1\n"
	       "rule run\n  command = $jockey run $in $out\n  restat = 1\n"
	       "build out$ dir/a$:b c: run in$$put | stamp\n  cell = x$$y\n  rep = 1\n",
	       "the writer's text");
	fprintf(stderr, "# expected message follows\n");
	r = ninja_build(&b, &ebad);
	is_int(r, -1, "a build with a pipe in a path fails");
	ok(strstr(b.data, "a|b") == NULL, "and leaves nothing behind");
	r = ninja_var(&b, 1, "x", "a\nb");
	is_int(r, -1, "a variable with a newline fails");
	ok(b.data[b.len - 1] == '\n' && strstr(b.data, "  x =") == NULL, "and leaves nothing behind");
	buf_release(&b);
}

/* Write a build.ninja whose one edge copies a file with a hostile name, with
 * the name passed through shell_quote + the value escape, and check that the
 * real ninja and /bin/sh agree with us. */
static void
test_real_ninja(void)
{
	char dir[] = "/tmp/jockey-t-ninja.XXXXXX";
	const char *name = "we ird $x 'q' \"d\" :c 日本";
	struct buf b = BUF_INIT, cmd = BUF_INIT, sh = BUF_INIT;
	const char *outs[] = { name };
	const char *phony_outs[] = { "cell:we ird" };
	const char *phony_ins[] = { name };
	char *p, *data = NULL;
	const char *rulevars[] = { "command", "printf %s $arg > $out", NULL };
	const char *vars[2];
	struct ninja_edge e = { "mk", outs, 1, NULL, 0, NULL, 0, vars, 1 };
	struct ninja_edge ph = { "phony", phony_outs, 1, phony_ins, 1, NULL, 0, NULL, 0 };

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	if (system("command -v ninja >/dev/null 2>&1") != 0) {
		ok(1, "# SKIP ninja not installed");
		return;
	}
	/* The command's shell receives the quoted word; $out is left to ninja,
	 * which shell-escapes paths it substitutes itself. */
	shell_quote(&sh, name);
	vars[0] = "arg";
	vars[1] = sh.data;
	ninja_rule(&b, "mk", rulevars);
	ok(ninja_build(&b, &e) == 0 && ninja_build(&b, &ph) == 0, "edges with a hostile name");
	ninja_default(&b, "cell:we ird");
	p = xasprintf("%s/build.ninja", dir);
	write_file_atomic(p, b.data, b.len);
	free(p);
	buf_printf(&cmd, "ninja -C %s >/dev/null 2>&1", dir);
	is_int(system(cmd.data), 0, "ninja accepts the file and runs the edge");
	p = xasprintf("%s/%s", dir, name);
	ok(read_file(p, &data, NULL) == 0, "the output has the hostile name");
	is_str(data, name, "and the shell saw exactly the word");
	free(data);
	free(p);
	buf_reset(&cmd);
	buf_printf(&cmd, "ninja -C %s -t targets all | grep -qF 'cell:we ird: phony'", dir);
	is_int(system(cmd.data), 0, "the phony target is listed unescaped");
	buf_reset(&cmd);
	buf_printf(&cmd, "rm -rf %s", dir);
	if (system(cmd.data) != 0)
		ok(0, "cleanup");
	buf_release(&b);
	buf_release(&cmd);
	buf_release(&sh);
}

int
main(void)
{
	test_escapes();
	test_writer();
	test_real_ninja();
	return tap_done();
}
