/* cmd_merge.c: jockey merge [--force] -o DIR SHARD-DIR...
 *
 * Joins the results folders of CI shards ('jockey run --shard I/N') into one
 * results folder and one report (runners/report/merge.h): exit 0; 2 when the
 * folders are not the parts of one run (and no --force); 1 on an error.
 */
#include <getopt.h>
#include <stdio.h>

#include "base/lock.h"
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/merge.h"

int
cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct aggregate_summary sum;
	const char *out = NULL;
	size_t n;
	int c, force = 0;

	while ((c = opts_next(argc, argv, "o:f", longopts, "merge")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			usage("%s", command_usage("merge"));
		}
	}
	if (!out || optind >= argc)
		usage("%s", command_usage("merge"));
	n = (size_t)(argc - optind);
	if (lock_dir(out) < 0)
		return EXIT_RUNTIME;
	switch (merge_dirs(out, argv + optind, n, force, &sum)) {
	case MERGE_REFUSED:
		return EXIT_USAGE;
	case MERGE_ERROR:
		return EXIT_RUNTIME;
	case MERGE_OK:
		break;
	}
	printf("jockey: merged %zu folders: %d cells, %d done, %d failed, %d incomplete; "
	       "results in %s/results.json\n", n, sum.cells, sum.done, sum.failed, sum.incomplete, out);
	return EXIT_OK;
}
