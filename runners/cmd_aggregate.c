/* cmd_aggregate.c: `jockey aggregate DIR`: results.json, results.csv,
 * history.jsonl, summary.md and report.html of a results folder
 * (runners/report/aggregate.h). */
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/aggregate.h"

int
cmd_aggregate(int argc, char **argv)
{
	struct aggregate_summary sum;

	argv += opts_operands(argc, argv, 1, 1, "aggregate") - 1;
	if (aggregate_dir(argv[1], &sum) < 0)
		return EXIT_RUNTIME;
	return EXIT_OK;
}
