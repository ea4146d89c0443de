/* fdr.c: how many "significant changes" does a comparison of two runs of an
 * unchanged matrix flag, at alpha 0.05 per test as compare does today and
 * with Benjamini-Hochberg over all the tests of the comparison? Built and
 * run by bench/fdr.
 *
 *   fdr [PAIRS [CELLS [METRICS [REPS [SEED]]]]]    (defaults 1000 100 10 5 1)
 *
 * Every cell x metric gets its own distribution, drawn once: mostly
 * lognormal with a cv of 2 to 10%, and some rounded to integers (ties),
 * bimodal or heavy-tailed. Each simulated pair of runs draws REPS samples a
 * side from the same distributions and tests every cell x metric with
 * stats_mann_whitney. Three scenarios: nothing changed; nothing changed but
 * each run moves every metric by a run-wide offset (noise that repetitions
 * inside one run do not see); and 2% of the metrics really changed by 10%. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats.h"

#define ALPHA 0.05

struct rng {
	uint64_t s;
};

/* splitmix64: enough for a simulation, and the same on every libc */
static uint64_t
rng_u64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
rng_uniform(struct rng *r)
{
	return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1p-53;
}

static double
rng_normal(struct rng *r)
{
	return sqrt(-2 * log(rng_uniform(r))) * cos(2 * M_PI * rng_uniform(r));
}

enum kind { K_LOGNORMAL, K_ROUNDED, K_BIMODAL, K_HEAVY };

struct metric {
	enum kind kind;
	double median, sigma; /* sigma of the log, about the cv */
	double change;        /* the true ratio of the new run to the old */
};

/* 70% lognormal, 10% each of rounded, bimodal and heavy-tailed, with a cv
 * of 2 to 10% and a median from 10 to 10,000. */
static void
metric_init(struct metric *m, struct rng *r)
{
	double k = rng_uniform(r);

	m->kind = k < 0.7 ? K_LOGNORMAL : k < 0.8 ? K_ROUNDED : k < 0.9 ? K_BIMODAL : K_HEAVY;
	m->median = pow(10, 1 + 3 * rng_uniform(r));
	m->sigma = 0.02 + 0.08 * rng_uniform(r);
	m->change = 1;
	if (m->kind == K_ROUNDED)
		m->median = 20 + 80 * rng_uniform(r); /* small integers: many ties */
}

static double
metric_draw(const struct metric *m, double scale, struct rng *r)
{
	double x, c = 0;
	int i;

	switch (m->kind) {
	case K_LOGNORMAL:
		return scale * m->median * exp(m->sigma * rng_normal(r));
	case K_ROUNDED:
		return round(scale * m->median * exp(m->sigma * rng_normal(r)));
	case K_BIMODAL: /* a slow mode a fifth of the time */
		x = rng_uniform(r) < 0.8 ? 1 : 1 + 3 * m->sigma;
		return scale * m->median * x * exp(m->sigma / 3 * rng_normal(r));
	case K_HEAVY: /* log-t with 3 degrees of freedom */
		for (i = 0; i < 3; i++) {
			x = rng_normal(r);
			c += x * x;
		}
		return scale * m->median * exp(m->sigma / sqrt(3.0) * rng_normal(r) / sqrt(c / 3));
	}
	abort();
}

struct tally {
	double raw, bh, cell;             /* flagged, summed over pairs */
	double raw_any, bh_any, cell_any; /* pairs with at least one flag */
	double raw_true, bh_true, cell_true; /* flagged that really changed */
};

/* BH over the tests p[0..n-1]: add the flags to *flags and those of real
 * changes to *found. */
static void
bh_count(const struct metric *ms, const double *p, size_t n, size_t *flags, size_t *found)
{
	double cut;
	size_t i;

	stats_bh_reject(p, n, ALPHA, &cut);
	for (i = 0; i < n; i++)
		if (p[i] <= cut) {
			(*flags)++;
			*found += ms[i].change != 1;
		}
}

/* One comparison of two simulated runs: the flags with and without BH. */
static void
pair_run(const struct metric *ms, size_t n, size_t per_cell, int reps, double offset_sd,
	 struct rng *r, double *p, struct tally *t)
{
	double a[64], b[64], u, off_a = 1, off_b = 1;
	size_t i, raw = 0, raw_true = 0, bh = 0, bh_true = 0, cell = 0, cell_true = 0;
	int j;

