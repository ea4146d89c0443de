/* cmd_fetch.c: the fetch edge, 'jockey fetch [--offline] repo.json': resolve
 * the Dockerfile repository and stamp its commit and context trees (gen/repo.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/repo.h"
#include "runners/commands.h"
#include "runners/opts.h"

int
cmd_fetch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("JOCKEY_OFFLINE");
	int offline = env && *env && strcmp(env, "0") != 0;
	int c;

	while ((c = opts_next(argc, argv, "", longopts, "fetch")) != -1) {
		if (c != 'o')
			usage("%s", command_usage("fetch"));
		offline = 1;
	}
	if (argc - optind != 1)
		usage("%s", command_usage("fetch"));
	return repo_fetch(argv[optind], offline) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
