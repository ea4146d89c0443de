/* matrix.c: load the matrix YAML into struct matrix and check all of it.
 *
 * libyaml's document API gives a node graph with aliases already resolved
 * (an alias is one more reference to the anchored node). On top of it this
 * file implements '<<' merge keys, the schema of docs/matrix.md, and the
 * checks across entries (duplicate names, references, ids). Every problem is
 * collected as a diagnostic with its place; matrix_load prints them all in
 * file order and returns NULL if there was any.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml.h>

#include "base/buf.h"
#include "gen/matrix.h"
#include "gen/matrix_priv.h"
#include "base/util.h"

/* Bounds that keep a hostile file (alias bombs, deep nesting) from taking
 * unbounded time or stack: a real matrix is far below both. */
enum { MAX_DEPTH = 64, MAX_NODES = 100000 };

/* ---- diagnostics ---------------------------------------------------- */

void
diag_add(struct diags *d, struct mark mark, const char *fmt, ...)
{
	struct buf b = BUF_INIT, clean = BUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* A message is one line whatever the user's strings hold. */
	for (i = 0; i < b.len; i++) {
		unsigned char c = b.data[i];

		if (c == '\n')
			buf_puts(&clean, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_putc(&clean, '?');
		else
			buf_putc(&clean, c);
	}
	buf_release(&b);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].mark = mark;
	d->v[d->n].seq = d->n;
	d->v[d->n].msg = buf_detach(&clean, NULL);
	d->n++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->mark.line != y->mark.line)
		return x->mark.line < y->mark.line ? -1 : 1;
	if (x->mark.col != y->mark.col)
		return x->mark.col < y->mark.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t
diag_print(struct diags *d)
{
	size_t i, j, printed = 0;

	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
	for (i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		int seen = 0;

		/* An aliased node is checked once per reference: say it once. */
		for (j = i; j-- > 0 && d->v[j].mark.line == x->mark.line &&
		            d->v[j].mark.col == x->mark.col;)
			if (strcmp(d->v[j].msg, x->msg) == 0)
				seen = 1;
		if (seen)
			continue;
		if (x->mark.line > 0)
			warn("%s:%d:%d: %s", d->file, x->mark.line, x->mark.col, x->msg);
		else
			warn("%s: %s", d->file, x->msg);
		printed++;
	}
	return printed;
}

void
diag_release(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

/* ---- small string helpers ------------------------------------------- */

char *
matrix_slug(const char *s)
{
	char *p = xstrdup(s), *q;

	for (q = p; *q; q++) {
		unsigned char c = tolower((unsigned char)*q);

		*q = (isalnum(c) && c < 0x80) || c == '.' || c == '_' || c == '-' ? c : '-';
	}
	return p;
}

static int
is_slug(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, ret;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j], best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	ret = row[lb];
	free(row);
	return ret;
}

/* The closest of the NULL-terminated words to s, if close enough to be a
 * likely typo, else NULL. */
static const char *
suggest(const char *s, const char *const *words)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, limit = strlen(s) < 4 ? 1 : 2;

	for (; *words; words++) {
		size_t d = edit_distance(s, *words);

		if (d < bestd) {
			bestd = d;
			best = *words;
		}
	}
	return bestd <= limit ? best : NULL;
}

static char *
join_words(const char *const *words, const char *last_sep)
{
	struct buf b = BUF_INIT;
	size_t i, n;

	for (n = 0; words[n]; n++)
		;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, i + 1 == n ? last_sep : ", ");
		buf_puts(&b, words[i]);
	}
	return buf_detach(&b, NULL);
}

/* Lexically normalised absolute path of rel against the absolute dir. */
static char *
path_resolve(const char *dir, const char *rel)
{
	char *joined = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", dir, rel);
	char *out = xmalloc(strlen(joined) + 2), *seg, *save = NULL;
	size_t len = 0;

	out[0] = '\0';
	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		out[len++] = '/';
		strcpy(out + len, seg);
		len += strlen(seg);
	}
	if (len == 0)
		strcpy(out, "/");
	free(joined);
	return out;
}

/* ---- durations and sizes -------------------------------------------- */

long
parse_duration_ms(const char *s)
{
	long long total = 0;
	const char *p;
	int bare;

	if (!s || !*s)
		return -1;
	bare = s[strspn(s, "0123456789")] == '\0'; /* a bare number counts seconds */
	for (p = s; *p;) {
		long long n = 0, unit;

		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			n = n * 10 + (*p - '0');
			if (n > LONG_MAX / 1000)
				return -1;
		}
		if (bare)
			unit = 1000;
		else if (p[0] == 'm' && p[1] == 's')
			unit = 1, p += 2;
		else if (*p == 's')
			unit = 1000, p++;
		else if (*p == 'm')
			unit = 60000, p++;
		else if (*p == 'h')
			unit = 3600000, p++;
		else
			return -1;
		if (n > (LONG_MAX - total) / unit)
			return -1;
		total += n * unit;
	}
	return (long)total;
}

long long
parse_size(const char *s)
{
	static const struct { const char *suffix; int shift; } units[] = {
		{ "", 0 }, { "b", 0 },
		{ "k", 10 }, { "kb", 10 }, { "kib", 10 },
		{ "m", 20 }, { "mb", 20 }, { "mib", 20 },
		{ "g", 30 }, { "gb", 30 }, { "gib", 30 },
		{ "t", 40 }, { "tb", 40 }, { "tib", 40 },
	};
	long long n = 0;
	const char *p = s;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (LLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(p, units[i].suffix) != 0)
			continue;
		if (n > (LLONG_MAX >> units[i].shift))
			return -1;
		return n << units[i].shift;
	}
	return -1;
}

/* ---- the loader's state and YAML access ----------------------------- */

struct defaults {
	int repeat, warmup;
	long timeout_ms;
	struct parser *parsers;
	size_t nparsers;
	int has_parser;         /* defaults.parser was given */
	struct kvlist env;
};

struct ld {
	yaml_document_t doc;
	struct diags d;
	struct matrix *m;
	struct defaults def;
	unsigned char *state;   /* per node: 0 new, 1 being walked, 2 done */
	size_t *size;           /* per node: nodes below, aliases expanded */
	int *height;            /* per node: levels below */
};

static yaml_node_t *
nd(struct ld *ld, int i)
{
	return yaml_document_get_node(&ld->doc, i);
}

