/* dockerfile.h: what a Dockerfile builds on, read the way the engine's
 * classic builder reads it (the only builder jockey drives: POST /build
 * without BuildKit).
 *
 * The parser knows the parts that decide the base of a build: parser
 * directives (escape; syntax and check are ignored, as the classic builder
 * ignores them), comments, line continuations (comment and empty lines
 * inside one are dropped), ARG before the first FROM with its defaults and
 * the build arguments given, FROM [--platform=P] IMAGE [AS NAME], and the
 * stages: a FROM may name an earlier stage (case-insensitively), scratch,
 * or an image. The words of FROM and ARG are expanded as the builder's
 * shell lexer does: '...', "...", the escape character, $VAR, ${VAR},
 * ${VAR:-word}, ${VAR:+word} and ${VAR:?message}; the other forms of
 * BuildKit (${VAR#pat}, ${VAR%pat}, ${VAR/a/b}, ${VAR-word}) the classic
 * builder refuses, and so does this parser. It also refuses, with their
 * place, what the classic builder cannot build: heredocs, RUN --mount,
 * --network and --security, COPY and ADD --chmod, --link, --parents,
 * --exclude, --checksum and --keep-git-dir, and unknown instructions.
 *
 * The image under test is the build argument BASE: dockerfile_parse
 * substitutes it symbolically, so a stage whose FROM expands to BASE and
 * nothing else is DF_BASE, whatever BASE will be. The target is the last
 * stage, as the engine builds it. */
#ifndef JOCKEY_DOCKERFILE_H
#define JOCKEY_DOCKERFILE_H

#include <stddef.h>

/* A build argument given to the build (BASE is not one: see base_given). */
struct df_arg {
	const char *name, *value;
};

enum df_kind {
	DF_IMAGE,   /* FROM names an image (which may mention BASE among other text) */
	DF_STAGE,   /* FROM names an earlier stage: parent */
	DF_SCRATCH, /* FROM scratch */
	DF_BASE     /* FROM is BASE itself: the image under test */
};

struct df_stage {
	char *operand;   /* the FROM operand as written: "${BASE}", "ubuntu:22.04" */
	char *image;     /* expanded; "$BASE" stands for the image under test; a stage's name for DF_STAGE */
	char *name;      /* the AS name, lowercased, or NULL */
	char *platform;  /* --platform's value as written, or NULL */
	enum df_kind kind;
	int parent;      /* DF_STAGE: the index of the stage it builds on, else -1 */
	int line, col;   /* the operand's place, from 1 */
	size_t off, len; /* the operand's bytes in the text; len 0 when a continuation splits it */
};

struct dockerfile {
	char *path;             /* for messages, as given */
	char escape;            /* '\\' or '`' (the escape directive) */
	struct df_stage *stages;
	size_t nstages;
	int base_declared;      /* ARG BASE comes before the first FROM: the engine passes it */
};

/* Parse text (len bytes) of the Dockerfile named path in messages, with
 * the build arguments args (n of them) and, when base_given, BASE set to
 * the image under test. 0, or -1 after printing "path:line:col: message";
 * df is then released. */
int dockerfile_parse(struct dockerfile *df, const char *path, const char *text, size_t len,
		     const struct df_arg *args, size_t n, int base_given);
void dockerfile_release(struct dockerfile *df);

/* The stage the target's chain starts from: the last stage, followed
 * through DF_STAGE parents to one that names BASE, scratch or an image. */
const struct df_stage *dockerfile_root(const struct dockerfile *df);
/* 1 when some stage's chain starts from BASE (a build stage, say). */
int dockerfile_uses_base(const struct dockerfile *df);
/* text (len bytes) with st's FROM operand replaced by ref: fresh, its
 * length in *outlen; NULL when a line continuation splits the operand. */
char *dockerfile_rebase(const struct df_stage *st, const char *text, size_t len, const char *ref,
			size_t *outlen);

/* 1 when two image references name the same image as the engine reads
 * them: "ubuntu" is "ubuntu:latest", "docker.io/library/ubuntu:22.04" is
 * "ubuntu:22.04". */
int dockerfile_same_image(const char *a, const char *b);

#endif
