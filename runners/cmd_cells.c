/* cmd_cells.c: the cells edge, 'jockey cells BASE_JSON BENCH_JSON HOST_JSON...
 * -- RUN_JSON...' (a RUN_JSON for each HOST_JSON): write the cell files of
 * one image:tag and benchmark from the axis files (gen/compose.h). */
#include "base/util.h"
#include "gen/compose.h"
#include "runners/commands.h"

int
cmd_cells(int argc, char **argv)
{
	size_t n = compose_pairs(argc, argv, 2);

	if (!n)
		usage("%s (a RUN_JSON for each HOST_JSON)", command_usage("cells"));
	return compose_cells(argv[1], argv[2], (const char *const *)argv + 3,
			     (const char *const *)argv + 4 + n, n) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
