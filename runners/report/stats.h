/* stats.h: summary statistics of one metric's samples, and the tests that
 * compare two sets of samples. */
#ifndef JOCKEY_STATS_H
#define JOCKEY_STATS_H

#include <stddef.h>

struct stats {
	size_t n;
	double median, mean, stddev, cv, min, max;
	/* Distribution-free interval of the median from order statistics: the
	 * widest-coverage pair (x_(k), x_(n+1-k)) whose coverage is at least 95%,
	 * or [min, max] with its (lower) true coverage when n is too small. */
	double ci_lo, ci_hi, ci_coverage;
};

/* Compute stats of v[0..n-1] (n >= 1); v is sorted in place. */
void stats_compute(double *v, size_t n, struct stats *st);

/* The median of v[0..n-1] (n >= 1); v is sorted in place. */
double stats_median(double *v, size_t n);

/* The Mann-Whitney U test of a[0..na-1] against b[0..nb-1] (both >= 1).
 * *u is U of a (pairs a > b, ties counting 1/2); the return value is the
 * two-sided p-value: exact when there are no ties and na, nb <= 20, else
 * the normal approximation with tie and continuity corrections. */
double stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u);

/* The smallest two-sided p-value that na against nb samples can reach at
 * all: 2 / C(na + nb, na). Above alpha, no difference can be significant. */
double stats_mw_min_p(size_t na, size_t nb);

/* A percentile bootstrap 95% interval of median(a) / median(b) from
 * `rounds` resamples with a fixed seed, so the same samples always give
 * the same interval. 0, or -1 when a median of b is 0. */
int stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb,
			  int rounds, double *lo, double *hi);

#endif
