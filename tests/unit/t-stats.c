/* t-stats.c: statistics against values computed by hand. */
#include <math.h>

#include "runners/report/stats.h"
#include "tap.h"

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-9 * (fabs(b) + 1);
}

static void
test_mann_whitney(void)
{
	double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 }, u, p;
	double c[] = { 1, 3, 5 }, d[] = { 2, 4, 6 };
	double e[] = { 1, 2, 3, 4, 5, 6 }, f[] = { 7, 8, 9, 10, 11, 12 };
	double g[] = { 1, 1, 2, 2 }, h[] = { 2, 3, 3, 3 };

	p = stats_mann_whitney(a, 3, b, 3, &u);
	ok(near(u, 0) && near(p, 0.1), "3 vs 3, separated: U=0, exact p = 2/20 (got %g)", p);
	p = stats_mann_whitney(b, 3, a, 3, &u);
	ok(near(u, 9) && near(p, 0.1), "the other way round: U=9, the same p");
	p = stats_mann_whitney(c, 3, d, 3, &u);
	/* U counts: 1 1 2 3 3 3 3 2 1 1 over 20; P(U<=3) = 7/20 */
	ok(near(u, 3) && near(p, 0.7), "interleaved: U=3, p = 2*7/20 = 0.7 (got %g)", p);
	p = stats_mann_whitney(e, 6, f, 6, &u);
	ok(near(p, 2.0 / 924), "6 vs 6, separated: p = 2/C(12,6) (got %g)", p);
	ok(near(stats_mw_min_p(3, 3), 0.1) && near(stats_mw_min_p(6, 6), 2.0 / 924),
	   "the smallest reachable p: 0.1 for 3+3, 0.00216 for 6+6");
	/* ties: midranks 1.5 1.5 4 4 | 4 7 7 7; U=1; sigma^2 = 16/12 (9 - 54/56) */
	p = stats_mann_whitney(g, 4, h, 4, &u);
	ok(near(u, 1) && fabs(p - 0.0470574) < 1e-6,
	   "ties: normal approximation with tie and continuity corrections, p=0.04706 (got %g)", p);
	p = stats_mann_whitney(g, 4, g, 4, &u);
	ok(near(u, 8) && near(p, 1), "the same samples: U = mn/2, p = 1");
}

static void
test_bootstrap(void)
{
	double a[] = { 2, 2, 2 }, b[] = { 1, 1, 1 };
	double c[] = { 10, 11, 12, 13, 14 }, d[] = { 9, 10, 10.5, 11, 12 };
	double lo, hi, lo2, hi2;

	ok(stats_bootstrap_ratio(a, 3, b, 3, 1000, &lo, &hi) == 0 && near(lo, 2) && near(hi, 2),
	   "constant samples: the ratio's interval is exactly [2, 2]");
	stats_bootstrap_ratio(c, 5, d, 5, 1000, &lo, &hi);
	stats_bootstrap_ratio(c, 5, d, 5, 1000, &lo2, &hi2);
	ok(lo == lo2 && hi == hi2, "fixed seed: the same samples give the same interval");
	ok(lo <= 12.0 / 10.5 && hi >= 12.0 / 10.5 && lo >= 10.0 / 12 && hi <= 14.0 / 9,
	   "the interval [%g, %g] holds the ratio of medians and stays within the data", lo, hi);
	ok(stats_bootstrap_ratio(c, 5, (double[]){ 0, 0, 0 }, 3, 100, &lo, &hi) < 0,
	   "a baseline of zeros has no ratio");
}

int
main(void)
{
	double a[] = { 5, 1, 3 };
	double b[] = { 4, 1, 3, 2 };
	double c[20];
	struct stats st;
	int i;

	stats_compute(a, 3, &st);
	ok(near(st.median, 3) && near(st.mean, 3), "odd n: median 3, mean 3");
	ok(near(st.stddev, 2) && near(st.cv, 2.0 / 3), "sample stddev 2, cv 2/3");
	ok(near(st.ci_lo, 1) && near(st.ci_hi, 5) && near(st.ci_coverage, 0.75),
	   "n=3: the interval is [min, max] with its true coverage 75%%");

	stats_compute(b, 4, &st);
	ok(near(st.median, 2.5), "even n: median is the mean of the middle two");
	ok(near(st.min, 1) && near(st.max, 4), "min and max");

	for (i = 0; i < 20; i++)
		c[i] = 20 - i; /* 1..20 */
	stats_compute(c, 20, &st);
	/* n=20: P(B<=5)=0.0207 -> coverage 0.9586; k=6 would give 0.8847. */
	ok(near(st.ci_lo, 6) && near(st.ci_hi, 15), "n=20: interval [x(6), x(15)]");
	ok(fabs(st.ci_coverage - 0.958610) < 1e-5, "n=20: coverage 95.86%% (got %f)", st.ci_coverage);

	stats_compute((double[]){ 7 }, 1, &st);
	ok(near(st.median, 7) && st.stddev == 0 && st.cv == 0, "one sample: no spread");

	/* n=6: P(B<=0)=1/64 -> coverage 1-2/64 = 0.96875, k=1 gives 0.78125 */
	{
		double d[] = { 6, 2, 5, 1, 4, 3 };

		stats_compute(d, 6, &st);
		ok(near(st.ci_lo, 1) && near(st.ci_hi, 6) && near(st.ci_coverage, 0.96875),
		   "n=6: [min, max] covers 96.875%%");
		ok(near(st.mean, 3.5) && near(st.stddev, sqrt(3.5)), "n=6: mean 3.5, stddev sqrt(3.5)");
	}
	/* n=9: P(B<=1)=10/512 -> 0.9609; P(B<=2)=46/512 -> 0.8203 */
	{
		double d[] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

		stats_compute(d, 9, &st);
		ok(near(st.ci_lo, 2) && near(st.ci_hi, 8) && near(st.ci_coverage, 1 - 20.0 / 512),
		   "n=9: [x(2), x(8)] covers 1 - 20/512");
	}

	test_mann_whitney();
	test_bootstrap();
	return tap_done();
}
