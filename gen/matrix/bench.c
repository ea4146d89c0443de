/* bench.c: a benchmark: its one side (context, base, build args, command,
 * env) or a pair's server and client, its repetitions, timeout, parsers and
 * images: restriction (docs/matrix.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/matrix/load.h"

enum role { ROLE_PLAIN, ROLE_SERVER, ROLE_CLIENT };

void
side_release(struct side *s)
{
	free(s->context);
	free(s->base);
	kvlist_release(&s->build_args);
	strlist_release(&s->command);
	kvlist_release(&s->env);
	ready_release(&s->ready);
}

static int
check_context(struct ld *ld, yaml_node_t *v, const char *ctx)
{
	const char *p;

	if (ctx[0] == '/') {
		ERR(ld, v, "'context' must be a folder inside the Dockerfile repo, not an absolute "
		    "path: '%s'", ctx);
		return -1;
	}
	for (p = ctx; *p; p++) {
		if (*p == '|' || *p == '$' || *p == '\n' || *p == ':' || *p == ' ') {
			ERR(ld, v, "'context' must not hold '%c': '%s'", *p, ctx);
			return -1;
		}
	}
	for (p = ctx; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) {
			ERR(ld, v, "'context' must stay inside the Dockerfile repo: '%s'", ctx);
			return -1;
		}
	}
	return 0;
}

/* Copy env defaults in first: the benchmark's own entries override them. */
static void
env_defaults(struct ld *ld, struct kvlist *env)
{
	size_t i;

	for (i = 0; i < ld->def.env.n; i++)
		kv_set(env, ld->def.env.v[i].key, ld->def.env.v[i].value, ld->def.env.v[i].mark);
}

/* The keys of one side, from mp (the benchmark's own map for ROLE_PLAIN). */
static int
load_side(struct ld *ld, const struct map *mp, struct side *s, enum role role,
          yaml_node_t *outer_env)
{
	yaml_node_t *x;
	int ret = 0;

	s->mark = nmark(mp->node);
	s->ready.timeout_ms = 30000;
	env_defaults(ld, &s->env);
	if (outer_env && value_kvlist(ld, outer_env, "env", &s->env) < 0)
		ret = -1;
	if ((x = map_get(mp, "context")) &&
	    (!(s->context = value_str(ld, x, "context", 0)) || check_context(ld, x, s->context) < 0))
		ret = -1;
	if ((x = map_get(mp, "base"))) {
		if (!(s->base = value_str(ld, x, "base", 0)))
			ret = -1;
		else if (!map_get(mp, "context")) {
			ERR(ld, map_pair(mp, "base")->knode,
			    "'base' needs a 'context' to build (without one the image under test runs as it is)");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "from"))) {
		int m = value_choice_key(ld, x, mkey(mkeys_side, "from"));

		s->from_mark = nmark(x);
		if (m < 0)
			ret = -1;
		else
			s->from = (enum from_mode)m;
		if (!map_get(mp, "context")) {
			ERR(ld, map_pair(mp, "from")->knode, "'from' needs a 'context': it says what its "
			    "Dockerfile may build on");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "build_args"))) {
		if (value_kvlist(ld, x, "build_args", &s->build_args) < 0)
			ret = -1;
		else if (!map_get(mp, "context")) {
			ERR(ld, map_pair(mp, "build_args")->knode, "'build_args' needs a 'context' to build");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "command")) &&
	    value_strlist(ld, x, "command", S_EMPTY_OK,
	                  " (a command is never split: write [prog, arg, ...])", &s->command) < 0)
		ret = -1;
	if ((x = map_get(mp, "env")) && value_kvlist(ld, x, "env", &s->env) < 0)
		ret = -1;
	if ((x = map_get(mp, "ready"))) {
		if (role == ROLE_SERVER) {
			if (load_ready(ld, x, &s->ready) < 0)
				ret = -1;
		} else if (role == ROLE_CLIENT) {
			ERR(ld, map_pair(mp, "ready")->knode,
			    "'ready' is for the server: the client starts once the server is ready");
			ret = -1;
		} else if (map_get(mp, "lifecycle")) {
			ERR(ld, map_pair(mp, "ready")->knode, "'ready' goes inside 'lifecycle'");
			ret = -1;
		} else {
			ERR(ld, map_pair(mp, "ready")->knode,
			    "'ready' is for the server of a pair benchmark (server: {ready: ...})");
			ret = -1;
		}
	}
	return ret;
}

static int
load_pair_side(struct ld *ld, const struct map *bmp, const char *key, struct side *s,
               enum role role)
{
	static const char *const shared[] = { "context", "base", "build_args", "from", NULL };
	yaml_node_t *v = map_get(bmp, key);
	struct map mp;
	char t[64], what[32];
	size_t i;
	int ret;

	if (!v) {
		ERR(ld, bmp->node, "a pair benchmark needs both 'server' and 'client'; '%s' is missing",
		    key);
		return -1;
	}
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'%s' must be a map, not %s", key, node_describe(v, t, sizeof(t)));
		return -1;
	}
	snprintf(what, sizeof(what), "'%s'", key);
	map_check_keys(ld, &mp, mkeys_side, what);
	/* context, base and build_args written beside server and client are for both */
	for (i = 0; shared[i]; i++) {
		struct pair *p = map_pair(bmp, shared[i]);

		if (p && !map_pair(&mp, shared[i]))
			map_push(&mp, p->key, p->knode, p->val);
	}
	ret = load_side(ld, &mp, s, role, map_get(bmp, "env"));
	map_release(&mp);
	return ret;
}

