/* slug.c: slugs (see slug.h). */
#include <string.h>

#include "base/slug.h"
#include "base/util.h"

char *
slug_make(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			*p = (char)(c - 'A' + 'a');
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			*p = '-';
	}
	return r;
}

int
slug_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s) &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}
