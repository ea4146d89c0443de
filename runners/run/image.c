/* image.c: the build-image edge's work (image.h).
 *
 * With a context, sends the context's git tree as a tar to POST /build (the
 * classic builder: its progress is one JSON message per line, and its cache
 * gives the same image id for the same context and base, which is what
 * makes the restat stamp prune the cells downstream). The build's output
 * goes to images/KEY.log. Without a context the benchmark runs the base as
 * it is, so the stamp is the base's local image id.
 *
 * A built image gets a second, dated tag, "REPO:TAG-YYYYMMDD-DIGEST12" (the
 * build's UTC date and 12 hex digits of the base's digest), which later
 * builds leave in place: an old result's image stays at hand until
 * `jockey clean --keep N` prunes it. What the image was made from goes to
 * images/KEY.inputs.json (base digest and the registry that gave it, the
 * base's image id, context tree,
 * what its Dockerfile builds on, image id, tags), for `jockey ls` to say
 * later what moved under it.
 *
 * BASE is the base as probe stamped it (its repo digest, else its local
 * image id), never its tag, which may have moved since. Whatever the
 * Dockerfile says, the built image must descend from that base: its
 * RootFS.Layers must begin with the base's. This catches what the
 * Dockerfile's parser cannot see (the engine resolving a name to another
 * image, say); a Dockerfile whose target runs on something else must say
 * 'from: build' in the matrix.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "base/hash.h"
#include "base/util.h"
#include "runners/run/conf.h"
#include "runners/run/engine.h"
#include "runners/run/image.h"
#include "runners/run/probe.h"

struct build {
	const char *key;    /* for messages: "sysbench.debian-bookworm" */
	const char *tag;    /* "jockey/sysbench:debian-bookworm" */
	const char *base;   /* "debian:bookworm" */
	char *base_digest;  /* the base stamp's content, or NULL */
	const char *base_ref; /* BASE for the build: the stamp's digest or id, else base */
	char *base_id;      /* the base's image id, once the layers are checked */
	json_t *base_registry; /* who gave the base stamp (probe's IMG.source.json), or NULL */
	json_t *note;       /* what the Dockerfile builds on (from_build), or NULL */
	char *tree;         /* the context's tree id, or NULL */
	char *dated;        /* the dated tag given, or NULL */
	struct buf log;     /* the builder's "stream" text */
	char *image_id;     /* from the stream's "aux" message (owned), or NULL */
};

static int
build_progress(json_t *msg, void *arg)
{
	struct build *b = arg;
	const char *text = json_string_value(json_object_get(msg, "stream"));
	const char *id = json_string_value(json_object_get(json_object_get(msg, "aux"), "ID"));

	if (text)
		buf_puts(&b->log, text);
	if (id) {
		free(b->image_id);
		b->image_id = xstrdup(id);
	}
	return 0;
}

/* The /build query: tag, labels, build args (BASE first among equals). */
static char *
build_query(struct engine *e, const struct build *b, json_t *config)
{
	json_t *args = json_object(), *labels = json_object_get(config, "labels");
	json_t *none = json_object();
	char *t, *l, *a, *q;

	json_object_update(args, json_object_get(config, "build_args"));
	/* The base as probe stamped it: the engine's tag may have moved since
	 * (another pull), the stamp is what counts. */
	json_object_set_new(args, "BASE", json_string(b->base_ref));
	t = engine_escape(e, b->tag);
	l = engine_escape_json(e, json_is_object(labels) ? labels : none);
	a = engine_escape_json(e, args);
	q = xasprintf("/build?t=%s&labels=%s&buildargs=%s&rm=1&forcerm=1&pull=0", t, l, a);
	free(t);
	free(l);
	free(a);
	json_decref(args);
	json_decref(none);
	return q;
}

/* images/KEY.json -> images/KEY.log */
static char *
log_path(const char *json_path)
{
	size_t n = strlen(json_path);

	if (n > 5 && strcmp(json_path + n - 5, ".json") == 0)
		n -= 5;
	return xasprintf("%.*s.log", (int)n, json_path);
}