static struct mark
nmark(const yaml_node_t *n)
{
	struct mark m = { (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };

	return m;
}

#define ERR(ld, node, ...) diag_add(&(ld)->d, nmark(node), __VA_ARGS__)

static const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
is_null(const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = sval(n);
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

/* How a node reads in a message: "a list", "a map", "null" or 'its text'. */
static const char *
describe(const yaml_node_t *n, char *out, size_t size)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (n->type == YAML_MAPPING_NODE)
		return "a map";
	if (is_null(n))
		return "null";
	if (n->data.scalar.length > 40) {
		int cut = 37;

		/* cut at a character's start, not inside a UTF-8 sequence */
		while (cut > 0 && ((unsigned char)sval(n)[cut] & 0xc0) == 0x80)
			cut--;
		snprintf(out, size, "'%.*s...'", cut, sval(n));
	} else {
		snprintf(out, size, "'%s'", sval(n));
	}
	return out;
}

/* Walk the graph once: find alias cycles, and bound the nesting and the size
 * that aliases expand to, so that the schema walk below cannot recurse or
 * loop without end. */
static int
doc_walk(struct ld *ld, int idx, int depth)
{
	yaml_node_t *n = nd(ld, idx);
	size_t size = 1;
	int height = 0, i;

	if (!n)
		return -1;
	i = idx - 1;
	if (ld->state[i] == 1) {
		ERR(ld, n, "an alias refers to a node that contains it");
		return -1;
	}
	if (ld->state[i] == 0) {
		int kids[2];
		ld->state[i] = 1;
		if (depth + 1 > MAX_DEPTH) {
			ERR(ld, n, "nesting deeper than %d levels", MAX_DEPTH);
			return -1;
		}
		if (n->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *it;

			for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
				if (doc_walk(ld, *it, depth + 1) < 0)
					return -1;
				size += ld->size[*it - 1];
				if (ld->height[*it - 1] + 1 > height)
					height = ld->height[*it - 1] + 1;
				if (size > MAX_NODES)
					size = MAX_NODES + 1;
			}
		} else if (n->type == YAML_MAPPING_NODE) {
			yaml_node_pair_t *p;

			for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
				int k;

				kids[0] = p->key;
				kids[1] = p->value;
				for (k = 0; k < 2; k++) {
					if (doc_walk(ld, kids[k], depth + 1) < 0)
						return -1;
					size += ld->size[kids[k] - 1];
					if (ld->height[kids[k] - 1] + 1 > height)
						height = ld->height[kids[k] - 1] + 1;
					if (size > MAX_NODES)
						size = MAX_NODES + 1;
				}
			}
		}
		ld->state[i] = 2;
		ld->size[i] = size;
		ld->height[i] = height;
	}
	if (depth + ld->height[i] > MAX_DEPTH) {
		ERR(ld, n, "nesting deeper than %d levels", MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* ---- maps, with '<<' merge keys flattened ------------------------------ */

struct pair {
	const char *key;        /* points into libyaml's node: load time only */
	yaml_node_t *knode, *val;
};

struct map {
	struct pair *v;
	size_t n;
	yaml_node_t *node;
};

static struct pair *
map_pair(const struct map *mp, const char *key)
{
	size_t i;

	for (i = 0; i < mp->n; i++)
		if (strcmp(mp->v[i].key, key) == 0)
			return &mp->v[i];
	return NULL;
}

static yaml_node_t *
map_get(const struct map *mp, const char *key)
{
	struct pair *p = map_pair(mp, key);

	return p ? p->val : NULL;
}

static void
map_push(struct map *mp, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	mp->v = xreallocarray(mp->v, mp->n + 1, sizeof(*mp->v));
	mp->v[mp->n].key = key;
	mp->v[mp->n].knode = k;
	mp->v[mp->n].val = v;
	mp->n++;
}

static void
map_release(struct map *mp)
{
	free(mp->v);
	mp->v = NULL;
	mp->n = 0;
}

static int
is_merge_key(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       strcmp(sval(k), "<<") == 0;
}

static int map_load(struct ld *ld, yaml_node_t *node, struct map *mp);

static void
map_merge(struct ld *ld, struct map *mp, yaml_node_t *src)
{
	struct map sub;
	size_t i;

	if (map_load(ld, src, &sub) < 0) {
		char t[64];

		ERR(ld, src, "'<<' must merge a map or a list of maps, not %s",
		    describe(src, t, sizeof(t)));
		return;
	}
	for (i = 0; i < sub.n; i++)
		if (!map_pair(mp, sub.v[i].key))
			map_push(mp, sub.v[i].key, sub.v[i].knode, sub.v[i].val);
	map_release(&sub);
}

/* Flatten node's pairs into mp: its own keys first, then the keys merged with
 * '<<' that it does not set itself (from a list of maps, the first wins).
 * Returns -1, with nothing reported, when node is not a map. */
static int
map_load(struct ld *ld, yaml_node_t *node, struct map *mp)
{
	yaml_node_pair_t *p;

	memset(mp, 0, sizeof(*mp));
	mp->node = node;
	if (!node || node->type != YAML_MAPPING_NODE)
		return -1;
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = nd(ld, p->key), *v = nd(ld, p->value);
		struct pair *prev;
		char t[64];

		if (!k || !v || is_merge_key(k))
			continue;
		if (k->type != YAML_SCALAR_NODE || is_null(k)) {
			ERR(ld, k, "a key must be a string, not %s", describe(k, t, sizeof(t)));
			continue;
		}
		if (strlen(sval(k)) != k->data.scalar.length) {
			ERR(ld, k, "a key must not hold a NUL byte");
			continue;
		}
		if ((prev = map_pair(mp, sval(k)))) {
			ERR(ld, k, "duplicate key '%s' (first at line %d)", sval(k),
			    nmark(prev->knode).line);
			continue;
		}
		map_push(mp, sval(k), k, v);
	}
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = nd(ld, p->key), *v = nd(ld, p->value);

		if (!k || !v || !is_merge_key(k))
			continue;
		if (v->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *it;

			for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				if (nd(ld, *it))
					map_merge(ld, mp, nd(ld, *it));
		} else {
			map_merge(ld, mp, v);
		}
	}
	return 0;
}

/* Report every key of mp that is not one of known. */
static void
map_check_keys(struct ld *ld, const struct map *mp, const char *const *known, const char *what)
{
	size_t i;

	for (i = 0; i < mp->n; i++) {
		const char *const *w, *best;
		char *all;

		for (w = known; *w; w++)
			if (strcmp(*w, mp->v[i].key) == 0)
				break;
		if (*w)
			continue;
		if ((best = suggest(mp->v[i].key, known))) {
			ERR(ld, mp->v[i].knode, "unknown key '%s' in %s (did you mean '%s'?)",
			    mp->v[i].key, what, best);
			continue;
		}
		all = join_words(known, ", ");
		ERR(ld, mp->v[i].knode, "unknown key '%s' in %s (known keys: %s)", mp->v[i].key,
		    what, all);
		free(all);
	}
}

/* ---- typed values ----------------------------------------------------- */

enum { S_EMPTY_OK = 1 };

static char *
get_str(struct ld *ld, yaml_node_t *v, const char *key, int flags)
{
	char t[64];

	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		ERR(ld, v, "'%s' must be a string, not %s", key, describe(v, t, sizeof(t)));
		return NULL;
	}
	if (strlen(sval(v)) != v->data.scalar.length) {
		ERR(ld, v, "'%s' must not hold a NUL byte", key);
		return NULL;
	}
	if (!(flags & S_EMPTY_OK) && v->data.scalar.length == 0) {
		ERR(ld, v, "'%s' must not be empty", key);
		return NULL;
	}
	return xstrdup(sval(v));
}

static int
get_long(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, long *out)
{
	const char *s;
	char *end, t[64];
	long n;

	if (v->type != YAML_SCALAR_NODE || is_null(v))
		goto bad;
	s = sval(v);
	if (!isdigit((unsigned char)s[*s == '-' || *s == '+']))
		goto bad;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end)
		goto bad;
	if (n < min || (errno == ERANGE && n == LONG_MIN)) {
		ERR(ld, v, "'%s' must be at least %ld, not %s", key, min, s);
		return -1;
	}
	if (n > max || errno == ERANGE) {
		ERR(ld, v, "'%s' must be at most %ld, not %s", key, max, s);
		return -1;
	}
	*out = n;
	return 0;
bad:
	ERR(ld, v, "'%s' must be a whole number, not %s", key, describe(v, t, sizeof(t)));
	return -1;
}

