/* adaptive.h: adaptive repetitions (repeat: {min, max, precision}) after a
 * round: whether each cell met its target, and which cells get more
 * (written to repeats.json, which gen reads: gen/adaptive.h). */
#ifndef JOCKEY_REPORT_ADAPTIVE_H
#define JOCKEY_REPORT_ADAPTIVE_H

#include <jansson.h>

#include "base/buf.h"

/* A results.json cell whose matrix.json cell had "adaptive": complete its
 * "adaptive" object from its metrics: "achieved" (the half-width of the
 * median's interval over the median, the wider side; null without the
 * metric), "reps", "met" and "verdict", the words the reports show. */
void adaptive_judge(json_t *cell);
/* summary.md's lines for the adaptive cells of benchmark bench, if any. */
void adaptive_md(struct buf *b, json_t *cells, const char *bench);
/* After a round: each adaptive cell that finished every repetition, missed
 * its target and is below its max gets +ceil(min/2) (up to max) in dir's
 * repeats.json. The number of cells that got more, or -1 with a message. */
int adaptive_next(const char *dir);

#endif
