/* images.c: the edges that make the images: fetch (the Dockerfile repo's
 * commit and context trees), probe (each base's digest), images (the
 * images/KEY.json of each recipe) and build-image (each image key's id);
 * see writer.h. */
#include <stdlib.h>
#include <string.h>

#include "base/layout.h"
#include "base/util.h"
#include "gen/ninja/writer.h"

static int
ninja_fetch(const struct gen *g, struct buf *b)
{
	const char **outs = xcalloc(g->nctx + 1, sizeof(*outs));
	const char *repo[] = { LAYOUT_REPO_JSON }, *always[] = { "always" };
	size_t i;
	int r;

	outs[0] = LAYOUT_REPO_COMMIT;
	for (i = 0; i < g->nctx; i++)
		outs[i + 1] = layout_path(NULL, LAYOUT_CTX_TREE, g->ctx[i]->ctx_slug);
	r = ninja_edge(b, "fetch", outs, g->nctx + 1, repo, 1, always, 1, NULL, 0);
	for (i = 0; i < g->nctx; i++)
		free((char *)outs[i + 1]);
	free(outs);
	return r;
}

static int
ninja_probe(struct buf *b, const struct base *base)
{
	char *json = layout_path(NULL, LAYOUT_BASE_JSON, base->file);
	char *stamp = layout_path(NULL, LAYOUT_BASE_DIGEST, base->file);
	const char *in[] = { json }, *out[] = { stamp }, *always[] = { "always" };
	int r = ninja_edge(b, "probe", out, 1, in, 1, always, 1, NULL, 0);

	free(json);
	free(stamp);
	return r;
}

static int
ninja_build_image(struct buf *b, const struct key *k, size_t nengines)
{
	char *json = layout_path(NULL, LAYOUT_IMAGE_JSON, k->key);
	char *stamp = layout_path(NULL, LAYOUT_IMAGE_ID, k->key);
	char *bstamp = layout_path(NULL, LAYOUT_BASE_DIGEST, k->base_file);
	char *tree = k->ctx_slug ? layout_path(NULL, LAYOUT_CTX_TREE, k->ctx_slug) : NULL;
	char *pool = xasprintf("engine_%d", k->engine);
	const char *in[] = { json }, *out[] = { stamp }, *imp[2], *vars[] = { "pool", pool };
	size_t n = 0;
	int r;

	if (tree)
		imp[n++] = tree;
	imp[n++] = bstamp;
	r = ninja_edge(b, "build-image", out, 1, in, 1, imp, n, vars, nengines > 1);
	free(json);
	free(stamp);
	free(bstamp);
	free(tree);
	free(pool);
	return r;
}

/* " " and the path of kind k for name, escaped, on b; -1 if ninja cannot
 * hold it. */
static int
put_file(struct buf *b, struct buf *scratch, enum layout_kind k, const char *name)
{
	buf_reset(scratch);
	layout_put(scratch, k, name);
	buf_putc(b, ' ');
	return ninja_escape_path(b, scratch->data);
}

/* One images edge per recipe writes images/KEY.json of each of its keys
 * from the recipe and the key's base: gen itself writes only the recipes
 * (a handful) rather than a file per image (thousands, in a big matrix). */
static int
ninja_recipes(const struct gen *g, struct buf *b)
{
	const struct key **v;
	size_t n = plan_keys_by_recipe(g, &v), i, j, k;
	struct buf p = BUF_INIT;
	int r = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j]->recipe, v[i]->recipe) == 0; j++)
			;
		buf_puts(b, "build");
		for (k = i; k < j; k++)
			r |= put_file(b, &p, LAYOUT_IMAGE_JSON, v[k]->key) < 0;
		buf_puts(b, ": images");
		r |= put_file(b, &p, LAYOUT_RECIPE_JSON, v[i]->recipe) < 0;
		for (k = i; k < j; k++)
			r |= put_file(b, &p, LAYOUT_BASE_JSON, v[k]->base_file) < 0;
		buf_puts(b, " | ");
		r |= ninja_escape_path(b, g->o->jockey) < 0;
		buf_putc(b, '\n');
	}
	buf_release(&p);
	free(v);
	if (r)
		error("cannot write the images edges to build.ninja: ninja paths cannot hold '|' or a newline");
	return r ? -1 : 0;
}

int
ninja_images(const struct gen *g, struct buf *b)
{
	size_t i;
	int r = 0;

	if (g->nctx)
		r |= ninja_fetch(g, b);
	for (i = 0; i < g->nbases; i++)
		r |= ninja_probe(b, &g->bases[i]);
	r |= ninja_recipes(g, b);
	for (i = 0; i < g->nkeys; i++)
		r |= ninja_build_image(b, &g->keys[i], g->nengines);
	return r ? -1 : 0;
}
