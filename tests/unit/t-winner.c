/* t-winner.c: which image wins each benchmark, on synthetic results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/report/summary.h"
#include "runners/report/winner.h"
#include "tap.h"

static const double six[] = { 10.0, 10.2, 9.9, 10.1, 9.8, 10.05 };
static const double other[] = { 10.1, 9.95, 10.15, 9.85, 10.0, 10.12 };

static json_t *
metric(const char *better, const double *v, size_t n, double scale)
{
	json_t *s = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(s, json_real(v[i] * scale));
	return json_pack("{s:s, s:s?, s:o}", "unit", "x", "better", better, "samples", s);
}

static int
decide2(json_t *a, json_t *b, struct winner *w)
{
	json_t *m[2] = { a, b };
	const char *names[2] = { "a:1", "b:1" };
	int rc = winner_decide(m, names, 2, w);

	json_decref(a);
	json_decref(b);
	return rc;
}

static void
test_decide(void)
{
	struct winner w;
	json_t *m[3];
	const char *names[3] = { "slow:1", "fast:1", "mid:1" };

	int rc = decide2(metric("higher", six, 6, 1), metric("higher", six, 6, 3), &w);

	ok(rc == 0 && strcmp(w.best, "b:1") == 0 && strcmp(w.runner, "a:1") == 0,
	   "higher is better: b, three times a's, wins");
	ok(fabs(w.ratio - 3) < 1e-9 && w.verdict == WINNER_SIGNIFICANT && w.lo > 1 &&
	   w.coverage >= 0.95, "×3, significant at 95%% (got ×%g [%g, %g] %g)", w.ratio, w.lo,
	   w.hi, w.coverage);
	ok(decide2(metric("lower", six, 6, 1), metric("lower", six, 6, 2), &w) == 0 &&
	   strcmp(w.best, "a:1") == 0 && fabs(w.ratio - 2) < 1e-9 && w.verdict == WINNER_SIGNIFICANT &&
	   !w.higher, "lower is better: a, half of b, wins ×2");
	rc = decide2(metric("higher", six, 6, 1), metric("higher", other, 6, 1), &w);
	ok(rc == 0 && w.verdict == WINNER_SAME && w.lo <= 1 && w.hi >= 1 && w.ratio >= 1,
	   "overlapping samples: no significant difference (×%g [%g, %g])", w.ratio, w.lo, w.hi);
	rc = decide2(metric("higher", six, 3, 1), metric("higher", six, 3, 2), &w);
	ok(rc == 0 && w.verdict == WINNER_TOO_FEW && w.coverage < 0.95 && w.n_best == 3,
	   "3 a side: a leader, too few to tell (coverage %g)", w.coverage);
	ok(decide2(metric("higher", six, 6, 1), metric("higher", six, 6, 1), &w) == 0 &&
	   w.verdict == WINNER_TIE && strcmp(w.best, "a:1") == 0, "equal medians: a tie");
	ok(decide2(metric("higher", (const double[]){ 0, 1, 2 }, 3, 1),
		   metric("higher", six, 3, 1), &w) == 0 && w.verdict == WINNER_UNTESTED,
	   "a sample of 0: not tested");
	ok(decide2(metric(NULL, six, 6, 1), metric(NULL, six, 6, 2), &w) < 0,
	   "a metric without a direction has no winner");
	ok(decide2(metric("higher", six, 6, 1), json_object(), &w) < 0,
	   "one contender with samples: no winner");
	m[0] = metric("higher", six, 6, 1);
	m[1] = metric("higher", six, 6, 2);
	m[2] = metric("higher", six, 6, 1.5);
	ok(winner_decide(m, names, 3, &w) == 0 && strcmp(w.best, "fast:1") == 0 &&
	   strcmp(w.runner, "mid:1") == 0 && fabs(w.ratio - 2 / 1.5) < 1e-9,
	   "three contenders: the runner-up is the closest");
	json_decref(m[0]);
	json_decref(m[1]);
	json_decref(m[2]);
}

static json_t *
cell(const char *image, const char *bench, const char *host, const char *metric_name,
     json_t *m)
{
	json_t *metrics = json_pack("{s:o, s:o}", metric_name, m, "elapsed_s",
				    metric("lower", six, 6, image[0] == 'n' ? 1 : 0.5));

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "image", image, "tag", "latest",
			 "benchmark", bench, "host", host, "status", "done", "metrics", metrics);
}

static void
test_write(void)
{
	json_t *cells = json_array(), *results;
	struct buf b = BUF_INIT, s = BUF_INIT;

	json_array_append_new(cells, cell("httpd", "web", "bridge", "requests_per_s",
					  metric("higher", six, 6, 1000)));
	json_array_append_new(cells, cell("nginx", "web", "bridge", "requests_per_s",
					  metric("higher", six, 6, 3000)));
	json_array_append_new(cells, cell("nginx", "alone", "bridge", "requests_per_s",
					  metric("higher", six, 6, 1)));
	json_array_append_new(cells, cell("httpd", "web", "host-net", "requests_per_s",
					  metric("higher", six, 3, 1000)));
	json_array_append_new(cells, cell("nginx", "web", "host-net", "requests_per_s",
					  metric("higher", six, 3, 1200)));
	winner_write(cells, &b);
	ok(b.data && strstr(b.data, "## Winners\n") != NULL, "a Winners section");
	ok(b.data && strstr(b.data, "| web | bridge | requests_per_s | higher | **nginx:latest** | "
			   "×3 [2.94, 3.06] over httpd:latest | significant (q=0.0022) |\n") != NULL,
	   "web on bridge: nginx wins ×3, significant");
	ok(b.data && strstr(b.data, "| web | host-net | requests_per_s | higher | nginx:latest | "
			   "×1.2 [1.16, 1.24] 90% over httpd:latest | too few repetitions to "
			   "tell (3+3) |\n") != NULL, "web on host-net: a leader, 3+3 too few");
	ok(b.data && !strstr(b.data, "| alone |") && !strstr(b.data, "elapsed_s"),
	   "no row for one image, none for the wall time and cgroup totals");
	results = json_pack("{s:s, s:O}", "matrix", "m", "cells", cells);
	summary_write(results, &s);
	ok(s.data && strstr(s.data, "## Winners\n") && strstr(s.data, "## Winners") < strstr(s.data, "## web"),
	   "summary.md has the Winners section before the benchmarks' tables");
	buf_release(&b);
	buf_release(&s);
	json_decref(results);
	json_decref(cells);

	cells = json_array();
	json_array_append_new(cells, cell("nginx", "web", "bridge", "requests_per_s",
					  metric("higher", six, 6, 1)));
	buf_init(&b);
	winner_write(cells, &b);
	ok(b.len == 0, "one image everywhere: no section");
	buf_release(&b);
	json_decref(cells);
}

/* A row with p = 24/924 (U = 4, six a side) is a winner alone, and not
 * among nine rows of no difference: BH over the table. */
