/* opts.c: every command's options, GNU-style (see opts.h). */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"

int
opts_next(int argc, char **argv, const char *shortopts, const struct option *longopts, const char *name)
{
	static int started;
	char spec[64];
	int c;

	if (!started) {
		optind = 0; /* GNU: start over, permuting */
		opterr = 0;
		started = 1;
	}
	/* ':' first: a missing value is ':', not '?' */
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == -1) {
		started = 0;
	} else if (c == '?' || c == ':') {
		const char *opt = argv[optind - 1];
		char s[3] = { '-', (char)optopt, '\0' };

		if (optopt && strncmp(opt, "--", 2) != 0)
			opt = s;
		error("%s: %s '%s'", name, c == ':' ? "a value is missing after" : "unknown option", opt);
		usage("%s", command_usage(name));
	}
	return c;
}

int
opts_operands(int argc, char **argv, int min, int max, const char *name)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	int n;

	while (opts_next(argc, argv, "", none, name) != -1)
		;
	n = argc - optind;
	if (n < min || (max >= 0 && n > max))
		usage("%s", command_usage(name));
	return optind;
}
