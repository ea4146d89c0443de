/* writer.h: build.ninja, written in three parts, each appended to a buffer
 * (gen.c puts them together on a thread of their own):
 *
 *   head.c    the variables, one pool per engine, one rule per command (one
 *             rule per repetition number and per benchmark for the run and
 *             parse edges), and the regeneration edge;
 *   images.c  the fetch, probe, images and build-image edges;
 *   cells.c   the cells, run and parse edges, and the phony targets that
 *             name groups of cells (cell:, cells:, image:, benchmark:, host:,
 *             samples:).
 *
 * Each returns 0, or -1 after a message for each path ninja cannot hold. */
#ifndef JOCKEY_NINJA_WRITER_H
#define JOCKEY_NINJA_WRITER_H

#include <stdio.h>

#include "base/buf.h"
#include "gen/ninja/syntax.h"
#include "gen/plan.h"

int ninja_head(const struct gen *g, struct buf *b);
int ninja_images(const struct gen *g, struct buf *b);
/* cb: cells.ninja's cell:ID targets for a big matrix (see gen.h); top: the
 * aggregate's inputs, " samples$:N" each. */
int ninja_cells(const struct gen *g, struct buf *b, struct buf *cb, struct buf *top);

/* The qualifier of the profile rule of settings p: "F.CG.N" (static
 * storage, overwritten by the next call). */
static inline const char *
ninja_profile_rule(const struct profile *p)
{
	static char s[64];

	snprintf(s, sizeof(s), "%d.%s.%d", p->frequency, call_graph_name(p->call_graph), p->repeat);
	return s;
}

/* One build statement from lists (ninja_build without the struct). */
static inline int
ninja_edge(struct buf *b, const char *rule, const char *const *outs, size_t nouts,
	   const char *const *ins, size_t nins, const char *const *imp, size_t nimp,
	   const char *const *vars, size_t nvars)
{
	struct ninja_edge e = { rule, outs, nouts, ins, nins, imp, nimp, vars, nvars };

	return ninja_build(b, &e);
}

#endif
