/* report.c: the reports people read: summary.md, fit to paste into a CI
 * summary or a pull request, and report.html, one self-contained file whose
 * inline script draws the charts from the data embedded in it (no network). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "runners/report/history.h"
#include "runners/report/report.h"
#include "base/util.h"

#define SERIES_POINTS 60   /* points kept per repetition's time series */
#define SERIES_REPS 5      /* repetitions whose time series are kept */
#define HISTORY_KEEP 50    /* history entries kept per cell */
#define LOG_TAIL_LINES 25  /* lines of a failed repetition's log */
#define LOG_TAIL_BYTES 4000

static const char *const system_metrics[] = {
	"elapsed_s", "cpu_s", "cpu_user_s", "cpu_system_s", "mem_peak_bytes", "io_read_bytes",
	"io_write_bytes", "net_rx_bytes", "net_tx_bytes", "pids_peak",
};

int
report_is_system_metric(const char *name)
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

		buf_puts(b, " **");
		pct(b, json_number_value(json_object_get(rel, "delta")));
		buf_puts(b, "**");
		if (json_array_size(rci) == 2) {
			buf_puts(b, " [");
			pct(b, json_number_value(json_array_get(rci, 0)));
			buf_puts(b, ", ");
			pct(b, json_number_value(json_array_get(rci, 1)));
			buf_puts(b, "]");
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

			if (report_is_system_metric(name) != pass)
				continue;
			if (pass && !any_system++)
				buf_puts(b, "<details><summary>wall time and cgroup totals</summary>\n\n");
			md_table(b, index, bench, name, rows, hosts, max_cv);
		}
	if (any_system)
		buf_puts(b, "</details>\n\n");
	json_decref(rows);
	json_decref(hosts);
	json_decref(metrics);
}

