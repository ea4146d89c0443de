/* stats.c: median, mean, spread and an exact interval of the median. */
#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* P(B <= k) for B ~ Binomial(n, 1/2), summed in logs to stay finite. */
static double
binom_half_cdf(size_t n, size_t k)
{
	double sum = 0, lg = 0; /* lg = log C(n, i) */
	size_t i;

	for (i = 0; i <= k && i <= n; i++) {
		if (i > 0)
			lg += log((double)(n - i + 1)) - log((double)i);
		sum += exp(lg - (double)n * log(2.0));
	}
	return sum;
}

void
stats_compute(double *v, size_t n, struct stats *st)
{
	double sum = 0, ss = 0;
	size_t i, k;

	qsort(v, n, sizeof(*v), cmp_double);
	st->n = n;
	st->min = v[0];
	st->max = v[n - 1];
	st->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (i = 0; i < n; i++)
		sum += v[i];
	st->mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (v[i] - st->mean) * (v[i] - st->mean);
	st->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0;
	st->cv = st->mean != 0 ? st->stddev / fabs(st->mean) : 0;

	/* The interval [x_(k+1), x_(n-k)] (1-based) covers the median with
	 * probability 1 - 2 P(B <= k). Take the largest k that keeps >= 95%. */
	st->ci_lo = st->min;
	st->ci_hi = st->max;
	st->ci_coverage = 1 - 2 * binom_half_cdf(n, 0);
	for (k = 1; 2 * k < n; k++) {
		double cover = 1 - 2 * binom_half_cdf(n, k);

		if (cover < 0.95)
			break;
		st->ci_lo = v[k];
		st->ci_hi = v[n - 1 - k];
		st->ci_coverage = cover;
	}
}