static int
get_int(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, int *out)
{
	long n;

	if (get_long(ld, v, key, min, max, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

static int
get_double(struct ld *ld, yaml_node_t *v, const char *key, double min_excl, double max,
           double *out)
{
	char *end, t[64];
	double x;

	if (v->type != YAML_SCALAR_NODE || is_null(v) || !sval(v)[0] ||
	    isspace((unsigned char)sval(v)[0])) {
		ERR(ld, v, "'%s' must be a number, not %s", key, describe(v, t, sizeof(t)));
		return -1;
	}
	x = strtod(sval(v), &end);
	if (*end || !isfinite(x)) {
		ERR(ld, v, "'%s' must be a number, not %s", key, describe(v, t, sizeof(t)));
		return -1;
	}
	if (!(x > min_excl) || x > max) {
		ERR(ld, v, "'%s' must be more than %g and at most %g, not %s", key, min_excl, max,
		    sval(v));
		return -1;
	}
	*out = x;
	return 0;
}

static int
get_bool(struct ld *ld, yaml_node_t *v, const char *key, int *out)
{
	char t[64];

	if (v->type == YAML_SCALAR_NODE) {
		const char *s = sval(v);

		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
			return *out = 1, 0;
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
			return *out = 0, 0;
	}
	ERR(ld, v, "'%s' must be true or false, not %s", key, describe(v, t, sizeof(t)));
	return -1;
}

/* One of the NULL-terminated choices; returns its index or -1. */
static int
get_choice(struct ld *ld, yaml_node_t *v, const char *key, const char *const *choices)
{
	const char *best;
	char t[64], *all;
	int i;

	if (v->type == YAML_SCALAR_NODE && !is_null(v))
		for (i = 0; choices[i]; i++)
			if (strcmp(sval(v), choices[i]) == 0)
				return i;
	all = join_words(choices, " or ");
	best = v->type == YAML_SCALAR_NODE ? suggest(sval(v), choices) : NULL;
	if (best)
		ERR(ld, v, "'%s' must be %s, not %s (did you mean '%s'?)", key, all,
		    describe(v, t, sizeof(t)), best);
	else
		ERR(ld, v, "'%s' must be %s, not %s", key, all, describe(v, t, sizeof(t)));
	free(all);
	return -1;
}

static int
get_duration(struct ld *ld, yaml_node_t *v, const char *key, long *out)
{
	char t[64];
	long ms;

	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		ERR(ld, v, "'%s' must be a duration such as 90s, 5m, 1h30m or 500ms, not %s", key,
		    describe(v, t, sizeof(t)));
		return -1;
	}
	if ((ms = parse_duration_ms(sval(v))) < 0) {
		ERR(ld, v, "'%s' is not a duration: %s (write e.g. 90s, 5m, 1h30m or 500ms)", key,
		    describe(v, t, sizeof(t)));
		return -1;
	}
	if (ms == 0) {
		ERR(ld, v, "'%s' must be longer than 0", key);
		return -1;
	}
	*out = ms;
	return 0;
}

/* A list of strings. hint, if not NULL, follows the error for a lone string. */
static int
get_strlist(struct ld *ld, yaml_node_t *v, const char *key, int flags, const char *hint,
            struct strlist *out)
{
	yaml_node_item_t *it;
	char t[64];
	int ret = 0;

	out->mark = nmark(v);
	if (v->type != YAML_SEQUENCE_NODE) {
		ERR(ld, v, "'%s' must be a list, not %s%s", key, describe(v, t, sizeof(t)),
		    hint && v->type == YAML_SCALAR_NODE ? hint : "");
		return -1;
	}
	out->v = xcalloc(v->data.sequence.items.top - v->data.sequence.items.start + 1,
	                 sizeof(*out->v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = nd(ld, *it);
		char *s;

		if (!item)
			continue;
		if (item->type != YAML_SCALAR_NODE || is_null(item)) {
			ERR(ld, item, "an item of '%s' must be a string, not %s", key,
			    describe(item, t, sizeof(t)));
			ret = -1;
			continue;
		}
		if (!(s = get_str(ld, item, key, flags))) {
			ret = -1;
			continue;
		}
		out->v[out->n++] = s;
	}
	return ret;
}

static void
strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
strlist_copy(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	dst->v = xcalloc(src->n + 1, sizeof(*dst->v));
	for (i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
	dst->n = src->n;
	dst->mark = src->mark;
}

static void
kv_set(struct kvlist *l, const char *key, const char *value, struct mark mark)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].value);
			l->v[i].value = xstrdup(value);
			l->v[i].mark = mark;
			return;
		}
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value);
	l->v[l->n].mark = mark;
	l->n++;
}

static void
kvlist_release(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* A map of names to string values, added to (and overriding entries of) out.
 * For env and build_args a name holds no '='. */
static int
get_kvlist(struct ld *ld, yaml_node_t *v, const char *key, struct kvlist *out)
{
	struct map mp;
	size_t i;
	char t[64];
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'%s' must be a map of names to values, not %s", key,
		    describe(v, t, sizeof(t)));
		return -1;
	}
	for (i = 0; i < mp.n; i++) {
		yaml_node_t *val = mp.v[i].val;

		if (strchr(mp.v[i].key, '=')) {
			ERR(ld, mp.v[i].knode, "a name in '%s' must not hold '=': '%s'", key,
			    mp.v[i].key);
			ret = -1;
		} else if (val->type != YAML_SCALAR_NODE || is_null(val)) {
			ERR(ld, val, "'%s' in '%s' must be a string, not %s (write \"\" for an empty value)",
			    mp.v[i].key, key, describe(val, t, sizeof(t)));
			ret = -1;
		} else if (strlen(sval(val)) != val->data.scalar.length) {
			ERR(ld, val, "'%s' in '%s' must not hold a NUL byte", mp.v[i].key, key);
			ret = -1;
		} else {
			kv_set(out, mp.v[i].key, sval(val), nmark(mp.v[i].knode));
		}
	}
	map_release(&mp);
	return ret;
}

/* Check that a slug-only name (matrix, benchmark, host) is one. */
static int
check_slug_name(struct ld *ld, yaml_node_t *v, const char *what, const char *name)
{
	char *slug;

	if (is_slug(name))
		return 0;
	slug = matrix_slug(name);
	ERR(ld, v, "%s name '%s' must be a slug of lowercase letters, digits, '.', '_' and '-' "
	    "starting with a letter or digit (e.g. '%s')", what, name, slug);
	free(slug);
	return -1;
}

/* ---- parsers ------------------------------------------------------------ */

static const char *const builtin_parsers[] = {
	"sysbench", "stress-ng", "redis-benchmark", "ab", "wrk", "fio", "iperf3", "shell", NULL
};

static void
parser_release(struct parser *p)
{
	free(p->builtin);
	free(p->pattern);
	free(p->metric);
	free(p->unit);
	strlist_release(&p->command);
}

static void
parsers_free(struct parser *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		parser_release(&p[i]);
	free(p);
}

static void
parser_copy(struct parser *dst, const struct parser *src)
{
	*dst = *src;
	dst->builtin = src->builtin ? xstrdup(src->builtin) : NULL;
	dst->pattern = src->pattern ? xstrdup(src->pattern) : NULL;
	dst->metric = src->metric ? xstrdup(src->metric) : NULL;
	dst->unit = src->unit ? xstrdup(src->unit) : NULL;
	strlist_copy(&dst->command, &src->command);
}

/* Compile a PCRE2 pattern to check it; need_group: it must capture. */
static int
check_regex(struct ld *ld, yaml_node_t *v, const char *key, const char *pattern, int need_group)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	uint32_t groups = 0;
	int code;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!re) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		ERR(ld, v, "'%s' is not a valid regex: %s at offset %zu", key, (char *)msg,
		    (size_t)off);
		return -1;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	pcre2_code_free(re);
	if (need_group && groups == 0) {
		ERR(ld, v, "'%s' has no capture group: the value is its first group "
		    "(or the group named 'value')", key);
		return -1;
	}
	return 0;
}

static int
load_parser_one(struct ld *ld, yaml_node_t *v, struct parser *p)
{
	static const char *const keys[] = { "regex", "metric", "unit", "better", "command", NULL };
	static const char *const betters[] = { "higher", "lower", NULL };
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	memset(p, 0, sizeof(*p));
	p->mark = nmark(v);
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		const char *best;
		int i;

		for (i = 0; builtin_parsers[i]; i++)
			if (strcmp(sval(v), builtin_parsers[i]) == 0)
				break;
		if (builtin_parsers[i]) {
			p->kind = PARSER_BUILTIN;
			p->builtin = xstrdup(sval(v));
			return 0;
		}
		if ((best = suggest(sval(v), builtin_parsers))) {
			ERR(ld, v, "unknown parser %s (did you mean '%s'?)", describe(v, t, sizeof(t)),
			    best);
		} else {
			char *all = join_words(builtin_parsers, ", ");

			ERR(ld, v, "unknown parser %s (built-in parsers: %s; or write {regex: ...} or "
			    "{command: [...]})", describe(v, t, sizeof(t)), all);
			free(all);
		}
		return -1;
	}
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a parser must be a built-in name, {regex: ..., metric: ...} or "
		    "{command: [...]}, not %s", describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "a parser");
	if (map_get(&mp, "command")) {
		const char *const *k;

		p->kind = PARSER_COMMAND;
		for (k = keys; *k; k++)
			if (strcmp(*k, "command") && map_pair(&mp, *k)) {
				ERR(ld, map_pair(&mp, *k)->knode,
				    "'%s' does not go with 'command' in a parser (only with 'regex')", *k);
				ret = -1;
			}
		if (get_strlist(ld, map_get(&mp, "command"), "command", S_EMPTY_OK,
		                " (a command is never split: write [prog, arg, ...])", &p->command) < 0)
			ret = -1;
		else if (p->command.n == 0) {
			ERR(ld, map_get(&mp, "command"), "'command' must not be empty");
			ret = -1;
		}
	} else if ((x = map_get(&mp, "regex"))) {
		p->kind = PARSER_REGEX;
		if (!(p->pattern = get_str(ld, x, "regex", 0)) ||
		    check_regex(ld, x, "regex", p->pattern, 1) < 0)
			ret = -1;
		if (!(x = map_get(&mp, "metric"))) {
			ERR(ld, v, "a regex parser needs 'metric': the name of what it measures");
			ret = -1;
		} else if (!(p->metric = get_str(ld, x, "metric", 0))) {
			ret = -1;
		}
		if ((x = map_get(&mp, "unit")) && !(p->unit = get_str(ld, x, "unit", 0)))
			ret = -1;
		if ((x = map_get(&mp, "better"))) {
			int b = get_choice(ld, x, "better", betters);

			if (b < 0)
				ret = -1;
			else
				p->better = b == 0 ? BETTER_HIGHER : BETTER_LOWER;
		}
	} else {
		ERR(ld, v, "a parser map needs 'regex' (with 'metric') or 'command'");
		ret = -1;
	}
	map_release(&mp);
	return ret;
}

