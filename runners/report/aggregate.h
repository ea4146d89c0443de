/* aggregate.h: every finished repetition of a results folder collected into
 * results.json, results.csv, history.jsonl, summary.md and report.html
 * (aggregate.c). */
#ifndef JOCKEY_AGGREGATE_H
#define JOCKEY_AGGREGATE_H

/* How many of the matrix's cells are done, failed (some repetition left a
 * failed.json), or incomplete otherwise. */
struct aggregate_summary {
	int cells, done, failed, incomplete;
};

/* Write DIR/results.json, results.csv, history.jsonl (new results only),
 * summary.md and report.html from what DIR holds; changes the working
 * folder to DIR. 0, or -1 with a message. */
int aggregate_dir(const char *dir, struct aggregate_summary *sum);

#endif
