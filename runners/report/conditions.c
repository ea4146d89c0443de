/* conditions.c: what a cell's repetitions ran under; see conditions.h. */
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/conditions.h"
#include "runners/report/warmup.h"

json_t *
conditions_rep(json_t *busy, const char *id, int rep, int measured)
{
	char *path = layout_rep_path(NULL, id, rep, LAYOUT_METRICS_JSON);
	json_t *mj = path_exists(path) ? json_load_path(path, 1) : NULL;
	json_t *prov = json_incref(json_object_get(mj, "provenance"));
	json_t *why = json_object_get(json_object_get(prov, "machine"), "busy");

	if (measured && json_array_size(why) > 0)
		json_array_append_new(busy, json_pack("{s:i, s:O}", "rep", rep, "reasons", why));
	json_decref(mj);
	free(path);
	return prov;
}

void
conditions_warmup(json_t *metric, const double *v, size_t n)
{
	const char *better = json_string_value(json_object_get(metric, "better"));
	struct warmup_trend t;

	if (warmup_trend(v, n, better && strcmp(better, "higher") == 0, &t) < 0)
		return;
	json_object_set_new(metric, "warmup_trend",
			    json_pack("{s:I, s:f, s:f, s:b, s:b}", "first", (json_int_t)t.first,
				      "change", t.change, "p", t.p, "tested", t.tested,
				      "trend", t.trend));
}

json_t *
conditions_run(void)
{
	json_t *m = path_exists(LAYOUT_MACHINE_JSON) ? json_load_path(LAYOUT_MACHINE_JSON, 1) : NULL;

	return m ? m : json_null();
}
