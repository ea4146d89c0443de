/* t-dockerfile.c: the Dockerfile parser (gen/dockerfile.h): directives,
 * comments, continuations, ARG before FROM, FROM's forms, stages and the
 * target's chain, what the classic builder refuses, and every message with
 * its line and column; the 'from' policy (gen/from.h), the context keys
 * (gen/names.h) and the build's layer check (runners/run/image.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "gen/dockerfile.h"
#include "gen/from.h"
#include "gen/names.h"
#include "runners/run/image.h"
#include "tap.h"

static char errfile[] = "/tmp/jockey-t-dockerfile.XXXXXX";
static char msg[1024];

/* Parse text with BASE given and the build args args (n); stderr (the
 * message of a failure, without "jockey: ") lands in msg. */
static int
parse_args(struct dockerfile *df, const char *text, const struct df_arg *args, size_t n, int base)
{
	int saved = dup(2), fd = open(errfile, O_RDWR | O_TRUNC), rc;
	ssize_t got;

	fflush(stderr);
	dup2(fd, 2);
	rc = dockerfile_parse(df, "ctx/Dockerfile", text, strlen(text), args, n, base);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	got = read(fd, msg, sizeof(msg) - 1);
	msg[got > 0 ? got : 0] = '\0';
	if (got > 0 && msg[got - 1] == '\n')
		msg[got - 1] = '\0';
	close(fd);
	return rc;
}

static int
parse(struct dockerfile *df, const char *text)
{
	return parse_args(df, text, NULL, 0, 1);
}

/* The root of the target's chain: "KIND IMAGE LINE:COL". */
static const char *
root(const char *text)
{
	static char out[256];
	struct dockerfile df;
	const struct df_stage *r;
	static const char *const kinds[] = { "image", "stage", "scratch", "base" };

	if (parse(&df, text) < 0)
		return msg;
	r = dockerfile_root(&df);
	snprintf(out, sizeof(out), "%s %s %d:%d", kinds[r->kind], r->image, r->line, r->col);
	dockerfile_release(&df);
	return out;
}

/* The message of a failed parse. */
static const char *
err(const char *text)
{
	struct dockerfile df;

	if (parse(&df, text) == 0) {
		dockerfile_release(&df);
		return "(parsed)";
	}
	return msg + strlen("jockey: ");
}

static void
test_roots(void)
{
	is_str(root("ARG BASE\nFROM ${BASE}\nRUN true\n"), "base $BASE 2:6", "FROM ${BASE}");
	is_str(root("ARG BASE=debian:bookworm\nFROM $BASE\n"), "base $BASE 2:6", "ARG BASE=default, $BASE");
	is_str(root("FROM ubuntu:22.04\nRUN apt-get update\n"), "image ubuntu:22.04 1:6", "a fixed FROM");
	is_str(root("from   ubuntu:22.04 as one\n"), "image ubuntu:22.04 1:8", "lowercase from and as");
	is_str(root("ARG BASE\nFROM golang:1.22 AS build\nRUN make\nFROM ${BASE}\nCOPY --from=build /x /x\n"),
	       "base $BASE 4:6", "multi-stage: the final stage uses BASE");
	is_str(root("ARG BASE\nFROM ${BASE} AS Build\nRUN make\nFROM build\n"), "base $BASE 2:6",
	       "a stage named with capitals, followed case-insensitively");
	is_str(root("ARG BASE\nFROM ${BASE} AS build\nRUN make\nFROM scratch\nCOPY --from=build /x /x\n"),
	       "scratch scratch 4:6", "a build stage on BASE, FROM scratch last");
	is_str(root("ARG BASE\nARG IMG=${BASE}\nFROM ${IMG}\n"), "base $BASE 3:6", "an ARG default from BASE");
	is_str(root("FROM ${BASE:-busybox}\n"), "image busybox 1:6", "BASE not declared: the engine drops it");
	is_str(root("ARG BASE\nFROM ${BASE:-busybox}\n"), "base $BASE 2:6", "${BASE:-word} with BASE given");
	is_str(root("ARG BASE\nFROM ${BASE:+busybox:latest}\n"), "image busybox:latest 2:6", "${BASE:+word}");
	is_str(root("ARG BASE\nFROM ${BASE}-slim\n"), "image $BASE-slim 2:6", "BASE among other text is not BASE");
	is_str(root("ARG BASE\nFROM \"${BASE}\"\n"), "base $BASE 2:6", "double quotes expand");
	is_str(root("ARG BASE\nFROM '${BASE}'\n"), "image ${BASE} 2:6", "single quotes do not");
	is_str(root("ARG A=deb B=ian\nFROM ${A}${B}:x\n"), "image debian:x 2:6", "two ARGs on one line");
	is_str(root("ARG X\nFROM ${X:-${Y:-busybox}}:1\n"), "image busybox:1 2:6", "nested defaults");
}

