/* plan.c: what gen works out before it renders: the engines, each side's
 * key parts, the bases and image keys of the cells, and the contexts (see
 * plan.h). Two different things under one name would overwrite each other's
 * files: that makes the matrix unwritable (g->bad). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/hash.h"
#include "base/util.h"
#include "gen/conf.h"
#include "gen/names.h"
#include "gen/plan.h"

static void
engines_find(struct gen *g)
{
	const char *def = g->o->engine;
	size_t i, j;

	g->host_engine = xcalloc(g->m->nhosts ? g->m->nhosts : 1, sizeof(int));
	g->engines = xcalloc(g->m->nhosts + 1, sizeof(char *));
	for (i = 0; i < g->m->nhosts; i++) {
		const char *e = g->m->hosts[i].engine ? g->m->hosts[i].engine : def;

		for (j = 0; j < g->nengines && strcmp(g->engines[j], e) != 0; j++)
			;
		if (j == g->nengines)
			g->engines[g->nengines++] = e;
		g->host_engine[i] = (int)j;
	}
	if (g->nengines == 0)
		g->engines[g->nengines++] = def;
}

/* Side i of g->sk: benchmark i / 3, side i % 3 (main, server, client). */
static const struct side *
plan_side(const struct gen *g, size_t i)
{
	const struct benchmark *b = &g->m->benchmarks[i / 3];

	return i % 3 == 0 ? &b->main : i % 3 == 1 ? &b->server : &b->client;
}

/* Two context folders with one slug would share stamps and image keys. */
static void
contexts_check(struct gen *g)
{
	size_t n = 3 * g->m->nbenchmarks, i, j;

	for (i = 0; i < n; i++) {
		const struct side *a = plan_side(g, i);

		if (!g->sk[i].ctx_slug)
			continue;
		for (j = 0; j < i; j++) {
			const struct side *b = plan_side(g, j);

			char *pa, *pb;
			int same;

			if (!g->sk[j].ctx_slug || strcmp(g->sk[i].ctx_slug, g->sk[j].ctx_slug) != 0)
				continue;
			pa = name_context_path(a->context);
			pb = name_context_path(b->context);
			same = strcmp(pa, pb) == 0;
			free(pa);
			free(pb);
			if (same)
				continue;
			error("%s:%d:%d: context '%s' has the same key '%s' as context '%s' (line %d): "
			      "their images and stamps would overwrite each other; rename one", g->m->path,
			      a->mark.line, a->mark.col, a->context, g->sk[i].ctx_slug, b->context, b->mark.line);
			g->bad = 1;
			break;
		}
	}
}

static void
sidekeys_make(struct gen *g)
{
	size_t b, s;

	g->sk = xcalloc(3 * (g->m->nbenchmarks ? g->m->nbenchmarks : 1), sizeof(*g->sk));
	for (b = 0; b < g->m->nbenchmarks; b++) {
		const struct benchmark *bm = &g->m->benchmarks[b];
		const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };

		for (s = 0; s < 3; s++) {
			struct sidekey *k = &g->sk[3 * b + s];

			if (sides[s]->context)
				k->ctx_slug = name_context_slug(sides[s]->context, g->m->repo);
			if (sides[s]->context && sides[s]->base) {
				char *n, *t;

				name_ref_split(sides[s]->base, &n, &t);
				k->base_slug = name_img(n, t);
				free(n);
				free(t);
			}
			k->hash = sides[s]->context ? name_args_hash(&sides[s]->build_args) : NULL;
		}
	}
	contexts_check(g);
}

static const char *
pull_of_ref(const struct matrix *m, const char *name, const char *tag)
{
	size_t i;

	/* The pull policy belongs to the image, whatever the tag (an include
	 * may add tags the image does not list). */
	(void)tag;
	for (i = 0; i < m->nimages; i++)
		if (strcmp(m->images[i].name, name) == 0)
			return name_pull(m->images[i].pull);
	return "missing";
}

static struct base *
base_add(struct gen *g, const char *name, const char *tag, const char *pull, int engine,
	 struct mark mark)
{
	struct base *b;
	char *suffix = name_engine_suffix(g->nengines, engine);

	g->bases = xreallocarray(g->bases, g->nbases + 1, sizeof(*g->bases));
	b = &g->bases[g->nbases++];
	b->slug = name_img(name, tag);
	b->file = xasprintf("%s%s", b->slug, suffix);
	b->ref = name_ref(name, tag);
	b->name = xstrdup(name);
	b->tag = xstrdup(tag);
	b->pull = pull;
	b->engine = engine;
	b->mark = mark;
	free(suffix);
	return b;
}

