/* compare.c: per cell and metric, the change of the median and whether it is
 * significant (Mann-Whitney U at alpha 0.05), printed as benchstat does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/util.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"
#include "runners/report/stats.h"

double *
compare_samples(json_t *m, size_t *n)
{
	json_t *s = json_object_get(m, "samples"), *v;
	double *out;
	size_t i, k = 0;

	*n = 0;
	if (!json_array_size(s))
		return NULL;
	out = xcalloc(json_array_size(s), sizeof(*out));
	json_array_foreach(s, i, v)
		if (json_is_number(v))
			out[k++] = json_number_value(v);
	*n = k;
	return out;
}

static double
spread_of(double *v, size_t n, double median)
{
	double lo = median - v[0], hi = v[n - 1] - median; /* v sorted */

	if (median == 0)
		return 0;
	return (lo > hi ? lo : hi) / fabs(median);
}

int
compare_metric(json_t *old, json_t *new, struct change *ch)
{
	size_t na, nb;
	double *a = compare_samples(old, &na), *b = compare_samples(new, &nb), u;

	memset(ch, 0, sizeof(*ch));
	if (!na || !nb) {
		free(a);
		free(b);
		return -1;
	}
	ch->n_old = na;
	ch->n_new = nb;
	ch->p = stats_mann_whitney(a, na, b, nb, &u);
	ch->old_median = stats_median(a, na);
	ch->new_median = stats_median(b, nb);
	ch->old_spread = spread_of(a, na, ch->old_median);
	ch->new_spread = spread_of(b, nb, ch->new_median);
	ch->delta = ch->old_median != 0 ? ch->new_median / ch->old_median - 1 : 0;
	if (stats_mw_min_p(na, nb) >= COMPARE_ALPHA)
		ch->verdict = CHANGE_TOO_FEW;
	else if (ch->p < COMPARE_ALPHA)
		ch->verdict = CHANGE_SIGNIFICANT;
	else
		ch->verdict = CHANGE_SAME;
	free(a);
	free(b);
	return 0;
}

/* "better" or "worse" for a significant change of a metric. */
static const char *
direction(json_t *m, double delta)
{
	const char *better = json_string_value(json_object_get(m, "better"));
	int higher = better && strcmp(better, "higher") == 0;

	if (delta == 0)
		return "";
	return (delta > 0) == higher ? "better" : "worse";
}

static void
fmt_value(struct buf *b, double v, double spread)
{
	buf_printf(b, "%.4g ±%2.0f%%", v, spread * 100);
}

struct row {
	char *metric, *old, *new, *delta;
};

static void
rows_print(FILE *out, const char *cell, struct row *rows, size_t n)
{
	size_t w[3] = { 6, 3, 3 }, i;

	for (i = 0; i < n; i++) {
		if (strlen(rows[i].metric) > w[0])
			w[0] = strlen(rows[i].metric);
		if (strlen(rows[i].old) > w[1])
			w[1] = strlen(rows[i].old);
		if (strlen(rows[i].new) > w[2])
			w[2] = strlen(rows[i].new);
	}
	fprintf(out, "%s\n", cell);
	fprintf(out, "  %-*s  %-*s  %-*s  %s\n", (int)w[0], "metric", (int)w[1], "old",
		(int)w[2], "new", "delta");
	for (i = 0; i < n; i++) {
		fprintf(out, "  %-*s  %-*s  %-*s  %s\n", (int)w[0], rows[i].metric, (int)w[1],
			rows[i].old, (int)w[2], rows[i].new, rows[i].delta);
		free(rows[i].metric);
		free(rows[i].old);
		free(rows[i].new);
		free(rows[i].delta);
	}
}

static char *
delta_text(const struct change *ch, json_t *m)
{
	switch (ch->verdict) {
	case CHANGE_SIGNIFICANT:
		return xasprintf("%+.2f%% (p=%.3f n=%zu+%zu) %s", ch->delta * 100, ch->p,
				 ch->n_old, ch->n_new, direction(m, ch->delta));
	case CHANGE_TOO_FEW:
		return xasprintf("~ (n too small: %zu+%zu, the smallest p is %.3f)", ch->n_old,
				 ch->n_new, stats_mw_min_p(ch->n_old, ch->n_new));
	default:
		return xasprintf("~ (p=%.3f n=%zu+%zu)", ch->p, ch->n_old, ch->n_new);
	}
}

