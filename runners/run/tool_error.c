/* tool_error.c: a tool's own words about its failure (see tool_error.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/tool_error.h"

/* Longest quote kept from a line. */
#define QUOTE_MAX 300

/* The line holding p in [log, end), trimmed and cut to QUOTE_MAX: fresh. */
static char *
line_at(const char *log, const char *end, const char *p)
{
	const char *s = p, *e = p;

	while (s > log && s[-1] != '\n' && s[-1] != '\r')
		s--;
	while (e < end && *e != '\n' && *e != '\r')
		e++;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s) > QUOTE_MAX ? QUOTE_MAX : (size_t)(e - s));
}

/* The first line that starts (after blanks) with one of the prefixes, or
 * holds one of the infixes; fresh, or NULL. */
static char *
first_line(const char *log, size_t len, const char *const *prefixes, const char *const *infixes)
{
	const char *end = log + len, *p = log, *e, *s;
	size_t i;

	for (; p < end; p = e + 1) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		for (s = p; s < e && isspace((unsigned char)*s); s++)
			;
		for (i = 0; prefixes && prefixes[i]; i++)
			if ((size_t)(e - s) >= strlen(prefixes[i]) && strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
				return line_at(log, end, s);
		for (i = 0; infixes && infixes[i]; i++)
			if (memmem(s, (size_t)(e - s), infixes[i], strlen(infixes[i])))
				return line_at(log, end, s);
	}
	return NULL;
}

/* The first JSON object of the log (a line that starts with '{'), new. */
static json_t *
log_json(const char *log, size_t len)
{
	const char *p = log, *end = log + len;
	json_error_t err;

	while (p && p < end && *p != '{') {
		p = memchr(p, '\n', (size_t)(end - p));
		if (p)
			p++;
	}
	return p && p < end ? json_loadb(p, (size_t)(end - p), JSON_DISABLE_EOF_CHECK, &err) : NULL;
}

static char *
iperf3_error(const char *log, size_t len)
{
	static const char *const pre[] = { "iperf3: error", NULL };
	json_t *j = log_json(log, len);
	const char *e = json_string_value(json_object_get(j, "error"));
	char *out = e ? xstrndup(e, strlen(e) > QUOTE_MAX ? QUOTE_MAX : strlen(e)) : NULL;

	json_decref(j);
	return out ? out : first_line(log, len, pre, NULL);
}

static char *
fio_error(const char *log, size_t len)
{
	static const char *const pre[] = { "fio: ", NULL };
	static const char *const in[] = { "error=", NULL };
	/* "error=" first: fio's stderr lines come in no fixed order */
	char *out = first_line(log, len, NULL, in);
	json_t *j, *job;
	size_t i;

	if (out || (out = first_line(log, len, pre, NULL)))
		return out;
	j = log_json(log, len);
	json_array_foreach(json_object_get(j, "jobs"), i, job)
		if (!out && json_integer_value(json_object_get(job, "error")) != 0)
			out = xasprintf("job '%s': error %lld",
					json_string_value(json_object_get(job, "jobname")) ?
					json_string_value(json_object_get(job, "jobname")) : "?",
					(long long)json_integer_value(json_object_get(job, "error")));
	json_decref(j);
	return out;
}

char *
tool_error(const char *name, const char *log, size_t len)
{
	static const char *const sysbench[] = { "FATAL:", NULL };
	static const char *const redis[] = { "Could not connect to Redis", "ERR ", "-ERR", "Error:", "NOAUTH",
					     "WRONGPASS", NULL };
	static const char *const ab[] = { "ab: ", "apr_", NULL };
	static const char *const wrk[] = { "unable to connect to", NULL };
	static const char *const stressng[] = { "stress-ng: error:", "stress-ng: fail:", NULL };

	if (strcmp(name, "iperf3") == 0)
		return iperf3_error(log, len);
	if (strcmp(name, "fio") == 0)
		return fio_error(log, len);
	if (strcmp(name, "sysbench") == 0)
		return first_line(log, len, sysbench, NULL);
	if (strcmp(name, "redis-benchmark") == 0)
		return first_line(log, len, redis, NULL);
	if (strcmp(name, "ab") == 0)
		return first_line(log, len, ab, NULL);
	if (strcmp(name, "wrk") == 0)
		return first_line(log, len, wrk, NULL);
	if (strcmp(name, "stress-ng") == 0)
		return first_line(log, len, stressng, NULL);
	return NULL;
}

char *
tool_errors(const json_t *parsers, const char *log, size_t len)
{
	struct buf b = BUF_INIT;
	const json_t *p;
	size_t i;

	json_array_foreach((json_t *)parsers, i, p) {
		const char *kind = json_string_value(json_object_get(p, "kind"));
		const char *name = json_string_value(json_object_get(p, "name"));
		char *said;

		if (!kind || strcmp(kind, "builtin") != 0 || !name || !(said = tool_error(name, log, len)))
			continue;
		buf_printf(&b, "; %s said: '%s'", name, said);
		free(said);
	}
	return b.len ? buf_detach(&b, NULL) : (buf_release(&b), NULL);
}
