/* coverage.c: how often does an interval of the ratio of two medians hold the
 * true ratio? Simulated experiments from known distributions, for the
 * interval behind report.html's colours (stats_bootstrap_ratio) and its
 * alternatives. Built and run by bench/coverage; prints markdown tables.
 *
 *   coverage [EXPERIMENTS [SEED]]    (defaults 4000 1)
 *
 * Each experiment draws n samples of b from a distribution and n of a from
 * one whose median is 1.1 times b's (a scaled copy, except in the last rows,
 * where the spread or the shape changes too), computes each method's 95%
 * interval of median(a) / median(b) and checks that it holds 1.1. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define RATIO 1.1
#define ROUNDS 1000 /* what cmd_aggregate.c passes to stats_bootstrap_ratio */
#define NMAX 30

struct rng {
	uint64_t s[4];
};

/* xoshiro256**, seeded by splitmix64: fast, and independent of libc. */
static uint64_t
rng_u64(struct rng *r)
{
	uint64_t *s = r->s, x = s[1] * 5, t = s[1] << 17;

	x = ((x << 7) | (x >> 57)) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return x;
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

/* uniform on (0, 1), never 0 or 1 */
static double
rng_uniform(struct rng *r)
{
	return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1p-53;
}

static double
rng_normal(struct rng *r)
{
	double u = rng_uniform(r), v = rng_uniform(r);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double
rng_t3(struct rng *r)
{
	double z = rng_normal(r), c = 0;
	int i;

	for (i = 0; i < 3; i++) {
		double x = rng_normal(r);

		c += x * x;
	}
	return z / sqrt(c / 3);
}

enum dist { D_NORMAL, D_LOGNORMAL, D_EXP, D_BIMODAL, D_T3, D_ROUNDED, D_SPREAD, D_SHAPE, D_COUNT };

static const char *dist_names[D_COUNT] = {
	"normal, cv 5%",
	"lognormal, sigma 0.5 (skewed)",
	"exponential",
	"bimodal: 70% N(100, 2), 30% N(130, 2)",
	"t3 (heavy tails), 100 + 2 t",
	"rounded: round(N(100, 1)) (ties)",
	"spread changes: cv 2% -> 10%",
	"shape changes: exponential -> lognormal",
};

/* One sample of the baseline b (side 0) or of a (side 1), whose median is
 * RATIO times b's. */
static double
draw(enum dist d, int side, struct rng *r)
{
	double s = side ? RATIO : 1, x;

	switch (d) {
	case D_NORMAL:
		return s * 100 * (1 + 0.05 * rng_normal(r));
	case D_LOGNORMAL:
		return s * exp(0.5 * rng_normal(r));
	case D_EXP:
		return s * -log(rng_uniform(r));
	case D_BIMODAL:
		x = rng_uniform(r) < 0.7 ? 100 : 130;
		return s * (x + 2 * rng_normal(r));
	case D_T3:
		do
			x = 100 + 2 * rng_t3(r);
		while (x <= 0); /* P < 2e-5: the median moves by nothing measurable */
		return s * x;
	case D_ROUNDED:
		/* medians 100 and 110 exactly: the distributions are symmetric
		 * about them and put mass on them */
		return round(s * (100 + rng_normal(r)));
	case D_SPREAD:
		return side ? RATIO * 100 * (1 + 0.10 * rng_normal(r)) : 100 * (1 + 0.02 * rng_normal(r));
	case D_SHAPE:
		/* exponential with median 1 against lognormal with median RATIO */
		return side ? RATIO * exp(0.5 * rng_normal(r)) : -log(rng_uniform(r)) / log(2.0);
	default:
		abort();
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median_of(const double *v, size_t n, double *tmp)
{
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* Phi^-1 by bisection on erfc: slow, but called a few times an experiment */
static double
norm_quantile(double p)
{
	double lo = -40, hi = 40;
	int i;

	for (i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(-mid / sqrt(2.0)) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static double
norm_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

/* The BCa interval (Efron 1987) of log(median(a) / median(b)): bias from
 * the share of bootstrap ratios below the estimate, acceleration from the
 * jackknife over all na + nb samples. */
static int
ci_bca(const double *a, size_t na, const double *b, size_t nb, struct rng *r,
       double *lo, double *hi)
{
	double th[ROUNDS], x[NMAX], tmp[NMAX], jk[2 * NMAX], est, mean = 0, s2 = 0, s3 = 0;
	double below = 0, z0, acc, zl, zh, al, ah;
	size_t i, j, n = na + nb;

	est = log(median_of(a, na, tmp) / median_of(b, nb, tmp));
	for (i = 0; i < ROUNDS; i++) {
		double ma, mb;

		for (j = 0; j < na; j++)
			x[j] = a[rng_u64(r) % na];
		ma = median_of(x, na, tmp);
		for (j = 0; j < nb; j++)
			x[j] = b[rng_u64(r) % nb];
		mb = median_of(x, nb, tmp);
		th[i] = log(ma / mb);
		below += th[i] < est ? 1 : th[i] == est ? 0.5 : 0;
	}
	qsort(th, ROUNDS, sizeof(*th), cmp_double);
	below = below < 0.5 ? 0.5 : below > ROUNDS - 0.5 ? ROUNDS - 0.5 : below;
	z0 = norm_quantile(below / ROUNDS);
	for (i = 0; i < n; i++) { /* leave sample i out */
		const double *v = i < na ? a : b;
		size_t nv = i < na ? na : nb, skip = i < na ? i : i - na, k = 0;

		for (j = 0; j < nv; j++)
			if (j != skip)
				x[k++] = v[j];
		if (k == 0)
			return -1;
		jk[i] = i < na ? log(median_of(x, k, tmp) / median_of(b, nb, tmp))
			       : log(median_of(a, na, tmp) / median_of(x, k, tmp));
		mean += jk[i] / n;
	}
	for (i = 0; i < n; i++) {
		s2 += (mean - jk[i]) * (mean - jk[i]);
		s3 += (mean - jk[i]) * (mean - jk[i]) * (mean - jk[i]);
	}
	acc = s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0;
	zl = z0 + (z0 - 1.959964) / (1 - acc * (z0 - 1.959964));
	zh = z0 + (z0 + 1.959964) / (1 - acc * (z0 + 1.959964));
	al = norm_cdf(zl);
	ah = norm_cdf(zh);
	*lo = exp(th[(size_t)floor(al * (ROUNDS - 1))]);
	*hi = exp(th[(size_t)ceil(ah * (ROUNDS - 1))]);
	return 0;
}

/* The order-statistics interval of one median at `level` (sorted v), as
 * stats_compute builds it. */
static void
median_interval(const double *v, size_t n, double level, double *lo, double *hi)
{
	size_t k;

	*lo = v[0];
	*hi = v[n - 1];
	for (k = 1; 2 * k < n; k++) {
		if (1 - 2 * stats_binom_half_cdf(n, k) < level)
			break;
		*lo = v[k];
		*hi = v[n - 1 - k];
	}
}

/* Both medians' order-statistics intervals at sqrt(0.95): the samples are
 * independent, so both hold with probability >= 0.95, and then so does
 * [lo_a / hi_b, hi_a / lo_b]. No model at all, and wide. */
static int
ci_os(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi)
{
	double sa[NMAX], sb[NMAX], al, ah, bl, bh;

	memcpy(sa, a, na * sizeof(*a));
	memcpy(sb, b, nb * sizeof(*b));
	qsort(sa, na, sizeof(*sa), cmp_double);
	qsort(sb, nb, sizeof(*sb), cmp_double);
	median_interval(sa, na, sqrt(0.95), &al, &ah);
	median_interval(sb, nb, sqrt(0.95), &bl, &bh);
	*lo = al / bh;
	*hi = ah / bl;
	return 0;
}

/* The regularized incomplete beta I_x(a, b) by its continued fraction
 * (Numerical Recipes' betacf), for the t distribution. */
static double
beta_inc(double a, double b, double x)
{
	double lbt, c = 1, d, h, bt;
	int m;

	if (x <= 0 || x >= 1)
		return x <= 0 ? 0 : 1;
	lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x);
	if (x >= (a + 1) / (a + b + 2))
		return 1 - beta_inc(b, a, 1 - x);
	d = 1 - (a + b) * x / (a + 1);
	d = fabs(d) < 1e-300 ? 1e-300 : d;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		double m2 = 2 * m, aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2)), del;

		d = 1 + aa * d;
		d = 1 / (fabs(d) < 1e-300 ? 1e-300 : d);
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = 1 / (fabs(d) < 1e-300 ? 1e-300 : d);
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-14)
			break;
	}
	bt = exp(lbt);
	return bt * h / a;
}

/* the 97.5% quantile of Student's t with df degrees of freedom */
static double
t_quantile975(double df)
{
	double lo = 0, hi = 1000;
	int i;

	for (i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;
		/* P(T > t) = I_{df / (df + t^2)}(df / 2, 1 / 2) / 2 */
		double upper = beta_inc(df / 2, 0.5, df / (df + mid * mid)) / 2;

		if (upper > 0.025)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Welch's t interval of the difference of the mean logs: the ratio of
 * geometric means, which is the ratio of medians when a is b scaled. */
static int
ci_tlog(const double *a, size_t na, const double *b, size_t nb, double *lo, double *hi)
{
	double ma = 0, mb = 0, va = 0, vb = 0, se2, df, t;
	size_t i;

	for (i = 0; i < na; i++)
		ma += log(a[i]) / na;
	for (i = 0; i < nb; i++)
		mb += log(b[i]) / nb;
	for (i = 0; i < na; i++)
		va += (log(a[i]) - ma) * (log(a[i]) - ma) / (na - 1);
	for (i = 0; i < nb; i++)
		vb += (log(b[i]) - mb) * (log(b[i]) - mb) / (nb - 1);
	se2 = va / na + vb / nb;
	if (se2 <= 0) {
		*lo = *hi = exp(ma - mb);
		return 0;
	}
	df = se2 * se2 / (va * va / ((double)na * na * (na - 1)) + vb * vb / ((double)nb * nb * (nb - 1)));
	t = t_quantile975(df);
	*lo = exp(ma - mb - t * sqrt(se2));
	*hi = exp(ma - mb + t * sqrt(se2));
	return 0;
}

enum method { M_BOOT, M_BCA, M_MW, M_OS, M_TLOG, M_COUNT };

static const char *method_names[M_COUNT] = {
	"percentile bootstrap (stats_bootstrap_ratio, 1000 rounds)",
	"BCa bootstrap (1000 rounds)",
	"Mann-Whitney interval of the log shift (stats_ratio_interval)",
	"order statistics of each median at sqrt(95%)",
	"Welch t on log values",
};

static int
ci_run(enum method m, const double *a, const double *b, size_t n, struct rng *r,
       double *lo, double *hi)
{
	switch (m) {
	case M_BOOT:
		return stats_bootstrap_ratio(a, n, b, n, ROUNDS, lo, hi);
	case M_BCA:
		return ci_bca(a, n, b, n, r, lo, hi);
	case M_MW:
		return stats_ratio_interval(a, n, b, n, 0.95, lo, hi, NULL);
	case M_OS:
		return ci_os(a, n, b, n, lo, hi);
	case M_TLOG:
		return ci_tlog(a, n, b, n, lo, hi);
	default:
		abort();
	}
}

static const size_t sizes[] = { 3, 5, 10, 20, 30 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

struct cell {
	double cover, width; /* share of intervals holding RATIO; median width / RATIO */
};

/* One distribution at one size: every method over the same experiments. */
static void
cell_run(enum dist d, size_t n, long experiments, uint64_t seed, struct cell *out)
{
	double a[NMAX], b[NMAX], lo, hi, *w[M_COUNT];
	long hits[M_COUNT] = { 0 }, cnt[M_COUNT] = { 0 }, e;
	struct rng r;
	int m;
	size_t i;

	rng_seed(&r, seed * 1000003 + (uint64_t)d * 101 + n);
	for (m = 0; m < M_COUNT; m++)
		w[m] = calloc(experiments, sizeof(double));
	for (e = 0; e < experiments; e++) {
		for (i = 0; i < n; i++) {
			b[i] = draw(d, 0, &r);
			a[i] = draw(d, 1, &r);
		}
		for (m = 0; m < M_COUNT; m++) {
			if (ci_run(m, a, b, n, &r, &lo, &hi) < 0)
				continue; /* counts as a miss: no interval */
			hits[m] += lo <= RATIO && RATIO <= hi;
			w[m][cnt[m]++] = (hi - lo) / RATIO;
		}
	}
	for (m = 0; m < M_COUNT; m++) {
		qsort(w[m], cnt[m], sizeof(double), cmp_double);
		out[m].cover = (double)hits[m] / experiments;
		out[m].width = cnt[m] ? w[m][cnt[m] / 2] : NAN;
		free(w[m]);
	}
}

static void
table_print(const char *title, struct cell res[D_COUNT][NSIZES][M_COUNT], int m, int width)
{
	size_t i;
	int d;

	printf("\n%s: %s\n\n| distribution |", width ? "median width / true ratio" : "coverage",
	       title);
	for (i = 0; i < NSIZES; i++)
		printf(" n=%zu |", sizes[i]);
	printf("\n|---|");
	for (i = 0; i < NSIZES; i++)
		printf("---:|");
	printf("\n");
	for (d = 0; d < D_COUNT; d++) {
		printf("| %s |", dist_names[d]);
		for (i = 0; i < NSIZES; i++)
			if (width)
				printf(" %.1f%% |", 100 * res[d][i][m].width);
			else
				printf(" %.1f |", 100 * res[d][i][m].cover);
		printf("\n");
	}
}

int
main(int argc, char **argv)
{
	static struct cell res[D_COUNT][NSIZES][M_COUNT];
	long experiments = argc > 1 ? atol(argv[1]) : 4000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	double cover;
	size_t i;
	int d, m;

	if (experiments < 1)
		return fprintf(stderr, "usage: coverage [EXPERIMENTS [SEED]]\n"), 2;
	for (d = 0; d < D_COUNT; d++)
		for (i = 0; i < NSIZES; i++)
			cell_run(d, sizes[i], experiments, seed, res[d][i]);
	printf("%ld experiments per cell, seed %llu, true ratio of medians %.2f, nominal 95%%;\n"
	       "one standard error of a coverage near 95%%: %.1f points.\n",
	       experiments, (unsigned long long)seed, RATIO, 100 * sqrt(0.95 * 0.05 / experiments));
	printf("stats_ratio_interval's own coverage under its model, by n:");
	for (i = 0; i < NSIZES; i++) {
		double x[NMAX], lo, hi;
		size_t j;

		for (j = 0; j < sizes[i]; j++)
			x[j] = j + 1;
		stats_ratio_interval(x, sizes[i], x, sizes[i], 0.95, &lo, &hi, &cover);
		printf(" %zu: %.2f%%%s", sizes[i], 100 * cover, i + 1 < NSIZES ? "," : "\n");
	}
	for (m = 0; m < M_COUNT; m++)
		table_print(method_names[m], res, m, 0);
	for (m = 0; m < M_COUNT; m++)
		table_print(method_names[m], res, m, 1);
	return 0;
}
