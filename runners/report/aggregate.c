/* aggregate.c: collect every finished repetition into results.json,
 * results.csv, history.jsonl, summary.md and report.html; see aggregate.h.
 *
 * Reads matrix.json for the cells, then per cell and repetition the files the
 * run and parse edges left: samples.json (finished), failed.json (why not).
 * Cells that failed or never ran are reported as such; they never keep the
 * finished ones from being reported. Warmup repetitions are parsed but left
 * out of the statistics. With a baseline in the matrix, every metric is also
 * given relative to the baseline cell on the same other axes, with a
 * Mann-Whitney p-value decided by Benjamini-Hochberg over all of those
 * comparisons at once (the family: every cell x metric against its baseline).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "base/valid.h"
#include "build/version.h"
#include "runners/report/adaptive.h"
#include "runners/report/aggcache.h"
#include "runners/report/aggregate.h"
#include "runners/report/conditions.h"
#include "runners/report/history.h"
#include "runners/report/report.h"
#include "runners/report/stats.h"

struct cell_state {
	const char *status;   /* "done", "failed", "partial", "never run" (static) */
	int failed;           /* some repetition left a failed.json */
	int invalid;          /* some repetition did not count (warned): not cached */
};

/* Add one sample of a metric to the cell's metric table, creating the entry
 * on first sight. */
static void
metric_add(json_t *metrics, json_t *m, int rep)
{
	const char *name = json_string_value(json_object_get(m, "name"));
	json_t *value = json_object_get(m, "value");
	json_t *entry;

	if (!name || !json_is_number(value))
		return;
	entry = json_object_get(metrics, name);
	if (!entry) {
		json_t *unit = json_object_get(m, "unit");
		json_t *better = json_object_get(m, "better");

		entry = json_pack("{s:O?, s:s, s:[], s:[]}", "unit", unit, "better",
				  json_is_string(better) ? json_string_value(better) : "lower",
				  "samples", "reps");
		json_object_set_new(metrics, name, entry);
	}
	json_array_append_new(json_object_get(entry, "samples"), json_real(json_number_value(value)));
	json_array_append_new(json_object_get(entry, "reps"), json_integer(rep));
}

static void
metric_finish(json_t *entry, double max_cv, int *noisy)
{
	json_t *samples = json_object_get(entry, "samples");
	size_t i, n = json_array_size(samples);
	double *v;
	struct stats st;

	if (n == 0)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_number_value(json_array_get(samples, i));
	conditions_warmup(entry, v, n);
	stats_compute(v, n, &st);
	free(v);
	json_object_set_new(entry, "n", json_integer(st.n));
	json_object_set_new(entry, "median", json_real(st.median));
	json_object_set_new(entry, "mean", json_real(st.mean));
	json_object_set_new(entry, "stddev", json_real(st.stddev));
	json_object_set_new(entry, "cv", json_real(st.cv));
	json_object_set_new(entry, "min", json_real(st.min));
	json_object_set_new(entry, "max", json_real(st.max));
	json_object_set_new(entry, "ci", json_pack("[f,f]", st.ci_lo, st.ci_hi));
	json_object_set_new(entry, "ci_coverage", json_real(st.ci_coverage));
	json_object_set_new(entry, "noisy", json_boolean(n > 1 && st.cv > max_cv));
	if (n > 1 && st.cv > max_cv)
		*noisy = 1;
}

/* One failed repetition: why, and where its log is (run-cell keeps a
 * failed run's log under the name failed.json gives). */
static json_t *
failure_make(const char *id, int rep, json_t *failed)
{
	const char *log = json_string_value(json_object_get(failed, "log"));
	char *path = layout_rep_named(NULL, id, rep, log && !strchr(log, '/') ? log : layout_rep_file(LAYOUT_LOG));
	json_t *f = json_pack("{s:i, s:O?}", "rep", rep, "reason", json_object_get(failed, "reason"));

	if (path_exists(path))
		json_object_set_new(f, "log", json_string(path));
	free(path);
	return f;
}

