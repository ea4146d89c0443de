/* load.h: what the files of the matrix loader (gen/matrix/) share; not for
 * other modules, which see matrix.h.
 *
 * The loader reads libyaml's document (aliases already resolved: an alias is
 * one more reference to its node) through a thin layer: node access and
 * how a node reads in a message (yaml.c), maps with '<<' merge keys
 * flattened (yaml.c), typed values (value.c). Each part of the schema has
 * its file (parser.c, bench.c, image.c, host.c, select.c) and load.c the
 * whole file. Every problem becomes a diagnostic with its place (diag.h). */
#ifndef JOCKEY_MATRIX_LOAD_H
#define JOCKEY_MATRIX_LOAD_H

#include <stddef.h>
#include <string.h>

#include <yaml.h>

#include "gen/matrix.h"
#include "gen/matrix/diag.h"
#include "gen/matrix/keys.h"

/* What defaults: gives every benchmark that does not say otherwise. */
struct defaults {
	int repeat, warmup;
	int repeat_max;         /* see struct benchmark */
	double precision;
	char *precision_metric;
	long timeout_ms;
	struct parser *parsers;
	size_t nparsers;
	int has_parser;         /* defaults.parser was given */
	struct kvlist env;
};

/* The loader's state. */
struct ld {
	yaml_document_t doc;
	struct diags d;
	struct matrix *m;       /* being filled */
	struct defaults def;
	unsigned char *state;   /* per node: 0 new, 1 being walked, 2 done */
	size_t *size;           /* per node: nodes below, aliases expanded */
	int *height;            /* per node: levels below */
};

/* ---- nodes (yaml.c) ---- */

