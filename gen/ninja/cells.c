/* cells.c: the cells' edges and the phony targets that name groups of
 * them (see writer.h).
 *
 * Cells sharing an image:tag and a benchmark form a group: one cells edge
 * writes their cell files (per engine), and cells:IMAGE-TAG.BENCHMARK lists
 * them, so that image:, benchmark: and the aggregate name a group rather
 * than each cell. Every name ninja reads costs it time at load: this keeps
 * a cell to ten, with one repetition (docs/design.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/layout.h"
#include "base/strmap.h"
#include "base/util.h"
#include "gen/names.h"
#include "gen/ninja/writer.h"
#include "gen/order.h"

/* Samples are gathered under phony chunks: ninja checks every input of an
 * edge each time one of them finishes, so one aggregate edge with 100,000
 * inputs would make a run quadratic. */
enum { SAMPLES_CHUNK = 256 };

/* A phony group (image:NAME, benchmark:NAME, ...): its members' names. */
struct group {
	char *name;
	struct buf cells;  /* " cell$:ID" each, already escaped */
};

enum { G_IMAGE, G_IMAGE_TAG, G_BENCHMARK, G_HOST, NGROUPS };

/* Paths of one cell, rebuilt in place for each cell and repetition. */
struct cellpaths {
	struct buf run;      /* " cells/ID/run.json", escaped */
	struct buf log, samples;
	struct buf keys[2];  /* the image stamps of its sides */
};

/* The state of writing the cells' edges, with what neighbouring cells share. */
struct cellwriter {
	const struct gen *g;
	struct buf *b;              /* build.ninja */
	struct buf *cb;             /* cells.ninja: the cell:ID targets of a big matrix */
	struct buf *top;            /* the aggregate's inputs: " samples$:N" each */
	struct cellpaths p;
	struct buf phony;           /* this cell's samples, escaped */
	struct buf members;         /* this group's cells, escaped: " cell$:ID" each */
	struct buf chunk;           /* the current samples chunk, escaped */
	size_t nchunk, nchunks;
	struct buf path, name;      /* scratch */
	char **pools;               /* per engine: "engine_N" */
	struct group *groups[NGROUPS];
	size_t ngroups[NGROUPS];
	struct strmap seen;         /* cells: group names written so far (in names) */
	char **names;
	size_t nnames;
	int bad;                    /* a path ninja cannot hold */
};

static int
group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static struct group *
group_get(struct group **v, size_t *n, const char *name)
{
	size_t i;

	/* Few groups (images, benchmarks, hosts) and cells come sorted by
	 * image: the last one added is the usual hit. */
	for (i = *n; i > 0; i--)
		if (strcmp((*v)[i - 1].name, name) == 0)
			return &(*v)[i - 1];
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = xstrdup(name);
	buf_init(&(*v)[*n].cells);
	return &(*v)[(*n)++];
}

/* Write the groups as phony targets, sorted, and free them. */
static int
groups_write(struct buf *b, struct group *v, size_t n)
{
	size_t i, mark;
	int r = 0;

	if (n)
		qsort(v, n, sizeof(*v), group_cmp);
	for (i = 0; i < n; i++) {
		mark = b->len;
		buf_puts(b, "build ");
		if (ninja_escape_path(b, v[i].name) < 0) {
			b->len = mark;
			b->data[mark] = '\0';
			r = error("cannot write target '%s' to build.ninja: "
				  "ninja paths cannot hold '|' or a newline", v[i].name);
		} else {
			buf_puts(b, ": phony");
			buf_add(b, v[i].cells.data, v[i].cells.len);
			buf_putc(b, '\n');
		}
		free(v[i].name);
		buf_release(&v[i].cells);
	}
	free(v);
	return r;
}

static void
group_add(struct group **v, size_t *n, struct buf *name, const char *member)
{
	struct buf *cells = &group_get(v, n, name->data)->cells;

	buf_putc(cells, ' ');
	ninja_escape_path(cells, member);
}

/* Put member in group "prefix:a" or "prefix:a:b". */
static void
group_put(struct cellwriter *w, int which, const char *prefix, const char *a, const char *b,
	  const char *member)
{
	buf_reset(&w->name);
	buf_puts(&w->name, prefix);
	buf_puts(&w->name, a);
	if (b) {
		buf_putc(&w->name, ':');
		buf_puts(&w->name, b);
	}
	group_add(&w->groups[which], &w->ngroups[which], &w->name, member);
}