/* The state of one cell: its reps' samples, failures and provenance. */
static json_t *
cell_collect(json_t *c, double max_cv, struct cell_state *state)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	int repeat = json_integer_value(json_object_get(c, "repeat"));
	int warmup = json_integer_value(json_object_get(c, "warmup"));
	json_t *out, *metrics = json_object(), *failures = json_array();
	json_t *provenance = NULL, *absent = NULL, *busy = json_array();
	const char *name;
	json_t *entry;
	int rep, done = 0, noisy = 0;

	for (rep = 1; rep <= warmup + repeat; rep++) {
		char *path = layout_rep_path(NULL, id, rep, LAYOUT_SAMPLES), *why = NULL;
		enum valid_rep v = valid_rep(NULL, id, rep, &why);
		json_t *s = v == VALID_DONE ? json_load_path(path, 0) : NULL;

		free(path);
		if (v == VALID_INVALID) {
			warn("cell '%s' repetition %d does not count: %s", id, rep, why);
			state->invalid = 1;
		}
		free(why);
		if (s) {
			json_t *m;
			size_t i;

			done++;
			if (rep > warmup)
				json_array_foreach(json_object_get(s, "metrics"), i, m)
					metric_add(metrics, m, rep);
			if (json_is_string(json_object_get(s, "cgroup_absent")) && !absent)
				absent = json_incref(json_object_get(s, "cgroup_absent"));
			json_decref(s);
			s = conditions_rep(busy, id, rep, rep > warmup);
			if (!provenance)
				provenance = s;
			else
				json_decref(s);
			continue;
		}
		path = layout_rep_path(NULL, id, rep, LAYOUT_FAILED);
		s = path_exists(path) ? json_load_path(path, 1) : NULL;
		free(path);
		if (s) {
			json_array_append_new(failures, failure_make(id, rep, s));
			json_decref(s);
		}
	}
	json_object_foreach(metrics, name, entry)
		metric_finish(entry, max_cv, &noisy);

	state->failed = json_array_size(failures) > 0;
	if (done == warmup + repeat)
		state->status = "done";
	else if (state->failed)
		state->status = "failed";
	else if (done > 0)
		state->status = "partial";
	else
		state->status = "never run";

	out = json_deep_copy(c);
	json_object_set_new(out, "status", json_string(state->status));
	json_object_set_new(out, "reps_done", json_integer(done));
	json_object_set_new(out, "reps_total", json_integer(warmup + repeat));
	json_object_set_new(out, "noisy", json_boolean(noisy));
	json_object_set_new(out, "failures", failures);
	json_object_set_new(out, "metrics", metrics);
	json_object_set_new(out, "provenance", provenance ? provenance : json_object());
	/* why the cgroup totals are missing (a remote engine's sampler could not run) */
	if (absent)
		json_object_set_new(out, "cgroup_absent", absent);
	json_object_set_new(out, "machine_busy", busy);
	adaptive_judge(out);
	return out;
}

#define RELATIVE_ALPHA 0.05

/* The key of a cell's axes, for finding its baseline. */
static char *
axes_key(const char *bench, const char *image, const char *tag, const char *host)
{
	return xasprintf("%s\x1f%s\x1f%s\x1f%s", bench ? bench : "", image ? image : "",
			 tag ? tag : "", host ? host : "");
}

static const char *
cell_str(json_t *c, const char *key)
{
	return json_string_value(json_object_get(c, key));
}

static double *
samples_array(json_t *m, size_t *n)
{
	json_t *s = json_object_get(m, "samples"), *v;
	double *out = xcalloc(json_array_size(s) + 1, sizeof(*out));
	size_t i;

	json_array_foreach(s, i, v)
		out[i] = json_number_value(v);
	*n = json_array_size(s);
	return out;
}

