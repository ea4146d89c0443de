/* tool_error.h: what a benchmark tool said when it failed, in its own words,
 * for a repetition's failure reason ("exit code 1; iperf3 said: 'unable to
 * connect to server: Connection refused'"): each built-in parser knows where
 * its tool writes errors. */
#ifndef JOCKEY_RUN_TOOL_ERROR_H
#define JOCKEY_RUN_TOOL_ERROR_H

#include <jansson.h>
#include <stddef.h>

/* The error the tool of built-in parser name wrote in log (len bytes),
 * fresh and at most a line or two long, or NULL when it wrote none there
 * (or name is no built-in):
 *   iperf3           --json's "error", else a line "iperf3: error - ..."
 *   sysbench         the first "FATAL: ..." line
 *   fio              a line with "error=", else one starting "fio: ", else a job's
 *                    non-zero "error" in --output-format=json
 *   redis-benchmark  "Could not connect to Redis ...", "ERR ...", "Error: ..."
 *   ab               "ab: ..." and "apr_...: ..." lines
 *   wrk              "unable to connect to ..."
 *   stress-ng        "stress-ng: error: ..." and "stress-ng: fail: ..." */
char *tool_error(const char *name, const char *log, size_t len);
/* tool_error for each built-in parser of conf/parse/B.json's "parsers",
 * as "; TOOL said: '...'" (fresh), or NULL. */
char *tool_errors(const json_t *parsers, const char *log, size_t len);

#endif
