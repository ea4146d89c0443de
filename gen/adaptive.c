/* adaptive.c: repeats.json into the cells (see adaptive.h). */
#include <jansson.h>
#include <stdlib.h>

#include "base/layout.h"
#include "base/util.h"
#include "gen/adaptive.h"

int
adaptive_apply(const char *dir, struct cell *cells, size_t n)
{
	char *path = xasprintf("%s/" LAYOUT_REPEATS_JSON, dir);
	json_error_t je;
	json_t *root, *map;
	size_t i;

	if (!path_exists(path)) {
		free(path);
		return 0;
	}
	root = json_load_file(path, 0, &je);
	map = json_object_get(root, "cells");
	if (!json_is_object(map)) {
		json_decref(root);
		error("%s: not a repeats file {\"schema\": 1, \"cells\": {ID: N}}: %s; remove it to "
		      "start the adaptive repetitions over", path, root ? "no cells" : je.text);
		free(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct benchmark *b = cells[i].bench;
		json_t *v = json_object_get(map, cells[i].id);
		json_int_t want = json_integer_value(v);

		if (!b->repeat_max || !json_is_integer(v))
			continue;
		cells[i].repeat = want < b->repeat ? b->repeat : want > b->repeat_max ? b->repeat_max :
				  (int)want;
	}
	json_decref(root);
	free(path);
	return 0;
}