/* metric.relative: the cell's median against its baseline cell's, as a
 * change (ratio - 1), with the interval of the ratio that holds its level
 * from 3 samples a side (stats_ratio_interval; bench/coverage: the percentile
 * bootstrap said 95% and covered 90% at 3 a side) and its coverage, and the
 * Mann-Whitney p-value that relative_decide corrects. */
static void
relative_set(json_t *m, json_t *bm, const char *bid, int self)
{
	size_t na, nb;
	double *a, *b, lo, hi, cover, med_a, med_b, u;
	json_t *rel;

	if (!json_is_number(json_object_get(m, "median")) ||
	    !json_is_number(json_object_get(bm, "median")))
		return;
	med_a = json_number_value(json_object_get(m, "median"));
	med_b = json_number_value(json_object_get(bm, "median"));
	if (med_b == 0)
		return;
	a = samples_array(m, &na);
	b = samples_array(bm, &nb);
	rel = json_pack("{s:s, s:f}", "baseline", bid, "delta", med_a / med_b - 1);
	if (stats_ratio_interval(a, na, b, nb, 1 - RELATIVE_ALPHA, &lo, &hi, &cover) == 0) {
		json_object_set_new(rel, "ci", json_pack("[f,f]", lo - 1, hi - 1));
		json_object_set_new(rel, "ci_coverage", json_real(cover));
	}
	if (!self && na && nb)
		json_object_set_new(rel, "p", json_real(stats_mann_whitney(a, na, b, nb, &u)));
	json_object_set_new(m, "relative", rel);
	free(a);
	free(b);
}

/* Benjamini-Hochberg over every relative.p of the results: relative.q and
 * relative.significant (q <= alpha), which the summary and the report show;
 * results.baseline_tests says over how many. */
static void
relative_decide(json_t *results, json_t *cells)
{
	json_t *c, *m, **rels = NULL;
	double *p = NULL, *q;
	size_t i, n = 0, k, found = 0;
	const char *name;

	json_array_foreach(cells, i, c)
		json_object_foreach(json_object_get(c, "metrics"), name, m)
			if (json_is_number(json_object_get(json_object_get(m, "relative"), "p"))) {
				rels = xreallocarray(rels, n + 1, sizeof(*rels));
				p = xreallocarray(p, n + 1, sizeof(*p));
				rels[n] = json_object_get(m, "relative");
				p[n] = json_number_value(json_object_get(rels[n], "p"));
				n++;
			}
	q = xcalloc(n + 1, sizeof(*q));
	stats_bh(p, n, q);
	for (k = 0; k < n; k++) {
		json_object_set_new(rels[k], "q", json_real(q[k]));
		json_object_set_new(rels[k], "significant", json_boolean(q[k] <= RELATIVE_ALPHA));
		found += q[k] <= RELATIVE_ALPHA;
	}
	if (n)
		json_object_set_new(results, "baseline_tests",
				    json_pack("{s:I, s:I, s:f}", "tests", (json_int_t)n,
					      "significant", (json_int_t)found, "fdr", RELATIVE_ALPHA));
	free(rels);
	free(p);
	free(q);
}

/* Relate every cell to the baseline cell that shares its other axes. */
static void
baseline_apply(json_t *cells, json_t *baseline)
{
	const char *bhost = cell_str(baseline, "host");
	const char *bimage = cell_str(baseline, "image"), *btag = cell_str(baseline, "tag");
	json_t *index = json_object(), *c;
	size_t i;

	if (!bhost && !bimage) {
		json_decref(index);
		return;
	}
	json_array_foreach(cells, i, c) {
		char *k;

		/* {image} alone: the image has one tag; take it from its cells */
		if (bimage && !btag && cell_str(c, "image") && strcmp(cell_str(c, "image"), bimage) == 0)
			btag = cell_str(c, "tag");
		k = axes_key(cell_str(c, "benchmark"), cell_str(c, "image"), cell_str(c, "tag"),
			     cell_str(c, "host"));
		json_object_set(index, k, c);
		free(k);
	}
	json_array_foreach(cells, i, c) {
		char *k = bhost ? axes_key(cell_str(c, "benchmark"), cell_str(c, "image"),
					   cell_str(c, "tag"), bhost)
				: axes_key(cell_str(c, "benchmark"), bimage,
					   btag ? btag : cell_str(c, "tag"), cell_str(c, "host"));
		json_t *b = json_object_get(index, k), *m;
		const char *name;

		free(k);
		if (!b)
			continue;
		json_object_set_new(c, "baseline_cell", json_string(cell_str(b, "id")));
		json_object_foreach(json_object_get(c, "metrics"), name, m)
			relative_set(m, json_object_get(json_object_get(b, "metrics"), name),
				     cell_str(b, "id"), b == c);
	}
	json_decref(index);
}

