/* cmd_show.c: jockey show [--json] [-n LINES] DIR CELL: one cell of a results
 * folder, readable (runners/report/show.c), or every cell whose id matches
 * CELL as an fnmatch pattern. Reads DIR/matrix.json for the cells. */
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/show.h"

static int
show_all(const char *dir, const char *pattern, int json, int tail)
{
	char *path = xasprintf("%s/" LAYOUT_MATRIX_JSON, dir);
	json_t *m = json_load_path(path, 1), *c, *out = json_array();
	size_t i;
	int ret = EXIT_OK;

	free(path);
	if (!json_is_array(json_object_get(m, "cells"))) {
		json_decref(m);
		json_decref(out);
		error("'%s' is not a results folder: it has no valid " LAYOUT_MATRIX_JSON
		      " (see 'jockey gen')", dir);
		return EXIT_RUNTIME;
	}
	json_array_foreach(json_object_get(m, "cells"), i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));

		if (id && fnmatch(pattern, id, 0) == 0)
			json_array_append_new(out, show_cell(dir, c, tail));
	}
	if (json_array_size(out) == 0) {
		error("no cell of '%s' matches '%s'; see 'jockey ls'", dir, pattern);
		ret = EXIT_RUNTIME;
	} else if (json) {
		char *s = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);

		puts(s);
		free(s);
	} else {
		json_array_foreach(out, i, c) {
			if (i)
				putchar('\n');
			show_print(stdout, c);
		}
	}
	json_decref(out);
	json_decref(m);
	return ret;
}

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "lines", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c, json = 0, tail = 10;
	char *end;

	while ((c = opts_next(argc, argv, "n:", longopts, "show")) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		case 'n':
			tail = (int)strtol(optarg, &end, 10);
			if (*end || tail < 0 || end == optarg)
				usage("%s (LINES: a number, got '%s')", command_usage("show"), optarg);
			break;
		default:
			usage("%s", command_usage("show"));
		}
	}
	if (argc - optind != 2)
		usage("%s", command_usage("show"));
	return show_all(argv[optind], argv[optind + 1], json, tail);
}
