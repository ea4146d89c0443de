/* path.c: absolute, lexically clean paths (see path.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/path.h"
#include "base/util.h"

char *
path_clean(const char *dir, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", dir, path);
	char *out = xmalloc(strlen(joined) + 2), *seg, *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		out[len++] = '/';
		strcpy(out + len, seg);
		len += strlen(seg);
	}
	if (len == 0)
		strcpy(out, "/");
	free(joined);
	return out;
}

char *
path_absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/')
		return path_clean("/", path);
	if (!getcwd(cwd, sizeof(cwd)))
		fatal("getcwd:");
	return path_clean(cwd, path);
}

char *
path_relative(const char *dir, const char *path)
{
	struct buf b = BUF_INIT;
	size_t i = 0, common = 0;
	const char *p;

	/* the longest common prefix that ends at a folder boundary */
	while (dir[i] && dir[i] == path[i]) {
		i++;
		if ((dir[i] == '/' || !dir[i]) && (path[i] == '/' || !path[i]))
			common = i;
	}
	for (p = dir + common; *p; p++)
		if (*p == '/' && p[1]) /* a component follows ("/" has none) */
			buf_puts(&b, b.len ? "/.." : "..");
	p = path + common;
	if (*p == '/')
		p++;
	if (*p) {
		if (b.len)
			buf_putc(&b, '/');
		buf_puts(&b, p);
	}
	if (!b.len)
		buf_putc(&b, '.');
	return buf_detach(&b, NULL);
}
