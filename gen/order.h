/* order.h: the order of the run edges in build.ninja (docs/design.md,
 * "Order and adaptive repetitions").
 *
 * ninja 1.11 starts, among the delayed edges of a pool, the one it read
 * first (Pool's delayed_ set is ordered by weight, then edge id, which is
 * the manifest order). So writing the run edges round by round (repetition
 * 1 of every cell in a shuffled order, then repetition 2, ...) makes ninja
 * run them in that order, with no dependency between cells: a failed
 * repetition blocks nothing.
 *
 * One repetition may start out of turn: when an edge finishes, ninja frees
 * its pool slot first, starts the lowest delayed edge if there is one, and
 * only then schedules what the finished edge made ready, the first of those
 * straight into a free slot. So when the pool is idle as the cell files (or
 * the image stamps they wait on, after restat) come ready, which is the
 * case at the start of a run, the first repetition of the batch starts
 * first: its cell's first outstanding one. Everything after it follows the
 * manifest. (An order-only gate held until ninja's walk of the graph is done
 * does not help: in a jockey run the run edges come ready only later,
 * behind the probe edges that always run.) */
#ifndef JOCKEY_GEN_ORDER_H
#define JOCKEY_GEN_ORDER_H

#include <stddef.h>

#include "gen/plan.h"

/* One run edge: cell index into g->cells, repetition number (from 1). */
struct order_step {
	size_t cell;
	int rep;
};

/* 1 when g's run edges are written interleaved (the matrix does not say
 * sequential and it has more than one cell), else 0. */
int order_interleaved(const struct gen *g);
/* The run edges of g's cells in the order they are to run: round r holds
 * repetition r of each cell that has one, shuffled by (seed, r): the blocks
 * of 256 cells (in id order) in a random order, and the cells of a block in
 * a random order by a hash of their id. Blocks, not a full shuffle: ninja
 * reads the run edges in this order, and its load of bench/gen 50 4 25 20 3
 * (300,000 run edges) took 3.7 s of user CPU fully shuffled against 2.45 s
 * for the sequential order, 2.7 s against 2.0 s in blocks of 256 (medians
 * of 3-4 runs side by side, on a 2-core machine at load 7-15). A fresh
 * array of *n steps. */
struct order_step *order_steps(const struct gen *g, size_t *n);

#endif
