/* metric.c: the metrics parsers make; see metric.h. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runners/run/metric.h"

void
metric_slug(char *dst, size_t n, const char *s)
{
	size_t o = 0;
	int gap = 0;

	for (; *s && o + 1 < n; s++) {
		if (isalnum((unsigned char)*s)) {
			if (gap && o > 0 && o + 2 < n)
				dst[o++] = '_';
			dst[o++] = (char)tolower((unsigned char)*s);
			gap = 0;
		} else {
			gap = 1;
		}
	}
	dst[o] = '\0';
}

/* A number as JSON: an integer when it is one, so counts read as counts. */
static json_t *
json_number(double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

void
metric_add(json_t *out, const char *name, double value, const char *unit, const char *better)
{
	json_array_append_new(out, json_pack("{s:s, s:o, s:o, s:s}", "name", name,
	                                     "value", json_number(value),
	                                     "unit", unit ? json_string(unit) : json_null(),
	                                     "better", better));
}

json_t *
metric_find(const json_t *out, const char *name)
{
	size_t i;
	json_t *m;

	json_array_foreach(out, i, m)
		if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
			return m;
	return NULL;
}

void
metric_addf(json_t *out, const char *prefix, const char *suffix, double value,
            const char *unit, const char *better)
{
	char slug[128], name[192];

	metric_slug(slug, sizeof(slug), prefix);
	snprintf(name, sizeof(name), "%s%s%s", slug, *slug ? "_" : "", suffix);
	metric_add(out, name, value, unit, better);
}

int
metric_number(const char *s, double *v, const char **rest)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s) && !((*s == '-' || *s == '.') && isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	*v = strtod(s, &e);
	if (errno || e == s)
		return -1;
	if (rest)
		*rest = e;
	return 0;
}
