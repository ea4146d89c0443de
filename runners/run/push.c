/* push.c: a lifecycle benchmark's push phase; see push.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "runners/run/push.h"
#include "runners/run/regauth.h"
#include "runners/run/registry.h"
#include "runners/run/run.h"

/* The tag pushed, in every fresh repository. */
#define PUSH_TAG "push"

/* A layer in the push's progress stream, by its short ID (the first 12 hex
 * digits of its DiffID). */
struct pushed {
	char id[80];
	int pushed, present;
};

struct push {
	struct engine *e;
	struct push_facts *f;
	char *host;            /* the registry's HOST[:PORT] (owned) */
	char *url;             /* "http://HOST[:PORT]" (owned) */
	char *repo;            /* the repository, without host (borrowed) */
	char *digest;          /* the pushed manifest's digest, from the stream's aux (owned) */
	struct pushed *l;
	size_t nl;
	int tagged;            /* f->repo exists in the engine */
};

static double
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The engine's first registry mirror ("http://127.0.0.1:5000/"), or NULL. */
static char *
first_mirror(struct engine *e)
{
	json_t *info = NULL;
	const char *m;
	char *out = NULL;

	if (engine_get_json(e, "/info", &info) < 0)
		return NULL;
	m = json_string_value(json_array_get(json_object_get(json_object_get(info, "RegistryConfig"),
							    "Mirrors"), 0));
	if (m && *m)
		out = xstrdup(m);
	json_decref(info);
	return out;
}

/* Where the registry is: p->host and p->url. 0, or 1 when there is none. */
static int
push_where(struct push *p, const char *registry)
{
	char *m = registry ? NULL : first_mirror(p->e);
	const char *h = registry ? registry : m, *s;
	size_t n;

	if (!h)
		return 1;
	s = strstr(h, "://");
	s = s ? s + 3 : h;
	n = strcspn(s, "/");
	p->host = xstrndup(s, n);
	if (!registry && strncmp(p->host, "127.", 4) == 0 && strchr(p->host, ':')) {
		/* the engine knows the mirror's layers under this name and would
		 * mount them from there instead of pushing: another name for it */
		char *alias = xasprintf("localhost%s", strchr(p->host, ':'));

		free(p->host);
		p->host = alias;
	}
	if (s != h)
		p->url = xasprintf("%.*s%s", (int)(s - h), h, p->host);
	else if (strncmp(p->host, "127.", 4) == 0 || strncmp(p->host, "localhost", 9) == 0 ||
		 strncmp(p->host, "[::1]", 5) == 0)
		p->url = xasprintf("http://%s", p->host);   /* the engine's insecure default */
	else
		p->url = xasprintf("https://%s", p->host);
	free(m);
	return 0;
}

static int
push_progress(json_t *msg, void *arg)
{
	struct push *p = arg;
	const char *status = json_string_value(json_object_get(msg, "status"));
	const char *id = json_string_value(json_object_get(msg, "id"));
	const char *digest = json_string_value(json_object_get(json_object_get(msg, "aux"), "Digest"));
	struct pushed *l = NULL;
	size_t i;

	if (digest && !p->digest)
		p->digest = xstrdup(digest);
	if (!status || !id)
		return 0;
	for (i = 0; i < p->nl && !l; i++)
		if (strcmp(p->l[i].id, id) == 0)
			l = &p->l[i];
	if (!l) {
		p->l = xrealloc(p->l, (p->nl + 1) * sizeof(*p->l));
		l = &p->l[p->nl++];
		memset(l, 0, sizeof(*l));
		snprintf(l->id, sizeof(l->id), "%s", id);
	}
	if (strcmp(status, "Pushed") == 0)
		l->pushed = 1;
	else if (strcmp(status, "Layer already exists") == 0 || strncmp(status, "Mounted from", 12) == 0)
		l->present = 1;
	return 0;
}

/* The stream's entry for a layer whose DiffID is diff_id, or NULL. */
static const struct pushed *
push_layer(const struct push *p, const char *diff_id)
{
	size_t i;

	if (!diff_id || strncmp(diff_id, "sha256:", 7) != 0)
		return NULL;
	for (i = 0; i < p->nl; i++)
		if (strlen(p->l[i].id) == 12 && strncmp(p->l[i].id, diff_id + 7, 12) == 0)
			return &p->l[i];
	return NULL;
}

/* The facts from the registry's manifest and the image's DiffIDs (in the
 * manifest's order): compressed bytes pushed and in all. */
static void
push_count(struct push *p, const char *image, json_t *manifest)
{
	struct push_facts *f = p->f;
	json_t *layers = json_object_get(manifest, "layers"), *img = NULL, *diff;
	const struct pushed *l;
	double size;
	size_t i;

	for (i = 0; i < p->nl; i++) {
		f->layers += p->l[i].pushed;
		f->present += p->l[i].present && !p->l[i].pushed;
	}
	if (engine_image_inspect(p->e, image, &img) != 0)
		img = NULL;
	diff = json_object_get(json_object_get(img, "RootFS"), "Layers");
	f->image_layers = (int)json_array_size(layers);
	f->image_bytes = json_number_value(json_object_get(json_object_get(manifest, "config"), "size"));
	for (i = 0; i < json_array_size(layers); i++) {
		size = json_number_value(json_object_get(json_array_get(layers, i), "size"));
		f->image_bytes += size;
		l = push_layer(p, json_string_value(json_array_get(diff, i)));
		if (l && l->pushed)
			f->bytes += size;
	}
	json_decref(img);
}