static void
test_lines(void)
{
	is_str(root("# a comment\n\n  # another\nFROM \\\n  # inside a continuation\n\n  ubuntu:22.04 \\\n"
		    "  AS x\n"), "image ubuntu:22.04 7:3", "comments, blank lines and continuations");
	is_str(root("# escape=`\nARG BASE\nFROM busybox\nRUN echo `\n  hi \\\nFROM ${BASE}\n"), "base $BASE 6:6",
	       "the escape directive: a backslash is plain text");
	is_str(root("#escape = `\nFROM busybox\n"), "image busybox 2:6", "a directive with spaces");
	is_str(root("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN x \\\nFROM b\n"), "image b 5:6",
	       "escape after syntax");
	is_str(root("# version=2\n# escape=`\nFROM a\nRUN x \\\nFROM b\n"), "image a 3:6",
	       "after an unknown directive, escape is a comment");
	is_str(root("\n# escape=`\nFROM a\nRUN echo \\\nFROM b\n"), "image a 3:6",
	       "after a blank line a directive is a comment");
	is_str(root("\xef\xbb\xbf" "FROM a\r\nRUN x\r\nFROM b\r\n"), "image b 3:6", "a byte order mark and CRLF");
	is_str(root("ARG BASE\nFROM --platform=linux/amd64 ${BASE} AS run\n"), "base $BASE 2:29",
	       "FROM --platform");
}

static void
test_args(void)
{
	struct df_arg args[] = { { "IMG", "alpine:3" }, { "BASE", "ignored" } };
	struct dockerfile df;

	ok(parse_args(&df, "ARG IMG=busybox\nFROM $IMG\n", args, 2, 1) == 0 &&
	   strcmp(df.stages[0].image, "alpine:3") == 0, "a build argument wins over the default");
	dockerfile_release(&df);
	ok(parse_args(&df, "ARG BASE=debian:bookworm\nFROM $BASE\n", NULL, 0, 0) == 0 &&
	   df.stages[0].kind == DF_IMAGE && strcmp(df.stages[0].image, "debian:bookworm") == 0,
	   "without BASE given, its default");
	dockerfile_release(&df);
	ok(parse_args(&df, "ARG BASE\nFROM ${BASE} AS b\nFROM scratch\n", NULL, 0, 1) == 0 &&
	   dockerfile_uses_base(&df) && df.base_declared && strcmp(df.stages[0].name, "b") == 0,
	   "a build stage uses BASE");
	dockerfile_release(&df);
	ok(parse_args(&df, "FROM ubuntu\nFROM scratch\n", NULL, 0, 1) == 0 && !dockerfile_uses_base(&df),
	   "no stage uses BASE");
	dockerfile_release(&df);
	ok(parse_args(&df, "ARG BASE\nFROM --platform=linux/arm64 ${BASE}\n", NULL, 0, 1) == 0 &&
	   strcmp(df.stages[0].platform, "linux/arm64") == 0, "the platform is kept");
	dockerfile_release(&df);
}

