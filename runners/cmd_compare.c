/* cmd_compare.c: 'jockey compare DIR-A DIR-B', or 'jockey compare DIR'
 * against each cell's previous result in DIR/history.jsonl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "runners/report/aggregate.h"
#include "gen/commands.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"
#include "base/util.h"

/* A results folder's results.json (or the file itself), loaded. */
static json_t *
results_load(const char *arg)
{
	struct stat st;
	char *path;
	json_t *r;

	if (stat(arg, &st) < 0) {
		error("cannot read results '%s':", arg);
		return NULL;
	}
	path = S_ISDIR(st.st_mode) ? xasprintf("%s/results.json", arg) : xstrdup(arg);
	if (!path_exists(path)) {
		error("no results in '%s': run 'jockey run' or 'jockey report' first", arg);
		free(path);
		return NULL;
	}
	r = json_load_path(path, 0);
	free(path);
	return r;
}

/* Cell id -> cell, for the cells that have samples. */
static json_t *
cells_by_id(json_t *results)
{
	json_t *map = json_object(), *c;
	size_t i;

	json_array_foreach(json_object_get(results, "cells"), i, c)
		if (json_object_size(json_object_get(c, "metrics")))
			json_object_set(map, json_string_value(json_object_get(c, "id")), c);
	return map;
}

/* Each cell's previous result in the folder's history. */
static json_t *
cells_previous(const char *dir, json_t *results)
{
	char *path = xasprintf("%s/%s", dir, HISTORY_FILE);
	json_t *hist = history_load(path), *map = json_object(), *c;
	size_t i;

	free(path);
	json_array_foreach(json_object_get(results, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *key = json_string_value(json_object_get(c, "result_hash"));
		json_t *prev = id ? history_previous(hist, id, key) : NULL;

		if (prev)
			json_object_set(map, id, prev);
	}
	json_decref(hist);
	return map;
}

int
cmd_compare(int argc, char **argv)
{
	json_t *a, *b = NULL, *old, *new;

	if (argc < 2 || argc > 3 || argv[1][0] == '-')
		usage("%s", command_usage("compare"));
	a = results_load(argv[1]);
	if (!a)
		return EXIT_RUNTIME;
	if (argc == 3 && !(b = results_load(argv[2]))) {
		json_decref(a);
		return EXIT_RUNTIME;
	}
	if (b) {
		printf("old: %s\nnew: %s\n\n", argv[1], argv[2]);
		old = cells_by_id(a);
		new = cells_by_id(b);
	} else {
		printf("old: each cell's previous result in %s/%s\nnew: %s\n\n", argv[1],
		       HISTORY_FILE, argv[1]);
		old = cells_previous(argv[1], a);
		new = cells_by_id(a);
	}
	compare_cells(old, new, stdout);
	json_decref(old);
	json_decref(new);
	json_decref(a);
	json_decref(b);
	if (fflush(stdout) != 0 || ferror(stdout))
		return error("write to stdout:"), EXIT_RUNTIME;
	return EXIT_OK;
}
