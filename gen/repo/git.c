/* git.c: libgit2's setup and its messages, credentials redacted (see
 * internal.h). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

void
repo_lib_init(void)
{
	static int done;

	if (!done) {
		git_libgit2_init();
		done = 1;
	}
}

/* Replace every occurrence of needle in s (in place in b). */
static void
replace_all(struct buf *b, const char *needle, const char *with)
{
	struct buf out = BUF_INIT;
	const char *p = b->data, *hit;
	size_t n = strlen(needle);

	if (!n)
		return;
	while ((hit = strstr(p, needle))) {
		buf_add(&out, p, hit - p);
		buf_puts(&out, with);
		p = hit + n;
	}
	buf_puts(&out, p);
	buf_release(b);
	*b = out;
}

const char *
repo_git_msg(const struct spec *s)
{
	static struct buf b = BUF_INIT;
	const git_error *e = git_error_last();
	size_t start, len;
	char *user;

	buf_reset(&b);
	buf_puts(&b, e && e->message ? e->message : "unknown error");
	if (s && s->remote) {
		replace_all(&b, s->repo, s->shown);
		if (url_userinfo(s->repo, &start, &len) == 0) {
			user = xstrndup(s->repo + start, len);
			replace_all(&b, user, "***");
			free(user);
		}
	}
	return b.data;
}

char *
repo_short_id(const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	hex[7] = '\0';
	return xstrdup(hex);
}
