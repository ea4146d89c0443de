/* parse.h: turn a benchmark's log into metrics.
 *
 * A metric is a JSON object {"name", "value", "unit", "better"}: name a
 * lowercase slug of [a-z0-9_], value a number, unit a string or null, better
 * "higher" or "lower". Parsers append them to a JSON array. Three kinds, as
 * conf/parse/B.json's "parsers" lists them (docs/design.md):
 *   {"kind": "builtin", "name": "sysbench"}        a parser of this file's table
 *   {"kind": "regex", "pattern", "metric", "unit", "better"}   PCRE2; the LAST match counts
 *   {"kind": "command", "command": [argv...]}      argv + the log path; prints JSON
 */
#ifndef JOCKEY_PARSE_H
#define JOCKEY_PARSE_H

#include <jansson.h>
#include <stddef.h>

/* 1 if name is a built-in parser. */
int parse_builtin_exists(const char *name);
/* A NULL-terminated list of the built-in parsers' names. */
const char *const *parse_builtin_names(void);

/* Run one parser (an element of conf/parse/B.json's "parsers") on log (len bytes,
 * NUL-terminated), whose path is log_path (for command parsers and
 * messages), appending its metrics to out. Returns the number of metrics
 * added (at least 1), or -1 with *reason set (malloc'd): finding nothing is a
 * failure, "parser 'sysbench' found no metric in cells/ID/1/log". */
int parse_run(const json_t *parser, const char *log, size_t len, const char *log_path,
              json_t *out, char **reason);

/* Append one metric to out; better is "higher" or "lower", unit may be NULL. */
void metric_add(json_t *out, const char *name, double value, const char *unit, const char *better);
/* The metric in out called name, or NULL (borrowed). */
json_t *metric_find(const json_t *out, const char *name);
/* Write s as a metric name into dst (size n): lowercase, every run of other
 * characters becomes one '_', none at either end. */
void metric_slug(char *dst, size_t n, const char *s);

#endif
