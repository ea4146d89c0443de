/* merge.h: the results folders of CI shards joined into one (merge.c). */
#ifndef JOCKEY_REPORT_MERGE_H
#define JOCKEY_REPORT_MERGE_H

#include <stddef.h>

#include "runners/report/aggregate.h"

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
			      struct aggregate_summary *sum);

#endif
