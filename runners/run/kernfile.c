/* kernfile.c: the kernel's small files, read and parsed; see kernfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runners/run/kernfile.h"

ssize_t
kernfile_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n, got = 0;
	int fd;

	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

long long
kernfile_integer(const char *dir, const char *file)
{
	char buf[64], *end;
	long long v;

	if (kernfile_read(dir, file, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf)
		return -1;
	return v;
}

int
kernfile_write(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX];
	size_t len = strlen(s);
	ssize_t n;
	int fd, saved;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return errno = ENAMETOOLONG, -1;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

/* --- parsers ---------------------------------------------------------------- */

int
kernfile_parse_keyed(const char *text, const char *key, long long *val)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
			*val = strtoll(p + klen + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int
kernfile_parse_blkio(const char *text, long long *rd, long long *wr)
{
	const char *p = text;
	char op[16];
	long long v;
	int found = 0, devices = 0;

	*rd = *wr = 0;
	while (p && *p) {
		/* "8:0 Read 4096"; the "Total N" line has no device and is skipped */
		if (sscanf(p, "%*u:%*u %15s %lld", op, &v) == 2) {
			found = 1;
			if (strcmp(op, "Read") == 0)
				*rd += v, devices++;
			else if (strcmp(op, "Write") == 0)
				*wr += v;
		} else if (strncmp(p, "Total", 5) == 0) {
			found = 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found ? devices : -1;
}

int
kernfile_parse_iostat(const char *text, long long *rd, long long *wr)
{
	const char *p = text, *eol, *f;
	int found = 0;

	*rd = *wr = 0;
	while (p && *p) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		/* "259:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
		for (f = p; f < eol; f++) {
			if (f != p && f[-1] != ' ')
				continue;
			if (strncmp(f, "rbytes=", 7) == 0)
				*rd += strtoll(f + 7, NULL, 10), found = 1;
			else if (strncmp(f, "wbytes=", 7) == 0)
				*wr += strtoll(f + 7, NULL, 10), found = 1;
		}
		p = *eol ? eol + 1 : eol;
	}
	return found || !*text ? 0 : -1;
}

int
kernfile_parse_netdev(const char *text, long long *rx, long long *tx)
{
	const char *p = text, *colon, *name;
	long long v[9];
	int found = 0;

	*rx = *tx = 0;
	while (p && *p) {
		colon = strchr(p, ':');
		if (!colon)
			break;
		/* the two header lines have '|' before any ':' */
		if (!memchr(p, '|', colon - p) && !memchr(p, '\n', colon - p)) {
			for (name = p; *name == ' '; name++)
				;
			if (sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld",
			           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
				found = 1;
				if (!(colon - name == 2 && strncmp(name, "lo", 2) == 0)) {
					*rx += v[0];
					*tx += v[8];
				}
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found ? 0 : -1;
}

void
kernfile_proc_counters(long pid, long long net[2], long long io[2])
{
	char buf[8192], dir[64];
	long long a, b;

	snprintf(dir, sizeof(dir), "/proc/%ld/net", pid);
	if (kernfile_read(dir, "dev", buf, sizeof(buf)) > 0 && kernfile_parse_netdev(buf, &a, &b) == 0)
		net[0] = a, net[1] = b;
	snprintf(dir, sizeof(dir), "/proc/%ld", pid);
	if (kernfile_read(dir, "io", buf, sizeof(buf)) > 0 &&
	    kernfile_parse_keyed(buf, "read_bytes:", &a) == 0 &&
	    kernfile_parse_keyed(buf, "write_bytes:", &b) == 0)
		io[0] = a, io[1] = b;
}
