/* gen.c: render and write the results folder (see gen.h, docs/design.md).
 *
 * Everything is rendered into memory first (build.ninja and the list of JSON
 * files), so a matrix that cannot be written leaves the folder untouched;
 * then each file is written only when its content changed, which keeps mtimes
 * and lets ninja skip what did not move. Output is deterministic: JSON keys
 * sorted, lists in a fixed order, no timestamps. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/files.h"
#include "gen/gen.h"
#include "gen/matrix.h"
#include "gen/ninja.h"
#include "gen/repo.h"
#include "base/util.h"

/* 15 digits: what people write (0.05, 1.5) reads back as they wrote it. */
#define JSON_FLAGS (JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* A file to write: rendered in full before anything is written. */
struct out {
	char *path;  /* relative to the results folder */
	char *data;
	size_t len;
};

/* A base image on one engine: base/SLUG.json and its probe edge. */
struct base {
	char *file;       /* IMG (+ ".eN"): the file name part */
	char *slug;       /* IMG: image slug - tag slug */
	char *ref, *name, *tag;
	const char *pull;
	int engine;
	struct mark mark;  /* where the matrix names it, for messages */
};

/* One image to build (or, without context, to inspect): images/KEY.json. */
struct key {
	char *key;
	char *recipe;         /* conf/image/RECIPE.json: CTX (or "asis") + ".hHASH" of the build args */
	const char *context;  /* path in the repo, or NULL (as is) */
	char *ctx_slug;
	const struct kvlist *args;
	char *base_file;      /* struct base .file it builds on */
	char *base_ref;
	int engine;
	struct mark mark;     /* the side that needs it */
};

/* What a side of a benchmark needs for its image key, computed once. */
struct sidekey {
	char *ctx_slug;   /* NULL: as is */
	char *base_slug;  /* slug of side->base, NULL: the image under test */
	char *hash;       /* 8 hex of the build args, NULL without any */
};

struct gen {
	const struct matrix *m;
	const struct cell *cells;
	size_t ncells;
	const struct gen_options *o;
	const char **engines;     /* distinct engines, first use order */
	size_t nengines;
	int *host_engine;         /* per host: index into engines */
	struct sidekey *sk;       /* per benchmark: [3 * b + side], side 0 main, 1 server, 2 client */
	struct base *bases;
	size_t nbases;
	struct key *keys;
	size_t nkeys;
	struct out *outs;
	size_t nouts;
	char (*parse_hash)[17];   /* per benchmark: its parsers' hash, in its parse rule */
	int bad;                  /* a problem that makes the matrix unwritable */
};

char *
gen_slug(const char *s)
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

char *
gen_abspath(const char *path)
{
	char cwd[4096];
	struct buf in = BUF_INIT, out = BUF_INIT;
	char *tok, *save = NULL;
	size_t *ends = NULL, n = 0;

	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			fatal("getcwd:");
		buf_puts(&in, cwd);
		buf_putc(&in, '/');
	}
	buf_puts(&in, path);
	for (tok = strtok_r(in.data, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (n)
				out.len = n > 1 ? ends[n - 2] : 0;
			out.data[out.len] = '\0';
			n -= n > 0;
			continue;
		}
		buf_putc(&out, '/');
		buf_puts(&out, tok);
		ends = xreallocarray(ends, n + 1, sizeof(*ends));
		ends[n++] = out.len;
	}
	if (out.len == 0)
		buf_putc(&out, '/');
	free(ends);
	buf_release(&in);
	return buf_detach(&out, NULL);
}

char *
gen_dir(const struct matrix *m, const char *dir)
{
	char *rel = dir ? xstrdup(dir) : xasprintf("results/%s", m->name), *abs = gen_abspath(rel);

	free(rel);
	return abs;
}

/* ---- CI shards ---- */

int
gen_shard_parse(const char *s, int *index, int *count)
{
	const char *slash = strchr(s, '/');
	char *end;
	long i, n;

	if (!slash || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)slash[1]))
		goto bad;
	i = strtol(s, &end, 10);
	if (end != slash)
		goto bad;
	n = strtol(slash + 1, &end, 10);
	if (*end || n < 1 || n > 4096 || i < 1 || i > n)
		goto bad;
	*index = (int)i;
	*count = (int)n;
	return 0;
bad:
	return error("shard '%s' is not I/N with 1 <= I <= N <= 4096 (e.g. 2/3)", s);
}

/* splitmix64's finaliser: FNV alone mixes the last bytes (the shard
 * number) poorly into the high bits. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int
gen_shard_of(const char *id, int count)
{
	uint64_t base = hash_bytes(HASH_INIT, id, strlen(id) + 1), best = 0, w;
	int k, shard = 1;

	/* Highest random weight: each shard draws a weight for the cell, the
	 * heaviest takes it. Changing count moves only the cells the new
	 * shard wins (or the removed one held). */
	for (k = 1; k <= count; k++) {
		unsigned char kb[4] = { (unsigned char)k, (unsigned char)(k >> 8), 0, 0 };

		w = mix64(hash_bytes(base, kb, sizeof(kb)));
		if (k == 1 || w > best) {
			best = w;
			shard = k;
		}
	}
	return shard;
}

/* The past duration of each cell, in seconds (0: unknown), from a
 * results.json: the median elapsed_s of its repetitions times their number. */
static double *
durations_load(const char *path, const struct cell *cells, size_t n)
{
	json_error_t e;
	json_t *r = json_load_file(path, 0, &e), *c;
	double *d;
	size_t i, k, lo, hi;

	if (!r) {
		error("%s:%d:%d: %s", path, e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_array(json_object_get(r, "cells"))) {
		error("'%s' is not a jockey results.json: it has no cells", path);
		json_decref(r);
		return NULL;
	}
	d = xcalloc(n ? n : 1, sizeof(*d));
	json_array_foreach(json_object_get(r, "cells"), k, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		json_t *el = json_object_get(json_object_get(c, "metrics"), "elapsed_s");
		double med = json_number_value(json_object_get(el, "median"));
		json_int_t reps = json_integer_value(json_object_get(c, "reps_total"));

		if (!id || med <= 0)
			continue;
		/* cells come sorted by id */
		for (lo = 0, hi = n; lo < hi;) {
			i = (lo + hi) / 2;
			if (strcmp(cells[i].id, id) < 0)
				lo = i + 1;
			else
				hi = i;
		}
		if (lo < n && strcmp(cells[lo].id, id) == 0)
			d[lo] = med * (double)(reps > 0 ? reps : 1);
	}
	json_decref(r);
	return d;
}

/* Move known cells from the most loaded shard to the least loaded while
 * that lowers the larger of the two, each cell at most once. Cells of
 * unknown duration weigh the mean of the known ones and stay where the hash
 * put them. Deterministic: every shard computes the same moves. */
static void
shards_balance(size_t n, const double *d, int *shard, int count)
{
	double *load = xcalloc((size_t)count + 1, sizeof(*load)), known = 0, mean;
	char *moved = xcalloc(n ? n : 1, 1);
	size_t i, nknown = 0, best;
	int k, hi, lo;

	for (i = 0; i < n; i++)
		if (d[i] > 0) {
			known += d[i];
			nknown++;
		}
	if (!nknown)
		goto out;
	mean = known / (double)nknown;
	for (i = 0; i < n; i++)
		load[shard[i]] += d[i] > 0 ? d[i] : mean;
	for (;;) {
		for (hi = lo = 1, k = 2; k <= count; k++) {
			if (load[k] > load[hi])
				hi = k;
			if (load[k] < load[lo])
				lo = k;
		}
		/* The cell whose move leaves the pair most even; ties: the first id. */
		best = n;
		for (i = 0; i < n; i++) {
			double gap = load[hi] - load[lo];

			if (shard[i] != hi || moved[i] || d[i] <= 0 || d[i] >= gap)
				continue;
			if (best == n || fabs(gap - 2 * d[i]) < fabs(gap - 2 * d[best]))
				best = i;
		}
		if (best == n)
			break;
		load[hi] -= d[best];
		load[lo] += d[best];
		shard[best] = lo;
		moved[best] = 1;
	}
out:
	free(load);
	free(moved);
}

int
gen_shard_filter(struct cell *cells, size_t *n, int index, int count, const char *durations)
{
	int *shard = xcalloc(*n ? *n : 1, sizeof(*shard));
	size_t i, kept = 0;

	for (i = 0; i < *n; i++)
		shard[i] = gen_shard_of(cells[i].id, count);
	if (durations) {
		double *d = durations_load(durations, cells, *n);

		if (!d) {
			free(shard);
			return -1;
		}
		shards_balance(*n, d, shard, count);
		free(d);
	}
	for (i = 0; i < *n; i++) {
		if (shard[i] == index)
			cells[kept++] = cells[i];
		else
			free(cells[i].id);
	}
	*n = kept;
	free(shard);
	return 0;
}

char *
gen_file_hash(const char *path)
{
	char *data;
	size_t len;
	uint64_t h;

	if (read_file(path, &data, &len) < 0)
		return NULL;
	h = hash_bytes(HASH_INIT, data, len);
	free(data);
	return xasprintf("%016llx", (unsigned long long)h);
}

/* name:tag, or name@sha256:... when the tag is a digest. */
static char *
image_ref(const char *name, const char *tag)
{
	return xasprintf("%s%c%s", name, strncmp(tag, "sha256:", 7) == 0 ? '@' : ':', tag);
}

/* Split a reference "name[:tag]" or "name@digest" (tag defaults to latest). */
static void
ref_split(const char *ref, char **name, char **tag)
{
	const char *at = strchr(ref, '@'), *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');

	if (at) {
		*name = xstrndup(ref, at - ref);
		*tag = xstrdup(at + 1);
	} else if (colon && (!slash || colon > slash)) {
		*name = xstrndup(ref, colon - ref);
		*tag = xstrdup(colon + 1);
	} else {
		*name = xstrdup(ref);
		*tag = xstrdup("latest");
	}
}

static char *
img_slug(const char *name, const char *tag)
{
	char *n = gen_slug(name), *t = gen_slug(tag), *r = xasprintf("%s-%s", n, t);

	free(n);
	free(t);
	return r;
}

static const char *
pull_name(enum pull_policy p)
{
	return p == PULL_ALWAYS ? "always" : p == PULL_NEVER ? "never" : "missing";
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct kv *const *)a)->key, (*(const struct kv *const *)b)->key);
}

