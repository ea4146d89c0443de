/* winner.c: which image wins each benchmark (winner.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/report/compare.h"
#include "runners/report/stats.h"
#include "runners/report/winner.h"
#include "runners/run/samples.h"

#define WINNER_LEVEL 0.95

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The median of a metric, from its samples (NAN when it has none). */
static double
median_of(json_t *m)
{
	size_t n;
	double *v = compare_samples(m, &n), med = n ? stats_median(v, n) : NAN;

	free(v);
	return med;
}

/* The interval of the winner's advantage, oriented to be >= 1. */
static void
winner_interval(json_t *best, json_t *runner, int higher, struct winner *w)
{
	size_t nb, nr;
	double *b = compare_samples(best, &nb), *r = compare_samples(runner, &nr);
	int rc;

	w->n_best = nb;
	w->n_runner = nr;
	w->p = w->q = NAN;
	if (nb && nr)
		w->p = stats_mann_whitney(b, nb, r, nr, &(double){0});
	rc = higher ? stats_ratio_interval(b, nb, r, nr, WINNER_LEVEL, &w->lo, &w->hi, &w->coverage)
		    : stats_ratio_interval(r, nr, b, nb, WINNER_LEVEL, &w->lo, &w->hi, &w->coverage);
	if (rc < 0)
		w->verdict = WINNER_UNTESTED;
	else if (w->coverage < WINNER_LEVEL - 1e-9)
		w->verdict = WINNER_TOO_FEW;
	else if (w->lo > 1)
		w->verdict = WINNER_SIGNIFICANT;
	else
		w->verdict = WINNER_SAME;
	free(b);
	free(r);
}

int
winner_decide(json_t *const *metrics, const char *const *names, size_t n, struct winner *w)
{
	const char *better = NULL;
	double mb = NAN, mr = NAN;
	size_t i, ib = n, ir = n;
	int higher;

	for (i = 0; i < n && !better; i++)
		if (*str(metrics[i], "better"))
			better = str(metrics[i], "better");
	if (!better)
		return -1;
	higher = strcmp(better, "higher") == 0;
	/* best and runner-up by median, the first listed winning a tie */
	for (i = 0; i < n; i++) {
		double m = median_of(metrics[i]);

		if (isnan(m))
			continue;
		if (ib == n || (higher ? m > mb : m < mb)) {
			ir = ib, mr = mb;
			ib = i, mb = m;
		} else if (ir == n || (higher ? m > mr : m < mr)) {
			ir = i, mr = m;
		}
	}
	if (ir == n)
		return -1;
	memset(w, 0, sizeof(*w));
	w->higher = higher;
	w->best = names[ib];
	w->runner = names[ir];
	w->ratio = higher ? (mr != 0 ? mb / mr : NAN) : (mb != 0 ? mr / mb : NAN);
	winner_interval(metrics[ib], metrics[ir], higher, w);
	if (mb == mr)
		w->verdict = WINNER_TIE;
	return 0;
}

static void
row_verdict(struct buf *b, const struct winner *w)
{
	switch (w->verdict) {
	case WINNER_SIGNIFICANT:
		buf_printf(b, "significant (q=%.2g)", w->q);
		break;
	case WINNER_SAME:
		buf_printf(b, "no significant difference (q=%.2g)", w->q);
		break;
	case WINNER_TOO_FEW:
		buf_printf(b, "too few repetitions to tell (%zu+%zu)", w->n_best, w->n_runner);
		break;
	case WINNER_TIE:
		buf_puts(b, "tie (equal medians)");
		break;
	case WINNER_UNTESTED:
		buf_puts(b, "not tested (a value <= 0)");
		break;
	}
}

static void
row_write(struct buf *b, const char *bench, const char *host, const char *metric,
	  const struct winner *w)
{
	buf_printf(b, "| %s | %s | %s | %s | ", bench, host, metric, w->higher ? "higher" : "lower");
	if (w->verdict == WINNER_TIE)
		buf_printf(b, "%s = %s | ×1 | ", w->best, w->runner);
	else if (w->verdict == WINNER_SIGNIFICANT)
		buf_printf(b, "**%s** | ", w->best);
	else
		buf_printf(b, "%s | ", w->best);
	if (w->verdict != WINNER_TIE) {
		buf_printf(b, isnan(w->ratio) ? "–" : "×%.3g", w->ratio);
		if (w->verdict != WINNER_UNTESTED && w->coverage > 0) {
			buf_printf(b, " [%.3g, %.3g]", w->lo, w->hi);
			if (w->coverage < WINNER_LEVEL - 1e-9)
				buf_printf(b, " %.0f%%", 100 * w->coverage);
		}
		buf_printf(b, " over %s | ", w->runner);
	}
	row_verdict(b, w);
	buf_puts(b, " |\n");
}

