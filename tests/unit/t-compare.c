/* t-compare.c: change detection and the history's lookups, by hand. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/util.h"
#include "runners/report/compare.h"
#include "runners/report/history.h"
#include "tap.h"

static json_t *
metric(const double *v, size_t n, double scale)
{
	json_t *s = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(s, json_real(v[i] * scale));
	return json_pack("{s:s, s:s, s:o}", "unit", "loops/s", "better", "higher", "samples", s);
}

static void
test_metric(void)
{
	static const double six[] = { 10.0, 10.2, 9.9, 10.1, 9.8, 10.05 };
	json_t *old = metric(six, 6, 1), *slower = metric(six, 6, 0.8), *same = metric(six, 6, 1);
	json_t *old3 = metric(six, 3, 1), *new3 = metric(six, 3, 0.8);
	struct change ch;

	ok(compare_metric(old, slower, &ch) == 0 && ch.verdict == CHANGE_SIGNIFICANT,
	   "6 vs 6, all 20%% lower: significant");
	ok(fabs(ch.delta + 0.2) < 1e-9, "delta -20%% (got %g)", ch.delta);
	ok(fabs(ch.p - 2.0 / 924) < 1e-9, "p = 2/C(12,6) exactly (got %g)", ch.p);
	ok(fabs(ch.old_median - 10.025) < 1e-9 && ch.n_old == 6 && ch.n_new == 6,
	   "old median 10.025, n=6+6");
	/* spread: the farthest sample from the median, relative: (10.025-9.8)/10.025 */
	ok(fabs(ch.old_spread - 0.225 / 10.025) < 1e-9, "spread of the old samples");
	ok(compare_metric(old, same, &ch) == 0 && ch.verdict == CHANGE_SAME && ch.p == 1 &&
	   ch.delta == 0, "the same samples: no change, p = 1");
	ok(compare_metric(old3, new3, &ch) == 0 && ch.verdict == CHANGE_TOO_FEW &&
	   fabs(ch.p - 0.1) < 1e-9, "3 vs 3 cannot reach p < 0.05: too few, not 'same'");
	ok(compare_metric(old, NULL, &ch) < 0, "a metric missing on one side is not compared");
	json_decref(old), json_decref(slower), json_decref(same), json_decref(old3), json_decref(new3);
}

static void
test_cells(void)
{
	static const double six[] = { 10.0, 10.2, 9.9, 10.1, 9.8, 10.05 };
	json_t *old = json_pack("{s:{s:{s:o}}, s:{s:{s:o}}}", "a.x.h", "metrics", "loops_per_s",
				metric(six, 6, 1), "b.x.h", "metrics", "loops_per_s", metric(six, 6, 1));
	json_t *new = json_pack("{s:{s:{s:o}}, s:{s:{s:o}}}", "a.x.h", "metrics", "loops_per_s",
				metric(six, 6, 1.2), "b.x.h", "metrics", "loops_per_s", metric(six, 6, 1));
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int n = compare_cells(old, new, f);

	fclose(f);
	ok(n == 1, "one significant change of two cells (got %d)", n);
	ok(strstr(text, "+20.00% (p=0.002 q=0.004 n=6+6) better") != NULL,
	   "benchstat-style delta line, q = 2p over the 2 tests");
	ok(strstr(text, "~ (p=1.000 q=1.000 n=6+6)") != NULL, "the unchanged cell shows '~'");
	ok(strstr(text, "false discovery rate of 0.05 over the 2 tests") != NULL, "the family is named");
	if (!ok(strstr(text, "1 significant change ") != NULL, "the count at the end"))
		printf("%s", text);
	free(text);
	json_decref(old);
	json_decref(new);
}

static void
test_history(void)
{
	json_t *h = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "cell", "a", "key", "1",
			      "cell", "b", "key", "x", "cell", "a", "key", "2");
	json_t *e;

	e = history_previous(h, "a", "2");
	is_str(json_string_value(json_object_get(e, "key")), "1", "previous of the latest: the one before");
	e = history_previous(h, "a", "3");
	is_str(json_string_value(json_object_get(e, "key")), "2",
	       "previous of an unrecorded result: the latest");
	ok(history_previous(h, "a", "1") == NULL, "the first result has no previous");
	ok(history_previous(h, "c", NULL) == NULL, "an unknown cell has no history");
	e = history_find(h, "b", "x");
	ok(e == json_array_get(h, 1), "find by cell and key");
	json_decref(h);
}

