/* cmd_gen.c: jockey gen [-o DIR] [-q] [--shard I/N [--durations RESULTS_JSON]]
 * MATRIX: write the results folder's build.ninja and files (gen/gen.h). */
#include <getopt.h>
#include <stdlib.h>

#include "base/path.h"
#include "base/util.h"
#include "gen/gen.h"
#include "gen/shard.h"
#include "runners/commands.h"
#include "runners/opts.h"

/* Render everything, then write it: a matrix that cannot be written (exit
 * 2) leaves the folder as it was. */
static int
generate(const char *path, const char *dir, int quiet, int shard, int nshards, const char *durations)
{
	/* the messages about the durations file name it absolute, as its
	 * regeneration edge does */
	char *dpath = durations ? path_absolute(durations) : NULL;
	struct gen_input in;
	struct gen *g;
	int ret;

	if (gen_input_load(&in, path, dir, shard, nshards, dpath) < 0) {
		free(dpath);
		return EXIT_USAGE;
	}
	in.o.quiet = quiet;
	g = gen_render(in.m, in.cells, in.ncells, &in.o);
	ret = !g ? EXIT_USAGE : gen_write(g) < 0 ? EXIT_RUNTIME : EXIT_OK;
	gen_free(g);
	gen_input_release(&in);
	free(dpath);
	return ret;
}

int
cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "shard", required_argument, NULL, 'S' },
		{ "durations", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *durations = NULL;
	int c, quiet = 0, shard = 0, nshards = 0;

	while ((c = opts_next(argc, argv, "o:q", longopts, "gen")) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'D':
			durations = optarg;
			break;
		case 'S':
			if (shard_parse(optarg, &shard, &nshards) < 0)
				return EXIT_USAGE;
			break;
		default:
			usage("%s", command_usage("gen"));
		}
	}
	if (argc - optind != 1)
		usage("%s", command_usage("gen"));
	if (durations && !nshards)
		return error("--durations balances shards: it needs --shard I/N"), EXIT_USAGE;
	return generate(argv[optind], dir, quiet, shard, nshards, durations);
}
