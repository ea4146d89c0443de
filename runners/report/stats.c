/* stats.c: median, mean, spread, an exact interval of the median, the
 * Mann-Whitney U test and a bootstrap interval of a ratio of medians. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/report/stats.h"

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

/* Sort in place: insertion sort for the few samples a cell has (the
 * bootstrap sorts millions of those), qsort beyond. */
static void
sort_doubles(double *v, size_t n)
{
	size_t i, j;

	if (n > 32) {
		qsort(v, n, sizeof(*v), cmp_double);
		return;
	}
	for (i = 1; i < n; i++) {
		double x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

double
stats_median(double *v, size_t n)
{
	sort_doubles(v, n);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
stats_compute(double *v, size_t n, struct stats *st)
{
	double sum = 0, ss = 0;
	size_t i, k;

	st->n = n;
	st->median = stats_median(v, n);
	st->min = v[0];
	st->max = v[n - 1];
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

/* log C(n, k) */
static double
log_choose(size_t n, size_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

double
stats_mw_min_p(size_t na, size_t nb)
{
	double p = 2 * exp(-log_choose(na + nb, na));

	return p > 1 ? 1 : p;
}

#define MW_EXACT_MAX 20

/* The exact null distribution of U for m against n samples without ties:
 * cnt[u] = the number of orderings with U = u, by the recurrence
 * N(m, n, u) = N(m - 1, n, u - n) + N(m, n - 1, u), built up over m. */
static double
mw_exact_p(size_t m, size_t n, double u)
{
	size_t umax = m * n, i, j, k;
	/* row[j][u] for the current i: N(i, j, u), j = 0..n */
	double *cur = xcalloc((n + 1) * (umax + 1), sizeof(double));
	double *prev = xcalloc((n + 1) * (umax + 1), sizeof(double));
	double total, tail = 0, lo, p;

	for (j = 0; j <= n; j++)
		prev[j * (umax + 1)] = 1; /* N(0, j, 0) = 1 */
	for (i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (umax + 1) * sizeof(double));
		cur[0] = 1; /* N(i, 0, 0) = 1 */
		for (j = 1; j <= n; j++)
			for (k = 0; k <= i * j; k++) {
				double v = cur[(j - 1) * (umax + 1) + k];

				if (k >= j)
					v += prev[j * (umax + 1) + k - j];
				cur[j * (umax + 1) + k] = v;
			}
		memcpy(prev, cur, (n + 1) * (umax + 1) * sizeof(double));
	}
	total = exp(log_choose(m + n, m));
	/* two-sided: twice the smaller tail at u */
	lo = u < (double)umax / 2 ? u : (double)umax - u;
	for (k = 0; (double)k <= lo + 1e-9; k++)
		tail += prev[n * (umax + 1) + k];
	free(cur);
	free(prev);
	p = 2 * tail / total;
	return p > 1 ? 1 : p;
}

struct ranked {
	double v;
	int from_a;
};

static int
cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

double
stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u)
{
	size_t n = na + nb, i, j;
	struct ranked *r = xcalloc(n, sizeof(*r));
	double rank_a = 0, ties = 0, mean, var, z, ua;
	int tied = 0;

	for (i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 1 };
	for (i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 0 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* midranks over runs of equal values */
	for (i = 0; i < n; i = j) {
		double mid, t;
		size_t k;

		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		mid = (double)(i + 1 + j) / 2;
		for (k = i; k < j; k++)
			if (r[k].from_a)
				rank_a += mid;
		t = (double)(j - i);
		if (t > 1) {
			tied = 1;
			ties += t * t * t - t;
		}
	}
	free(r);
	ua = rank_a - (double)na * (na + 1) / 2;
	*u = ua;
	if (!tied && na <= MW_EXACT_MAX && nb <= MW_EXACT_MAX)
		return mw_exact_p(na, nb, ua);
	mean = (double)na * nb / 2;
	var = (double)na * nb / 12 * ((double)(n + 1) - ties / ((double)n * (n - 1)));
	if (var <= 0)
		return 1; /* every value equal */
	z = (fabs(ua - mean) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2.0));
}

/* xorshift64*: a small deterministic generator for the bootstrap. */
static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static double
resample_median(const double *v, size_t n, double *tmp, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = v[rng_next(seed) % n];
	return stats_median(tmp, n);
}

int
stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb,
		      int rounds, double *lo, double *hi)
{
	double *ratios = xcalloc(rounds, sizeof(*ratios));
	double *tmp = xcalloc(na > nb ? na : nb, sizeof(*tmp));
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int i, k = 0;

	for (i = 0; i < rounds; i++) {
		double ma = resample_median(a, na, tmp, &seed);
		double mb = resample_median(b, nb, tmp, &seed);

		if (mb != 0)
			ratios[k++] = ma / mb;
	}
	free(tmp);
	if (k < rounds / 2) {
		free(ratios);
		return -1;
	}
	sort_doubles(ratios, k);
	*lo = ratios[(size_t)floor(0.025 * (k - 1))];
	*hi = ratios[(size_t)ceil(0.975 * (k - 1))];
	free(ratios);
	return 0;
}
