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

/* P(B <= k) for B ~ Binomial(n, 1/2), summed in logs to stay finite: the
 * coverage of a median's order-statistics interval is 1 - 2 P(B <= k). */
double stats_binom_half_cdf(size_t n, size_t k);

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
 * the same interval. 0, or -1 when a median of b is 0.
 * Checked by simulation (bench/coverage, bench/README.md): from 5 a side
 * it holds 95% (96 to 97% when a is b scaled, 94 to 95% when the spread
 * changes too); at 3 a side it is the range of the ratios and covers 90%
 * at best while it says 95%. stats_ratio_interval says what it covers. */
int stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb,
			  int rounds, double *lo, double *hi);

/* An interval of median(a) / median(b), distribution-free when a is b
 * scaled (the model of "this got x% slower", whatever the shape): the
 * Mann-Whitney (Hodges-Lehmann) interval of the shift of log a against
 * log b, that is [R_(k), R_(mn+1-k)] of the na * nb pairwise ratios
 * a_i / b_j, with k the largest whose coverage under the null distribution
 * of U is >= level (exact for na, nb <= 20, the normal approximation
 * beyond); *coverage (may be NULL) gets that coverage.
 *
 * Without ties it excludes 1 exactly when stats_mann_whitney's p <=
 * 1 - *coverage, so it agrees with compare; at level 1 - R alpha / m, R the
 * tests stats_bh_reject rejected out of m, it excludes 1 for exactly those
 * R (Benjamini and Yekutieli's FCR-adjusted intervals). When the samples
 * are too few to reach level (3 a side: 90% at most) it is the range of the
 * ratios and *coverage says so: a caller that colours changes should not
 * when *coverage < level, as compare says "n too small".
 *
 * bench/coverage (bench/README.md): it holds its level for normal,
 * lognormal, exponential, bimodal, t3 and rounded samples at 3 to 30 a
 * side; when the spread changes 5-fold along with the median it covers 91
 * to 94% from 10 a side (the bootstrap about 95%), as the Mann-Whitney test
 * assumes one shape. The ratio of the sample medians is almost always
 * inside it (outside once in 200,000 simulated lognormal experiments).
 * Deterministic: no random numbers, and the order of the samples does not
 * matter. 0, or -1 when a sample is empty or holds a value <= 0 or not
 * finite: the log-scale model needs positive values. */
int stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double level,
			 double *lo, double *hi, double *coverage);

/* Benjamini-Hochberg over the m = n tests of one comparison: q[i] is p[i]'s
 * adjusted p-value (its q-value), min over p_(l) >= p[i] of m p_(l) / l,
 * capped at 1; non-decreasing in p, and >= p. Rejecting every test with
 * q <= alpha keeps the expected share of false discoveries among the
 * rejections at or below alpha when the tests are independent (or
 * positively dependent). NaN counts as p = 1. q may be p; n may be 0.
 *
 * What m counts: every test that was made, including those whose samples
 * are too few to ever reach alpha (stats_mw_min_p >= alpha, compare's
 * "n too small"). Their p is >= alpha, so they are never rejected; counting
 * them makes m the number a reader sees in the table and the procedure at
 * worst conservative. Leaving them out would also be valid (Tarone's and
 * Gilbert's argument: whether a test can reach alpha depends on its sizes,
 * not its outcome) and a little more powerful; a caller that wants it
 * passes only the others. */
void stats_bh(const double *p, size_t n, double *q);

/* Benjamini-Hochberg at FDR level alpha (0 < alpha < 1): the number of tests
 * rejected, and in *cutoff (may be NULL) the largest rejected p-value, or -1
 * when none is. Test i is rejected exactly when p[i] <= *cutoff, which is
 * q[i] <= alpha: a caller holding an array of changes gathers their p into
 * one array, calls this once and compares each change's p with the cutoff. */
size_t stats_bh_reject(const double *p, size_t n, double alpha, double *cutoff);

#endif
