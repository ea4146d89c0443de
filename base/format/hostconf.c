/* hostconf.c: a host config's JSON, both ways (see hostconf.h). */
#include <stdlib.h>
#include <string.h>

#include "base/format/hostconf.h"
#include "base/util.h"

static json_t *
jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* cpus as gen always wrote it: an integer when it is whole. */
static json_t *
number_plain(double d)
{
	if (d == (double)(json_int_t)d)
		return json_integer((json_int_t)d);
	return json_real(d);
}

json_t *
hostconf_encode(const struct hostconf *hc)
{
	json_t *vols = json_array(), *ulim = json_array();
	size_t i;

	for (i = 0; i < hc->nvolumes; i++)
		json_array_append_new(vols, json_pack("{s:s, s:s, s:b}", "source", hc->volumes[i].source,
						      "target", hc->volumes[i].target,
						      "readonly", hc->volumes[i].readonly));
	for (i = 0; i < hc->nulimits; i++)
		json_array_append_new(ulim, json_pack("{s:s, s:I, s:I}", "name", hc->ulimits[i].name,
						      "soft", (json_int_t)hc->ulimits[i].soft,
						      "hard", (json_int_t)hc->ulimits[i].hard));
	return json_pack("{s:s, s:o, s:o, s:I, s:o, s:o, s:b, s:O, s:o}",
			 "network", hc->network ? hc->network : "bridge",
			 "cpuset", jstr_or_null(hc->cpuset),
			 "cpus", number_plain(hc->cpus),
			 "memory", (json_int_t)hc->memory,
			 "runtime", jstr_or_null(hc->runtime),
			 "volumes", vols,
			 "privileged", hc->privileged,
			 "sysctls", hc->sysctls ? hc->sysctls : json_object(),
			 "ulimits", ulim);
}

void
hostconf_decode(struct hostconf *hc, json_t *o)
{
	json_t *vols = json_object_get(o, "volumes"), *ulim = json_object_get(o, "ulimits"), *v;
	size_t i;

	memset(hc, 0, sizeof(*hc));
	hc->network = json_string_value(json_object_get(o, "network"));
	if (!hc->network)
		hc->network = "bridge";
	hc->cpuset = json_string_value(json_object_get(o, "cpuset"));
	hc->cpus = json_number_value(json_object_get(o, "cpus"));
	hc->memory = (long long)json_number_value(json_object_get(o, "memory"));
	hc->runtime = json_string_value(json_object_get(o, "runtime"));
	hc->privileged = json_is_true(json_object_get(o, "privileged"));
	hc->sysctls = json_is_object(json_object_get(o, "sysctls")) ? json_object_get(o, "sysctls") : NULL;
	hc->volumes = xcalloc(json_array_size(vols) + 1, sizeof(*hc->volumes));
	json_array_foreach(vols, i, v) {
		struct hostconf_volume *d = &hc->volumes[hc->nvolumes];

		d->source = json_string_value(json_object_get(v, "source"));
		d->target = json_string_value(json_object_get(v, "target"));
		d->readonly = json_is_true(json_object_get(v, "readonly"));
		/* gen writes both; a volume without them mounts nothing */
		if (d->source && d->target)
			hc->nvolumes++;
	}
	hc->ulimits = xcalloc(json_array_size(ulim) + 1, sizeof(*hc->ulimits));
	json_array_foreach(ulim, i, v) {
		struct hostconf_ulimit *d = &hc->ulimits[hc->nulimits++];

		d->name = json_string_value(json_object_get(v, "name"));
		d->soft = json_integer_value(json_object_get(v, "soft"));
		d->hard = json_integer_value(json_object_get(v, "hard"));
	}
}

void
hostconf_release(struct hostconf *hc)
{
	free(hc->volumes);
	free(hc->ulimits);
	memset(hc, 0, sizeof(*hc));
}

json_t *
hostfile_encode(const struct hostfile *h)
{
	return json_pack("{s:i, s:s, s:b, s:s, s:s, s:s, s:O, s:s, s:o, s:s, s:s}", "schema", 1,
			 "name", h->name, "native", h->native, "engine", h->engine,
			 "engine_suffix", h->engine_suffix, "pool", h->pool, "env", h->env,
			 "apply_to", apply_to_name(h->apply_to), "hostconfig", hostconf_encode(&h->hc),
			 "matrix", h->matrix, "dir", h->dir);
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
hostfile_decode(struct hostfile *h, json_t *o, const char *path)
{
	memset(h, 0, sizeof(*h));
	h->matrix = str(o, "matrix");
	if (!h->matrix)
		return error("'%s' is not a host file of jockey's", path);
	h->name = str(o, "name");
	h->native = json_is_true(json_object_get(o, "native"));
	h->engine = str(o, "engine");
	h->engine_suffix = str(o, "engine_suffix");
	h->pool = str(o, "pool");
	h->env = json_object_get(o, "env");
	h->apply_to = apply_to_parse(str(o, "apply_to"));
	hostconf_decode(&h->hc, json_object_get(o, "hostconfig"));
	h->dir = str(o, "dir");
	return 0;
}

void
hostfile_release(struct hostfile *h)
{
	hostconf_release(&h->hc);
	memset(h, 0, sizeof(*h));
}

const char *
apply_to_name(enum apply_to a)
{
	return a == APPLY_SERVER ? "server" : a == APPLY_CLIENT ? "client" : "both";
}

enum apply_to
apply_to_parse(const char *name)
{
	if (name && strcmp(name, "server") == 0)
		return APPLY_SERVER;
	if (name && strcmp(name, "client") == 0)
		return APPLY_CLIENT;
	return APPLY_BOTH;
}

int
apply_to_side(enum apply_to a, const char *role)
{
	if (strcmp(role, "server") == 0)
		return a != APPLY_CLIENT;
	if (strcmp(role, "client") == 0)
		return a != APPLY_SERVER;
	return 1;
}
