/* compare.h: did a cell's numbers change? benchstat's question, per cell and
 * metric, answered with the Mann-Whitney U test, and decided over all the
 * tests of one comparison with Benjamini-Hochberg at a false discovery rate
 * of COMPARE_ALPHA. */
#ifndef JOCKEY_COMPARE_H
#define JOCKEY_COMPARE_H

#include <stdio.h>
#include <time.h>

#include <jansson.h>

#define COMPARE_ALPHA 0.05

enum change_verdict {
	CHANGE_SAME,        /* q > alpha: no evidence of a change */
	CHANGE_SIGNIFICANT, /* q <= alpha: Benjamini-Hochberg rejected it */
	CHANGE_TOO_FEW      /* so few samples that no p can reach alpha */
};

struct change {
	double old_median, new_median;
	double old_spread, new_spread; /* largest distance of a sample from the median, relative */
	double delta;                  /* new median / old median - 1 (0 when old is 0) */
	double p;                      /* two-sided Mann-Whitney p-value */
	double q;                      /* its BH-adjusted p-value over the comparison */
	size_t n_old, n_new;
	enum change_verdict verdict;
};

/* Compare two metric objects (each with "samples": [numbers]), decided as a
 * comparison of this one test (q = p). 0, or -1 when either has no samples. */
int compare_metric(json_t *old, json_t *new, struct change *ch);

/* Decide ch[0..n-1], the tests of one comparison, together: each q becomes
 * its Benjamini-Hochberg q-value over all n (those CHANGE_TOO_FEW count in
 * n, as stats_bh says) and the verdict CHANGE_SIGNIFICANT when q <= alpha. */
void compare_decide(struct change *ch, size_t n);

/* Print, benchstat-style, every metric of every cell found in both old and
 * new (objects from cell id to an object with "metrics"); the family that
 * Benjamini-Hochberg corrects over is every cell x metric printed. Returns
 * the number of significant changes. */
int compare_cells(json_t *old, json_t *new, FILE *out);

/* After 'jockey run': for every cell of DIR/results.json whose result was
 * recorded in DIR/history.jsonl at or after `since` (that is, by this run),
 * compare it with the cell's previous result in the history and print one
 * line per metric that changed significantly (nothing when none did, nor
 * for cells with no earlier result). The family corrected over: every
 * metric of every cell of this run that has a previous result. Returns the number of lines printed,
 * or -1 with a message when DIR/results.json cannot be read. */
int compare_print_changes(const char *dir, time_t since, FILE *out);

/* For 'jockey compare'. */
/* A results folder's results.json (or the file arg itself), loaded (new
 * reference); NULL with a message. */
json_t *compare_results_load(const char *arg);
/* Cell id -> cell of results, for the cells that have samples (a new
 * object for compare_cells). */
json_t *compare_cells_by_id(json_t *results);
/* Cell id -> each cell's previous result in dir's history.jsonl (a new
 * object for compare_cells). */
json_t *compare_cells_previous(const char *dir, json_t *results);

/* The numeric samples of a results.json metric object as a fresh array
 * (caller frees), or NULL with *n = 0 when it has none. */
double *compare_samples(json_t *m, size_t *n);

#endif
