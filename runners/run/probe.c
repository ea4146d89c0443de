/* probe.c: the probe edge's work (probe.h).
 *
 * Resolves a base image to its identity: its repo digest NAME@sha256:...,
 * or the local image id when the image has none (built or loaded locally).
 * The stamp is rewritten only when that changes (restat), so images built on
 * an unmoved base are not rebuilt. The pull policy decides what is asked:
 * - "always": the registry, through the engine's distribution endpoint
 *   (no pull); the engine pulls only when its copy is not that digest;
 * - "missing": the engine's copy, pulled when absent;
 * - "never": the engine's copy only.
 * A reference by digest (NAME@sha256:...) cannot move: it is never probed.
 * Offline the last stamp stands without asking anyone. A registry that
 * cannot be reached leaves the last stamp with a warning: a nightly run
 * should not fail because the registry had a bad minute. A registry that
 * accepts and never answers counts as not reached once
 * JOCKEY_REGISTRY_TIMEOUT seconds (default 30) have passed, whether jockey
 * asks it (a mirror) or the engine does (registry_timeout_ms).
 *
 * When the stamp moves, stamps/base/IMG.moved.json records from what to what
 * and when, for the summary of `jockey run` (staleness_moved_bases).
 *
 * A Docker Hub name under pull "always" on an engine with registry mirrors
 * (GET /info: RegistryConfig.Mirrors, IndexConfigs["docker.io"].Mirrors) is
 * asked of the mirrors themselves (registry.c), in the engine's order: the
 * first that answers decides, as the engine's own lookup does. The engine's
 * distribution endpoint does not say which registry answered, and the
 * record must be true. A mirror's "no" (404, 401) is an error; mirrors that
 * do not answer keep the last stamp with a warning, or fail naming them:
 * jockey does not go to Docker Hub behind the mirror's back, where the tag
 * may name another digest. stamps/base/IMG.source.json records who gave
 * the stamp: the mirror's URL, the registry's host ("docker.io" or that of
 * a non-Hub name), or null for the engine's copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/run/conf.h"
#include "runners/run/engine.h"
#include "runners/run/probe.h"
#include "runners/run/regauth.h"
#include "runners/run/registry.h"

struct base {
	const char *ref;   /* "debian:bookworm" */
	const char *name;  /* "debian" */
	const char *tag;   /* "bookworm", or "sha256:..." (a digest ref) */
	const char *pull;  /* "never", "missing" or "always" */
	const char *last;  /* the stamp's content before, or NULL */
};

static int
is_pinned(const struct base *b)
{
	return strchr(b->ref, '@') || (b->tag && strncmp(b->tag, "sha256:", 7) == 0);
}

/* A name as the engine writes it in RepoDigests: Docker Hub's prefixes go. */
static const char *
short_name(const char *name)
{
	if (strncmp(name, "docker.io/", 10) == 0)
		name += 10;
	else if (strncmp(name, "index.docker.io/", 16) == 0)
		name += 16;
	if (strncmp(name, "library/", 8) == 0 && !strchr(name + 8, '/'))
		name += 8;
	return name;
}

/* The identity of an inspected image: its repo digest under the base's own
 * name, else its id. A digest under another name does not count: pushing
 * the image elsewhere (docker tag + push) adds one, and the base has not
 * moved. A new string. */
static char *
base_identity(const struct base *b, json_t *image)
{
	json_t *digests = json_object_get(image, "RepoDigests"), *d;
	const char *id = json_string_value(json_object_get(image, "Id"));
	const char *name = short_name(b->name ? b->name : b->ref);
	size_t i, n = strlen(name);

	json_array_foreach(digests, i, d) {
		const char *s = json_string_value(d);

		if (s && strncmp(short_name(s), name, n) == 0 && short_name(s)[n] == '@')
			return xstrdup(short_name(s));
	}
	return id ? xstrdup(id) : NULL;
}

static int
base_pull(struct engine *e, const struct base *b)
{
	if (engine_image_pull(e, b->name ? b->name : b->ref, b->name ? b->tag : NULL) < 0)
		return error("pull '%s': %s", b->ref, engine_error(e));
	return 0;
}

/* Inspect ref: 0 and *image, 1 absent, -1 error (printed). */
static int
base_inspect(struct engine *e, const struct base *b, json_t **image)
{
	int r = engine_image_inspect(e, b->ref, image);

	if (r < 0)
		error("inspect base image '%s': %s", b->ref, engine_error(e));
	return r;
}

