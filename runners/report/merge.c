/* merge.c: `jockey merge`'s work (merge.h).
 *
 * Joins the results folders of CI shards ('jockey run --shard I/N') into one
 * results folder and one report. Each shard's matrix.json says which shard it
 * is, of how many, out of how many cells, and a hash of the matrix file's
 * content; merge refuses folders of different matrices or Dockerfile repo
 * commits, two folders holding one cell, and shards that together miss
 * cells, unless --force. The cells' folders are hard-linked (copied across
 * file systems), stamps and image files are taken from the first folder that
 * has them, and the merged matrix.json lists every cell, so the aggregate
 * that follows writes DIR/results.json as an unsharded run would.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/path.h"
#include "base/util.h"
#include "runners/report/aggregate.h"
#include "runners/report/merge.h"

/* One folder to merge. */
struct part {
	const char *dir;
	json_t *matrix;       /* its matrix.json */
	const char *hash;     /* shard.matrix_hash, or NULL when not a shard */
	const char *dhash;    /* shard.durations_hash: what balanced it, or NULL */
	int index, count;     /* shard I of N; 0 when not a shard */
	json_int_t total;     /* shard.cells_total */
	char *commit;         /* stamps/repo.commit's first line, or NULL */
	double elapsed;       /* seconds measured, the sum of its reps' elapsed_s */
};

static int
part_load(struct part *p, const char *dir)
{
	char *path = xasprintf("%s/matrix.json", dir);
	json_t *shard;

	memset(p, 0, sizeof(*p));
	p->dir = dir;
	p->matrix = json_load_path(path, 0);
	free(path);
	if (!p->matrix || !json_is_array(json_object_get(p->matrix, "cells")) ||
	    !json_string_value(json_object_get(p->matrix, "name")))
		return error("'%s' is not a jockey results folder: it has no valid matrix.json", dir);
	shard = json_object_get(p->matrix, "shard");
	if (shard) {
		p->hash = json_string_value(json_object_get(shard, "matrix_hash"));
		p->dhash = json_string_value(json_object_get(shard, "durations_hash"));
		p->index = (int)json_integer_value(json_object_get(shard, "index"));
		p->count = (int)json_integer_value(json_object_get(shard, "count"));
		p->total = json_integer_value(json_object_get(shard, "cells_total"));
	}
	path = xasprintf("%s/%s", dir, LAYOUT_REPO_COMMIT);
	p->commit = stamp_read(path);
	free(path);
	return 0;
}

/* Differences that make the folders not parts of one run: matrix name and
 * content, repo commit, shard count. Each is reported; returns how many. */
static int
parts_check(const struct part *v, size_t n)
{
	size_t i, j;
	int bad = 0;

	for (i = 1; i < n; i++) {
		const char *n0 = json_string_value(json_object_get(v[0].matrix, "name"));
		const char *ni = json_string_value(json_object_get(v[i].matrix, "name"));

		if (strcmp(n0, ni) != 0)
			bad += error("'%s' holds matrix '%s' but '%s' holds matrix '%s'", v[i].dir, ni,
				     v[0].dir, n0) < 0;
		if (v[0].hash && v[i].hash && strcmp(v[0].hash, v[i].hash) != 0)
			bad += error("'%s' and '%s' were made from different contents of matrix '%s' "
				     "(hashes %s and %s)", v[0].dir, v[i].dir, n0, v[0].hash, v[i].hash) < 0;
		if ((v[0].dhash || v[i].dhash) &&
		    (!v[0].dhash || !v[i].dhash || strcmp(v[0].dhash, v[i].dhash) != 0))
			bad += error("'%s' and '%s' were balanced by different --durations files: "
				     "their shares of the cells do not fit together", v[0].dir, v[i].dir) < 0;
		if (v[0].count != v[i].count)
			bad += error("'%s' is shard %d/%d but '%s' is shard %d/%d", v[i].dir, v[i].index,
				     v[i].count, v[0].dir, v[0].index, v[0].count) < 0;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (v[i].commit && v[j].commit && strcmp(v[i].commit, v[j].commit) != 0)
				bad += error("'%s' ran Dockerfile repo commit %s but '%s' ran %s", v[j].dir,
					     v[j].commit, v[i].dir, v[i].commit) < 0;
			if (v[i].count && v[i].count == v[j].count && v[i].index == v[j].index)
				bad += error("'%s' and '%s' are both shard %d/%d", v[i].dir, v[j].dir,
					     v[i].index, v[i].count) < 0;
		}
	for (i = 0; i < n; i++)
		if (!v[i].hash)
			warn("'%s' is not a shard (no \"shard\" in its matrix.json): "
			     "cannot tell whether it ran the same matrix file", v[i].dir);
	return bad;
}

