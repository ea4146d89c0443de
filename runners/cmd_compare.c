/* cmd_compare.c: 'jockey compare DIR-A DIR-B', or 'jockey compare DIR'
 * against each cell's previous result in DIR/history.jsonl
 * (runners/report/compare.h). */
#include <stdio.h>

#include <jansson.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"

int
cmd_compare(int argc, char **argv)
{
	json_t *a, *b = NULL, *old, *new;
	int i = opts_operands(argc, argv, 1, 2, "compare");

	/* the operands as argv[1] and argv[2] */
	argc -= i - 1;
	argv += i - 1;
	a = compare_results_load(argv[1]);
	if (!a)
		return EXIT_RUNTIME;
	if (argc == 3 && !(b = compare_results_load(argv[2]))) {
		json_decref(a);
		return EXIT_RUNTIME;
	}
	if (b) {
		printf("old: %s\nnew: %s\n\n", argv[1], argv[2]);
		old = compare_cells_by_id(a);
		new = compare_cells_by_id(b);
	} else {
		printf("old: each cell's previous result in %s/%s\nnew: %s\n\n", argv[1],
		       HISTORY_FILE, argv[1]);
		old = compare_cells_previous(argv[1], a);
		new = compare_cells_by_id(a);
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
