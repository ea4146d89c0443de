/* yaml.c: the loader's view of libyaml's nodes: how a node reads in a
 * message, and maps with '<<' merge keys flattened (see load.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

const char *
node_describe(const yaml_node_t *n, char *out, size_t size)
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

struct pair *
map_pair(const struct map *mp, const char *key)
{
	size_t i;

	for (i = 0; i < mp->n; i++)
		if (strcmp(mp->v[i].key, key) == 0)
			return &mp->v[i];
	return NULL;
}

yaml_node_t *
map_get(const struct map *mp, const char *key)
{
	struct pair *p = map_pair(mp, key);

	return p ? p->val : NULL;
}

void
map_push(struct map *mp, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	mp->v = xreallocarray(mp->v, mp->n + 1, sizeof(*mp->v));
	mp->v[mp->n].key = key;
	mp->v[mp->n].knode = k;
	mp->v[mp->n].val = v;
	mp->n++;
}

void
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

static void
map_merge(struct ld *ld, struct map *mp, yaml_node_t *src)
{
	struct map sub;
	size_t i;

	if (map_load(ld, src, &sub) < 0) {
		char t[64];

		ERR(ld, src, "'<<' must merge a map or a list of maps, not %s",
		    node_describe(src, t, sizeof(t)));
		return;
	}
	for (i = 0; i < sub.n; i++)
		if (!map_pair(mp, sub.v[i].key))
			map_push(mp, sub.v[i].key, sub.v[i].knode, sub.v[i].val);
	map_release(&sub);
}

int
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
			ERR(ld, k, "a key must be a string, not %s", node_describe(k, t, sizeof(t)));
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

void
map_check_keys(struct ld *ld, const struct map *mp, const struct mkey *table, const char *what)
{
	const char **known = mkey_names(table);
	size_t i;

	for (i = 0; i < mp->n; i++) {
		const char *const *w, *best;
		char *all;

		for (w = known; *w; w++)
			if (strcmp(*w, mp->v[i].key) == 0)
				break;
		if (*w)
			continue;
		if ((best = words_suggest(mp->v[i].key, known))) {
			ERR(ld, mp->v[i].knode, "unknown key '%s' in %s (did you mean '%s'?)",
			    mp->v[i].key, what, best);
			continue;
		}
		all = words_join(known, ", ");
		ERR(ld, mp->v[i].knode, "unknown key '%s' in %s (known keys: %s)", mp->v[i].key,
		    what, all);
		free(all);
	}
	free(known);
}
