/* cmd_run_cell.c: `jockey run-cell cells/ID/run.json REP`
 *
 * Runs one repetition of a cell (runners/run/cell.h): exit 0 when it
 * succeeded; 1 when the benchmark failed (failed.json says why) or on an
 * error; 128 + the signal after SIGINT or SIGTERM, once everything it made
 * is removed.
 */
#include <stdlib.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/run/cell.h"
#include "runners/run/run.h"

int
cmd_run_cell(int argc, char **argv)
{
	char *end;
	long rep;
	enum outcome o;

	argv += opts_operands(argc, argv, 2, 2, "run-cell") - 1;
	run_signals_install();
	rep = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || rep < 1 || rep > 100000)
		return error("repetition '%s' is not a number from 1", argv[2]), EXIT_RUNTIME;
	o = cell_run(argv[1], (int)rep);
	if (run_signal)
		return 128 + run_signal;
	return o == OUTCOME_OK ? EXIT_OK : EXIT_RUNTIME;
}