/* A results folder with one cell whose result k2 (20% faster) followed k1. */
static void
test_print_changes(void)
{
	char dir[] = "/tmp/t-compare.XXXXXX", *path, *text = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	path = xasprintf("%s/results.json", dir);
	f = fopen(path, "w");
	fputs("{\"schema\": 1, \"cells\": [{\"id\": \"c1\", \"result_hash\": \"k2\", \"metrics\": "
	      "{\"rate\": {\"unit\": \"1/s\", \"better\": \"higher\", "
	      "\"samples\": [12, 12.1, 11.9, 12.2, 11.8, 12.05]}, "
	      "\"mem\": {\"unit\": \"bytes\", \"samples\": [5, 5, 5, 5, 5, 5]}}}]}\n", f);
	fclose(f);
	free(path);
	path = xasprintf("%s/%s", dir, HISTORY_FILE);
	f = fopen(path, "w");
	fputs("{\"schema\": 1, \"cell\": \"c1\", \"key\": \"k1\", \"recorded_unix\": 100, \"metrics\": "
	      "{\"rate\": {\"samples\": [10, 10.1, 9.9, 10.2, 9.8, 10.05]}, "
	      "\"mem\": {\"samples\": [5, 5, 5, 5, 5, 5]}}}\n"
	      "not json: a damaged line is skipped\n"
	      "{\"schema\": 1, \"cell\": \"c1\", \"key\": \"k2\", \"recorded_unix\": 200, \"metrics\": {}}\n", f);
	fclose(f);
	free(path);

	f = open_memstream(&text, &len);
	n = compare_print_changes(dir, 150, f);
	fclose(f);
	ok(n == 1, "a result recorded since the run began: one significant change (got %d)", n);
	ok(text && strstr(text, "c1 rate: 10.03 -> 12.03 1/s, +20.0% better (p=0.002 q=0.004 n=6+6)"),
	   "the change line");
	if (text && !strstr(text, "+20.0% better"))
		printf("# %s", text);
	ok(text && !strstr(text, "mem"), "unchanged metrics are not printed");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	n = compare_print_changes(dir, 250, f);
	fclose(f);
	ok(n == 0 && len == 0, "a result recorded before the run began: nothing printed");
	free(text);
	path = xasprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "rm");
	free(path);
}

/* xorshift64*, seeded: the same "random" samples on every run of the test. */
static double
uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* {"metrics": {m0..m9: {"samples": 10 draws}}} with each metric's samples
 * uniform on [100, 110) times (1 + shift) for the first `shifted` metrics. */
static json_t *
noise_cell(uint64_t *seed, int shifted, double shift)
{
	json_t *ms = json_object();
	int k, r;

	for (k = 0; k < 10; k++) {
		json_t *s = json_array();
		char name[8];

		for (r = 0; r < 10; r++)
			json_array_append_new(s, json_real((100 + 10 * uniform(seed)) *
							    (k < shifted ? 1 + shift : 1)));
		snprintf(name, sizeof(name), "m%d", k);
		json_object_set_new(ms, name, json_pack("{s:s, s:o}", "unit", "s", "samples", s));
	}
	return json_pack("{s:o}", "metrics", ms);
}

/* Two runs of an unchanged 100-cell x 10-metric matrix, every sample drawn
 * from one distribution with a fixed seed: about 50 of the 1000 tests fall
 * under p = 0.05 by chance, and after Benjamini-Hochberg none is flagged;
 * 5 metrics really 20% higher are still found among them. */
static void
test_unchanged_matrix(void)
{
	json_t *old = json_object(), *same = json_object(), *moved = json_object();
	uint64_t seed = 42;
	char *text = NULL, id[16];
	size_t len = 0, raw = 0;
	const char *p;
	FILE *f;
	int i, n;

	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "c%03d", i);
		json_object_set_new(old, id, noise_cell(&seed, 0, 0));
	}
	seed = 4242;
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "c%03d", i);
		json_object_set_new(same, id, noise_cell(&seed, 0, 0));
	}
	seed = 4242;
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "c%03d", i);
		json_object_set_new(moved, id, noise_cell(&seed, i == 7 ? 5 : 0, 0.2));
	}
	f = open_memstream(&text, &len);
	n = compare_cells(old, same, f);
	fclose(f);
	for (p = text; (p = strstr(p, "(p=0.0")); p++)
		if (p[6] < '5')
			raw++;
	ok(raw >= 25, "unchanged 100 x 10: %zu tests at p < 0.05 by chance alone", raw);
	ok(n == 0, "unchanged 100 x 10: none flagged after Benjamini-Hochberg (got %d)", n);
	ok(strstr(text, "0 significant changes (") && strstr(text, "over the 1000 tests"),
	   "the summary line counts 1000 tests");
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	n = compare_cells(old, moved, f);
	fclose(f);
	p = text ? strstr(text, "c007\n") : NULL;
	for (i = 0; p && i < 5; i++) {
		char line[8];

		snprintf(line, sizeof(line), "  m%d ", i);
		p = strstr(p, line);
		p = p ? strchr(p, '\n') : NULL;
		if (p && (p[-1] == ')' || !memchr(p - 40, '+', 40)))
			p = NULL; /* "~ (...)": not flagged */
	}
	ok(p != NULL, "5 metrics of one cell 20%% higher: each of the 5 is flagged");
	ok(n >= 5 && n <= 6, "and at most one other of the 995 unchanged (got %d)", n);
	free(text);
	json_decref(old), json_decref(same), json_decref(moved);
}

int
main(void)
{
	test_metric();
	test_cells();
	test_unchanged_matrix();
	test_history();
	test_print_changes();
	return tap_done();
}