/* The engine's copy, pulled first when absent and pull allows it. */
static char *
base_local(struct engine *e, const struct base *b, int may_pull)
{
	json_t *image = NULL;
	char *id = NULL;
	int r = base_inspect(e, b, &image);

	if (r == 1 && !may_pull) {
		error("base image '%s' is not in the engine at %s and pull is '%s'", b->ref,
		      e->endpoint, strcmp(b->pull, "never") ? "off (--offline)" : "never");
		return NULL;
	}
	if (r == 1 && base_pull(e, b) == 0) {
		r = base_inspect(e, b, &image);
		if (r == 1)
			error("base image '%s' is still not in the engine at %s after a pull",
			      b->ref, e->endpoint);
	}
	if (r == 0) {
		id = base_identity(b, image);
		if (!id)
			error("base image '%s': the engine gave no id", b->ref);
	}
	json_decref(image);
	return id;
}

/* Does the engine hold want (NAME@sha256:...) as one of ref's repo digests? */
static int
base_holds(struct engine *e, const struct base *b, const char *want)
{
	json_t *image = NULL, *d;
	size_t i;
	int found = 0;

	if (engine_image_inspect(e, b->ref, &image) != 0)
		return 0;
	json_array_foreach(json_object_get(image, "RepoDigests"), i, d)
		if (json_string_value(d) && strcmp(short_name(json_string_value(d)), want) == 0)
			found = 1;
	json_decref(image);
	return found;
}

/* Did the registry answer "no" (bad credentials, no such tag), as opposed
 * to not answering? The engine gives both as HTTP 500 with the registry's
 * words in the message. */
static int
registry_refused(const char *msg)
{
	static const char *const words[] = {
		"unauthorized", "denied", "authentication required", "no basic auth credentials",
		"manifest unknown", "not found", "name unknown", "invalid reference",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasestr(msg, words[i]))
			return 1;
	return 0;
}

/* An engine without the distribution endpoint (Podman's compat API) says
 * 404 in plain text; Docker's 404s (no such tag) carry a JSON message. */
static int
distribution_unsupported(struct engine *e)
{
	json_t *j;
	int plain;

	if (e->status != 404)
		return 0;
	j = json_loadb(e->body.data, e->body.len, 0, NULL);
	plain = !json_is_string(json_object_get(j, "message"));
	json_decref(j);
	return plain;
}

/* pull "always" without the distribution endpoint: pull, then look. A pull
 * that fails for want of the registry keeps the last stamp, as above. */
static char *
base_pull_always(struct engine *e, const struct base *b, int *kept)
{
	if (engine_image_pull(e, b->name ? b->name : b->ref, b->name ? b->tag : NULL) < 0) {
		if (b->last && !registry_refused(engine_error(e)) && e->status != 0) {
			warn("base image '%s': cannot pull (%s); keeping the last known digest %s",
			     b->ref, engine_error(e), b->last);
			*kept = 1;
			return NULL;
		}
		error("pull '%s': %s", b->ref, engine_error(e));
		return NULL;
	}
	return base_local(e, b, 0);
}

/* The engine's registry mirrors for a Docker Hub name, in its order (a new
 * array, empty for another registry's name or an engine without mirrors),
 * or NULL with an error. */
static json_t *
hub_mirrors(struct engine *e, const struct base *b)
{
	char *host = regauth_host(b->ref);
	json_t *info = NULL, *out = json_array(), *lists[2], *m;
	size_t i, j, k;
	int hub = strcmp(host, "docker.io") == 0 || strcmp(host, "index.docker.io") == 0 ||
		  strcmp(host, "registry-1.docker.io") == 0;

	free(host);
	if (!hub)
		return out;
	if (engine_get_json(e, "/info", &info) < 0) {
		error("base image '%s': ask the engine for its registry mirrors: %s", b->ref,
		      engine_error(e));
		json_decref(out);
		return NULL;
	}
	lists[0] = json_object_get(json_object_get(info, "RegistryConfig"), "Mirrors");
	lists[1] = json_object_get(json_object_get(json_object_get(json_object_get(info,
			"RegistryConfig"), "IndexConfigs"), "docker.io"), "Mirrors");
	for (i = 0; i < 2; i++)
		json_array_foreach(lists[i], j, m) {
			int seen = !json_is_string(m);

			for (k = 0; k < json_array_size(out) && !seen; k++)
				seen = json_equal(json_array_get(out, k), m);
			if (!seen)
				json_array_append(out, m);
		}
	json_decref(info);
	return out;
}

