/* units.c: the matrix's durations ("1h30m", "500ms") and sizes ("512m",
 * "2g"), declared in matrix.h. */
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "gen/matrix.h"
long
parse_duration_ms(const char *s)
{
	long long total = 0;
	const char *p;
	int bare;

	if (!s || !*s)
		return -1;
	bare = s[strspn(s, "0123456789")] == '\0'; /* a bare number counts seconds */
	for (p = s; *p;) {
		long long n = 0, unit;

		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			n = n * 10 + (*p - '0');
			if (n > LONG_MAX / 1000)
				return -1;
		}
		if (bare)
			unit = 1000;
		else if (p[0] == 'm' && p[1] == 's')
			unit = 1, p += 2;
		else if (*p == 's')
			unit = 1000, p++;
		else if (*p == 'm')
			unit = 60000, p++;
		else if (*p == 'h')
			unit = 3600000, p++;
		else
			return -1;
		if (n > (LONG_MAX - total) / unit)
			return -1;
		total += n * unit;
	}
	return (long)total;
}

long long
parse_size(const char *s)
{
	static const struct { const char *suffix; int shift; } units[] = {
		{ "", 0 }, { "b", 0 },
		{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
		{ "t", 40 }, { "tb", 40 }, { "tib", 40 },
	};
	long long n = 0;
	const char *p = s;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (LLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(p, units[i].suffix) != 0)
			continue;
		if (n > (LLONG_MAX >> units[i].shift))
			return -1;
		return n << units[i].shift;
	}
	return -1;
}
