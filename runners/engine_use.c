/* engine_use.c: the engines of the selected cells, pinged (see
 * engine_use.h). */
#include <stdlib.h>
#include <string.h>

#include "base/docker_host.h"
#include "base/util.h"
#include "runners/run/engine.h"
#include "runners/engine_use.h"

const char *
engine_use_endpoint(const struct cell *c)
{
	return c->host->engine ? c->host->engine : docker_host();
}

/* Ping once, without the client's connection retries: a down engine should
 * cost seconds, not the back-off meant for an engine that is restarting. */
static void
ping(struct engine_use *u)
{
	struct engine *e = engine_open(u->endpoint);

	if (!e) {
		u->error = xasprintf("'%s' is not a unix:///PATH or tcp://HOST:PORT address", u->endpoint);
		return;
	}
	e->tries = 1;
	e->timeout_ms = 10000;
	if (engine_negotiate(e) < 0)
		u->error = xstrdup(engine_error(e));
	u->server = xstrdup(e->server);
	engine_free(e);
}

struct engine_use *
engine_use_check(const struct cell *cells, size_t n, const char *sel, size_t *nused)
{
	struct engine_use *v = NULL;
	size_t i, j, nv = 0;

	for (i = 0; i < n; i++) {
		const char *ep;

		if (!sel[i])
			continue;
		ep = engine_use_endpoint(&cells[i]);
		for (j = 0; j < nv && strcmp(v[j].endpoint, ep) != 0; j++)
			;
		if (j == nv) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			memset(&v[nv], 0, sizeof(*v));
			v[nv].endpoint = ep;
			ping(&v[nv++]);
		}
		v[j].cells++;
	}
	for (j = 0; j < nv; j++)
		if (v[j].error)
			warn("engine '%s' is down, its %d cell%s will not run: %s", v[j].endpoint,
			     v[j].cells, v[j].cells == 1 ? "" : "s", v[j].error);
	*nused = nv;
	return v;
}

void
engine_use_recheck(struct engine_use *v, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		struct engine_use u = { .endpoint = v[j].endpoint };

		if (v[j].error)
			continue;
		ping(&u);
		free(u.server);
		if (u.error) {
			warn("engine '%s' stopped answering during the run: %s", v[j].endpoint, u.error);
			v[j].lost = u.error;
		}
	}
}

const struct engine_use *
engine_use_of(const struct engine_use *v, size_t n, const struct cell *c)
{
	const char *ep = engine_use_endpoint(c);
	size_t j;

	for (j = 0; j < n; j++)
		if (strcmp(v[j].endpoint, ep) == 0)
			return &v[j];
	return NULL;
}

json_t *
engine_use_json(const struct engine_use *v, size_t n)
{
	json_t *a = json_array();
	size_t j;

	for (j = 0; j < n; j++)
		json_array_append_new(a, json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:i}", "engine",
						   v[j].endpoint, "up", v[j].error == NULL, "error", v[j].error,
						   "lost", v[j].lost,
						   "server", v[j].server && *v[j].server ? v[j].server : NULL,
						   "cells", v[j].cells));
	return a;
}

void
engine_use_free(struct engine_use *v, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		free(v[j].error);
		free(v[j].lost);
		free(v[j].server);
	}
	free(v);
}