static void
key_add(struct gen *g, const struct side *s, const struct sidekey *sk, const struct base *b)
{
	struct key *k;
	char *suffix = name_engine_suffix(g->nengines, b->engine);

	g->keys = xreallocarray(g->keys, g->nkeys + 1, sizeof(*g->keys));
	k = &g->keys[g->nkeys++];
	k->key = name_key(sk->ctx_slug, b->slug, sk->hash, suffix);
	k->recipe = name_recipe(sk->ctx_slug, sk->hash);
	k->context = s->context;
	k->ctx_slug = sk->ctx_slug;
	k->args = &s->build_args;
	k->from = s->from;
	k->base_file = xstrdup(b->file);
	k->base_ref = xstrdup(b->ref);
	k->engine = b->engine;
	k->mark = s->mark;
	free(suffix);
}

/* Record the bases and image keys of every side of a benchmark on an image. */
static void
sides_gather(struct gen *g, size_t bi, size_t under_test)
{
	const struct benchmark *bm = &g->m->benchmarks[bi];
	const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };
	size_t s;

	for (s = bm->is_pair ? 1 : 0; s < (bm->is_pair ? 3u : 1u); s++) {
		const struct sidekey *sk = &g->sk[3 * bi + s];
		const struct base *b;

		/* base_add moves g->bases: look the image under test up after it. */
		if (sides[s]->context && sides[s]->base) {
			char *n, *t;

			name_ref_split(sides[s]->base, &n, &t);
			b = base_add(g, n, t, pull_of_ref(g->m, n, t), g->bases[under_test].engine,
				     sides[s]->mark);
			free(n);
			free(t);
		} else {
			b = &g->bases[under_test];
		}
		key_add(g, sides[s], sk, b);
	}
}

static void
base_release(struct base *b)
{
	free(b->file);
	free(b->slug);
	free(b->ref);
	free(b->name);
	free(b->tag);
}

static void
key_release(struct key *k)
{
	free(k->key);
	free(k->recipe);
	free(k->base_file);
	free(k->base_ref);
}

static int
base_cmp(const void *a, const void *b)
{
	return strcmp(((const struct base *)a)->file, ((const struct base *)b)->file);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->key, ((const struct key *)b)->key);
}

/* Sort and merge duplicates; two different things under one name make the
 * matrix unwritable (their files would overwrite each other). */
static void
bases_unique(struct gen *g)
{
	size_t i, n = 0;

	if (g->nbases)
		qsort(g->bases, g->nbases, sizeof(*g->bases), base_cmp);
	for (i = 0; i < g->nbases; i++) {
		if (n && strcmp(g->bases[n - 1].file, g->bases[i].file) == 0) {
			if (strcmp(g->bases[n - 1].ref, g->bases[i].ref) != 0) {
				error("%s:%d:%d: image '%s' has the same slug '%s' as '%s' (line %d); rename one",
				      g->m->path, g->bases[i].mark.line, g->bases[i].mark.col, g->bases[i].ref,
				      g->bases[i].slug, g->bases[n - 1].ref, g->bases[n - 1].mark.line);
				g->bad = 1;
			}
			base_release(&g->bases[i]);
			continue;
		}
		g->bases[n++] = g->bases[i];
	}
	g->nbases = n;
}

/* Sort and merge duplicates (contexts_check made sure one key is one image). */
static void
keys_unique(struct gen *g)
{
	size_t i, n = 0;

	if (g->nkeys)
		qsort(g->keys, g->nkeys, sizeof(*g->keys), key_cmp);
	for (i = 0; i < g->nkeys; i++) {
		if (n && strcmp(g->keys[n - 1].key, g->keys[i].key) == 0) {
			key_release(&g->keys[i]);
			continue;
		}
		g->keys[n++] = g->keys[i];
	}
	g->nkeys = n;
}

/* Per cell: the base file of its image under test. Also gathers every base
 * and image key. Bases and keys are recorded per (image:tag, benchmark,
 * engine), not per cell: cells that differ only in host share them. */
static char **
cells_gather(struct gen *g)
{
	char **cbase = xcalloc(g->ncells ? g->ncells : 1, sizeof(char *));
	const struct cell *prev = NULL;
	size_t i, b = 0;
	int prev_e = -1;

	/* Cells come sorted by id, so cells sharing an image:tag (and a
	 * benchmark) are neighbours: only a change adds bases and keys. */
	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		size_t bi = (size_t)(c->bench - g->m->benchmarks);
		int e = g->host_engine[c->host - g->m->hosts];
		int same_image = prev && prev->image == c->image && prev_e == e &&
				 strcmp(prev->tag, c->tag) == 0;

		if (!same_image)
			b = (size_t)(base_add(g, c->image->name, c->tag, name_pull(c->image->pull), e,
					     c->image->mark) - g->bases);
		cbase[i] = xstrdup(g->bases[b].file);
		if (!same_image || prev->bench != c->bench)
			sides_gather(g, bi, b);
		prev = c;
		prev_e = e;
	}
	keys_unique(g);
	bases_unique(g);
	return cbase;
}

