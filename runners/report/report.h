/* report.h: summary.md and report.html of a results folder. */
#ifndef JOCKEY_REPORT_H
#define JOCKEY_REPORT_H

#include <jansson.h>

#include "base/buf.h"

/* Write summary.md and report.html into the working folder (a results
 * folder) from results (results.json's content), reading the cells' time
 * series, failed logs and history.jsonl there. 0, or -1 with a message. */
int report_write(json_t *results);

/* summary.md's text: per benchmark and metric, a table of images:tags by
 * hosts with the median, its interval, and the change against the baseline. */
void report_summary(json_t *results, struct buf *out);

/* 1 if the metric is one jockey measures for every cell (cgroup totals and
 * the wall time), 0 if a parser found it. */
int report_is_system_metric(const char *name);

#endif