/* Ask each mirror in turn: the first that answers gives the digest (0,
 * *registry its URL) or its refusal (-1, printed). None answering: the last
 * stamp stands (-1, *kept) or an error naming them. */
static int
mirror_digest(const struct base *b, json_t *mirrors, char **digest, char **registry,
	      int *kept)
{
	char *repo = registry_hub_repo(b->name), *tag = b->tag ? xstrdup(b->tag) : xstrdup("latest");
	struct registry_answer a;
	struct buf down = BUF_INIT;
	json_t *m;
	size_t i;
	int ret = -1;

	json_array_foreach(mirrors, i, m) {
		const char *url = json_string_value(m), *why;

		registry_manifest_digest(url, repo, tag, &a);
		why = a.err.len ? a.err.data : "no answer";
		if (a.digest || (a.status > 0 && a.status < 500)) {
			if (a.digest) {
				*digest = xstrdup(a.digest);
				*registry = xstrdup(url);
				ret = 0;
			} else {
				error("base image '%s': the engine's registry mirror %s answered "
				      "%s for %s:%s", b->ref, url, why, repo, tag);
			}
			registry_answer_release(&a);
			goto out;
		}
		buf_printf(&down, "%s%s (%s)", down.len ? ", " : "", url, why);
		registry_answer_release(&a);
	}
	/* i: how many mirrors there were */
	if (b->last) {
		warn("base image '%s': the engine's registry mirror%s %s %s not answer; keeping "
		     "the last known digest %s", b->ref, i > 1 ? "s" : "", down.data,
		     i > 1 ? "do" : "does", b->last);
		*kept = 1;
	} else {
		error("base image '%s': the engine's registry mirror%s %s %s not answer, and there "
		      "is no earlier digest to keep", b->ref, i > 1 ? "s" : "", down.data,
		      i > 1 ? "do" : "does");
	}
out:
	buf_release(&down);
	free(repo);
	free(tag);
	return ret;
}

/* The registry's digest through the engine's distribution endpoint (which
 * asks the registry of the name: Docker Hub when no mirror is set). */
static int
engine_digest(struct engine *e, const struct base *b, char **digest, char **registry,
	      int *kept)
{
	int down, r;

	e->timeout_ms = registry_timeout_ms();
	r = engine_distribution_digest(e, b->ref, digest);
	e->timeout_ms = 0;
	if (r == 0) {
		*registry = regauth_host(b->ref);
		return 0;
	}
	if (e->timed_out) {
		char *host = regauth_host(b->ref);

		engine_set_error(e, "the registry %s did not answer within %lds "
				 "(JOCKEY_REGISTRY_TIMEOUT)", host, registry_timeout_ms() / 1000);
		free(host);
	}
	if (distribution_unsupported(e))
		return 1;
	down = e->timed_out || (e->status >= 500 && !registry_refused(engine_error(e)));
	if (down && b->last) {
		warn("base image '%s': cannot ask the registry (%s); keeping the last "
		     "known digest %s", b->ref, engine_error(e), b->last);
		*kept = 1;
		return -1;
	}
	return error("base image '%s': ask the registry for its digest: %s%s", b->ref,
		     engine_error(e), down ? " (and there is no earlier digest to keep)" : "");
}

/* pull "always": the registry's digest, pulled when the engine lacks it.
 * *kept is set when the registry could not be reached and the last stamp
 * stands (NULL returned without an error). *registry: who answered. */
static char *
base_registry(struct engine *e, const struct base *b, int *kept, char **registry)
{
	json_t *mirrors = hub_mirrors(e, b);
	char *digest = NULL, *want;
	int r;

	if (!mirrors)
		return NULL;
	if (json_array_size(mirrors))
		r = mirror_digest(b, mirrors, &digest, registry, kept);
	else
		r = engine_digest(e, b, &digest, registry, kept);
	json_decref(mirrors);
	if (r == 1)
		return base_pull_always(e, b, kept);
	if (r < 0)
		return NULL;
	want = xasprintf("%s@%s", short_name(b->name ? b->name : b->ref), digest);
	free(digest);
	if (base_holds(e, b, want))
		return want;
	if (base_pull(e, b) < 0) {
		free(want);
		return NULL;
	}
	if (!base_holds(e, b, want)) {
		error("base image '%s': the engine at %s does not hold %s after a pull "
		      "(did the tag move again?)", b->ref, e->endpoint, want);
		free(want);
		return NULL;
	}
	return want;
}