/* images: restriction entries: "name" or "name:tag" of a declared image. */
static int
check_restriction(struct ld *ld, yaml_node_t *item, const char *s)
{
	const struct matrix *m = ld->m;
	size_t i, j, len;

	for (i = 0; i < m->nimages; i++) {
		if (!m->images[i].name)
			continue;
		if (strcmp(s, m->images[i].name) == 0)
			return 0;
		len = strlen(m->images[i].name);
		if (strncmp(s, m->images[i].name, len) == 0 && s[len] == ':')
			for (j = 0; j < m->images[i].tags.n; j++)
				if (strcmp(s + len + 1, m->images[i].tags.v[j]) == 0)
					return 0;
	}
	for (i = 0; i < m->nimages; i++) {
		if (!m->images[i].name)
			continue;
		len = strlen(m->images[i].name);
		if (strncmp(s, m->images[i].name, len) == 0 && s[len] == ':') {
			ERR(ld, item, "'images' names tag '%s' that image '%s' does not have", s + len + 1,
			    m->images[i].name);
			return -1;
		}
	}
	ERR(ld, item, "'images' names unknown image '%s'", s);
	return -1;
}

/* images: a non-empty list of declared images or image:tags. */
static int
load_restriction(struct ld *ld, yaml_node_t *x, struct benchmark *b)
{
	yaml_node_item_t *it;
	size_t i;
	int ret = 0;

	if (value_strlist(ld, x, "images", 0, " (write [name, \"name:tag\", ...])", &b->images) < 0)
		return -1;
	if (b->images.n == 0) {
		ERR(ld, x, "'images' must not be empty (leave it out to run on every image)");
		return -1;
	}
	it = x->data.sequence.items.start;
	for (i = 0; i < b->images.n; i++, it++)
		if (check_restriction(ld, nd(ld, *it), b->images.v[i]) < 0)
			ret = -1;
	return ret;
}

int
load_benchmark(struct ld *ld, yaml_node_t *v, struct benchmark *b)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	size_t i;
	int ret = 0;

	b->mark = nmark(v);
	b->warmup = ld->def.warmup;
	b->timeout_ms = ld->def.timeout_ms;
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a benchmark must be a map with 'name' and 'command' (or 'server' and "
		    "'client'), not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_bench, "a benchmark");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "a benchmark needs a 'name'");
		ret = -1;
	} else if (!(b->name = value_str(ld, x, "name", 0)) ||
	           check_slug_name(ld, x, "benchmark", b->name) < 0) {
		ret = -1;
	}
	b->is_pair = map_get(&mp, "server") || map_get(&mp, "client");
	if ((x = map_get(&mp, "lifecycle")) && load_lifecycle(ld, &mp, x, b) < 0)
		ret = -1;
	if (b->is_pair) {
		/* context, base, build_args and env beside the sides are shared
		 * (load_pair_side); a command is one side's */
		if (map_pair(&mp, "command")) {
			ERR(ld, map_pair(&mp, "command")->knode,
			    "'command' goes inside 'server' or 'client' in a pair benchmark");
			ret = -1;
		}
		if (map_pair(&mp, "ready")) {
			ERR(ld, map_pair(&mp, "ready")->knode, "'ready' goes inside 'server'");
			ret = -1;
		}
		if (load_pair_side(ld, &mp, "server", &b->server, ROLE_SERVER) < 0)
			ret = -1;
		if (load_pair_side(ld, &mp, "client", &b->client, ROLE_CLIENT) < 0)
			ret = -1;
	} else if (load_side(ld, &mp, &b->main, ROLE_PLAIN, NULL) < 0) {
		ret = -1;
	}
	if (load_bench_repeat(ld, map_get(&mp, "repeat"), b) < 0)
		ret = -1;
	if ((x = map_get(&mp, "warmup")) && value_int_key(ld, x, mkey(mkeys_bench, "warmup"), &b->warmup) < 0)
		ret = -1;
	if ((x = map_get(&mp, "timeout")) && value_duration(ld, x, "timeout", &b->timeout_ms) < 0)
		ret = -1;
	if (b->lifecycle) {
		/* its metrics are the phases' times (lifecycle.c) */
	} else if ((x = map_get(&mp, "parser"))) {
		if (load_parsers(ld, x, &b->parsers, &b->nparsers) < 0)
			ret = -1;
	} else if (ld->def.has_parser) {
		b->parsers = xcalloc(ld->def.nparsers + 1, sizeof(*b->parsers));
		for (i = 0; i < ld->def.nparsers; i++)
			parser_copy(&b->parsers[i], &ld->def.parsers[i]);
		b->nparsers = ld->def.nparsers;
	}
	if ((x = map_get(&mp, "profile"))) {
		if (load_profile(ld, x, &b->profile) < 0)
			ret = -1;
		else if (b->lifecycle && b->profile.on) {
			ERR(ld, x, "'profile' is for a benchmark that runs a command, not a lifecycle");
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "images")) && load_restriction(ld, x, b) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}
