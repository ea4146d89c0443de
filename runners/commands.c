/* commands.c: the command table, help and version (git's git.c in small).
 * help lives beside the table it reads; only main.c calls into this file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/version.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "base/util.h"

static const struct command commands[] = {
	{ "run", cmd_run, 0,
	  "[-j N] [-o DIR] [--offline] [--quiet-machine] [--shard I/N [--durations RESULTS_JSON]] MATRIX [[--] PATTERN...]",
	  "generate, run the stale cells with ninja, and report",
	  "Writes DIR/build.ninja (default results/NAME), runs ninja over the cells\n"
	  "that are stale (or only those whose id matches a PATTERN, as in fnmatch),\n"
	  "then aggregates every finished cell into DIR/results.json and DIR/run.json.\n"
	  "Exit status: 0 all cells fine, 1 broken environment, 2 bad matrix,\n"
	  "3 some cells failed (they run again next time), 4 a busy machine refused.\n"
	  "Before ninja starts it checks the machine: a 1-minute load average above\n"
	  "0.5 x the CPUs, containers not this run's running on an engine, or swap in\n"
	  "use each print a warning; --quiet-machine refuses to run instead (exit 4).\n"
	  "--shard I/N runs a stable, disjoint share of the cells (docs/ci.md).\n"
	  "Options may follow the operands (jockey run MATRIX -o DIR PATTERN); a\n"
	  "PATTERN that starts with '-' goes after '--'.\n"
	  "Native cells (a host with native: true) run the image's code on the host\n"
	  "with host privileges: as the image's user (root by default), in the\n"
	  "host's PID, network and IPC namespaces, with /dev and /sys bound in.\n"
	  "Run native cells of trusted images only.\n" },
	{ "gen", cmd_gen, 0, "[-o DIR] [--shard I/N [--durations RESULTS_JSON]] MATRIX",
	  "write build.ninja and the cell files for a matrix",
	  "Validates MATRIX and writes DIR/build.ninja and one folder per cell under\n"
	  "DIR/cells (default DIR: results/NAME). Files are rewritten only when their\n"
	  "content changes. Nothing is written when the matrix has errors (exit 2).\n" },
	{ "ls", cmd_ls, 0, "[--json] [--probe] [-o DIR] MATRIX",
	  "list the cells of a matrix and why each is stale",
	  "One line per cell with its image, tag, benchmark and host, and its state:\n"
	  "done, stale (and why: a base moved, a context, host or benchmark changed),\n"
	  "partial, failed (and why) or never run. --probe first asks for the base\n"
	  "digests and fetches the Dockerfile repo, as a run would, running nothing.\n" },
	{ "init", cmd_init, 0, "[-o FILE] [--name NAME] [--ref REF] [--offline] [DIR|URL]",
	  "write a starter matrix for a Dockerfile repository",
	  "Lists the build contexts of the Dockerfile repository DIR or URL (default:\n"
	  "the current folder; a URL is fetched through libgit2 into jockey's cache),\n"
	  "whether each takes ARG BASE and what its FROM names, and writes a commented\n"
	  "matrix (default NAME.yaml, NAME the repository's name) with one benchmark\n"
	  "per context and the images of the FROM lines, which 'jockey gen' accepts.\n"
	  "Never overwrites a file.\n" },
	{ "show", cmd_show, 0, "[--json] [-n LINES] DIR CELL",
	  "show one cell of a results folder: state, numbers, metrics, log",
	  "Prints the cell CELL of the results folder DIR (or every cell whose id\n"
	  "matches CELL as an fnmatch pattern): its image, tag, benchmark and host,\n"
	  "its state and why (as 'jockey ls' says it), each repetition's numbers or\n"
	  "failure reason, its metrics over time as sparklines, the last LINES\n"
	  "(default 10) lines of its log and the paths of its files. --json prints\n"
	  "an array of one object per cell for scripts. Exit 1 when no cell matches.\n" },
	{ "clean", cmd_clean, 0, "[--all | --keep N] DIR",
	  "remove the containers, networks and images a run left behind",
	  "Removes the containers and networks jockey labelled for the results folder\n"
	  "DIR; --all also its images; --keep N removes the older images of each\n"
	  "image key, all but the newest N, never the one in use.\n" },
	{ "report", cmd_report, 0, "DIR",
	  "write the reports of a results folder again",
	  "Rewrites DIR/results.json, results.csv, summary.md and report.html from\n"
	  "what DIR holds.\n" },
	{ "compare", cmd_compare, 0, "DIR-A [DIR-B] | --profile [--json] [-n LINES] [DIR] CELL-A CELL-B",
	  "compare two results folders, or one against its history",
	  "Per cell and metric: the change of the median and whether it is significant.\n"
	  "With --profile: the LINES (20) functions whose self share of the CPU samples\n"
	  "changed most between two profiled cells (cell ids of DIR, or cell folders\n"
	  "DIR/cells/ID), by function and DSO: share in A, in B, the change in\n"
	  "points and whether it is beyond both intervals (docs/results.md).\n" },
	{ "merge", cmd_merge, 0, "[--force] -o DIR SHARD-DIR...",
	  "join the results of CI shards into one results folder",
	  "Refuses shards of different matrices or Dockerfile repo commits unless\n"
	  "--force; see docs/ci.md.\n" },
	{ "help", cmd_help, 0, "[COMMAND]", "show help for jockey or a command", NULL },
	{ "version", cmd_version, 0, "", "print jockey's version", NULL },
	{ "fetch", cmd_fetch, PLUMBING, "[--offline] REPO_JSON", "resolve the Dockerfile repo into stamps", NULL },
	{ "probe", cmd_probe, PLUMBING, "[--offline] BASE_JSON STAMP", "resolve a base image to its digest", NULL },
	{ "images", cmd_images, PLUMBING, "RECIPE_JSON BASE_JSON... -- IMAGE_JSON...",
	  "write the image files of one recipe", NULL },
	{ "build-image", cmd_build_image, PLUMBING, "BUILD_JSON STAMP", "build one benchmark image", NULL },
	{ "cells", cmd_cells, PLUMBING, "BASE_JSON BENCH_JSON HOST_JSON... -- RUN_JSON...",
	  "write the cell files of one image:tag and benchmark", NULL },
	{ "run-cell", cmd_run_cell, PLUMBING, "RUN_JSON REP", "run one repetition of a cell", NULL },
	{ "profile", cmd_profile, PLUMBING, "RUN_JSON FREQUENCY CALL_GRAPH REPEAT",
	  "run a cell's profiled repetitions under perf", NULL },
	{ "parse", cmd_parse, PLUMBING, "cells/ID/REP/log PARSERS_JSON", "parse one repetition's log", NULL },
	{ "schema", cmd_schema, PLUMBING, "", "print the JSON Schema of a matrix (docs/matrix.schema.json)", NULL },
	{ "aggregate", cmd_aggregate, PLUMBING, "DIR", "collect every finished cell into results", NULL },
};

const struct command *
command_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void
help_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: jockey COMMAND [ARGS...]\n\n"
		   "jockey turns a YAML matrix of images x tags x benchmarks x hosts into a\n"
		   "ninja build graph and reruns exactly the cells whose inputs changed.\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!(commands[i].flags & PLUMBING))
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nSee 'jockey help COMMAND' or man jockey.\n");
}

int
cmd_help(int argc, char **argv)
{
	const struct command *c;
	int i = opts_operands(argc, argv, 0, 1, "help");

	argc -= i - 1;
	argv += i - 1;
	if (argc < 2) {
		help_all(stdout);
		return EXIT_OK;
	}
	c = command_find(argv[1]);
	if (!c) {
		error("no such command '%s'; see 'jockey help'", argv[1]);
		return EXIT_USAGE;
	}
	printf("usage: jockey %s %s\n\n%s\n", c->name, c->args, c->summary);
	if (c->help)
		printf("\n%s", c->help);
	return EXIT_OK;
}

int
cmd_version(int argc, char **argv)
{
	opts_operands(argc, argv, 0, 0, "version");
	printf("jockey %s\n", JOCKEY_VERSION);
	return EXIT_OK;
}

