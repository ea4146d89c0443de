/* clean.c: `jockey clean`'s work (clean.h).
 *
 * Removes what a results folder left in its engines: the containers and
 * networks labelled jockey.dir=ABS(DIR) (an interrupted run's, normally none)
 * and, with --all, its images too; and the empty cgroup parents of its cells.
 * The engines are every "engine" its images and cells name, else $DOCKER_HOST.
 *
 * --keep N prunes the older images that rebuilds left behind (each keeps its
 * dated tag, so that an old result can be reproduced): per image key (the
 * jockey.key label: context, image, tag, build args), all but the newest N
 * of those that are not the one stamps/img/KEY.id names now.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/run/clean.h"
#include "runners/run/engine.h"

/* Sort images newest first by "Created" (seconds), then by id for ties. */
static int
created_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t cx = json_integer_value(json_object_get(x, "Created"));
	json_int_t cy = json_integer_value(json_object_get(y, "Created"));

	if (cx != cy)
		return cx < cy ? 1 : -1;
	return strcmp(json_string_value(json_object_get(x, "Id")),
		      json_string_value(json_object_get(y, "Id")));
}

static const char *
image_name(json_t *img)
{
	json_t *tags = json_object_get(img, "RepoTags"), *t;
	const char *best = NULL;
	size_t i;

	/* The dated tag names an old image best: the plain one moved on. */
	json_array_foreach(tags, i, t)
		if (json_string_value(t) && strcmp(json_string_value(t), "<none>:<none>"))
			best = json_string_value(t);
	return best ? best : json_string_value(json_object_get(img, "Id"));
}

/* One key's images: keep the stamped one and the newest keep others. */
static int
prune_key(struct engine *e, const char *dir, const char *key, json_t *imgs, long keep)
{
	char *sp = layout_path(dir, LAYOUT_IMAGE_ID, key), *stamped = stamp_read(sp);
	size_t n = json_array_size(imgs), i;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	long kept = 0;
	int ret = 0;

	for (i = 0; i < n; i++)
		v[i] = json_array_get(imgs, i);
	qsort(v, n, sizeof(*v), created_cmp);
	for (i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(v[i], "Id"));
		char *path;

		if (!id || (stamped && strcmp(id, stamped) == 0))
			continue;
		if (kept < keep) {
			kept++;
			continue;
		}
		path = xasprintf("/images/%s?force=1", id);
		if (engine_request(e, "DELETE", path, NULL, 0, NULL) < 0 && e->status != 404)
			ret = error("clean: remove image '%s': %s", image_name(v[i]), engine_error(e));
		else
			printf("removed image %s\n", image_name(v[i]));
		free(path);
	}
	free(v);
	free(stamped);
	free(sp);
	return ret;
}

/* --keep: group the folder's images by their jockey.key label. */
static int
prune_images(struct engine *e, const char *dir, const char *filters, long keep)
{
	char *path = xasprintf("/images/json?filters=%s", filters);
	json_t *items = NULL, *groups = json_object(), *it, *g;
	const char *key;
	size_t i;
	int ret = 0;

	if (engine_get_json(e, path, &items) < 0) {
		ret = error("clean: list images: %s", engine_error(e));
		goto out;
	}
	json_array_foreach(items, i, it) {
		key = json_string_value(json_object_get(json_object_get(it, "Labels"), "jockey.key"));
		if (!key)
			continue;
		if (!(g = json_object_get(groups, key)))
			json_object_set_new(groups, key, (g = json_array()));
		json_array_append(g, it);
	}
	json_object_foreach(groups, key, g)
		if (prune_key(e, dir, key, g, keep) < 0)
			ret = -1;
out:
	json_decref(items);
	json_decref(groups);
	free(path);
	return ret;
}

/* Remove every object of one kind that the filter matches: list is the
 * listing path, del the DELETE path format (one %s: the id). */
