/* gen.c: render and write the results folder (see gen.h, docs/design.md).
 *
 * Everything is rendered into memory first (build.ninja and the list of JSON
 * files), so a matrix that cannot be written leaves the folder untouched;
 * then each file is written only when its content changed, which keeps mtimes
 * and lets ninja skip what did not move. Output is deterministic: JSON keys
 * sorted, lists in a fixed order, no timestamps. The plan (plan.c) comes
 * first; then build.ninja (ninja/) is rendered on a second thread while this
 * one renders the JSON files: the axis files (conf.c), the cells' and
 * images' own files for small matrices (compose.c), repo.json and
 * matrix.json. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/docker_host.h"
#include "base/hash.h"
#include "base/layout.h"
#include "base/path.h"
#include "base/util.h"
#include "gen/cells_json.h"
#include "gen/compose.h"
#include "gen/conf.h"
#include "gen/from.h"
#include "gen/adaptive.h"
#include "gen/gen.h"
#include "gen/ninja/writer.h"
#include "gen/plan.h"
#include "gen/repo.h"
#include "gen/shard.h"
#include "gen/stamp.h"

/* The options for the matrix m read from path, written to dir (NULL:
 * results/NAME), both made absolute; its ncells cells, not sharded. */
static void
options_init(struct gen_options *o, const struct matrix *m, const char *path, const char *dir,
	     size_t ncells)
{
	char *edge;

	memset(o, 0, sizeof(*o));
	o->dir = gen_dir(m, dir);
	o->matrix = path_absolute(path);
	o->jockey = self_exe();
	edge = xasprintf("%s-edge", o->jockey);
	if (access(edge, X_OK) == 0) {
		o->edge = edge;
	} else {
		free(edge);
		o->edge = xstrdup(o->jockey);
	}
	o->engine = docker_host();
	o->cells_total = ncells;
}

static void
options_release(struct gen_options *o)
{
	free(o->dir);
	free(o->matrix);
	free(o->edge);
	free(o->durations);
	memset(o, 0, sizeof(*o));
}

int
gen_input_load(struct gen_input *in, const char *path, const char *dir, int index, int count,
	       const char *durations)
{
	memset(in, 0, sizeof(*in));
	if (!(in->m = matrix_load_cells(path, &in->cells, &in->ncells)))
		return -1;
	/* what each Dockerfile builds on, for every cell, before any shard */
	if (from_check(in->m, in->cells, in->ncells) < 0)
		goto fail;
	options_init(&in->o, in->m, path, dir, in->ncells);
	if (adaptive_apply(in->o.dir, in->cells, in->ncells) < 0)
		goto fail;
	if (count > 0) {
		if (shard_filter(in->cells, &in->ncells, index, count, durations) < 0)
			goto fail;
		in->o.shard_index = index;
		in->o.shard_count = count;
		in->o.durations = durations ? path_absolute(durations) : NULL;
	}
	return 0;
fail:
	gen_input_release(in);
	return -1;
}

void
gen_input_release(struct gen_input *in)
{
	options_release(&in->o);
	cells_free(in->cells, in->ncells);
	matrix_free(in->m);
	memset(in, 0, sizeof(*in));
}

char *
gen_dir(const struct matrix *m, const char *dir)
{
	char *rel = dir ? xstrdup(dir) : xasprintf("results/%s", m->name), *abs = path_absolute(rel);

	free(rel);
	return abs;
}

/* 16 hex digits identifying a file's content (FNV-1a 64 of its bytes),
 * fresh; NULL with a message when it cannot be read. */
static char *
file_hash(const char *path)
{
	char *data;
	size_t len;
	uint64_t h;

	if (read_file(path, &data, &len) < 0)
		return NULL;
	h = hash_bytes(HASH_INIT, data, len);
	free(data);
	return xasprintf("%016llx", (unsigned long long)h);
}