/* parser: one parser or a list of them. */
static int
load_parsers(struct ld *ld, yaml_node_t *v, struct parser **out, size_t *n)
{
	int ret = 0;

	if (v->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		*out = xcalloc(v->data.sequence.items.top - v->data.sequence.items.start + 1,
		               sizeof(**out));
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *item = nd(ld, *it);

			if (!item)
				continue;
			if (item->type == YAML_SEQUENCE_NODE) {
				ERR(ld, item, "a parser in a list must be a name or a map, not a list");
				ret = -1;
				continue;
			}
			if (load_parser_one(ld, item, &(*out)[*n]) < 0)
				ret = -1;
			(*n)++;
		}
		return ret;
	}
	*out = xcalloc(1, sizeof(**out));
	*n = 1;
	return load_parser_one(ld, v, &(*out)[0]);
}

/* ---- benchmarks --------------------------------------------------------- */

enum role { ROLE_PLAIN, ROLE_SERVER, ROLE_CLIENT };

static void
side_release(struct side *s)
{
	free(s->context);
	free(s->base);
	kvlist_release(&s->build_args);
	strlist_release(&s->command);
	kvlist_release(&s->env);
	free(s->ready.log);
	strlist_release(&s->ready.command);
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

static int
load_ready(struct ld *ld, yaml_node_t *v, struct ready *r)
{
	static const char *const keys[] = { "tcp", "log", "command", "timeout", NULL };
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0, how = 0;

	r->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'ready' must be a map such as {tcp: 6379}, not %s",
		    describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "'ready'");
	if ((x = map_get(&mp, "tcp"))) {
		how++;
		if (get_int(ld, x, "tcp", 1, 65535, &r->tcp) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "log"))) {
		how++;
		if (!(r->log = get_str(ld, x, "log", 0)) || check_regex(ld, x, "log", r->log, 0) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "command"))) {
		how++;
		if (get_strlist(ld, x, "command", S_EMPTY_OK,
		                " (a command is never split: write [prog, arg, ...])", &r->command) < 0)
			ret = -1;
		else if (r->command.n == 0) {
			ERR(ld, x, "'command' must not be empty");
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "timeout")) && get_duration(ld, x, "timeout", &r->timeout_ms) < 0)
		ret = -1;
	if (how != 1) {
		ERR(ld, v, "'ready' needs exactly one of 'tcp', 'log' or 'command'");
		ret = -1;
	}
	map_release(&mp);
	return ret;
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
	if (outer_env && get_kvlist(ld, outer_env, "env", &s->env) < 0)
		ret = -1;
	if ((x = map_get(mp, "context")) &&
	    (!(s->context = get_str(ld, x, "context", 0)) || check_context(ld, x, s->context) < 0))
		ret = -1;
	if ((x = map_get(mp, "base"))) {
		if (!(s->base = get_str(ld, x, "base", 0)))
			ret = -1;
		else if (!map_get(mp, "context")) {
			ERR(ld, map_pair(mp, "base")->knode,
			    "'base' needs a 'context' to build (without one the image under test runs as it is)");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "build_args"))) {
		if (get_kvlist(ld, x, "build_args", &s->build_args) < 0)
			ret = -1;
		else if (!map_get(mp, "context")) {
			ERR(ld, map_pair(mp, "build_args")->knode, "'build_args' needs a 'context' to build");
			ret = -1;
		}
	}
	if ((x = map_get(mp, "command")) &&
	    get_strlist(ld, x, "command", S_EMPTY_OK,
	                " (a command is never split: write [prog, arg, ...])", &s->command) < 0)
		ret = -1;
	if ((x = map_get(mp, "env")) && get_kvlist(ld, x, "env", &s->env) < 0)
		ret = -1;
	if ((x = map_get(mp, "ready"))) {
		if (role == ROLE_SERVER) {
			if (load_ready(ld, x, &s->ready) < 0)
				ret = -1;
		} else if (role == ROLE_CLIENT) {
			ERR(ld, map_pair(mp, "ready")->knode,
			    "'ready' is for the server: the client starts once the server is ready");
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
	static const char *const keys[] = {
		"context", "base", "build_args", "command", "env", "ready", NULL
	};
	static const char *const shared[] = { "context", "base", "build_args", NULL };
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
		ERR(ld, v, "'%s' must be a map, not %s", key, describe(v, t, sizeof(t)));
		return -1;
	}
	snprintf(what, sizeof(what), "'%s'", key);
	map_check_keys(ld, &mp, keys, what);
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

static const char *const bench_keys[] = {
	"name", "context", "base", "build_args", "command", "env", "repeat", "warmup",
	"timeout", "parser", "images", "server", "client", "ready", NULL
};

static int
load_benchmark(struct ld *ld, yaml_node_t *v, struct benchmark *b)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	size_t i;
	int ret = 0;

	b->mark = nmark(v);
	b->repeat = ld->def.repeat;
	b->warmup = ld->def.warmup;
	b->timeout_ms = ld->def.timeout_ms;
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a benchmark must be a map with 'name' and 'command' (or 'server' and "
		    "'client'), not %s", describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, bench_keys, "a benchmark");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "a benchmark needs a 'name'");
		ret = -1;
	} else if (!(b->name = get_str(ld, x, "name", 0)) ||
	           check_slug_name(ld, x, "benchmark", b->name) < 0) {
		ret = -1;
	}
	b->is_pair = map_get(&mp, "server") || map_get(&mp, "client");
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
	} else {
		if (load_side(ld, &mp, &b->main, ROLE_PLAIN, NULL) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "repeat")) && get_int(ld, x, "repeat", 1, 100000, &b->repeat) < 0)
		ret = -1;
	if ((x = map_get(&mp, "warmup")) && get_int(ld, x, "warmup", 0, 100000, &b->warmup) < 0)
		ret = -1;
	if ((x = map_get(&mp, "timeout")) && get_duration(ld, x, "timeout", &b->timeout_ms) < 0)
		ret = -1;
	if ((x = map_get(&mp, "parser"))) {
		if (load_parsers(ld, x, &b->parsers, &b->nparsers) < 0)
			ret = -1;
	} else if (ld->def.has_parser) {
		b->parsers = xcalloc(ld->def.nparsers + 1, sizeof(*b->parsers));
		for (i = 0; i < ld->def.nparsers; i++)
			parser_copy(&b->parsers[i], &ld->def.parsers[i]);
		b->nparsers = ld->def.nparsers;
	}
	if ((x = map_get(&mp, "images"))) {
		if (get_strlist(ld, x, "images", 0, " (write [name, \"name:tag\", ...])", &b->images) < 0) {
			ret = -1;
		} else if (b->images.n == 0) {
			ERR(ld, x, "'images' must not be empty (leave it out to run on every image)");
			ret = -1;
		} else {
			yaml_node_item_t *it = x->data.sequence.items.start;

			for (i = 0; i < b->images.n; i++, it++)
				if (check_restriction(ld, nd(ld, *it), b->images.v[i]) < 0)
					ret = -1;
		}
	}
	map_release(&mp);
	return ret;
}

/* ---- images ------------------------------------------------------------- */

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

static int
named_cmp_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

