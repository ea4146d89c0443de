/* metric.h: the metrics parsers make from a benchmark's log.
 *
 * A metric is a JSON object {"name", "value", "unit", "better"}: name a
 * lowercase slug of [a-z0-9_], value a number (an integer when it is one,
 * so that counts read as counts), unit a string or null, better "higher"
 * or "lower". Parsers append them to a JSON array.
 */
#ifndef JOCKEY_RUN_METRIC_H
#define JOCKEY_RUN_METRIC_H

#include <jansson.h>
#include <stddef.h>

/* Append one metric to out; better is "higher" or "lower", unit may be NULL. */
void metric_add(json_t *out, const char *name, double value, const char *unit, const char *better);
/* metric_add with the name "PREFIX_SUFFIX", PREFIX slugged (none when empty). */
void metric_addf(json_t *out, const char *prefix, const char *suffix, double value,
                 const char *unit, const char *better);
/* The metric in out called name, or NULL (borrowed). */
json_t *metric_find(const json_t *out, const char *name);
/* Write s as a metric name into dst (size n): lowercase, every run of other
 * characters becomes one '_', none at either end. */
void metric_slug(char *dst, size_t n, const char *s);
/* The number at s in a log, after blanks: 0 with *v (and *rest, after it,
 * unless rest is NULL), or -1 when there is none. */
int metric_number(const char *s, double *v, const char **rest);

#endif