/* Record a move of the stamp for the run's summary. */
static void
record_move(const char *stamp_path, const struct base *b, const char *now)
{
	char *path = probe_moved_path(stamp_path);
	char when[32];
	time_t t = time(NULL);
	json_t *o;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	o = json_pack("{s:i, s:s, s:s, s:s, s:s}", "schema", 1, "ref", b->ref, "from", b->last,
		      "to", now, "at", when);
	if (json_write_path(path, o, JSON_INDENT(2) | JSON_SORT_KEYS, 0) < 0)
		warn("base image '%s': cannot record its move", b->ref);
	json_decref(o);
	free(path);
}

static int
base_load(const char *path, json_t *config, struct base *b)
{
	b->ref = conf_str(config, "ref");
	b->name = conf_str(config, "name");
	b->tag = conf_str(config, "tag");
	b->pull = conf_str(config, "pull");
	if (!b->pull)
		b->pull = "missing";
	if (!b->ref)
		return error("%s: no \"ref\"", path);
	if (strcmp(b->pull, "never") && strcmp(b->pull, "missing") && strcmp(b->pull, "always"))
		return error("%s: pull '%s' is not never, missing or always", path, b->pull);
	return 0;
}

/* The new identity, or NULL: *kept when the last stamp stands, else an
 * error. *registry: who gave it, when a registry was asked. */
static char *
base_probe(struct engine *e, const struct base *b, int offline, int *kept, char **registry)
{
	char *auth;
	char *id;

	if (offline && b->last) {
		*kept = 1;
		return NULL;
	}
	/* Credentials only where a registry may be asked. */
	if (!offline && strcmp(b->pull, "never") != 0) {
		auth = regauth_for(b->ref);
		engine_set_registry_auth(e, auth);
		free(auth);
	}
	if (is_pinned(b)) {
		id = base_local(e, b, !offline && strcmp(b->pull, "never") != 0);
		if (id) {
			free(id);
			id = xstrdup(b->ref);
		}
		return id;
	}
	if (offline || strcmp(b->pull, "always") != 0)
		return base_local(e, b, !offline && strcmp(b->pull, "missing") == 0);
	return base_registry(e, b, kept, registry);
}

char *
probe_moved_path(const char *digest_stamp_path)
{
	return conf_sibling(digest_stamp_path, ".digest", ".moved.json");
}

char *
probe_source_path(const char *digest_stamp_path)
{
	return conf_sibling(digest_stamp_path, ".digest", ".source.json");
}

/* stamps/base/IMG.source.json: who gave the stamp (no time in it, so that
 * it is rewritten only when that changes). */
static void
record_source(const char *stamp_path, const struct base *b, const char *id,
	      const char *registry, int mirror)
{
	char *path = probe_source_path(stamp_path), *text;
	json_t *o = json_pack("{s:i, s:s, s:s, s:s?, s:b}", "schema", 1, "ref", b->ref,
			      "identity", id, "registry", registry, "mirror", mirror);

	text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (write_file_if_changed(path, text, strlen(text)) < 0)
		warn("base image '%s': cannot record which registry answered", b->ref);
	free(text);
	json_decref(o);
	free(path);
}

int
probe_base(const char *json_path, const char *stamp_path, int offline)
{
	json_t *config = conf_load(json_path);
	struct engine *e = NULL;
	struct base b;
	char *last = NULL, *id = NULL, *stamp, *registry = NULL;
	int ret = -1, kept = 0;

	if (!config)
		return -1;
	if (base_load(json_path, config, &b) < 0)
		goto out;
	last = path_exists(stamp_path) ? conf_stamp(stamp_path) : NULL;
	b.last = last;
	if (!(offline && last) && !(e = engine_open(conf_str(config, "engine"))))
		goto out;
	id = base_probe(e, &b, offline, &kept, &registry);
	if (kept) {
		ret = 0;
		goto out;
	}
	if (!id)
		goto out;
	stamp = xasprintf("%s\n", id);
	ret = write_file_if_changed(stamp_path, stamp, strlen(stamp));
	free(stamp);
	if (ret == 1 && last && strcmp(last, id) != 0)
		record_move(stamp_path, &b, id);
	if (ret >= 0)
		record_source(stamp_path, &b, id, registry, registry && strstr(registry, "://") != NULL);
	ret = ret < 0 ? -1 : 0;
out:
	free(registry);
	free(id);
	free(last);
	json_decref(config);
	engine_free(e);
	return ret;
}
