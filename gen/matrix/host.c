/* host.c: a host config: how its cells run (network, cpuset, limits,
 * volumes, env, sysctls, ulimits, engine, native; docs/matrix.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

static int
check_cpuset(const char *s)
{
	const char *p = s;

	for (;;) {
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return 0;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (*p == '\0')
			return 1;
		if (*p++ != ',')
			return 0;
	}
}

static int
word_ok(const char *s)
{
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) && (unsigned char)*s < 0x80) && !strchr("_.-", *s))
			return 0;
	return 1;
}

/* A volume source: an absolute path, ./ or ../ relative to the matrix, or a
 * named volume. Returns a fresh string or NULL. */
static char *
volume_source(struct ld *ld, yaml_node_t *v, const char *src)
{
	if (src[0] == '/')
		return path_clean("/", src);
	if (!strcmp(src, ".") || !strcmp(src, "..") || !strncmp(src, "./", 2) ||
	    !strncmp(src, "../", 3))
		return path_clean(ld->m->dir, src);
	if (isalnum((unsigned char)src[0]) && word_ok(src))
		return xstrdup(src);
	ERR(ld, v, "volume source '%s' must be an absolute path, a path starting with './' or "
	    "'../' (from the matrix's folder), or a volume name", src);
	return NULL;
}

static int
load_volume(struct ld *ld, yaml_node_t *v, struct volume *vol)
{
	char *src = NULL, *dst = NULL, t[64];
	int ret = 0;

	vol->mark = nmark(v);
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		char *s = xstrdup(sval(v)), *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c1 || (c2 && strcmp(c2 + 1, "ro") && strcmp(c2 + 1, "rw")) ||
		    strlen(s) != v->data.scalar.length) {
			ERR(ld, v, "a volume must be 'SOURCE:TARGET', 'SOURCE:TARGET:ro' or a map "
			    "{source, target, readonly}, not %s", node_describe(v, t, sizeof(t)));
			free(s);
			return -1;
		}
		*c1 = '\0';
		if (c2) {
			*c2 = '\0';
			vol->readonly = strcmp(c2 + 1, "ro") == 0;
		}
		src = xstrdup(s);
		dst = xstrdup(c1 + 1);
		free(s);
	} else {
		struct map mp;
		yaml_node_t *x;

		if (map_load(ld, v, &mp) < 0) {
			ERR(ld, v, "a volume must be 'SOURCE:TARGET[:ro]' or a map {source, target, "
			    "readonly}, not %s", node_describe(v, t, sizeof(t)));
			return -1;
		}
		map_check_keys(ld, &mp, mkeys_volume, "a volume");
		if (!(x = map_get(&mp, "source")))
			ERR(ld, v, "a volume needs a 'source'"), ret = -1;
		else if (!(src = value_str(ld, x, "source", 0)))
			ret = -1;
		if (!(x = map_get(&mp, "target")))
			ERR(ld, v, "a volume needs a 'target'"), ret = -1;
		else if (!(dst = value_str(ld, x, "target", 0)))
			ret = -1;
		if ((x = map_get(&mp, "readonly")) && value_bool(ld, x, "readonly", &vol->readonly) < 0)
			ret = -1;
		map_release(&mp);
	}
	if (src && !(vol->source = src[0] ? volume_source(ld, v, src) : NULL)) {
		if (!src[0])
			ERR(ld, v, "a volume needs a source before ':'");
		ret = -1;
	}
	if (dst && dst[0] != '/') {
		ERR(ld, v, "volume target '%s' must be an absolute path in the container", dst);
		ret = -1;
	} else if (dst) {
		vol->target = xstrdup(dst);
	}
	free(src);
	free(dst);
	return ret;
}

static const char *const *const ulimit_names = mkeys_ulimit_names;

static int
ulimit_value(const char *s, long long *out)
{
	char *end;

	if (!strcmp(s, "unlimited") || !strcmp(s, "-1"))
		return *out = -1, 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *end || errno ? -1 : 0;
}