static void
test_errors(void)
{
	is_str(err("FORM ubuntu\n"), "ctx/Dockerfile:1:1: unknown instruction 'FORM'", "unknown instruction");
	is_str(err("# hello\nRUN true\nFROM a\n"),
	       "ctx/Dockerfile:2:1: 'RUN' before the first FROM (only ARG may come before it)", "RUN before FROM");
	is_str(err("# just comments\n"), "ctx/Dockerfile: no FROM: a Dockerfile builds on an image", "no FROM");
	is_str(err("FROM\n"), "ctx/Dockerfile:1:1: FROM takes [--platform=P] IMAGE [AS NAME]", "FROM alone");
	is_str(err("FROM a b\n"), "ctx/Dockerfile:1:6: FROM takes [--platform=P] IMAGE [AS NAME]", "FROM a b");
	is_str(err("FROM --pull a\n"),
	       "ctx/Dockerfile:1:6: unknown FROM flag '--pull' (the classic builder knows --platform)", "unknown flag");
	is_str(err("FROM a AS 1x\n"), "ctx/Dockerfile:1:11: stage name '1x' must start with a letter and hold "
	       "only letters, digits, '-', '_' and '.'", "a bad stage name");
	is_str(err("\nFROM ${BASE}\n"), "ctx/Dockerfile:2:6: FROM ${BASE} names no image (BASE is not declared "
	       "with ARG before the first FROM, so the engine drops the build argument)", "BASE not declared");
	is_str(err("ARG BASE\nFROM ${BASE%:*}\n"), "ctx/Dockerfile:2:6: unsupported substitution: the classic "
	       "builder knows ${VAR}, ${VAR:-word}, ${VAR:+word} and ${VAR:?message}", "${VAR%pattern}");
	is_str(err("ARG X\nFROM ${X:?X_is_needed}\n"), "ctx/Dockerfile:2:6: a variable the build needs is not set: "
	       "X_is_needed", "${VAR:?message}");
	is_str(err("ARG X='a\nFROM a\n"), "ctx/Dockerfile:1:7: a quote without its end", "an open quote");
	is_str(err("FROM ${X\n"), "ctx/Dockerfile:1:6: unsupported substitution: the classic builder knows ${VAR}, "
	       "${VAR:-word}, ${VAR:+word} and ${VAR:?message}", "an open brace");
	is_str(err("FROM a\nRUN <<EOF\necho hi\nEOF\n"), "ctx/Dockerfile:2:5: heredocs ('<<') need BuildKit; the "
	       "engine's classic builder, which jockey drives, would read the lines after as instructions", "heredoc");
	is_str(err("FROM a\nRUN cat <<-\"END\" >x\n"), "ctx/Dockerfile:2:9: heredocs ('<<') need BuildKit; the "
	       "engine's classic builder, which jockey drives, would read the lines after as instructions",
	       "a quoted heredoc");
	is_str(err("FROM a\nRUN echo '<<EOF' <<< x\n"), "(parsed)", "'<<' in quotes and '<<<' are not heredocs");
	is_str(err("FROM a\nRUN --mount=type=cache,target=/c make\n"), "ctx/Dockerfile:2:5: 'RUN --mount' needs "
	       "BuildKit; jockey drives the engine's classic builder, which refuses it", "RUN --mount");
	is_str(err("FROM a\ncopy --chown=1 --chmod=755 x /x\n"), "ctx/Dockerfile:2:16: 'COPY --chmod' needs "
	       "BuildKit; jockey drives the engine's classic builder, which refuses it", "COPY --chmod");
	is_str(err("FROM a\nADD --link x /x\n"), "ctx/Dockerfile:2:5: 'ADD --link' needs BuildKit; jockey drives "
	       "the engine's classic builder, which refuses it", "ADD --link");
	is_str(err("# escape=x\nFROM a\n"), "ctx/Dockerfile:1:1: escape must be '\\' or '`', not 'x'", "a bad escape");
	is_str(err("# escape=`\n# escape=`\nFROM a\n"), "ctx/Dockerfile:2:1: only one escape directive is allowed",
	       "two escape directives");
}

static void
test_rebase(void)
{
	const char *text = "# a comment\nFROM ubuntu:22.04 AS run\nRUN true\n";
	struct dockerfile df;
	size_t n = 0;
	char *out;

	if (!ok(parse(&df, text) == 0, "a fixed FROM parses"))
		return;
	out = dockerfile_rebase(dockerfile_root(&df), text, strlen(text), "debian@sha256:00ff", &n);
	is_str(out, "# a comment\nFROM debian@sha256:00ff AS run\nRUN true\n", "rebase replaces that operand only");
	is_int(n, strlen(out ? out : ""), "its length");
	free(out);
	dockerfile_release(&df);
	text = "FROM ubu\\\nntu\n";
	if (ok(parse(&df, text) == 0, "an operand split by a continuation parses")) {
		is_str(df.stages[0].image, "ubuntu", "and reads as one word");
		ok(dockerfile_rebase(&df.stages[0], text, strlen(text), "x", &n) == NULL, "but is not rebased in place");
		dockerfile_release(&df);
	}
}

static void
test_same_image(void)
{
	ok(dockerfile_same_image("ubuntu", "ubuntu:latest"), "no tag is latest");
	ok(dockerfile_same_image("docker.io/library/ubuntu:22.04", "ubuntu:22.04"), "docker.io/library/");
	ok(dockerfile_same_image("docker.io/me/app:1", "me/app:1"), "docker.io/");
	ok(!dockerfile_same_image("ubuntu:22.04", "ubuntu:24.04"), "two tags differ");
	ok(dockerfile_same_image("127.0.0.1:5000/x", "127.0.0.1:5000/x:latest"), "a registry's port is no tag");
	ok(dockerfile_same_image("x:1@sha256:ab", "x@sha256:ab"), "a digest counts, not the tag beside it");
	ok(!dockerfile_same_image("x@sha256:ab", "x@sha256:cd"), "two digests differ");
}