static int
ctx_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct context slugs (sorted) of the image keys, for fetch and repo.json. */
static size_t
contexts_list(const struct gen *g, const struct key ***out)
{
	const struct key **v = xcalloc(g->nkeys + 1, sizeof(*v));
	const char **slugs = xcalloc(g->nkeys + 1, sizeof(*slugs));
	size_t i, j, n = 0, ns = 0;

	for (i = 0; i < g->nkeys; i++)
		if (g->keys[i].ctx_slug)
			slugs[ns++] = g->keys[i].ctx_slug;
	if (ns)
		qsort(slugs, ns, sizeof(*slugs), ctx_cmp);
	for (i = 0; i < ns; i++) {
		if (i && strcmp(slugs[i - 1], slugs[i]) == 0)
			continue;
		for (j = 0; strcmp(g->keys[j].ctx_slug ? g->keys[j].ctx_slug : "", slugs[i]) != 0; j++)
			;
		v[n++] = &g->keys[j];
	}
	free(slugs);
	*out = v;
	return n;
}

static int
recipe_cmp(const void *a, const void *b)
{
	const struct key *x = *(const struct key *const *)a, *y = *(const struct key *const *)b;
	int c = strcmp(x->recipe, y->recipe);

	return c ? c : strcmp(x->key, y->key);
}

size_t
plan_keys_by_recipe(const struct gen *g, const struct key ***out)
{
	const struct key **v = xcalloc(g->nkeys + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < g->nkeys; i++)
		v[i] = &g->keys[i];
	if (g->nkeys)
		qsort(v, g->nkeys, sizeof(*v), recipe_cmp);
	*out = v;
	return g->nkeys;
}

int
plan_reps_max(const struct gen *g)
{
	size_t i;
	int n = 1;

	for (i = 0; i < g->m->nbenchmarks; i++)
		if (g->m->benchmarks[i].warmup + g->m->benchmarks[i].repeat > n)
			n = g->m->benchmarks[i].warmup + g->m->benchmarks[i].repeat;
	/* adaptive cells: what repeats.json gave them */
	for (i = 0; i < g->ncells; i++)
		if (g->cells[i].bench->warmup + g->cells[i].repeat > n)
			n = g->cells[i].bench->warmup + g->cells[i].repeat;
	return n;
}

/* Each benchmark's parsers file, hashed as gen writes it. */
static void
parse_hashes(struct gen *g)
{
	size_t i;

	g->parse_hash = xcalloc(g->m->nbenchmarks + 1, sizeof(*g->parse_hash));
	for (i = 0; i < g->m->nbenchmarks; i++) {
		json_t *o = conf_parse(g, i);
		char *text = json_dumps(o, OUT_JSON_FLAGS);

		snprintf(g->parse_hash[i], sizeof(g->parse_hash[i]), "%016llx",
			 (unsigned long long)hash_bytes(HASH_INIT, text, strlen(text)));
		free(text);
		json_decref(o);
	}
}

void
plan_make(struct gen *g)
{
	engines_find(g);
	sidekeys_make(g);
	parse_hashes(g);
	g->cbase = cells_gather(g);
	g->nctx = contexts_list(g, &g->ctx);
}

const struct base *
plan_base(const struct gen *g, const char *file)
{
	struct base key = { .file = (char *)file };

	return bsearch(&key, g->bases, g->nbases, sizeof(*g->bases), base_cmp);
}

int
plan_cell_engine(const struct gen *g, const struct cell *c)
{
	return g->host_engine[c->host - g->m->hosts];
}

void
plan_release(struct gen *g)
{
	size_t i;

	for (i = 0; i < 3 * g->m->nbenchmarks; i++) {
		free(g->sk[i].ctx_slug);
		free(g->sk[i].base_slug);
		free(g->sk[i].hash);
	}
	free(g->sk);
	for (i = 0; i < g->nbases; i++)
		base_release(&g->bases[i]);
	free(g->bases);
	for (i = 0; i < g->nkeys; i++)
		key_release(&g->keys[i]);
	free(g->keys);
	free(g->parse_hash);
	free(g->engines);
	free(g->host_engine);
	for (i = 0; i < g->ncells && g->cbase; i++)
		free(g->cbase[i]);
	free(g->cbase);
	free(g->ctx);
	outs_release(&g->outs);
	buf_release(&g->ninja);
}