/* The image's id after a build: the stream's, else the tag's. */
static char *
built_id(struct engine *e, struct build *b)
{
	json_t *image = NULL;
	char *id = NULL;
	int r;

	if (b->image_id)
		return xstrdup(b->image_id);
	r = engine_image_inspect(e, b->tag, &image);
	if (r == 0 && json_string_value(json_object_get(image, "Id")))
		id = xstrdup(json_string_value(json_object_get(image, "Id")));
	else if (r < 0)
		error("build '%s': inspect '%s': %s", b->key, b->tag, engine_error(e));
	else
		error("build '%s': the engine built no image '%s'", b->key, b->tag);
	json_decref(image);
	return id;
}

/* The builder's own lines, which say nothing about why a step failed. */
static int
builder_noise(const char *s, size_t n)
{
	static const char *const noise[] = { "Step ", " ---> ", "Removing intermediate container", NULL };
	size_t i;

	for (i = 0; noise[i]; i++)
		if (n >= strlen(noise[i]) && strncmp(s, noise[i], strlen(noise[i])) == 0)
			return 1;
	return n == 0;
}

/* The last line of the build's output that the step itself wrote (its
 * colour codes gone), fresh, or NULL: the tool's own words, which the
 * engine's message leaves out. */
static char *
last_line(const struct buf *log)
{
	const char *end = log->data + log->len, *s, *e;
	struct buf b = BUF_INIT;

	for (e = end; e > log->data; e = s) {
		for (s = e; s > log->data && s[-1] != '\n'; s--)
			;
		buf_reset(&b);
		for (const char *p = s; p < e; p++) {
			if (*p == '\033' && p + 1 < e && p[1] == '[') {
				for (p += 2; p < e && !((*p >= '@' && *p <= '~')); p++)
					;
				continue;
			}
			if (*p != '\n' && *p != '\r')
				buf_putc(&b, *p);
		}
		while (b.len && b.data[b.len - 1] == ' ')
			b.data[--b.len] = '\0';
		if (!builder_noise(b.data, b.len))
			return buf_detach(&b, NULL);
		if (s > log->data)
			s--;
	}
	buf_release(&b);
	return NULL;
}

static char *
build_context(struct engine *e, struct build *b, json_t *config, const char *json_path,
	      image_tar_fn *context_tar)
{
	const char *tree_stamp = conf_str(config, "tree_stamp");
	const char *repo_json = conf_str(config, "repo_json");
	struct buf tar = BUF_INIT;
	char *tree = NULL, *query = NULL, *logp = log_path(json_path), *id = NULL;
	int r;

	if (!tree_stamp || !repo_json || !b->tag) {
		error("%s: a build with a context needs tree_stamp, repo_json and tag", json_path);
		goto out;
	}
	tree = conf_stamp(tree_stamp);
	if (!tree || context_tar(repo_json, tree, config, b->base_ref, &tar, &b->note) < 0)
		goto out;
	b->tree = xstrdup(tree);
	query = build_query(e, b, config);
	r = engine_stream_json(e, "POST", query, tar.data, tar.len, "application/x-tar",
			       build_progress, b);
	if (write_file_atomic(logp, b->log.data, b->log.len) < 0)
		goto out;
	if (r < 0) {
		char *said = last_line(&b->log);

		error("build '%s' on '%s': %s%s%s%s (the build's output: %s)", b->key, b->base, engine_error(e),
		      said ? ": it said \"" : "", said ? said : "", said ? "\"" : "", logp);
		free(said);
		goto out;
	}
	id = built_id(e, b);
out:
	buf_release(&tar);
	free(query);
	free(logp);
	free(tree);
	return id;
}

static char *
inspect_base(struct engine *e, struct build *b)
{
	json_t *image = NULL;
	char *id = NULL;
	int r = engine_image_inspect(e, b->base, &image);

	if (r < 0)
		error("image '%s': inspect '%s': %s", b->key, b->base, engine_error(e));
	else if (r == 1)
		error("image '%s': base image '%s' is not in the engine at %s", b->key, b->base,
		      e->endpoint);
	else if (!json_string_value(json_object_get(image, "Id")))
		error("image '%s': the engine gave no id for '%s'", b->key, b->base);
	else
		id = xstrdup(json_string_value(json_object_get(image, "Id")));
	json_decref(image);
	return id;
}