/* image:NAME lists its image:NAME:TAG targets rather than every cell. */
static void
images_group(const struct gen *g, struct group **v, size_t *n, struct group *tags, size_t ntags)
{
	struct buf name = BUF_INIT, tag = BUF_INIT;
	size_t i, j, k;

	for (i = 0; i < g->m->nimages; i++) {
		const struct image *im = &g->m->images[i];

		for (j = 0; j < im->tags.n; j++) {
			buf_reset(&tag);
			buf_printf(&tag, "image:%s:%s", im->name, im->tags.v[j]);
			for (k = 0; k < ntags && strcmp(tags[k].name, tag.data) != 0; k++)
				;
			if (k == ntags)
				continue;
			buf_reset(&name);
			buf_printf(&name, "image:%s", im->name);
			group_add(v, n, &name, tag.data);
		}
	}
	buf_release(&name);
	buf_release(&tag);
}

/* " " and s escaped for ninja, on b. */
static void
put_text(struct cellwriter *w, struct buf *b, const char *s)
{
	buf_putc(b, ' ');
	if (ninja_escape_path(b, s) < 0) {
		error("cannot write '%s' to build.ninja: ninja paths cannot hold '|' or a newline", s);
		w->bad = 1;
	}
}

/* " " and the path of kind k for name, escaped, on b. */
static void
put_file(struct cellwriter *w, struct buf *b, enum layout_kind k, const char *name)
{
	buf_reset(&w->path);
	layout_put(&w->path, k, name);
	put_text(w, b, w->path.data);
}

/* " " and the target prefix + name, escaped, on b. */
static void
put_target(struct cellwriter *w, struct buf *b, const char *prefix, const char *name)
{
	buf_reset(&w->path);
	buf_puts(&w->path, prefix);
	buf_puts(&w->path, name);
	put_text(w, b, w->path.data);
}

static void
samples_flush(struct cellwriter *w)
{
	if (!w->nchunk)
		return;
	buf_printf(w->b, "build samples$:%zu: phony", w->nchunks);
	buf_add(w->b, w->chunk.data, w->chunk.len);
	buf_putc(w->b, '\n');
	buf_printf(w->top, " samples$:%zu", w->nchunks);
	w->nchunks++;
	w->nchunk = 0;
	buf_reset(&w->chunk);
}

/* The image stamps a cell's run needs (one per distinct side image), in
 * p->keys; returns how many. */
static size_t
cell_keys(const struct gen *g, const struct cell *c, const char *img, struct cellpaths *p)
{
	const struct benchmark *bm = c->bench;
	const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };
	size_t bi = (size_t)(bm - g->m->benchmarks), s, n = 0;
	char *suffix = name_engine_suffix(g->nengines, plan_cell_engine(g, c));

	for (s = bm->is_pair ? 1 : 0; s < (bm->is_pair ? 3u : 1u); s++) {
		const struct sidekey *sk = &g->sk[3 * bi + s];
		char *key = name_key(sk->ctx_slug, sides[s]->context && sk->base_slug ? sk->base_slug : img,
				     sk->hash, suffix);

		buf_reset(&p->keys[n]);
		layout_put(&p->keys[n], LAYOUT_IMAGE_ID, key);
		free(key);
		if (n == 0 || strcmp(p->keys[0].data, p->keys[1].data) != 0)
			n++;
	}
	free(suffix);
	return n;
}

/* The edge that writes the cell files of cells[i..j) on engine e, which
 * share an image:tag and a benchmark, and so their images: their stamps are
 * its inputs (run.json holds the ids). */
static void
ninja_cell_files(struct cellwriter *w, size_t i, size_t j, int e)
{
	const struct gen *g = w->g;
	const struct cell *c = NULL;
	size_t k, nkeys;
	char *img;

	buf_puts(w->b, "build");
	for (k = i; k < j; k++)
		if (plan_cell_engine(g, &g->cells[k]) == e)
			put_file(w, w->b, LAYOUT_CELL_RUN, (c = &g->cells[k])->id);
	buf_puts(w->b, ": cells");
	put_file(w, w->b, LAYOUT_BASE_JSON, g->cbase[c - g->cells]);
	put_file(w, w->b, LAYOUT_BENCH_JSON, c->bench->name);
	for (k = i; k < j; k++)
		if (plan_cell_engine(g, &g->cells[k]) == e)
			put_file(w, w->b, LAYOUT_HOST_JSON, g->cells[k].host->name);
	buf_puts(w->b, " |");
	put_text(w, w->b, g->o->jockey);
	img = name_img(c->image->name, c->tag);
	nkeys = cell_keys(g, c, img, &w->p);
	free(img);
	for (k = 0; k < nkeys; k++)
		put_text(w, w->b, w->p.keys[k].data);
	buf_putc(w->b, '\n');
	if (g->nengines > 1)
		buf_printf(w->b, "  pool = %s\n", w->pools[e]);
}

/* cells/ID/REP/log (rep as text) in p->log. */
static void
rep_log(struct cellpaths *p, const struct cell *c, const char *rep_s)
{
	buf_reset(&p->log);
	layout_put_rep(&p->log, c->id, rep_s, LAYOUT_LOG);
}

