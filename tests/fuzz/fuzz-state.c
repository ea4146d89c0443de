/* fuzz-state.c: libFuzzer entry for the readers of a results folder's state
 * files. Each input builds a small results folder of two cells (3 and 2
 * repetitions, a baseline host) whose files are all well formed but one: the
 * first byte of the input picks which file gets the rest of the input as its
 * content, then the readers of that file run:
 *
 *   0 cells/C/2/samples.json, 1 cells/C/1/metrics.json, 2 cells/C/3/failed.json,
 *   3 history.jsonl, 4 matrix.json, 8 stamps/repo.commit: aggregate_dir (and
 *     the run's change lines, compare_print_changes);
 *   5 cells/C/run.json: staleness_cell; 6 results.json: compare and
 *     summary.md from it; 1 and 7 cells/C/1/log: the parse edge's
 *     samples_write (metrics.json and the log).
 *
 * A crash, a sanitizer report, a leak or a hang is a bug. The readers' own
 * messages go to stderr: run it with -close_fd_mask=2 (run.sh does). */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/util.h"
#include "runners/report/aggregate.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"
#include "runners/report/staleness.h"
#include "runners/report/summary.h"
#include "runners/run/samples.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define C1 "i-t.b.h1"
#define C2 "i-t.b.h2"

static char top[] = "/tmp/jockey-fuzz-state.XXXXXX";
static char dir[sizeof(top) + 8], cwd[4096];

static const char *const targets[] = {
	"cells/" C2 "/2/samples.json", "cells/" C2 "/1/metrics.json",
	"cells/" C2 "/3/failed.json",  "history.jsonl",
	"matrix.json",                 "cells/" C2 "/run.json",
	"results.json",                "cells/" C2 "/1/log",
	"stamps/repo.commit",
};
enum { NTARGETS = sizeof(targets) / sizeof(targets[0]) };

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
cleanup(void)
{
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *rel, const void *data, size_t size)
{
	char *path = xasprintf("%s/%s", dir, rel), *slash;
	FILE *f;

	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	free(path);
}

static void
puts_file(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

/* The well-formed folder: matrix.json, both cells' repetitions, history. */
static void
folder_make(void)
{
	static const char *const cells[] = { C1, C2 };
	size_t c;
	int rep;

	puts_file("matrix.json", "{\"schema\": 1, \"name\": \"fz\", \"max_cv\": 0.05, "
		  "\"baseline\": {\"host\": \"h1\"}, \"cells\": ["
		  "{\"id\": \"" C1 "\", \"image\": \"i\", \"tag\": \"t\", \"benchmark\": \"b\", "
		  "\"host\": \"h1\", \"repeat\": 3, \"warmup\": 0},"
		  "{\"id\": \"" C2 "\", \"image\": \"i\", \"tag\": \"t\", \"benchmark\": \"b\", "
		  "\"host\": \"h2\", \"repeat\": 3, \"warmup\": 1}]}\n");
	puts_file("stamps/repo.commit", "0123456789abcdef0123456789abcdef01234567\n");
	puts_file("conf/parse/b.json", "{\"schema\": 1, \"benchmark\": \"b\", \"parsers\": "
		  "[{\"kind\": \"builtin\", \"name\": \"shell\"}, {\"kind\": \"regex\", "
		  "\"regex\": \"x: ([0-9.]+)\", \"metric\": \"x\", \"unit\": \"s\"}]}\n");
	for (c = 0; c < 2; c++) {
		char *p = xasprintf("cells/%s/run.json", cells[c]), *t;

		puts_file(p, "{\"schema\": 1, \"image\": \"i:t\", \"image_id\": \"sha256:00\"}\n");
		free(p);
		for (rep = 1; rep <= 3 - (int)c; rep++) {
			p = xasprintf("cells/%s/%d/samples.json", cells[c], rep);
			t = xasprintf("{\"schema\": 1, \"cell\": \"%s\", \"rep\": %d, \"metrics\": "
				      "[{\"name\": \"x\", \"value\": %d.5, \"unit\": \"s\", \"better\": "
				      "\"lower\"}]}\n", cells[c], rep, 10 + rep + (int)c);
			puts_file(p, t);
			free(p);
			free(t);
			p = xasprintf("cells/%s/%d/metrics.json", cells[c], rep);
			puts_file(p, "{\"schema\": 1, \"elapsed_s\": 1.5, \"metrics\": {\"cpu_s\": 1.2}, "
				  "\"provenance\": {\"image_id\": \"sha256:00\"}}\n");
			free(p);
			p = xasprintf("cells/%s/%d/log", cells[c], rep);
			puts_file(p, "x: 12.5\n");
			free(p);
		}
	}
	puts_file("history.jsonl", "{\"schema\": 1, \"cell\": \"" C1 "\", \"key\": \"k0\", "
		  "\"recorded_unix\": 1, \"metrics\": {\"x\": {\"samples\": [9, 9.5, 10]}}}\n");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(top) || !getcwd(cwd, sizeof(cwd)))
		abort();
	snprintf(dir, sizeof(dir), "%s/r", top);
	atexit(cleanup);
	return 0;
}

static void
read_results(void)
{
	char *path = xasprintf("%s/results.json", dir);
	json_t *r = json_load_path(path, 0), *by;
	struct buf b = BUF_INIT;
	FILE *null = fopen("/dev/null", "w");

	free(path);
	if (!null)
		abort();
	if (r) {
		by = compare_cells_by_id(r);
		compare_cells(by, by, null);
		json_decref(by);
		by = compare_cells_previous(dir, r);
		json_decref(by);
		summary_write(r, &b);
		buf_release(&b);
	}
	json_decref(r);
	fclose(null);
}

/* The parse edge of C2's first repetition (its log and metrics.json). */
static void
parse_rep(void)
{
	char *cd = xasprintf("%s/cells/%s", dir, C2), *pj = xasprintf("%s/conf/parse/b.json", dir);

	(void)samples_write(cd, C2, 1, pj);
	free(cd);
	free(pj);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aggregate_summary sum;
	FILE *null;
	size_t t;

	if (size < 1)
		return 0;
	t = data[0] % NTARGETS;
	cleanup();
	if (mkdir(top, 0755) < 0 || mkdir(dir, 0755) < 0)
		abort();
	folder_make();
	put(targets[t], data + 1, size - 1);
	switch (t) {
	case 5:
		json_decref(staleness_cell(dir, C2));
		break;
	case 6:
		read_results();
		break;
	case 7:
		parse_rep();
		break;
	default:
		if (t == 1)
			parse_rep();
		if (aggregate_dir(dir, &sum) == 0) {
			null = fopen("/dev/null", "w");
			if (!null)
				abort();
			compare_print_changes(dir, 0, null);
			fclose(null);
		}
		if (chdir(cwd) < 0)
			abort();
		read_results();
		break;
	}
	return 0;
}