/* 8 hex digits of FNV-1a over the build args sorted by name, or NULL. */
static char *
args_hash(const struct kvlist *args)
{
	const struct kv **v;
	uint64_t h = HASH_INIT;
	size_t i;

	if (args->n == 0)
		return NULL;
	v = xreallocarray(NULL, args->n, sizeof(*v));
	for (i = 0; i < args->n; i++)
		v[i] = &args->v[i];
	qsort(v, args->n, sizeof(*v), kv_cmp);
	for (i = 0; i < args->n; i++) {
		/* each with its NUL, so "ab"+"c" and "a"+"bc" differ */
		h = hash_bytes(h, v[i]->key, strlen(v[i]->key) + 1);
		h = hash_bytes(h, v[i]->value, strlen(v[i]->value) + 1);
	}
	free(v);
	return xasprintf("%08x", (unsigned)((h ^ (h >> 32)) & 0xffffffffu));
}

/* The image key of a side: CTX.IMG[.hHASH][.eN], "asis" without a context.
 * Kept in one place: gen and the 'cells' edge both use it. */
static char *
key_make(const char *ctx_slug, const char *img, const char *hash, const char *esuffix)
{
	return xasprintf("%s.%s%s%s%s", ctx_slug ? ctx_slug : "asis", img,
			 hash ? ".h" : "", hash ? hash : "", esuffix);
}

static char *
esuffix(const struct gen *g, int engine)
{
	return g->nengines > 1 ? xasprintf(".e%d", engine) : xstrdup("");
}

/* ---- JSON of the axes ---- */

static json_t *
json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
json_kv(const struct kvlist *l)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].key, json_string(l->v[i].value));
	return o;
}

static json_t *
json_strs(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *
json_parser(const struct parser *p)
{
	switch (p->kind) {
	case PARSER_BUILTIN:
		return json_pack("{s:s, s:s}", "kind", "builtin", "name", p->builtin);
	case PARSER_REGEX:
		return json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", "regex", "pattern", p->pattern,
				 "metric", p->metric, "unit", json_str_or_null(p->unit),
				 "better", p->better == BETTER_LOWER ? "lower" : "higher");
	case PARSER_COMMAND:
		return json_pack("{s:s, s:o}", "kind", "command", "command", json_strs(&p->command));
	default:
		return json_pack("{s:s}", "kind", "none");
	}
}

static json_t *
json_ready(const struct ready *r)
{
	json_t *o = json_object();

	if (r->tcp)
		json_object_set_new(o, "tcp", json_integer(r->tcp));
	else if (r->log)
		json_object_set_new(o, "log", json_string(r->log));
	else if (r->command.n)
		json_object_set_new(o, "command", json_strs(&r->command));
	json_object_set_new(o, "timeout_ms", json_integer(r->timeout_ms));
	return o;
}

static json_t *
json_side(const struct side *s, const struct sidekey *k, int server)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "context", json_str_or_null(s->context),
			      "context_slug", json_str_or_null(k->ctx_slug),
			      "base", json_str_or_null(s->base),
			      "base_slug", json_str_or_null(k->base_slug),
			      "build_args", json_kv(&s->build_args),
			      "args_hash", json_str_or_null(k->hash),
			      "command", json_strs(&s->command),
			      "env", json_kv(&s->env));

	if (server)
		json_object_set_new(o, "ready", json_ready(&s->ready));
	return o;
}

static json_t *
json_bench(const struct gen *g, size_t bi)
{
	const struct benchmark *b = &g->m->benchmarks[bi];
	json_t *o, *parsers = json_array();
	size_t i;

	for (i = 0; i < b->nparsers; i++)
		json_array_append_new(parsers, json_parser(&b->parsers[i]));
	o = json_pack("{s:i, s:s, s:b, s:i, s:i, s:I, s:o, s:o}", "schema", 1, "name", b->name,
		      "pair", b->is_pair, "repeat", b->repeat, "warmup", b->warmup,
		      "timeout_ms", (json_int_t)b->timeout_ms, "parsers", parsers,
		      "images", json_strs(&b->images));
	if (b->is_pair) {
		json_object_set_new(o, "server", json_side(&b->server, &g->sk[3 * bi + 1], 1));
		json_object_set_new(o, "client", json_side(&b->client, &g->sk[3 * bi + 2], 0));
	} else {
		json_object_set_new(o, "main", json_side(&b->main, &g->sk[3 * bi], 0));
	}
	return o;
}

static json_t *
json_number_plain(double d)
{
	if (d == (double)(json_int_t)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *
json_hostconfig(const struct host *h)
{
	json_t *vols = json_array(), *ulim = json_array();
	size_t i;

	for (i = 0; i < h->nvolumes; i++)
		json_array_append_new(vols, json_pack("{s:s, s:s, s:b}", "source", h->volumes[i].source,
						      "target", h->volumes[i].target,
						      "readonly", h->volumes[i].readonly));
	for (i = 0; i < h->nulimits; i++)
		json_array_append_new(ulim, json_pack("{s:s, s:I, s:I}", "name", h->ulimits[i].name,
						      "soft", (json_int_t)h->ulimits[i].soft,
						      "hard", (json_int_t)h->ulimits[i].hard));
	return json_pack("{s:s, s:o, s:o, s:I, s:o, s:o, s:b, s:o, s:o}",
			 "network", h->network ? h->network : "bridge",
			 "cpuset", json_str_or_null(h->cpuset),
			 "cpus", json_number_plain(h->cpus),
			 "memory", (json_int_t)h->memory,
			 "runtime", json_str_or_null(h->runtime),
			 "volumes", vols,
			 "privileged", h->privileged,
			 "sysctls", json_kv(&h->sysctls),
			 "ulimits", ulim);
}

static const char *
apply_to_name(enum apply_to a)
{
	return a == APPLY_SERVER ? "server" : a == APPLY_CLIENT ? "client" : "both";
}

static json_t *
json_host(const struct gen *g, size_t hi)
{
	const struct host *h = &g->m->hosts[hi];
	int e = g->host_engine[hi];
	char *suffix = esuffix(g, e), *pool = xasprintf("engine_%d", e);
	json_t *o;

	o = json_pack("{s:i, s:s, s:b, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:s}", "schema", 1,
		      "name", h->name, "native", h->native, "engine", g->engines[e],
		      "engine_suffix", suffix, "pool", pool, "env", json_kv(&h->env),
		      "apply_to", apply_to_name(h->apply_to), "hostconfig", json_hostconfig(h),
		      "matrix", g->m->name, "dir", g->o->dir);
	free(suffix);
	free(pool);
	return o;
}

static json_t *
json_base(const struct base *b, const char *engine)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "schema", 1, "ref", b->ref,
			 "name", b->name, "tag", b->tag, "slug", b->slug, "pull", b->pull,
			 "engine", engine);
}

static json_t *
json_labels(const struct gen *g)
{
	return json_pack("{s:s, s:s, s:s}", "jockey", "1", "jockey.matrix", g->m->name,
			 "jockey.dir", g->o->dir);
}

/* The engine's tag for a built image: "jockey/CTX:REST-DIRHASH" where KEY is
 * CTX.REST and DIRHASH 8 hex of the results folder (each folder builds its
 * own image: two folders sharing a tag would leave the first one's image
 * untagged, for `docker image prune` to delete under its stamp). Docker wants
 * the repository part to start and end with [a-z0-9] and the tag part to be
 * at most 128 of [A-Za-z0-9_.-], not starting with '.' or '-': a slug can
 * break either (a context "bench/" slugs to "bench-", a digest tag makes a
 * long key), so trim the one and hash the other. */
static char *
docker_tag(const char *ctx_slug, const char *key, const char *dir)
{
	const char *c = ctx_slug, *rest = key + strlen(ctx_slug) + 1;
	uint64_t dh = hash_bytes(HASH_INIT, dir ? dir : "", dir ? strlen(dir) : 0);
	size_t n;
	char *repo, *tag;

	while (*c && !isalnum((unsigned char)*c))
		c++;
	n = strlen(c);
	while (n && !isalnum((unsigned char)c[n - 1]))
		n--;
	repo = n ? xstrndup(c, n) : xstrdup("context");
	if (strlen(rest) <= 128 - 9 && rest[0] != '.' && rest[0] != '-') {
		tag = xasprintf("jockey/%s:%s-%08llx", repo, rest, (unsigned long long)(dh & 0xffffffffULL));
	} else {
		uint64_t h = hash_bytes(dh, rest, strlen(rest));

		tag = xasprintf("jockey/%s:x%.110s-%016llx", repo, rest, (unsigned long long)h);
	}
	free(repo);
	return tag;
}

static const char *jstr(const json_t *o, const char *k);

/* conf/image/RECIPE.json: how the images of one context and one set of
 * build args are made, whatever their base. */
static json_t *
json_recipe(const struct gen *g, const struct key *k)
{
	return json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "schema", 1, "recipe", k->recipe,
			 "context", json_str_or_null(k->context), "ctx_slug", json_str_or_null(k->ctx_slug),
			 "build_args", json_kv(k->args), "labels", json_labels(g));
}

/* images/KEY.json from the recipe and the base (base/BASE_FILE.json), in
 * gen for small matrices and in the images edge for the others. */
static json_t *
key_compose(const char *key, const json_t *recipe, const json_t *base, const char *base_file)
{
	const char *ctx_slug = jstr(recipe, "ctx_slug");
	json_t *labels = json_deep_copy(json_object_get(recipe, "labels")), *o;
	char *tree = ctx_slug ? xasprintf("stamps/ctx/%s.tree", ctx_slug) : NULL;
	char *bstamp = xasprintf("stamps/base/%s.digest", base_file);
	char *tag = ctx_slug ? docker_tag(ctx_slug, key, jstr(json_object_get(recipe, "labels"), "jockey.dir")) :
			       NULL;

	if (!labels)
		labels = json_object();
	json_object_set_new(labels, "jockey.key", json_string(key));
	o = json_pack("{s:i, s:s, s:O, s:o, s:s, s:s, s:s, s:O, s:o, s:o, s:s}", "schema", 1,
		      "key", key, "context", json_object_get(recipe, "context"),
		      "tree_stamp", json_str_or_null(tree), "repo_json", "repo.json",
		      "base", jstr(base, "ref"), "base_stamp", bstamp,
		      "build_args", json_object_get(recipe, "build_args"),
		      "tag", json_str_or_null(tag), "labels", labels, "engine", jstr(base, "engine"));
	free(tree);
	free(bstamp);
	free(tag);
	return o;
}

