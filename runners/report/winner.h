/* winner.h: which image wins each benchmark, summary.md's "Winners"
 * section (winner.c).
 *
 * For each benchmark and host with more than one image:tag, and each of the
 * benchmark's parser metrics that says which way is better: the image:tag
 * with the best median, by how much it beats the runner-up (the next best:
 * the closest contender) and whether that is a real difference. The ratio
 * is oriented so that it is at least 1 (the winner's median over the
 * runner-up's when higher is better, the other way round when lower is);
 * its interval is stats_ratio_interval's at 95%, Mann-Whitney's
 * distribution-free interval of the ratio of medians. Whether the winner is
 * a real difference is decided over the whole table at once: Mann-Whitney's
 * p of every tested row, Benjamini-Hochberg at a false discovery rate of 5%
 * (winner_write), so that a table of many rows does not find winners by
 * chance; winner_decide alone says what the row's own interval says.
 */
#ifndef JOCKEY_REPORT_WINNER_H
#define JOCKEY_REPORT_WINNER_H

#include <jansson.h>

#include "base/buf.h"

enum winner_verdict {
	WINNER_SIGNIFICANT, /* the interval leaves out 1 at 95% coverage or more
	                     * (in the table: q <= 0.05) */
	WINNER_SAME,        /* the interval holds 1 (in the table: q > 0.05) */
	WINNER_TOO_FEW,     /* too few samples for a 95% interval: a leader, untested */
	WINNER_TIE,         /* equal medians */
	WINNER_UNTESTED,    /* a sample <= 0: the log-scale interval does not apply */
};

struct winner {
	const char *best, *runner;   /* image:tag (borrowed from the caller's cells) */
	size_t n_best, n_runner;     /* their samples */
	double ratio, lo, hi;        /* >= 1, and its interval (lo, hi valid unless UNTESTED) */
	double coverage;             /* the interval's coverage */
	double p, q;                 /* Mann-Whitney's two-sided p of the two; q after BH
	                              * over the table (NAN: not tested) */
	int higher;                  /* the metric's direction: 1 higher is better, 0 lower */
	enum winner_verdict verdict;
};

/* Decide between contenders: metrics[i] is contender i's metric object of
 * results.json ({"better", "samples", "median", ...}, borrowed), names[i]
 * its image:tag. 0 and *w, or -1 when fewer than two have samples or the
 * metric has no direction. */
int winner_decide(json_t *const *metrics, const char *const *names, size_t n,
		  struct winner *w);

/* The "Winners" section of summary.md for results.json's cells, appended to
 * out; nothing when no benchmark and host has two images:tags. */
void winner_write(json_t *cells, struct buf *out);

#endif
