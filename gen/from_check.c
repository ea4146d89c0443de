/* from_check.c: every context's Dockerfile against its benchmark's 'from'
 * and the images its cells run on, when generating (see from.h). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/from.h"
#include "gen/names.h"
#include "gen/repo.h"

/* The side's build arguments as the parser takes them (borrowed strings). */
static struct df_arg *
side_args(const struct side *s)
{
	struct df_arg *a = xcalloc(s->build_args.n + 1, sizeof(*a));
	size_t i;

	for (i = 0; i < s->build_args.n; i++) {
		a[i].name = s->build_args.v[i].key;
		a[i].value = s->build_args.v[i].value;
	}
	return a;
}

static void
report(const struct matrix *m, const struct benchmark *b, const struct side *s, const struct dockerfile *df,
       const struct df_stage *st, const char *problem)
{
	struct mark at = s->from_mark.line ? s->from_mark : b->mark;

	error("%s:%d:%d: %s%s%s (benchmark '%s' at %s:%d:%d)", df->path, st->line, st->col, problem,
	      s->from == FROM_BASE ? "; " : "", s->from == FROM_BASE ? from_ways_out(st) : "", b->name,
	      m->path, at.line, at.col);
}

/* keep: each image the benchmark's cells are labelled with must be the
 * Dockerfile's own. */
static int
keep_check(const struct matrix *m, const struct benchmark *b, const struct side *s,
	   const struct dockerfile *df, const struct cell *cells, size_t ncells)
{
	const struct df_stage *st;
	char *last = NULL, *under, *problem;
	size_t i;
	int ret = 0;

	for (i = 0; i < ncells && ret == 0; i++) {
		if (cells[i].bench != b)
			continue;
		under = s->base ? xstrdup(s->base) : name_ref(cells[i].image->name, cells[i].tag);
		if (!last || strcmp(last, under) != 0) {
			if ((problem = from_problem(df, FROM_KEEP, under, &st))) {
				report(m, b, s, df, st, problem);
				free(problem);
				ret = -1;
			}
		}
		free(last);
		last = under;
	}
	free(last);
	return ret;
}

static int
side_check(const struct matrix *m, const struct benchmark *b, const struct side *s, const struct cell *cells,
	   size_t ncells)
{
	struct dockerfile df;
	const struct df_stage *st;
	struct df_arg *args;
	char *text, *shown, *problem;
	size_t len;
	int rc;

	rc = repo_dockerfile(m->repo, m->ref, s->context, &text, &len, &shown);
	if (rc != 0)
		return 0;
	args = side_args(s);
	rc = dockerfile_parse(&df, shown, text, len, args, s->build_args.n, 1);
	free(args);
	free(text);
	free(shown);
	if (rc < 0)
		return error("%s:%d:%d: benchmark '%s' builds context '%s' from that Dockerfile", m->path,
			     s->mark.line, s->mark.col, b->name, s->context);
	if (s->from == FROM_KEEP) {
		rc = keep_check(m, b, s, &df, cells, ncells);
	} else if ((problem = from_problem(&df, s->from, NULL, &st))) {
		report(m, b, s, &df, st, problem);
		free(problem);
		rc = -1;
	}
	dockerfile_release(&df);
	return rc;
}

/* The sides of m's benchmarks that build, in order: sides[3 * b + k]. */
static const struct side *
side_of(const struct matrix *m, size_t i)
{
	const struct benchmark *b = &m->benchmarks[i / 3];
	const struct side *s = i % 3 == 0 ? (b->is_pair ? NULL : &b->main) : b->is_pair ?
			       (i % 3 == 1 ? &b->server : &b->client) : NULL;

	return s && s->context ? s : NULL;
}

/* One context is built one way: two modes for it would share its images. */
static int
modes_agree(const struct matrix *m, size_t i)
{
	const struct side *a = side_of(m, i), *b;
	char *pa = name_context_path(a->context), *pb;
	size_t j;
	int ret = 0;

	for (j = 0; j < i && ret == 0; j++) {
		if (!(b = side_of(m, j)) || b->from == a->from)
			continue;
		pb = name_context_path(b->context);
		if (strcmp(pa, pb) == 0)
			ret = error("%s:%d:%d: context '%s' is built with 'from: %s' here and 'from: %s' at line "
				    "%d: one context is built one way", m->path, a->mark.line, a->mark.col,
				    a->context, from_name(a->from), from_name(b->from), b->mark.line);
		free(pb);
	}
	free(pa);
	return ret;
}

int
from_check(const struct matrix *m, const struct cell *cells, size_t ncells)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < 3 * m->nbenchmarks; i++) {
		const struct side *s = side_of(m, i), *server = i % 3 == 2 ? side_of(m, i - 1) : NULL;

		if (!s)
			continue;
		if (modes_agree(m, i) < 0)
			ret = -1;
		/* a pair's client that builds as its server does: checked once */
		if (server && strcmp(server->context, s->context) == 0 && server->from == s->from &&
		    !server->base == !s->base && (!s->base || strcmp(server->base, s->base) == 0))
			continue;
		if (side_check(m, &m->benchmarks[i / 3], s, cells, ncells) < 0)
			ret = -1;
	}
	return ret;
}
