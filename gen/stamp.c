/* stamp.c: is the results folder what gen would write? (see stamp.h)
 *
 * The stamp is a text file: a version line, one line for each input that
 * decides gen's output, then one line per file gen wrote (build.ninja
 * last, and not those that an edge rewrites: edge_output): its mtime in
 * nanoseconds, its size and its path. It is written after the last file,
 * and only when it changed (a gen that writes nothing leaves every mtime
 * alone). A gen interrupted half-way leaves the old stamp: either the
 * inputs changed, and its first lines no longer match, or they did not,
 * and a file written since has another mtime; the next run gens in full. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/layout.h"
#include "base/util.h"
#include "gen/gen.h"
#include "gen/plan.h"
#include "gen/stamp.h"

#define STAMP_VERSION "# jockey gen stamp 1: the inputs that decide gen's output, then its files\n"

/* "name path size mtime inode" of a file that is an input by its identity
 * (a binary), or "name path -" when it is not there. */
static void
put_identity(struct buf *b, const char *name, const char *path)
{
	struct stat st;

	if (path && stat(path, &st) == 0)
		buf_printf(b, "%s %s %lld %lld.%09ld %llu\n", name, path, (long long)st.st_size,
			   (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
	else
		buf_printf(b, "%s %s -\n", name, path ? path : "");
}

/* "name path hash" of a file that is an input by its content. */
static void
put_content(struct buf *b, const char *name, const char *path)
{
	char *data = NULL;
	size_t len = 0;

	if (path && read_file(path, &data, &len) == 0)
		buf_printf(b, "%s %s %016llx\n", name, path,
			   (unsigned long long)hash_bytes(HASH_INIT, data, len));
	else
		buf_printf(b, "%s %s -\n", name, path ? path : "");
	free(data);
}

/* The inputs' lines: everything gen's output depends on besides the
 * matrix's content (docs/design.md, "jockey run"). */
static void
stamp_inputs(struct buf *b, const struct gen_options *o)
{
	char *repeats;

	buf_puts(b, STAMP_VERSION);
	put_identity(b, "jockey", o->jockey);
	put_identity(b, "edge", o->edge);
	put_content(b, "matrix", o->matrix);
	buf_printf(b, "dir %s\nengine %s\nshard %d/%d\n", o->dir, o->engine ? o->engine : "",
		   o->shard_index, o->shard_count);
	put_content(b, "durations", o->durations);
	/* adaptive cells' repetitions, which gen reads (gen/adaptive.h) */
	repeats = xasprintf("%s/" LAYOUT_REPEATS_JSON, o->dir);
	put_content(b, "repeats", path_exists(repeats) ? repeats : NULL);
	free(repeats);
}

static char *
stamp_path(const char *dir)
{
	return xasprintf("%s/" LAYOUT_GEN_STAMP, dir);
}

/* A file's line; 0, or -1 when it is not there. */
static int
put_file(struct buf *b, const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;
	int r = stat(p, &st);

	free(p);
	if (r < 0)
		return -1;
	buf_printf(b, "%lld.%09ld %lld %s\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		   (long long)st.st_size, rel);
	return 0;
}

/* 1 for a file that a ninja edge writes too (a cell's run.json, an
 * image's images/KEY.json): ninja makes it again when it is missing, and
 * its edge rewrites it when an image changes, which must not cost the
 * next run a full gen. */
static int
edge_output(const char *rel)
{
	char *id = layout_name(LAYOUT_CELL_RUN, rel);
	int edge;

	if (!id)
		id = layout_name(LAYOUT_IMAGE_JSON, rel);
	edge = id != NULL;
	free(id);
	return edge;
}

int
stamp_write(const struct gen *g)
{
	struct buf b = BUF_INIT;
	char *p = stamp_path(g->o->dir);
	size_t i;
	int r = 0;

	stamp_inputs(&b, g->o);
	for (i = 0; i < g->outs.n && r == 0; i++)
		if (!edge_output(g->outs.v[i].path))
			r = put_file(&b, g->o->dir, g->outs.v[i].path);
	if (r == 0)
		r = put_file(&b, g->o->dir, LAYOUT_BUILD_NINJA);
	/* a file gone already: no stamp, the next gen runs in full */
	if (r == 0)
		r = write_file_if_changed(p, b.data, b.len) < 0 ? -1 : 0;
	buf_release(&b);
	free(p);
	return r;
}

/* Each file line of the stamp from s on still matches its file. */
static int
files_match(const char *dir, const char *s)
{
	struct buf b = BUF_INIT;
	int ok = 1;

	while (ok && *s) {
		const char *nl = strchr(s, '\n'), *path = strchr(s, ' ');
		char *rel;

		if (!nl || !path || !(path = strchr(path + 1, ' ')) || path > nl)
			return 0;
		rel = xstrndup(path + 1, (size_t)(nl - path - 1));
		buf_reset(&b);
		ok = put_file(&b, dir, rel) == 0 && b.len == (size_t)(nl - s + 1) &&
		     memcmp(b.data, s, b.len) == 0;
		free(rel);
		s = nl + 1;
	}
	buf_release(&b);
	return ok;
}

int
stamp_fresh(const struct gen_options *o)
{
	struct buf in = BUF_INIT;
	char *p = stamp_path(o->dir), *data = NULL;
	size_t len;
	int fresh = 0;

	if (path_exists(p) && read_file(p, &data, &len) == 0) {
		stamp_inputs(&in, o);
		fresh = len > in.len && memcmp(data, in.data, in.len) == 0 &&
			files_match(o->dir, data + in.len);
	}
	buf_release(&in);
	free(data);
	free(p);
	return fresh;
}