/* ---- a cell's files, composed from its three axis files ---- */

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static char *
side_key(const json_t *side, const json_t *base, const json_t *host)
{
	const char *bslug = jstr(side, "base_slug");

	if (!jstr(side, "context_slug"))
		bslug = NULL;
	return key_make(jstr(side, "context_slug"), bslug ? bslug : jstr(base, "slug"),
			jstr(side, "args_hash"), jstr(host, "engine_suffix"));
}

/* The image id in stamp (under dir, or the current folder when NULL), or
 * null when it has not been built yet. */
static json_t *
stamp_id(const char *dir, const char *stamp)
{
	char *path = dir ? xasprintf("%s/%s", dir, stamp) : xstrdup(stamp), *id = stamp_read(path);
	json_t *o = id ? json_string(id) : json_null();

	free(id);
	free(path);
	return o;
}

/* A side of run.json: its image stamp, command and env (host env on top
 * where the host's settings apply), and the image id its stamp had when it was
 * written: the cells edge depends on the stamps, so a rebuilt image
 * rewrites run.json and reruns the cell, while the run edge itself names
 * only run.json (one path fewer per repetition for ninja to read). */
static json_t *
run_side(const json_t *side, const json_t *base, const json_t *host, int host_env, json_t *keys,
	 const char *dir)
{
	char *key = side_key(side, base, host), *stamp = xasprintf("stamps/img/%s.id", key);
	json_t *env = json_deep_copy(json_object_get(side, "env"));
	json_t *o, *ready = json_object_get(side, "ready");
	size_t i;
	int seen = 0;

	if (host_env)
		json_object_update(env, json_object_get(host, "env"));
	o = json_pack("{s:s, s:o, s:O, s:o}", "image_stamp", stamp, "image_id", stamp_id(dir, stamp),
		      "command", json_object_get(side, "command"), "env", env);
	if (ready)
		json_object_set(o, "ready", ready);
	for (i = 0; i < json_array_size(keys); i++)
		seen |= strcmp(json_string_value(json_array_get(keys, i)), key) == 0;
	if (!seen)
		json_array_append_new(keys, json_string(key));
	free(key);
	free(stamp);
	return o;
}

static json_t *
copy_without(const json_t *o, const char *const *drop)
{
	json_t *c = json_copy((json_t *)o);

	for (; *drop; drop++)
		json_object_del(c, *drop);
	return c;
}

static int
dump_to_buf(const char *s, size_t n, void *b)
{
	buf_add(b, s, n);
	return 0;
}

/* The file path (stolen) holding o (stolen) dumped. */
static struct out
out_render_sized(char *path, json_t *o, size_t flags, size_t guess)
{
	struct buf b = BUF_INIT;
	struct out r = { path, NULL, 0 };

	/* Straight into one buffer: json_dumps would build and then copy it. */
	buf_grow(&b, guess);
	json_dump_callback(o, dump_to_buf, &b, flags);
	buf_putc(&b, '\n');
	r.data = buf_detach(&b, &r.len);
	json_decref(o);
	return r;
}

static struct out
out_render(char *path, json_t *o, size_t flags)
{
	return out_render_sized(path, o, flags, 0);
}

static void
out_push(struct out **outs, size_t *n, struct out o)
{
	*outs = xreallocarray(*outs, *n + 1, sizeof(**outs));
	(*outs)[(*n)++] = o;
}

static void
add_out_flags(struct out **outs, size_t *n, char *path, json_t *o, size_t flags)
{
	out_push(outs, n, out_render(path, o, flags));
}

static void
add_out(struct out **outs, size_t *n, char *path, json_t *o)
{
	add_out_flags(outs, n, path, o, JSON_FLAGS);
}

/* Render cells/ID/{cell,run}.json from the axis objects. */
static void
cell_compose(const char *id, const json_t *base, const json_t *bench, const json_t *host,
	     const char *dir, struct out **outs, size_t *nouts)
{
	static const char *const bench_drop[] = { "schema", NULL };
	static const char *const host_drop[] = { "schema", "matrix", "dir", NULL };
	const char *apply = jstr(host, "apply_to");
	json_t *keys = json_array(), *run, *labels, *cell;
	int pair = json_is_true(json_object_get(bench, "pair"));

	labels = json_pack("{s:s, s:s, s:s, s:s}", "jockey", "1", "jockey.matrix", jstr(host, "matrix"),
			   "jockey.cell", id, "jockey.dir", jstr(host, "dir"));
	run = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O, s:o}",
			"schema", 1, "cell", id, "matrix", jstr(host, "matrix"),
			"engine", jstr(host, "engine"), "image", jstr(base, "ref"),
			"benchmark", jstr(bench, "name"), "host", jstr(host, "name"),
			"native", json_object_get(host, "native"),
			"timeout_ms", json_object_get(bench, "timeout_ms"),
			"repeat", json_object_get(bench, "repeat"),
			"warmup", json_object_get(bench, "warmup"),
			"hostconfig", json_object_get(host, "hostconfig"), "labels", labels);
	if (pair) {
		json_object_set_new(run, "server", run_side(json_object_get(bench, "server"), base, host,
							    strcmp(apply, "client") != 0, keys, dir));
		json_object_set_new(run, "client", run_side(json_object_get(bench, "client"), base, host,
							    strcmp(apply, "server") != 0, keys, dir));
		json_object_set_new(run, "apply_to", json_string(apply));
	} else {
		json_object_set_new(run, "main", run_side(json_object_get(bench, "main"), base, host, 1, keys, dir));
	}
	cell = json_pack("{s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s}, s:o, s:o, s:o}",
			 "schema", 1, "cell", id, "matrix", jstr(host, "matrix"),
			 "image", "name", jstr(base, "name"), "tag", jstr(base, "tag"),
			 "ref", jstr(base, "ref"), "slug", jstr(base, "slug"),
			 "benchmark", copy_without(bench, bench_drop),
			 "host", copy_without(host, host_drop), "image_keys", keys);
	add_out(outs, nouts, xasprintf("cells/%s/cell.json", id), cell);
	add_out(outs, nouts, xasprintf("cells/%s/run.json", id), run);
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

/* Write data to path unless it holds it already: 1 if written, 0 if
 * unchanged, -1 on error. */
static int
write_if_changed(const char *path, const char *data, size_t len, struct buf *lastdir)
{
	int same = same_content(path, data, len);

	if (same == 1)
		return 0;
	if (same < 0 && lastdir)
		return write_new(path, data, len, lastdir) < 0 ? -1 : 1;
	return write_file_atomic(path, data, len) < 0 ? -1 : 1;
}

static int
outs_write(const char *dir, struct out *outs, size_t n, size_t *written)
{
	struct buf lastdir = BUF_INIT;
	size_t i;
	int ret = 0, r;
	char *p;

	for (i = 0; i < n; i++) {
		p = dir ? xasprintf("%s/%s", dir, outs[i].path) : xstrdup(outs[i].path);
		r = write_if_changed(p, outs[i].data, outs[i].len, &lastdir);
		free(p);
		if (r < 0)
			ret = -1;
		else if (written)
			*written += (size_t)r;
	}
	buf_release(&lastdir);
	return ret;
}

static void
outs_free(struct out *outs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(outs[i].path);
		free(outs[i].data);
	}
	free(outs);
}

static int
slug_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(s) &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static json_t *
load_json(const char *path)
{
	json_error_t e;
	json_t *o = json_load_file(path, 0, &e);

	if (!o)
		error("%s:%d:%d: %s", path, e.line, e.column, e.text);
	return o;
}

/* "cells/ID/NAME" -> fresh ID, or NULL. */
static char *
cell_id_of(const char *path, const char *name)
{
	size_t n = strlen(path), nl = strlen(name);
	char *id;

	if (strncmp(path, "cells/", 6) != 0 || n < 6 + 2 + nl || path[n - nl - 1] != '/' ||
	    strcmp(path + n - nl, name) != 0)
		return NULL;
	id = xstrndup(path + 6, n - nl - 1 - 6);
	if (!slug_ok(id)) {
		free(id);
		return NULL;
	}
	return id;
}

/* 1 when the object loaded from path is the axis file named by key. */
static int
axis_ok(const json_t *o, const char *key, const char *path, const char *id)
{
	if (jstr(o, key))
		return 1;
	error("cell '%s': '%s' is not one of jockey's axis files", id, path);
	return 0;
}

int
gen_cells(const char *base_json, const char *bench_json, const char *const *hosts,
	  const char *const *runs, size_t n)
{
	json_t *base = NULL, *bench = NULL, *host;
	struct out *outs = NULL;
	size_t nouts = 0, i;
	char *id = NULL;
	int ret = -1;

	for (i = 0; i < n; i++) {
		free(id);
		if (!(id = cell_id_of(runs[i], "run.json"))) {
			error("'%s' is not cells/ID/run.json", runs[i]);
			goto out;
		}
		if (!base && (!(base = load_json(base_json)) || !(bench = load_json(bench_json)) ||
			      !axis_ok(base, "slug", base_json, id) || !axis_ok(bench, "name", bench_json, id)))
			goto out;
		if (!(host = load_json(hosts[i])))
			goto out;
		if (axis_ok(host, "matrix", hosts[i], id))
			cell_compose(id, base, bench, host, NULL, &outs, &nouts);
		json_decref(host);
		if (nouts < 2 * (i + 1))
			goto out;
	}
	ret = outs_write(NULL, outs, nouts, NULL);
out:
	free(id);
	outs_free(outs, nouts);
	json_decref(base);
	json_decref(bench);
	return ret;
}

/* "DIR/NAME.EXT" (DIR and EXT given) -> fresh NAME if it is a slug, or NULL. */
static char *
name_of(const char *path, const char *dir, const char *ext)
{
	size_t n = strlen(path), nd = strlen(dir), ne = strlen(ext);
	char *name;

	if (n <= nd + ne || strncmp(path, dir, nd) != 0 || strcmp(path + n - ne, ext) != 0)
		return NULL;
	name = xstrndup(path + nd, n - nd - ne);
	if (!slug_ok(name)) {
		free(name);
		return NULL;
	}
	return name;
}

