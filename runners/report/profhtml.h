/* profhtml.h: the CPU profiles in report.html: per cell its profile line
 * and hot-function changes in the data report.js draws beside each
 * benchmark's numbers, and a static section of flame graphs (SVG drawn by
 * flame.c, searched by flame.js). Reads cells/ID/profile.json and
 * profile.folded from the working folder (a results folder). */
#ifndef JOCKEY_PROFHTML_H
#define JOCKEY_PROFHTML_H

#include <jansson.h>

#include "base/buf.h"

#define PROFHTML_TOP 10 /* hot-function changes shown per pair of cells */

/* To every cell of cells (report data, borrowed) that has a profile.json,
 * add "profile": {"text": "3 reps, ...", "event", "unavailable"?} and, for
 * a profiled cell compared with another of its benchmark (the baseline
 * cell when it is profiled, else the benchmark's first profiled cell),
 * "profile_diff": {"against": ID, "functions": [the PROFHTML_TOP largest
 * changes, profile_diff_json]}. */
void profhtml_attach(json_t *cells);
/* Append the "CPU profiles" section to html: a search box, and per cell
 * with a profile its line and flame graph, or why it has none. Nothing when
 * no cell has a profile.json. */
void profhtml_section(struct buf *html, json_t *cells);

#endif
