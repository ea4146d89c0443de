/* cmd_build_image.c: `jockey build-image images/KEY.json stamps/img/KEY.id`
 *
 * With a context, sends the context's git tree as a tar to POST /build (the
 * classic builder: its progress is one JSON message per line, and its cache
 * gives the same image id for the same context and base, which is what
 * makes the restat stamp prune the cells downstream). The build's output
 * goes to images/KEY.log. Without a context the benchmark runs the base as
 * it is, so the stamp is the base's local image id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "engine.h"
#include "repo.h"
#include "util.h"

struct build {
	const char *key;    /* for messages: "sysbench.debian-bookworm" */
	const char *tag;    /* "jockey/sysbench:debian-bookworm" */
	const char *base;   /* "debian:bookworm" */
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
	json_object_set_new(args, "BASE", json_string(b->base));
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

static char *
build_context(struct engine *e, struct build *b, json_t *config, const char *json_path)
{
	const char *tree_stamp = engine_config_str(config, "tree_stamp");
	const char *repo_json = engine_config_str(config, "repo_json");
	struct buf tar = BUF_INIT;
	char *tree = NULL, *query = NULL, *logp = log_path(json_path), *id = NULL;
	int r;

	if (!tree_stamp || !repo_json || !b->tag) {
		error("%s: a build with a context needs tree_stamp, repo_json and tag", json_path);
		goto out;
	}
	tree = engine_stamp_read(tree_stamp);
	if (!tree || repo_context_tar(repo_json, tree, &tar) < 0)
		goto out;
	query = build_query(e, b, config);
	r = engine_stream_json(e, "POST", query, tar.data, tar.len, "application/x-tar",
			       build_progress, b);
	if (write_file_atomic(logp, b->log.data, b->log.len) < 0)
		goto out;
	if (r < 0) {
		error("build '%s' on '%s': %s (the build's output: %s)", b->key, b->base,
		      engine_error(e), logp);
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

int
cmd_build_image(int argc, char **argv)
{
	struct build b = { NULL, NULL, NULL, BUF_INIT, NULL };
	struct engine *e = NULL;
	json_t *config;
	char *id = NULL, *stamp;
	int ret = EXIT_RUNTIME;

	if (argc != 3)
		usage("%s", command_usage("build-image"));
	config = engine_config_load(argv[1]);
	if (!config)
		return EXIT_RUNTIME;
	b.key = engine_config_str(config, "key");
	b.tag = engine_config_str(config, "tag");
	b.base = engine_config_str(config, "base");
	if (!b.key)
		b.key = argv[1];
	if (!b.base) {
		error("%s: no \"base\"", argv[1]);
		goto out;
	}
	e = engine_open(engine_config_str(config, "engine"));
	if (!e)
		goto out;
	if (json_is_string(json_object_get(config, "context")))
		id = build_context(e, &b, config, argv[1]);
	else
		id = inspect_base(e, &b);
	if (!id)
		goto out;
	stamp = xasprintf("%s\n", id);
	if (write_file_if_changed(argv[2], stamp, strlen(stamp)) >= 0)
		ret = EXIT_OK;
	free(stamp);
out:
	free(id);
	free(b.image_id);
	buf_release(&b.log);
	json_decref(config);
	engine_free(e);
	return ret;
}