static void
test_family(void)
{
	static const double lo[] = { 1, 2, 3, 4, 5, 6 }, hi[] = { 3.5, 5.5, 7, 8, 9, 10 };
	json_t *cells = json_array();
	struct buf b = BUF_INIT;
	char bench[16];
	int i;

	json_array_append_new(cells, cell("a", "x", "h", "ops", metric("higher", lo, 6, 1)));
	json_array_append_new(cells, cell("b", "x", "h", "ops", metric("higher", hi, 6, 1)));
	winner_write(cells, &b);
	ok(b.data && strstr(b.data, "| x | h | ops | higher | **b:latest** | ") &&
	   strstr(b.data, " | significant (q=0.026) |\n"), "alone, p = 0.026 is significant");
	buf_release(&b);
	for (i = 0; i < 9; i++) {
		snprintf(bench, sizeof(bench), "null%d", i);
		json_array_append_new(cells, cell("a", bench, "h", "ops", metric("higher", six, 6, 1)));
		json_array_append_new(cells, cell("b", bench, "h", "ops", metric("higher", other, 6, 1)));
	}
	buf_init(&b);
	winner_write(cells, &b);
	ok(b.data && strstr(b.data, "| x | h | ops | higher | b:latest | ") &&
	   strstr(b.data, " | no significant difference (q=0.26) |\n"),
	   "among nine rows of no difference, BH's q is 0.26: no winner");
	ok(b.data && strstr(b.data, "Benjamini-Hochberg"), "the section says what is corrected");
	buf_release(&b);
	json_decref(cells);
}

int
main(void)
{
	test_decide();
	test_write();
	test_family();
	return tap_done();
}
