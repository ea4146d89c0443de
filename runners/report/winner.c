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
		buf_puts(b, "significant");
		break;
	case WINNER_SAME:
		buf_puts(b, "no significant difference");
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

/* The rows of one benchmark on one host: its cells in cells (each with a
 * different image:tag), one row per parser metric with a direction. */
static void
group_write(struct buf *b, json_t *group, int *header)
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
			if (winner_decide(metrics, names, n, &w) < 0)
				continue;
			if (!(*header)++)
				buf_puts(b, "## Winners\n\n"
					    "Per benchmark and host with more than one image:tag, and "
					    "per metric: the image:tag with the best median, by how "
					    "much it beats the runner-up (×ratio of medians, at least 1, "
					    "[Mann-Whitney 95% interval]), and whether the difference "
					    "is significant (the interval leaves out ×1).\n\n"
					    "| benchmark | host | metric | better | winner | by | verdict |\n"
					    "|---|---|---|---|---|---|---|\n");
			row_write(b, str(c, "benchmark"), str(c, "host"), name, &w);
		}
	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(names);
	free(metrics);
	json_decref(names_seen);
}

void
winner_write(json_t *cells, struct buf *out)
{
	json_t *groups = json_object(), *order = json_array(), *c, *g, *v;
	size_t i;
	int header = 0;

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
			group_write(out, g, &header);
	}
	if (header)
		buf_putc(out, '\n');
	json_decref(order);
	json_decref(groups);
}
