/* lcdata.c: the density cells' ready times for report.html; see lcdata.h. */
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/lcdata.h"

#define READY_REPS 3       /* repetitions whose ready times are kept */

/* The ready times in one repetition's log, or NULL. */
static json_t *
ready_of(const char *id, int rep)
{
	static const char key[] = "\n# density ready_ms:";
	char *path = layout_rep_path(NULL, id, rep, LAYOUT_LOG), *data = NULL, *p, *end;
	json_t *out = NULL;
	double v;

	if (path_exists(path) && read_file(path, &data, NULL) == 0 && (p = strstr(data, key))) {
		out = json_array();
		for (p += sizeof(key) - 1; *p && *p != '\n'; p = end) {
			v = strtod(p, &end);
			if (end == p)
				break;
			json_array_append_new(out, json_real(v));
		}
	}
	free(data);
	free(path);
	return out;
}

json_t *
lcdata_density_ready(json_t *c)
{
	json_t *m = json_object_get(json_object_get(c, "metrics"), "density_ready"), *r, *one;
	json_t *out;
	size_t i;

	if (!m)
		return NULL;
	out = json_array();
	json_array_foreach(json_object_get(m, "reps"), i, r) {
		if (i >= READY_REPS)
			break;
		one = ready_of(json_string_value(json_object_get(c, "id")), (int)json_integer_value(r));
		if (one)
			json_array_append_new(out, one);
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}
