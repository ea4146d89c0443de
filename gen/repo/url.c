/* url.c: a Dockerfile repository's URL: remote or local, its userinfo, and
 * the form that may be printed or stored (see internal.h, repo.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

static const char *const schemes[] = {
	"file://", "git://", "http://", "https://", "ssh://", "git+ssh://", "ssh+git://",
};

int
url_is_remote(const char *s)
{
	const char *colon = strchr(s, ':');

	if (strstr(s, "://"))
		return 1;
	/* As git reads it: a colon before any slash, after a host name. */
	return colon && colon != s && !memchr(s, '/', colon - s);
}

int
url_scheme_known(const char *s)
{
	size_t i;

	if (!strstr(s, "://"))
		return 1;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(s, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

int
url_userinfo(const char *url, size_t *start, size_t *len)
{
	const char *sep = strstr(url, "://"), *auth, *end, *at = NULL, *p;

	if (sep) {
		auth = sep + 3;
		end = auth + strcspn(auth, "/?#");
	} else {
		auth = url; /* scp-like: user@host:path */
		end = strchr(url, ':');
		if (!end)
			return -1;
	}
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return -1;
	*start = auth - url;
	*len = at - auth;
	return 0;
}

static int
url_is_ssh(const char *url)
{
	return !strstr(url, "://") || strncmp(url, "ssh://", 6) == 0 ||
	       strncmp(url, "git+ssh://", 10) == 0 || strncmp(url, "ssh+git://", 10) == 0;
}

char *
repo_redact(const char *url)
{
	size_t start, len, keep = 0;
	const char *colon;
	struct buf b = BUF_INIT;

	if (!url_is_remote(url) || url_userinfo(url, &start, &len) < 0)
		return xstrdup(url);
	/* An ssh user name is no secret (git@host); anything else in the
	 * userinfo may be a token, and a password always is. */
	if (url_is_ssh(url)) {
		colon = memchr(url + start, ':', len);
		keep = colon ? (size_t)(colon - (url + start)) : len;
	}
	buf_add(&b, url, start + keep);
	if (keep < len)
		buf_puts(&b, keep ? ":***" : "***");
	buf_puts(&b, url + start + len);
	return buf_detach(&b, NULL);
}

char *
url_bare(const char *url)
{
	size_t start, len;
	struct buf b = BUF_INIT;

	if (url_userinfo(url, &start, &len) < 0)
		return xstrdup(url);
	buf_add(&b, url, start);
	buf_puts(&b, url + start + len + 1);
	return buf_detach(&b, NULL);
}

char *
repo_stored(const char *url, int *secret)
{
	char *shown = repo_redact(url);

	*secret = strcmp(shown, url) != 0;
	return shown;
}

static char *
percent_decode(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;
	unsigned int c;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2]) && sscanf(s + i + 1, "%2x", &c) == 1) {
			buf_putc(&b, (int)c);
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b, NULL);
}

int
url_user_pass(const char *url, char **user, char **pass)
{
	size_t start, len;
	const char *info, *colon;

	if (url_userinfo(url, &start, &len) < 0 || !len)
		return -1;
	info = url + start;
	colon = memchr(info, ':', len);
	*user = percent_decode(info, colon ? (size_t)(colon - info) : len);
	*pass = colon ? percent_decode(colon + 1, info + len - colon - 1) : xstrdup("");
	return 0;
}

char *
url_origin(const char *url)
{
	char *bare = url_bare(url), *sep = strstr(bare, "://"), *out;

	if (!sep) {
		free(bare);
		return NULL;
	}
	out = xstrndup(bare, (sep + 3 - bare) + strcspn(sep + 3, "/?#"));
	free(bare);
	return out;
}
