/* summary.c: summary.md, fit to paste into a CI summary or a pull request;
 * see summary.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/report/conditions.h"
#include "runners/report/adaptive.h"
#include "runners/report/summary.h"
#include "runners/report/winner.h"

static const char *const system_metrics[] = {
	"elapsed_s", "cpu_s", "cpu_user_s", "cpu_system_s", "mem_peak_bytes", "io_read_bytes",
	"io_write_bytes", "net_rx_bytes", "net_tx_bytes", "pids_peak",
	/* the image's facts (runners/run/imagefacts.h): size beside speed */
	"image_size_bytes", "image_layers", "image_compressed_bytes", "image_registry_layers",
};

/* 1 if the metric is one jockey measures for every cell (cgroup totals, the
 * wall time, the image's facts), 0 if a parser found it. */
static int
is_system_metric(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(system_metrics) / sizeof(system_metrics[0]); i++)
		if (strcmp(name, system_metrics[i]) == 0)
			return 1;
	return 0;
}

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Append s to a json array of unique strings. */
static void
uniq_add(json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return;
	json_array_append_new(list, json_string(s));
}

static void
num(struct buf *b, double v, const char *unit)
{
	if (strcmp(unit, "bytes") == 0 && fabs(v) >= 1024 * 1024)
		buf_printf(b, "%.4g MiB", v / (1024 * 1024));
	else if (strcmp(unit, "bytes") == 0 && fabs(v) >= 1024)
		buf_printf(b, "%.4g KiB", v / 1024);
	else
		buf_printf(b, "%.4g", v);
}

static void
pct(struct buf *b, double v)
{
	buf_printf(b, "%+.1f%%", v * 100);
}

/* One table cell: median [interval], the change against the baseline. */
static void
md_value(struct buf *b, json_t *c, const char *metric, double max_cv)
{
	json_t *m = json_object_get(json_object_get(c, "metrics"), metric);
	json_t *ci = json_object_get(m, "ci"), *rel = json_object_get(m, "relative");
	const char *unit = str(m, "unit");

	if (!m || !json_is_number(json_object_get(m, "median"))) {
		buf_puts(b, strcmp(str(c, "status"), "failed") == 0 ? "failed" : "–");
		return;
	}
	num(b, json_number_value(json_object_get(m, "median")), unit);
	/* one sample has no interval worth the name (its coverage is 0) */
	if (json_array_size(ci) == 2 && json_number_value(json_object_get(m, "ci_coverage")) > 0) {
		buf_puts(b, " [");
		num(b, json_number_value(json_array_get(ci, 0)), unit);
		buf_puts(b, ", ");
		num(b, json_number_value(json_array_get(ci, 1)), unit);
		buf_puts(b, "]");
		/* under 6 repetitions no interval reaches 95%: say what it has */
		if (json_is_number(json_object_get(m, "ci_coverage")) &&
		    json_number_value(json_object_get(m, "ci_coverage")) < 0.95)
			buf_printf(b, " %.0f%%", 100 * json_number_value(json_object_get(m, "ci_coverage")));
	}
	if (rel && strcmp(str(rel, "baseline"), str(c, "id")) != 0) {
		json_t *rci = json_object_get(rel, "ci");

		int sig = json_is_true(json_object_get(rel, "significant"));

		buf_puts(b, sig ? " **" : " ");
		pct(b, json_number_value(json_object_get(rel, "delta")));
		buf_puts(b, sig ? "**" : "");
		if (json_array_size(rci) == 2) {
			buf_puts(b, " [");
			pct(b, json_number_value(json_array_get(rci, 0)));
			buf_puts(b, ", ");
			pct(b, json_number_value(json_array_get(rci, 1)));
			buf_puts(b, "]");
			if (json_number_value(json_object_get(rel, "ci_coverage")) < 0.95)
				buf_printf(b, " %.0f%%", 100 * json_number_value(json_object_get(rel, "ci_coverage")));
		}
	} else if (rel) {
		buf_puts(b, " (baseline)");
	}
	if (json_is_true(json_object_get(m, "noisy")))
		buf_printf(b, " ⚠ cv %.0f%%", json_number_value(json_object_get(m, "cv")) * 100);
	(void)max_cv;
}

/* The cell of a benchmark at (image:tag, host), or NULL: index maps
 * "BENCH\x1fIMAGE:TAG\x1fHOST" to cells. */
static json_t *
cell_at(json_t *index, const char *bench, const char *imgtag, const char *host)
{
	char *k = xasprintf("%s\x1f%s\x1f%s", bench, imgtag, host);
	json_t *c = json_object_get(index, k);

	free(k);
	return c;
}

static json_t *
cells_index(json_t *cells)
{
	json_t *index = json_object(), *c;
	size_t i;

	json_array_foreach(cells, i, c) {
		char *k = xasprintf("%s\x1f%s:%s\x1f%s", str(c, "benchmark"), str(c, "image"),
				    str(c, "tag"), str(c, "host"));

		json_object_set(index, k, c);
		free(k);
	}
	return index;
}