static int
named_cmp_seq(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (!c)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

/* what: "image"; in: " in image 'debian'" or "". same_name: also report
 * exact duplicates (else only different names that collide). Frees v. */
static void
check_names(struct ld *ld, struct named *v, size_t n, const char *what, const char *in,
            int same_name)
{
	size_t i, head = 0;

	if (n == 0) {
		free(v);
		return;
	}
	qsort(v, n, sizeof(*v), named_cmp_name);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i].id, v[head].id) || strcmp(v[i].name, v[head].name)) {
			head = i;
			continue;
		}
		v[i].repeat = 1;
		v[i].first = v[head].mark;
	}
	qsort(v, n, sizeof(*v), named_cmp_seq);
	for (i = 1, head = 0; i < n; i++) {
		if (strcmp(v[i].id, v[head].id)) {
			head = i;
		} else if (v[i].repeat) {
			if (same_name)
				diag_add(&ld->d, v[i].mark, "duplicate %s '%s'%s (first at line %d)", what,
				         v[i].name, in, v[i].first.line);
		} else {
			diag_add(&ld->d, v[i].mark, "%s '%s'%s makes the same id '%s' as '%s' at line %d",
			         what, v[i].name, in, v[i].id, v[head].name, v[head].mark.line);
		}
	}
	for (i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static int
check_image_name(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char *p;

	for (p = name; *p; p++) {
		if (isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			continue;
		if (strchr("._/:-", *p) && p != name)
			continue;
		ERR(ld, v, "image name '%s' must be a repository such as 'debian' or "
		    "'127.0.0.1:5000/base' (letters, digits, '.', '_', '-', '/', ':')", name);
		return -1;
	}
	if (p[-1] == ':' || p[-1] == '/') {
		ERR(ld, v, "image name '%s' must not end with '%c'", name, p[-1]);
		return -1;
	}
	return 0;
}

/* A tag "1.27", or a digest "sha256:<hex>". */
static int
tag_ok(const char *t)
{
	const char *colon = strchr(t, ':'), *p;

	if (colon) {
		if (colon == t || strlen(colon + 1) < 32)
			return 0;
		for (p = t; p < colon; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
				return 0;
		for (p = colon + 1; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return 0;
		return 1;
	}
	if (strlen(t) > 128 || *t == '.' || *t == '-')
		return 0;
	for (p = t; *p; p++)
		if (!(isalnum((unsigned char)*p) && (unsigned char)*p < 0x80) && !strchr("_.-", *p))
			return 0;
	return 1;
}

static int
check_tag(struct ld *ld, yaml_node_t *v, const char *tag, const char *image)
{
	if (tag_ok(tag))
		return 0;
	ERR(ld, v, "tag '%s' of image '%s' is not a tag (letters, digits, '_', '.', '-', at most "
	    "128, not starting with '.' or '-') nor a digest (sha256:<hex>)", tag,
	    image ? image : "?");
	return -1;
}

static int
load_image(struct ld *ld, yaml_node_t *v, struct image *im)
{
	static const char *const keys[] = { "name", "tags", "pull", NULL };
	static const char *const pulls[] = { "missing", "always", "never", NULL };
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	im->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "an image must be a map with 'name' and 'tags', not %s",
		    describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "an image");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "an image needs a 'name'");
		ret = -1;
	} else if (!(im->name = get_str(ld, x, "name", 0))) {
		ret = -1;
	} else {
		im->slug = matrix_slug(im->name);
		if (check_image_name(ld, x, im->name) < 0)
			ret = -1;
	}
	if (!(x = map_get(&mp, "tags"))) {
		ERR(ld, v, "an image needs 'tags', e.g. tags: [latest]");
		ret = -1;
	} else if (get_strlist(ld, x, "tags", 0, " (write e.g. [latest])", &im->tags) < 0) {
		ret = -1;
	} else if (im->tags.n == 0) {
		ERR(ld, x, "'tags' must not be empty");
		ret = -1;
	} else {
		yaml_node_item_t *it = x->data.sequence.items.start;
		struct named *nv = xcalloc(im->tags.n, sizeof(*nv));
		char *in = xasprintf(" in image '%s'", im->name ? im->name : "?");
		size_t i;

		for (i = 0; i < im->tags.n; i++, it++) {
			if (check_tag(ld, nd(ld, *it), im->tags.v[i], im->name) < 0)
				ret = -1;
			nv[i].id = matrix_slug(im->tags.v[i]);
			nv[i].name = im->tags.v[i];
			nv[i].mark = nmark(nd(ld, *it));
			nv[i].seq = i;
		}
		check_names(ld, nv, im->tags.n, "tag", in, 1);
		free(in);
	}
	if ((x = map_get(&mp, "pull"))) {
		int p = get_choice(ld, x, "pull", pulls);

		if (p < 0)
			ret = -1;
		else
			im->pull = p == 0 ? PULL_MISSING : p == 1 ? PULL_ALWAYS : PULL_NEVER;
	}
	map_release(&mp);
	return ret;
}

/* ---- hosts -------------------------------------------------------------- */

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
		return path_resolve("/", src);
	if (!strcmp(src, ".") || !strcmp(src, "..") || !strncmp(src, "./", 2) ||
	    !strncmp(src, "../", 3))
		return path_resolve(ld->m->dir, src);
	if (isalnum((unsigned char)src[0]) && word_ok(src))
		return xstrdup(src);
	ERR(ld, v, "volume source '%s' must be an absolute path, a path starting with './' or "
	    "'../' (from the matrix's folder), or a volume name", src);
	return NULL;
}

static int
load_volume(struct ld *ld, yaml_node_t *v, struct volume *vol)
{
	static const char *const keys[] = { "source", "target", "readonly", NULL };
	char *src = NULL, *dst = NULL, t[64];
	int ret = 0;

	vol->mark = nmark(v);
	if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
		char *s = xstrdup(sval(v)), *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c1 || (c2 && strcmp(c2 + 1, "ro") && strcmp(c2 + 1, "rw")) ||
		    strlen(s) != v->data.scalar.length) {
			ERR(ld, v, "a volume must be 'SOURCE:TARGET', 'SOURCE:TARGET:ro' or a map "
			    "{source, target, readonly}, not %s", describe(v, t, sizeof(t)));
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
			    "readonly}, not %s", describe(v, t, sizeof(t)));
			return -1;
		}
		map_check_keys(ld, &mp, keys, "a volume");
		if (!(x = map_get(&mp, "source")))
			ERR(ld, v, "a volume needs a 'source'"), ret = -1;
		else if (!(src = get_str(ld, x, "source", 0)))
			ret = -1;
		if (!(x = map_get(&mp, "target")))
			ERR(ld, v, "a volume needs a 'target'"), ret = -1;
		else if (!(dst = get_str(ld, x, "target", 0)))
			ret = -1;
		if ((x = map_get(&mp, "readonly")) && get_bool(ld, x, "readonly", &vol->readonly) < 0)
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

static const char *const ulimit_names[] = {
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
	"nproc", "rss", "rtprio", "rttime", "sigpending", "stack", NULL
};

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
		if ((best = suggest(name, ulimit_names)))
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
		static const char *const keys[] = { "soft", "hard", NULL };
		struct map mp;
		yaml_node_t *x;

		map_load(ld, v, &mp);
		map_check_keys(ld, &mp, keys, "a ulimit");
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
		    "(N a whole number or 'unlimited'), not %s", name, describe(v, t, sizeof(t)));
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
		    describe(v, t, sizeof(t)));
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

static const char *const host_keys[] = {
	"name", "native", "network", "cpuset", "cpus", "memory", "runtime", "volumes",
	"privileged", "env", "sysctls", "ulimits", "engine", "apply_to", NULL
};