int
gen_images(const char *recipe_json, const char *const *bases, const char *const *outs, size_t n)
{
	json_t *recipe = load_json(recipe_json), *base;
	struct out *o = NULL;
	size_t no = 0, i;
	int ret = -1;

	if (!recipe)
		return -1;
	if (json_integer_value(json_object_get(recipe, "schema")) != 1 ||
	    !json_object_get(recipe, "context") || !json_is_object(json_object_get(recipe, "build_args"))) {
		error("'%s' is not one of jockey's image recipes", recipe_json);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *key = name_of(outs[i], "images/", ".json"), *file = name_of(bases[i], "base/", ".json");

		if (!key || !file) {
			error("'%s' from '%s' is not images/KEY.json from base/IMG.json", outs[i], bases[i]);
			free(key);
			free(file);
			goto out;
		}
		base = load_json(bases[i]);
		if (base && (!jstr(base, "ref") || !jstr(base, "engine")))
			error("'%s' is not one of jockey's base files", bases[i]);
		else if (base)
			add_out(&o, &no, xstrdup(outs[i]), key_compose(key, recipe, base, file));
		json_decref(base);
		free(key);
		free(file);
		if (no < i + 1)
			goto out;
	}
	ret = outs_write(NULL, o, no, NULL);
out:
	outs_free(o, no);
	json_decref(recipe);
	return ret;
}

/* ---- gathering what the cells need ---- */

static void
engines_find(struct gen *g)
{
	const char *def = g->o->engine;
	size_t i, j;

	g->host_engine = xcalloc(g->m->nhosts ? g->m->nhosts : 1, sizeof(int));
	g->engines = xcalloc(g->m->nhosts + 1, sizeof(char *));
	for (i = 0; i < g->m->nhosts; i++) {
		const char *e = g->m->hosts[i].engine ? g->m->hosts[i].engine : def;

		for (j = 0; j < g->nengines && strcmp(g->engines[j], e) != 0; j++)
			;
		if (j == g->nengines)
			g->engines[g->nengines++] = e;
		g->host_engine[i] = (int)j;
	}
	if (g->nengines == 0)
		g->engines[g->nengines++] = def;
}

/* Side i of g->sk: benchmark i / 3, side i % 3 (main, server, client). */
static const struct side *
bench_side(const struct gen *g, size_t i)
{
	const struct benchmark *b = &g->m->benchmarks[i / 3];

	return i % 3 == 0 ? &b->main : i % 3 == 1 ? &b->server : &b->client;
}

/* Two context folders with one slug would share stamps and image keys. */
static void
contexts_check(struct gen *g)
{
	size_t n = 3 * g->m->nbenchmarks, i, j;

	for (i = 0; i < n; i++) {
		const struct side *a = bench_side(g, i);

		if (!g->sk[i].ctx_slug)
			continue;
		for (j = 0; j < i; j++) {
			const struct side *b = bench_side(g, j);

			if (!g->sk[j].ctx_slug || strcmp(g->sk[i].ctx_slug, g->sk[j].ctx_slug) != 0 ||
			    strcmp(a->context, b->context) == 0)
				continue;
			error("%s:%d:%d: context '%s' has the same slug '%s' as context '%s' (line %d); "
			      "rename one", g->m->path, a->mark.line, a->mark.col, a->context,
			      g->sk[i].ctx_slug, b->context, b->mark.line);
			g->bad = 1;
			break;
		}
	}
}

static void
sidekeys_make(struct gen *g)
{
	size_t b, s;

	g->sk = xcalloc(3 * (g->m->nbenchmarks ? g->m->nbenchmarks : 1), sizeof(*g->sk));
	for (b = 0; b < g->m->nbenchmarks; b++) {
		const struct benchmark *bm = &g->m->benchmarks[b];
		const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };

		for (s = 0; s < 3; s++) {
			struct sidekey *k = &g->sk[3 * b + s];

			if (sides[s]->context)
				k->ctx_slug = gen_slug(sides[s]->context);
			if (sides[s]->context && sides[s]->base) {
				char *n, *t;

				ref_split(sides[s]->base, &n, &t);
				k->base_slug = img_slug(n, t);
				free(n);
				free(t);
			}
			k->hash = sides[s]->context ? args_hash(&sides[s]->build_args) : NULL;
		}
	}
	contexts_check(g);
}

static const char *
pull_of_ref(const struct matrix *m, const char *name, const char *tag)
{
	size_t i;

	/* The pull policy belongs to the image, whatever the tag (an include
	 * may add tags the image does not list). */
	(void)tag;
	for (i = 0; i < m->nimages; i++)
		if (strcmp(m->images[i].name, name) == 0)
			return pull_name(m->images[i].pull);
	return "missing";
}

static struct base *
base_add(struct gen *g, const char *name, const char *tag, const char *pull, int engine,
	 struct mark mark)
{
	struct base *b;
	char *suffix = esuffix(g, engine);

	g->bases = xreallocarray(g->bases, g->nbases + 1, sizeof(*g->bases));
	b = &g->bases[g->nbases++];
	b->slug = img_slug(name, tag);
	b->file = xasprintf("%s%s", b->slug, suffix);
	b->ref = image_ref(name, tag);
	b->name = xstrdup(name);
	b->tag = xstrdup(tag);
	b->pull = pull;
	b->engine = engine;
	b->mark = mark;
	free(suffix);
	return b;
}

static void
key_add(struct gen *g, const struct side *s, const struct sidekey *sk, const struct base *b)
{
	struct key *k;
	char *suffix = esuffix(g, b->engine);

	g->keys = xreallocarray(g->keys, g->nkeys + 1, sizeof(*g->keys));
	k = &g->keys[g->nkeys++];
	k->key = key_make(sk->ctx_slug, b->slug, sk->hash, suffix);
	k->recipe = xasprintf("%s%s%s", sk->ctx_slug ? sk->ctx_slug : "asis", sk->hash ? ".h" : "",
			      sk->hash ? sk->hash : "");
	k->context = s->context;
	k->ctx_slug = sk->ctx_slug;
	k->args = &s->build_args;
	k->base_file = xstrdup(b->file);
	k->base_ref = xstrdup(b->ref);
	k->engine = b->engine;
	k->mark = s->mark;
	free(suffix);
}

/* Record the bases and image keys of every side of a benchmark on an image. */
static void
sides_gather(struct gen *g, size_t bi, size_t under_test)
{
	const struct benchmark *bm = &g->m->benchmarks[bi];
	const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };
	size_t s;

	for (s = bm->is_pair ? 1 : 0; s < (bm->is_pair ? 3u : 1u); s++) {
		const struct sidekey *sk = &g->sk[3 * bi + s];
		const struct base *b;

		/* base_add moves g->bases: look the image under test up after it. */
		if (sides[s]->context && sides[s]->base) {
			char *n, *t;

			ref_split(sides[s]->base, &n, &t);
			b = base_add(g, n, t, pull_of_ref(g->m, n, t), g->bases[under_test].engine,
				     sides[s]->mark);
			free(n);
			free(t);
		} else {
			b = &g->bases[under_test];
		}
		key_add(g, sides[s], sk, b);
	}
}

static int
base_cmp(const void *a, const void *b)
{
	return strcmp(((const struct base *)a)->file, ((const struct base *)b)->file);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->key, ((const struct key *)b)->key);
}

/* Sort and merge duplicates; two different things under one name make the
 * matrix unwritable (their files would overwrite each other). */
static void
bases_unique(struct gen *g)
{
	size_t i, n = 0;

	if (g->nbases)
		qsort(g->bases, g->nbases, sizeof(*g->bases), base_cmp);
	for (i = 0; i < g->nbases; i++) {
		if (n && strcmp(g->bases[n - 1].file, g->bases[i].file) == 0) {
			if (strcmp(g->bases[n - 1].ref, g->bases[i].ref) != 0) {
				error("%s:%d:%d: image '%s' has the same slug '%s' as '%s' (line %d); rename one",
				      g->m->path, g->bases[i].mark.line, g->bases[i].mark.col, g->bases[i].ref,
				      g->bases[i].slug, g->bases[n - 1].ref, g->bases[n - 1].mark.line);
				g->bad = 1;
			}
			free(g->bases[i].file);
			free(g->bases[i].slug);
			free(g->bases[i].ref);
			free(g->bases[i].name);
			free(g->bases[i].tag);
			continue;
		}
		g->bases[n++] = g->bases[i];
	}
	g->nbases = n;
}

/* Sort and merge duplicates (contexts_check made sure one key is one image). */
static void
keys_unique(struct gen *g)
{
	size_t i, n = 0;

	if (g->nkeys)
		qsort(g->keys, g->nkeys, sizeof(*g->keys), key_cmp);
	for (i = 0; i < g->nkeys; i++) {
		if (n && strcmp(g->keys[n - 1].key, g->keys[i].key) == 0) {
			free(g->keys[i].key);
			free(g->keys[i].recipe);
			free(g->keys[i].base_file);
			free(g->keys[i].base_ref);
			continue;
		}
		g->keys[n++] = g->keys[i];
	}
	g->nkeys = n;
}

/* Per cell: the base file of its image under test. Also gathers every base
 * and image key. Bases and keys are recorded per (image:tag, benchmark,
 * engine), not per cell: cells that differ only in host share them. */
static char **
cells_gather(struct gen *g)
{
	char **cbase = xcalloc(g->ncells ? g->ncells : 1, sizeof(char *));
	const struct cell *prev = NULL;
	size_t i, b = 0;
	int prev_e = -1;

	/* Cells come sorted by id, so cells sharing an image:tag (and a
	 * benchmark) are neighbours: only a change adds bases and keys. */
	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		size_t bi = (size_t)(c->bench - g->m->benchmarks);
		int e = g->host_engine[c->host - g->m->hosts];
		int same_image = prev && prev->image == c->image && prev_e == e &&
				 strcmp(prev->tag, c->tag) == 0;

		if (!same_image)
			b = (size_t)(base_add(g, c->image->name, c->tag, pull_name(c->image->pull), e,
					     c->image->mark) - g->bases);
		cbase[i] = xstrdup(g->bases[b].file);
		if (!same_image || prev->bench != c->bench)
			sides_gather(g, bi, b);
		prev = c;
		prev_e = e;
	}
	keys_unique(g);
	bases_unique(g);
	return cbase;
}

/* ---- build.ninja ---- */

static const char *const rule_gen[] = {
	"command", "$jockey gen -o $dir $matrix", "description", "GEN build.ninja",
	"generator", "1", "restat", "1", NULL };
/* A shard regenerates itself as the same shard. */
static const char *const rule_gen_shard[] = {
	"command", "$jockey gen $shard -o $dir $matrix", "description", "GEN build.ninja",
	"generator", "1", "restat", "1", NULL };
static const char *const rule_fetch[] = {
	"command", "$jockey fetch $in", "description", "FETCH", "restat", "1", NULL };
static const char *const rule_probe[] = {
	"command", "$jockey probe $in $out", "description", "PROBE $out", "restat", "1", NULL };
