/* report.h: summary.md and report.html of a results folder. */
#ifndef JOCKEY_REPORT_H
#define JOCKEY_REPORT_H

#include <jansson.h>

/* Write summary.md and report.html into the working folder (a results
 * folder) from results (results.json's content), reading the cells' time
 * series, failed logs and history.jsonl there. 0, or -1 with a message. */
int report_write(json_t *results);
/* report_write with history.jsonl's lines already loaded in hist (borrowed). */
int report_write_hist(json_t *results, json_t *hist);

#endif
