/* cmd_compare.c: 'jockey compare DIR-A DIR-B', or 'jockey compare DIR'
 * against each cell's previous result in DIR/history.jsonl
 * (runners/report/compare.h); with --profile, the hot functions of two
 * cells (runners/report/profile.h). */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"
#include "runners/report/profile.h"

/* 'jockey compare --profile [DIR] CELL-A CELL-B': argv[0..argc-1] are the
 * operands. */
static int
compare_profiles(int argc, char **argv, int json, long top)
{
	const char *dir = argc == 3 ? argv[0] : NULL;
	struct cell_profile a, b;
	struct profile_change *c;
	char *la, *lb;
	size_t n;

	if (profile_open(&a, dir, argv[argc - 2], &la) < 0) {
		free(la);
		return EXIT_RUNTIME;
	}
	if (profile_open(&b, dir, argv[argc - 1], &lb) < 0) {
		profile_release(&a);
		free(la);
		free(lb);
		return EXIT_RUNTIME;
	}
	n = profile_diff(&a, &b, &c);
	if (top >= 0 && (size_t)top < n)
		n = (size_t)top;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:o}", "a", la, "b", lb, "functions",
				      profile_diff_json(c, n));
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));

		puts(s);
		free(s);
		json_decref(o);
	} else {
		char *ta = profile_text(&a), *tb = profile_text(&b);

		printf("A: %s (%s, %s)\nB: %s (%s, %s)\n\n", la, ta, a.event, lb, tb, b.event);
		profile_diff_print(stdout, c, n);
		printf("\nself share: samples where the function is the leaf, of all the cell's "
		       "samples; change in percentage points\n");
		free(ta);
		free(tb);
	}
	free(c);
	profile_release(&a);
	profile_release(&b);
	free(la);
	free(lb);
	return EXIT_OK;
}

static int
compare_results(int argc, char **argv)
{
	json_t *a, *b = NULL, *old, *new;

	a = compare_results_load(argv[0]);
	if (!a)
		return EXIT_RUNTIME;
	if (argc == 2 && !(b = compare_results_load(argv[1]))) {
		json_decref(a);
		return EXIT_RUNTIME;
	}
	if (b) {
		printf("old: %s\nnew: %s\n\n", argv[0], argv[1]);
		old = compare_cells_by_id(a);
		new = compare_cells_by_id(b);
	} else {
		printf("old: each cell's previous result in %s/%s\nnew: %s\n\n", argv[0],
		       HISTORY_FILE, argv[0]);
		old = compare_cells_previous(argv[0], a);
		new = compare_cells_by_id(a);
	}
	compare_cells(old, new, stdout);
	json_decref(old);
	json_decref(new);
	json_decref(a);
	json_decref(b);
	return EXIT_OK;
}

int
cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'J' },
		{ "lines", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int c, profile = 0, json = 0, lines = 0, ret, n;
	long top = 20;
	char *end;

	while ((c = opts_next(argc, argv, "n:", longopts, "compare")) != -1) {
		switch (c) {
		case 'p':
			profile = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'n':
			top = strtol(optarg, &end, 10);
			if (*end || top < 0 || end == optarg)
				usage("%s (LINES: a number, got '%s')", command_usage("compare"), optarg);
			lines = 1;
			break;
		default:
			usage("%s", command_usage("compare"));
		}
	}
	n = argc - optind;
	if ((json || lines) && !profile)
		usage("%s (--json and --lines go with --profile)", command_usage("compare"));
	if (profile ? n < 2 || n > 3 : n < 1 || n > 2)
		usage("%s", command_usage("compare"));
	ret = profile ? compare_profiles(n, argv + optind, json, top)
		      : compare_results(n, argv + optind);
	if (ret == EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
		return error("write to stdout:"), EXIT_RUNTIME;
	return ret;
}
