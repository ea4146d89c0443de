/* outputs.h: what a repetition leaves in cells/ID/REP.
 *
 * A repetition that succeeded: log, metrics.tsv and metrics.json, renamed
 * into place (a pair adds server.log and server-metrics.tsv). One that
 * failed (exit code, timeout, OOM, a server that never became ready) leaves
 * log.failed and failed.json instead, and none of the others, so ninja has
 * no output for it and runs it again next time.
 */
#ifndef JOCKEY_RUN_OUTPUTS_H
#define JOCKEY_RUN_OUTPUTS_H

#include "runners/run/run.h"

/* The outputs of a repetition that succeeded. 0 or -1. */
int outputs_write_done(struct run *r);
/* failed.json and log.failed of one that failed, and its reason printed
 * ("cell 'ID' rep N failed: REASON (log: ...)"). 0 or -1. */
int outputs_write_failed(struct run *r);

#endif