/* Delete what the push put in the registry, so that no later push can
 * mount it from there: the manifest, then its config and layer blobs. */
static void
push_unregister(struct push *p, json_t *manifest)
{
	struct registry_answer a;
	json_t *layers = json_object_get(manifest, "layers"), *l;
	const char *d;
	size_t i;

	memset(&a, 0, sizeof(a));
	buf_init(&a.err);
	if (p->digest && registry_delete(p->url, p->repo, "manifests", p->digest, &a) < 0)
		error("push: delete '%s@%s' from the registry: %s", p->f->repo, p->digest, a.err.data);
	registry_answer_release(&a);
	d = json_string_value(json_object_get(json_object_get(manifest, "config"), "digest"));
	if (d && registry_delete(p->url, p->repo, "blobs", d, &a) < 0 && a.status != 404)
		error("push: delete blob '%s' of '%s' from the registry: %s", d, p->repo, a.err.data);
	registry_answer_release(&a);
	json_array_foreach(layers, i, l) {
		d = json_string_value(json_object_get(l, "digest"));
		if (d && registry_delete(p->url, p->repo, "blobs", d, &a) < 0 && a.status != 404)
			error("push: delete blob '%s' of '%s' from the registry: %s", d, p->repo,
			      a.err.data);
		registry_answer_release(&a);
	}
}

/* Remove the local tag and what the registry got, whatever happened. */
static void
push_undo(struct push *p, json_t *manifest)
{
	const volatile sig_atomic_t *cancel = p->e->cancel;
	long timeout = p->e->timeout_ms;
	char *path;

	p->e->cancel = NULL;
	p->e->timeout_ms = CLEANUP_MS;
	if (p->tagged) {
		path = xasprintf("/images/%s?noprune=1", p->f->repo);
		if (engine_request(p->e, "DELETE", path, NULL, 0, NULL) < 0 && p->e->status != 404)
			error("push: remove the tag '%s': %s", p->f->repo, engine_error(p->e));
		free(path);
	}
	p->e->timeout_ms = timeout;
	p->e->cancel = cancel;
	push_unregister(p, manifest);
}

/* The timed push itself: 0, or -1 (the engine's error). */
static int
push_send(struct push *p)
{
	struct engine *e = p->e;
	char *name = xasprintf("%s/%s", p->host, p->repo), *q = engine_escape(e, name);
	char *path = xasprintf("/images/%s/push?tag=%s", q, PUSH_TAG);
	char *auth = regauth_for(p->f->repo);
	double t0;
	int rc;

	/* the engine wants the header even without credentials: "{}" */
	engine_set_registry_auth(e, auth ? auth : "e30=");
	t0 = clock_ms();
	rc = engine_stream_json(e, "POST", path, NULL, 0, NULL, push_progress, p);
	p->f->ms = clock_ms() - t0;
	engine_set_registry_auth(e, NULL);
	free(auth);
	free(path);
	free(q);
	free(name);
	return rc;
}

int
push_image(struct engine *e, const char *image, const char *registry, const char *repo,
	   struct push_facts *f, char **failure)
{
	struct push p;
	struct registry_answer a;
	json_t *manifest = NULL;
	long timeout = e->timeout_ms;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	memset(&p, 0, sizeof(p));
	p.e = e;
	p.f = f;
	p.repo = (char *)repo;
	*failure = NULL;
	if (push_where(&p, registry)) {
		*failure = xstrdup("push: no registry to push to: give lifecycle.push.registry (the "
				   "engine has no registry mirror)");
		return 0;
	}
	f->repo = xasprintf("%s/%s:%s", p.host, repo, PUSH_TAG);
	if (engine_image_tag(e, image, f->repo) < 0) {
		ret = -1;
	} else {
		p.tagged = 1;
		if (push_send(&p) < 0)
			ret = -1;
	}
	e->timeout_ms = timeout;
	if (ret == 0 && registry_manifest(p.url, repo, PUSH_TAG, &manifest, &a) == 0)
		push_count(&p, image, manifest);
	else if (ret == 0)
		*failure = xasprintf("push: the registry has no manifest of '%s' after the push: %s",
				     f->repo, a.err.data);
	if (ret == 0)
		registry_answer_release(&a);
	if (ret < 0 && !run_signal && (e->timed_out || e->status >= 400 || e->status == 200)) {
		/* the engine or the registry said no (a stream's error comes with 200) */
		*failure = e->timed_out ? xasprintf("push: timeout after %gs", timeout / 1000.0)
					: xasprintf("push: %s", engine_error(e));
		ret = 0;
	}
	push_undo(&p, manifest);
	json_decref(manifest);
	free(p.digest);
	free(p.l);
	free(p.url);
	free(p.host);
	return ret;
}

void
push_facts_release(struct push_facts *f)
{
	free(f->repo);
	f->repo = NULL;
}
