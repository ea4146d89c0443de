/* report.c: the reports people read: summary.md (summary.c) and
 * report.html, one self-contained file whose inline script (report.js)
 * draws the charts from the data embedded in it (no network); see
 * report.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/assets.h"
#include "runners/report/history.h"
#include "runners/report/lcdata.h"
#include "runners/report/profhtml.h"
#include "runners/report/report.h"
#include "runners/report/summary.h"

#define SERIES_POINTS 60   /* points kept per repetition's time series */
#define SERIES_REPS 5      /* repetitions whose time series are kept */
#define HISTORY_KEEP 50    /* history entries kept per cell */
#define LOG_TAIL_LINES 25  /* lines of a failed repetition's log */
#define LOG_TAIL_BYTES 4000

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The time series of one repetition (metrics.tsv), thinned to at most
 * SERIES_POINTS rows: t (s), CPU use (% of one core, from the cumulative
 * cpu_s) and memory (MiB). NULL if there is none. */
static json_t *
series_load(const char *id, int rep)
{
	char *path = layout_rep_path(NULL, id, rep, LAYOUT_METRICS_TSV), *data, *line, *next;
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
report_data(json_t *results, json_t *hist)
{
	/* Shallow copies of what gains keys (results, its cells, their failures):
	 * the rest is shared with results, not copied (a deep copy of 10,000
	 * cells, and its freeing, was a fifth of an aggregate's time). */
	json_t *data = json_copy(results), *cells = json_array(), *c;
	size_t i, j;

	json_array_foreach(json_object_get(results, "cells"), i, c) {
		json_t *cc = json_copy(c), *fails = json_array(), *f;

		json_object_set_new(cc, "series", cell_series(cc));
		if ((f = lcdata_density_ready(cc)))
			json_object_set_new(cc, "density_ready_ms", f);
		json_array_foreach(json_object_get(c, "failures"), j, f) {
			json_t *ff = json_copy(f);

			json_object_set_new(ff, "log_tail", log_tail(str(ff, "log")));
			json_array_append_new(fails, ff);
		}
		json_object_set_new(cc, "failures", fails);
		json_array_append_new(cells, cc);
	}
	json_object_set_new(data, "cells", cells);
	history_attach(cells, hist);
	profhtml_attach(cells);
	return data;
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


int
report_write(json_t *results)
{
	json_t *hist = history_load(HISTORY_FILE);
	int r = report_write_hist(results, hist);

	json_decref(hist);
	return r;
}

int
report_write_hist(json_t *results, json_t *hist)
{
	struct buf md = BUF_INIT, html = BUF_INIT;
	json_t *data = report_data(results, hist);
	/* escape '/' so that no "</script>" can end the data early */
	char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ESCAPE_SLASH |
					JSON_REAL_PRECISION(7));
	int ret = -1;

	if (!text) {
		json_decref(data);
		return error("cannot encode the data of report.html");
	}
	summary_write(results, &md);
	buf_puts(&html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>jockey: ");
	buf_put_html(&html, str(results, "matrix"));
	buf_puts(&html, "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
	buf_puts(&html, report_css);
	buf_puts(&html, "</style>\n</head>\n<body>\n<div id=\"app\"><noscript>This report draws its "
			"charts with JavaScript; the numbers are in results.json and summary.md."
			"</noscript></div>\n");
	profhtml_section(&html, json_object_get(data, "cells"));
	json_decref(data);
	buf_puts(&html, "<script type=\"application/json\" id=\"data\">");
	json_for_script(&html, text);
	buf_puts(&html, "</script>\n<script>\n");
	buf_puts(&html, report_js);
	buf_puts(&html, lifecycle_js);
	buf_puts(&html, "</script>\n<script>\n");
	buf_puts(&html, flame_js);
	buf_puts(&html, "</script>\n</body>\n</html>\n");
	if (write_file_atomic("summary.md", md.data, md.len) == 0 &&
	    write_file_atomic("report.html", html.data, html.len) == 0)
		ret = 0;
	free(text);
	buf_release(&md);
	buf_release(&html);
	return ret;
}
