/* order.c: the keys that say how repetitions run: the matrix's order:
 * (interleaved, sequential or {seed: N}; gen/order.c writes that order into
 * build.ninja) and repeat: N or {min, max, precision, metric} (adaptive
 * repetitions, docs/design.md). */
#include <stdlib.h>
#include <string.h>

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

/* "2%" or "0.5 %": the fraction, or -1. */
static double
percent(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	while (*end == ' ')
		end++;
	if (end == s || strcmp(end, "%") != 0 || !(v > 0) || v > 100)
		return -1;
	return v / 100;
}

static int
load_repeat_map(struct ld *ld, yaml_node_t *v, int *repeat, int *max, double *precision,
		char **metric)
{
	struct map mp;
	yaml_node_t *x;
	char *p;
	int ret = 0;

	if (map_load(ld, v, &mp) < 0)
		return -1;
	map_check_keys(ld, &mp, mkeys_repeat, "'repeat'");
	if (!map_get(&mp, "min") || !map_get(&mp, "max") || !map_get(&mp, "precision")) {
		ERR(ld, v, "'repeat' as a map needs 'min', 'max' and 'precision', "
		    "e.g. {min: 3, max: 30, precision: 2%%}");
		ret = -1;
	}
	if ((x = map_get(&mp, "min")) && value_int_key(ld, x, mkey(mkeys_repeat, "min"), repeat) < 0)
		ret = -1;
	if ((x = map_get(&mp, "max")) && value_int_key(ld, x, mkey(mkeys_repeat, "max"), max) < 0)
		ret = -1;
	if (ret == 0 && *max < *repeat) {
		ERR(ld, map_get(&mp, "max"), "'max' (%d) must not be below 'min' (%d)", *max, *repeat);
		ret = -1;
	}
	if ((x = map_get(&mp, "precision")) && (p = value_str(ld, x, "precision", 0))) {
		if ((*precision = percent(p)) < 0) {
			ERR(ld, x, "'precision' must be a percentage above 0%% and at most 100%%, "
			    "e.g. 2%%, not '%s'", p);
			ret = -1;
		}
		free(p);
	} else if (x) {
		ret = -1;
	}
	free(*metric);
	*metric = NULL;
	if ((x = map_get(&mp, "metric")) && !(*metric = value_str(ld, x, "metric", 0)))
		ret = -1;
	if (!*metric)
		*metric = xstrdup("elapsed_s");
	map_release(&mp);
	return ret;
}

int
load_repeat(struct ld *ld, yaml_node_t *v, int *repeat, int *max, double *precision, char **metric)
{
	if (v->type == YAML_MAPPING_NODE)
		return load_repeat_map(ld, v, repeat, max, precision, metric);
	/* a number: fixed, whatever the defaults said */
	*max = 0;
	*precision = 0;
	free(*metric);
	*metric = NULL;
	return value_int(ld, v, "repeat", 1, 100000, repeat);
}

int
load_bench_repeat(struct ld *ld, yaml_node_t *v, struct benchmark *b)
{
	b->repeat = ld->def.repeat;
	b->repeat_max = ld->def.repeat_max;
	b->precision = ld->def.precision;
	if (ld->def.precision_metric)
		b->precision_metric = xstrdup(ld->def.precision_metric);
	if (!v)
		return 0;
	return load_repeat(ld, v, &b->repeat, &b->repeat_max, &b->precision, &b->precision_metric);
}
