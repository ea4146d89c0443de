/* value.c: typed values of the matrix: strings, numbers, booleans, choices,
 * durations, lists and maps of strings (see load.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/slug.h"
#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

/* A name that starts with a letter or digit and holds only [a-z0-9._-]. */
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

char *
value_str(struct ld *ld, yaml_node_t *v, const char *key, int flags)
{
	char t[64];

	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		ERR(ld, v, "'%s' must be a string, not %s", key, node_describe(v, t, sizeof(t)));
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

int
value_long(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, long *out)
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
	ERR(ld, v, "'%s' must be a whole number, not %s", key, node_describe(v, t, sizeof(t)));
	return -1;
}

int
value_int(struct ld *ld, yaml_node_t *v, const char *key, long min, long max, int *out)
{
	long n;

	if (value_long(ld, v, key, min, max, &n) < 0)
		return -1;
	*out = (int)n;
	return 0;
}

int
value_double(struct ld *ld, yaml_node_t *v, const char *key, double min_excl, double max,
             double *out)
{
	char *end, t[64];
	double x;

	if (v->type != YAML_SCALAR_NODE || is_null(v) || !sval(v)[0] ||
	    isspace((unsigned char)sval(v)[0])) {
		ERR(ld, v, "'%s' must be a number, not %s", key, node_describe(v, t, sizeof(t)));
		return -1;
	}
	x = strtod(sval(v), &end);
	if (*end || !isfinite(x)) {
		ERR(ld, v, "'%s' must be a number, not %s", key, node_describe(v, t, sizeof(t)));
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

int
value_bool(struct ld *ld, yaml_node_t *v, const char *key, int *out)
{
	char t[64];

	if (v->type == YAML_SCALAR_NODE) {
		const char *s = sval(v);

		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
			return *out = 1, 0;
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
			return *out = 0, 0;
	}
	ERR(ld, v, "'%s' must be true or false, not %s", key, node_describe(v, t, sizeof(t)));
	return -1;
}

int
value_choice(struct ld *ld, yaml_node_t *v, const char *key, const char *const *choices)
{
	const char *best;
	char t[64], *all;
	int i;

	if (v->type == YAML_SCALAR_NODE && !is_null(v))
		for (i = 0; choices[i]; i++)
			if (strcmp(sval(v), choices[i]) == 0)
				return i;
	all = words_join(choices, " or ");
	best = v->type == YAML_SCALAR_NODE ? words_suggest(sval(v), choices) : NULL;
	if (best)
		ERR(ld, v, "'%s' must be %s, not %s (did you mean '%s'?)", key, all,
		    node_describe(v, t, sizeof(t)), best);
	else
		ERR(ld, v, "'%s' must be %s, not %s", key, all, node_describe(v, t, sizeof(t)));
	free(all);
	return -1;
}

int
value_duration(struct ld *ld, yaml_node_t *v, const char *key, long *out)
{
	char t[64];
	long ms;

	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		ERR(ld, v, "'%s' must be a duration such as 90s, 5m, 1h30m or 500ms, not %s", key,
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	if ((ms = parse_duration_ms(sval(v))) < 0) {
		ERR(ld, v, "'%s' is not a duration: %s (write e.g. 90s, 5m, 1h30m or 500ms)", key,
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	if (ms == 0) {
		ERR(ld, v, "'%s' must be longer than 0", key);
		return -1;
	}
	*out = ms;
	return 0;
}

int
value_strlist(struct ld *ld, yaml_node_t *v, const char *key, int flags, const char *hint,
              struct strlist *out)
{
	yaml_node_item_t *it;
	char t[64];
	int ret = 0;

	out->mark = nmark(v);
	if (v->type != YAML_SEQUENCE_NODE) {
		ERR(ld, v, "'%s' must be a list, not %s%s", key, node_describe(v, t, sizeof(t)),
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
			    node_describe(item, t, sizeof(t)));
			ret = -1;
			continue;
		}
		if (!(s = value_str(ld, item, key, flags))) {
			ret = -1;
			continue;
		}
		out->v[out->n++] = s;
	}
	return ret;
}

void
strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
strlist_copy(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	dst->v = xcalloc(src->n + 1, sizeof(*dst->v));
	for (i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
	dst->n = src->n;
	dst->mark = src->mark;
}

void
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

void
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

int
value_kvlist(struct ld *ld, yaml_node_t *v, const char *key, struct kvlist *out)
{
	struct map mp;
	size_t i;
	char t[64];
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'%s' must be a map of names to values, not %s", key,
		    node_describe(v, t, sizeof(t)));
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
			    mp.v[i].key, key, node_describe(val, t, sizeof(t)));
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

int
check_slug_name(struct ld *ld, yaml_node_t *v, const char *what, const char *name)
{
	char *slug;

	if (is_slug(name))
		return 0;
	slug = slug_make(name);
	ERR(ld, v, "%s name '%s' must be a slug of lowercase letters, digits, '.', '_' and '-' "
	    "starting with a letter or digit (e.g. '%s')", what, name, slug);
	free(slug);
	return -1;
}

int
value_int_key(struct ld *ld, yaml_node_t *v, const struct mkey *k, int *out)
{
	return value_int(ld, v, k->name, (long)k->min, (long)k->max, out);
}

int
value_double_key(struct ld *ld, yaml_node_t *v, const struct mkey *k, double *out)
{
	return value_double(ld, v, k->name, k->min, k->max, out);
}

int
value_choice_key(struct ld *ld, yaml_node_t *v, const struct mkey *k)
{
	return value_choice(ld, v, k->name, k->choices);
}
