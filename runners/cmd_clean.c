/* cmd_clean.c: `jockey clean [--all | --keep N] DIR`
 *
 * Removes what a results folder left in its engines and its empty cgroup
 * parents (runners/run/clean.h): the containers and networks it labelled;
 * with --all, its images too; with --keep N, all but the newest N older
 * images of each image key.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#include "base/lock.h"
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/run/clean.h"

int
cmd_clean(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "keep", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	char dir[PATH_MAX], *end;
	long keep = -1;
	int all = 0, opt;

	while ((opt = opts_next(argc, argv, "", longopts, "clean")) != -1) {
		if (opt == 'a') {
			all = 1;
		} else if (opt == 'k') {
			keep = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || keep < 0)
				usage("--keep wants a count of 0 or more, not '%s'", optarg);
		} else {
			usage("%s", command_usage("clean"));
		}
	}
	if (argc - optind != 1 || (all && keep >= 0))
		usage("%s", command_usage("clean"));
	if (!realpath(argv[optind], dir)) {
		error("results folder '%s':", argv[optind]);
		return EXIT_RUNTIME;
	}
	if (lock_dir(dir) < 0)
		return EXIT_RUNTIME;
	return clean_dir(dir, all, keep) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