/* A row of the table, kept until the table's tests are decided together. */
struct row {
	char *bench, *host, *metric;
	struct winner w;
	char *best, *runner; /* owned copies: w's point at them */
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void
rows_add(struct rows *t, json_t *cell, const char *metric, const struct winner *w)
{
	struct row *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	r = &t->v[t->n++];
	r->bench = xstrdup(str(cell, "benchmark"));
	r->host = xstrdup(str(cell, "host"));
	r->metric = xstrdup(metric);
	r->w = *w;
	r->w.best = r->best = xstrdup(w->best);
	r->w.runner = r->runner = xstrdup(w->runner);
}

/* The rows of one benchmark on one host: its cells in group (each with a
 * different image:tag), one row per parser metric with a direction. */
static void
group_rows(struct rows *t, json_t *group)
{
	size_t n = json_array_size(group), i, j;
	json_t **metrics = xcalloc(n, sizeof(*metrics)), *c, *m, *names_seen = json_object();
	const char **names = xcalloc(n, sizeof(*names));
	char **owned = xcalloc(n, sizeof(*owned));
	const char *name;
	struct winner w;

	json_array_foreach(group, i, c) {
		owned[i] = xasprintf("%s:%s", str(c, "image"), str(c, "tag"));
		names[i] = owned[i];
	}
	json_array_foreach(group, i, c)
		json_object_foreach(json_object_get(c, "metrics"), name, m) {
			if (samples_is_system(name) || json_object_get(names_seen, name))
				continue;
			json_object_set_new(names_seen, name, json_true());
			for (j = 0; j < n; j++)
				metrics[j] = json_object_get(json_object_get(json_array_get(group, j),
									    "metrics"), name);
			if (winner_decide(metrics, names, n, &w) == 0)
				rows_add(t, c, name, &w);
		}
	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(names);
	free(metrics);
	json_decref(names_seen);
}

/* The rows whose interval could decide (95% coverage reached, a ratio to
 * test) are one family: BH over their p-values decides each. */
static void
rows_decide(struct rows *t)
{
	double *p = xcalloc(t->n + 1, sizeof(*p)), *q = xcalloc(t->n + 1, sizeof(*q));
	size_t i, k = 0;

	for (i = 0; i < t->n; i++)
		if ((t->v[i].w.verdict == WINNER_SIGNIFICANT || t->v[i].w.verdict == WINNER_SAME) &&
		    !isnan(t->v[i].w.p))
			p[k++] = t->v[i].w.p;
	stats_bh(p, k, q);
	for (i = 0, k = 0; i < t->n; i++) {
		struct winner *w = &t->v[i].w;

		if ((w->verdict != WINNER_SIGNIFICANT && w->verdict != WINNER_SAME) || isnan(w->p))
			continue;
		w->q = q[k++];
		w->verdict = w->q <= 0.05 ? WINNER_SIGNIFICANT : WINNER_SAME;
	}
	free(p);
	free(q);
}

static void
rows_write(const struct rows *t, struct buf *b)
{
	size_t i;

	if (!t->n)
		return;
	buf_puts(b, "## Winners\n\n"
		    "Per benchmark and host with more than one image:tag, and per metric: the "
		    "image:tag with the best median, by how much it beats the runner-up (×ratio "
		    "of medians, at least 1, [Mann-Whitney 95% interval]), and whether the "
		    "difference is significant: Mann-Whitney's p of each row, corrected by "
		    "Benjamini-Hochberg over the rows of this table (q, false discovery rate "
		    "5%).\n\n"
		    "| benchmark | host | metric | better | winner | by | verdict |\n"
		    "|---|---|---|---|---|---|---|\n");
	for (i = 0; i < t->n; i++)
		row_write(b, t->v[i].bench, t->v[i].host, t->v[i].metric, &t->v[i].w);
	buf_putc(b, '\n');
}

static void
rows_free(struct rows *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].bench);
		free(t->v[i].host);
		free(t->v[i].metric);
		free(t->v[i].best);
		free(t->v[i].runner);
	}
	free(t->v);
}

void
winner_write(json_t *cells, struct buf *out)
{
	json_t *groups = json_object(), *order = json_array(), *c, *g, *v;
	struct rows t = { 0 };
	size_t i;

	/* cells grouped by benchmark and host, in the order they come */
	json_array_foreach(cells, i, c) {
		char *k = xasprintf("%s\x1f%s", str(c, "benchmark"), str(c, "host"));

		if (!(g = json_object_get(groups, k))) {
			json_object_set_new(groups, k, g = json_array());
			json_array_append_new(order, json_string(k));
		}
		if (json_object_size(json_object_get(c, "metrics")))
			json_array_append(g, c);
		free(k);
	}
	json_array_foreach(order, i, v) {
		g = json_object_get(groups, json_string_value(v));
		if (json_array_size(g) > 1)
			group_rows(&t, g);
	}
	rows_decide(&t);
	rows_write(&t, out);
	rows_free(&t);
	json_decref(order);
	json_decref(groups);
}