	if (offset_sd > 0) {
		off_a = exp(offset_sd * rng_normal(r));
		off_b = exp(offset_sd * rng_normal(r));
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < reps; j++) {
			a[j] = metric_draw(&ms[i], off_a, r);
			b[j] = metric_draw(&ms[i], off_b * ms[i].change, r);
		}
		p[i] = stats_mann_whitney(a, reps, b, reps, &u);
		/* compare's rule: p < alpha, when the sizes can reach it */
		if (stats_mw_min_p(reps, reps) < ALPHA && p[i] < ALPHA) {
			raw++;
			raw_true += ms[i].change != 1;
		}
	}
	bh_count(ms, p, n, &bh, &bh_true);
	/* the other family: each cell's metrics on their own */
	for (i = 0; i < n; i += per_cell)
		bh_count(ms + i, p + i, per_cell, &cell, &cell_true);
	t->raw += raw;
	t->bh += bh;
	t->cell += cell;
	t->raw_any += raw > 0;
	t->bh_any += bh > 0;
	t->cell_any += cell > 0;
	t->raw_true += raw_true;
	t->bh_true += bh_true;
	t->cell_true += cell_true;
}

static void
scenario(const char *name, struct metric *ms, size_t n, size_t per_cell, long pairs, int reps,
	 double offset_sd, size_t changed, struct rng *r)
{
	struct tally t = { 0 };
	double *p = calloc(n, sizeof(*p));
	long k;

	for (k = 0; k < pairs; k++)
		pair_run(ms, n, per_cell, reps, offset_sd, r, p, &t);
	free(p);
	printf("| %s | %.2f (%.0f%%) | %.2f (%.0f%%) | %.2f (%.0f%%) |", name, t.raw / pairs,
	       100 * t.raw_any / pairs, t.bh / pairs, 100 * t.bh_any / pairs, t.cell / pairs,
	       100 * t.cell_any / pairs);
	if (changed)
		printf(" %.2f / %.2f / %.2f of %zu |", t.raw_true / pairs, t.bh_true / pairs,
		       t.cell_true / pairs, changed);
	else
		printf(" |");
	printf("\n");
}

int
main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 1000;
	size_t cells = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
	size_t metrics = argc > 3 ? strtoul(argv[3], NULL, 10) : 10;
	int reps = argc > 4 ? atoi(argv[4]) : 5;
	struct rng r = { argc > 5 ? strtoull(argv[5], NULL, 10) : 1 };
	size_t n = cells * metrics, i, changed = 0;
	struct metric *ms;

	if (pairs < 1 || n < 1 || reps < 1 || reps > 64)
		return fprintf(stderr, "usage: fdr [PAIRS [CELLS [METRICS [REPS [SEED]]]]]\n"), 2;
	ms = calloc(n, sizeof(*ms));
	for (i = 0; i < n; i++)
		metric_init(&ms[i], &r);
	printf("%zu cells x %zu metrics = %zu tests a comparison, %d repetitions a side, "
	       "%ld simulated pairs of runs; alpha 0.05 (the smallest p at %d+%d: %.2g).\n"
	       "Changes flagged per comparison (in brackets: the share of comparisons with any):\n"
	       "at p < 0.05 as compare does today, with BH at an FDR of 5%% over all %zu tests,\n"
	       "and with BH over each cell's %zu metrics on their own.\n\n",
	       cells, metrics, n, reps, pairs, reps, reps, stats_mw_min_p(reps, reps), n, metrics);
	printf("| scenario | p < 0.05 | BH, all tests | BH, per cell "
	       "| real changes found (p < 0.05 / BH / BH per cell) |\n|---|---:|---:|---:|---|\n");
	scenario("nothing changed", ms, n, metrics, pairs, reps, 0, 0, &r);
	scenario("nothing changed, run-wide offset of sd 1%", ms, n, metrics, pairs, reps, 0.01, 0, &r);
	for (i = 0; i < n; i += 50) { /* 2% of the metrics, spread over the matrix */
		ms[i].change = 1.10;
		changed++;
	}
	scenario("2% of the metrics 10% higher", ms, n, metrics, pairs, reps, 0, changed, &r);
	free(ms);
	return 0;
}
