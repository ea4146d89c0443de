/* plan.h: what gen works out from the matrix and its cells before it
 * renders anything (plan.c), and what it has rendered (gen.c): shared by
 * the files of the generator, not for other modules.
 *
 * Bases and image keys are found per image:tag and benchmark, not per cell,
 * so that the plan grows with the axes rather than with the cells. */
#ifndef JOCKEY_PLAN_H
#define JOCKEY_PLAN_H

#include <stddef.h>

#include "base/buf.h"
#include "gen/gen.h"
#include "gen/matrix.h"
#include "gen/out.h"

/* A base image on one engine: base/FILE.json and its probe edge. */
struct base {
	char *file;       /* IMG (+ ".eN"): the file name part */
	char *slug;       /* IMG: image slug - tag slug */
	char *ref, *name, *tag;
	const char *pull;
	int engine;
	struct mark mark;  /* where the matrix names it, for messages */
};

/* One image to build (or, without context, to inspect): images/KEY.json. */
struct key {
	char *key;
	char *recipe;         /* conf/image/RECIPE.json: CTX (or "asis") + ".hHASH" of the build args */
	const char *context;  /* path in the repo, or NULL (as is) */
	char *ctx_slug;       /* borrowed from the side's struct sidekey */
	const struct kvlist *args;
	enum from_mode from;  /* what its Dockerfile may build on */
	char *base_file;      /* struct base .file it builds on */
	char *base_ref;
	int engine;
	struct mark mark;     /* the side that needs it */
};

/* What a side of a benchmark needs for its image key, computed once. */
struct sidekey {
	char *ctx_slug;   /* NULL: as is */
	char *base_slug;  /* slug of side->base, NULL: the image under test */
	char *hash;       /* 8 hex of the build args, NULL without any */
};

struct gen {
	const struct matrix *m;
	const struct cell *cells;
	size_t ncells;
	const struct gen_options *o;
	const char **engines;     /* distinct engines, first use order */
	size_t nengines;
	int *host_engine;         /* per host: index into engines */
	struct sidekey *sk;       /* per benchmark: [3 * b + side], side 0 main, 1 server, 2 client */
	struct base *bases;       /* sorted by file */
	size_t nbases;
	struct key *keys;         /* sorted by key */
	size_t nkeys;
	char **cbase;             /* per cell: the file of its image under test's base */
	const struct key **ctx;   /* a key of each distinct context, sorted by context slug */
	size_t nctx;
	char (*parse_hash)[17];   /* per benchmark: its parsers' hash, in its parse rule */
	int bad;                  /* a problem that makes the matrix unwritable */
	/* rendered */
	struct outs outs;         /* every file but build.ninja */
	struct buf ninja;         /* build.ninja */
};

/* Work out the engines, side keys, bases, image keys and contexts of g's
 * cells (g->m, cells, ncells and o set); problems set g->bad. */
void plan_make(struct gen *g);
/* Free what plan_make made (and the rendered files). */
void plan_release(struct gen *g);

/* The base of a cell's image under test, found by its file name. */
const struct base *plan_base(const struct gen *g, const char *file);
/* The engine (index into g->engines) of cell c. */
int plan_cell_engine(const struct gen *g, const struct cell *c);
/* The image keys sorted by recipe (then key) in *out (fresh array of
 * pointers into g->keys); returns their number. */
size_t plan_keys_by_recipe(const struct gen *g, const struct key ***out);
/* The most repetitions (warmups included) of any cell. */
int plan_reps_max(const struct gen *g);

#endif
