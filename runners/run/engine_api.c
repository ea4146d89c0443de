/* engine_api.c: the Engine API's endpoints that jockey uses, on engine.c's
 * requests: images, containers, networks, exec, and the log stream's
 * frames; see engine.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/run/engine.h"

/* An image reference or container id goes into a path as it is when it
 * holds only the characters such names have ('/' included: the engine's
 * router takes the rest of the path as the name); anything else is escaped. */
static char *
path_name(struct engine *e, const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-/:@", *p))
			return engine_escape(e, name);
	return xstrdup(name);
}

int
engine_image_inspect(struct engine *e, const char *ref, json_t **out)
{
	char *name = path_name(e, ref), *path = xasprintf("/images/%s/json", name);
	int ret = engine_get_json(e, path, out);

	free(path);
	free(name);
	if (ret < 0 && e->status == 404)
		return 1;
	return ret;
}

int
engine_image_pull(struct engine *e, const char *name, const char *tag)
{
	char *n = engine_escape(e, name), *t = tag ? engine_escape(e, tag) : NULL, *path;
	int ret;

	path = t ? xasprintf("/images/create?fromImage=%s&tag=%s", n, t)
		 : xasprintf("/images/create?fromImage=%s", n);
	ret = engine_stream_json(e, "POST", path, NULL, 0, NULL, NULL, NULL);
	free(path);
	free(t);
	free(n);
	return ret;
}

int
engine_distribution_digest(struct engine *e, const char *ref, char **digest)
{
	char *name = path_name(e, ref), *path = xasprintf("/distribution/%s/json", name);
	json_t *j = NULL;
	const char *d;
	int ret = engine_get_json(e, path, &j);

	free(path);
	free(name);
	*digest = NULL;
	if (ret < 0)
		return -1;
	d = json_string_value(json_object_get(json_object_get(j, "Descriptor"), "digest"));
	if (!d || strncmp(d, "sha256:", 7) != 0) {
		engine_set_error(e, "engine: no sha256 digest in the registry's reply for '%s'", ref);
		ret = -1;
	} else {
		*digest = xstrdup(d);
	}
	json_decref(j);
	return ret;
}

int
engine_image_tag(struct engine *e, const char *id, const char *repo_tag)
{
	const char *colon = strrchr(repo_tag, ':');
	char *plain, *repo, *tag, *name, *path;
	int ret;

	if (!colon || strchr(colon, '/')) {
		engine_set_error(e, "tag '%s' has no ':TAG'", repo_tag);
		return -1;
	}
	plain = xstrndup(repo_tag, colon - repo_tag);
	repo = engine_escape(e, plain);
	tag = engine_escape(e, colon + 1);
	name = path_name(e, id);
	path = xasprintf("/images/%s/tag?repo=%s&tag=%s", name, repo, tag);
	ret = engine_request(e, "POST", path, NULL, 0, NULL);
	free(path);
	free(name);
	free(tag);
	free(repo);
	free(plain);
	return ret;
}

/* DELETE /WHAT/ID?QUERY, where an object already gone is success. */
static int
delete_gone(struct engine *e, const char *what, const char *id, const char *query)
{
	char *name = path_name(e, id), *path = xasprintf("/%s/%s%s", what, name, query);
	int ret = engine_request(e, "DELETE", path, NULL, 0, NULL);

	free(path);
	free(name);
	if (ret < 0 && e->status == 404)
		return 0;
	return ret;
}

int
engine_container_remove(struct engine *e, const char *id)
{
	return delete_gone(e, "containers", id, "?force=1&v=1");
}

int
engine_network_create(struct engine *e, const char *name, json_t *labels, char **id)
{
	json_t *body, *out = NULL;
	const char *s;
	int ret;

	body = json_pack("{s:s,s:s,s:b,s:O?}", "Name", name, "Driver", "bridge",
			 "CheckDuplicate", 1, "Labels", labels);
	ret = engine_post_json(e, "/networks/create", body, &out);
	json_decref(body);
	if (ret == 0 && id) {
		s = json_string_value(json_object_get(out, "Id"));
		*id = xstrdup(s ? s : name);
	}
	json_decref(out);
	return ret;
}

int
engine_network_remove(struct engine *e, const char *id)
{
	return delete_gone(e, "networks", id, "");
}

static int
discard_data(const char *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	(void)arg;
	return 0;
}

int
engine_exec(struct engine *e, const char *id, json_t *argv, int *exit_code)
{
	char *name = path_name(e, id), *path = xasprintf("/containers/%s/exec", name);
	json_t *body, *out = NULL;
	const char *exec_id;
	char *start = NULL, *inspect = NULL;
	int ret;

	body = json_pack("{s:O,s:b,s:b,s:b}", "Cmd", argv, "AttachStdin", 0,
			 "AttachStdout", 1, "AttachStderr", 1);
	ret = engine_post_json(e, path, body, &out);
	json_decref(body);
	exec_id = json_string_value(json_object_get(out, "Id"));
	if (ret == 0 && !exec_id) {
		engine_set_error(e, "engine: POST %s: no \"Id\" in the reply", path);
		ret = -1;
	}
	if (ret == 0) {
		/* Not detached: the reply streams its output until it exits. */
		static const char detach[] = "{\"Detach\":false,\"Tty\":false}";

		start = xasprintf("/exec/%s/start", exec_id);
		ret = engine_stream(e, "POST", start, detach, strlen(detach), "application/json",
				    discard_data, NULL);
	}
	if (ret == 0) {
		json_t *st = NULL;

		inspect = xasprintf("/exec/%s/json", exec_id);
		ret = engine_get_json(e, inspect, &st);
		if (ret == 0)
			*exit_code = (int)json_integer_value(json_object_get(st, "ExitCode"));
		json_decref(st);
	}
	json_decref(out);
	free(inspect);
	free(start);
	free(path);
	free(name);
	return ret;
}

int
engine_demux_data(const char *p, size_t n, void *arg)
{
	struct engine_demux *d = arg;

	while (n > 0) {
		size_t k;

		if (d->raw) {
			k = n;
		} else if (d->left == 0) {
			d->hdr[d->hlen++] = (unsigned char)*p++;
			n--;
			if (d->hlen == 1 && d->hdr[0] > 2) {
				/* Not a frame header: the stream is not multiplexed. */
				d->raw = 1;
				if (fwrite(d->hdr, 1, 1, d->out) != 1)
					return 1;
				d->hlen = 0;
			} else if (d->hlen == 8) {
				d->left = (size_t)d->hdr[4] << 24 | (size_t)d->hdr[5] << 16 |
					  (size_t)d->hdr[6] << 8 | d->hdr[7];
				d->hlen = 0;
			}
			continue;
		} else {
			k = n < d->left ? n : d->left;
			d->left -= k;
		}
		if (fwrite(p, 1, k, d->out) != k)
			return 1;
		p += k;
		n -= k;
	}
	return 0;
}