static const char *const rule_image[] = {
	"command", "$jockey build-image $in $out", "description", "IMAGE $out", "restat", "1", NULL };
/* One edge writes images/KEY.json of the keys of one recipe: $in is the
 * recipe, then each key's base. */
static const char *const rule_images[] = {
	"command", "$jockey gen --images $in -- $out", "description", "IMAGES $in", "restat", "1", NULL };
/* One edge writes the cell files of an image:tag and a benchmark, for each
 * host: $in is the base's and the benchmark's files, then the hosts'. */
static const char *const rule_cells[] = {
	"command", "$jockey gen --cells $in -- $out", "description", "CELLS $in", "restat", "1", NULL };

/* With one engine its pool goes on the rules, not on 100,000 edges. */
static const char one_pool[] = "  pool = engine_0\n";
static const char *const rule_aggregate[] = {
	"command", "$jockey aggregate .", "description", "AGGREGATE", NULL };

static int
quoted_var(struct buf *b, const char *name, const char *value)
{
	struct buf q = BUF_INIT;
	int r;

	shell_quote(&q, value);
	r = ninja_var(b, 0, name, q.data);
	buf_release(&q);
	return r;
}

static int
edge(struct buf *b, const char *rule, const char *const *outs, size_t nouts,
     const char *const *ins, size_t nins, const char *const *imp, size_t nimp,
     const char *const *vars, size_t nvars)
{
	struct ninja_edge e = { rule, outs, nouts, ins, nins, imp, nimp, vars, nvars };

	return ninja_build(b, &e);
}

/* The most repetitions (warmups included) of any cell. */
static int
reps_max(const struct gen *g)
{
	size_t i;
	int n = 1;

	for (i = 0; i < g->m->nbenchmarks; i++)
		if (g->m->benchmarks[i].warmup + g->m->benchmarks[i].repeat > n)
			n = g->m->benchmarks[i].warmup + g->m->benchmarks[i].repeat;
	return n;
}

static int
ninja_head(struct gen *g, struct buf *b)
{
	const char *gin[] = { g->o->matrix };
	const char *gimp[2] = { g->o->jockey };
	const char *gout[] = { "build.ninja", "cells.ninja" };
	const char *always[] = { "always" };
	size_t i;
	int r = 0;

	buf_puts(b, "# generated by jockey gen; do not edit: edit the matrix instead\n");
	buf_puts(b, "ninja_required_version = 1.7\n");
	r |= quoted_var(b, "jockey", g->o->jockey);
	r |= quoted_var(b, "edge", g->o->edge ? g->o->edge : g->o->jockey);
	r |= quoted_var(b, "matrix", g->o->matrix);
	r |= quoted_var(b, "dir", g->o->dir);
	if (g->o->shard_count > 0) {
		struct buf v = BUF_INIT;

		buf_printf(&v, "--shard %d/%d", g->o->shard_index, g->o->shard_count);
		if (g->o->durations) {
			buf_puts(&v, " --durations ");
			shell_quote(&v, g->o->durations);
		}
		r |= ninja_var(b, 0, "shard", v.data);
		buf_release(&v);
	}
	for (i = 0; i < g->nengines; i++) {
		char *name = xasprintf("engine_%zu", i);

		buf_printf(b, "# %s: ", name);
		r |= ninja_escape_value(b, g->engines[i]);
		buf_putc(b, '\n');
		ninja_pool(b, name, g->m->parallel > 0 ? g->m->parallel : 1);
		free(name);
	}
	ninja_rule(b, "gen", g->o->shard_count > 0 ? rule_gen_shard : rule_gen);
	ninja_rule(b, "fetch", rule_fetch);
	ninja_rule(b, "probe", rule_probe);
	ninja_rule(b, "images", rule_images);
	ninja_rule(b, "image", rule_image);
	if (g->nengines == 1)
		buf_puts(b, one_pool);
	/* Cell edges share the engine's pool too: with 100,000 cells they would
	 * otherwise run beside the measurements. */
	ninja_rule(b, "cells", rule_cells);
	if (g->nengines == 1)
		buf_puts(b, one_pool);
	/* A run rule per repetition number rather than a "rep" variable on each
	 * edge: ninja makes a scope for every edge that has one, and with
	 * 100,000 cells that is a third of its load time. */
	for (i = 1; i <= (size_t)reps_max(g); i++) {
		buf_printf(b, "rule run%zu\n  command = $edge run-cell $in %zu\n"
			   "  description = RUN $in %zu\n", i, i, i);
		if (g->nengines == 1)
			buf_puts(b, one_pool);
	}
	/* A parse rule per benchmark names its parsers file and their hash:
	 * a new parser changes the command, and ninja reruns every edge whose
	 * command changed, so the edges need not read the file as an input
	 * (one path fewer per repetition). */
	for (i = 0; i < g->m->nbenchmarks; i++)
		buf_printf(b, "rule parse.%s\n  command = $edge parse $in conf/parse/%s.json # parsers %s\n"
			   "  description = PARSE $out\n", g->m->benchmarks[i].name,
			   g->m->benchmarks[i].name, g->parse_hash[i]);
	ninja_rule(b, "aggregate", rule_aggregate);
	buf_putc(b, '\n');
	if (g->o->durations)
		gimp[1] = g->o->durations;
	r |= edge(b, "gen", gout, 2, gin, 1, gimp, g->o->durations ? 2 : 1, NULL, 0);
	r |= edge(b, "phony", always, 1, NULL, 0, NULL, 0, NULL, 0);
	return r ? -1 : 0;
}

static int
ctx_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct context slugs (sorted) of the image keys, for fetch and repo.json. */
static size_t
contexts_list(const struct gen *g, const struct key ***out)
{
	const struct key **v = xcalloc(g->nkeys + 1, sizeof(*v));
	const char **slugs = xcalloc(g->nkeys + 1, sizeof(*slugs));
	size_t i, j, n = 0, ns = 0;

	for (i = 0; i < g->nkeys; i++)
		if (g->keys[i].ctx_slug)
			slugs[ns++] = g->keys[i].ctx_slug;
	if (ns)
		qsort(slugs, ns, sizeof(*slugs), ctx_cmp);
	for (i = 0; i < ns; i++) {
		if (i && strcmp(slugs[i - 1], slugs[i]) == 0)
			continue;
		for (j = 0; strcmp(g->keys[j].ctx_slug ? g->keys[j].ctx_slug : "", slugs[i]) != 0; j++)
			;
		v[n++] = &g->keys[j];
	}
	free(slugs);
	*out = v;
	return n;
}

static int
recipe_cmp(const void *a, const void *b)
{
	const struct key *x = *(const struct key *const *)a, *y = *(const struct key *const *)b;
	int c = strcmp(x->recipe, y->recipe);

	return c ? c : strcmp(x->key, y->key);
}

/* The image keys sorted by recipe (then key) in *out; the number of keys. */
static size_t
keys_by_recipe(const struct gen *g, const struct key ***out)
{
	const struct key **v = xcalloc(g->nkeys + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < g->nkeys; i++)
		v[i] = &g->keys[i];
	if (g->nkeys)
		qsort(v, g->nkeys, sizeof(*v), recipe_cmp);
	*out = v;
	return g->nkeys;
}

static int
ninja_fetch(struct buf *b, const struct key **ctx, size_t nctx)
{
	const char **outs = xcalloc(nctx + 1, sizeof(*outs));
	const char *repo[] = { "repo.json" }, *always[] = { "always" };
	size_t i;
	int r;

	outs[0] = "stamps/repo.commit";
	for (i = 0; i < nctx; i++)
		outs[i + 1] = xasprintf("stamps/ctx/%s.tree", ctx[i]->ctx_slug);
	r = edge(b, "fetch", outs, nctx + 1, repo, 1, always, 1, NULL, 0);
	for (i = 0; i < nctx; i++)
		free((char *)outs[i + 1]);
	free(outs);
	return r;
}

static int
ninja_probe(struct buf *b, const struct base *base)
{
	char *json = xasprintf("base/%s.json", base->file);
	char *stamp = xasprintf("stamps/base/%s.digest", base->file);
	const char *in[] = { json }, *out[] = { stamp }, *always[] = { "always" };
	int r = edge(b, "probe", out, 1, in, 1, always, 1, NULL, 0);

	free(json);
	free(stamp);
	return r;
}

static int
ninja_image(struct buf *b, const struct key *k, size_t nengines)
{
	char *json = xasprintf("images/%s.json", k->key);
	char *stamp = xasprintf("stamps/img/%s.id", k->key);
	char *bstamp = xasprintf("stamps/base/%s.digest", k->base_file);
	char *tree = k->ctx_slug ? xasprintf("stamps/ctx/%s.tree", k->ctx_slug) : NULL;
	char *pool = xasprintf("engine_%d", k->engine);
	const char *in[] = { json }, *out[] = { stamp }, *imp[2], *vars[] = { "pool", pool };
	size_t n = 0;
	int r;

	if (tree)
		imp[n++] = tree;
	imp[n++] = bstamp;
	r = edge(b, "image", out, 1, in, 1, imp, n, vars, nengines > 1);
	free(json);
	free(stamp);
	free(bstamp);
	free(tree);
	free(pool);
	return r;
}

/* One images edge per recipe writes images/KEY.json of each of its keys
 * from the recipe and the key's base: gen itself writes only the recipes
 * (a handful) rather than a file per image (thousands, in a big matrix). */
static int
ninja_recipes(struct gen *g, struct buf *b)
{
	const struct key **v;
	size_t n = keys_by_recipe(g, &v), i, j, k;
	struct buf p = BUF_INIT;
	int r = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(v[j]->recipe, v[i]->recipe) == 0; j++)
			;
		buf_puts(b, "build");
		for (k = i; k < j; k++) {
			buf_reset(&p);
			buf_printf(&p, "images/%s.json", v[k]->key);
			buf_putc(b, ' ');
			r |= ninja_escape_path(b, p.data) < 0;
		}
		buf_reset(&p);
		buf_printf(&p, "conf/image/%s.json", v[i]->recipe);
		buf_puts(b, ": images ");
		r |= ninja_escape_path(b, p.data) < 0;
		for (k = i; k < j; k++) {
			buf_reset(&p);
			buf_printf(&p, "base/%s.json", v[k]->base_file);
			buf_putc(b, ' ');
			r |= ninja_escape_path(b, p.data) < 0;
		}
		buf_puts(b, " | ");
		r |= ninja_escape_path(b, g->o->jockey) < 0;
		buf_putc(b, '\n');
	}
	buf_release(&p);
	free(v);
	if (r)
		error("cannot write the images edges to build.ninja: ninja paths cannot hold '|' or a newline");
	return r ? -1 : 0;
}

