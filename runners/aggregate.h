/* aggregate.h: results.json and results.csv from a results folder. */
#ifndef JOCKEY_AGGREGATE_H
#define JOCKEY_AGGREGATE_H

#include <jansson.h>

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

/* Load a JSON file (new reference), or NULL with "PATH:LINE:COL: ..." printed
 * unless quiet. */
json_t *json_load_path(const char *path, int quiet);
/* The first line of a stamp file, fresh, or NULL if there is none. */
char *stamp_read(const char *path);

#endif