static void
md_table(struct buf *b, json_t *index, const char *bench, const char *metric, json_t *rows,
	 json_t *hosts, double max_cv)
{
	json_t *r, *h, *m = NULL;
	size_t i, j;
	const char *better;

	json_array_foreach(rows, i, r) {
		json_array_foreach(hosts, j, h) {
			json_t *c = cell_at(index, bench, json_string_value(r), json_string_value(h));

			if (c && (m = json_object_get(json_object_get(c, "metrics"), metric)))
				break;
		}
		if (m)
			break;
	}
	better = str(m, "better");
	buf_printf(b, "**%s** (%s%s%s)\n\n| image:tag |", metric, str(m, "unit"),
		   *better ? ", " : "", *better ? (strcmp(better, "higher") == 0 ?
						   "higher is better" : "lower is better") : "");
	json_array_foreach(hosts, j, h)
		buf_printf(b, " %s |", json_string_value(h));
	buf_puts(b, "\n|---|");
	json_array_foreach(hosts, j, h)
		buf_puts(b, "---|");
	buf_putc(b, '\n');
	json_array_foreach(rows, i, r) {
		buf_printf(b, "| %s |", json_string_value(r));
		json_array_foreach(hosts, j, h) {
			json_t *c = cell_at(index, bench, json_string_value(r), json_string_value(h));

			buf_putc(b, ' ');
			if (c)
				md_value(b, c, metric, max_cv);
			else
				buf_puts(b, "·");
			buf_puts(b, " |");
		}
		buf_putc(b, '\n');
	}
	buf_putc(b, '\n');
}

static void
md_benchmark(struct buf *b, json_t *cells, json_t *index, const char *bench, double max_cv)
{
	json_t *rows = json_array(), *hosts = json_array(), *metrics = json_array(), *c, *v;
	size_t i;
	int any_system = 0, pass;

	json_array_foreach(cells, i, c) {
		const char *name;
		json_t *m;
		char *it;

		if (strcmp(str(c, "benchmark"), bench) != 0)
			continue;
		it = xasprintf("%s:%s", str(c, "image"), str(c, "tag"));
		uniq_add(rows, it);
		free(it);
		uniq_add(hosts, str(c, "host"));
		json_object_foreach(json_object_get(c, "metrics"), name, m)
			uniq_add(metrics, name);
	}
	buf_printf(b, "## %s\n\n", bench);
	/* the parser's metrics first, then the ones every cell has, folded */
	for (pass = 0; pass < 2; pass++)
		json_array_foreach(metrics, i, v) {
			const char *name = json_string_value(v);

			if (is_system_metric(name) != pass)
				continue;
			if (pass && !any_system++)
				buf_puts(b, "<details><summary>wall time and cgroup totals</summary>\n\n");
			md_table(b, index, bench, name, rows, hosts, max_cv);
		}
	if (any_system)
		buf_puts(b, "</details>\n\n");
	adaptive_md(b, cells, bench);
	json_decref(rows);
	json_decref(hosts);
	json_decref(metrics);
}

void
summary_write(json_t *results, struct buf *b)
{
	json_t *cells = json_object_get(results, "cells"), *benches = json_array(), *c, *v, *index;
	json_t *bl = json_object_get(results, "baseline"), *by_bench = json_object();
	double max_cv = json_number_value(json_object_get(results, "max_cv"));
	const char *commit = str(results, "repo_commit");
	size_t i, done = 0, failed = 0;

	if (max_cv <= 0)
		max_cv = 0.05;
	/* each benchmark's cells, in order: its tables look at those only (at
	 * 10,000 cells, scanning them all per benchmark was a tenth of the
	 * aggregate) */
	json_array_foreach(cells, i, c) {
		json_t *list = json_object_get(by_bench, str(c, "benchmark"));

		if (!list) {
			list = json_array();
			json_object_set_new(by_bench, str(c, "benchmark"), list);
			json_array_append_new(benches, json_string(str(c, "benchmark")));
		}
		json_array_append(list, c);
		done += strcmp(str(c, "status"), "done") == 0;
		failed += strcmp(str(c, "status"), "failed") == 0;
	}
	buf_printf(b, "# jockey: %s\n\n", str(results, "matrix"));
	buf_printf(b, "%zu cells: %zu done, %zu failed, %zu not finished. Dockerfile repo %.12s%s, "
		      "jockey %s.\n\n", json_array_size(cells), done, failed,
		   json_array_size(cells) - done - failed, *commit ? commit : "(unknown)",
		   json_is_true(json_object_get(results, "repo_dirty")) ? " with uncommitted edits" : "",
		   str(results, "jockey_version"));
	buf_printf(b, "Each value: the median [its 95%% interval, from order statistics; with "
		      "fewer than 6 repetitions [min, max], followed by its lower coverage]; "
		      "⚠ marks a noisy metric (coefficient of variation above %.0f%%).", max_cv * 100);
	if (json_is_object(bl) && (*str(bl, "host") || *str(bl, "image")))
		buf_printf(b, " Baseline: %s `%s%s%s`; ±x%% is the change of the median against "
			      "it [95%% interval of the ratio, Mann-Whitney], in bold when significant "
			      "after Benjamini-Hochberg at a false discovery rate of 5%% over all %lld "
			      "comparisons with the baseline.", *str(bl, "host") ? "host" : "image",
			   *str(bl, "host") ? str(bl, "host") : str(bl, "image"),
			   *str(bl, "tag") ? ":" : "", str(bl, "tag"),
			   (long long)json_integer_value(json_object_get(json_object_get(results,
				"baseline_tests"), "tests")));
	buf_puts(b, "\n\n");
	json_array_foreach(cells, i, c)
		if (*str(c, "cgroup_absent"))
			buf_printf(b, "No cgroup metrics for `%s`: %s.\n\n", str(c, "id"), str(c, "cgroup_absent"));
	index = cells_index(cells);
	/* which image wins each benchmark, before the tables (winner.c) */
	winner_write(cells, b);
	json_array_foreach(benches, i, v)
		md_benchmark(b, json_object_get(by_bench, json_string_value(v)), index,
			     json_string_value(v), max_cv);
	json_decref(by_bench);
	/* the machine and the warm-up (conditions.c) */
	conditions_md(results, b);
	json_decref(index);
	json_decref(benches);
}