static int
ninja_images(struct gen *g, struct buf *b, const struct key **ctx, size_t nctx)
{
	size_t i;
	int r = 0;

	if (nctx)
		r |= ninja_fetch(b, ctx, nctx);
	for (i = 0; i < g->nbases; i++)
		r |= ninja_probe(b, &g->bases[i]);
	r |= ninja_recipes(g, b);
	for (i = 0; i < g->nkeys; i++)
		r |= ninja_image(b, &g->keys[i], g->nengines);
	return r ? -1 : 0;
}

/* A phony group (image:NAME, benchmark:NAME, ...): the cells' phony names. */
struct group {
	char *name;
	struct buf cells;  /* " cell$:ID" each, already escaped */
};

static int
group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name, ((const struct group *)b)->name);
}

static struct group *
group_get(struct group **v, size_t *n, const char *name)
{
	size_t i;

	/* Few groups (images, benchmarks, hosts) and cells come sorted by
	 * image: the last one added is the usual hit. */
	for (i = *n; i > 0; i--)
		if (strcmp((*v)[i - 1].name, name) == 0)
			return &(*v)[i - 1];
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = xstrdup(name);
	buf_init(&(*v)[*n].cells);
	return &(*v)[(*n)++];
}

static int
groups_write(struct buf *b, struct group *v, size_t n)
{
	size_t i, mark;
	int r = 0;

	if (n)
		qsort(v, n, sizeof(*v), group_cmp);
	for (i = 0; i < n; i++) {
		mark = b->len;
		buf_puts(b, "build ");
		if (ninja_escape_path(b, v[i].name) < 0) {
			b->len = mark;
			b->data[mark] = '\0';
			r = error("cannot write target '%s' to build.ninja: "
				  "ninja paths cannot hold '|' or a newline", v[i].name);
		} else {
			buf_puts(b, ": phony");
			buf_add(b, v[i].cells.data, v[i].cells.len);
			buf_putc(b, '\n');
		}
		free(v[i].name);
		buf_release(&v[i].cells);
	}
	free(v);
	return r;
}

/* Paths of one cell, rebuilt in place for each cell and repetition. */
struct cellpaths {
	struct buf run, log, samples;
	struct buf keys[2];
};

/* "cells/ID/REP/" + name */
static void
reppath(struct buf *b, const struct cell *c, const char *rep, const char *name)
{
	buf_reset(b);
	buf_puts(b, "cells/");
	buf_puts(b, c->id);
	buf_putc(b, '/');
	buf_puts(b, rep);
	buf_putc(b, '/');
	buf_puts(b, name);
}

/* The image stamps a cell's run needs (one per distinct side image). */
static size_t
cell_keys(const struct gen *g, const struct cell *c, const char *img, struct cellpaths *p)
{
	const struct benchmark *bm = c->bench;
	const struct side *sides[3] = { &bm->main, &bm->server, &bm->client };
	size_t bi = (size_t)(bm - g->m->benchmarks), s, n = 0;
	char *suffix = esuffix(g, g->host_engine[c->host - g->m->hosts]);

	for (s = bm->is_pair ? 1 : 0; s < (bm->is_pair ? 3u : 1u); s++) {
		const struct sidekey *sk = &g->sk[3 * bi + s];
		char *key = key_make(sk->ctx_slug, sides[s]->context && sk->base_slug ? sk->base_slug : img,
				     sk->hash, suffix);

		buf_reset(&p->keys[n]);
		buf_printf(&p->keys[n], "stamps/img/%s.id", key);
		free(key);
		if (n == 0 || strcmp(p->keys[0].data, p->keys[1].data) != 0)
			n++;
	}
	free(suffix);
	return n;
}

/* Samples are gathered under phony chunks: ninja checks every input of an
 * edge each time one of them finishes, so one aggregate edge with 100,000
 * inputs would make a run quadratic. */
enum { SAMPLES_CHUNK = 256 };

/* A set of strings: the names of the cell groups written so far. */
struct strset {
	char **v;
	size_t cap, n;
};

/* Where k is, or the free slot where it would go (linear probing). */
static size_t
strset_slot(const struct strset *s, const char *k)
{
	size_t i = hash_bytes(HASH_INIT, k, strlen(k)) & (s->cap - 1);

	while (s->v[i] && strcmp(s->v[i], k) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* 1 if k was added, 0 if it was there already. */
static int
strset_add(struct strset *s, const char *k)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct strset t = { xcalloc(s->cap ? 2 * s->cap : 64, sizeof(char *)), s->cap ? 2 * s->cap : 64, 0 };

		for (i = 0; i < s->cap; i++)
			if (s->v[i])
				t.v[strset_slot(&t, s->v[i])] = s->v[i];
		t.n = s->n;
		free(s->v);
		*s = t;
	}
	i = strset_slot(s, k);
	if (s->v[i])
		return 0;
	s->v[i] = xstrdup(k);
	s->n++;
	return 1;
}

static void
strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
}

/* The state of writing the cells' edges, with what neighbouring cells share. */
struct cellwriter {
	struct gen *g;
	struct buf *b;              /* build.ninja */
	struct buf *cb;             /* cells.ninja: the cell:ID targets of a big matrix */
	struct buf *top;            /* the aggregate's inputs: " samples$:N" each */
	char **cbase;               /* per cell: its base file's name */
	struct cellpaths p;
	struct buf phony;           /* this cell's samples, escaped */
	struct buf members;         /* this group's cells, escaped: " cell$:ID" each */
	struct buf chunk;           /* the current samples chunk, escaped */
	size_t nchunk, nchunks;
	struct buf path, name;      /* scratch */
	char **pools;               /* per engine: "engine_N" */
	struct group *groups[4];    /* image:NAME, image:NAME:TAG, benchmark:, host: */
	size_t ngroups[4];
	struct strset seen;         /* group names */
	int bad;                    /* a path ninja cannot hold */
};

static void
samples_flush(struct cellwriter *w)
{
	if (!w->nchunk)
		return;
	buf_printf(w->b, "build samples$:%zu: phony", w->nchunks);
	buf_add(w->b, w->chunk.data, w->chunk.len);
	buf_putc(w->b, '\n');
	buf_printf(w->top, " samples$:%zu", w->nchunks);
	w->nchunks++;
	w->nchunk = 0;
	buf_reset(&w->chunk);
}

/* " " and a + mid + z escaped for ninja, on b. */
static void
put_path(struct cellwriter *w, struct buf *b, const char *a, const char *mid, const char *z)
{
	buf_reset(&w->path);
	buf_puts(&w->path, a);
	buf_puts(&w->path, mid);
	buf_puts(&w->path, z);
	buf_putc(b, ' ');
	if (ninja_escape_path(b, w->path.data) < 0) {
		error("cannot write '%s' to build.ninja: ninja paths cannot hold '|' or a newline",
		      w->path.data);
		w->bad = 1;
	}
}

static int
cell_engine(const struct gen *g, const struct cell *c)
{
	return g->host_engine[c->host - g->m->hosts];
}

/* The edge that writes the cell files of cells[i..j) on engine e, which
 * share an image:tag and a benchmark, and so their images: their stamps are
 * its inputs (run.json holds the ids). */
static void
ninja_cell_files(struct cellwriter *w, size_t i, size_t j, int e)
{
	struct gen *g = w->g;
	const struct cell *c = NULL;
	size_t k, nkeys;
	char *img;

	buf_puts(w->b, "build");
	for (k = i; k < j; k++)
		if (cell_engine(g, &g->cells[k]) == e)
			put_path(w, w->b, "cells/", (c = &g->cells[k])->id, "/run.json");
	buf_puts(w->b, ": cells");
	put_path(w, w->b, "base/", w->cbase[c - g->cells], ".json");
	put_path(w, w->b, "conf/bench/", c->bench->name, ".json");
	for (k = i; k < j; k++)
		if (cell_engine(g, &g->cells[k]) == e)
			put_path(w, w->b, "conf/host/", g->cells[k].host->name, ".json");
	buf_puts(w->b, " |");
	put_path(w, w->b, g->o->jockey, "", "");
	img = img_slug(c->image->name, c->tag);
	nkeys = cell_keys(g, c, img, &w->p);
	free(img);
	for (k = 0; k < nkeys; k++)
		put_path(w, w->b, w->p.keys[k].data, "", "");
	buf_putc(w->b, '\n');
	if (g->nengines > 1)
		buf_printf(w->b, "  pool = %s\n", w->pools[e]);
}

/* A cell's run and parse edges, one each per repetition, and cell:ID: in
 * build.ninja, or for a big matrix in cells.ninja (see gen.h). */
static void
ninja_cell(struct cellwriter *w, const struct cell *c)
{
	struct gen *g = w->g;
	struct cellpaths *p = &w->p;
	struct buf *cb = g->ncells <= GEN_CELL_TARGETS ? w->b : w->cb;
	char rep_s[16], rule[24];
	int rep, reps = c->bench->warmup + c->bench->repeat, e = cell_engine(g, c);

	buf_reset(&p->run);
	put_path(w, &p->run, "cells/", c->id, "/run.json");
	buf_reset(&w->phony);
	for (rep = 1; rep <= reps; rep++) {
		snprintf(rep_s, sizeof(rep_s), "%d", rep);
		snprintf(rule, sizeof(rule), "run%d", rep);
		reppath(&p->log, c, rep_s, "log");
		reppath(&p->samples, c, rep_s, "samples.json");
		/* run: cells/ID/REP/log (and metrics.json, metrics.tsv) */
		buf_puts(w->b, "build");
		put_path(w, w->b, p->log.data, "", "");
		buf_printf(w->b, ": %s", rule);
		buf_add(w->b, p->run.data, p->run.len);
		buf_putc(w->b, '\n');
		if (g->nengines > 1)
			buf_printf(w->b, "  pool = %s\n", w->pools[e]);
		/* parse: the log and the benchmark's parsers */
		buf_puts(w->b, "build");
		put_path(w, w->b, p->samples.data, "", "");
		buf_printf(w->b, ": parse.%s", c->bench->name);
		put_path(w, w->b, p->log.data, "", "");
		buf_putc(w->b, '\n');
		put_path(w, &w->phony, p->samples.data, "", "");
	}
	buf_puts(cb, "build");
	put_path(w, cb, "cell:", c->id, "");
	buf_puts(cb, ": phony");
	buf_add(cb, w->phony.data, w->phony.len);
	buf_putc(cb, '\n');
	if (cb == w->b) {
		put_path(w, &w->members, "cell:", c->id, "");
		put_path(w, &w->groups[3][c->host - g->m->hosts].cells, "cell:", c->id, "");
	} else {
		/* the groups name the samples themselves */
		buf_add(&w->members, w->phony.data, w->phony.len);
		buf_add(&w->groups[3][c->host - g->m->hosts].cells, w->phony.data, w->phony.len);
	}
}

