/* samples.h: a repetition's samples.json (the parse edge's work).
 *
 * Reads cells/ID/REP/log and cells/ID/REP/metrics.json (run-cell's), runs
 * the parsers of a parsers file (gen's conf/parse/BENCHMARK.json:
 * {"schema": 1, "benchmark": NAME, "parsers": [...]}) and writes
 * cells/ID/REP/samples.json:
 *   {"schema": 1, "cell": ID, "rep": REP, "metrics": [{name, value, unit, better}]}
 * always with elapsed_s and the cgroup totals (cpu_s, mem_peak_bytes, ...) as
 * metrics too, lower being better (a pair's server's prefixed "server_").
 */
#ifndef JOCKEY_RUN_SAMPLES_H
#define JOCKEY_RUN_SAMPLES_H

#include "runners/run/outcome.h"

/* Parse repetition rep of cell ID whose folder is cell_dir (cells/ID) with
 * the parsers of parsers_json: OUTCOME_OK; OUTCOME_FAILED when a parser
 * found nothing (failed.json says why, the reason is printed, and no
 * samples.json is left: an old one is removed, so aggregate never reads
 * stale samples); OUTCOME_ERROR with a message. */
enum outcome samples_write(const char *cell_dir, const char *cell, long rep,
			   const char *parsers_json);

/* 1 when name is one of the metrics every repetition gets (elapsed_s, a
 * cgroup total, a pair's server_ ones), 0 for a parser's. */
int samples_is_system(const char *name);

#endif