/* from_problem under one mode: "" when fine, else the message. */
static const char *
problem(const char *text, enum from_mode m, const char *under_test)
{
	static char out[512];
	const struct df_stage *st;
	struct dockerfile df;
	char *p;

	if (parse(&df, text) < 0)
		return msg;
	p = from_problem(&df, m, under_test, &st);
	snprintf(out, sizeof(out), "%s", p ? p : "");
	free(p);
	dockerfile_release(&df);
	return out;
}

static void
test_from(void)
{
	const char *fixed = "FROM ubuntu:22.04\nRUN true\n", *base = "ARG BASE\nFROM ${BASE}\n";
	const char *scratch = "ARG BASE\nFROM ${BASE} AS b\nFROM scratch\nCOPY --from=b /x /x\n";

	is_str(problem(base, FROM_BASE, NULL), "", "base: FROM ${BASE} is fine");
	is_str(problem(fixed, FROM_BASE, NULL), "the target stage builds on 'ubuntu:22.04', not on BASE, the image "
	       "under test: the engine would drop BASE and every cell would measure 'ubuntu:22.04'", "base: a fixed FROM");
	is_str(problem(scratch, FROM_BASE, NULL), "the target stage is FROM scratch: its cells would run none of the "
	       "image under test's files", "base: a scratch target");
	is_str(problem("ARG BASE\nFROM ${BASE}-slim\n", FROM_BASE, NULL), "the target stage builds on '$BASE-slim', "
	       "not on BASE itself, the image under test", "base: BASE among other text");
	is_str(problem(fixed, FROM_REBASE, NULL), "", "rebase: a fixed FROM");
	is_str(problem(scratch, FROM_REBASE, NULL), "", "rebase: scratch");
	is_str(problem("FROM ubu\\\nntu\n", FROM_REBASE, NULL), "'from: rebase', but a line continuation splits "
	       "this FROM: jockey rewrites an operand on one line only", "rebase: a split operand");
	is_str(problem(fixed, FROM_KEEP, "docker.io/library/ubuntu:22.04"), "", "keep: the cell's image is the FROM");
	is_str(problem(fixed, FROM_KEEP, "ubuntu:24.04"), "'from: keep' measures 'ubuntu:22.04', the Dockerfile's own "
	       "image, but a cell is labelled 'ubuntu:24.04': run this benchmark on 'ubuntu:22.04' alone (images: "
	       "[\"ubuntu:22.04\"])", "keep: another image");
	is_str(problem(base, FROM_KEEP, "x:1"), "'from: keep', but the target stage builds on BASE, the image under "
	       "test: leave 'from' out", "keep: a FROM ${BASE}");
	is_str(problem(scratch, FROM_BUILD, NULL), "", "build: a scratch target after a stage on BASE");
	is_str(problem(fixed, FROM_BUILD, NULL), "'from: build', but no stage builds on BASE, the image under test",
	       "build: no stage on BASE");
	is_int(from_parse("keep"), FROM_KEEP, "from_parse");
	is_int(from_parse("kept"), -1, "from_parse: unknown");
}

static void
test_keys(void)
{
	char *s;

	is_str(s = name_context_slug(".", "git://h/bench.git"), "bench", "context '.': the repo's name"), free(s);
	is_str(s = name_context_slug("./", "/srv/df/"), "df", "a local repo's folder"), free(s);
	is_str(s = name_context_slug("", "git://h/.git"), "root", "no name: root"), free(s);
	is_str(s = name_context_slug("sysbench", "git://h/bench.git"), "sysbench", "a folder: its slug"), free(s);
	is_str(s = name_context_path("./a//b/"), "a/b", "a context path made canonical"), free(s);
}

static void
test_layers(void)
{
	json_t *base = json_pack("[s, s]", "sha256:a", "sha256:b");
	json_t *built = json_pack("[s, s, s]", "sha256:a", "sha256:b", "sha256:c");
	json_t *other = json_pack("[s, s]", "sha256:x", "sha256:b");

	ok(image_descends(base, built), "the base's layers first: it descends");
	ok(image_descends(base, base), "the base itself descends from it");
	ok(!image_descends(built, base), "fewer layers than the base: it does not");
	ok(!image_descends(base, other), "other layers: it does not");
	ok(!image_descends(NULL, built), "no layers: it does not");
	json_decref(base);
	json_decref(built);
	json_decref(other);
}

int
main(void)
{
	int fd = mkstemp(errfile);

	if (fd < 0)
		return 1;
	close(fd);
	test_roots();
	test_lines();
	test_args();
	test_errors();
	test_rebase();
	test_same_image();
	test_from();
	test_keys();
	test_layers();
	unlink(errfile);
	return tap_done();
}