/* A cell and the part holding it. */
struct held {
	json_t *cell;   /* borrowed */
	const char *id;
	size_t part;
};

static int
held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	/* Ties by part: the first folder on the command line wins. */
	return c ? c : (x->part > y->part) - (x->part < y->part);
}

/* Every part's cells, sorted by id; a cell held twice is reported (and the
 * first folder's kept). owner[k] is the part of cell k. */
static json_t *
cells_union(const struct part *v, size_t n, size_t **owner, int *bad)
{
	struct held *all = NULL;
	json_t *c, *out = json_array();
	size_t i, k, nall = 0, m, *own;

	for (i = 0; i < n; i++)
		json_array_foreach(json_object_get(v[i].matrix, "cells"), k, c) {
			const char *id = json_string_value(json_object_get(c, "id"));

			if (!id)
				continue;
			all = xreallocarray(all, nall + 1, sizeof(*all));
			all[nall++] = (struct held){ c, id, i };
		}
	if (nall)
		qsort(all, nall, sizeof(*all), held_cmp);
	own = xcalloc(nall + 1, sizeof(*own));
	for (k = 0; k < nall; k++) {
		m = json_array_size(out);
		if (k && strcmp(all[k - 1].id, all[k].id) == 0) {
			*bad += error("cell '%s' is in both '%s' and '%s'", all[k].id, v[own[m - 1]].dir,
				      v[all[k].part].dir) < 0;
			continue;
		}
		own[m] = all[k].part;
		json_array_append(out, all[k].cell);
	}
	free(all);
	*owner = own;
	return out;
}

/* Missing shards, when the parts are shards: their cells are unknown here. */
static int
coverage_check(const struct part *v, size_t n, size_t ncells)
{
	struct buf missing = BUF_INIT;
	size_t i;
	int k, bad = 0;

	if (!n || !v[0].count)
		return 0;
	for (k = 1; k <= v[0].count; k++) {
		for (i = 0; i < n && v[i].index != k; i++)
			;
		if (i == n)
			buf_printf(&missing, "%s%d/%d", missing.len ? ", " : "", k, v[0].count);
	}
	if (missing.len || (json_int_t)ncells != v[0].total)
		bad = error("the folders hold %zu of the matrix's %lld cells%s%s", ncells,
			    (long long)v[0].total, missing.len ? "; missing shards: " : "",
			    missing.len ? missing.data : "") < 0;
	buf_release(&missing);
	return bad;
}

/* Hard-link src to dst, or copy it when they are on different file systems. */
static int
file_put(const char *src, const char *dst)
{
	char *data;
	size_t len;
	int r;

	if (mkdirs_parent(dst) < 0)
		return -1;
	unlink(dst);
	if (link(src, dst) == 0)
		return 0;
	if (read_file(src, &data, &len) < 0)
		return -1;
	r = write_file_atomic(dst, data, len);
	free(data);
	return r;
}

/* Copy the tree src into dst. keep: leave files dst already has. */
static int
tree_put(const char *src, const char *dst, int keep)
{
	DIR *d = opendir(src);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : error("cannot read folder '%s':", src);
	while ((de = readdir(d))) {
		char *s, *t;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strstr(de->d_name, ".tmp."))
			continue;
		s = xasprintf("%s/%s", src, de->d_name);
		t = xasprintf("%s/%s", dst, de->d_name);
		if (lstat(s, &st) < 0)
			ret = error("cannot stat '%s':", s);
		else if (S_ISDIR(st.st_mode))
			ret |= tree_put(s, t, keep);
		else if (S_ISREG(st.st_mode) && !(keep && path_exists(t)))
			ret |= file_put(s, t);
		free(s);
		free(t);
	}
	closedir(d);
	return ret;
}

static int
tree_remove(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? (unlink(path), 0) :
		       error("cannot read folder '%s':", path);
	while ((de = readdir(d))) {
		char *s;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		s = xasprintf("%s/%s", path, de->d_name);
		if (lstat(s, &st) == 0 && S_ISDIR(st.st_mode))
			ret |= tree_remove(s);
		else if (unlink(s) < 0)
			ret = error("cannot remove '%s':", s);
		free(s);
	}
	closedir(d);
	if (rmdir(path) < 0)
		ret = error("cannot remove '%s':", path);
	return ret;
}

