/* history.c: the append-only record of every completed cell result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/hash.h"
#include "base/layout.h"
#include "base/strmap.h"
#include "base/util.h"
#include "build/version.h"
#include "runners/report/history.h"


static uint64_t
hash_json(uint64_t h, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY |
				       JSON_REAL_PRECISION(17)) : NULL;

	if (s) {
		h = hash_bytes(h, s, strlen(s));
		free(s);
	}
	return hash_bytes(h, "\n", 1);
}

static void
set_hex(json_t *obj, const char *key, uint64_t h)
{
	char hex[17];

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
	json_object_set_new(obj, key, json_string(hex));
}

/* The image ids and finish times of the cell's measured repetitions. */
static void
reps_identity(const char *id, json_t *reps, json_t *images, json_t *times)
{
	json_t *r;
	size_t i;

	json_array_foreach(reps, i, r) {
		char *path = layout_rep_path(NULL, id, (int)json_integer_value(r),
					     LAYOUT_METRICS_JSON);
		json_t *m = path_exists(path) ? json_load_path(path, 1) : NULL;

		free(path);
		if (!m)
			continue;
		json_array_append(images, json_object_get(json_object_get(m, "provenance"),
							  "image_id"));
		json_array_append(times, json_object_get(m, "finished"));
		json_decref(m);
	}
}

/* The tree ids of every build context the cell's benchmark names (its
 * "context_slug" values, for a plain benchmark and a pair's sides alike). */
static uint64_t
hash_trees(uint64_t h, json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_array(j))
		json_array_foreach(j, i, v)
			h = hash_trees(h, v);
	if (!json_is_object(j))
		return h;
	json_object_foreach(j, key, v) {
		if (strcmp(key, "context_slug") == 0 && json_is_string(v)) {
			char *path = layout_path(NULL, LAYOUT_CTX_TREE, json_string_value(v));
			char *tree = stamp_read(path);

			h = hash_bytes(h, tree ? tree : "", tree ? strlen(tree) : 0);
			free(tree);
			free(path);
		} else {
			h = hash_trees(h, v);
		}
	}
	return h;
}

void
history_hash_cell(json_t *cell)
{
	const char *id = json_string_value(json_object_get(cell, "id"));
	json_t *metrics = json_object_get(cell, "metrics");
	json_t *images = json_array(), *times = json_array(), *reps = NULL, *conf;
	char *path = layout_path(NULL, LAYOUT_CELL_JSON, id);
	uint64_t h = HASH_INIT;
	const char *name;
	json_t *m;

	/* every metric of a finished repetition has the same reps: take any */
	json_object_foreach(metrics, name, m) {
		reps = json_object_get(m, "reps");
		break;
	}
	reps_identity(id, reps, images, times);
	conf = path_exists(path) ? json_load_path(path, 1) : NULL;
	free(path);

	/* inputs: what was measured, not when: a new commit that leaves the
	 * cell's contexts alone does not change them */
	h = hash_json(h, images);
	h = hash_trees(h, json_object_get(conf, "benchmark"));
	/* cell.json is made by its own edge; without it, the cell's axes */
	if (conf)
		h = hash_json(h, conf);
	else
		h = hash_bytes(h, id, strlen(id));
	set_hex(cell, "inputs_hash", h);

	/* the result: the cell, when its repetitions finished, and what they gave */
	h = hash_bytes(HASH_INIT, id, strlen(id));
	h = hash_json(h, times);
	json_object_foreach(metrics, name, m) {
		h = hash_bytes(h, name, strlen(name));
		h = hash_json(h, json_object_get(m, "samples"));
	}
	set_hex(cell, "result_hash", h);
	json_decref(conf);
	json_decref(images);
	json_decref(times);
}

json_t *
history_load(const char *path)
{
	json_t *hist = json_array();
	char *data, *line, *next;
	int lineno = 0;

	if (!path_exists(path) || read_file(path, &data, NULL) < 0)
		return hist;
	for (line = data; *line; line = next) {
		json_error_t err;
		json_t *j;

		lineno++;
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!*line)
			continue;
		j = json_loads(line, 0, &err);
		if (!j || !json_is_object(j) || !json_is_string(json_object_get(j, "cell")) ||
		    !json_is_string(json_object_get(j, "key"))) {
			warn("%s:%d: skipping a damaged line", path, lineno);
			json_decref(j);
			continue;
		}
		json_array_append_new(hist, j);
	}
	free(data);
	return hist;
}

static int
entry_is(json_t *e, const char *cell, const char *key)
{
	const char *c = json_string_value(json_object_get(e, "cell"));
	const char *k = json_string_value(json_object_get(e, "key"));

	return c && strcmp(c, cell) == 0 && (!key || (k && strcmp(k, key) == 0));
}

json_t *
history_find(json_t *hist, const char *cell, const char *key)
{
	size_t i = json_array_size(hist);

	while (i-- > 0)
		if (entry_is(json_array_get(hist, i), cell, key))
			return json_array_get(hist, i);
	return NULL;
}

