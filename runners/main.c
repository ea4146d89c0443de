/* main.c: dispatch to the command table in commands.c. */
#include <stdio.h>
#include <string.h>

#include "runners/commands.h"
#include "base/util.h"

int
main(int argc, char **argv)
{
	const struct command *c;
	int ret;

	if (argc < 2) {
		help_all(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		argv[1] = "version";
	else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		argv[1] = "help";
	c = command_find(argv[1]);
	if (!c) {
		error("'%s' is not a jockey command; see 'jockey help'", argv[1]);
		return EXIT_USAGE;
	}
	command_running(c);
	ret = c->fn(argc - 1, argv + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("write error on standard output:");
		return EXIT_RUNTIME;
	}
	return ret;
}