/* One cell's table; the number of significant changes. */
static int
cell_compare(const char *id, json_t *old, json_t *new, FILE *out)
{
	json_t *om = json_object_get(old, "metrics"), *nm = json_object_get(new, "metrics"), *m;
	struct row *rows = xcalloc(json_object_size(nm) + 1, sizeof(*rows));
	const char *name;
	size_t n = 0;
	int changed = 0;

	json_object_foreach(nm, name, m) {
		struct change ch;
		struct buf o = BUF_INIT, w = BUF_INIT;

		if (compare_metric(json_object_get(om, name), m, &ch) < 0)
			continue;
		fmt_value(&o, ch.old_median, ch.old_spread);
		fmt_value(&w, ch.new_median, ch.new_spread);
		rows[n].metric = xstrdup(name);
		rows[n].old = buf_detach(&o, NULL);
		rows[n].new = buf_detach(&w, NULL);
		rows[n].delta = delta_text(&ch, m);
		n++;
		changed += ch.verdict == CHANGE_SIGNIFICANT;
	}
	if (n)
		rows_print(out, id, rows, n);
	free(rows);
	return changed;
}

int
compare_cells(json_t *old, json_t *new, FILE *out)
{
	const char **ids = xcalloc(json_object_size(new) + 1, sizeof(*ids));
	const char *id;
	json_t *c;
	size_t n = 0, i, missing = 0, shown = 0;
	int changed = 0;

	json_object_foreach(new, id, c)
		ids[n++] = id;
	/* jansson keeps insertion order: the results' order, sorted by id */
	for (i = 0; i < n; i++) {
		json_t *o = json_object_get(old, ids[i]);

		if (!o) {
			missing++;
			continue;
		}
		if (shown++ > 0)
			fputc('\n', out);
		changed += cell_compare(ids[i], o, json_object_get(new, ids[i]), out);
	}
	if (missing)
		fprintf(out, "\n%zu cell%s with no earlier result to compare with\n", missing,
			missing == 1 ? "" : "s");
	fprintf(out, "\n%d significant change%s (Mann-Whitney U, two-sided, alpha %.2f)\n",
		changed, changed == 1 ? "" : "s", COMPARE_ALPHA);
	free(ids);
	return changed;
}

int
compare_print_changes(const char *dir, time_t since, FILE *out)
{
	char *path = xasprintf("%s/results.json", dir);
	json_t *results = json_load_path(path, 0), *hist, *c;
	size_t i;
	int printed = 0;

	free(path);
	if (!results)
		return -1;
	path = xasprintf("%s/%s", dir, HISTORY_FILE);
	hist = history_load(path);
	free(path);
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *key = json_string_value(json_object_get(c, "result_hash"));
		json_t *cur = key ? history_find(hist, id, key) : NULL, *prev, *m;
		const char *name;

		if (!cur || json_number_value(json_object_get(cur, "recorded_unix")) < (double)since)
			continue;
		prev = history_previous(hist, id, key);
		if (!prev)
			continue;
		json_object_foreach(json_object_get(c, "metrics"), name, m) {
			struct change ch;
			const char *unit = json_string_value(json_object_get(m, "unit"));

			if (compare_metric(json_object_get(json_object_get(prev, "metrics"), name), m,
					   &ch) < 0 || ch.verdict != CHANGE_SIGNIFICANT)
				continue;
			if (!printed)
				fprintf(out, "jockey: significant changes against each cell's previous "
					     "result (%s/%s):\n", dir, HISTORY_FILE);
			fprintf(out, "  %s %s: %.4g -> %.4g%s%s, %+.1f%% %s (p=%.3f n=%zu+%zu)\n", id,
				name, ch.old_median, ch.new_median, unit ? " " : "", unit ? unit : "",
				ch.delta * 100, direction(m, ch.delta), ch.p, ch.n_old, ch.n_new);
			printed++;
		}
	}
	json_decref(hist);
	json_decref(results);
	return printed;
}

json_t *
compare_results_load(const char *arg)
{
	struct stat st;
	char *path;
	json_t *r;

	if (stat(arg, &st) < 0) {
		error("cannot read results '%s':", arg);
		return NULL;
	}
	path = S_ISDIR(st.st_mode) ? xasprintf("%s/results.json", arg) : xstrdup(arg);
	if (!path_exists(path)) {
		error("no results in '%s': run 'jockey run' or 'jockey report' first", arg);
		free(path);
		return NULL;
	}
	r = json_load_path(path, 0);
	free(path);
	return r;
}

json_t *
compare_cells_by_id(json_t *results)
{
	json_t *map = json_object(), *c;
	size_t i;

	json_array_foreach(json_object_get(results, "cells"), i, c)
		if (json_object_size(json_object_get(c, "metrics")))
			json_object_set(map, json_string_value(json_object_get(c, "id")), c);
	return map;
}

json_t *
compare_cells_previous(const char *dir, json_t *results)
{
	char *path = xasprintf("%s/%s", dir, HISTORY_FILE);
	json_t *hist = history_load(path), *map = json_object(), *c;
	size_t i;

	free(path);
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *key = json_string_value(json_object_get(c, "result_hash"));
		json_t *prev = id ? history_previous(hist, id, key) : NULL;

		if (prev)
			json_object_set(map, id, prev);
	}
	json_decref(hist);
	return map;
}
