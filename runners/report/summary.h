/* summary.h: summary.md of a results folder (summary.c). */
#ifndef JOCKEY_REPORT_SUMMARY_H
#define JOCKEY_REPORT_SUMMARY_H

#include <jansson.h>

#include "base/buf.h"

/* summary.md's text from results (results.json's content) into out: per
 * benchmark and metric, a table of images:tags by hosts with the median,
 * its interval, and the change against the baseline. */
void summary_write(json_t *results, struct buf *out);

#endif