static void
group_add(struct group **v, size_t *n, struct buf *name, const char *member)
{
	struct buf *cells = &group_get(v, n, name->data)->cells;

	buf_putc(cells, ' ');
	ninja_escape_path(cells, member);
}

/* Put member in group "prefix:a" or "prefix:a:b". */
static void
group_put(struct cellwriter *w, int which, const char *prefix, const char *a, const char *b,
	     const char *member)
{
	buf_reset(&w->name);
	buf_puts(&w->name, prefix);
	buf_puts(&w->name, a);
	if (b) {
		buf_putc(&w->name, ':');
		buf_puts(&w->name, b);
	}
	group_add(&w->groups[which], &w->ngroups[which], &w->name, member);
}

/* image:NAME lists its image:NAME:TAG targets rather than every cell. */
static void
images_group(const struct gen *g, struct group **v, size_t *n, struct group *tags, size_t ntags)
{
	struct buf name = BUF_INIT, tag = BUF_INIT;
	size_t i, j, k;

	for (i = 0; i < g->m->nimages; i++) {
		const struct image *im = &g->m->images[i];

		for (j = 0; j < im->tags.n; j++) {
			buf_reset(&tag);
			buf_printf(&tag, "image:%s:%s", im->name, im->tags.v[j]);
			for (k = 0; k < ntags && strcmp(tags[k].name, tag.data) != 0; k++)
				;
			if (k == ntags)
				continue;
			buf_reset(&name);
			buf_printf(&name, "image:%s", im->name);
			group_add(v, n, &name, tag.data);
		}
	}
	buf_release(&name);
	buf_release(&tag);
}

/* Cells sharing an image:tag and a benchmark form a group: one edge writes
 * their cell files (per engine), and cells:IMAGE-TAG.BENCHMARK lists them, so
 * that image:, benchmark: and the aggregate name a group rather than each
 * cell. Every name ninja reads costs it time at load: this keeps a cell to
 * ten, with one repetition (docs/design.md). */
static void
ninja_group(struct cellwriter *w, size_t i, size_t j)
{
	struct gen *g = w->g;
	const struct cell *c = &g->cells[i];
	char *img = img_slug(c->image->name, c->tag), *gname;
	size_t k, e, nth;

	for (e = 0; e < g->nengines; e++) {
		for (k = i; k < j && cell_engine(g, &g->cells[k]) != (int)e; k++)
			;
		if (k < j)
			ninja_cell_files(w, i, j, (int)e);
	}
	buf_reset(&w->members);
	for (k = i; k < j; k++)
		ninja_cell(w, &g->cells[k]);
	/* ids sort a group's cells together unless names with dots interleave
	 * two groups: a second run of one group gets a number */
	gname = xasprintf("cells:%s.%s", img, c->bench->name);
	for (nth = 2; !strset_add(&w->seen, gname); nth++) {
		free(gname);
		gname = xasprintf("cells:%s.%s:%zu", img, c->bench->name, nth);
	}
	buf_puts(w->b, "build");
	put_path(w, w->b, gname, "", "");
	buf_puts(w->b, ": phony");
	buf_add(w->b, w->members.data, w->members.len);
	buf_putc(w->b, '\n');
	group_put(w, 1, "image:", c->image->name, c->tag, gname);
	group_put(w, 2, "benchmark:", c->bench->name, NULL, gname);
	put_path(w, &w->chunk, gname, "", "");
	if (++w->nchunk == SAMPLES_CHUNK)
		samples_flush(w);
	free(gname);
	free(img);
}

static int
ninja_cells(struct gen *g, struct buf *b, struct buf *cb, char **cbase, struct buf *top)
{
	struct cellwriter w = { .g = g, .b = b, .cb = cb, .top = top, .cbase = cbase };
	struct buf *bufs[] = { &w.p.run, &w.p.log, &w.p.samples, &w.p.keys[0],
			       &w.p.keys[1], &w.phony, &w.members, &w.chunk, &w.path, &w.name };
	size_t i, j, k;
	int r = 0;

	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_init(bufs[i]);
	w.pools = xcalloc(g->nengines, sizeof(char *));
	for (i = 0; i < g->nengines; i++)
		w.pools[i] = xasprintf("engine_%zu", i);
	/* host:NAME at the host's index: a cell finds its group directly */
	for (i = 0; i < g->m->nhosts; i++) {
		buf_reset(&w.name);
		buf_printf(&w.name, "host:%s", g->m->hosts[i].name);
		group_get(&w.groups[3], &w.ngroups[3], w.name.data);
	}
	for (i = 0; i < g->ncells; i = j) {
		const struct cell *c = &g->cells[i];

		for (j = i + 1; j < g->ncells && g->cells[j].image == c->image &&
				g->cells[j].bench == c->bench && strcmp(g->cells[j].tag, c->tag) == 0;
		     j++)
			;
		ninja_group(&w, i, j);
	}
	samples_flush(&w);
	images_group(g, &w.groups[0], &w.ngroups[0], w.groups[1], w.ngroups[1]);
	for (k = 0; k < 4; k++)
		r |= groups_write(b, w.groups[k], w.ngroups[k]);
	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_release(bufs[i]);
	for (i = 0; i < g->nengines; i++)
		free(w.pools[i]);
	free(w.pools);
	strset_free(&w.seen);
	return r || w.bad ? -1 : 0;
}

/* ---- the other files ---- */

static json_t *
json_repo(const struct gen *g, const struct key **ctx, size_t nctx)
{
	json_t *a = json_array(), *o;
	int secret = 0;
	char *stored = g->m->repo ? repo_stored(g->m->repo, &secret) : NULL;
	size_t i;

	for (i = 0; i < nctx; i++) {
		char *stamp = xasprintf("stamps/ctx/%s.tree", ctx[i]->ctx_slug);

		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", ctx[i]->ctx_slug,
						   "path", ctx[i]->context, "stamp", stamp));
		free(stamp);
	}
	o = json_pack("{s:i, s:o, s:o, s:o}", "schema", 1, "repo", json_str_or_null(stored),
		      "ref", json_str_or_null(g->m->ref), "contexts", a);
	if (secret)
		json_object_set_new(o, "credentials_from", json_string(g->o->matrix));
	free(stored);
	return o;
}

/* matrix.json lists every cell: with 100,000 of them it is gen's biggest
 * JSON, so the axis values are made once and shared (jansson counts the
 * references) and each object is built with its keys already in order. */
static json_t *
json_cells(const struct gen *g)
{
	const struct matrix *m = g->m;
	json_t *cells = json_array(), **img = xcalloc(m->nimages + 1, sizeof(json_t *));
	json_t **bench = xcalloc(m->nbenchmarks + 1, sizeof(json_t *));
	json_t **host = xcalloc(m->nhosts + 1, sizeof(json_t *));
	json_t **rep = xcalloc(m->nbenchmarks + 1, sizeof(json_t *));
	json_t **warm = xcalloc(m->nbenchmarks + 1, sizeof(json_t *));
	json_t *tag = NULL;
	const char *tagname = NULL;
	size_t i;

	for (i = 0; i < m->nimages; i++)
		img[i] = json_string(m->images[i].name);
	for (i = 0; i < m->nbenchmarks; i++) {
		bench[i] = json_string(m->benchmarks[i].name);
		rep[i] = json_integer(m->benchmarks[i].repeat);
		warm[i] = json_integer(m->benchmarks[i].warmup);
	}
	for (i = 0; i < m->nhosts; i++)
		host[i] = json_string(m->hosts[i].name);
	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		size_t b = (size_t)(c->bench - m->benchmarks);
		json_t *o = json_object();

		if (!tagname || strcmp(tagname, c->tag) != 0) {
			json_decref(tag);
			tag = json_string(c->tag);
			tagname = c->tag;
		}
		json_object_set(o, "benchmark", bench[b]);
		json_object_set(o, "host", host[c->host - m->hosts]);
		json_object_set_new(o, "id", json_string(c->id));
		json_object_set(o, "image", img[c->image - m->images]);
		json_object_set(o, "repeat", rep[b]);
		json_object_set(o, "tag", tag);
		json_object_set(o, "warmup", warm[b]);
		json_array_append_new(cells, o);
	}
	json_decref(tag);
	for (i = 0; i < m->nimages; i++)
		json_decref(img[i]);
	for (i = 0; i < m->nbenchmarks; i++) {
		json_decref(bench[i]);
		json_decref(rep[i]);
		json_decref(warm[i]);
	}
	for (i = 0; i < m->nhosts; i++)
		json_decref(host[i]);
	free(img);
	free(bench);
	free(host);
	free(rep);
	free(warm);
	return cells;
}

static json_t *
json_matrix(const struct gen *g)
{
	const struct matrix *m = g->m;
	json_t *baseline = json_null(), *o;

	if (m->baseline.host)
		baseline = json_pack("{s:s}", "host", m->baseline.host);
	else if (m->baseline.image)
		baseline = json_pack("{s:s, s:o}", "image", m->baseline.image,
				     "tag", json_str_or_null(m->baseline.tag));
	/* Keys in sorted order: add_out dumps this one without JSON_SORT_KEYS. */
	o = json_pack("{s:o, s:o, s:s, s:f, s:s, s:s, s:i}", "baseline", baseline,
		      "cells", json_cells(g), "dir", g->o->dir, "max_cv", m->max_cv,
		      "name", m->name, "path", g->o->matrix, "schema", 1);
	if (g->o->shard_count > 0) {
		/* What 'jockey merge' checks: the shards of one matrix file
		 * (its content, not its path) that together hold every cell. */
		char *hash = gen_file_hash(g->o->matrix);

		char *dhash = g->o->durations ? gen_file_hash(g->o->durations) : NULL;

		json_object_set_new(o, "shard", json_pack("{s:I, s:i, s:o, s:o, s:i, s:o}",
			"cells_total", (json_int_t)g->o->cells_total, "count", g->o->shard_count,
			"durations", json_str_or_null(g->o->durations),
			"durations_hash", json_str_or_null(dhash),
			"index", g->o->shard_index, "matrix_hash", json_str_or_null(hash)));
		free(hash);
		free(dhash);
	}
	return o;
}

