/* adaptive.c: adaptive repetitions after a round (see adaptive.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/adaptive.h"

/* o's string key, or "" */
static const char *
text(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

void
adaptive_judge(json_t *cell)
{
	json_t *a = json_object_get(cell, "adaptive"), *m, *ci;
	const char *metric = json_string_value(json_object_get(a, "metric"));
	double precision = json_number_value(json_object_get(a, "precision")), med, half = 0;
	int max = (int)json_integer_value(json_object_get(a, "max")), n;
	char verdict[128];

	if (!json_is_object(a) || !metric)
		return;
	m = json_object_get(json_object_get(cell, "metrics"), metric);
	ci = json_object_get(m, "ci");
	med = json_number_value(json_object_get(m, "median"));
	n = (int)json_integer_value(json_object_get(m, "n"));
	if (!m || json_array_size(ci) != 2 || med == 0) {
		json_object_set_new(a, "achieved", json_null());
		json_object_set_new(a, "reps", json_integer(n));
		json_object_set_new(a, "met", json_false());
		snprintf(verdict, sizeof(verdict), "target not met: no %s", metric);
		json_object_set_new(a, "verdict", json_string(verdict));
		return;
	}
	half = fmax(med - json_number_value(json_array_get(ci, 0)),
		    json_number_value(json_array_get(ci, 1)) - med) / fabs(med);
	json_object_set_new(a, "achieved", json_real(half));
	json_object_set_new(a, "reps", json_integer(n));
	json_object_set_new(a, "met", json_boolean(half <= precision));
	if (half <= precision)
		snprintf(verdict, sizeof(verdict), "target met (±%.1f%% at %d reps)", half * 100, n);
	else if (n >= max)
		snprintf(verdict, sizeof(verdict), "target not met at max %d (±%.1f%%)", max, half * 100);
	else
		snprintf(verdict, sizeof(verdict), "target not met yet (±%.1f%% at %d reps)", half * 100, n);
	json_object_set_new(a, "verdict", json_string(verdict));
}

void
adaptive_md(struct buf *b, json_t *cells, const char *bench)
{
	json_t *c, *a;
	size_t i;
	int any = 0;

	json_array_foreach(cells, i, c) {
		if (strcmp(text(c, "benchmark"), bench) != 0 ||
		    !json_is_string(json_object_get(a = json_object_get(c, "adaptive"), "verdict")))
			continue;
		if (!any++)
			buf_printf(b, "Adaptive repetitions (the %s median within ±%g%%):\n\n",
				   json_string_value(json_object_get(a, "metric")),
				   json_number_value(json_object_get(a, "precision")) * 100);
		buf_printf(b, "- `%s`: %s\n", json_string_value(json_object_get(c, "id")),
			   json_string_value(json_object_get(a, "verdict")));
	}
	if (any)
		buf_putc(b, '\n');
}

/* The cells of results.json that get more: their new counts in want. */
static int
next_counts(json_t *results, json_t *want)
{
	json_t *c;
	size_t i;
	int more = 0;

	json_array_foreach(json_object_get(results, "cells"), i, c) {
		json_t *a = json_object_get(c, "adaptive");
		int min = (int)json_integer_value(json_object_get(a, "min"));
		int max = (int)json_integer_value(json_object_get(a, "max"));
		int repeat = (int)json_integer_value(json_object_get(c, "repeat")), next;
		const char *id = json_string_value(json_object_get(c, "id"));

		if (!json_is_object(a) || !id)
			continue;
		json_object_set_new(want, id, json_integer(repeat));
		/* a failed or unfinished cell waits for a run that finishes it */
		if (strcmp(text(c, "status"), "done") != 0 ||
		    json_is_true(json_object_get(a, "met")) || repeat >= max)
			continue;
		next = repeat + (min + 1) / 2;
		json_object_set_new(want, id, json_integer(next > max ? max : next));
		more++;
	}
	return more;
}

int
adaptive_next(const char *dir)
{
	char *path = xasprintf("%s/" LAYOUT_RESULTS_JSON, dir), *text;
	json_t *results = json_load_path(path, 0), *root;
	int more, r = 0;

	free(path);
	if (!results)
		return -1;
	root = json_pack("{s:i, s:o}", "schema", 1, "cells", json_object());
	more = next_counts(results, json_object_get(root, "cells"));
	json_decref(results);
	if (json_object_size(json_object_get(root, "cells"))) {
		path = xasprintf("%s/" LAYOUT_REPEATS_JSON, dir);
		text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
		r = write_file_if_changed(path, text, strlen(text));
		free(text);
		free(path);
	}
	json_decref(root);
	return r < 0 ? -1 : more;
}
