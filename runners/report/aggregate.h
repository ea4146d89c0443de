/* aggregate.h: results.json and results.csv from a results folder. */
#ifndef JOCKEY_AGGREGATE_H
#define JOCKEY_AGGREGATE_H

#include <jansson.h>

#include "base/files.h" /* json_load_path, stamp_read: most includers want them too */

struct cell_state {
	const char *status;   /* "done", "failed", "partial", "never run" (static) */
	int done, total;      /* repetitions with samples, repetitions wanted */
	int failed;           /* some repetition left a failed.json */
};

struct aggregate_summary {
	int cells, done, failed, incomplete;
};

/* Write DIR/results.json and DIR/results.csv from what DIR holds; changes the
 * working folder to DIR. 0, or -1 with a message. */
int aggregate_dir(const char *dir, struct aggregate_summary *sum);

#endif