/* One repetition's run edge: cells/ID/REP/log (and metrics.json,
 * metrics.tsv) from p->run and p->log. */
static void
ninja_run(struct cellwriter *w, const struct cell *c, int rep)
{
	struct cellpaths *p = &w->p;

	buf_puts(w->b, "build");
	put_text(w, w->b, p->log.data);
	buf_printf(w->b, ": run-cell.%d", rep);
	buf_add(w->b, p->run.data, p->run.len);
	buf_putc(w->b, '\n');
	if (w->g->nengines > 1)
		buf_printf(w->b, "  pool = %s\n", w->pools[plan_cell_engine(w->g, c)]);
}

/* One repetition's parse edge, and its run edge unless the run edges come
 * interleaved at the end (ninja_order). */
static void
ninja_rep(struct cellwriter *w, const struct cell *c, int rep)
{
	struct cellpaths *p = &w->p;
	char rep_s[16];

	snprintf(rep_s, sizeof(rep_s), "%d", rep);
	rep_log(p, c, rep_s);
	buf_reset(&p->samples);
	layout_put_rep(&p->samples, c->id, rep_s, LAYOUT_SAMPLES);
	if (!order_interleaved(w->g))
		ninja_run(w, c, rep);
	/* parse: the log and the benchmark's parsers */
	buf_puts(w->b, "build");
	put_text(w, w->b, p->samples.data);
	buf_printf(w->b, ": parse.%s", c->bench->name);
	put_text(w, w->b, p->log.data);
	buf_putc(w->b, '\n');
	put_text(w, &w->phony, p->samples.data);
}

/* A profiled cell's profile edge: its extra repetitions under perf, after
 * its timed ones (order-only: a rerun of those does not rerun it), in the
 * engine's pool (the rule's). */
static void
ninja_profile(struct cellwriter *w, const struct cell *c, const struct profile *pr, int reps)
{
	struct buf *b = w->b;
	char rep_s[16];
	int rep;

	buf_puts(b, "build");
	put_file(w, b, LAYOUT_CELL_PROFILE, c->id);
	buf_puts(b, " |");
	put_file(w, b, LAYOUT_CELL_FOLDED, c->id);
	buf_printf(b, ": profile.%s", ninja_profile_rule(pr));
	buf_add(b, w->p.run.data, w->p.run.len);
	buf_puts(b, " ||");
	for (rep = 1; rep <= reps; rep++) {
		snprintf(rep_s, sizeof(rep_s), "%d", rep);
		buf_reset(&w->p.log);
		layout_put_rep(&w->p.log, c->id, rep_s, LAYOUT_LOG);
		put_text(w, b, w->p.log.data);
	}
	buf_putc(b, '\n');
	if (w->g->nengines > 1)
		buf_printf(b, "  pool = %s\n", w->pools[plan_cell_engine(w->g, c)]);
	put_file(w, &w->phony, LAYOUT_CELL_PROFILE, c->id);
}

/* The run edges in the interleaved order (order.h). */
static void
ninja_order(struct cellwriter *w)
{
	size_t i, n;
	struct order_step *v = order_steps(w->g, &n);
	char rep_s[16];

	for (i = 0; i < n; i++) {
		const struct cell *c = &w->g->cells[v[i].cell];

		snprintf(rep_s, sizeof(rep_s), "%d", v[i].rep);
		buf_reset(&w->p.run);
		put_file(w, &w->p.run, LAYOUT_CELL_RUN, c->id);
		rep_log(&w->p, c, rep_s);
		ninja_run(w, c, v[i].rep);
	}
	free(v);
}

/* A cell's run and parse edges, one each per repetition, and cell:ID: in
 * build.ninja, or for a big matrix in cells.ninja (see gen.h). */
static void
ninja_cell(struct cellwriter *w, const struct cell *c)
{
	const struct gen *g = w->g;
	struct buf *cb = g->ncells <= GEN_CELL_TARGETS ? w->b : w->cb;
	int rep, reps = c->bench->warmup + c->repeat;

	buf_reset(&w->p.run);
	put_file(w, &w->p.run, LAYOUT_CELL_RUN, c->id);
	buf_reset(&w->phony);
	for (rep = 1; rep <= reps; rep++)
		ninja_rep(w, c, rep);
	if (cell_profile(c))
		ninja_profile(w, c, cell_profile(c), reps);
	buf_puts(cb, "build");
	put_target(w, cb, "cell:", c->id);
	buf_puts(cb, ": phony");
	buf_add(cb, w->phony.data, w->phony.len);
	buf_putc(cb, '\n');
	if (cb == w->b) {
		put_target(w, &w->members, "cell:", c->id);
		put_target(w, &w->groups[G_HOST][c->host - g->m->hosts].cells, "cell:", c->id);
	} else {
		/* the groups name the samples themselves */
		buf_add(&w->members, w->phony.data, w->phony.len);
		buf_add(&w->groups[G_HOST][c->host - g->m->hosts].cells, w->phony.data, w->phony.len);
	}
}

