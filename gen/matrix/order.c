/* order.c: the matrix's order: key (interleaved, sequential or {seed: N}),
 * the repetitions' order that gen/order.c writes into build.ninja. */
#include "base/hash.h"
#include "base/util.h"
#include "gen/matrix/keys.h"
#include "gen/matrix/load.h"

/* The seed of a matrix that names none: the same for the same name, so that
 * gen writes the same build.ninja again. */
static long
seed_from_name(const char *name)
{
	return (long)(hash_str(HASH_INIT, name ? name : "") & 0x7fffffff);
}

int
load_order(struct ld *ld, yaml_node_t *v)
{
	struct matrix *m = ld->m;
	struct map mp;
	yaml_node_t *x;
	int seed, ret = 0;

	m->seed = seed_from_name(m->name);
	if (!v)
		return 0;
	if (v->type != YAML_MAPPING_NODE) {
		int i = value_choice_key(ld, v, mkey(mkeys_top, "order"));

		m->sequential = i == 1;
		return i < 0 ? -1 : 0;
	}
	if (map_load(ld, v, &mp) < 0)
		return -1;
	map_check_keys(ld, &mp, mkeys_order, "'order'");
	if ((x = map_get(&mp, "seed"))) {
		if (value_int_key(ld, x, mkey(mkeys_order, "seed"), &seed) < 0)
			ret = -1;
		else
			m->seed = seed;
	}
	map_release(&mp);
	return ret;
}