static json_t *
json_repo(const struct gen *g)
{
	json_t *a = json_array(), *o;
	int secret = 0;
	char *stored = g->m->repo ? repo_stored(g->m->repo, &secret) : NULL;
	size_t i;

	for (i = 0; i < g->nctx; i++) {
		char *stamp = layout_path(NULL, LAYOUT_CTX_TREE, g->ctx[i]->ctx_slug);

		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", g->ctx[i]->ctx_slug,
						   "path", g->ctx[i]->context, "stamp", stamp));
		free(stamp);
	}
	o = json_pack("{s:i, s:o, s:o, s:o}", "schema", 1, "repo", conf_jstr(stored),
		      "ref", conf_jstr(g->m->ref), "contexts", a);
	if (secret)
		json_object_set_new(o, "credentials_from", json_string(g->o->matrix));
	free(stored);
	return o;
}

static json_t *
json_matrix(const struct gen *g)
{
	const struct matrix *m = g->m;
	json_t *baseline = json_null(), *o;

	if (m->baseline.host)
		baseline = json_pack("{s:s}", "host", m->baseline.host);
	else if (m->baseline.image)
		baseline = json_pack("{s:s, s:o}", "image", m->baseline.image,
				     "tag", conf_jstr(m->baseline.tag));
	/* Keys in sorted order: gen_render dumps this one without JSON_SORT_KEYS.
	 * The cells are put in as text by matrix_json_add. */
	o = json_pack("{s:o, s:[], s:s, s:f, s:s, s:{s:s, s:I}, s:s, s:i}", "baseline", baseline,
		      "cells", "dir", g->o->dir, "max_cv", m->max_cv,
		      "name", m->name, "order", "kind", m->sequential ? "sequential" : "interleaved",
		      "seed", (json_int_t)m->seed, "path", g->o->matrix, "schema", 1);
	if (g->o->shard_count > 0) {
		/* What 'jockey merge' checks: the shards of one matrix file
		 * (its content, not its path) that together hold every cell. */
		char *hash = file_hash(g->o->matrix);
		char *dhash = g->o->durations ? file_hash(g->o->durations) : NULL;

		json_object_set_new(o, "shard", json_pack("{s:I, s:i, s:o, s:o, s:i, s:o}",
			"cells_total", (json_int_t)g->o->cells_total, "count", g->o->shard_count,
			"durations", conf_jstr(g->o->durations),
			"durations_hash", conf_jstr(dhash),
			"index", g->o->shard_index, "matrix_hash", conf_jstr(hash)));
		free(hash);
		free(dhash);
	}
	return o;
}

/* conf/image/RECIPE.json, and images/KEY.json for small matrices (the
 * images edges write them for the others). base[] are the bases' objects. */
static void
render_images(struct gen *g, json_t **base)
{
	const struct key **v;
	size_t n = plan_keys_by_recipe(g, &v), i, j, k;

	for (i = 0; i < n; i = j) {
		json_t *recipe = conf_recipe(g, v[i]);

		for (j = i + 1; j < n && strcmp(v[j]->recipe, v[i]->recipe) == 0; j++)
			;
		for (k = i; g->ncells <= GEN_EAGER_CELLS && k < j; k++) {
			const struct base *b = plan_base(g, v[k]->base_file);

			outs_add(&g->outs, layout_path(NULL, LAYOUT_IMAGE_JSON, v[k]->key),
				 compose_image(v[k]->key, recipe, base[b - g->bases], v[k]->base_file));
		}
		outs_add(&g->outs, layout_path(NULL, LAYOUT_RECIPE_JSON, v[i]->recipe), recipe);
	}
	free(v);
}