static int
load_ulimit(struct ld *ld, yaml_node_t *k, yaml_node_t *v, const char *name, struct ulimit *u)
{
	const char *best;
	char t[64];
	size_t i;
	int ok = 1;

	u->mark = nmark(k);
	u->name = xstrdup(name);
	for (i = 0; ulimit_names[i]; i++)
		if (!strcmp(ulimit_names[i], name))
			break;
	if (!ulimit_names[i]) {
		if ((best = words_suggest(name, ulimit_names)))
			ERR(ld, k, "unknown ulimit '%s' (did you mean '%s'?)", name, best);
		else
			ERR(ld, k, "unknown ulimit '%s'", name);
		return -1;
	}
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		char *s = xstrdup(sval(v)), *colon = strchr(s, ':');

		if (colon)
			*colon = '\0';
		ok = ulimit_value(s, &u->soft) == 0 &&
		     ulimit_value(colon ? colon + 1 : s, &u->hard) == 0;
		free(s);
	} else if (v->type == YAML_MAPPING_NODE) {
		struct map mp;
		yaml_node_t *x;

		map_load(ld, v, &mp);
		map_check_keys(ld, &mp, mkeys_ulimit, "a ulimit");
		if (!map_get(&mp, "soft") || !map_get(&mp, "hard")) {
			ERR(ld, v, "ulimit '%s' needs both 'soft' and 'hard'", name);
			map_release(&mp);
			return -1;
		}
		x = map_get(&mp, "soft");
		ok = x->type == YAML_SCALAR_NODE && ulimit_value(sval(x), &u->soft) == 0;
		x = map_get(&mp, "hard");
		ok = ok && x->type == YAML_SCALAR_NODE && ulimit_value(sval(x), &u->hard) == 0;
		map_release(&mp);
	} else {
		ok = 0;
	}
	if (!ok) {
		ERR(ld, v, "ulimit '%s' must be a number, 'SOFT:HARD' or {soft: N, hard: N} "
		    "(N a whole number or 'unlimited'), not %s", name, node_describe(v, t, sizeof(t)));
		return -1;
	}
	if (u->hard != -1 && (u->soft == -1 || u->soft > u->hard)) {
		ERR(ld, v, "ulimit '%s': the soft limit must not exceed the hard limit", name);
		return -1;
	}
	return 0;
}

static int
load_ulimits(struct ld *ld, yaml_node_t *v, struct host *h)
{
	struct map mp;
	size_t i;
	char t[64];
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'ulimits' must be a map such as {nofile: 65536}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	h->ulimits = xcalloc(mp.n + 1, sizeof(*h->ulimits));
	for (i = 0; i < mp.n; i++) {
		if (load_ulimit(ld, mp.v[i].knode, mp.v[i].val, mp.v[i].key, &h->ulimits[i]) < 0)
			ret = -1;
		h->nulimits++;
	}
	map_release(&mp);
	return ret;
}

static int
check_engine(struct ld *ld, yaml_node_t *v, const char *e)
{
	if ((!strncmp(e, "unix://", 7) && e[7] == '/') || (!strncmp(e, "tcp://", 6) && e[6]))
		return 0;
	ERR(ld, v, "'engine' must be unix:///PATH or tcp://HOST:PORT, not '%s'", e);
	return -1;
}


/* network (default bridge) and runtime: names of the engine's. */
static int
host_network(struct ld *ld, const struct map *mp, struct host *h)
{
	yaml_node_t *x;
	int ret = 0;

	if ((x = map_get(mp, "network"))) {
		if (!(h->network = value_str(ld, x, "network", 0)))
			ret = -1;
		else if (!word_ok(h->network)) {
			ERR(ld, x, "'network' must be bridge, host, none or a network's name, not '%s'",
			    h->network);
			ret = -1;
		}
	}
	if (!h->network)
		h->network = xstrdup("bridge");
	return ret;
}

/* cpuset, cpus, memory and runtime. */
static int
host_limits(struct ld *ld, const struct map *mp, struct host *h)
{
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	if ((x = map_get(mp, "cpuset"))) {
		if (!(h->cpuset = value_str(ld, x, "cpuset", 0)))
			ret = -1;
		else if (!check_cpuset(h->cpuset)) {
			ERR(ld, x, "'cpuset' must list CPUs such as \"0\", \"0-3\" or \"0,2\", not '%s'",
			    h->cpuset);
			ret = -1;
		}
	}
	if ((x = map_get(mp, "cpus")) && value_double_key(ld, x, mkey(mkeys_host, "cpus"), &h->cpus) < 0)
		ret = -1;
	if ((x = map_get(mp, "memory"))) {
		if (x->type != YAML_SCALAR_NODE || (h->memory = parse_size(sval(x))) < 0) {
			ERR(ld, x, "'memory' is not a size: %s (write e.g. 512m, 2g or a number of bytes)",
			    node_describe(x, t, sizeof(t)));
			ret = -1;
		} else if (h->memory == 0) {
			ERR(ld, x, "'memory' must be more than 0 (leave it out for no limit)");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "runtime"))) {
		if (!(h->runtime = value_str(ld, x, "runtime", 0)))
			ret = -1;
		else if (!word_ok(h->runtime)) {
			ERR(ld, x, "'runtime' must be a runtime's name such as runc, not '%s'", h->runtime);
			ret = -1;
		}
	}
	return ret;
}

