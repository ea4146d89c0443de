/* cmd_aggregate.c: collect every finished repetition into results.json and
 * results.csv.
 *
 * Reads matrix.json for the cells, then per cell and repetition the files the
 * run and parse edges left: samples.json (finished), failed.json (why not).
 * Cells that failed or never ran are reported as such; they never keep the
 * finished ones from being reported. Warmup repetitions are parsed but left
 * out of the statistics.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../build/version.h"
#include "aggregate.h"
#include "buf.h"
#include "commands.h"
#include "stats.h"
#include "util.h"

json_t *
json_load_path(const char *path, int quiet)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j && !quiet)
		error("%s:%d:%d: %s", path, err.line, err.column, err.text);
	return j;
}

/* Read the first line of a stamp file into a fresh string, or NULL. */
char *
stamp_read(const char *path)
{
	char *data;
	size_t n;

	if (!path_exists(path) || read_file(path, &data, NULL) < 0)
		return NULL;
	n = strcspn(data, "\n");
	data[n] = '\0';
	return data;
}

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

/* The state of one cell: its reps' samples, failures and provenance. */
static json_t *
cell_collect(json_t *c, double max_cv, struct cell_state *state)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	int repeat = json_integer_value(json_object_get(c, "repeat"));
	int warmup = json_integer_value(json_object_get(c, "warmup"));
	json_t *out, *metrics = json_object(), *failures = json_array();
	json_t *provenance = NULL;
	const char *name;
	json_t *entry;
	int rep, done = 0, noisy = 0;

	for (rep = 1; rep <= warmup + repeat; rep++) {
		char *path = xasprintf("cells/%s/%d/samples.json", id, rep);
		json_t *s = path_exists(path) ? json_load_path(path, 0) : NULL;

		free(path);
		if (s) {
			json_t *m;
			size_t i;

			done++;
			if (rep > warmup)
				json_array_foreach(json_object_get(s, "metrics"), i, m)
					metric_add(metrics, m, rep);
			json_decref(s);
			if (!provenance) {
				char *mpath = xasprintf("cells/%s/%d/metrics.json", id, rep);
				json_t *mj = path_exists(mpath) ? json_load_path(mpath, 1) : NULL;

				if (mj)
					provenance = json_incref(json_object_get(mj, "provenance"));
				json_decref(mj);
				free(mpath);
			}
			continue;
		}
		path = xasprintf("cells/%s/%d/failed.json", id, rep);
		s = path_exists(path) ? json_load_path(path, 1) : NULL;
		free(path);
		if (s) {
			json_array_append_new(failures, json_pack("{s:i, s:O?}", "rep", rep,
								  "reason", json_object_get(s, "reason")));
			json_decref(s);
		}
	}
	json_object_foreach(metrics, name, entry)
		metric_finish(entry, max_cv, &noisy);

	state->done = done;
	state->total = warmup + repeat;
	state->failed = json_array_size(failures) > 0;
	if (done == state->total)
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
	json_object_set_new(out, "reps_total", json_integer(state->total));
	json_object_set_new(out, "noisy", json_boolean(noisy));
	json_object_set_new(out, "failures", failures);
	json_object_set_new(out, "metrics", metrics);
	json_object_set_new(out, "provenance", provenance ? provenance : json_object());
	return out;
}

/* The fetch edge adds a second line "dirty" to stamps/repo.commit when a
 * local work tree's uncommitted edits went into the contexts. */
static int
repo_dirty(void)
{
	char *data;
	int dirty;

	if (!path_exists("stamps/repo.commit") || read_file("stamps/repo.commit", &data, NULL) < 0)
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

int
aggregate_dir(const char *dir, struct aggregate_summary *sum)
{
	json_t *matrix, *cells, *c, *results, *out_cells;
	double max_cv;
	size_t i;
	char *commit, *text;
	struct buf csv = BUF_INIT;
	int ret = -1;

	if (dir && strcmp(dir, ".") != 0 && chdir(dir) < 0)
		return error("cannot enter '%s':", dir);
	matrix = json_load_path("matrix.json", 0);
	if (!matrix)
		return -1;
	cells = json_object_get(matrix, "cells");
	max_cv = json_number_value(json_object_get(matrix, "max_cv"));
	if (max_cv <= 0)
		max_cv = 0.05;
	memset(sum, 0, sizeof(*sum));
	out_cells = json_array();
	json_array_foreach(cells, i, c) {
		struct cell_state st;

		json_array_append_new(out_cells, cell_collect(c, max_cv, &st));
		sum->cells++;
		if (strcmp(st.status, "done") == 0)
			sum->done++;
		else if (st.failed)
			sum->failed++;
		else
			sum->incomplete++;
	}
	commit = stamp_read("stamps/repo.commit");
	results = json_pack("{s:i, s:O, s:s, s:s?, s:b, s:O?, s:O?, s:o}",
			    "schema", 1, "matrix", json_object_get(matrix, "name"),
			    "jockey_version", JOCKEY_VERSION, "repo_commit", commit,
			    "repo_dirty", repo_dirty(),
			    "baseline", json_object_get(matrix, "baseline"),
			    "max_cv", json_object_get(matrix, "max_cv"), "cells", out_cells);
	free(commit);
	text = json_dumps(results, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	csv_write(out_cells, &csv);
	if (text && write_file_atomic("results.csv", csv.data, csv.len) == 0 &&
	    write_file_atomic("results.json", text, strlen(text)) == 0)
		ret = 0;
	free(text);
	buf_release(&csv);
	json_decref(results);
	json_decref(matrix);
	return ret;
}

int
cmd_aggregate(int argc, char **argv)
{
	struct aggregate_summary sum;

	if (argc != 2)
		usage("%s", command_usage("aggregate"));
	if (aggregate_dir(argv[1], &sum) < 0)
		return EXIT_RUNTIME;
	return EXIT_OK;
}