/* The fetch edge adds a second line "dirty" to stamps/repo.commit when a
 * local work tree's uncommitted edits went into the contexts. */
static int
repo_dirty(void)
{
	char *data;
	int dirty;

	if (!path_exists(LAYOUT_REPO_COMMIT) || read_file(LAYOUT_REPO_COMMIT, &data, NULL) < 0)
		return 0;
	dirty = strstr(data, "\ndirty") != NULL;
	free(data);
	return dirty;
}

static void
csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		buf_putc(b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(b, '"');
			buf_putc(b, *s);
		}
		buf_putc(b, '"');
	} else {
		buf_puts(b, s);
	}
}

/* results.csv: tidy, one row per cell, metric and sample. */
static void
csv_write(json_t *cells, struct buf *b)
{
	json_t *c, *entry;
	size_t i, j;
	const char *name;

	buf_puts(b, "cell,image,tag,benchmark,host,metric,unit,better,rep,value\n");
	json_array_foreach(cells, i, c) {
		json_object_foreach(json_object_get(c, "metrics"), name, entry) {
			json_t *v;
			json_t *reps = json_object_get(entry, "reps");
			const char *unit = json_string_value(json_object_get(entry, "unit"));
			static const char *const axes[] = { "id", "image", "tag", "benchmark", "host" };
			size_t a;

			json_array_foreach(json_object_get(entry, "samples"), j, v) {
				for (a = 0; a < sizeof(axes) / sizeof(axes[0]); a++) {
					const char *s = json_string_value(json_object_get(c, axes[a]));

					csv_field(b, s ? s : "");
					buf_putc(b, ',');
				}
				csv_field(b, name);
				buf_putc(b, ',');
				csv_field(b, unit ? unit : "");
				buf_printf(b, ",%s,%lld,%.17g\n",
					   json_string_value(json_object_get(entry, "better")),
					   (long long)json_integer_value(json_array_get(reps, j)),
					   json_number_value(v));
			}
		}
	}
}

/* s as a JSON string, or null when s is NULL or not UTF-8 (new reference). */
static json_t *
string_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

/* v, or null when it is missing (borrowed either way). */
static json_t *
null_if_missing(json_t *v)
{
	return v ? v : json_null();
}

/* matrix.json is gen's, but a damaged one must not lead the readers astray:
 * each cell needs an id that names one folder under cells/ and a repeat and
 * warmup in the matrix's bounds. 0, or -1 with a message. */
static int
matrix_cells_check(json_t *cells)
{
	json_t *c;
	size_t i;

	if (!json_is_array(cells))
		return error("matrix.json: no 'cells' list (run 'jockey gen' again)");
	json_array_foreach(cells, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		json_t *rep = json_object_get(c, "repeat"), *warm = json_object_get(c, "warmup");

		if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
			return error("matrix.json: cell %zu: no valid 'id' (run 'jockey gen' again)", i + 1);
		if (!json_is_integer(rep) || json_integer_value(rep) < 1 ||
		    json_integer_value(rep) > 100000 ||
		    (warm && (!json_is_integer(warm) || json_integer_value(warm) < 0 ||
			      json_integer_value(warm) > 100000)))
			return error("matrix.json: cell '%s': 'repeat' or 'warmup' out of range "
				     "(run 'jockey gen' again)", id);
	}
	return 0;
}

