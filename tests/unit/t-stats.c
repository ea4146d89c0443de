/* t-stats.c: statistics against values computed by hand. */
#include <math.h>

#include "stats.h"
#include "tap.h"

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-9 * (fabs(b) + 1);
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
	return tap_done();
}
