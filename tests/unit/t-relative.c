/* t-relative.c: aggregate's comparisons with the baseline, decided by
 * Benjamini-Hochberg over all of them, on a synthetic results folder. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/report/aggregate.h"
#include "tap.h"

#define BENCHES 50
#define REPS 8

/* xorshift64*, seeded: the same samples on every run of the test */
static double
uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

/* BENCHES benchmarks on hosts h1 (the baseline) and h2, REPS repetitions
 * each of one metric drawn from the same uniform distribution, except b0 on
 * h2: 30% higher. */
static void
folder_make(const char *dir)
{
	json_t *cells = json_array(), *matrix;
	uint64_t seed = 7;
	char path[512], text[512], id[32], bench[16];
	int b, h, r;

	for (b = 0; b < BENCHES; b++)
		for (h = 1; h <= 2; h++) {
			snprintf(bench, sizeof(bench), "b%d", b);
			snprintf(id, sizeof(id), "i-t.%s.h%d", bench, h);
			json_array_append_new(cells, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i}",
				"id", id, "image", "i", "tag", "t", "benchmark", bench, "host",
				h == 1 ? "h1" : "h2", "repeat", REPS, "warmup", 0));
			snprintf(path, sizeof(path), "%s/cells/%s", dir, id);
			mkdir(path, 0755);
			for (r = 1; r <= REPS; r++) {
				double v = (100 + 10 * uniform(&seed)) * (b == 0 && h == 2 ? 1.3 : 1);

				snprintf(path, sizeof(path), "%s/cells/%s/%d", dir, id, r);
				mkdir(path, 0755);
				snprintf(path, sizeof(path), "%s/cells/%s/%d/samples.json", dir, id, r);
				snprintf(text, sizeof(text), "{\"schema\": 1, \"cell\": \"%s\", \"rep\": %d, "
					 "\"metrics\": [{\"name\": \"x\", \"value\": %.17g, \"unit\": \"s\", "
					 "\"better\": \"lower\"}]}\n", id, r, v);
				put(path, text);
			}
		}
	matrix = json_pack("{s:i, s:s, s:{s:s}, s:o}", "schema", 1, "name", "rel", "baseline",
			   "host", "h1", "cells", cells);
	snprintf(path, sizeof(path), "%s/matrix.json", dir);
	if (json_dump_file(matrix, path, 0) < 0)
		abort();
	json_decref(matrix);
}

int
main(void)
{
	char dir[] = "/tmp/t-relative.XXXXXX", cwd[4096], *path, *summary = NULL;
	struct aggregate_summary sum;
	json_t *r, *c, *rel;
	size_t i, flagged = 0, raw = 0, tests = 0;
	int b0 = 0;

	if (!mkdtemp(dir) || !getcwd(cwd, sizeof(cwd)))
		return 1;
	path = xasprintf("%s/cells", dir);
	mkdir(path, 0755);
	free(path);
	folder_make(dir);
	ok(aggregate_dir(dir, &sum) == 0 && sum.done == 2 * BENCHES, "aggregate of %d cells", 2 * BENCHES);
	if (chdir(cwd) < 0)
		return 1;
	path = xasprintf("%s/results.json", dir);
	r = json_load_path(path, 0);
	free(path);
	json_array_foreach(json_object_get(r, "cells"), i, c) {
		rel = json_object_get(json_object_get(json_object_get(c, "metrics"), "x"), "relative");
		if (!json_is_number(json_object_get(rel, "p")))
			continue;
		tests++;
		raw += json_number_value(json_object_get(rel, "p")) < 0.05;
		flagged += json_is_true(json_object_get(rel, "significant"));
		if (strcmp(json_string_value(json_object_get(c, "id")), "i-t.b0.h2") == 0)
			b0 = json_is_true(json_object_get(rel, "significant")) &&
			     json_number_value(json_object_get(rel, "q")) <= 0.05 &&
			     json_number_value(json_array_get(json_object_get(rel, "ci"), 0)) > 0.2 &&
			     json_number_value(json_object_get(rel, "ci_coverage")) >= 0.95;
	}
	ok(tests == BENCHES, "one test per cell against its baseline, the baselines none (%zu)", tests);
	ok(json_integer_value(json_object_get(json_object_get(r, "baseline_tests"), "tests")) ==
	   BENCHES, "results.json's baseline_tests counts them");
	ok(b0, "the real 30%% change is significant, its interval above +20%%, 95%% covered");
	ok(raw >= 2, "%zu comparisons under p = 0.05 (the real one and chance)", raw);
	ok(flagged == 1, "after Benjamini-Hochberg only the real one is flagged (%zu)", flagged);
	path = xasprintf("%s/summary.md", dir);
	if (read_file(path, &summary, NULL) < 0)
		summary = NULL;
	free(path);
	ok(summary && strstr(summary, "**+") && !strstr(strstr(summary, "**+") + 3, "**+") &&
	   strstr(summary, "over all 50 comparisons with the baseline"),
	   "summary.md bolds that one change alone and names the family");
	free(summary);
	json_decref(r);
	path = xasprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "rm");
	free(path);
	return tap_done();
}