/* Every cell of matrix.json collected, with its history hashes: from the
 * aggregate's cache when the stamps of its files did not move (aggcache.h),
 * else from its files; sum counts them. */
static json_t *
cells_collect(json_t *cells, double max_cv, struct aggregate_summary *sum)
{
	char *global = aggcache_global_key(max_cv);
	struct aggcache *cache = aggcache_load(LAYOUT_AGGREGATE_CACHE, global);
	json_t *out = json_array(), *c;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	json_array_foreach(cells, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		char *key = aggcache_cell_key(c);
		json_t *cell = aggcache_get(cache, id, key);
		struct cell_state st = { NULL, 0, 0 };

		if (cell) {
			st.status = json_string_value(json_object_get(cell, "status"));
			st.failed = json_array_size(json_object_get(cell, "failures")) > 0;
		} else {
			cell = cell_collect(c, max_cv, &st);
			history_hash_cell(cell);
			if (!st.invalid)
				aggcache_put(cache, id, key, cell);
		}
		free(key);
		json_array_append_new(out, cell);
		sum->cells++;
		if (st.status && strcmp(st.status, "done") == 0)
			sum->done++;
		else if (st.failed)
			sum->failed++;
		else
			sum->incomplete++;
	}
	/* only a cache: one that cannot be written (said why) is no error */
	aggcache_save(cache, LAYOUT_AGGREGATE_CACHE);
	aggcache_free(cache);
	free(global);
	return out;
}

int
aggregate_dir(const char *dir, struct aggregate_summary *sum)
{
	json_t *matrix, *cells, *results, *out_cells, *hist;
	double max_cv;
	char *commit;
	struct buf csv = BUF_INIT;
	int ret = -1;

	if (dir && strcmp(dir, ".") != 0 && chdir(dir) < 0)
		return error("cannot enter '%s':", dir);
	matrix = json_load_path("matrix.json", 0);
	if (!matrix)
		return -1;
	cells = json_object_get(matrix, "cells");
	if (matrix_cells_check(cells) < 0) {
		json_decref(matrix);
		return -1;
	}
	max_cv = json_number_value(json_object_get(matrix, "max_cv"));
	if (max_cv <= 0)
		max_cv = 0.05;
	out_cells = cells_collect(cells, max_cv, sum);
	commit = stamp_read(LAYOUT_REPO_COMMIT);
	baseline_apply(out_cells, json_object_get(matrix, "baseline"));
	/* One key at a time: a value that is missing, or a stamp that is not
	 * UTF-8 (json_string gives NULL), is null instead of failing the whole
	 * object (tests/fuzz/corpus/state/crash-*). */
	results = json_pack("{s:i, s:s, s:b, s:o}", "schema", 1, "jockey_version", JOCKEY_VERSION,
			    "repo_dirty", repo_dirty(), "cells", out_cells);
	json_object_set(results, "matrix", json_object_get(matrix, "name"));
	json_object_set_new(results, "repo_commit", string_or_null(commit));
	json_object_set(results, "baseline", null_if_missing(json_object_get(matrix, "baseline")));
	json_object_set(results, "max_cv", null_if_missing(json_object_get(matrix, "max_cv")));
	json_object_set_new(results, "machine", conditions_run());
	relative_decide(results, out_cells);
	free(commit);
	csv_write(out_cells, &csv);
	hist = history_load(HISTORY_FILE);
	if (write_file_atomic("results.csv", csv.data, csv.len) == 0 &&
	    json_write_path("results.json", results,
			    JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17), 0) == 0 &&
	    history_record_into(HISTORY_FILE, results, hist) >= 0 &&
	    report_write_hist(results, hist) == 0)
		ret = 0;
	json_decref(hist);
	buf_release(&csv);
	json_decref(results);
	json_decref(matrix);
	return ret;
}