static int
host_volumes(struct ld *ld, yaml_node_t *x, struct host *h)
{
	yaml_node_item_t *it;
	char t[64];
	int ret = 0;

	if (x->type != YAML_SEQUENCE_NODE) {
		ERR(ld, x, "'volumes' must be a list, not %s", node_describe(x, t, sizeof(t)));
		return -1;
	}
	h->volumes = xcalloc(x->data.sequence.items.top - x->data.sequence.items.start + 1,
	                     sizeof(*h->volumes));
	for (it = x->data.sequence.items.start; it < x->data.sequence.items.top; it++)
		if (load_volume(ld, nd(ld, *it), &h->volumes[h->nvolumes++]) < 0)
			ret = -1;
	return ret;
}

/* A native host runs its process on the host itself, with the limits a
 * cgroup and setrlimit give (runners/run/native.h): what only a container
 * can have is refused here, at its place, never ignored when running. */
static void
host_native_check(struct ld *ld, const struct map *mp, const struct host *h)
{
	static const char *const refused[][2] = {
		{ "sysctls", "sysctls are the whole host's (set them on the host itself)" },
		{ "runtime", "no OCI runtime runs a native process" },
		{ "privileged", "a native process has the host's privileges as the image's user" },
	};
	const struct pair *pr;
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if ((pr = map_pair(mp, refused[i][0])))
			ERR(ld, pr->knode, "'%s' does not apply to a native host: %s", refused[i][0],
			    refused[i][1]);
	if ((pr = map_pair(mp, "network")) && h->network && strcmp(h->network, "host") != 0)
		ERR(ld, pr->val, "network '%s' does not apply to a native host: it runs on the host's "
		    "network (leave 'network' out, or write host)", h->network);
	for (i = 0; i < h->nvolumes; i++)
		if (h->volumes[i].source && h->volumes[i].source[0] != '/')
			diag_add(&ld->d, h->volumes[i].mark, "volume '%s' does not apply to a native host: "
				 "it mounts host paths only", h->volumes[i].source);
}

int
load_host(struct ld *ld, yaml_node_t *v, struct host *h)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	h->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a host must be a map with a 'name', not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_host, "a host");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "a host needs a 'name'");
		ret = -1;
	} else if (!(h->name = value_str(ld, x, "name", 0)) ||
	           check_slug_name(ld, x, "host", h->name) < 0) {
		ret = -1;
	}
	if ((x = map_get(&mp, "native")) && value_bool(ld, x, "native", &h->native) < 0)
		ret = -1;
	if (host_network(ld, &mp, h) < 0)
		ret = -1;
	if (host_limits(ld, &mp, h) < 0)
		ret = -1;
	if ((x = map_get(&mp, "volumes")) && host_volumes(ld, x, h) < 0)
		ret = -1;
	if ((x = map_get(&mp, "privileged")) && value_bool(ld, x, "privileged", &h->privileged) < 0)
		ret = -1;
	if ((x = map_get(&mp, "env")) && value_kvlist(ld, x, "env", &h->env) < 0)
		ret = -1;
	if ((x = map_get(&mp, "sysctls")) && value_kvlist(ld, x, "sysctls", &h->sysctls) < 0)
		ret = -1;
	if ((x = map_get(&mp, "ulimits")) && load_ulimits(ld, x, h) < 0)
		ret = -1;
	if ((x = map_get(&mp, "engine")) &&
	    (!(h->engine = value_str(ld, x, "engine", 0)) || check_engine(ld, x, h->engine) < 0))
		ret = -1;
	if ((x = map_get(&mp, "apply_to"))) {
		int a = value_choice_key(ld, x, mkey(mkeys_host, "apply_to"));

		if (a < 0)
			ret = -1;
		else
			h->apply_to = a == 0 ? APPLY_BOTH : a == 1 ? APPLY_SERVER : APPLY_CLIENT;
	}
	if ((x = map_get(&mp, "profile")) && load_profile(ld, x, &h->profile) < 0)
		ret = -1;
	if (h->native)
		host_native_check(ld, &mp, h);
	map_release(&mp);
	return ret;
}
