/* cmd_aggregate.c: `jockey aggregate DIR`: results.json, results.csv,
 * history.jsonl, summary.md and report.html of a results folder
 * (runners/report/aggregate.h). */
#include "base/util.h"
#include "runners/commands.h"
#include "runners/report/aggregate.h"

int
cmd_aggregate(int argc, char **argv)
{
	struct aggregate_summary sum;

	if (argc != 2)
		usage("%s", command_usage("aggregate"));
	if (aggregate_dir(argv[1], &sum) < 0)
		return EXIT_RUNTIME;
	return EXIT_OK;
}
