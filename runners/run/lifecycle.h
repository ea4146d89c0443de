/* lifecycle.h: a repetition of a lifecycle benchmark (lifecycle.c): no
 * command's log is parsed; jockey drives the engine through the phases
 * run.json's "lifecycle" lists (pull, create, start, ready, restart, commit,
 * stop, remove) on the image under test and writes one line per measured
 * phase to the cell's log, which the built-in parser 'lifecycle' reads.
 */
#ifndef JOCKEY_RUN_LIFECYCLE_H
#define JOCKEY_RUN_LIFECYCLE_H

#include "runners/run/run.h"

/* 1 when r's run.json is a lifecycle benchmark's. */
int lifecycle_is(const struct run *r);
/* Run the phases on r->main. 0 when the outcome is known (a failure,
 * "PHASE: why", is in r->failure: outcome.h), -1 on an error or a signal.
 * The committed image is removed here whatever happened; the container by
 * cell.c's cleanup, as every container. */
int lifecycle_run(struct run *r);

#endif
