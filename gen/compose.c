/* compose.c: a cell's and an image's files from the axis files (see
 * compose.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/files.h"
#include "base/format/hostconf.h"
#include "base/format/run.h"
#include "base/layout.h"
#include "base/util.h"
#include "gen/compose.h"
#include "gen/conf.h"
#include "gen/names.h"

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

json_t *
compose_image(const char *key, const json_t *recipe, const json_t *base, const char *base_file)
{
	const char *ctx_slug = jstr(recipe, "ctx_slug");
	json_t *labels = json_deep_copy(json_object_get(recipe, "labels")), *o;
	char *tree = ctx_slug ? layout_path(NULL, LAYOUT_CTX_TREE, ctx_slug) : NULL;
	char *bstamp = layout_path(NULL, LAYOUT_BASE_DIGEST, base_file);
	char *tag = ctx_slug ? name_docker_tag(ctx_slug, key, jstr(json_object_get(recipe, "labels"),
								    "jockey.dir")) : NULL;

	if (!labels)
		labels = json_object();
	json_object_set_new(labels, "jockey.key", json_string(key));
	o = json_pack("{s:i, s:s, s:O, s:o, s:s, s:s, s:s, s:O, s:o, s:o, s:s}", "schema", 1,
		      "key", key, "context", json_object_get(recipe, "context"),
		      "tree_stamp", conf_jstr(tree), "repo_json", LAYOUT_REPO_JSON,
		      "base", jstr(base, "ref"), "base_stamp", bstamp,
		      "build_args", json_object_get(recipe, "build_args"),
		      "tag", conf_jstr(tag), "labels", labels, "engine", jstr(base, "engine"));
	if (jstr(recipe, "from"))
		json_object_set(o, "from", json_object_get(recipe, "from"));
	free(tree);
	free(bstamp);
	free(tag);
	return o;
}

/* The image key of a side of run.json, as gen made it (names.h). */
static char *
side_key(const json_t *side, const json_t *base, const struct hostfile *host)
{
	const char *bslug = jstr(side, "base_slug");

	if (!jstr(side, "context_slug"))
		bslug = NULL;
	return name_key(jstr(side, "context_slug"), bslug ? bslug : jstr(base, "slug"),
			jstr(side, "args_hash"), host->engine_suffix);
}

/* A side of run.json: its image stamp, command and env (host env on top
 * where the host's settings apply), and the image id its stamp had when it was
 * written: the cells edge depends on the stamps, so a rebuilt image
 * rewrites run.json and reruns the cell, while the run edge itself names
 * only run.json (one path fewer per repetition for ninja to read). Fills
 * out with what side_free frees; adds the side's image key to keys. */
static void
run_side(struct runconf_side *out, const json_t *side, const json_t *base,
	 const struct hostfile *host, int host_env, json_t *keys, const char *dir)
{
	char *key = side_key(side, base, host), *stamp = layout_path(NULL, LAYOUT_IMAGE_ID, key);
	char *path = dir ? xasprintf("%s/%s", dir, stamp) : xstrdup(stamp);
	size_t i;
	int seen = 0;

	out->image_stamp = stamp;
	out->image_id = stamp_read(path);
	out->command = json_object_get(side, "command");
	out->env = json_deep_copy(json_object_get(side, "env"));
	out->ready = json_object_get(side, "ready");
	if (host_env)
		json_object_update(out->env, host->env);
	for (i = 0; i < json_array_size(keys); i++)
		seen |= strcmp(json_string_value(json_array_get(keys, i)), key) == 0;
	if (!seen)
		json_array_append_new(keys, json_string(key));
	free(path);
	free(key);
}

static void
side_free(struct runconf_side *s)
{
	free((char *)s->image_stamp);
	free((char *)s->image_id);
	json_decref(s->env);
}

static json_t *
copy_without(const json_t *o, const char *const *drop)
{
	json_t *c = json_copy((json_t *)o);

	for (; *drop; drop++)
		json_object_del(c, *drop);
	return c;
}

/* run.json (base/format/run.h) of cell id from its axis files' objects. */
static json_t *
run_compose(const char *id, const json_t *base, const json_t *bench, const struct hostfile *host,
	    json_t *keys, const char *dir)
{
	struct runconf rc = { 0 };
	json_t *run;

	rc.cell = id;
	rc.matrix = host->matrix;
	rc.engine = host->engine;
	rc.image = jstr(base, "ref");
	rc.benchmark = jstr(bench, "name");
	rc.host = host->name;
	rc.dir = host->dir;
	rc.native = host->native;
	rc.timeout_ms = json_integer_value(json_object_get(bench, "timeout_ms"));
	rc.repeat = (int)json_integer_value(json_object_get(bench, "repeat"));
	rc.warmup = (int)json_integer_value(json_object_get(bench, "warmup"));
	rc.hc = host->hc;
	rc.pair = json_is_true(json_object_get(bench, "pair"));
	rc.apply_to = host->apply_to;
	if (rc.pair) {
		run_side(&rc.server, json_object_get(bench, "server"), base, host,
			 apply_to_side(rc.apply_to, "server"), keys, dir);
		run_side(&rc.client, json_object_get(bench, "client"), base, host,
			 apply_to_side(rc.apply_to, "client"), keys, dir);
	} else {
		run_side(&rc.main, json_object_get(bench, "main"), base, host, 1, keys, dir);
	}
	run = runconf_encode(&rc);
	side_free(&rc.main);
	side_free(&rc.server);
	side_free(&rc.client);
	return run;
}