/* Axis files, and the cells' own files for small matrices. */
static void
render_json(struct gen *g)
{
	json_t **bench = xcalloc(g->m->nbenchmarks + 1, sizeof(json_t *));
	json_t **host = xcalloc(g->m->nhosts + 1, sizeof(json_t *));
	json_t **base = xcalloc(g->nbases + 1, sizeof(json_t *));
	size_t i;

	outs_add(&g->outs, xstrdup(LAYOUT_REPO_JSON), json_repo(g));
	for (i = 0; i < g->m->nbenchmarks; i++)
		bench[i] = conf_bench(g, i);
	for (i = 0; i < g->m->nhosts; i++)
		host[i] = conf_host(g, i);
	for (i = 0; i < g->nbases; i++)
		base[i] = conf_base(&g->bases[i], g->engines[g->bases[i].engine]);
	for (i = 0; g->ncells <= GEN_EAGER_CELLS && i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		const struct base *b = plan_base(g, g->cbase[i]);

		compose_cell(c->id, base[b - g->bases], bench[c->bench - g->m->benchmarks],
			     host[c->host - g->m->hosts], g->o->dir, &g->outs);
	}
	for (i = 0; i < g->m->nbenchmarks; i++) {
		/* the parse edges read only the parsers: a change elsewhere in
		 * the benchmark leaves this file, and them, alone */
		outs_add(&g->outs, layout_path(NULL, LAYOUT_PARSE_JSON, g->m->benchmarks[i].name),
			 conf_parse(g, i));
		outs_add(&g->outs, layout_path(NULL, LAYOUT_BENCH_JSON, g->m->benchmarks[i].name), bench[i]);
	}
	for (i = 0; i < g->m->nhosts; i++)
		outs_add(&g->outs, layout_path(NULL, LAYOUT_HOST_JSON, g->m->hosts[i].name), host[i]);
	render_images(g, base);
	for (i = 0; i < g->nbases; i++)
		outs_add(&g->outs, layout_path(NULL, LAYOUT_BASE_JSON, g->bases[i].file), base[i]);
	free(bench);
	free(host);
	free(base);
}

/* Roughly the size of build.ninja, so its buffer grows once: each cell
 * names its id about 8 times, plus 6 times per repetition. Untouched pages of
 * an overestimate cost nothing. */
static size_t
ninja_size_guess(const struct gen *g)
{
	size_t i, n = 65536;

	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];

		n += (strlen(c->id) + 40) * (8 + 6 * (size_t)(c->bench->warmup + c->repeat));
	}
	return n;
}

/* cells.ninja: build.ninja and the cell:ID targets that a big matrix keeps
 * out of it. */
static struct out
cells_ninja(struct buf *cb)
{
	struct buf b = BUF_INIT;
	struct out o = { .path = xstrdup(LAYOUT_CELLS_NINJA) };

	buf_puts(&b, "# generated by jockey gen; do not edit. build.ninja and a cell:ID target for\n"
		     "# each cell: ninja -f cells.ninja cell:ID (build.ninja holds them too when the\n"
		     "# matrix has at most " GEN_CELL_TARGETS_S " cells)\n"
		     "include build.ninja\n");
	buf_add(&b, cb->data, cb->len);
	o.data = buf_detach(&b, &o.len);
	return o;
}

/* build.ninja is rendered on a second thread while the main one renders
 * matrix.json (it lists every cell too): with 100,000 cells each takes
 * about a third of a second. */
struct ninja_job {
	struct gen *g;
	struct buf cb;       /* cells.ninja's cell:ID targets */
	struct buf samples;  /* the aggregate's inputs */
	int bad;
};

static void *
ninja_render(void *arg)
{
	struct ninja_job *j = arg;
	struct gen *g = j->g;

	buf_grow(&g->ninja, ninja_size_guess(g));
	if (ninja_head(g, &g->ninja) < 0 || ninja_images(g, &g->ninja) < 0 ||
	    ninja_cells(g, &g->ninja, &j->cb, &j->samples) < 0)
		j->bad = 1;
	return NULL;
}

/* matrix.json: the matrix without its cells dumped by jansson, and its
 * cells as text where the empty list was (gen/cells_json.h). A string cannot
 * hold a raw newline, so the list's key at the start of a line is the one. */
