/* staleness.c: why a cell would run again, told from the results folder's
 * files. ninja decides by mtimes; this says the same thing in words by
 * comparing what each edge last used with what it would use now:
 * - an image's base digest and context tree, as build-image recorded them in
 *   images/KEY.inputs.json, against the current stamps (probe and fetch may
 *   have moved them since);
 * - an image stamp newer than the cell's repetitions: rebuilt since;
 * - run.json newer than the repetitions: the host or benchmark config (the
 *   conf/ file that is newer too) changed; conf/parse/BENCHMARK.json newer
 *   than the samples: the parser changed.
 */
#include <glob.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/staleness.h"
#include "runners/run/conf.h"
#include "runners/run/image.h"

char *
staleness_short_digest(const char *digest)
{
	const char *at = strchr(digest, '@'), *d = at ? at + 1 : digest;

	if (strncmp(d, "sha256:", 7) == 0 && strlen(d) > 7 + 12)
		return xasprintf("sha256:%.12s\u2026", d + 7);
	return xstrdup(d);
}

/* mtime of path, 0 when absent. */
static struct timespec
mtime_of(const char *path)
{
	struct stat st;
	struct timespec zero = { 0, 0 };

	return stat(path, &st) == 0 ? st.st_mtim : zero;
}

static int
ts_after(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static int
ts_zero(struct timespec t)
{
	return t.tv_sec == 0 && t.tv_nsec == 0;
}

/* Append a reason unless one with the same text is there. Steals r. */
static void
reason_add(json_t *reasons, json_t *r)
{
	const char *text = json_string_value(json_object_get(r, "text"));
	json_t *o;
	size_t i;

	json_array_foreach(reasons, i, o)
		if (strcmp(json_string_value(json_object_get(o, "text")), text) == 0) {
			json_decref(r);
			return;
		}
	json_array_append_new(reasons, r);
}

static json_t *
reason_new(const char *kind, const char *fmt, ...) ATTR_PRINTF(2, 3);

static json_t *
reason_new(const char *kind, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	json_t *r;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r = json_pack("{s:s, s:s}", "kind", kind, "text", b.data);
	buf_release(&b);
	return r;
}

static json_t *
reason_base(const char *ref, const char *from, const char *to)
{
	char *f = staleness_short_digest(from), *t = staleness_short_digest(to);
	json_t *r = reason_new("base", "base %s moved %s -> %s", ref, f, t);

	json_object_set_new(r, "ref", json_string(ref));
	json_object_set_new(r, "from", json_string(from));
	json_object_set_new(r, "to", json_string(to));
	free(f);
	free(t);
	return r;
}

/* A file of dir: dir/rel (caller frees). */
static char *
in_dir(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* What changed under the image of one side since it was built, and whether
 * it was rebuilt after ran (the oldest repetition of the cell). */
static void
image_reasons(const char *dir, const char *stamp_rel, struct timespec ran, json_t *reasons)
{
	const char *slash = strrchr(stamp_rel, '/');
	char *key = conf_sibling(slash ? slash + 1 : stamp_rel, ".id", "");
	char *jpath = layout_path(dir, LAYOUT_IMAGE_JSON, key), *ipath = image_inputs_path(jpath);
	char *spath = in_dir(dir, stamp_rel), *bpath = NULL, *tpath = NULL, *bnow = NULL, *tnow = NULL;
	json_t *img = json_load_path(jpath, 1), *in = path_exists(ipath) ? json_load_path(ipath, 1) : NULL;
	const char *ref = json_string_value(json_object_get(img, "base"));
	const char *ctx = json_string_value(json_object_get(img, "context"));
	const char *bs = json_string_value(json_object_get(img, "base_stamp"));
	const char *ts = json_string_value(json_object_get(img, "tree_stamp"));
	const char *bthen = json_string_value(json_object_get(in, "base_digest"));
	const char *tthen = json_string_value(json_object_get(in, "tree"));
	struct timespec built = mtime_of(spath);

	if (!img)
		goto out;
	/* Without a record (an image built by an older jockey) nothing is said:
	 * a newer stamp alone makes ninja rebuild the image, but the cells run
	 * again only when that gives a new image id, which cannot be told. */
	if (bs && bthen && (bnow = stamp_read((bpath = in_dir(dir, bs)))) && ref &&
	    strcmp(bthen, bnow) != 0)
		reason_add(reasons, reason_base(ref, bthen, bnow));
	if (ctx && ts && tthen && (tnow = stamp_read((tpath = in_dir(dir, ts))))) {
		if (strcmp(tthen, tnow) != 0) {
			json_t *r = reason_new("context", "context %s changed", ctx);

			json_object_set_new(r, "context", json_string(ctx));
			reason_add(reasons, r);
		}
	}
	if (ts_zero(built)) {
		reason_add(reasons, reason_new("image", "image %s not built yet", key));
	} else if (ts_after(built, ran)) {
		json_t *r = reason_new("image", "image %s rebuilt", key);

		json_object_set_new(r, "key", json_string(key));
		reason_add(reasons, r);
	}
out:
	json_decref(img);
	json_decref(in);
	free(bnow);
	free(tnow);
	free(bpath);
	free(tpath);
	free(spath);
	free(ipath);
	free(jpath);
	free(key);
}

/* The oldest mtime of name among the repetitions of a cell (zero: none). */
static struct timespec
reps_oldest(const char *cell_dir, const char *name)
{
	char *pat = xasprintf("%s/*/%s", cell_dir, name);
	struct timespec oldest = { 0, 0 };
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			struct timespec t = mtime_of(g.gl_pathv[i]);

			if (ts_zero(oldest) || ts_after(oldest, t))
				oldest = t;
		}
		globfree(&g);
	}
	free(pat);
	return oldest;
}

