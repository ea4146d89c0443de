/* cmd_parse.c: jockey parse cells/ID/REP/log PARSERS_JSON
 *
 * Writes cells/ID/REP/samples.json from the log with the parsers of
 * PARSERS_JSON (runners/run/samples.h): exit 0; 1 when a parser found
 * nothing (failed.json says why) or on an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/run/samples.h"

/* Split ".../cells/ID/REP/log" into the cell folder (".../cells/ID"), the
 * cell id and REP; -1 if it is not such a path. */
static int
log_split(const char *log, char **dir, const char **id, long *rep)
{
	const char *end = log + strlen(log), *rep_s, *id_s;
	char *e;

	if (end - log < 4 || strcmp(end - 4, "/log") != 0)
		return -1;
	for (rep_s = end - 4; rep_s > log && rep_s[-1] != '/'; rep_s--)
		;
	if (rep_s == log || rep_s == end - 4)
		return -1;
	errno = 0;
	*rep = strtol(rep_s, &e, 10);
	if (errno || e != end - 4 || *rep < 1 || *rep_s < '0' || *rep_s > '9')
		return -1;
	for (id_s = rep_s - 1; id_s > log && id_s[-1] != '/'; id_s--)
		;
	if (id_s == rep_s - 1)
		return -1;
	*dir = xstrndup(log, (size_t)(rep_s - 1 - log));
	*id = *dir + (id_s - log);
	return 0;
}

int
cmd_parse(int argc, char **argv)
{
	const char *id;
	char *dir;
	long rep;
	enum outcome o;

	argv += opts_operands(argc, argv, 2, 2, "parse") - 1;
	if (log_split(argv[1], &dir, &id, &rep) < 0)
		usage("%s: '%s' is not cells/ID/REP/log with REP from 1", command_usage("parse"), argv[1]);
	o = samples_write(dir, id, rep, argv[2]);
	free(dir);
	return o == OUTCOME_OK ? EXIT_OK : EXIT_RUNTIME;
}
