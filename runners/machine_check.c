/* machine_check.c: the machine before a run; see machine_check.h. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/machine_check.h"
#include "runners/run/machine.h"
#include "runners/run/run.h"

/* The containers not labelled with the results folder (absolute: labeldir)
 * on each engine that answered: the total, and per engine in *per (new);
 * null for one that did not answer now. */
static int
others_count(const struct engine_use *eng, size_t neng, const char *labeldir, json_t **per)
{
	size_t i;
	int total = 0, n;

	*per = json_object();
	for (i = 0; i < neng; i++) {
		struct engine *e = eng[i].error ? NULL : engine_open(eng[i].endpoint);

		if (e && engine_negotiate(e) == 0 && machine_other_containers(e, labeldir, &n) == 0) {
			json_object_set_new(*per, eng[i].endpoint, json_integer(n));
			total += n;
		} else {
			json_object_set_new(*per, eng[i].endpoint, json_null());
		}
		engine_free(e);
	}
	return total;
}

int
machine_check(const char *dir, const char *labeldir, const struct engine_use *eng, size_t neng,
	      int refuse)
{
	json_t *state = machine_read(), *per, *why, *v;
	char *at = run_rfc3339_now(), *path;
	size_t i;
	int busy;

	json_object_set_new(state, "other_containers", json_integer(others_count(eng, neng, labeldir, &per)));
	json_object_set_new(state, "engines", per);
	json_object_set_new(state, "at", json_string(at));
	json_object_set_new(state, "load_per_cpu_busy", json_real(MACHINE_LOAD_PER_CPU));
	why = machine_busy(state);
	json_object_set(state, "busy", why);
	busy = json_array_size(why) > 0;
	json_array_foreach(why, i, v)
		if (refuse)
			error("the machine is busy: %s (--quiet-machine)", json_string_value(v));
		else
			warn("the machine is busy: %s", json_string_value(v));
	if (!refuse || !busy) {
		json_object_set_new(state, "schema", json_integer(1));
		path = xasprintf("%s/" LAYOUT_MACHINE_JSON, dir);
		if (json_write_path(path, state, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10), 1) < 0)
			warn("could not record the machine's state in '%s'", path);
		free(path);
	}
	json_decref(why);
	json_decref(state);
	free(at);
	return busy;
}