json_t *
history_previous(json_t *hist, const char *cell, const char *key)
{
	size_t i = json_array_size(hist), at = i;

	/* start below the latest line with key, if there is one */
	while (key && i-- > 0)
		if (entry_is(json_array_get(hist, i), cell, key)) {
			at = i;
			break;
		}
	i = at;
	while (i-- > 0) {
		json_t *e = json_array_get(hist, i);

		if (entry_is(e, cell, NULL) && !entry_is(e, cell, key ? key : ""))
			return e;
	}
	return NULL;
}

/* The history line of one done cell: what compare and the report need. */
static json_t *
entry_make(json_t *results, json_t *c, const char *now, double now_unix)
{
	json_t *metrics = json_object(), *m;
	const char *name;

	json_object_foreach(json_object_get(c, "metrics"), name, m)
		json_object_set_new(metrics, name,
				    json_pack("{s:O?, s:O?, s:O, s:O, s:O?, s:O?, s:O?}",
					      "unit", json_object_get(m, "unit"),
					      "better", json_object_get(m, "better"),
					      "samples", json_object_get(m, "samples"),
					      "reps", json_object_get(m, "reps"),
					      "median", json_object_get(m, "median"),
					      "ci", json_object_get(m, "ci"),
					      "cv", json_object_get(m, "cv")));
	return json_pack("{s:i, s:O, s:O, s:O, s:s, s:f, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?,"
			 " s:s, s:O?, s:O?, s:O?, s:o}",
			 "schema", 1, "cell", json_object_get(c, "id"),
			 "key", json_object_get(c, "result_hash"),
			 "inputs", json_object_get(c, "inputs_hash"),
			 "recorded", now, "recorded_unix", now_unix,
			 "matrix", json_object_get(results, "matrix"),
			 "image", json_object_get(c, "image"), "tag", json_object_get(c, "tag"),
			 "benchmark", json_object_get(c, "benchmark"),
			 "host", json_object_get(c, "host"),
			 "repo_commit", json_object_get(results, "repo_commit"),
			 "jockey_version", JOCKEY_VERSION,
			 "repo_dirty", json_object_get(results, "repo_dirty"),
			 "warmup", json_object_get(c, "warmup"),
			 "provenance", json_object_get(c, "provenance"),
			 "metrics", metrics);
}

/* The "CELL\nKEY" pairs of a history, owned by the list that indexes them. */
struct pairs {
	char **v;
	size_t n;
};

/* Index every cell and key the history holds, so that recording 10,000
 * cells does not scan 10,000 lines for each (history_find would). */
static void
recorded_index(json_t *hist, struct strmap *seen, struct pairs *names)
{
	json_t *e;
	size_t i;

	names->v = xcalloc(json_array_size(hist) + 1, sizeof(*names->v));
	json_array_foreach(hist, i, e) {
		const char *c = json_string_value(json_object_get(e, "cell"));
		const char *k = json_string_value(json_object_get(e, "key"));

		if (!c || !k)
			continue;
		names->v[names->n] = xasprintf("%s\n%s", c, k);
		if (strmap_add(seen, names->v[names->n], 0, NULL))
			names->n++;
		else
			free(names->v[names->n]);
	}
}

int
history_record(const char *path, json_t *results)
{
	json_t *hist = history_load(path);
	int r = history_record_into(path, results, hist);

	json_decref(hist);
	return r;
}

int
history_record_into(const char *path, json_t *results, json_t *hist)
{
	json_t *c;
	struct buf b = BUF_INIT;
	struct timespec ts;
	struct tm tm;
	char now[32], *old = NULL;
	size_t i, oldlen = 0;
	int added = 0, ret;
	struct strmap seen = STRMAP_INIT;
	struct pairs names = { NULL, 0 };

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	recorded_index(hist, &seen, &names);
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *key = json_string_value(json_object_get(c, "result_hash"));
		json_t *e;
		char *line, *pair;
		int known;

		if (!id || !key || strcmp(json_string_value(json_object_get(c, "status")), "done") != 0)
			continue;
		pair = xasprintf("%s\n%s", id, key);
		known = strmap_get(&seen, pair, NULL);
		free(pair);
		if (known)
			continue;
		e = entry_make(results, c, now, ts.tv_sec + ts.tv_nsec / 1e9);
		line = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
		json_decref(e);
		if (!line)
			continue;
		buf_puts(&b, line);
		buf_putc(&b, '\n');
		/* as history_load would read it back */
		if ((e = json_loads(line, 0, NULL)))
			json_array_append_new(hist, e);
		free(line);
		added++;
	}
	strmap_release(&seen);
	for (i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	if (!added) {
		buf_release(&b);
		return 0;
	}
	if (path_exists(path) && read_file(path, &old, &oldlen) < 0) {
		buf_release(&b);
		return -1;
	}
	{
		struct buf all = BUF_INIT;

		buf_add(&all, old ? old : "", oldlen);
		/* a line cut short by a crash stays a line of its own, skipped */
		if (oldlen && old[oldlen - 1] != '\n')
			buf_putc(&all, '\n');
		buf_add(&all, b.data, b.len);
		ret = write_file_atomic(path, all.data, all.len);
		buf_release(&all);
	}
	free(old);
	buf_release(&b);
	return ret < 0 ? -1 : added;
}
