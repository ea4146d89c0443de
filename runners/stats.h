/* stats.h: summary statistics of one metric's samples. */
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

#endif
