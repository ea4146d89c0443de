/* progress.h: what `jockey run` tells people while ninja runs and after.
 *
 * While: one status line, "jockey: 3/6 cells, 9/18 reps, 1 failed, 0m42s
 * elapsed, ETA 0m45s": the cells ninja has work for (asked with its dry run
 * once ninja's output shows a step other than the probes, the fetch and the
 * generator: a no-op shows no line and costs no dry run), their repetitions, the failures so far, and an estimate
 * of what is left from the history's durations of the same cells
 * (history.jsonl: the median elapsed_s of their last result; the matrix's
 * timeout where there is none, then "ETA at most"), scaled by how long this
 * run's repetitions took against that estimate. On a terminal the line is
 * redrawn in place (ninja's own status lines, marked through NINJA_STATUS,
 * are dropped, its edges' output passes through above the line); elsewhere a
 * line every JOCKEY_PROGRESS_INTERVAL seconds (default 10).
 *
 * After: a short table per benchmark (ran, failed, fresh) and the slowest
 * cells of the run. */
#ifndef JOCKEY_PROGRESS_H
#define JOCKEY_PROGRESS_H

#include <stdio.h>

#include "gen/matrix.h"
#include "runners/classify.h"
#include "runners/drive.h"

struct progress;

/* Before drive_run(a->v): the cells with keep[i] set of results folder dir
 * (n cells, sorted by id), parallel cells at a time per engine. Hooks
 * ninja's output (drive_output) and reads it on a thread, which starts the
 * status line when ninja has work. NULL when it cannot (then ninja writes
 * to stdout itself). */
struct progress *progress_start(const char *dir, const struct drive_argv *a, const struct cell *cells,
				size_t n, const char *keep, int parallel);
/* After drive_run: the last status line, and p freed. NULL is fine. */
void progress_stop(struct progress *p);
/* The table: per benchmark of the selected cells (sel), how many ran, failed
 * and were fresh (t), and the slowest cells that ran, by their repetitions'
 * elapsed_s in dir. */
void progress_table(const char *dir, const struct cell *cells, size_t n, const char *sel,
		    const struct tally *t, FILE *f);

#endif
