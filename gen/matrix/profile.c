/* profile.c: profile: on a benchmark or a host, the settings of a cell's
 * profiled repetitions (docs/matrix.md, "profile"): true, false, or
 * {frequency, call_graph, repeat}. */
#include "gen/matrix/load.h"

static void
profile_defaults(struct profile *p)
{
	p->frequency = 999;
	p->call_graph = CG_FP;
	p->repeat = 3;
}

int
load_profile(struct ld *ld, yaml_node_t *v, struct profile *p)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0, cg;

	profile_defaults(p);
	p->set = 1;
	p->mark = nmark(v);
	if (v->type == YAML_SCALAR_NODE)
		return value_bool(ld, v, "profile", &p->on);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'profile' must be true, false or a map {frequency, call_graph, repeat}, "
		    "not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	p->on = 1;
	map_check_keys(ld, &mp, mkeys_profile, "'profile'");
	if ((x = map_get(&mp, "frequency")) &&
	    value_int_key(ld, x, mkey(mkeys_profile, "frequency"), &p->frequency) < 0)
		ret = -1;
	if ((x = map_get(&mp, "call_graph"))) {
		if ((cg = value_choice_key(ld, x, mkey(mkeys_profile, "call_graph"))) < 0)
			ret = -1;
		else
			p->call_graph = (enum call_graph)cg;
	}
	if ((x = map_get(&mp, "repeat")) &&
	    value_int_key(ld, x, mkey(mkeys_profile, "repeat"), &p->repeat) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}

const struct profile *
cell_profile(const struct cell *c)
{
	const struct profile *p = c->bench->profile.set ? &c->bench->profile : &c->host->profile;

	/* a lifecycle benchmark runs no command of its own to profile */
	if (c->bench->lifecycle || !p->on)
		return NULL;
	return p;
}

const char *
call_graph_name(enum call_graph cg)
{
	return cg == CG_NONE ? "none" : cg == CG_DWARF ? "dwarf" : "fp";
}