/* cells:IMG.BENCHMARK, or, when ids with dots interleave two groups and
 * this is a group's second run, with a number. Kept in w->names. */
static const char *
group_name(struct cellwriter *w, const char *img, const char *bench)
{
	char *name = xasprintf("cells:%s.%s", img, bench);
	size_t nth;

	for (nth = 2; !strmap_add(&w->seen, name, 0, NULL); nth++) {
		free(name);
		name = xasprintf("cells:%s.%s:%zu", img, bench, nth);
	}
	w->names = xreallocarray(w->names, w->nnames + 1, sizeof(*w->names));
	w->names[w->nnames++] = name;
	return name;
}

/* The cells[i..j) of one image:tag and benchmark: their cells edge (one per
 * engine), their cells' edges and their cells: target. */
static void
ninja_group(struct cellwriter *w, size_t i, size_t j)
{
	const struct gen *g = w->g;
	const struct cell *c = &g->cells[i];
	char *img = name_img(c->image->name, c->tag);
	const char *gname;
	size_t k, e;

	for (e = 0; e < g->nengines; e++) {
		for (k = i; k < j && plan_cell_engine(g, &g->cells[k]) != (int)e; k++)
			;
		if (k < j)
			ninja_cell_files(w, i, j, (int)e);
	}
	buf_reset(&w->members);
	for (k = i; k < j; k++)
		ninja_cell(w, &g->cells[k]);
	gname = group_name(w, img, c->bench->name);
	buf_puts(w->b, "build");
	put_text(w, w->b, gname);
	buf_puts(w->b, ": phony");
	buf_add(w->b, w->members.data, w->members.len);
	buf_putc(w->b, '\n');
	group_put(w, G_IMAGE_TAG, "image:", c->image->name, c->tag, gname);
	group_put(w, G_BENCHMARK, "benchmark:", c->bench->name, NULL, gname);
	put_text(w, &w->chunk, gname);
	if (++w->nchunk == SAMPLES_CHUNK)
		samples_flush(w);
	free(img);
}

static void
writer_release(struct cellwriter *w)
{
	size_t i;

	buf_release(&w->p.run);
	buf_release(&w->p.log);
	buf_release(&w->p.samples);
	buf_release(&w->p.keys[0]);
	buf_release(&w->p.keys[1]);
	buf_release(&w->phony);
	buf_release(&w->members);
	buf_release(&w->chunk);
	buf_release(&w->path);
	buf_release(&w->name);
	for (i = 0; i < w->g->nengines; i++)
		free(w->pools[i]);
	free(w->pools);
	strmap_release(&w->seen);
	for (i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
}

int
ninja_cells(const struct gen *g, struct buf *b, struct buf *cb, struct buf *top)
{
	struct cellwriter w = {
		.g = g, .b = b, .cb = cb, .top = top,
		.p = { BUF_INIT, BUF_INIT, BUF_INIT, { BUF_INIT, BUF_INIT } },
		.phony = BUF_INIT, .members = BUF_INIT, .chunk = BUF_INIT,
		.path = BUF_INIT, .name = BUF_INIT, .seen = STRMAP_INIT,
	};
	size_t i, j, k;
	int r = 0;

	w.pools = xcalloc(g->nengines, sizeof(char *));
	for (i = 0; i < g->nengines; i++)
		w.pools[i] = xasprintf("engine_%zu", i);
	/* host:NAME at the host's index: a cell finds its group directly */
	for (i = 0; i < g->m->nhosts; i++) {
		buf_reset(&w.name);
		buf_printf(&w.name, "host:%s", g->m->hosts[i].name);
		group_get(&w.groups[G_HOST], &w.ngroups[G_HOST], w.name.data);
	}
	for (i = 0; i < g->ncells; i = j) {
		const struct cell *c = &g->cells[i];

		for (j = i + 1; j < g->ncells && g->cells[j].image == c->image &&
				g->cells[j].bench == c->bench && strcmp(g->cells[j].tag, c->tag) == 0;
		     j++)
			;
		ninja_group(&w, i, j);
	}
	samples_flush(&w);
	if (order_interleaved(g))
		ninja_order(&w);
	images_group(g, &w.groups[G_IMAGE], &w.ngroups[G_IMAGE], w.groups[G_IMAGE_TAG], w.ngroups[G_IMAGE_TAG]);
	for (k = 0; k < NGROUPS; k++)
		r |= groups_write(b, w.groups[k], w.ngroups[k]);
	writer_release(&w);
	return r || w.bad ? -1 : 0;
}