static int
clean_kind(struct engine *e, const char *kind, const char *list, const char *del)
{
	json_t *items = NULL, *it;
	size_t i;
	int ret = 0;

	if (engine_get_json(e, list, &items) < 0)
		return error("clean: list %ss: %s", kind, engine_error(e));
	json_array_foreach(items, i, it) {
		const char *id = json_string_value(json_object_get(it, "Id"));
		const char *name = json_string_value(json_object_get(it, "Name"));
		char *path;

		if (!name)
			name = json_string_value(json_array_get(json_object_get(it, "Names"), 0));
		if (!name)
			name = json_string_value(json_array_get(json_object_get(it, "RepoTags"), 0));
		if (!id)
			continue;
		path = xasprintf(del, id);
		if (engine_request(e, "DELETE", path, NULL, 0, NULL) < 0 && e->status != 404)
			ret = error("clean: remove %s '%s': %s", kind, name ? name : id, engine_error(e));
		else
			printf("removed %s %s\n", kind, name ? (*name == '/' ? name + 1 : name) : id);
		free(path);
	}
	json_decref(items);
	return ret;
}

static int
clean_engine(const char *endpoint, const char *dir, int all, long keep)
{
	struct engine *e = engine_open(endpoint);
	json_t *filters, *labels;
	char *label, *f, *path;
	int ret = 0;

	if (!e)
		return -1;
	label = xasprintf("jockey.dir=%s", dir);
	labels = json_array();
	json_array_append_new(labels, json_string(label));
	filters = json_object();
	json_object_set_new(filters, "label", labels);
	f = engine_escape_json(e, filters);

	path = xasprintf("/containers/json?all=1&filters=%s", f);
	if (clean_kind(e, "container", path, "/containers/%s?force=1&v=1") < 0)
		ret = -1;
	free(path);
	path = xasprintf("/networks?filters=%s", f);
	if (clean_kind(e, "network", path, "/networks/%s") < 0)
		ret = -1;
	free(path);
	if (all) {
		path = xasprintf("/images/json?filters=%s", f);
		if (clean_kind(e, "image", path, "/images/%s?force=1") < 0)
			ret = -1;
		free(path);
	} else if (keep >= 0 && prune_images(e, dir, f, keep) < 0) {
		ret = -1;
	}
	free(f);
	free(label);
	json_decref(filters);
	engine_free(e);
	return ret;
}

/* Add the "engine" of every JSON file matching pattern to engines. */
static void
collect_engines(json_t *engines, const char *dir, enum layout_kind k)
{
	char *pat = layout_path(dir, k, "*");
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			json_t *j = json_load_path(g.gl_pathv[i], 1);
			const char *ep = json_string_value(json_object_get(j, "engine"));

			if (ep)
				json_object_set_new(engines, ep, json_true());
			json_decref(j);
		}
		globfree(&g);
	}
	free(pat);
}

/* rmdir the cgroup parents left by the cells of dir: "jockey-CELL-REP-PID"
 * in every hierarchy. Only empty ones go (rmdir refuses the others). */
static void
clean_cgroups(const char *dir)
{
	char *pat = layout_path(dir, LAYOUT_CELL_RUN, "*");
	glob_t cells, cgs;
	size_t i, j;

	if (glob(pat, 0, NULL, &cells) != 0) {
		free(pat);
		return;
	}
	for (i = 0; i < cells.gl_pathc; i++) {
		char *cell = xstrdup(cells.gl_pathv[i]), *slash = strrchr(cell, '/'), *id, *cgpat;

		*slash = '\0';
		id = strrchr(cell, '/') + 1;
		cgpat = xasprintf("/sys/fs/cgroup/{*,unified}/jockey-%s-*", id);
		if (glob(cgpat, GLOB_BRACE | GLOB_ONLYDIR, NULL, &cgs) == 0) {
			for (j = 0; j < cgs.gl_pathc; j++)
				if (rmdir(cgs.gl_pathv[j]) == 0)
					printf("removed cgroup %s\n", cgs.gl_pathv[j]);
			globfree(&cgs);
		}
		free(cgpat);
		free(cell);
	}
	globfree(&cells);
	free(pat);
}

int
clean_dir(const char *dir, int all, long keep)
{
	json_t *engines = json_object(), *v;
	const char *ep;
	int ret = 0;

	/* In a big matrix these files come from edges: a cell or image that
	 * never got one never ran or was built, so left nothing to clean. */
	collect_engines(engines, dir, LAYOUT_IMAGE_JSON);
	collect_engines(engines, dir, LAYOUT_CELL_RUN);
	if (json_object_size(engines) == 0)
		json_object_set_new(engines, engine_endpoint(NULL), json_true());
	json_object_foreach(engines, ep, v)
		if (clean_engine(ep, dir, all, keep) < 0)
			ret = -1;
	clean_cgroups(dir);
	json_decref(engines);
	return ret;
}
