/* runners/edge/main.c: jockey-edge, the lean executable of the two edges
 * that run once per repetition: `jockey-edge run-cell cells/ID/run.json REP`
 * and `jockey-edge parse cells/ID/REP/log PARSERS_JSON`, the same code as
 * jockey's commands of those names.
 *
 * It links libcurl, jansson and PCRE2 only. jockey itself also links
 * libgit2, libarchive and libyaml, and the dynamic loader's work for their
 * libraries (libarchive brings libxml2 and ICU) is a few milliseconds of
 * every process: with 100,000 cells that is minutes of a run, and it was
 * what kept a repetition from being cheaper than `docker run --rm`
 * (bench/README.md). gen names it in build.ninja when it sits beside jockey.
 *
 * A native cell needs libarchive (its root file system comes from an image
 * export): for those run-cell hands over to the jockey beside it, and
 * runners/run/native_null.c stands in for the native kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/commands.h"


const char *
command_usage(const char *name)
{
	/* as jockey's own command table says them: usage() adds "usage: jockey " */
	if (strcmp(name, "parse") == 0)
		return "parse cells/ID/REP/log PARSERS_JSON";
	return "run-cell cells/ID/run.json REP";
}

/* jockey beside this executable: it runs native cells. */
static int
hand_over(char **argv)
{
	const char *self = self_exe();
	const char *slash = self ? strrchr(self, '/') : NULL;
	char *full;

	if (!slash)
		return error("jockey-edge: cannot find the jockey beside it to run a native cell");
	full = xasprintf("%.*s/jockey", (int)(slash - self), self);
	argv[0] = full;
	execv(full, argv);
	error("jockey-edge: cannot run '%s':", full);
	free(full);
	return EXIT_RUNTIME;
}

static int
is_native(const char *run_json)
{
	json_t *run = json_load_path(run_json, 1);
	int native = json_is_true(json_object_get(run, "native"));

	json_decref(run);
	return native;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "run-cell") == 0) {
		if (argc == 4 && is_native(argv[2]))
			return hand_over(argv);
		return cmd_run_cell(argc - 1, argv + 1);
	}
	if (argc > 1 && strcmp(argv[1], "parse") == 0)
		return cmd_parse(argc - 1, argv + 1);
	fprintf(stderr, "usage: jockey-edge run-cell cells/ID/run.json REP\n"
			"       jockey-edge parse cells/ID/REP/log PARSERS_JSON\n");
	return EXIT_USAGE;
}