void
report_summary(json_t *results, struct buf *b)
{
	json_t *cells = json_object_get(results, "cells"), *benches = json_array(), *c, *v, *index;
	json_t *bl = json_object_get(results, "baseline");
	double max_cv = json_number_value(json_object_get(results, "max_cv"));
	const char *commit = str(results, "repo_commit");
	size_t i, done = 0, failed = 0;

	if (max_cv <= 0)
		max_cv = 0.05;
	json_array_foreach(cells, i, c) {
		uniq_add(benches, str(c, "benchmark"));
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
		buf_printf(b, " Baseline: %s `%s%s%s`; **±x%%** is the change of the median against "
			      "it [bootstrap 95%% interval].", *str(bl, "host") ? "host" : "image",
			   *str(bl, "host") ? str(bl, "host") : str(bl, "image"),
			   *str(bl, "tag") ? ":" : "", str(bl, "tag"));
	buf_puts(b, "\n\n");
	index = cells_index(cells);
	json_array_foreach(benches, i, v)
		md_benchmark(b, cells, index, json_string_value(v), max_cv);
	json_decref(index);
	json_decref(benches);
}

/* The time series of one repetition (metrics.tsv), thinned to at most
 * SERIES_POINTS rows: t (s), CPU use (% of one core, from the cumulative
 * cpu_s) and memory (MiB). NULL if there is none. */
static json_t *
series_load(const char *id, int rep)
{
	char *path = xasprintf("cells/%s/%d/metrics.tsv", id, rep), *data, *line, *next;
	int col_t = -1, col_cpu = -1, col_mem = -1, rows = 0, row = 0, stride;
	double prev_t = 0, prev_cpu = 0;
	json_t *t, *cpu, *mem;

	if (!path_exists(path) || read_file(path, &data, NULL) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	for (line = data; *line; line++)
		rows += *line == '\n';
	stride = rows / SERIES_POINTS + 1;
	t = json_array(), cpu = json_array(), mem = json_array();
	for (line = data; *line; line = next) {
		char *f, *save = NULL;
		double vt = 0, vc = 0, vm = 0;
		int col = 0;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		for (f = strtok_r(line, "\t", &save); f; f = strtok_r(NULL, "\t", &save), col++) {
			if (row == 0) {
				col_t = strcmp(f, "t_s") == 0 ? col : col_t;
				col_cpu = strcmp(f, "cpu_s") == 0 ? col : col_cpu;
				col_mem = strcmp(f, "mem_bytes") == 0 ? col : col_mem;
				continue;
			}
			if (col == col_t)
				vt = strtod(f, NULL);
			else if (col == col_cpu)
				vc = strtod(f, NULL);
			else if (col == col_mem)
				vm = strtod(f, NULL);
		}
		if (row++ == 0 || col_t < 0 || (row - 2) % stride != 0)
			continue;
		json_array_append_new(t, json_real(round(vt * 1000) / 1000));
		json_array_append_new(cpu, json_real(vt > prev_t ?
			round((vc - prev_cpu) / (vt - prev_t) * 1000) / 10 : 0));
		json_array_append_new(mem, json_real(round(vm / 1048576 * 100) / 100));
		prev_t = vt;
		prev_cpu = vc;
	}
	free(data);
	if (!json_array_size(t)) {
		json_decref(t), json_decref(cpu), json_decref(mem);
		return NULL;
	}
	return json_pack("{s:i, s:o, s:o, s:o}", "rep", rep, "t", t, "cpu", cpu, "mem", mem);
}

static json_t *
cell_series(json_t *c)
{
	json_t *out = json_array(), *reps = NULL, *m, *r;
	const char *name;
	size_t i;

	json_object_foreach(json_object_get(c, "metrics"), name, m) {
		reps = json_object_get(m, "reps");
		break;
	}
	json_array_foreach(reps, i, r) {
		json_t *s;

		if (i >= SERIES_REPS)
			break;
		s = series_load(str(c, "id"), (int)json_integer_value(r));
		if (s)
			json_array_append_new(out, s);
	}
	return out;
}

/* The last lines of a failed repetition's log (PATH relative to DIR). */
static json_t *
log_tail(const char *path)
{
	char *data, *p;
	size_t len;
	int lines = 0;
	json_t *out;

	if (!path || !path_exists(path) || read_file(path, &data, &len) < 0)
		return json_null();
	p = data + len;
	if (p > data && p[-1] == '\n')
		p--;
	while (p > data && (size_t)(data + len - p) < LOG_TAIL_BYTES) {
		if (p[-1] == '\n' && ++lines >= LOG_TAIL_LINES)
			break;
		p--;
	}
	/* logs are the benchmark's bytes: keep only valid text for JSON */
	out = json_stringn(p, data + len - p);
	if (!out) {
		char *q;

		for (q = p; q < data + len; q++)
			if ((unsigned char)*q >= 0x80 || (*q < 0x20 && *q != '\n' && *q != '\t'))
				*q = '?';
		out = json_stringn(p, data + len - p);
	}
	free(data);
	return out ? out : json_null();
}

/* Per cell: its history's medians over runs, oldest first. */
static void
history_attach(json_t *cells, json_t *hist)
{
	json_t *by_cell = json_object(), *e, *c;
	size_t i;

	json_array_foreach(hist, i, e) {
		const char *id = str(e, "cell");
		json_t *list = json_object_get(by_cell, id), *med = json_object(), *m;
		const char *name;

		if (!list) {
			list = json_array();
			json_object_set_new(by_cell, id, list);
		}
		json_object_foreach(json_object_get(e, "metrics"), name, m)
			json_object_set(med, name, json_object_get(m, "median"));
		json_array_append_new(list, json_pack("{s:O?, s:O?, s:O?, s:o}", "recorded",
						      json_object_get(e, "recorded"), "key",
						      json_object_get(e, "key"), "inputs",
						      json_object_get(e, "inputs"), "medians", med));
		if (json_array_size(list) > HISTORY_KEEP)
			json_array_remove(list, 0);
	}
	json_array_foreach(cells, i, c) {
		json_t *list = json_object_get(by_cell, str(c, "id"));

		if (list)
			json_object_set(c, "history", list);
		else
			json_object_set_new(c, "history", json_array());
	}
	json_decref(by_cell);
}

/* The data report.html draws from: results plus, per cell, its time series,
 * history and the tails of its failed repetitions' logs. */
static json_t *
report_data(json_t *results)
{
	json_t *data = json_deep_copy(results), *cells = json_object_get(data, "cells"), *c;
	json_t *hist = history_load(HISTORY_FILE);
	size_t i, j;

	json_array_foreach(cells, i, c) {
		json_t *f;

		json_object_set_new(c, "series", cell_series(c));
		json_array_foreach(json_object_get(c, "failures"), j, f)
			json_object_set_new(f, "log_tail", log_tail(str(f, "log")));
	}
	history_attach(cells, hist);
	json_decref(hist);
	return data;
}

static void
html_escape(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
}

/* JSON inside a script element: '<' only occurs in strings, where \u003c
 * means the same, and without it no "</script>" or "<!--" can end or
 * confuse the element, whatever a log holds. */
static void
json_for_script(struct buf *b, const char *json)
{
	for (; *json; json++)
		if (*json == '<')
			buf_puts(b, "\\u003c");
		else
			buf_putc(b, *json);
}

/* BEGIN embedded */
/* report.html's style sheet. */
static const char report_css[] =
	"body { font: 14px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }\n"
	"#app { max-width: 1500px; margin: 0 auto; padding: 16px 24px 48px; }\n"
	"h1 { font-size: 22px; margin: 8px 0 4px; }\n"
	"h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d5d9e0; padding-bottom: 4px; }\n"
	"h3 { font-size: 15px; margin: 18px 0 6px; }\n"
	".sub { color: #566074; }\n"
	"nav a { margin-right: 14px; }\n"
	"a { color: #2458b3; }\n"
	".cards { display: flex; flex-wrap: wrap; gap: 12px; }\n"
	".card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 8px 10px; max-width: 100%; overflow-x: auto; box-sizing: border-box; }\n"
	".card h4 { margin: 0 0 2px; font-size: 13px; }\n"
	".card .unit { color: #6b7488; font-weight: normal; }\n"
	"table { border-collapse: collapse; background: #fff; margin: 6px 0 12px; }\n"
	"th, td { border: 1px solid #dde1e7; padding: 3px 8px; text-align: right; font-variant-numeric: tabular-nums; }\n"
	"th { background: #eef1f5; }\n"
	"td.l, th.l { text-align: left; }\n"
	".better { color: #1a7f37; font-weight: 600; }\n"
	".worse { color: #c0262d; font-weight: 600; }\n"
	".same { color: #566074; }\n"
	".noisy { color: #a36300; }\n"
	".status-done { color: #1a7f37; }\n"
	".status-failed { color: #c0262d; font-weight: 600; }\n"
	".status-partial, .status-never { color: #a36300; }\n"
	"details.cell { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 4px 0; }\n"
	"details.cell > summary { cursor: pointer; padding: 4px 10px; }\n"
	"details.cell > div { padding: 4px 12px 10px; }\n"
	"pre.log { background: #1d2330; color: #e8eaef; padding: 8px; overflow-x: auto; max-height: 320px; font-size: 12px; }\n"
	"dl.prov { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }\n"
	"dl.prov dt { color: #566074; }\n"
	"dl.prov dd { margin: 0; font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }\n"
	"svg text { font: 11px system-ui, sans-serif; fill: #1d2330; }\n"
	"svg .axis { stroke: #9aa3b2; stroke-width: 1; }\n"
	"svg .grid { stroke: #e6e9ee; stroke-width: 1; }\n"
	".legend span { display: inline-block; margin-right: 12px; font-size: 12px; }\n"
	".legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }\n"
	"#error { display: none; background: #fde8e8; border: 1px solid #c0262d; padding: 8px; margin: 8px 0; }\n";

/* report.html's script: it reads the JSON in #data and draws the page:
 * bar charts with error bars per benchmark and metric, the baseline tables,
 * the failures, and per cell its statistics, time series, history and
 * provenance (drawn when the cell is opened, so 1000 cells stay fast).
 * body[data-status] becomes "ok" when it finished, or the first error. */
static const char report_js[] =
	"\"use strict\";\n"
	"/* report.html's script: draws everything from the JSON in #data. No network. */\n"
	"window.onerror = function (msg, src, line) {\n"
	"	document.body.setAttribute(\"data-status\", \"error: \" + msg + \" at line \" + line);\n"
	"	var e = document.getElementById(\"error\");\n"
	"	if (e) { e.style.display = \"block\"; e.textContent = \"report error: \" + msg + \" (line \" + line + \")\"; }\n"
	"};\n"
	"(function () {\n"
	"var D = JSON.parse(document.getElementById(\"data\").textContent);\n"
	"var SVGNS = \"http://www.w3.org/2000/svg\";\n"
	"var COLORS = [\"#4e79a7\", \"#f28e2b\", \"#59a14f\", \"#e15759\", \"#76b7b2\", \"#edc948\", \"#b07aa1\", \"#ff9da7\", \"#9c755f\", \"#bab0ac\"];\n"
	"var SYSTEM = [\"elapsed_s\", \"cpu_s\", \"cpu_user_s\", \"cpu_system_s\", \"mem_peak_bytes\", \"io_read_bytes\",\n"
	"	\"io_write_bytes\", \"net_rx_bytes\", \"net_tx_bytes\", \"pids_peak\"];\n"
	"var app = document.getElementById(\"app\");\n"
	"var cells = D.cells || [];\n"
	"\n"
	"function el(tag, attrs, parent, text) {\n"
	"	var e = document.createElement(tag), k;\n"
	"	for (k in attrs || {}) e.setAttribute(k, attrs[k]);\n"
	"	if (text !== undefined && text !== null) e.textContent = text;\n"
	"	if (parent) parent.appendChild(e);\n"
	"	return e;\n"
	"}\n"
	"function sv(tag, attrs, parent, text) {\n"
	"	var e = document.createElementNS(SVGNS, tag), k;\n"
	"	for (k in attrs || {}) e.setAttribute(k, attrs[k]);\n"
	"	if (text !== undefined && text !== null) e.textContent = text;\n"
	"	if (parent) parent.appendChild(e);\n"
	"	return e;\n"
	"}\n"
	"function num(v) {\n"
	"	if (v === null || v === undefined || !isFinite(v)) return \"–\";\n"
	"	var a = Math.abs(v);\n"
	"	if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(2);\n"
	"	return String(+v.toPrecision(4));\n"
	"}\n"
	"function fmt(v, unit) {\n"
	"	if (v === null || v === undefined || !isFinite(v)) return \"–\";\n"
	"	if (unit === \"bytes\") {\n"
	"		if (Math.abs(v) >= 1048576) return num(v / 1048576) + \" MiB\";\n"
	"		if (Math.abs(v) >= 1024) return num(v / 1024) + \" KiB\";\n"
	"	}\n"
	"	return num(v);\n"
	"}\n"
	"function pct(v) {\n"
	"	if (v === null || v === undefined || !isFinite(v)) return \"–\";\n"
	"	return (v >= 0 ? \"+\" : \"−\") + Math.abs(v * 100).toFixed(1) + \"%\";\n"
	"}\n"
	"/* bytes are drawn in KiB, MiB or GiB, whichever keeps the ticks short */\n"
	"function scaleFor(unit, max) {\n"
	"	if (unit !== \"bytes\") return { div: 1, label: \"\" };\n"
	"	if (max >= 1073741824) return { div: 1073741824, label: \"GiB\" };\n"
	"	if (max >= 1048576) return { div: 1048576, label: \"MiB\" };\n"
	"	if (max >= 1024) return { div: 1024, label: \"KiB\" };\n"
	"	return { div: 1, label: \"bytes\" };\n"
	"}\n"
	"function imgtag(c) { return c.image + \":\" + c.tag; }\n"
	"function uniq(list) {\n"
	"	var seen = {}, out = [];\n"
	"	list.forEach(function (x) { if (!seen[x]) { seen[x] = 1; out.push(x); } });\n"
	"	return out;\n"
	"}\n"
	"function metricsOf(cs) {\n"
	"	var names = [];\n"
	"	cs.forEach(function (c) { Object.keys(c.metrics || {}).forEach(function (n) { names.push(n); }); });\n"
	"	names = uniq(names);\n"
	"	var own = names.filter(function (n) { return SYSTEM.indexOf(n) < 0; }).sort();\n"
	"	var sys = SYSTEM.filter(function (n) { return names.indexOf(n) >= 0; });\n"
	"	return { own: own, sys: sys };\n"
	"}\n"
	"function metricInfo(cs, name) {\n"
	"	for (var i = 0; i < cs.length; i++) {\n"
	"		var m = (cs[i].metrics || {})[name];\n"
	"		if (m) return m;\n"
	"	}\n"
	"	return {};\n"
	"}\n"
	"/* the verdict of a change: better, worse or same (interval holds 0) */\n"
	"function verdict(rel, better) {\n"
	"	if (!rel || !rel.ci || rel.baseline === undefined) return \"same\";\n"
	"	if (rel.ci[0] <= 0 && rel.ci[1] >= 0) return \"same\";\n"
	"	return (rel.delta > 0) === (better === \"higher\") ? \"better\" : \"worse\";\n"
	"}\n"
	"function niceTicks(lo, hi, n) {\n"
	"	var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / n))), err = n / span * step;\n"
	"	if (err <= 0.15) step *= 10; else if (err <= 0.35) step *= 5; else if (err <= 0.75) step *= 2;\n"
	"	var t = [], v;\n"
	"	for (v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push(+v.toPrecision(12));\n"
	"	return t;\n"
	"}\n"
	"\n"
	"var benches = uniq(cells.map(function (c) { return c.benchmark; }));\n"
	"var hostsAll = uniq(cells.map(function (c) { return c.host; }));\n"
	"var hostColor = {};\n"
	"hostsAll.forEach(function (h, i) { hostColor[h] = COLORS[i % COLORS.length]; });\n"
	"var byId = {};\n"
	"cells.forEach(function (c) { byId[c.id] = c; });\n"
	"\n"
	"/* header */\n"
	"var done = cells.filter(function (c) { return c.status === \"done\"; }).length;\n"
	"var failed = cells.filter(function (c) { return c.status === \"failed\"; }).length;\n"
	"el(\"div\", { id: \"error\" }, app);\n"
	"el(\"h1\", {}, app, \"jockey: \" + D.matrix);\n"
	"var sub = el(\"div\", { \"class\": \"sub\" }, app,\n"
	"	cells.length + \" cells: \" + done + \" done, \" + failed + \" failed, \" + (cells.length - done - failed) +\n"
	"	\" not finished · Dockerfile repo \" + (D.repo_commit ? D.repo_commit.slice(0, 12) : \"unknown\") +\n"
	"	(D.repo_dirty ? \" (uncommitted edits)\" : \"\") + \" · jockey \" + D.jockey_version +\n"
	"	\" · noisy above cv \" + Math.round((D.max_cv || 0.05) * 100) + \"%\");\n"
	"var blText = D.baseline ? (D.baseline.host ? \"host \" + D.baseline.host : \"image \" + D.baseline.image + (D.baseline.tag ? \":\" + D.baseline.tag : \"\")) : null;\n"
	"if (blText) el(\"div\", { \"class\": \"sub\" }, app, \"Baseline: \" + blText);\n"
	"var nav = el(\"nav\", {}, app);\n"
	"[[\"charts\", \"Charts\"], [\"baseline\", \"Baseline\"], [\"failures\", \"Failures\"], [\"cells\", \"Cells\"]].forEach(function (x) {\n"
	"	el(\"a\", { href: \"#\" + x[0] }, nav, x[1]);\n"
	"});\n"
	"el(\"p\", { \"class\": \"sub\" }, app, \"Bars: the median of each cell's measured repetitions (warmups left out); \" +\n"
	"	\"error bars: the 95% interval of the median from order statistics (with fewer than 6 repetitions it is [min, max], \" +\n"
	"	\"of lower coverage). Dashed: noisy (coefficient of variation above the matrix's max_cv).\");\n"
	"void sub;\n"
	"\n"
	"/* one bar chart: groups by image:tag, one bar per host, error bars */\n"
	"function barChart(parent, bcells, name) {\n"
	"	var groups = uniq(bcells.map(imgtag)), hosts = uniq(bcells.map(function (c) { return c.host; }));\n"
	"	var info = metricInfo(bcells, name), at = {};\n"
	"	bcells.forEach(function (c) { at[imgtag(c) + \"\\u001f\" + c.host] = c; });\n"
	"	var barW = Math.max(8, Math.min(26, 150 / hosts.length)), gGap = 18;\n"
	"	var gW = hosts.length * (barW + 2) + gGap, left = 58, top = 16;\n"
	"	var longest = Math.max.apply(null, groups.map(function (g) { return g.length; }));\n"
	"	var rotate = longest * 6.2 > gW;\n"
	"	var bottom = rotate ? Math.min(120, 18 + longest * 4.6) : 30;\n"
	"	var W = Math.max(240, left + groups.length * gW + 10), H = 200 + bottom, ph = 200 - top;\n"
	"	var lo = 0, hi = 0;\n"
	"	bcells.forEach(function (c) {\n"
	"		var m = (c.metrics || {})[name];\n"
	"		if (!m || m.median === undefined) return;\n"
	"		var a = m.ci ? m.ci[0] : m.median, b = m.ci ? m.ci[1] : m.median;\n"
	"		lo = Math.min(lo, a, m.median); hi = Math.max(hi, b, m.median);\n"
	"	});\n"
	"	var sc = scaleFor(info.unit, Math.max(Math.abs(lo), Math.abs(hi)));\n"
	"	lo /= sc.div; hi /= sc.div;\n"
	"	if (hi === lo) hi = lo + 1;\n"
	"	var ticks = niceTicks(lo, hi, 4);\n"
	"	hi = Math.max(hi, ticks[ticks.length - 1]);\n"
	"	lo = Math.min(lo, ticks[0]);\n"
	"	function y(v) { return top + ph - (v / sc.div - lo) / (hi - lo) * ph; }\n"
	"	function yt(t) { return top + ph - (t - lo) / (hi - lo) * ph; }\n"
	"	var card = el(\"div\", { \"class\": \"card\" }, parent);\n"
	"	var h = el(\"h4\", {}, card, name + \" \");\n"
	"	el(\"span\", { \"class\": \"unit\" }, h, \"(\" + (info.unit || \"\") + (info.better ? \", \" + info.better + \" is better\" : \"\") + \")\");\n"
	"	var s = sv(\"svg\", { width: W, height: H, viewBox: \"0 0 \" + W + \" \" + H, role: \"img\" }, card);\n"
	"	ticks.forEach(function (t) {\n"
	"		sv(\"line\", { \"class\": \"grid\", x1: left, x2: W - 4, y1: yt(t), y2: yt(t) }, s);\n"
	"		sv(\"text\", { x: left - 5, y: yt(t) + 4, \"text-anchor\": \"end\" }, s, num(t));\n"
	"	});\n"
	"	if (sc.label) sv(\"text\", { x: 4, y: 10 }, s, sc.label);\n"
	"	sv(\"line\", { \"class\": \"axis\", x1: left, x2: W - 4, y1: yt(Math.max(lo, 0)), y2: yt(Math.max(lo, 0)) }, s);\n"
	"	sv(\"line\", { \"class\": \"axis\", x1: left, x2: left, y1: top, y2: top + ph }, s);\n"
	"	groups.forEach(function (g, gi) {\n"
	"		var x0 = left + gi * gW + gGap / 2;\n"
	"		hosts.forEach(function (host, hi2) {\n"
	"			var c = at[g + \"\\u001f\" + host];\n"
	"			var m = c && c.metrics ? c.metrics[name] : null;\n"
	"			var x = x0 + hi2 * (barW + 2);\n"
	"			if (!m || m.median === undefined) {\n"
	"				if (c && c.status !== \"done\")\n"
	"					sv(\"title\", {}, sv(\"text\", { x: x + barW / 2, y: yt(Math.max(lo, 0)) - 4, \"text-anchor\": \"middle\", fill: \"#c0262d\" }, s, \"×\"), c.id + \": \" + c.status);\n"
	"				return;\n"
	"			}\n"
	"			var y0 = yt(Math.max(lo, 0)), y1 = y(m.median);\n"
	"			var r = sv(\"rect\", { x: x, y: Math.min(y0, y1), width: barW, height: Math.max(1, Math.abs(y0 - y1)),\n"
	"				fill: hostColor[host], \"fill-opacity\": m.noisy ? 0.45 : 0.9 }, s);\n"
	"			if (m.noisy) { r.setAttribute(\"stroke\", \"#a36300\"); r.setAttribute(\"stroke-dasharray\", \"3 2\"); }\n"
	"			var tip = c.id + \"\\nmedian \" + fmt(m.median, m.unit) + (m.ci ? \" [\" + fmt(m.ci[0], m.unit) + \", \" + fmt(m.ci[1], m.unit) + \"]\" : \"\") +\n"
	"				\"\\nn \" + m.n + \", cv \" + (m.cv * 100).toFixed(1) + \"%\" + (m.noisy ? \" (noisy)\" : \"\") +\n"
	"				(m.relative && m.relative.baseline !== c.id ? \"\\nvs baseline \" + pct(m.relative.delta) : \"\");\n"
	"			sv(\"title\", {}, r, tip);\n"
	"			if (m.ci) {\n"
	"				var cx = x + barW / 2;\n"
	"				sv(\"line\", { x1: cx, x2: cx, y1: y(m.ci[0]), y2: y(m.ci[1]), stroke: \"#1d2330\", \"stroke-width\": 1.2 }, s);\n"
	"				sv(\"line\", { x1: cx - 4, x2: cx + 4, y1: y(m.ci[0]), y2: y(m.ci[0]), stroke: \"#1d2330\" }, s);\n"
	"				sv(\"line\", { x1: cx - 4, x2: cx + 4, y1: y(m.ci[1]), y2: y(m.ci[1]), stroke: \"#1d2330\" }, s);\n"
	"			}\n"
	"		});\n"
	"		var lx = x0 + hosts.length * (barW + 2) / 2, ly = top + ph + 14;\n"
	"		if (rotate)\n"
	"			sv(\"text\", { x: lx, y: ly, \"text-anchor\": \"end\", transform: \"rotate(-35 \" + lx + \" \" + ly + \")\" }, s, g);\n"
	"		else\n"
	"			sv(\"text\", { x: lx, y: ly, \"text-anchor\": \"middle\" }, s, g);\n"
	"	});\n"
	"}\n"
	"\n"
	"function legend(parent, hosts) {\n"
	"	var lg = el(\"div\", { \"class\": \"legend\" }, parent);\n"
	"	hosts.forEach(function (h) {\n"
	"		var sp = el(\"span\", {}, lg);\n"
	"		el(\"i\", { style: \"background:\" + hostColor[h] }, sp);\n"
	"		sp.appendChild(document.createTextNode(\"host \" + h));\n"
	"	});\n"
	"}\n"
	"\n"
	"/* charts */\n"
	"var sec = el(\"section\", { id: \"charts\" }, app);\n"
	"el(\"h2\", {}, sec, \"Charts\");\n"
	"benches.forEach(function (b) {\n"
	"	var bc = cells.filter(function (c) { return c.benchmark === b; });\n"
	"	var ms = metricsOf(bc);\n"
	"	el(\"h3\", {}, sec, \"benchmark \" + b);\n"
	"	legend(sec, uniq(bc.map(function (c) { return c.host; })));\n"
	"	var box = el(\"div\", { \"class\": \"cards\" }, sec);\n"
	"	ms.own.concat(ms.sys).forEach(function (n) { barChart(box, bc, n); });\n"
	"	if (!ms.own.length && !ms.sys.length)\n"
	"		el(\"p\", { \"class\": \"sub\" }, sec, \"No cell of this benchmark has numbers yet\" +\n"
	"			(bc.some(function (c) { return c.status === \"failed\"; }) ? \": see the failures below.\" : \".\"));\n"
	"});\n"
	"\n"
	"/* baseline tables */\n"
	"function relText(td, c, m) {\n"
	"	if (!c) { td.textContent = \"·\"; return; }\n"
	"	if (!m || m.median === undefined) { td.textContent = c.status === \"failed\" ? \"failed\" : \"–\"; return; }\n"
	"	var rel = m.relative;\n"
	"	if (c.baseline_cell === c.id) { td.textContent = \"baseline: \" + fmt(m.median, m.unit); return; }\n"
	"	if (!rel) {\n"
	"		td.textContent = c.baseline_cell ? \"– (baseline median is 0 or missing)\" : \"no baseline cell\";\n"
	"		td.className = \"same\";\n"
	"		return;\n"
	"	}\n"
	"	td.textContent = pct(rel.delta) + (rel.ci ? \" [\" + pct(rel.ci[0]) + \", \" + pct(rel.ci[1]) + \"]\" : \"\");\n"
	"	td.className = verdict(rel, m.better);\n"
	"	td.title = \"median \" + fmt(m.median, m.unit) + \" against \" + rel.baseline;\n"
	"}\n"
	"function baselineTable(parent, bc, name) {\n"
	"	var groups = uniq(bc.map(imgtag)), hosts = uniq(bc.map(function (c) { return c.host; }));\n"
	"	var info = metricInfo(bc, name), at = {};\n"
	"	bc.forEach(function (c) { at[imgtag(c) + \"\\u001f\" + c.host] = c; });\n"
	"	el(\"div\", {}, parent, name + \" (\" + (info.unit || \"\") + (info.better ? \", \" + info.better + \" is better\" : \"\") + \")\");\n"
	"	var t = el(\"table\", {}, parent), tr = el(\"tr\", {}, t);\n"
	"	el(\"th\", { \"class\": \"l\" }, tr, \"image:tag\");\n"
	"	hosts.forEach(function (h) { el(\"th\", {}, tr, h); });\n"
	"	groups.forEach(function (g) {\n"
	"		var row = el(\"tr\", {}, t);\n"
	"		el(\"td\", { \"class\": \"l\" }, row, g);\n"
	"		hosts.forEach(function (h) {\n"
	"			var c = at[g + \"\\u001f\" + h];\n"
	"			relText(el(\"td\", {}, row), c, c && c.metrics ? c.metrics[name] : null);\n"
	"		});\n"
	"	});\n"
	"}\n"
	"sec = el(\"section\", { id: \"baseline\" }, app);\n"
	"el(\"h2\", {}, sec, \"Against the baseline\");\n"
	"if (!blText) {\n"
	"	el(\"p\", { \"class\": \"sub\" }, sec, \"The matrix names no baseline (add baseline: {host: NAME} or {image: NAME:TAG}).\");\n"
	"} else {\n"
	"	el(\"p\", { \"class\": \"sub\" }, sec, \"The change of each cell's median against the baseline cell's (\" + blText +\n"
	"		\") on the same other axes, with a bootstrap 95% interval; green or red when the interval leaves out 0.\");\n"
	"	benches.forEach(function (b) {\n"
	"		var bc = cells.filter(function (c) { return c.benchmark === b; }), ms = metricsOf(bc);\n"
	"		el(\"h3\", {}, sec, \"benchmark \" + b);\n"
	"		ms.own.forEach(function (n) { baselineTable(sec, bc, n); });\n"
	"		if (ms.sys.length) {\n"
	"			var d = el(\"details\", {}, sec);\n"
	"			el(\"summary\", {}, d, \"wall time and cgroup totals\");\n"
	"			ms.sys.forEach(function (n) { baselineTable(d, bc, n); });\n"
	"		}\n"
	"	});\n"
	"}\n"
	"\n"
	"/* failures */\n"
	"sec = el(\"section\", { id: \"failures\" }, app);\n"
	"el(\"h2\", {}, sec, \"Failures\");\n"
	"var bad = cells.filter(function (c) { return (c.failures && c.failures.length) || c.status !== \"done\"; });\n"
	"if (!bad.length) el(\"p\", { \"class\": \"sub\" }, sec, \"None: every cell finished.\");\n"
	"bad.forEach(function (c) {\n"
	"	el(\"h3\", {}, sec, c.id + \" (\" + c.status + \", \" + c.reps_done + \"/\" + c.reps_total + \" repetitions)\");\n"
	"	if (!c.failures || !c.failures.length) el(\"p\", { \"class\": \"sub\" }, sec, \"no failure recorded: a step before it failed, or it has not run yet\");\n"
	"	(c.failures || []).forEach(function (f) {\n"
	"		el(\"div\", {}, sec, \"repetition \" + f.rep + \": \" + (f.reason || \"failed\") + (f.log ? \" (log: \" + f.log + \")\" : \"\"));\n"
	"		if (f.log_tail) el(\"pre\", { \"class\": \"log\" }, sec, f.log_tail);\n"
	"	});\n"
	"});\n"
	"\n"
	"/* per cell: statistics, time series, history, provenance */\n"
	"function spark(parent, values, labels) {\n"
	"	var pts = [], W = 90, H = 22, vs = values.filter(function (v) { return typeof v === \"number\"; });\n"
	"	if (vs.length < 1) { parent.textContent = \"–\"; return; }\n"
	"	var lo = Math.min.apply(null, vs), hi = Math.max.apply(null, vs);\n"
	"	if (hi === lo) { hi = lo + 1; lo = lo - 1; }\n"
	"	var s = sv(\"svg\", { width: W, height: H }, parent);\n"
	"	values.forEach(function (v, i) {\n"
	"		if (typeof v !== \"number\") return;\n"
	"		var x = values.length > 1 ? 4 + i * (W - 8) / (values.length - 1) : W / 2, yy = H - 4 - (v - lo) / (hi - lo) * (H - 8);\n"
	"		pts.push(x + \",\" + yy);\n"
	"		var d = sv(\"circle\", { cx: x, cy: yy, r: 2.5, fill: i === values.length - 1 ? \"#e15759\" : \"#4e79a7\" }, s);\n"
	"		sv(\"title\", {}, d, labels[i] + \": \" + num(v));\n"
	"	});\n"
	"	sv(\"polyline\", { points: pts.join(\" \"), fill: \"none\", stroke: \"#4e79a7\" }, s);\n"
	"	parent.appendChild(document.createTextNode(\" \" + values.length + \" run\" + (values.length === 1 ? \"\" : \"s\")));\n"
	"}\n"
	"function seriesChart(parent, series) {\n"
	"	var W = 330, H = 170, left = 44, top = 18, pw = W - left - 10, ph = H - top - 26;\n"
	"	[[\"cpu\", \"CPU (% of one core)\"], [\"mem\", \"memory (MiB)\"]].forEach(function (k) {\n"
	"		var tmax = 0, vmax = 0;\n"
	"		series.forEach(function (r) {\n"
	"			tmax = Math.max(tmax, r.t[r.t.length - 1] || 0);\n"
	"			r[k[0]].forEach(function (v) { vmax = Math.max(vmax, v); });\n"
	"		});\n"
	"		if (tmax <= 0) tmax = 1;\n"
	"		if (vmax <= 0) vmax = 1;\n"
	"		var ticks = niceTicks(0, vmax, 3);\n"
	"		vmax = Math.max(vmax, ticks[ticks.length - 1]);\n"
	"		var s = sv(\"svg\", { width: W, height: H }, parent);\n"
	"		sv(\"text\", { x: left, y: 12 }, s, k[1] + \" over time (s)\");\n"
	"		ticks.forEach(function (t) {\n"
	"			var yy = top + ph - t / vmax * ph;\n"
	"			sv(\"line\", { \"class\": \"grid\", x1: left, x2: left + pw, y1: yy, y2: yy }, s);\n"
	"			sv(\"text\", { x: left - 4, y: yy + 4, \"text-anchor\": \"end\" }, s, num(t));\n"
	"		});\n"
	"		niceTicks(0, tmax, 4).forEach(function (t) {\n"
	"			sv(\"text\", { x: left + t / tmax * pw, y: top + ph + 14, \"text-anchor\": \"middle\" }, s, num(t));\n"
	"		});\n"
	"		sv(\"line\", { \"class\": \"axis\", x1: left, x2: left + pw, y1: top + ph, y2: top + ph }, s);\n"
	"		series.forEach(function (r, i) {\n"
	"			var pts = r.t.map(function (t, j) { return (left + t / tmax * pw) + \",\" + (top + ph - r[k[0]][j] / vmax * ph); });\n"
	"			var pl = sv(\"polyline\", { points: pts.join(\" \"), fill: \"none\", stroke: COLORS[i % COLORS.length], \"stroke-width\": 1.5 }, s);\n"
	"			sv(\"title\", {}, pl, \"repetition \" + r.rep);\n"
	"		});\n"
	"	});\n"
	"	var lg = el(\"div\", { \"class\": \"legend\" }, parent);\n"
	"	series.forEach(function (r, i) {\n"
	"		var sp = el(\"span\", {}, lg);\n"
	"		el(\"i\", { style: \"background:\" + COLORS[i % COLORS.length] }, sp);\n"
	"		sp.appendChild(document.createTextNode(\"repetition \" + r.rep));\n"
	"	});\n"
	"}\n"
	"function cellBody(box, c) {\n"
	"	var names = metricsOf([c]), t = el(\"table\", {}, box), tr = el(\"tr\", {}, t);\n"
	"	[\"metric\", \"unit\", \"n\", \"median\", \"95% interval\", \"mean\", \"stddev\", \"cv\", \"min\", \"max\", \"vs baseline\", \"history (medians)\", \"samples\"].forEach(function (h, i) {\n"
	"		if (i === 10 && !blText) return;\n"
	"		el(\"th\", { \"class\": i < 2 || i > 10 ? \"l\" : \"\" }, tr, h);\n"
	"	});\n"
	"	var hist = c.history || [], labels = hist.map(function (e) { return e.recorded; });\n"
	"	names.own.concat(names.sys).forEach(function (n) {\n"
	"		var m = c.metrics[n], row = el(\"tr\", {}, t);\n"
	"		el(\"td\", { \"class\": \"l\" }, row, n);\n"
	"		el(\"td\", { \"class\": \"l\" }, row, m.unit || \"\");\n"
	"		el(\"td\", {}, row, m.n);\n"
	"		el(\"td\", {}, row, fmt(m.median, m.unit));\n"
	"		el(\"td\", { title: \"coverage \" + (m.ci_coverage * 100).toFixed(1) + \"%\" }, row,\n"
	"			m.ci ? \"[\" + fmt(m.ci[0], m.unit) + \", \" + fmt(m.ci[1], m.unit) + \"] \" + Math.round(m.ci_coverage * 100) + \"%\" : \"–\");\n"
	"		el(\"td\", {}, row, fmt(m.mean, m.unit));\n"
	"		el(\"td\", {}, row, fmt(m.stddev, m.unit));\n"
	"		el(\"td\", { \"class\": m.noisy ? \"noisy\" : \"\" }, row, (m.cv * 100).toFixed(1) + \"%\" + (m.noisy ? \" noisy\" : \"\"));\n"
	"		el(\"td\", {}, row, fmt(m.min, m.unit));\n"
	"		el(\"td\", {}, row, fmt(m.max, m.unit));\n"
	"		if (blText) relText(el(\"td\", {}, row), c, m);\n"
	"		spark(el(\"td\", { \"class\": \"l\", style: \"white-space:nowrap\" }, row), hist.map(function (e) { return e.medians[n]; }), labels);\n"
	"		el(\"td\", { \"class\": \"l\" }, row, (m.samples || []).map(function (v, i) { return \"#\" + m.reps[i] + \" \" + fmt(v, m.unit); }).join(\", \"));\n"
	"	});\n"
	"	if (c.series && c.series.length) {\n"
	"		el(\"h4\", {}, box, \"Time series (sampled from the cgroup)\");\n"
	"		seriesChart(el(\"div\", {}, box), c.series);\n"
	"	}\n"
	"	(c.failures || []).forEach(function (f) {\n"
	"		el(\"div\", { \"class\": \"worse\" }, box, \"repetition \" + f.rep + \" failed: \" + (f.reason || \"\"));\n"
	"		if (f.log_tail) el(\"pre\", { \"class\": \"log\" }, box, f.log_tail);\n"
	"	});\n"
	"	el(\"h4\", {}, box, \"Provenance\");\n"
	"	var dl = el(\"dl\", { \"class\": \"prov\" }, box), p = c.provenance || {};\n"
	"	var rows = [[\"cell\", c.id], [\"status\", c.status + \", \" + c.reps_done + \"/\" + c.reps_total + \" repetitions (\" + (c.warmup || 0) + \" warmup)\"],\n"
	"		[\"inputs hash\", c.inputs_hash], [\"result hash\", c.result_hash], [\"Dockerfile repo commit\", D.repo_commit],\n"
	"		[\"jockey\", D.jockey_version]];\n"
	"	Object.keys(p).sort().forEach(function (k) { rows.push([k, typeof p[k] === \"object\" ? JSON.stringify(p[k]) : String(p[k])]); });\n"
	"	rows.forEach(function (r) {\n"
	"		if (r[1] === undefined || r[1] === null) return;\n"
	"		el(\"dt\", {}, dl, r[0]);\n"
	"		el(\"dd\", {}, dl, String(r[1]));\n"
	"	});\n"
	"	if (hist.length) {\n"
	"		el(\"h4\", {}, box, \"History (\" + hist.length + \" recorded result\" + (hist.length === 1 ? \"\" : \"s\") + \")\");\n"
	"		var ht = el(\"table\", {}, box), hr = el(\"tr\", {}, ht), show = names.own.concat(names.sys).slice(0, 6);\n"
	"		el(\"th\", { \"class\": \"l\" }, hr, \"recorded\");\n"
	"		el(\"th\", { \"class\": \"l\" }, hr, \"inputs\");\n"
	"		show.forEach(function (n) { el(\"th\", {}, hr, n); });\n"
	"		hist.slice().reverse().forEach(function (e) {\n"
	"			var r = el(\"tr\", {}, ht);\n"
	"			el(\"td\", { \"class\": \"l\" }, r, e.recorded + (e.key === c.result_hash ? \" (current)\" : \"\"));\n"
	"			el(\"td\", { \"class\": \"l\" }, r, e.inputs || \"\");\n"
	"			show.forEach(function (n) { el(\"td\", {}, r, fmt(e.medians[n], (c.metrics[n] || {}).unit)); });\n"
	"		});\n"
	"	}\n"
	"}\n"
	"sec = el(\"section\", { id: \"cells\" }, app);\n"
	"el(\"h2\", {}, sec, \"Cells\");\n"
	"var openAll = location.hash === \"#all\";\n"
	"cells.forEach(function (c) {\n"
	"	var d = el(\"details\", { \"class\": \"cell\", id: \"cell-\" + c.id }, sec);\n"
	"	var s = el(\"summary\", {}, d);\n"
	"	s.appendChild(document.createTextNode(c.id + \" \"));\n"
	"	el(\"span\", { \"class\": \"status-\" + c.status.split(\" \")[0] }, s, c.status);\n"
	"	if (c.noisy) el(\"span\", { \"class\": \"noisy\" }, s, \" · noisy\");\n"
	"	var box = el(\"div\", {}, d), drawn = false;\n"
	"	function draw() { if (!drawn && d.open) { drawn = true; cellBody(box, c); } }\n"
	"	d.addEventListener(\"toggle\", draw);\n"
	"	if (openAll) { d.open = true; draw(); }\n"
	"});\n"
	"if (!document.body.getAttribute(\"data-status\")) document.body.setAttribute(\"data-status\", \"ok\");\n"
	"})();\n";
/* END embedded */

int
report_write(json_t *results)
{
	struct buf md = BUF_INIT, html = BUF_INIT;
	json_t *data = report_data(results);
	/* escape '/' so that no "</script>" can end the data early */
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ESCAPE_SLASH |
					JSON_REAL_PRECISION(7));
	int ret = -1;

	json_decref(data);
	if (!text)
		return error("cannot encode the data of report.html");
	report_summary(results, &md);
	buf_puts(&html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>jockey: ");
	html_escape(&html, str(results, "matrix"));
	buf_puts(&html, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
	buf_puts(&html, report_css);
	buf_puts(&html, "</style>\n</head>\n<body>\n<div id=\"app\"><noscript>This report draws its "
			"charts with JavaScript; the numbers are in results.json and summary.md."
			"</noscript></div>\n<script type=\"application/json\" id=\"data\">");
	json_for_script(&html, text);
	buf_puts(&html, "</script>\n<script>\n");
	buf_puts(&html, report_js);
	buf_puts(&html, "</script>\n</body>\n</html>\n");
	if (write_file_atomic("summary.md", md.data, md.len) == 0 &&
	    write_file_atomic("report.html", html.data, html.len) == 0)
		ret = 0;
	free(text);
	buf_release(&md);
	buf_release(&html);
	return ret;
}