static int
load_host(struct ld *ld, yaml_node_t *v, struct host *h)
{
	static const char *const applies[] = { "both", "server", "client", NULL };
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	h->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a host must be a map with a 'name', not %s", describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, host_keys, "a host");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "a host needs a 'name'");
		ret = -1;
	} else if (!(h->name = get_str(ld, x, "name", 0)) ||
	           check_slug_name(ld, x, "host", h->name) < 0) {
		ret = -1;
	}
	if ((x = map_get(&mp, "native")) && get_bool(ld, x, "native", &h->native) < 0)
		ret = -1;
	if ((x = map_get(&mp, "network"))) {
		if (!(h->network = get_str(ld, x, "network", 0)))
			ret = -1;
		else if (!word_ok(h->network)) {
			ERR(ld, x, "'network' must be bridge, host, none or a network's name, not '%s'",
			    h->network);
			ret = -1;
		}
	}
	if (!h->network)
		h->network = xstrdup("bridge");
	if ((x = map_get(&mp, "cpuset"))) {
		if (!(h->cpuset = get_str(ld, x, "cpuset", 0)))
			ret = -1;
		else if (!check_cpuset(h->cpuset)) {
			ERR(ld, x, "'cpuset' must list CPUs such as \"0\", \"0-3\" or \"0,2\", not '%s'",
			    h->cpuset);
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "cpus")) && get_double(ld, x, "cpus", 0, 4096, &h->cpus) < 0)
		ret = -1;
	if ((x = map_get(&mp, "memory"))) {
		if (x->type != YAML_SCALAR_NODE || (h->memory = parse_size(sval(x))) < 0) {
			ERR(ld, x, "'memory' is not a size: %s (write e.g. 512m, 2g or a number of bytes)",
			    describe(x, t, sizeof(t)));
			ret = -1;
		} else if (h->memory == 0) {
			ERR(ld, x, "'memory' must be more than 0 (leave it out for no limit)");
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "runtime"))) {
		if (!(h->runtime = get_str(ld, x, "runtime", 0)))
			ret = -1;
		else if (!word_ok(h->runtime)) {
			ERR(ld, x, "'runtime' must be a runtime's name such as runc, not '%s'", h->runtime);
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "volumes"))) {
		if (x->type != YAML_SEQUENCE_NODE) {
			ERR(ld, x, "'volumes' must be a list, not %s", describe(x, t, sizeof(t)));
			ret = -1;
		} else {
			yaml_node_item_t *it;

			h->volumes = xcalloc(x->data.sequence.items.top - x->data.sequence.items.start + 1,
			                     sizeof(*h->volumes));
			for (it = x->data.sequence.items.start; it < x->data.sequence.items.top; it++)
				if (load_volume(ld, nd(ld, *it), &h->volumes[h->nvolumes++]) < 0)
					ret = -1;
		}
	}
	if ((x = map_get(&mp, "privileged")) && get_bool(ld, x, "privileged", &h->privileged) < 0)
		ret = -1;
	if ((x = map_get(&mp, "env")) && get_kvlist(ld, x, "env", &h->env) < 0)
		ret = -1;
	if ((x = map_get(&mp, "sysctls")) && get_kvlist(ld, x, "sysctls", &h->sysctls) < 0)
		ret = -1;
	if ((x = map_get(&mp, "ulimits")) && load_ulimits(ld, x, h) < 0)
		ret = -1;
	if ((x = map_get(&mp, "engine")) &&
	    (!(h->engine = get_str(ld, x, "engine", 0)) || check_engine(ld, x, h->engine) < 0))
		ret = -1;
	if ((x = map_get(&mp, "apply_to"))) {
		int a = get_choice(ld, x, "apply_to", applies);

		if (a < 0)
			ret = -1;
		else
			h->apply_to = a == 0 ? APPLY_BOTH : a == 1 ? APPLY_SERVER : APPLY_CLIENT;
	}
	map_release(&mp);
	return ret;
}

/* ---- include, exclude, baseline ------------------------------------------ */

static const struct image *
find_image(const struct matrix *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nimages; i++)
		if (m->images[i].name && !strcmp(m->images[i].name, name))
			return &m->images[i];
	return NULL;
}

static int
has_tag(const struct image *im, const char *tag)
{
	size_t i;

	for (i = 0; i < im->tags.n; i++)
		if (!strcmp(im->tags.v[i], tag))
			return 1;
	return 0;
}

/* Report an unknown name with a suggestion among the known ones. */
static void
unknown_name(struct ld *ld, yaml_node_t *v, const char *what, const char *name,
             const char **known, size_t n)
{
	const char *best;

	known[n] = NULL;
	if ((best = suggest(name, known)))
		ERR(ld, v, "unknown %s '%s' (did you mean '%s'?)", what, name, best);
	else
		ERR(ld, v, "unknown %s '%s'", what, name);
}

static int
check_image_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	if (find_image(ld->m, name))
		return 0;
	known = xcalloc(ld->m->nimages + 1, sizeof(*known));
	for (i = 0; i < ld->m->nimages; i++)
		if (ld->m->images[i].name)
			known[n++] = ld->m->images[i].name;
	unknown_name(ld, v, "image", name, known, n);
	free(known);
	return -1;
}

static int
check_bench_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	for (i = 0; i < ld->m->nbenchmarks; i++)
		if (ld->m->benchmarks[i].name && !strcmp(ld->m->benchmarks[i].name, name))
			return 0;
	known = xcalloc(ld->m->nbenchmarks + 1, sizeof(*known));
	for (i = 0; i < ld->m->nbenchmarks; i++)
		if (ld->m->benchmarks[i].name)
			known[n++] = ld->m->benchmarks[i].name;
	unknown_name(ld, v, "benchmark", name, known, n);
	free(known);
	return -1;
}

static int
check_host_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	for (i = 0; i < ld->m->nhosts; i++)
		if (ld->m->hosts[i].name && !strcmp(ld->m->hosts[i].name, name))
			return 0;
	known = xcalloc(ld->m->nhosts + 1, sizeof(*known));
	for (i = 0; i < ld->m->nhosts; i++)
		if (ld->m->hosts[i].name)
			known[n++] = ld->m->hosts[i].name;
	unknown_name(ld, v, "host", name, known, n);
	free(known);
	return -1;
}

static int
tag_anywhere(const struct matrix *m, const char *tag)
{
	size_t i;

	for (i = 0; i < m->nimages; i++)
		if (has_tag(&m->images[i], tag))
			return 1;
	return 0;
}

static int
load_selector(struct ld *ld, yaml_node_t *v, const char *key, struct selector *s)
{
	static const char *const keys[] = { "image", "tag", "benchmark", "host", NULL };
	int include = !strcmp(key, "include"), ret = 0;
	struct map mp;
	yaml_node_t *x, *tagv = NULL;
	char t[64], what[32];

	s->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "an entry of '%s' must be a map such as {image: debian, benchmark: "
		    "sysbench}, not %s", key, describe(v, t, sizeof(t)));
		return -1;
	}
	snprintf(what, sizeof(what), "an entry of '%s'", key);
	map_check_keys(ld, &mp, keys, what);
	if ((x = map_get(&mp, "image")) &&
	    (!(s->image = get_str(ld, x, "image", 0)) || check_image_ref(ld, x, s->image) < 0))
		ret = -1;
	if ((x = tagv = map_get(&mp, "tag")) && !(s->tag = get_str(ld, x, "tag", 0)))
		ret = -1;
	if ((x = map_get(&mp, "benchmark")) &&
	    (!(s->benchmark = get_str(ld, x, "benchmark", 0)) || check_bench_ref(ld, x, s->benchmark) < 0))
		ret = -1;
	if ((x = map_get(&mp, "host")) &&
	    (!(s->host = get_str(ld, x, "host", 0)) || check_host_ref(ld, x, s->host) < 0))
		ret = -1;
	if (s->tag && ret == 0) {
		const struct image *im = s->image ? find_image(ld->m, s->image) : NULL;

		if (im && !has_tag(im, s->tag)) {
			if (!include) {
				ERR(ld, tagv, "image '%s' has no tag '%s' to exclude", im->name, s->tag);
				ret = -1;
			} else if (check_tag(ld, tagv, s->tag, im->name) < 0) {
				ret = -1;
			}
		} else if (!im && !tag_anywhere(ld->m, s->tag)) {
			ERR(ld, tagv, "no image has tag '%s'%s", s->tag,
			    include ? " (to add a new tag, give its 'image' too)" : "");
			ret = -1;
		}
	}
	if (mp.n == 0) {
		ERR(ld, v, "an entry of '%s' needs at least one of 'image', 'tag', 'benchmark', 'host'",
		    key);
		ret = -1;
	}
	map_release(&mp);
	return ret;
}

static int
load_selectors(struct ld *ld, yaml_node_t *v, const char *key, struct selector **out, size_t *n)
{
	yaml_node_item_t *it;
	char t[64];
	int ret = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		ERR(ld, v, "'%s' must be a list of maps such as {image: debian, host: native}, not %s",
		    key, describe(v, t, sizeof(t)));
		return -1;
	}
	*out = xcalloc(v->data.sequence.items.top - v->data.sequence.items.start + 1, sizeof(**out));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		if (load_selector(ld, nd(ld, *it), key, &(*out)[(*n)++]) < 0)
			ret = -1;
	return ret;
}