/* "REPO:TAG" -> "REPO:TAG-YYYYMMDD-DIGEST12"; a TAG too long for Docker's 128
 * keeps its start and a hash of the whole, so that tags stay distinct. NULL
 * without a sha256 digest to name. */
static char *
dated_tag(const char *tag, const char *base_digest)
{
	const char *colon = strrchr(tag, ':'), *hex = base_digest ? strstr(base_digest, "sha256:") : NULL;
	const char *rest;
	char date[16], *part, *dated;
	time_t now = time(NULL);

	if (!colon || strchr(colon, '/') || !hex || strlen(hex + 7) < 12)
		return NULL;
	strftime(date, sizeof(date), "%Y%m%d", gmtime(&now));
	rest = colon + 1;
	if (strlen(rest) <= 128 - 22) {
		part = xstrdup(rest);
	} else {
		part = xasprintf("%.89s-%016llx", rest, (unsigned long long)hash_str(HASH_INIT, rest));
	}
	dated = xasprintf("%.*s%s-%s-%.12s", (int)(colon + 1 - tag), tag, part, date, hex + 7);
	free(part);
	return dated;
}

/* Give the built image its dated tag; a failure only warns (the build is good). */
static void
tag_dated(struct engine *e, struct build *b, const char *id)
{
	b->dated = dated_tag(b->tag, b->base_digest);
	if (b->dated && engine_image_tag(e, id, b->dated) < 0) {
		warn("build '%s': tag '%s': %s", b->key, b->dated, engine_error(e));
		free(b->dated);
		b->dated = NULL;
	}
}

int
image_descends(const json_t *base_layers, const json_t *image_layers)
{
	size_t i, n = json_array_size(base_layers);

	if (!json_is_array(base_layers) || !json_is_array(image_layers) || json_array_size(image_layers) < n)
		return 0;
	for (i = 0; i < n; i++) {
		const char *a = json_string_value(json_array_get(base_layers, i));
		const char *c = json_string_value(json_array_get(image_layers, i));

		if (!a || !c || strcmp(a, c) != 0)
			return 0;
	}
	return 1;
}

static json_t *
layers_of(const json_t *image)
{
	return json_object_get(json_object_get(image, "RootFS"), "Layers");
}

/* The built image id descends from the base (its layers begin with the
 * base's): 0, or -1 with the reason. */
static int
layers_check(struct engine *e, struct build *b, const char *id, const char *json_path)
{
	json_t *base = NULL, *img = NULL;
	const char *df = json_string_value(json_object_get(b->note, "path"));
	int ret = -1;

	if (engine_image_inspect(e, b->base_ref, &base) != 0 || !json_string_value(json_object_get(base, "Id"))) {
		error("build '%s': inspect its base '%s': %s", b->key, b->base_ref,
		      base ? "no id" : engine_error(e));
		goto out;
	}
	b->base_id = xstrdup(json_string_value(json_object_get(base, "Id")));
	if (engine_image_inspect(e, id, &img) != 0) {
		error("build '%s': inspect the image it built: %s", b->key, engine_error(e));
		goto out;
	}
	if (!image_descends(layers_of(base), layers_of(img))) {
		error("build '%s': the image it built (%.19s) does not descend from the image under test '%s' "
		      "(%.19s): its layers do not begin with that image's %zu, so its cells would not measure "
		      "it; the Dockerfile (%s) builds on something else", b->key, id, b->base, b->base_id,
		      json_array_size(layers_of(base)), df ? df : json_path);
		goto out;
	}
	ret = 0;
out:
	json_decref(base);
	json_decref(img);
	return ret;
}