void
compose_cell(const char *id, const json_t *base, const json_t *bench, const json_t *host,
	     const char *dir, struct outs *outs)
{
	static const char *const bench_drop[] = { "schema", NULL };
	static const char *const host_drop[] = { "schema", "matrix", "dir", NULL };
	json_t *keys = json_array(), *run, *cell;
	struct hostfile hf;

	/* gen wrote it, or the cells edge checked it is a host file */
	hostfile_decode(&hf, (json_t *)host, "host");
	run = run_compose(id, base, bench, &hf, keys, dir);
	if (json_object_get(bench, "lifecycle")) {
		/* what a cold pull asks the engine for: the base's name and tag */
		json_t *lc = json_deep_copy(json_object_get(bench, "lifecycle"));

		json_object_set_new(lc, "pull", json_pack("{s:s, s:s}", "name", jstr(base, "name"),
							  "tag", jstr(base, "tag")));
		json_object_set_new(run, "lifecycle", lc);
	}
	cell = json_pack("{s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o}",
			 "schema", 1, "cell", id, "matrix", hf.matrix,
			 "image", "name", jstr(base, "name"), "tag", jstr(base, "tag"),
			 "ref", jstr(base, "ref"), "slug", jstr(base, "slug"),
			 "benchmark", copy_without(bench, bench_drop),
			 "host", copy_without(host, host_drop), "image_keys", keys);
	outs_add(outs, layout_path(NULL, LAYOUT_CELL_JSON, id), cell);
	outs_add(outs, layout_path(NULL, LAYOUT_CELL_RUN, id), run);
	hostfile_release(&hf);
}

/* The object loaded from path is the axis file that has key: 0, or -1
 * with a message. */
static int
axis_check(const json_t *o, const char *key, const char *path, const char *id)
{
	if (jstr(o, key))
		return 0;
	return error("cell '%s': '%s' is not one of jockey's axis files", id, path);
}

int
compose_cells(const char *base_json, const char *bench_json, const char *const *hosts,
	      const char *const *runs, size_t n)
{
	json_t *base = NULL, *bench = NULL, *host;
	struct outs outs = { NULL, 0 };
	size_t i;
	char *id = NULL;
	int ret = -1;

	for (i = 0; i < n; i++) {
		free(id);
		if (!(id = layout_name(LAYOUT_CELL_RUN, runs[i]))) {
			error("'%s' is not cells/ID/run.json", runs[i]);
			goto out;
		}
		if (!base && (!(base = json_load_path(base_json, 0)) || !(bench = json_load_path(bench_json, 0)) ||
			      axis_check(base, "slug", base_json, id) < 0 ||
			      axis_check(bench, "name", bench_json, id) < 0))
			goto out;
		if (!(host = json_load_path(hosts[i], 0)))
			goto out;
		if (axis_check(host, "matrix", hosts[i], id) == 0)
			compose_cell(id, base, bench, host, NULL, &outs);
		json_decref(host);
		if (outs.n < 2 * (i + 1))
			goto out;
	}
	ret = outs_write(NULL, &outs, NULL);
out:
	free(id);
	outs_release(&outs);
	json_decref(base);
	json_decref(bench);
	return ret;
}

/* recipe is one of gen's conf/image/RECIPE.json: 0, or -1 with a message. */
static int
recipe_check(const json_t *recipe, const char *path)
{
	if (json_integer_value(json_object_get(recipe, "schema")) == 1 &&
	    json_object_get(recipe, "context") && json_is_object(json_object_get(recipe, "build_args")))
		return 0;
	return error("'%s' is not one of jockey's image recipes", path);
}

int
compose_images(const char *recipe_json, const char *const *bases, const char *const *outs, size_t n)
{
	json_t *recipe = json_load_path(recipe_json, 0), *base;
	struct outs o = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (!recipe)
		return -1;
	if (recipe_check(recipe, recipe_json) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		char *key = layout_name(LAYOUT_IMAGE_JSON, outs[i]), *file = layout_name(LAYOUT_BASE_JSON, bases[i]);

		if (!key || !file) {
			error("'%s' from '%s' is not images/KEY.json from base/IMG.json", outs[i], bases[i]);
			free(key);
			free(file);
			goto out;
		}
		base = json_load_path(bases[i], 0);
		if (base && (!jstr(base, "ref") || !jstr(base, "engine")))
			error("'%s' is not one of jockey's base files", bases[i]);
		else if (base)
			outs_add(&o, xstrdup(outs[i]), compose_image(key, recipe, base, file));
		json_decref(base);
		free(key);
		free(file);
		if (o.n < i + 1)
			goto out;
	}
	ret = outs_write(NULL, &o, NULL);
out:
	outs_release(&o);
	json_decref(recipe);
	return ret;
}

size_t
compose_pairs(int argc, char *const *argv, int fixed)
{
	int sep;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep >= argc || sep - 1 - fixed < 1 || argc - sep - 1 != sep - 1 - fixed)
		return 0;
	return (size_t)(sep - 1 - fixed);
}
