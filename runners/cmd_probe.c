/* cmd_probe.c: `jockey probe [--offline] base/IMG.json stamps/base/IMG.digest`
 *
 * Resolves a base image to its identity: the first repo digest, or the local
 * image id when the image has none (built or loaded locally). The stamp is
 * rewritten only when that changes (restat), so images built on an unmoved
 * base are not rebuilt. The pull policy decides when the engine pulls:
 * "never" only looks, "missing" pulls what is absent, "always" pulls first.
 * A later issue asks the registry for the digest without pulling; that goes
 * in base_identity's place for "always" and keeps the stamp's format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

#include "commands.h"
#include "engine.h"
#include "util.h"

struct base {
	const char *ref;   /* "debian:bookworm" */
	const char *name;  /* "debian" */
	const char *tag;   /* "bookworm", or NULL (a digest ref) */
	const char *pull;  /* "never", "missing" or "always" */
};

/* The stamp's content: the first RepoDigest, else the image id. */
static char *
base_identity(json_t *image)
{
	const char *d = json_string_value(json_array_get(json_object_get(image, "RepoDigests"), 0));

	if (!d)
		d = json_string_value(json_object_get(image, "Id"));
	return d ? xasprintf("%s\n", d) : NULL;
}

static int
base_pull(struct engine *e, const struct base *b)
{
	if (engine_image_pull(e, b->name ? b->name : b->ref, b->name ? b->tag : NULL) < 0)
		return error("pull '%s': %s", b->ref, engine_error(e));
	return 0;
}

/* Inspect, pulling as the policy says; *image is a new reference. */
static int
base_resolve(struct engine *e, const struct base *b, int offline, json_t **image)
{
	int r;

	if (strcmp(b->pull, "always") == 0 && !offline && base_pull(e, b) < 0)
		return -1;
	r = engine_image_inspect(e, b->ref, image);
	if (r < 0)
		return error("inspect base image '%s': %s", b->ref, engine_error(e));
	if (r == 0)
		return 0;
	if (strcmp(b->pull, "never") == 0 || offline)
		return error("base image '%s' is not in the engine at %s and pull is '%s'",
			     b->ref, e->endpoint, offline ? "off (--offline)" : b->pull);
	if (strcmp(b->pull, "missing") == 0 && base_pull(e, b) < 0)
		return -1;
	r = engine_image_inspect(e, b->ref, image);
	if (r == 1)
		return error("base image '%s' is still not in the engine at %s after a pull",
			     b->ref, e->endpoint);
	if (r < 0)
		return error("inspect base image '%s': %s", b->ref, engine_error(e));
	return 0;
}

int
cmd_probe(int argc, char **argv)
{
	json_t *config = NULL, *image = NULL;
	struct engine *e = NULL;
	struct base b;
	int offline = 0, ret = EXIT_RUNTIME, opt;
	char *stamp = NULL;

	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt != 'o')
			usage("%s", command_usage("probe"));
		offline = 1;
	}
	if (argc - optind != 2)
		usage("%s", command_usage("probe"));
	config = engine_config_load(argv[optind]);
	if (!config)
		goto out;
	b.ref = engine_config_str(config, "ref");
	b.name = engine_config_str(config, "name");
	b.tag = engine_config_str(config, "tag");
	b.pull = engine_config_str(config, "pull");
	if (!b.pull)
		b.pull = "missing";
	if (!b.ref) {
		error("%s: no \"ref\"", argv[optind]);
		goto out;
	}
	if (strcmp(b.pull, "never") && strcmp(b.pull, "missing") && strcmp(b.pull, "always")) {
		error("%s: pull '%s' is not never, missing or always", argv[optind], b.pull);
		goto out;
	}
	e = engine_open(engine_config_str(config, "engine"));
	if (!e || base_resolve(e, &b, offline, &image) < 0)
		goto out;
	stamp = base_identity(image);
	if (!stamp) {
		error("base image '%s': the engine gave no id", b.ref);
		goto out;
	}
	if (write_file_if_changed(argv[optind + 1], stamp, strlen(stamp)) < 0)
		goto out;
	ret = EXIT_OK;
out:
	free(stamp);
	json_decref(image);
	json_decref(config);
	engine_free(e);
	return ret;
}
