/* merge.h: the results folders of CI shards joined into one (merge.c). */
#ifndef JOCKEY_REPORT_MERGE_H
#define JOCKEY_REPORT_MERGE_H

#include <stddef.h>

#include "runners/report/aggregate.h"

/* An absolute, normalized form of path (caller frees): gen's gen_abspath,
 * passed in by the command (the report layer does not reach gen). */
typedef char *merge_abspath_fn(const char *path);

enum merge_outcome {
	MERGE_ERROR = -1,  /* printed */
	MERGE_OK = 0,
	MERGE_REFUSED = 1  /* the folders are not the parts of one run: each problem printed */
};

/* Join the n results folders dirs into out and aggregate it (*sum, as
 * aggregate_dir; the working folder is out afterwards). Folders of
 * different matrices or repo commits, a cell held twice and missing shards
 * are refused unless force. */
enum merge_outcome merge_dirs(const char *out, char **dirs, size_t n, int force,
			      merge_abspath_fn *abspath, struct aggregate_summary *sum);

#endif