static int
load_baseline(struct ld *ld, yaml_node_t *v)
{
	static const char *const keys[] = { "host", "image", NULL };
	struct baseline *b = &ld->m->baseline;
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	b->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'baseline' must be {host: NAME} or {image: \"NAME:TAG\"}, not %s",
		    describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "'baseline'");
	if (!!map_get(&mp, "host") + !!map_get(&mp, "image") != 1) {
		ERR(ld, v, "'baseline' needs exactly one of 'host' or 'image'");
		ret = -1;
	}
	if ((x = map_get(&mp, "host")) &&
	    (!(b->host = get_str(ld, x, "host", 0)) || check_host_ref(ld, x, b->host) < 0))
		ret = -1;
	if ((x = map_get(&mp, "image"))) {
		char *s = get_str(ld, x, "image", 0);
		const struct image *im = s ? find_image(ld->m, s) : NULL;
		size_t i;

		if (im && im->tags.n == 1) {
			b->image = xstrdup(im->name);
			b->tag = xstrdup(im->tags.v[0]);
		} else if (im) {
			ERR(ld, x, "baseline image '%s' has %zu tags: write '%s:TAG'", s, im->tags.n, s);
			ret = -1;
		} else if (s) {
			for (i = 0; i < ld->m->nimages && !b->image; i++) {
				const struct image *c = &ld->m->images[i];
				size_t len = c->name ? strlen(c->name) : 0;

				if (c->name && !strncmp(s, c->name, len) && s[len] == ':' &&
				    has_tag(c, s + len + 1)) {
					b->image = xstrdup(c->name);
					b->tag = xstrdup(s + len + 1);
				}
			}
			if (!b->image) {
				ERR(ld, x, "baseline names unknown image '%s' (write NAME:TAG of a declared "
				    "image and tag)", s);
				ret = -1;
			}
		} else {
			ret = -1;
		}
		free(s);
	}
	map_release(&mp);
	return ret;
}

/* ---- the whole file ------------------------------------------------------- */

static int
load_defaults(struct ld *ld, yaml_node_t *v)
{
	static const char *const keys[] = {
		"repeat", "warmup", "timeout", "parser", "env", "max_cv", NULL
	};
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'defaults' must be a map, not %s", describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "'defaults'");
	if ((x = map_get(&mp, "repeat")) && get_int(ld, x, "repeat", 1, 100000, &ld->def.repeat) < 0)
		ret = -1;
	if ((x = map_get(&mp, "warmup")) && get_int(ld, x, "warmup", 0, 100000, &ld->def.warmup) < 0)
		ret = -1;
	if ((x = map_get(&mp, "timeout")) && get_duration(ld, x, "timeout", &ld->def.timeout_ms) < 0)
		ret = -1;
	if ((x = map_get(&mp, "parser"))) {
		ld->def.has_parser = 1;
		if (load_parsers(ld, x, &ld->def.parsers, &ld->def.nparsers) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "env")) && get_kvlist(ld, x, "env", &ld->def.env) < 0)
		ret = -1;
	if ((x = map_get(&mp, "max_cv")) && get_double(ld, x, "max_cv", 0, 100, &ld->m->max_cv) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}

static int
load_dockerfiles(struct ld *ld, yaml_node_t *v)
{
	static const char *const keys[] = { "repo", "ref", NULL };
	static const char *const schemes[] = { "file", "git", "http", "https", "ssh", NULL };
	struct matrix *m = ld->m;
	struct map mp;
	yaml_node_t *x;
	char t[64], *repo = NULL;
	const char *sep;
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'dockerfiles' must be a map {repo, ref}, not %s", describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, keys, "'dockerfiles'");
	if ((x = map_get(&mp, "ref")) && !(m->ref = get_str(ld, x, "ref", 0)))
		ret = -1;
	if ((x = map_get(&mp, "repo")) && (repo = get_str(ld, x, "repo", 0))) {
		m->repo_mark = nmark(x);
		if ((sep = strstr(repo, "://"))) {
			size_t i, len = sep - repo;

			for (i = 0; schemes[i]; i++)
				if (strlen(schemes[i]) == len && !strncmp(repo, schemes[i], len))
					break;
			if (schemes[i]) {
				m->repo = xstrdup(repo);
			} else {
				ERR(ld, x, "'repo' has an unsupported URL scheme '%.*s' (use a path, file://, "
				    "git://, http://, https:// or ssh://)", (int)(len > 20 ? 20 : len), repo);
				ret = -1;
			}
		} else {
			m->repo = path_resolve(m->dir, repo);
		}
	} else if (x) {
		ret = -1;
	}
	free(repo);
	map_release(&mp);
	return ret;
}

/* Load a list key into a calloc'ed array, one element per item. */
#define LOAD_LIST(ld, v, key, arr, n, fn)                                            \
	do {                                                                         \
		yaml_node_item_t *it_;                                               \
		char t_[64];                                                         \
		if ((v)->type != YAML_SEQUENCE_NODE) {                               \
			ERR(ld, v, "'%s' must be a list, not %s", key,               \
			    describe(v, t_, sizeof(t_)));                            \
			break;                                                       \
		}                                                                    \
		if ((v)->data.sequence.items.top == (v)->data.sequence.items.start) \
			ERR(ld, v, "'%s' must not be empty", key);                   \
		(arr) = xcalloc((v)->data.sequence.items.top -                       \
		                (v)->data.sequence.items.start + 1, sizeof(*(arr))); \
		for (it_ = (v)->data.sequence.items.start;                           \
		     it_ < (v)->data.sequence.items.top; it_++)                      \
			fn(ld, nd(ld, *it_), &(arr)[(n)++]);                         \
	} while (0)

static void
check_all_names(struct ld *ld)
{
	struct matrix *m = ld->m;
	struct named *nv;
	size_t i, j, k, before;
	int clash;

	nv = xcalloc(m->nimages + 1, sizeof(*nv));
	for (i = k = 0; i < m->nimages; i++)
		if (m->images[i].name) {
			nv[k].id = xstrdup(m->images[i].slug);
			nv[k].name = m->images[i].name;
			nv[k].mark = m->images[i].mark;
			nv[k].seq = k;
			k++;
		}
	before = ld->d.n;
	check_names(ld, nv, k, "image", "", 1);
	clash = ld->d.n != before;
	nv = xcalloc(m->nbenchmarks + 1, sizeof(*nv));
	for (i = k = 0; i < m->nbenchmarks; i++)
		if (m->benchmarks[i].name) {
			nv[k].id = xstrdup(m->benchmarks[i].name);
			nv[k].name = m->benchmarks[i].name;
			nv[k].mark = m->benchmarks[i].mark;
			nv[k].seq = k;
			k++;
		}
	check_names(ld, nv, k, "benchmark", "", 1);
	nv = xcalloc(m->nhosts + 1, sizeof(*nv));
	for (i = k = 0; i < m->nhosts; i++)
		if (m->hosts[i].name) {
			nv[k].id = xstrdup(m->hosts[i].name);
			nv[k].name = m->hosts[i].name;
			nv[k].mark = m->hosts[i].mark;
			nv[k].seq = k;
			k++;
		}
	check_names(ld, nv, k, "host", "", 1);

	/* image-tag prefixes of cell ids across images: "a-b" + "c" vs "a" + "b-c"
	 * (images whose own names collide were just reported) */
	if (clash)
		return;
	for (i = k = 0; i < m->nimages; i++)
		k += m->images[i].tags.n;
	nv = xcalloc(k + 1, sizeof(*nv));
	for (i = k = 0; i < m->nimages; i++) {
		const struct image *im = &m->images[i];

		for (j = 0; im->name && j < im->tags.n; j++) {
			char *ts = matrix_slug(im->tags.v[j]);

			nv[k].id = xasprintf("%s-%s", im->slug, ts);
			nv[k].name = im->name;
			nv[k].mark = im->mark;
			nv[k].seq = k;
			free(ts);
			k++;
		}
	}
	check_names(ld, nv, k, "image", " with its tag", 0);
}

