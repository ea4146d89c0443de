/* cmd_probe.c: `jockey probe [--offline] base/IMG.json stamps/base/IMG.digest`
 *
 * Resolves a base image to its identity and writes its stamp, rewritten
 * only when that changes (runners/run/probe.h). Offline (--offline or
 * JOCKEY_OFFLINE=1 in the environment, which `jockey run --offline` sets)
 * the last stamp stands without asking anyone.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/run/probe.h"

int
cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *env = getenv("JOCKEY_OFFLINE");
	int offline = env && *env && strcmp(env, "0") != 0, opt;

	while ((opt = opts_next(argc, argv, "", longopts, "probe")) != -1) {
		if (opt != 'o')
			usage("%s", command_usage("probe"));
		offline = 1;
	}
	if (argc - optind != 2)
		usage("%s", command_usage("probe"));
	return probe_base(argv[optind], argv[optind + 1], offline) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