/* conf/parse/B.json of benchmark bi. */
static json_t *
json_parse_conf(const struct gen *g, size_t bi)
{
	const struct benchmark *b = &g->m->benchmarks[bi];
	json_t *parsers = json_array();
	size_t i;

	for (i = 0; i < b->nparsers; i++)
		json_array_append_new(parsers, json_parser(&b->parsers[i]));
	return json_pack("{s:i, s:s, s:o}", "schema", 1, "benchmark", b->name, "parsers", parsers);
}

/* Each benchmark's parsers file, hashed as gen writes it. */
static void
parse_hashes(struct gen *g)
{
	size_t i;

	g->parse_hash = xcalloc(g->m->nbenchmarks + 1, sizeof(*g->parse_hash));
	for (i = 0; i < g->m->nbenchmarks; i++) {
		json_t *o = json_parse_conf(g, i);
		char *text = json_dumps(o, JSON_FLAGS);

		snprintf(g->parse_hash[i], sizeof(g->parse_hash[i]), "%016llx",
			 (unsigned long long)hash_bytes(HASH_INIT, text, strlen(text)));
		free(text);
		json_decref(o);
	}
}

static void
gen_release(struct gen *g)
{
	size_t i;

	for (i = 0; i < 3 * g->m->nbenchmarks; i++) {
		free(g->sk[i].ctx_slug);
		free(g->sk[i].base_slug);
		free(g->sk[i].hash);
	}
	free(g->sk);
	for (i = 0; i < g->nbases; i++) {
		free(g->bases[i].file);
		free(g->bases[i].slug);
		free(g->bases[i].ref);
		free(g->bases[i].name);
		free(g->bases[i].tag);
	}
	free(g->bases);
	for (i = 0; i < g->nkeys; i++) {
		free(g->keys[i].key);
		free(g->keys[i].recipe);
		free(g->keys[i].base_file);
		free(g->keys[i].base_ref);
	}
	free(g->keys);
	free(g->parse_hash);
	free(g->engines);
	free(g->host_engine);
	outs_free(g->outs, g->nouts);
}

/* conf/image/RECIPE.json, and images/KEY.json for small matrices (the
 * images edges write them for the others). base[] are the bases' objects. */
static void
render_images(struct gen *g, json_t **base)
{
	const struct key **v;
	size_t n = keys_by_recipe(g, &v), i, j, k;

	for (i = 0; i < n; i = j) {
		json_t *recipe = json_recipe(g, v[i]);

		for (j = i + 1; j < n && strcmp(v[j]->recipe, v[i]->recipe) == 0; j++)
			;
		for (k = i; g->ncells <= GEN_EAGER_CELLS && k < j; k++) {
			struct base bkey = { .file = v[k]->base_file };
			const struct base *b = bsearch(&bkey, g->bases, g->nbases, sizeof(*g->bases), base_cmp);

			add_out(&g->outs, &g->nouts, xasprintf("images/%s.json", v[k]->key),
				key_compose(v[k]->key, recipe, base[b - g->bases], v[k]->base_file));
		}
		add_out(&g->outs, &g->nouts, xasprintf("conf/image/%s.json", v[i]->recipe), recipe);
	}
	free(v);
}

/* Axis files, and the cells' own files for small matrices. */
static void
render_json(struct gen *g, char **cbase, const struct key **ctx, size_t nctx)
{
	json_t **bench = xcalloc(g->m->nbenchmarks + 1, sizeof(json_t *));
	json_t **host = xcalloc(g->m->nhosts + 1, sizeof(json_t *));
	json_t **base = xcalloc(g->nbases + 1, sizeof(json_t *));
	size_t i;

	add_out(&g->outs, &g->nouts, xstrdup("repo.json"), json_repo(g, ctx, nctx));
	for (i = 0; i < g->m->nbenchmarks; i++)
		bench[i] = json_bench(g, i);
	for (i = 0; i < g->m->nhosts; i++)
		host[i] = json_host(g, i);
	for (i = 0; i < g->nbases; i++)
		base[i] = json_base(&g->bases[i], g->engines[g->bases[i].engine]);
	for (i = 0; g->ncells <= GEN_EAGER_CELLS && i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		struct base key = { .file = cbase[i] };
		const struct base *b = bsearch(&key, g->bases, g->nbases, sizeof(*g->bases), base_cmp);

		cell_compose(c->id, base[b - g->bases], bench[c->bench - g->m->benchmarks],
			     host[c->host - g->m->hosts], g->o->dir, &g->outs, &g->nouts);
	}
	for (i = 0; i < g->m->nbenchmarks; i++) {
		/* the parse edges read only the parsers: a change elsewhere in
		 * the benchmark leaves this file, and them, alone */
		add_out(&g->outs, &g->nouts, xasprintf("conf/parse/%s.json", g->m->benchmarks[i].name),
			json_parse_conf(g, i));
		add_out(&g->outs, &g->nouts, xasprintf("conf/bench/%s.json", g->m->benchmarks[i].name), bench[i]);
	}
	for (i = 0; i < g->m->nhosts; i++)
		add_out(&g->outs, &g->nouts, xasprintf("conf/host/%s.json", g->m->hosts[i].name), host[i]);
	render_images(g, base);
	for (i = 0; i < g->nbases; i++)
		add_out(&g->outs, &g->nouts, xasprintf("base/%s.json", g->bases[i].file), base[i]);
	free(bench);
	free(host);
	free(base);
}

/* Roughly the size of build.ninja, so its buffer grows once: each cell
 * names its id about 8 times, plus 6 times per repetition. Untouched pages of
 * an overestimate cost nothing. */
static size_t
ninja_size_guess(const struct gen *g)
{
	size_t i, n = 65536;

	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];

		n += (strlen(c->id) + 40) * (8 + 6 * (size_t)(c->bench->warmup + c->bench->repeat));
	}
	return n;
}

/* cells.ninja: build.ninja and the cell:ID targets that a big matrix keeps
 * out of it. */
static struct out
cells_ninja(struct buf *cb)
{
	struct buf b = BUF_INIT;
	struct out o = { .path = xstrdup("cells.ninja") };

	buf_puts(&b, "# generated by jockey gen; do not edit. build.ninja and a cell:ID target for\n"
		     "# each cell: ninja -f cells.ninja cell:ID (build.ninja holds them too when the\n"
		     "# matrix has at most " GEN_CELL_TARGETS_S " cells)\n"
		     "include build.ninja\n");
	buf_add(&b, cb->data, cb->len);
	o.data = buf_detach(&b, &o.len);
	return o;
}

/* build.ninja is rendered on a second thread while the main one renders
 * matrix.json (it lists every cell too): with 100,000 cells each takes
 * about a third of a second. */
struct ninja_job {
	struct gen *g;
	char **cbase;
	const struct key **ctx;
	size_t nctx;
	struct buf nb, cb, samples;
	int bad;
};

static void *
ninja_render(void *arg)
{
	struct ninja_job *j = arg;

	buf_grow(&j->nb, ninja_size_guess(j->g));
	if (ninja_head(j->g, &j->nb) < 0 || ninja_images(j->g, &j->nb, j->ctx, j->nctx) < 0 ||
	    ninja_cells(j->g, &j->nb, &j->cb, j->cbase, &j->samples) < 0)
		j->bad = 1;
	return NULL;
}

/* Write every rendered file that changed, build.ninja last: an interrupted
 * gen leaves the old graph, and the new one never refers to a file that is
 * not there yet. */
static int
files_write(struct gen *g, const struct buf *nb)
{
	char *p = xasprintf("%s/build.ninja", g->o->dir);
	size_t written = 0;
	int r, ret = 0;

	if (outs_write(g->o->dir, g->outs, g->nouts, &written) < 0)
		ret = -1;
	if (ret == 0) {
		r = write_if_changed(p, nb->data, nb->len, NULL);
		if (r < 0)
			ret = -1;
		written += r > 0;
	}
	free(p);
	if (ret == 0 && !g->o->quiet && g->o->shard_count > 0)
		fprintf(stderr, "%s: %s: shard %d/%d: %zu of %zu cells, %zu files written, %zu unchanged\n",
			progname, g->o->dir, g->o->shard_index, g->o->shard_count, g->ncells,
			g->o->cells_total, written, g->nouts + 1 - written);
	else if (ret == 0 && !g->o->quiet)
		fprintf(stderr, "%s: %s: %zu cells, %zu files written, %zu unchanged\n", progname,
			g->o->dir, g->ncells, written, g->nouts + 1 - written);
	return ret;
}

int
gen_write(const struct matrix *m, const struct cell *cells, size_t ncells, const struct gen_options *o)
{
	struct gen g = { .m = m, .cells = cells, .ncells = ncells, .o = o };
	struct ninja_job job = { .g = &g, .nb = BUF_INIT, .cb = BUF_INIT, .samples = BUF_INIT };
	struct buf *nb = &job.nb;
	pthread_t thread;
	int threaded;
	const struct key **ctx;
	size_t nctx, i;
	char **cbase;
	int ret;

	engines_find(&g);
	sidekeys_make(&g);
	parse_hashes(&g);
	cbase = cells_gather(&g);
	nctx = contexts_list(&g, &ctx);
	job.cbase = cbase;
	job.ctx = ctx;
	job.nctx = nctx;
	threaded = pthread_create(&thread, NULL, ninja_render, &job) == 0;
	if (!threaded)
		ninja_render(&job);
	/* Keys are added in sorted order: no JSON_SORT_KEYS needed. */
	out_push(&g.outs, &g.nouts, out_render_sized(xstrdup("matrix.json"), json_matrix(&g),
						     JSON_INDENT(2) | JSON_REAL_PRECISION(15),
						     4096 + 300 * ncells));
	if (threaded)
		pthread_join(thread, NULL);
	g.bad |= job.bad;
	if (!g.bad) {
		buf_printf(nb, "build results.json: aggregate%s | matrix.json\n", job.samples.data);
		buf_puts(nb, "build all: phony results.json\ndefault all\n");
		render_json(&g, cbase, ctx, nctx);
		out_push(&g.outs, &g.nouts, cells_ninja(&job.cb));
		ret = files_write(&g, nb);
	} else {
		ret = -2;
	}
	for (i = 0; i < ncells; i++)
		free(cbase[i]);
	free(cbase);
	free(ctx);
	buf_release(&job.nb);
	buf_release(&job.cb);
	buf_release(&job.samples);
	gen_release(&g);
	return ret;
}
