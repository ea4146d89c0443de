/* cmd_profile.c: `jockey profile cells/ID/run.json FREQUENCY CALL_GRAPH REPEAT`
 *
 * The profile edge of a cell (runners/run/profile.h): its profiled
 * repetitions, extra ones after the timed, into cells/ID/profile.json and
 * profile.folded. The settings are arguments, from the rule
 * (profile.F.CG.N), so that a change of them reruns this edge only. Exit 0
 * once profile.json is written, a profile or why there is none; 1 on an
 * error; 128 + the signal after SIGINT or SIGTERM.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/run/profile.h"
#include "runners/run/run.h"

static int
number(const char *s, const char *what, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return error("%s '%s' is not a number from 1 to %d", what, s, max);
	*out = (int)v;
	return 0;
}

int
cmd_profile(int argc, char **argv)
{
	struct profile_settings ps;

	argv += opts_operands(argc, argv, 4, 4, "profile") - 1;
	run_signals_install();
	if (number(argv[2], "frequency", 100000, &ps.frequency) < 0 ||
	    number(argv[4], "repeat", 1000, &ps.repeat) < 0)
		return EXIT_RUNTIME;
	if (strcmp(argv[3], "none") != 0 && strcmp(argv[3], "fp") != 0 && strcmp(argv[3], "dwarf") != 0)
		return error("call graph '%s' is none, fp or dwarf", argv[3]), EXIT_RUNTIME;
	ps.call_graph = argv[3];
	if (profile_cell(argv[1], &ps) < 0)
		return run_signal ? 128 + run_signal : EXIT_RUNTIME;
	return EXIT_OK;
}
