/* usage.c: the running command's usage line (see commands.h). It holds the
 * running command's entry rather than looking the table up, so that the
 * commands, which the table names, do not call back into it. */
#include <stdio.h>
#include <string.h>

#include "runners/commands.h"

static const struct command *running;

void
command_running(const struct command *c)
{
	running = c;
}

const char *
command_usage(const char *name)
{
	static char line[512];
	const char *args = running && strcmp(running->name, name) == 0 ? running->args : "";

	snprintf(line, sizeof(line), "%s %s", name, args);
	return line;
}
