/* compare.c: per cell and metric, the change of the median and whether it is
 * significant (Mann-Whitney U, Benjamini-Hochberg over the comparison at a
 * false discovery rate of 0.05), printed as benchstat does. */
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
	ch->verdict = stats_mw_min_p(na, nb) >= COMPARE_ALPHA ? CHANGE_TOO_FEW : CHANGE_SAME;
	compare_decide(ch, 1);
	free(a);
	free(b);
	return 0;
}

void
compare_decide(struct change *ch, size_t n)
{
	double *p = xcalloc(n + 1, sizeof(*p)), *q = xcalloc(n + 1, sizeof(*q));
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = ch[i].p;
	stats_bh(p, n, q);
	for (i = 0; i < n; i++) {
		ch[i].q = q[i];
		if (ch[i].verdict != CHANGE_TOO_FEW)
			ch[i].verdict = q[i] <= COMPARE_ALPHA ? CHANGE_SIGNIFICANT : CHANGE_SAME;
	}
	free(p);
	free(q);
}

/* One test of a comparison: where it is and what it found. */
struct test {
	const char *cell, *metric; /* borrowed from the compared objects */
	json_t *m;                 /* the new metric object (borrowed) */
	struct change ch;
};

/* The tests of one comparison, gathered before any is decided. */
struct family {
	struct test *t;
	size_t n, cap;
};

static void
family_add(struct family *f, const char *cell, const char *metric, json_t *old, json_t *m)
{
	struct change ch;

	if (compare_metric(old, m, &ch) < 0)
		return;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->t = xrealloc(f->t, f->cap * sizeof(*f->t));
	}
	f->t[f->n++] = (struct test){ cell, metric, m, ch };
}

/* Benjamini-Hochberg over the whole family; the number of significant tests. */
static int
family_decide(struct family *f)
{
	struct change *ch = xcalloc(f->n + 1, sizeof(*ch));
	size_t i;
	int changed = 0;

	for (i = 0; i < f->n; i++)
		ch[i] = f->t[i].ch;
	compare_decide(ch, f->n);
	for (i = 0; i < f->n; i++) {
		f->t[i].ch = ch[i];
		changed += ch[i].verdict == CHANGE_SIGNIFICANT;
	}
	free(ch);
	return changed;
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
		return xasprintf("%+.2f%% (p=%.3f q=%.3f n=%zu+%zu) %s", ch->delta * 100, ch->p,
				 ch->q, ch->n_old, ch->n_new, direction(m, ch->delta));
	case CHANGE_TOO_FEW:
		return xasprintf("~ (n too small: %zu+%zu, the smallest p is %.3f)", ch->n_old,
				 ch->n_new, stats_mw_min_p(ch->n_old, ch->n_new));
	default:
		return xasprintf("~ (p=%.3f q=%.3f n=%zu+%zu)", ch->p, ch->q, ch->n_old, ch->n_new);
	}
}

/* The table of the tests t[0..n-1], all of one cell. */
static void
cell_print(const struct test *t, size_t n, FILE *out)
{
	struct row *rows = xcalloc(n + 1, sizeof(*rows));
	size_t i;

	for (i = 0; i < n; i++) {
		struct buf o = BUF_INIT, w = BUF_INIT;

		fmt_value(&o, t[i].ch.old_median, t[i].ch.old_spread);
		fmt_value(&w, t[i].ch.new_median, t[i].ch.new_spread);
		rows[i].metric = xstrdup(t[i].metric);
		rows[i].old = buf_detach(&o, NULL);
		rows[i].new = buf_detach(&w, NULL);
		rows[i].delta = delta_text(&t[i].ch, t[i].m);
	}
	rows_print(out, t[0].cell, rows, n);
	free(rows);
}

int
compare_cells(json_t *old, json_t *new, FILE *out)
{
	struct family f = { 0 };
	const char *id, *name;
	json_t *c, *m;
	size_t missing = 0, i, j, shown = 0;
	int changed;

	/* jansson keeps insertion order: the results' order, sorted by id */
	json_object_foreach(new, id, c) {
		json_t *o = json_object_get(old, id);

		if (!o) {
			missing++;
			continue;
		}
		json_object_foreach(json_object_get(c, "metrics"), name, m)
			family_add(&f, id, name, json_object_get(json_object_get(o, "metrics"), name), m);
	}
	changed = family_decide(&f);
	for (i = 0; i < f.n; i = j) {
		for (j = i + 1; j < f.n && f.t[j].cell == f.t[i].cell; j++)
			;
		if (shown++ > 0)
			fputc('\n', out);
		cell_print(f.t + i, j - i, out);
	}
	if (missing)
		fprintf(out, "\n%zu cell%s with no earlier result to compare with\n", missing,
			missing == 1 ? "" : "s");
	fprintf(out, "\n%d significant change%s (Mann-Whitney U, two-sided; Benjamini-Hochberg "
		     "at a false discovery rate of %.2f over the %zu tests above)\n",
		changed, changed == 1 ? "" : "s", COMPARE_ALPHA, f.n);
	free(f.t);
	return changed;
}

int
compare_print_changes(const char *dir, time_t since, FILE *out)
{
	char *path = xasprintf("%s/results.json", dir);
	json_t *results = json_load_path(path, 0), *hist, *c;
	struct family f = { 0 };
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
		json_object_foreach(json_object_get(c, "metrics"), name, m)
			family_add(&f, id, name, json_object_get(json_object_get(prev, "metrics"), name), m);
	}
	family_decide(&f);
	for (i = 0; i < f.n; i++) {
		const struct test *t = &f.t[i];
		const char *unit = json_string_value(json_object_get(t->m, "unit"));

		if (t->ch.verdict != CHANGE_SIGNIFICANT)
			continue;
		if (!printed)
			fprintf(out, "jockey: significant changes against each cell's previous result "
				     "(%s/%s; Benjamini-Hochberg over %zu tests):\n", dir, HISTORY_FILE, f.n);
		fprintf(out, "  %s %s: %.4g -> %.4g%s%s, %+.1f%% %s (p=%.3f q=%.3f n=%zu+%zu)\n",
			t->cell, t->metric, t->ch.old_median, t->ch.new_median, unit ? " " : "",
			unit ? unit : "", t->ch.delta * 100, direction(t->m, t->ch.delta), t->ch.p,
			t->ch.q, t->ch.n_old, t->ch.n_new);
		printed++;
	}
	free(f.t);
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
