/* tap.h: a minimal Test Anything Protocol producer for the C unit tests.
 *
 *   ok(cond, "name %d", i);  is_str(got, want, "name");  is_int(got, want, "name");
 *   return tap_done();       (prints the plan and returns 0 or 1)
 */
#ifndef JOCKEY_TAP_H
#define JOCKEY_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused)) static int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((unused)) static int
tap_is_str(const char *got, const char *want, const char *file, int line, const char *name, ...)
{
	int same = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	char msg[512];
	va_list ap;

	va_start(ap, name);
	vsnprintf(msg, sizeof(msg), name, ap);
	va_end(ap);
	ok(same, "%s", msg);
	if (!same)
		printf("#   %s:%d\n#     got: '%s'\n#    want: '%s'\n", file, line,
		       got ? got : "(null)", want ? want : "(null)");
	return same;
}

__attribute__((unused)) static int
tap_is_int(long long got, long long want, const char *file, int line, const char *name, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, name);
	vsnprintf(msg, sizeof(msg), name, ap);
	va_end(ap);
	ok(got == want, "%s", msg);
	if (got != want)
		printf("#   %s:%d\n#     got: %lld\n#    want: %lld\n", file, line, got, want);
	return got == want;
}

__attribute__((unused)) static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
