/* util.c: errors, allocation and files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

const char *progname = "jockey";

void
vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
	errno = saved;
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

static char error_text[2048];

const char *
error_last(void)
{
	return error_text;
}

int
error(const char *fmt, ...)
{
	va_list ap, aq;
	int saved = errno;
	size_t n = strlen(fmt), len;

	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(error_text, sizeof(error_text), fmt, aq);
	va_end(aq);
	len = strlen(error_text);
	if (n > 0 && fmt[n - 1] == ':')
		snprintf(error_text + len, sizeof(error_text) - len, " %s", strerror(saved));
	errno = saved;
	vwarn(fmt, ap);
	va_end(ap);
	return -1;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(EXIT_RUNTIME);
}

void
usage(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "usage: %s ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		fatal("out of memory");
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("out of memory");
	va_end(ap);
	return s;
}

int
read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return error("open '%s':", path);
	for (;;) {
		size_t r;

		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return error("read '%s':", path);
	}
	fclose(f);
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int
mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			ret = error("mkdir '%s':", p);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

int
mkdirs_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int ret;

	if (!slash || slash == path)
		return 0;
	dir = xstrndup(path, slash - path);
	ret = mkdirs(dir);
	free(dir);
	return ret;
}

int
path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp;
	int fd, ret = 0;
	const char *p = data;

	if (mkdirs_parent(path) < 0)
		return -1;
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		ret = error("open '%s':", tmp);
		goto out;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = error("write '%s':", tmp);
			close(fd);
			unlink(tmp);
			goto out;
		}
		p += w;
		len -= w;
	}
	if (fsync(fd) < 0 && errno != EINVAL) {
		ret = error("fsync '%s':", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		ret = error("close '%s':", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		ret = error("rename '%s' to '%s':", tmp, path);
		unlink(tmp);
		goto out;
	}
	ret = fsync_parent(path);
out:
	free(tmp);
	return ret;
}

int
fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return error("open '%s':", path);
	/* EINVAL: a file system without fsync (some FUSE ones): nothing to wait for */
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = error("fsync '%s':", path);
	close(fd);
	return ret;
}

int
fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int ret = fsync_path(dir);

	free(dir);
	return ret;
}

int
write_file_if_changed(const char *path, const void *data, size_t len)
{
	struct stat st;

	if (stat(path, &st) == 0 && (size_t)st.st_size == len) {
		char *old;
		size_t n;
		int same;

		if (read_file(path, &old, &n) == 0) {
			same = n == len && memcmp(old, data, len) == 0;
			free(old);
			if (same)
				return 0;
		}
	}
	return write_file_atomic(path, data, len) < 0 ? -1 : 1;
}

char *
cache_dir(const char *what)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return xasprintf("%s/jockey/%s", xdg, what);
	if (home && *home)
		return xasprintf("%s/.cache/jockey/%s", home, what);
	error("neither XDG_CACHE_HOME nor HOME is set: no place for jockey's cache of %s", what);
	return NULL;
}

const char *
self_exe(void)
{
	static char path[PATH_MAX];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n < 0)
		fatal("readlink '/proc/self/exe':");
	path[n] = '\0';
	return path;
}