/* images/KEY.inputs.json: what the image in the stamp was made from. */
static void
inputs_write(const char *json_path, const struct build *b, const char *id)
{
	char *path = image_inputs_path(json_path), *text;
	json_t *tags = json_array(), *o;

	if (b->tag && b->tree)
		json_array_append_new(tags, json_string(b->tag));
	if (b->dated)
		json_array_append_new(tags, json_string(b->dated));
	o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:o}", "schema", 1, "key", b->key,
		      "image_id", id, "base", b->base,
		      "base_digest", b->base_digest ? json_string(b->base_digest) : json_null(),
		      "tree", b->tree ? json_string(b->tree) : json_null(), "tags", tags);
	if (b->base_id)
		json_object_set_new(o, "base_id", json_string(b->base_id));
	if (b->base_registry)
		json_object_set(o, "base_registry", b->base_registry);
	if (b->note)
		json_object_set(o, "dockerfile", b->note);
	text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (write_file_if_changed(path, text, strlen(text)) < 0)
		warn("build '%s': cannot record its inputs", b->key);
	free(text);
	json_decref(o);
	free(path);
}

char *
image_inputs_path(const char *image_json_path)
{
	return conf_sibling(image_json_path, ".json", ".inputs.json");
}

char *
image_failed_path(const char *image_json_path)
{
	return conf_sibling(image_json_path, ".json", ".failed.json");
}

/* images/KEY.failed.json: why the image failed (error_last), for its
 * cells; removed after a success. */
static void
failed_write(const char *json_path, const char *key, int failed)
{
	char *path = image_failed_path(json_path), *text;
	json_t *o;

	if (!failed) {
		if (unlink(path) < 0 && errno != ENOENT)
			warn("remove '%s':", path);
		free(path);
		return;
	}
	o = json_pack("{s:i, s:s, s:s}", "schema", 1, "key", key, "reason", error_last());
	text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	write_file_atomic(path, text, strlen(text));
	free(text);
	json_decref(o);
	free(path);
}

/* The registry that gave the base stamp, from probe's record beside it
 * (a new reference), or NULL: the engine's copy, or no record. */
static json_t *
source_registry(const char *base_stamp)
{
	char *path = probe_source_path(base_stamp);
	json_t *src = path_exists(path) ? json_load_path(path, 1) : NULL, *r;

	r = json_incref(json_object_get(src, "registry"));
	json_decref(src);
	free(path);
	return r;
}

int
image_build(const char *json_path, const char *stamp_path, image_tar_fn *context_tar)
{
	struct build b = { .log = BUF_INIT };
	const char *base_stamp;
	struct engine *e = NULL;
	json_t *config;
	char *id = NULL, *stamp;
	int ret = -1;

	config = conf_load(json_path);
	if (!config)
		return -1;
	b.key = conf_str(config, "key");
	b.tag = conf_str(config, "tag");
	b.base = conf_str(config, "base");
	if (!b.key)
		b.key = json_path;
	if (!b.base) {
		error("%s: no \"base\"", json_path);
		goto out;
	}
	base_stamp = conf_str(config, "base_stamp");
	if (base_stamp && path_exists(base_stamp)) {
		b.base_digest = conf_stamp(base_stamp);
		b.base_registry = source_registry(base_stamp);
	}
	b.base_ref = b.base_digest && (strchr(b.base_digest, '@') || strncmp(b.base_digest, "sha256:", 7) == 0) ?
		     b.base_digest : b.base;
	e = engine_open(conf_str(config, "engine"));
	if (!e)
		goto out;
	if (json_is_string(json_object_get(config, "context")))
		id = build_context(e, &b, config, json_path, context_tar);
	else
		id = inspect_base(e, &b);
	if (!id)
		goto out;
	/* 'from: build': the target runs on something else, by design */
	if (b.tree && !(conf_str(config, "from") && strcmp(conf_str(config, "from"), "build") == 0) &&
	    layers_check(e, &b, id, json_path) < 0)
		goto out;
	if (b.tree && b.tag)
		tag_dated(e, &b, id);
	inputs_write(json_path, &b, id);
	stamp = xasprintf("%s\n", id);
	if (write_file_if_changed(stamp_path, stamp, strlen(stamp)) >= 0)
		ret = 0;
	free(stamp);
out:
	failed_write(json_path, b.key, ret < 0);
	free(id);
	free(b.image_id);
	free(b.base_digest);
	free(b.base_id);
	json_decref(b.base_registry);
	json_decref(b.note);
	free(b.tree);
	free(b.dated);
	buf_release(&b.log);
	json_decref(config);
	engine_free(e);
	return ret;
}