static void
matrix_json_add(struct gen *g)
{
	static const char mark[] = "\n  \"cells\": []";
	struct buf b = BUF_INIT;
	struct out r = { xstrdup(LAYOUT_MATRIX_JSON), NULL, 0 };
	json_t *o = json_matrix(g);
	char *at;
	size_t tail;

	out_json_put(&b, o, JSON_INDENT(2) | JSON_REAL_PRECISION(15), 0);
	json_decref(o);
	at = strstr(b.data, mark);
	if (!at)
		fatal("matrix.json: no cells list in the rendered matrix");
	at += strlen(mark) - 2;
	tail = b.len - (size_t)(at + 2 - b.data);
	{
		struct buf all = BUF_INIT;

		buf_grow(&all, b.len + 300 * g->ncells);
		buf_add(&all, b.data, (size_t)(at - b.data));
		cells_json_put(&all, g->cells, g->ncells);
		buf_add(&all, at + 2, tail);
		r.data = buf_detach(&all, &r.len);
	}
	buf_release(&b);
	outs_push(&g->outs, r);
}

/* build.ninja and matrix.json, side by side. */
static void
render_ninja(struct gen *g, struct ninja_job *job)
{
	pthread_t thread;
	int threaded = pthread_create(&thread, NULL, ninja_render, job) == 0;

	if (!threaded)
		ninja_render(job);
	matrix_json_add(g);
	if (threaded)
		pthread_join(thread, NULL);
	g->bad |= job->bad;
}

struct gen *
gen_render(const struct matrix *m, const struct cell *cells, size_t ncells, const struct gen_options *o)
{
	struct gen *g = xcalloc(1, sizeof(*g));
	struct ninja_job job = { .g = g, .cb = BUF_INIT, .samples = BUF_INIT };

	g->m = m;
	g->cells = cells;
	g->ncells = ncells;
	g->o = o;
	buf_init(&g->ninja);
	plan_make(g);
	render_ninja(g, &job);
	if (!g->bad) {
		buf_printf(&g->ninja, "build " LAYOUT_RESULTS_JSON ": aggregate%s | " LAYOUT_MATRIX_JSON "\n",
			   job.samples.data);
		buf_puts(&g->ninja, "build all: phony " LAYOUT_RESULTS_JSON "\ndefault all\n");
		render_json(g);
		outs_push(&g->outs, cells_ninja(&job.cb));
	}
	buf_release(&job.cb);
	buf_release(&job.samples);
	if (g->bad) {
		gen_free(g);
		return NULL;
	}
	return g;
}

int
gen_write(struct gen *g)
{
	char *p = xasprintf("%s/" LAYOUT_BUILD_NINJA, g->o->dir);
	size_t written = 0;
	int r, ret = 0;

	if (outs_write(g->o->dir, &g->outs, &written) < 0)
		ret = -1;
	if (ret == 0) {
		r = out_write(p, g->ninja.data, g->ninja.len, NULL);
		if (r < 0)
			ret = -1;
		written += r > 0;
	}
	free(p);
	if (ret == 0 && stamp_write(g) < 0)
		warn("no stamp in '%s': the next run generates again", g->o->dir);
	if (ret == 0 && !g->o->quiet && g->o->shard_count > 0)
		fprintf(stderr, "%s: %s: shard %d/%d: %zu of %zu cells, %zu files written, %zu unchanged\n",
			progname, g->o->dir, g->o->shard_index, g->o->shard_count, g->ncells,
			g->o->cells_total, written, g->outs.n + 1 - written);
	else if (ret == 0 && !g->o->quiet)
		fprintf(stderr, "%s: %s: %zu cells, %zu files written, %zu unchanged\n", progname,
			g->o->dir, g->ncells, written, g->outs.n + 1 - written);
	return ret;
}

void
gen_free(struct gen *g)
{
	if (!g)
		return;
	plan_release(g);
	free(g);
}
