/* cmd_gen.c: jockey gen [-o DIR] [--shard I/N [--durations RESULTS_JSON]] MATRIX, and the 'cells' edge's plumbing form
 * jockey gen --cells BASE_JSON BENCH_JSON HOST_JSON... -- RUN_JSON...
 * (one RUN_JSON per HOST_JSON), and the 'images' edge's
 * jockey gen --images RECIPE_JSON BASE_JSON... -- IMAGE_JSON... (see gen.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen/commands.h"
#include "gen/gen.h"
#include "gen/matrix.h"
#include "base/util.h"

static const char default_engine[] = "unix:///var/run/docker.sock";

static int
gen_main(const char *path, const char *dir_opt, int quiet, int shard, int nshards,
	 const char *durations)
{
	struct matrix *m = matrix_load(path);
	struct cell *cells = NULL;
	size_t ncells = 0;
	struct gen_options o = { 0 };
	char *dir = NULL, *mpath = NULL, *dpath = durations ? gen_abspath(durations) : NULL, *edge = NULL;
	const char *dh = getenv("DOCKER_HOST");
	int ret = EXIT_USAGE, r;

	if (!m)
		return EXIT_USAGE;
	if (matrix_expand(m, &cells, &ncells) < 0)
		goto out;
	o.cells_total = ncells;
	if (nshards > 0) {
		if (gen_shard_filter(cells, &ncells, shard, nshards, dpath) < 0)
			goto out;
		o.shard_index = shard;
		o.shard_count = nshards;
		o.durations = dpath;
	}
	dir = gen_dir(m, dir_opt);
	mpath = gen_abspath(path);
	o.dir = dir;
	o.matrix = mpath;
	o.jockey = self_exe();
	edge = o.jockey ? xasprintf("%s-edge", o.jockey) : NULL;
	o.edge = edge && access(edge, X_OK) == 0 ? edge : o.jockey;
	o.engine = dh && *dh ? dh : default_engine;
	o.quiet = quiet;
	r = gen_write(m, cells, ncells, &o);
	ret = r == 0 ? EXIT_OK : r == -2 ? EXIT_USAGE : EXIT_RUNTIME;
out:
	free(edge);
	free(dir);
	free(mpath);
	free(dpath);
	cells_free(cells, ncells);
	matrix_free(m);
	return ret;
}

/* The plumbing forms "gen --X FIXED... IN... -- OUT...": how many IN and OUT
 * (as many of each, at least one) follow the fixed arguments; 0 if the
 * arguments are not of that form. */
static size_t
edge_pairs(int argc, char **argv, int fixed)
{
	int sep;

	for (sep = 2; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep >= argc || sep - 2 - fixed < 1 || argc - sep - 1 != sep - 2 - fixed)
		return 0;
	return (size_t)(sep - 2 - fixed);
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

	if (argc > 1 && strcmp(argv[1], "--cells") == 0) {
		size_t n = edge_pairs(argc, argv, 2);

		if (!n)
			usage("gen --cells BASE_JSON BENCH_JSON HOST_JSON... -- RUN_JSON... "
			      "(a RUN_JSON for each HOST_JSON)");
		return gen_cells(argv[2], argv[3], (const char *const *)argv + 4,
				 (const char *const *)argv + 5 + n, n) < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--images") == 0) {
		size_t n = edge_pairs(argc, argv, 1);

		if (!n)
			usage("gen --images RECIPE_JSON BASE_JSON... -- IMAGE_JSON... "
			      "(an IMAGE_JSON for each BASE_JSON)");
		return gen_images(argv[2], (const char *const *)argv + 3,
				  (const char *const *)argv + 4 + n, n) < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:q", longopts, NULL)) != -1) {
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
			if (gen_shard_parse(optarg, &shard, &nshards) < 0)
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
	return gen_main(argv[optind], dir, quiet, shard, nshards, durations);
}
