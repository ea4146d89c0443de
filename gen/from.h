/* from.h: what a benchmark's Dockerfile may build on, the matrix's 'from'
 * (docs/matrix.md), decided from the Dockerfile as gen/dockerfile.h reads
 * it: once when generating, for every context of the matrix (from_check:
 * gen, ls and run refuse a matrix whose Dockerfiles do not fit), and again
 * by the build-image edge for the tree it builds (from_build), which also
 * rewrites the FROM that 'from: rebase' replaces. After every build the
 * edge checks the layers too (runners/run/image.c): the parser sees the
 * text, the layers what the engine did. */
#ifndef JOCKEY_FROM_H
#define JOCKEY_FROM_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"
#include "gen/dockerfile.h"
#include "gen/matrix.h"

/* "base", "rebase", "keep", "build". Static. */
const char *from_name(enum from_mode m);
/* The mode called name, or -1. */
int from_parse(const char *name);

/* What is wrong with building df under mode m, as a fresh message (NULL
 * when nothing is): under_test is the image the cells are labelled with,
 * or NULL when it is not known. *st: the stage the message is about. */
char *from_problem(const struct dockerfile *df, enum from_mode m, const char *under_test,
		   const struct df_stage **st);
/* The ways out of from_problem's problems under the default mode, for
 * people: "say 'from: rebase' ...". Static. */
const char *from_ways_out(const struct df_stage *st);

/* The Dockerfiles of every context of m's benchmarks, against their
 * 'from' and the images their cells run on: 0, or -1 after printing every
 * problem with the Dockerfile's place and the benchmark's. A Dockerfile
 * that is not at hand (a remote not fetched yet) is left to the build. */
int from_check(const struct matrix *m, const struct cell *cells, size_t ncells);

/* The build-image edge's context (its image.h image_tar_fn): the tar of
 * the tree tree_id from repo_json, whose Dockerfile is checked against
 * image's "from" (images/KEY.json) and the image under test base_ref, and
 * rewritten by 'from: rebase' to build on base_ref. *note (new) says what
 * the Dockerfile builds on: {path, line, col, from, mode, rebased_to}.
 * 0, or -1 with a message. */
int from_build(const char *repo_json, const char *tree_id, const json_t *image, const char *base_ref,
	       struct buf *tar, json_t **note);

#endif
