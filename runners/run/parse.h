/* parse.h: turn a benchmark's log into metrics (metric.h), with the parsers
 * conf/parse/B.json's "parsers" lists (docs/design.md):
 *   {"kind": "builtin", "name": "sysbench"}        a built-in (parse_builtin.h)
 *   {"kind": "regex", "pattern", "metric", "unit", "better"}   PCRE2; the LAST match counts
 *   {"kind": "command", "command": [argv...]}      argv + the log path; prints JSON
 */
#ifndef JOCKEY_RUN_PARSE_H
#define JOCKEY_RUN_PARSE_H

#include <jansson.h>
#include <stddef.h>

/* Run one parser (an element of conf/parse/B.json's "parsers") on log (len
 * bytes, NUL-terminated), whose path is log_path (for command parsers and
 * messages), appending its metrics to out. Returns the number of metrics
 * added; 0 with *failure set (fresh) when the parser failed: finding
 * nothing is the repetition's failure, data and not an error (outcome.h),
 * "parser 'sysbench' found no metric in cells/ID/1/log". */
int parse_run(const json_t *parser, const char *log, size_t len, const char *log_path,
              json_t *out, char **failure);

#endif
