/* out.c: rendered files, written where they changed (see out.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "gen/out.h"

static int
dump_to_buf(const char *s, size_t n, void *b)
{
	buf_add(b, s, n);
	return 0;
}

void
out_json_put(struct buf *b, json_t *o, size_t flags, size_t guess)
{
	/* Straight into one buffer: json_dumps would build and then copy it. */
	buf_grow(b, guess);
	json_dump_callback(o, dump_to_buf, b, flags);
	buf_putc(b, '\n');
}

void
outs_add_json(struct outs *outs, char *path, json_t *o, size_t flags, size_t guess)
{
	struct buf b = BUF_INIT;
	struct out r = { path, NULL, 0 };

	out_json_put(&b, o, flags, guess);
	r.data = buf_detach(&b, &r.len);
	json_decref(o);
	outs_push(outs, r);
}

void
outs_add(struct outs *outs, char *path, json_t *o)
{
	outs_add_json(outs, path, o, OUT_JSON_FLAGS, 0);
}

void
outs_push(struct outs *outs, struct out o)
{
	outs->v = xreallocarray(outs->v, outs->n + 1, sizeof(*outs->v));
	outs->v[outs->n++] = o;
}

/* 1 if path holds exactly data, 0 if it holds something else, -1 if it is
 * not there. Compares in chunks rather than reading the whole file
 * (write_file_if_changed does): build.ninja of a big matrix is over 50 MB,
 * and a fresh buffer that size costs more than the comparison. */
static int
same_content(const char *path, const char *data, size_t len)
{
	char chunk[1 << 16];
	struct stat st;
	size_t off = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC), same = 0;

	if (fd < 0)
		return errno == ENOENT ? -1 : 0;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size == len) {
		for (same = 1; same && off < len; off += (size_t)r) {
			r = read(fd, chunk, sizeof(chunk));
			if (r <= 0 || (size_t)r > len - off || memcmp(chunk, data + off, (size_t)r) != 0)
				same = 0;
			if (r <= 0)
				break;
		}
	}
	close(fd);
	return same;
}

/* A file that is not there yet is written in place: no earlier content can
 * be lost, and one left half-written by an interruption differs from what
 * the next gen renders, which then replaces it. That saves a rename per file
 * (a fresh 100,000-cell folder has thousands), and the folder made last is
 * remembered so that its files skip mkdir. */
static int
write_new(const char *path, const char *data, size_t len, struct buf *lastdir)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0;
	int fd;

	if (slash && !(lastdir->len == dl && memcmp(lastdir->data, path, dl) == 0)) {
		if (mkdirs_parent(path) < 0)
			return -1;
		buf_reset(lastdir);
		buf_add(lastdir, path, dl);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return errno == EEXIST ? write_file_atomic(path, data, len) : error("open '%s':", path);
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			error("write '%s':", path);
			close(fd);
			unlink(path);
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		error("close '%s':", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int
out_write(const char *path, const char *data, size_t len, struct buf *lastdir)
{
	int same = same_content(path, data, len);

	if (same == 1)
		return 0;
	if (same < 0 && lastdir)
		return write_new(path, data, len, lastdir) < 0 ? -1 : 1;
	return write_file_atomic(path, data, len) < 0 ? -1 : 1;
}

int
outs_write(const char *dir, const struct outs *outs, size_t *written)
{
	struct buf lastdir = BUF_INIT;
	size_t i;
	int ret = 0, r;
	char *p;

	for (i = 0; i < outs->n; i++) {
		p = dir ? xasprintf("%s/%s", dir, outs->v[i].path) : xstrdup(outs->v[i].path);
		r = out_write(p, outs->v[i].data, outs->v[i].len, &lastdir);
		free(p);
		if (r < 0)
			ret = -1;
		else if (written)
			*written += (size_t)r;
	}
	buf_release(&lastdir);
	return ret;
}

void
outs_release(struct outs *outs)
{
	size_t i;

	for (i = 0; i < outs->n; i++) {
		free(outs->v[i].path);
		free(outs->v[i].data);
	}
	free(outs->v);
	outs->v = NULL;
	outs->n = 0;
}
