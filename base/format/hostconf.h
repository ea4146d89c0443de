/* hostconf.h: a host config as the edges receive it, written down once:
 * conf/host/H.json (struct hostfile: gen/conf.c encodes it, the cells edge,
 * gen/compose.c, decodes it), the "hostconfig" object inside it and inside
 * cells/ID/run.json (struct hostconf: base/format/run.h), and a pair's
 * "apply_to" (docs/design.md, "The results folder"). The readers use the
 * structs, never the JSON keys; gen and the run layer take apply_to_side's
 * rule.
 *
 * The JSON, keys in this order (gen wrote it validated; the decoder
 * refuses only what is not an object):
 *   {"network": "bridge", "cpuset": "0-1" | null, "cpus": 1.5, "memory": BYTES,
 *    "runtime": NAME | null, "volumes": [{"source", "target", "readonly"}],
 *    "privileged": false, "sysctls": {NAME: VALUE}, "ulimits": [{"name", "soft", "hard"}]}
 */
#ifndef JOCKEY_FORMAT_HOSTCONF_H
#define JOCKEY_FORMAT_HOSTCONF_H

#include <stddef.h>

#include <jansson.h>

struct hostconf_volume {
	const char *source;     /* host path (absolute) or named volume */
	const char *target;     /* path in the container */
	int readonly;
};

struct hostconf_ulimit {
	const char *name;
	long long soft, hard;   /* -1: unlimited */
};

/* Strings and sysctls are borrowed: from the struct host gen encodes, or
 * from the JSON object decoded; the arrays belong to the struct after a
 * decode (hostconf_release). */
struct hostconf {
	const char *network;    /* "bridge" (when absent), "host", "none" or a network's name */
	const char *cpuset;     /* "0-1", "1", NULL: any CPU */
	double cpus;            /* 0: unlimited */
	long long memory;       /* bytes, 0: unlimited */
	const char *runtime;    /* NULL: the engine's default */
	struct hostconf_volume *volumes;
	size_t nvolumes;
	int privileged;
	json_t *sysctls;        /* {NAME: VALUE}, or NULL: none */
	struct hostconf_ulimit *ulimits;
	size_t nulimits;
};

/* Which sides of a pair a host config applies to; a plain cell's one side
 * ("main") always gets it. */
enum apply_to { APPLY_BOTH, APPLY_SERVER, APPLY_CLIENT };

/* The JSON of hc, a new object. */
json_t *hostconf_encode(const struct hostconf *hc);
/* Fill hc from o (NULL or not an object: the engine's defaults, an empty
 * struct but for network "bridge"). */
void hostconf_decode(struct hostconf *hc, json_t *o);
/* Free what hostconf_decode allocated. */
void hostconf_release(struct hostconf *hc);

/* conf/host/H.json: one host of the matrix as gen resolved it. Keys in
 * this order: schema, name, native, engine, engine_suffix, pool, env,
 * apply_to, hostconfig, matrix, dir. Strings and env are borrowed (from the
 * caller when encoding, from the object when decoding). */
struct hostfile {
	const char *name;
	int native;              /* run the image's files without a container */
	const char *engine;      /* the engine's URL */
	const char *engine_suffix; /* ".eN" in image keys when the matrix has several engines, else "" */
	const char *pool;        /* engine_N, its ninja pool */
	json_t *env;             /* {NAME: VALUE}, on top of a benchmark's where the config applies */
	enum apply_to apply_to;
	struct hostconf hc;
	const char *matrix;      /* the matrix's name */
	const char *dir;         /* the results folder */
};

/* The JSON of h, a new object. */
json_t *hostfile_encode(const struct hostfile *h);
/* Fill h from o, the content of the file path: 0, or -1 with a message
 * when o is not a host file (no "matrix"). */
int hostfile_decode(struct hostfile *h, json_t *o, const char *path);
/* Free what hostfile_decode allocated. */
void hostfile_release(struct hostfile *h);

/* "both", "server" or "client". */
const char *apply_to_name(enum apply_to a);
/* The inverse; NULL (a plain cell's run.json has none) or anything else is
 * APPLY_BOTH. */
enum apply_to apply_to_parse(const char *name);
/* 1 when the host config applies to the side role ("main", "server",
 * "client"): the rule, decided here once. */
int apply_to_side(enum apply_to a, const char *role);

#endif
