/* cmd_compare.c: placeholder until its issue lands; the owner replaces this file. */
#include "commands.h"
#include "util.h"

int
cmd_compare(int argc, char **argv)
{
	(void)argc;
	return error("'%s' is not implemented yet", argv[0]), EXIT_RUNTIME;
}
