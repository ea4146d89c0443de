/* starter.h: a commented starter matrix for a Dockerfile repository
 * (`jockey init`): its build contexts, what each Dockerfile builds on (ARG
 * BASE, a fixed image, scratch), and a matrix that jockey gen accepts, with
 * the images named in the FROM lines. */
#ifndef JOCKEY_STARTER_H
#define JOCKEY_STARTER_H

#include <stdio.h>

#include "gen/repo.h"

enum starter_mode {
	STARTER_BASE,  /* FROM ${BASE}: runs on every image under test */
	STARTER_KEEP,  /* FROM a fixed image: from: keep, on that image alone */
	STARTER_BUILD, /* a stage builds on BASE, the target on something else: from: build */
	STARTER_SKIP   /* nothing to test (FROM scratch alone) or not readable */
};

struct starter_ctx {
	char *context;   /* its folder in the repo ("" for the top) */
	char *bench;     /* the benchmark's name: a slug, unique */
	int takes_base;  /* ARG BASE before the first FROM, and some FROM uses it */
	char *from;      /* the target's FROM as written, or NULL */
	char *image;     /* the image it names (BASE's default for STARTER_BASE), or NULL */
	enum starter_mode mode;
	char *note;      /* why it is skipped, or NULL */
};

struct starter {
	struct starter_ctx *v;
	size_t n;
};

/* Read the Dockerfiles of the n contexts c (repo_contexts); shown names the
 * repo in messages. Parse errors become notes of skipped contexts. */
void starter_read(struct starter *st, const struct repo_ctx *c, size_t n, const char *shown);
void starter_release(struct starter *st);
/* One line per context: its folder, ARG BASE or not, its FROM, the mode. */
void starter_list(const struct starter *st, FILE *f);
/* The matrix text: name, the repo as the matrix names it (relative to the
 * matrix's folder, or a URL), ref (or NULL), the schema's path from the
 * matrix's folder (or NULL). Fresh. */
char *starter_matrix(const struct starter *st, const char *name, const char *repo, const char *ref,
		     const char *schema);

#endif
