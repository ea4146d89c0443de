/* lcdata.h: what report.html's lifecycle charts (lifecycle.js) need beyond
 * results.json: when each container of a density cell was ready, from the
 * "# density ready_ms: T1 T2 ..." line the run edge writes into its log
 * (runners/run/density.c). */
#ifndef JOCKEY_REPORT_LCDATA_H
#define JOCKEY_REPORT_LCDATA_H

#include <jansson.h>

/* For cell c (a results.json cell), the ready times (ms from the first
 * request) of its first repetitions, one sorted array each: [[T1, ...], ...]
 * (fresh), or NULL when it is not a density cell or its logs are gone. */
json_t *lcdata_density_ready(json_t *c);

#endif