/* Node i of the document (1-based, as libyaml counts), or NULL. */
static inline yaml_node_t *
nd(struct ld *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

/* Where a node starts, 1-based. */
static inline struct mark
nmark(const yaml_node_t *n)
{
	struct mark m = { (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };

	return m;
}

/* A problem at node. */
#define ERR(ld, node, ...) diag_add(&(ld)->d, nmark(node), __VA_ARGS__)

/* A scalar's text. */
static inline const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain scalar that YAML reads as null: "", "~", "null". */
static inline int
is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = sval(n);
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* How a node reads in a message: "a list", "a map", "null" or 'its text'
 * (cut short), written in out when it needs room. */
const char *node_describe(const yaml_node_t *n, char *out, size_t size);

/* ---- maps, with '<<' merge keys flattened (yaml.c) ---- */

struct pair {
	const char *key;        /* points into libyaml's node: load time only */
	yaml_node_t *knode, *val;
};

struct map {
	struct pair *v;
	size_t n;
	yaml_node_t *node;
};

/* Flatten node's pairs into mp: its own keys first, then the keys merged with
 * '<<' that it does not set itself (from a list of maps, the first wins).
 * Returns -1, with nothing reported, when node is not a map. */
int map_load(struct ld *ld, yaml_node_t *node, struct map *mp);
struct pair *map_pair(const struct map *mp, const char *key);
/* The value of key, or NULL. */
yaml_node_t *map_get(const struct map *mp, const char *key);
void map_push(struct map *mp, const char *key, yaml_node_t *k, yaml_node_t *v);
void map_release(struct map *mp);
/* Report every key of mp that is not one of known; what: "a benchmark". */
void map_check_keys(struct ld *ld, const struct map *mp, const struct mkey *known, const char *what);

/* ---- typed values (value.c): 0 (or a fresh string), else -1 (or NULL)
 * with the problem reported at v; key names the value in messages ---- */

enum { S_EMPTY_OK = 1 };  /* value_str, value_strlist: "" is a value */

char *value_str(struct ld *ld, yaml_node_t *v, const char *key, int flags);
int value_long(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, long *out);
int value_int(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, int *out);
int value_double(struct ld *ld, yaml_node_t *v, const char *key, double min_excl, double max,
                 double *out);
int value_bool(struct ld *ld, yaml_node_t *v, const char *key, int *out);
/* One of the NULL-terminated choices; returns its index or -1. */
int value_choice(struct ld *ld, yaml_node_t *v, const char *key, const char *const *choices);
/* The same, with the name, range or choices of k (keys.h). */
int value_int_key(struct ld *ld, yaml_node_t *v, const struct mkey *k, int *out);
int value_double_key(struct ld *ld, yaml_node_t *v, const struct mkey *k, double *out);
int value_choice_key(struct ld *ld, yaml_node_t *v, const struct mkey *k);
int value_duration(struct ld *ld, yaml_node_t *v, const char *key, long *out);
/* A list of strings. hint, if not NULL, follows the error for a lone string. */
int value_strlist(struct ld *ld, yaml_node_t *v, const char *key, int flags, const char *hint,
                  struct strlist *out);
/* A map of names to string values, added to (and overriding entries of) out.
 * For env and build_args a name holds no '='. */
int value_kvlist(struct ld *ld, yaml_node_t *v, const char *key, struct kvlist *out);
/* Check that a slug-only name (matrix, benchmark, host) is one. */
int check_slug_name(struct ld *ld, yaml_node_t *v, const char *what, const char *name);

void strlist_release(struct strlist *l);
void strlist_copy(struct strlist *dst, const struct strlist *src);
/* Set key to value (copies), replacing an entry of that key. */
void kv_set(struct kvlist *l, const char *key, const char *value, struct mark mark);
void kvlist_release(struct kvlist *l);

/* ---- the parts of the schema ---- */

/* parser.c: parser: one parser or a list of them. */
int load_parsers(struct ld *ld, yaml_node_t *v, struct parser **out, size_t *n);
void parser_copy(struct parser *dst, const struct parser *src);
void parsers_free(struct parser *p, size_t n);
/* Compile a PCRE2 pattern to check it; need_group: it must capture. */
int check_regex(struct ld *ld, yaml_node_t *v, const char *key, const char *pattern, int need_group);

/* bench.c */
int load_benchmark(struct ld *ld, yaml_node_t *v, struct benchmark *b);
void side_release(struct side *s);
/* ready: {tcp | log | command | http, timeout}; r->timeout_ms holds the default. */
int load_ready(struct ld *ld, yaml_node_t *v, struct ready *r);
void ready_release(struct ready *r);

/* lifecycle.c: a benchmark's lifecycle: (v) and what it rules out beside it
 * in the benchmark's map mp; loads its container into b->main. */
int load_lifecycle(struct ld *ld, const struct map *mp, yaml_node_t *v, struct benchmark *b);
void lifecycle_free(struct lifecycle *lc);

/* profile.c: profile: true, false or {frequency, call_graph, repeat}. */
int load_profile(struct ld *ld, yaml_node_t *v, struct profile *p);
/* image.c */
int load_image(struct ld *ld, yaml_node_t *v, struct image *im);
/* A tag "1.27" or a digest "sha256:<hex>" of image (NULL: unknown). */
int check_tag(struct ld *ld, yaml_node_t *v, const char *tag, const char *image);

/* Checks for duplicate names and for different names that make the same id.
 * Sorting by (id, name, order) finds each entry's first namesake; sorting
 * by (id, order) then reports every later entry against the first one. */
struct named {
	char *id;               /* owned: what must be unique */
	const char *name;       /* borrowed: what the user wrote */
	struct mark mark;
	size_t seq;             /* order in the file */
	struct mark first;      /* set here: where the first namesake is */
	int repeat;             /* set here: a namesake came before */
};

/* what: "image"; in: " in image 'debian'" or "". same_name: also report
 * exact duplicates (else only different names that collide). Frees v. */
void check_names(struct ld *ld, struct named *v, size_t n, const char *what, const char *in,
                 int same_name);

/* host.c */
int load_host(struct ld *ld, yaml_node_t *v, struct host *h);

/* select.c: include, exclude (key) and baseline, which name the entries
 * above. */
int load_selectors(struct ld *ld, yaml_node_t *v, const char *key, struct selector **out, size_t *n);
int load_baseline(struct ld *ld, yaml_node_t *v);
/* order.c: the top's order: (v may be NULL: the default, whose seed comes
 * from the name, so the name is loaded first). */
int load_order(struct ld *ld, yaml_node_t *v);
/* repeat: N or {min, max, precision, metric} into *repeat and, adaptive,
 * *max, *precision and *metric (replaced: the old one is freed). */
int load_repeat(struct ld *ld, yaml_node_t *v, int *repeat, int *max, double *precision,
		char **metric);
/* A benchmark's repeat and adaptive settings: the defaults', or its own
 * repeat: v (may be NULL). */
int load_bench_repeat(struct ld *ld, yaml_node_t *v, struct benchmark *b);

#endif
