/* conditions.h: what a cell's repetitions ran under, for results.json: the
 * machine's state each repetition recorded (provenance "machine", busy or
 * not: runners/run/machine.h), the state 'jockey run' found before ninja
 * (machine.json), and whether the first measured repetitions were a warm-up
 * (warmup.h). */
#ifndef JOCKEY_CONDITIONS_H
#define JOCKEY_CONDITIONS_H

#include <jansson.h>

#include "base/buf.h"

/* Read repetition rep of cell id's metrics.json; when measured, append
 * {rep, reasons} to busy if its machine was busy. Its provenance (new
 * reference), or NULL. */
json_t *conditions_rep(json_t *busy, const char *id, int rep, int measured);

/* metric.warmup_trend of a metric's samples in repetition order (v[0..n-1],
 * not modified): {first, change, p, tested, trend}, or nothing when n < 3. */
void conditions_warmup(json_t *metric, const double *v, size_t n);

/* results.json's "machine": machine.json as 'jockey run' wrote it, or null
 * (new reference). */
json_t *conditions_run(void);

/* summary.md's "Measurement conditions": the machine before the run, and
 * the cells with a warm-up trend or repetitions on a busy machine. Nothing
 * when there is none of these. */
void conditions_md(json_t *results, struct buf *b);

#endif