static int
load_top(struct ld *ld, yaml_node_t *root)
{
	static const char *const keys[] = {
		"name", "dockerfiles", "images", "benchmarks", "hosts", "include", "exclude",
		"baseline", "defaults", "parallel", NULL
	};
	struct matrix *m = ld->m;
	struct map mp, known;
	yaml_node_t *x;
	char t[64];
	size_t i;

	if (map_load(ld, root, &mp) < 0) {
		ERR(ld, root, "a matrix must be a map with 'name', 'images', 'benchmarks' and 'hosts', "
		    "not %s", describe(root, t, sizeof(t)));
		return -1;
	}
	/* "x-..." keys are the user's, e.g. to hold anchors; ignore them. */
	memset(&known, 0, sizeof(known));
	known.node = root;
	for (i = 0; i < mp.n; i++)
		if (strncmp(mp.v[i].key, "x-", 2) != 0)
			map_push(&known, mp.v[i].key, mp.v[i].knode, mp.v[i].val);
	map_check_keys(ld, &known, keys, "the matrix");
	map_release(&known);

	if (!(x = map_get(&mp, "name")))
		ERR(ld, root, "the matrix needs a 'name' (its results go to results/NAME)");
	else if ((m->name = get_str(ld, x, "name", 0)))
		check_slug_name(ld, x, "matrix", m->name);
	if ((x = map_get(&mp, "dockerfiles")))
		load_dockerfiles(ld, x);
	if (!m->repo)
		m->repo = path_resolve(m->dir, "../dockerfiles");
	if ((x = map_get(&mp, "parallel")))
		get_int(ld, x, "parallel", 1, 1024, &m->parallel);
	if ((x = map_get(&mp, "defaults")))
		load_defaults(ld, x);
	if (!(x = map_get(&mp, "images")))
		ERR(ld, root, "the matrix needs 'images': the images under test");
	else
		LOAD_LIST(ld, x, "images", m->images, m->nimages, load_image);
	if (!(x = map_get(&mp, "hosts")))
		ERR(ld, root, "the matrix needs 'hosts', e.g. hosts: [{name: bridge}]");
	else
		LOAD_LIST(ld, x, "hosts", m->hosts, m->nhosts, load_host);
	if (!(x = map_get(&mp, "benchmarks")))
		ERR(ld, root, "the matrix needs 'benchmarks'");
	else
		LOAD_LIST(ld, x, "benchmarks", m->benchmarks, m->nbenchmarks, load_benchmark);
	check_all_names(ld);
	if ((x = map_get(&mp, "exclude")))
		load_selectors(ld, x, "exclude", &m->excludes, &m->nexcludes);
	if ((x = map_get(&mp, "include")))
		load_selectors(ld, x, "include", &m->includes, &m->nincludes);
	if ((x = map_get(&mp, "baseline")))
		load_baseline(ld, x);
	map_release(&mp);
	return 0;
}

/* libyaml's reader reports a byte offset only: count lines up to it. */
static struct mark
offset_mark(const char *data, size_t len, size_t offset)
{
	struct mark mk = { 1, 1 };
	size_t i;

	for (i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			mk.line++;
			mk.col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			mk.col++;       /* columns count characters, as libyaml's do */
		}
	}
	return mk;
}

static void
yaml_problem(struct ld *ld, yaml_parser_t *p, const char *data, size_t len)
{
	struct mark mk = { (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1 };
	const char *problem = p->problem ? p->problem : "cannot parse";

	if (p->error == YAML_READER_ERROR) {
		diag_add(&ld->d, offset_mark(data, len, p->problem_offset), "invalid YAML: %s",
		         problem);
	} else if (p->context) {
		diag_add(&ld->d, mk, "invalid YAML: %s (%s at line %d)", problem, p->context,
		         (int)p->context_mark.line + 1);
	} else {
		diag_add(&ld->d, mk, "invalid YAML: %s", problem);
	}
}

static char *
abs_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	char *real = realpath(dir, NULL), *cwd;

	if (!real) {
		cwd = getcwd(NULL, 0);
		real = path_resolve(cwd ? cwd : "/", dir);
		free(cwd);
	}
	free(dir);
	return real;
}

static void
load_document(struct ld *ld, yaml_parser_t *parser, const char *data, size_t len)
{
	yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
	yaml_document_t next;
	size_t nnodes;

	if (!root) {
		struct mark none = { 0, 0 };

		diag_add(&ld->d, none, "the file holds no matrix (it is empty)");
		return;
	}
	if (!yaml_parser_load(parser, &next)) {
		yaml_problem(ld, parser, data, len);
	} else {
		yaml_node_t *r2 = yaml_document_get_root_node(&next);

		if (r2)
			ERR(ld, r2, "a matrix file holds one YAML document; this is a second one");
		yaml_document_delete(&next);
	}
	nnodes = ld->doc.nodes.top - ld->doc.nodes.start;
	ld->state = xcalloc(nnodes, 1);
	ld->size = xcalloc(nnodes, sizeof(*ld->size));
	ld->height = xcalloc(nnodes, sizeof(*ld->height));
	if (doc_walk(ld, 1, 0) < 0)
		return;
	if (ld->size[0] > MAX_NODES) {
		ERR(ld, root, "the matrix expands to more than %d YAML nodes (through aliases?)",
		    MAX_NODES);
		return;
	}
	load_top(ld, root);
}

struct matrix *
matrix_load(const char *path)
{
	struct matrix *m;
	struct ld ld;
	yaml_parser_t parser;
	char *data;
	size_t len;

	if (read_file(path, &data, &len) < 0)
		return NULL;
	memset(&ld, 0, sizeof(ld));
	m = ld.m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	m->dir = abs_dir(path);
	m->max_cv = 0.05;
	m->parallel = 1;
	ld.d.file = m->path;
	ld.def.repeat = 3;
	ld.def.warmup = 0;
	ld.def.timeout_ms = 600000;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		yaml_problem(&ld, &parser, data, len);
	} else {
		load_document(&ld, &parser, data, len);
		yaml_document_delete(&ld.doc);
	}
	yaml_parser_delete(&parser);
	free(data);
	if (ld.d.n == 0) {
		struct cell *cells = NULL;
		size_t ncells = 0;

		if (matrix_expand_diag(m, &cells, &ncells, &ld.d) == 0)
			cells_free(cells, ncells);
	}
	if (ld.d.n > 0) {
		diag_print(&ld.d);
		matrix_free(m);
		m = NULL;
	}
	diag_release(&ld.d);
	parsers_free(ld.def.parsers, ld.def.nparsers);
	kvlist_release(&ld.def.env);
	free(ld.state);
	free(ld.size);
	free(ld.height);
	return m;
}

void
matrix_free(struct matrix *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nimages; i++) {
		free(m->images[i].name);
		free(m->images[i].slug);
		strlist_release(&m->images[i].tags);
	}
	free(m->images);
	for (i = 0; i < m->nbenchmarks; i++) {
		struct benchmark *b = &m->benchmarks[i];

		free(b->name);
		side_release(&b->main);
		side_release(&b->server);
		side_release(&b->client);
		parsers_free(b->parsers, b->nparsers);
		strlist_release(&b->images);
	}
	free(m->benchmarks);
	for (i = 0; i < m->nhosts; i++) {
		struct host *h = &m->hosts[i];

		free(h->name);
		free(h->network);
		free(h->cpuset);
		free(h->runtime);
		for (j = 0; j < h->nvolumes; j++) {
			free(h->volumes[j].source);
			free(h->volumes[j].target);
		}
		free(h->volumes);
		kvlist_release(&h->env);
		kvlist_release(&h->sysctls);
		for (j = 0; j < h->nulimits; j++)
			free(h->ulimits[j].name);
		free(h->ulimits);
		free(h->engine);
	}
	free(m->hosts);
	for (i = 0; i < m->nincludes + m->nexcludes; i++) {
		struct selector *s = i < m->nincludes ? &m->includes[i] : &m->excludes[i - m->nincludes];

		free(s->image);
		free(s->tag);
		free(s->benchmark);
		free(s->host);
	}
	free(m->includes);
	free(m->excludes);
	free(m->baseline.host);
	free(m->baseline.image);
	free(m->baseline.tag);
	free(m->path);
	free(m->dir);
	free(m->name);
	free(m->repo);
	free(m->ref);
	free(m);
}