/* The seconds a cell's repetitions took, from their metrics.json. */
static double
cell_elapsed(const char *dir, json_t *cell)
{
	const char *id = json_string_value(json_object_get(cell, "id"));
	int reps = (int)(json_integer_value(json_object_get(cell, "repeat")) +
			 json_integer_value(json_object_get(cell, "warmup"))), r;
	double sum = 0;

	for (r = 1; r <= reps; r++) {
		char *path = layout_rep_path(dir, id, r, LAYOUT_METRICS_JSON);
		json_t *m = path_exists(path) ? json_load_path(path, 1) : NULL;

		sum += json_number_value(json_object_get(m, "elapsed_s"));
		json_decref(m);
		free(path);
	}
	return sum;
}

/* Link every cell's folder and the shared files into out. */
static int
files_merge(struct part *v, size_t n, json_t *cells, const size_t *owner, const char *out)
{
	static const char *const shared[] = { "stamps", "images", "base", "conf", NULL };
	json_t *c;
	size_t k, i;
	int ret = 0;

	json_array_foreach(cells, k, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		char *src = layout_path(v[owner[k]].dir, LAYOUT_CELL_DIR, id);
		char *dst = layout_path(out, LAYOUT_CELL_DIR, id);

		/* A merge over an older one: the cell's old repetitions go. */
		ret |= tree_remove(dst);
		ret |= tree_put(src, dst, 0);
		v[owner[k]].elapsed += cell_elapsed(v[owner[k]].dir, c);
		free(src);
		free(dst);
	}
	for (i = 0; i < n; i++) {
		const char *const *s;

		for (s = shared; *s; s++) {
			char *src = xasprintf("%s/%s", v[i].dir, *s), *dst = xasprintf("%s/%s", out, *s);

			ret |= tree_put(src, dst, 1);
			free(src);
			free(dst);
		}
	}
	return ret;
}

static int
matrix_write(const struct part *v, size_t n, json_t *cells, const char *out)
{
	json_t *m = json_deep_copy(v[0].matrix), *from = json_array();
	char *abs = path_absolute(out), *path;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		char *d = path_absolute(v[i].dir);
		json_t *o = json_pack("{s:s, s:I, s:f}", "dir", d, "cells",
				      (json_int_t)json_array_size(json_object_get(v[i].matrix, "cells")),
				      "elapsed_s", v[i].elapsed);

		if (v[i].count)
			json_object_set_new(o, "shard", json_pack("{s:i, s:i}", "index", v[i].index,
								  "count", v[i].count));
		json_array_append_new(from, o);
		free(d);
	}
	json_object_del(m, "shard");
	json_object_set(m, "cells", cells);
	json_object_set_new(m, "dir", json_string(abs));
	json_object_set_new(m, "merged_from", from);
	path = xasprintf("%s/matrix.json", out);
	r = json_write_path(path, m, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15), 0);
	free(path);
	free(abs);
	json_decref(m);
	return r;
}

/* 1 if a and b name one folder. */
static int
same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void
balance_report(const struct part *v, size_t n)
{
	double max = 0, sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		sum += v[i].elapsed;
		if (v[i].elapsed > max)
			max = v[i].elapsed;
		fprintf(stderr, "%s: %s: %zu cells, %.2f s measured\n", progname, v[i].dir,
			json_array_size(json_object_get(v[i].matrix, "cells")), v[i].elapsed);
	}
	if (n > 1 && sum > 0)
		fprintf(stderr, "%s: the longest shard took %.0f%% of an even share\n", progname,
			100.0 * max / (sum / (double)n));
}

enum merge_outcome
merge_dirs(const char *out, char **dirs, size_t n, int force,
	   struct aggregate_summary *sum)
{
	struct part *v = xcalloc(n, sizeof(*v));
	json_t *cells = NULL;
	size_t i, *owner = NULL;
	int bad = 0;
	enum merge_outcome ret = MERGE_REFUSED;

	for (i = 0; i < n; i++) {
		if (part_load(&v[i], dirs[i]) < 0)
			goto out;
		if (same_dir(dirs[i], out)) {
			error("the output folder '%s' is one of the folders to merge", out);
			goto out;
		}
	}
	bad += parts_check(v, n);
	cells = cells_union(v, n, &owner, &bad);
	bad += coverage_check(v, n, json_array_size(cells));
	if (bad && !force) {
		error("not merging into '%s': %d problem%s above (--force merges anyway)", out, bad,
		      bad == 1 ? "" : "s");
		goto out;
	}
	ret = MERGE_ERROR;
	if (mkdirs(out) < 0 || files_merge(v, n, cells, owner, out) < 0 ||
	    matrix_write(v, n, cells, out) < 0)
		goto out;
	balance_report(v, n);
	if (aggregate_dir(out, sum) < 0)
		goto out;
	ret = MERGE_OK;
out:
	for (i = 0; i < n; i++) {
		json_decref(v[i].matrix);
		free(v[i].commit);
	}
	free(v);
	free(owner);
	json_decref(cells);
	return ret;
}
