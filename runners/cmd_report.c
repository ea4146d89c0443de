/* cmd_report.c: 'jockey report DIR' writes a results folder's reports again:
 * results.json, results.csv, summary.md, report.html, and records any new
 * completed result in history.jsonl (what the aggregate edge does). */
#include <stdio.h>
#include <stdlib.h>

#include "base/lock.h"
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/aggregate.h"

int
cmd_report(int argc, char **argv)
{
	struct aggregate_summary sum;
	char *path;
	int i = opts_operands(argc, argv, 1, 1, "report");

	argv += i - 1;
	path = xasprintf("%s/matrix.json", argv[1]);
	if (!path_exists(path)) {
		error("'%s' is not a results folder: it has no matrix.json (see 'jockey gen')", argv[1]);
		free(path);
		return EXIT_RUNTIME;
	}
	free(path);
	if (lock_dir(argv[1]) < 0)
		return EXIT_RUNTIME;
	if (aggregate_dir(argv[1], &sum) < 0)
		return EXIT_RUNTIME;
	printf("jockey: %d cells (%d done, %d failed, %d not finished): %s/summary.md, %s/report.html\n",
	       sum.cells, sum.done, sum.failed, sum.incomplete, argv[1], argv[1]);
	if (fflush(stdout) != 0 || ferror(stdout))
		return error("write to stdout:"), EXIT_RUNTIME;
	return EXIT_OK;
}
