/* t-warmup.c: the warm-up trend check (runners/report/warmup.h) on fixed
 * sequences, with p-values counted by hand: 3 against 6 without ties has
 * C(9, 3) = 84 equally likely rankings under the null. */
#include <math.h>
#include <stddef.h>

#include "runners/report/warmup.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
near(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

int
main(void)
{
	static const double step[] = { 130, 128, 131, 100, 101, 99, 100.5, 102, 98 };
	static const double flat[] = { 100, 102, 99, 101, 100.5, 98, 101.5, 100.2, 99.5 };
	static const double rate[] = { 80, 82, 81, 100, 101, 99, 100.5, 102, 98 };
	static const double fast[] = { 90, 91, 89, 100, 101, 99, 100.5, 102, 98 };
	static const double six[] = { 130, 131, 100, 101, 99, 100.5 };
	static const double tied[] = { 130, 130, 130, 100, 100, 100, 100, 100, 100 };
	double small[30];
	struct warmup_trend t;
	size_t i;
	int rc;

	rc = warmup_trend(step, N(step), 0, &t);
	ok(rc == 0, "a step: checked");
	is_int(t.first, 3, "a step: the first third of 9 is 3");
	ok(near(t.p, 1.0 / 84, 1e-12), "a step: exact one-sided p 1/84 (got %g)", t.p);
	ok(near(t.change, 130.0 / 100.25 - 1, 1e-12), "a step: 29.7%% worse (got %g)", t.change);
	ok(t.tested && t.trend, "a step: flagged");

	rc = warmup_trend(flat, N(flat), 0, &t);
	ok(rc == 0 && !t.trend && t.p > 0.05,
	   "noise without a step: not flagged (p %g)", t.p);

	rc = warmup_trend(rate, N(rate), 1, &t);
	ok(rc == 0 && t.trend, "higher is better, the first lower: flagged");
	ok(near(t.change, 1 - 81.0 / 100.25, 1e-12) && near(t.p, 1.0 / 84, 1e-12),
	   "higher is better: change %g, p %g", t.change, t.p);
	rc = warmup_trend(rate, N(rate), 0, &t);
	ok(rc == 0 && !t.trend && t.change < 0,
	   "lower is better, the first lower: better, not a warm-up");

	rc = warmup_trend(fast, N(fast), 0, &t);
	ok(rc == 0 && !t.trend && near(t.p, 1 - 1.0 / 84, 1e-12),
	   "the first faster: p 83/84 (got %g)", t.p);

	rc = warmup_trend(six, N(six), 0, &t);
	ok(rc == 0 && !t.tested && !t.trend && t.first == 2,
	   "6 repetitions: 2 against 4 cannot reach 5%% (p %g)", t.p);
	ok(near(t.p, 1.0 / 15, 1e-12), "6 repetitions: the smallest one-sided p, 1/15");

	rc = warmup_trend(tied, N(tied), 0, &t);
	ok(rc == 0 && t.trend && near(t.change, 0.3, 1e-12),
	   "ties (the normal approximation): flagged, 30%% (p %g)", t.p);

	/* 30 repetitions, the first 10 0.5% slower: significant, too small to flag */
	for (i = 0; i < 30; i++)
		small[i] = (i < 10 ? 100.5 : 100) + 0.01 * (double)(i % 5);
	rc = warmup_trend(small, 30, 0, &t);
	ok(rc == 0 && t.p <= 0.05 && !t.trend,
	   "0.5%% at 30 repetitions: p %g, under the 1%% that is flagged", t.p);

	ok(warmup_trend(step, 2, 0, &t) < 0, "2 repetitions: no check");
	return tap_done();
}
