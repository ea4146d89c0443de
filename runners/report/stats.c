/* stats.c: median, mean, spread, an exact interval of the median, the
 * Mann-Whitney U test, intervals of a ratio of medians (a bootstrap and a
 * distribution-free one) and the Benjamini-Hochberg correction. */
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

double
stats_binom_half_cdf(size_t n, size_t k)
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
	st->ci_coverage = 1 - 2 * stats_binom_half_cdf(n, 0);
	for (k = 1; 2 * k < n; k++) {
		double cover = 1 - 2 * stats_binom_half_cdf(n, k);

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
 * a fresh array of mn + 1 counts, cnt[u] = the number of orderings with
 * U = u, by the recurrence N(m, n, u) = N(m - 1, n, u - n) + N(m, n - 1, u),
 * built up over m. */
static double *
mw_null_counts(size_t m, size_t n)
{
	size_t umax = m * n, i, j, k;
	/* row[j][u] for the current i: N(i, j, u), j = 0..n */
	double *cur = xcalloc((n + 1) * (umax + 1), sizeof(double));
	double *prev = xcalloc((n + 1) * (umax + 1), sizeof(double));

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
	memmove(cur, prev + n * (umax + 1), (umax + 1) * sizeof(double));
	free(prev);
	return cur;
}

static double
mw_exact_p(size_t m, size_t n, double u)
{
	size_t umax = m * n, k;
	double *cnt = mw_null_counts(m, n);
	double total = exp(log_choose(m + n, m)), tail = 0, lo, p;

	/* two-sided: twice the smaller tail at u */
	lo = u < (double)umax / 2 ? u : (double)umax - u;
	for (k = 0; (double)k <= lo + 1e-9; k++)
		tail += cnt[k];
	free(cnt);
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

/* The largest k >= 1 such that [D_(k), D_(mn+1-k)], order statistics of the
 * mn pairwise differences, covers the shift with probability >= level under
 * the null distribution of U: coverage(k) = 1 - 2 P(U <= k - 1). When even
 * k = 1 falls short, k = 1 with its coverage, as stats_compute does. */
static size_t
mw_interval_rank(size_t m, size_t n, double level, double *coverage)
{
	size_t mn = m * n, k = 1, lo, hi;
	double sd = sqrt((double)mn * (double)(m + n + 1) / 12);

	if (m <= MW_EXACT_MAX && n <= MW_EXACT_MAX) {
		double *cnt = mw_null_counts(m, n), total = 0, cum, c;
		size_t u;

		for (u = 0; u <= mn; u++)
			total += cnt[u];
		cum = cnt[0];
		*coverage = 1 - 2 * cum / total;
		for (k = 2; 2 * k <= mn + 1; k++) {
			cum += cnt[k - 1];
			c = 1 - 2 * cum / total;
			if (c < level)
				break;
			*coverage = c;
		}
		free(cnt);
		return k - 1;
	}
	/* the normal approximation with a continuity correction: coverage(k) =
	 * 1 - 2 Phi((k - 1/2 - mn/2) / sd), decreasing in k; bisect for the
	 * last k that keeps level */
	lo = 1;
	hi = (mn + 1) / 2;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (1 - erfc(((double)mn / 2 - ((double)mid - 0.5)) / sd / sqrt(2.0)) >= level)
			lo = mid;
		else
			hi = mid - 1;
	}
	*coverage = 1 - erfc(((double)mn / 2 - ((double)lo - 0.5)) / sd / sqrt(2.0));
	return lo;
}

int
stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double level,
		     double *lo, double *hi, double *coverage)
{
	size_t mn = na * nb, i, j, k;
	double *r, cover;

	if (na == 0 || nb == 0)
		return -1;
	for (i = 0; i < na; i++)
		if (!(a[i] > 0) || !isfinite(a[i]))
			return -1;
	for (j = 0; j < nb; j++)
		if (!(b[j] > 0) || !isfinite(b[j]))
			return -1;
	/* For positive values a_i / b_j orders as log a_i - log b_j: its order
	 * statistics are those of the log differences, with no log taken, so
	 * constant samples give an exact ratio. */
	r = xcalloc(mn, sizeof(*r));
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			r[i * nb + j] = a[i] / b[j];
	sort_doubles(r, mn);
	k = mw_interval_rank(na, nb, level, &cover);
	*lo = r[k - 1];
	*hi = r[mn - k];
	if (coverage)
		*coverage = cover;
	free(r);
	return 0;
}

struct ranked_p {
	double p;
	size_t i;
};

static int
cmp_ranked_p(const void *a, const void *b)
{
	const struct ranked_p *x = a, *y = b;

	if (x->p != y->p)
		return (x->p > y->p) - (x->p < y->p);
	return (x->i > y->i) - (x->i < y->i);
}

/* A p-value as BH reads it: NaN (a test that could not be computed) as 1. */
static double
p_clean(double p)
{
	if (isnan(p) || p > 1)
		return 1;
	return p < 0 ? 0 : p;
}

void
stats_bh(const double *p, size_t n, double *q)
{
	struct ranked_p *r;
	double run = 1;
	size_t j;

	if (n == 0)
		return;
	r = xcalloc(n, sizeof(*r));
	for (j = 0; j < n; j++)
		r[j] = (struct ranked_p){ p_clean(p[j]), j };
	qsort(r, n, sizeof(*r), cmp_ranked_p);
	/* q_(j) = min over l >= j of m p_(l) / l, capped at 1: a running
	 * minimum from the largest p down, which also gives tied p-values one q */
	for (j = n; j-- > 0;) {
		double v = (double)n * r[j].p / (double)(j + 1);

		if (v < run)
			run = v;
		q[r[j].i] = run;
	}
	free(r);
}

size_t
stats_bh_reject(const double *p, size_t n, double alpha, double *cutoff)
{
	double *q = xcalloc(n + 1, sizeof(*q)), cut = -1;
	size_t i, k = 0;

	stats_bh(p, n, q);
	/* q is non-decreasing in p, so the rejected tests are exactly those
	 * with p at or below the largest rejected p */
	for (i = 0; i < n; i++)
		if (q[i] <= alpha) {
			k++;
			if (p_clean(p[i]) > cut)
				cut = p_clean(p[i]);
		}
	free(q);
	if (cutoff)
		*cutoff = cut;
	return k;
}