/* Did conf file path change run.json after ran? It changed after the run,
 * and not after run.json was last written: gen rewrites run.json whenever a
 * change of its inputs touches it, so a conf edit that came later did not
 * (a parser edit rewrites conf/bench/B.json but not run.json). Half a second
 * of slack covers gen writing the two in either order. */
static int
conf_changed_run(const char *path, struct timespec ran, struct timespec run_json)
{
	struct timespec t = mtime_of(path);

	run_json.tv_nsec += 500000000L;
	if (run_json.tv_nsec >= 1000000000L) {
		run_json.tv_sec++;
		run_json.tv_nsec -= 1000000000L;
	}
	return ts_after(t, ran) && !ts_after(t, run_json);
}

/* run.json or the parsers newer than the repetitions: say which input. */
static void
config_reasons(const char *dir, const char *id, const char *cell_dir, json_t *run, struct timespec ran,
	       json_t *reasons, int image_said)
{
	const char *host = json_string_value(json_object_get(run, "host"));
	const char *bench = json_string_value(json_object_get(run, "benchmark"));
	char *p = layout_path(dir, LAYOUT_CELL_RUN, id);
	struct timespec parsed = reps_oldest(cell_dir, layout_rep_file(LAYOUT_SAMPLES));
	int named = 0;

	if (ts_after(mtime_of(p), ran)) {
		struct timespec rj = mtime_of(p);
		char *h = host ? layout_path(dir, LAYOUT_HOST_JSON, host) : NULL;
		char *b = bench ? layout_path(dir, LAYOUT_BENCH_JSON, bench) : NULL;

		if (h && conf_changed_run(h, ran, rj)) {
			json_t *r = reason_new("host", "host config %s changed", host);

			json_object_set_new(r, "host", json_string(host));
			reason_add(reasons, r);
			named = 1;
		}
		if (b && conf_changed_run(b, ran, rj)) {
			json_t *r = reason_new("benchmark", "benchmark %s changed", bench);

			json_object_set_new(r, "benchmark", json_string(bench));
			reason_add(reasons, r);
			named = 1;
		}
		/* run.json holds the image ids too: a rebuilt image, said
		 * already, rewrites it */
		if (!named && !image_said)
			reason_add(reasons, reason_new("config", "run config changed"));
		free(h);
		free(b);
	}
	free(p);
	p = bench ? layout_path(dir, LAYOUT_PARSE_JSON, bench) : NULL;
	if (p && !ts_zero(parsed) && ts_after(mtime_of(p), parsed))
		reason_add(reasons, reason_new("parser", "parser changed"));
	free(p);
}

json_t *
staleness_cell(const char *dir, const char *id)
{
	static const char *const sides[] = { "main", "server", "client" };
	char *cell_dir = layout_path(dir, LAYOUT_CELL_DIR, id), *rp = layout_path(dir, LAYOUT_CELL_RUN, id);
	json_t *reasons = json_array(), *run = path_exists(rp) ? json_load_path(rp, 1) : NULL;
	struct timespec ran = reps_oldest(cell_dir, layout_rep_file(LAYOUT_METRICS_JSON));
	size_t i;

	if (run && !ts_zero(ran)) {
		for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
			const char *st = json_string_value(json_object_get(
				json_object_get(run, sides[i]), "image_stamp"));

			if (st)
				image_reasons(dir, st, ran, reasons);
		}
		config_reasons(dir, id, cell_dir, run, ran, reasons, json_array_size(reasons) > 0);
	}
	json_decref(run);
	free(rp);
	free(cell_dir);
	return reasons;
}

char *
staleness_text(json_t *reasons)
{
	struct buf b = BUF_INIT;
	json_t *r;
	size_t i;

	json_array_foreach(reasons, i, r) {
		if (i)
			buf_puts(&b, "; ");
		buf_puts(&b, json_string_value(json_object_get(r, "text")));
	}
	return buf_detach(&b, NULL);
}

json_t *
staleness_moved_bases(const char *dir, const struct timespec *since)
{
	char *pat = layout_path(dir, LAYOUT_BASE_MOVED, "*");
	json_t *moved = json_array();
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			json_t *m;

			if (since && ts_after(*since, mtime_of(g.gl_pathv[i])))
				continue;
			m = json_load_path(g.gl_pathv[i], 1);
			if (json_string_value(json_object_get(m, "ref")))
				json_array_append_new(moved, json_pack("{s:O, s:O, s:O, s:O}",
					"ref", json_object_get(m, "ref"), "from", json_object_get(m, "from"),
					"to", json_object_get(m, "to"), "at", json_object_get(m, "at")));
			json_decref(m);
		}
		globfree(&g);
	}
	free(pat);
	return moved;
}

struct timespec
staleness_last_run(const char *dir)
{
	char *p = in_dir(dir, LAYOUT_RUN_JSON);
	struct timespec t = mtime_of(p);

	free(p);
	return t;
}

void
staleness_print_moved(json_t *moved, FILE *out)
{
	json_t *m;
	size_t i;

	json_array_foreach(moved, i, m) {
		char *f = staleness_short_digest(json_string_value(json_object_get(m, "from")));
		char *t = staleness_short_digest(json_string_value(json_object_get(m, "to")));

		fprintf(out, "jockey: base %s moved %s -> %s\n",
			json_string_value(json_object_get(m, "ref")), f, t);
		free(f);
		free(t);
	}
}
