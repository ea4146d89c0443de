/* warmup.h: is the start of a cell's measured repetitions a warm-up that
 * `warmup: N` did not cover? A check of the samples in repetition order.
 *
 * The test: the first third of the measured repetitions (k = ceil(n / 3))
 * against the rest, one-sided Mann-Whitney (stats_mann_whitney: exact
 * without ties up to 20 a side), in the direction of "the first ones were
 * worse". Why this and not Mann-Kendall over the whole sequence: a warm-up
 * is a step at the start (cold caches, a JIT, a CPU clocking up), then a
 * level; Mann-Kendall tests for a monotone drift anywhere in the sequence,
 * which is the machine moving (what an interleaved order spreads over the
 * cells), and at 9 repetitions gives a step of 3 less weight than the pairs
 * inside the level. A rank test assumes no shape, as jockey's other tests.
 *
 * A trend is flagged when p <= WARMUP_ALPHA and the first third's median is
 * at least WARMUP_MIN_CHANGE worse than the rest's: with 30 repetitions a
 * 0.3% step is significant and of no consequence. Fewer than 7 repetitions
 * cannot reach WARMUP_ALPHA (2 against 4: p >= 1/15), and `tested` says so. */
#ifndef JOCKEY_WARMUP_H
#define JOCKEY_WARMUP_H

#include <stddef.h>

#define WARMUP_ALPHA 0.05
#define WARMUP_MIN_CHANGE 0.01

struct warmup_trend {
	size_t first;   /* the repetitions tested as the start: ceil(n / 3) */
	double change;  /* how much worse their median is than the rest's: > 0 worse, < 0 better */
	double p;       /* one-sided p-value of "the first ones are worse" */
	int tested;     /* n allows p <= WARMUP_ALPHA at all */
	int trend;      /* flagged: tested, p <= WARMUP_ALPHA and change >= WARMUP_MIN_CHANGE */
};

/* Check v[0..n-1], the samples in repetition order (not modified), where
 * higher_better says which way is worse. 0, or -1 when n < 3 or the rest's
 * median is 0 (no change can be given). */
int warmup_trend(const double *v, size_t n, int higher_better, struct warmup_trend *t);

#endif
