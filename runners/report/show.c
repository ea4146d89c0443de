/* show.c: one cell, readable; see show.h. Builds one JSON object from the
 * cell's files (what `jockey show --json` prints) and prints that object for
 * people, so the two outputs cannot say different things. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "base/valid.h"
#include "runners/report/cellstate.h"
#include "runners/report/profile.h"
#include "runners/report/show.h"

enum { SPARK_WIDTH = 48, TAIL_BYTES = 65536 };

static const char *const spark_ticks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

char *
show_sparkline(const double *v, size_t n, size_t width)
{
	struct buf b = BUF_INIT;
	double *col, lo = INFINITY, hi = -INFINITY;
	size_t i, w = n < width ? n : width;

	if (w == 0)
		return xstrdup("");
	col = xcalloc(w, sizeof(double));
	for (i = 0; i < w; i++) {
		size_t a = i * n / w, z = (i + 1) * n / w, k;

		for (k = a; k < z; k++)
			col[i] += v[k];
		col[i] /= (double)(z - a);
		lo = col[i] < lo ? col[i] : lo;
		hi = col[i] > hi ? col[i] : hi;
	}
	for (i = 0; i < w; i++) {
		int t = hi > lo ? (int)((col[i] - lo) / (hi - lo) * 7 + 0.5) : 0;

		buf_puts(&b, spark_ticks[t]);
	}
	free(col);
	return buf_detach(&b, NULL);
}

/* The last n lines of the file at path, a new array of strings; NULL when
 * it cannot be read. */
static json_t *
tail_lines(const char *path, int n)
{
	FILE *f = fopen(path, "rb");
	json_t *a;
	char *data, *p, *end, *start;
	long size;
	size_t len;
	int k = 0;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size > TAIL_BYTES ? size - TAIL_BYTES : 0, SEEK_SET);
	data = xmalloc(TAIL_BYTES + 1);
	len = fread(data, 1, TAIL_BYTES, f);
	fclose(f);
	data[len] = '\0';
	end = data + len;
	if (end > data && end[-1] == '\n')
		end--;
	for (p = end; p > data; p--)
		if (p[-1] == '\n' && ++k == n)
			break;
	a = json_array();
	for (start = p; start < end; start = p + 1) {
		p = memchr(start, '\n', (size_t)(end - start));
		if (!p)
			p = end;
		json_array_append_new(a, json_stringn_nocheck(start, (size_t)(p - start)));
	}
	free(data);
	return a;
}

/* Columns of metrics.tsv, the cumulative CPU turned into cores in use. */
static json_t *
series_read(const char *path)
{
	FILE *f = fopen(path, "r");
	json_t *t, *cores, *mem, *pids, *o;
	char line[1024];
	double pt = 0, pcpu = 0;
	int first = 1;

	if (!f)
		return NULL;
	t = json_array(), cores = json_array(), mem = json_array(), pids = json_array();
	while (fgets(line, sizeof(line), f)) {
		double ts, cpu, u, s;
		long long m, ir, iw, rx, tx, np;

		if (sscanf(line, "%lf %lf %lf %lf %lld %lld %lld %lld %lld %lld", &ts, &cpu, &u, &s,
			   &m, &ir, &iw, &rx, &tx, &np) != 10)
			continue; /* the header */
		if (!first && ts > pt) {
			json_array_append_new(t, json_real(ts));
			json_array_append_new(cores, json_real((cpu - pcpu) / (ts - pt)));
			json_array_append_new(mem, json_integer(m));
			json_array_append_new(pids, json_integer(np));
		}
		first = 0, pt = ts, pcpu = cpu;
	}
	fclose(f);
	o = json_pack("{s:o, s:o, s:o, s:o}", "t_s", t, "cpu_cores", cores, "mem_bytes", mem,
		      "pids", pids);
	return o;
}

static void
files_add(json_t *files, const char *key, char *path)
{
	if (path_exists(path))
		json_object_set_new(files, key, json_string(path));
	free(path);
}

/* One repetition: its state, numbers or failure, and its files. */
static json_t *
rep_json(const char *dir, const char *id, int rep, int warmup)
{
	json_t *o = json_pack("{s:i, s:b}", "rep", rep, "warmup", rep <= warmup);
	json_t *files = json_object(), *j;
	char *p = layout_rep_path(dir, id, rep, LAYOUT_SAMPLES), *why = NULL;
	const char *status = "never run";

	/* an unreadable repetition is not done (base/valid.h): say why */
	if (valid_rep(dir, id, rep, &why) == VALID_INVALID)
		json_object_set_new(o, "invalid", json_string(why));
	else if (!why && (j = json_load_path(p, 1))) {
		status = "done";
		json_object_set(o, "metrics", json_object_get(j, "metrics"));
		if (json_object_get(j, "cgroup_absent"))
			json_object_set(o, "cgroup_absent", json_object_get(j, "cgroup_absent"));
		json_decref(j);
	}
	free(why);
	files_add(files, "samples", p);
	p = layout_rep_path(dir, id, rep, LAYOUT_FAILED);
	if (strcmp(status, "done") != 0 && (j = json_load_path(p, 1))) {
		status = "failed";
		json_object_set(o, "reason", json_object_get(j, "reason"));
		json_object_set(o, "exit_code", json_object_get(j, "exit_code"));
		json_object_set(o, "elapsed_s", json_object_get(j, "elapsed_s"));
		json_decref(j);
	}
	files_add(files, "failed", p);
	p = layout_rep_path(dir, id, rep, LAYOUT_METRICS_JSON);
	if ((j = json_load_path(p, 1))) {
		json_object_set(o, "exit_code", json_object_get(j, "exit_code"));
		json_object_set(o, "elapsed_s", json_object_get(j, "elapsed_s"));
		json_decref(j);
	}
	files_add(files, "metrics", p);
	files_add(files, "series", layout_rep_path(dir, id, rep, LAYOUT_METRICS_TSV));
	files_add(files, "log", layout_rep_path(dir, id, rep, LAYOUT_LOG));
	p = layout_rep_path(dir, id, rep, LAYOUT_LOG);
	files_add(files, "log_failed", xasprintf("%s.failed", p));
	free(p);
	files_add(files, "server_log", layout_rep_path(dir, id, rep, LAYOUT_SERVER_LOG));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "files", files);
	return o;
}

/* The series of the last repetition that has one, and the tail of the last
 * log (a failed repetition's log.failed counts: it says why). */
static void
last_series_and_log(json_t *o, json_t *reps, int tail)
{
	size_t i = json_array_size(reps);
	int got_series = 0, got_log = 0;

	while (i-- > 0 && !(got_series && got_log)) {
		json_t *r = json_array_get(reps, i), *f = json_object_get(r, "files"), *x;
		const char *tsv = json_string_value(json_object_get(f, "series"));
		const char *log = json_string_value(json_object_get(f, "log"));

		if (!log)
			log = json_string_value(json_object_get(f, "log_failed"));
		if (!got_series && tsv && (x = series_read(tsv))) {
			json_object_set(x, "rep", json_object_get(r, "rep"));
			json_object_set_new(o, "series", x);
			got_series = 1;
		}
		if (!got_log && log && (x = tail_lines(log, tail))) {
			json_object_set_new(o, "log_tail", json_pack("{s:O, s:s, s:o}", "rep",
					    json_object_get(r, "rep"), "path", log, "lines", x));
			got_log = 1;
		}
	}
}

json_t *
show_cell(const char *dir, const json_t *mcell, int tail)
{
	const char *id = json_string_value(json_object_get(mcell, "id"));
	int repeat = (int)json_integer_value(json_object_get(mcell, "repeat"));
	int warmup = (int)json_integer_value(json_object_get(mcell, "warmup"));
	json_t *o, *reps = json_array(), *files = json_object();
	struct cellstate st;
	char *text;
	int rep;

	cellstate_read(&st, dir, id, warmup + repeat);
	text = cellstate_text(&st);
	o = json_pack("{s:i, s:s, s:O, s:O, s:O, s:O, s:i, s:i, s:s, s:O, s:i}", "schema", 1,
		      "id", id, "image", json_object_get(mcell, "image"),
		      "tag", json_object_get(mcell, "tag"),
		      "benchmark", json_object_get(mcell, "benchmark"),
		      "host", json_object_get(mcell, "host"), "repeat", repeat, "warmup", warmup,
		      "state", text, "stale", st.stale, "done", st.done);
	if (st.profile)
		json_object_set_new(o, "profile", json_string(st.profile));
	free(text);
	cellstate_release(&st);
	for (rep = 1; rep <= warmup + repeat; rep++)
		json_array_append_new(reps, rep_json(dir, id, rep, warmup));
	files_add(files, "dir", layout_path(dir, LAYOUT_CELL_DIR, id));
	files_add(files, "cell", layout_path(dir, LAYOUT_CELL_JSON, id));
	files_add(files, "run", layout_path(dir, LAYOUT_CELL_RUN, id));
	files_add(files, "profile", profile_file(dir, id, PROFILE_JSON));
	files_add(files, "profile.folded", profile_file(dir, id, PROFILE_FOLDED));
	last_series_and_log(o, reps, tail);
	json_object_set_new(o, "reps", reps);
	json_object_set_new(o, "files", files);
	return o;
}

/* Bytes for people: "22.6 MB". */
static void
put_bytes(FILE *f, double v)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	int u = 0;

	while (v >= 1000 && u < 4)
		v /= 1000, u++;
	fprintf(f, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void
print_spark(FILE *f, const char *label, json_t *a, const char *fmt)
{
	size_t i, n = json_array_size(a);
	double *v = xcalloc(n + 1, sizeof(double)), hi = 0;
	char *s;

	for (i = 0; i < n; i++) {
		v[i] = json_number_value(json_array_get(a, i));
		hi = v[i] > hi ? v[i] : hi;
	}
	s = show_sparkline(v, n, SPARK_WIDTH);
	fprintf(f, "  %-10s %s  max ", label, s);
	if (!fmt)
		put_bytes(f, hi);
	else
		fprintf(f, fmt, hi);
	fputc('\n', f);
	free(s);
	free(v);
}

static void
print_reps(FILE *f, const json_t *reps)
{
	size_t i;
	json_t *r;

	fprintf(f, "\nrepetitions\n");
	json_array_foreach(reps, i, r) {
		json_t *el = json_object_get(r, "elapsed_s"), *ex = json_object_get(r, "exit_code");
		const char *why = json_string_value(json_object_get(r, "reason"));

		fprintf(f, "  %-3d %-9s", (int)json_integer_value(json_object_get(r, "rep")),
			json_string_value(json_object_get(r, "status")));
		if (el)
			fprintf(f, " %8.2f s", json_number_value(el));
		if (json_is_integer(ex))
			fprintf(f, "  exit %d", (int)json_integer_value(ex));
		if (json_is_true(json_object_get(r, "warmup")))
			fprintf(f, "  (warmup)");
		if (why)
			fprintf(f, "  %s", why);
		if ((why = json_string_value(json_object_get(r, "cgroup_absent"))))
			fprintf(f, "  no cgroup metrics: %s", why);
		fputc('\n', f);
	}
}

/* The value of metric name in repetition r, or NULL. */
static json_t *
rep_metric(const json_t *r, const char *name)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(r, "metrics"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "name")), name) == 0)
			return m;
	return NULL;
}

/* The first repetition's entry for metric name, for its unit. */
static json_t *
any_metric(const json_t *reps, const char *name)
{
	size_t i;
	json_t *r, *m;

	json_array_foreach(reps, i, r)
		if ((m = rep_metric(r, name)))
			return m;
	return NULL;
}

static int
listed(const json_t *names, const char *name)
{
	size_t i;
	json_t *n;

	json_array_foreach(names, i, n)
		if (strcmp(json_string_value(n), name) == 0)
			return 1;
	return 0;
}

/* A table: one row per metric (in the order the repetitions name them),
 * one column per repetition. */
static void
print_metrics(FILE *f, const json_t *reps)
{
	json_t *order = json_array(), *r, *m;
	size_t i, k;

	json_array_foreach(reps, i, r)
		json_array_foreach(json_object_get(r, "metrics"), k, m)
			if (json_is_string(json_object_get(m, "name")) &&
			    !listed(order, json_string_value(json_object_get(m, "name"))))
				json_array_append(order, json_object_get(m, "name"));
	if (json_array_size(order)) {
		fprintf(f, "\n  %-24s %-8s", "metric", "unit");
		json_array_foreach(reps, i, r)
			fprintf(f, " %8s %3d", "rep", (int)json_integer_value(json_object_get(r, "rep")));
		fputc('\n', f);
	}
	json_array_foreach(order, k, m) {
		const char *n = json_string_value(m);
		const char *unit = json_string_value(json_object_get(any_metric(reps, n), "unit"));

		fprintf(f, "  %-24s %-8s", n, unit ? unit : "");
		json_array_foreach(reps, i, r) {
			json_t *v = rep_metric(r, n);

			double x = json_number_value(json_object_get(v, "value"));

			if (v && x == floor(x) && fabs(x) < 1e15)
				fprintf(f, " %12.0f", x);
			else if (v)
				fprintf(f, " %12.6g", x);
			else
				fprintf(f, " %12s", "-");
		}
		fputc('\n', f);
	}
	json_decref(order);
}

static void
print_series(FILE *f, const json_t *o)
{
	json_t *x = json_object_get(o, "series"), *t;
	size_t n;

	if (!x)
		return;
	t = json_object_get(x, "t_s");
	n = json_array_size(t);
	fprintf(f, "\nover time (rep %d, %zu samples over %.1f s)\n",
		(int)json_integer_value(json_object_get(x, "rep")), n,
		n ? json_number_value(json_array_get(t, n - 1)) : 0.0);
	if (!n)
		return;
	print_spark(f, "cpu cores", json_object_get(x, "cpu_cores"), "%.2f");
	print_spark(f, "memory", json_object_get(x, "mem_bytes"), NULL);
	print_spark(f, "pids", json_object_get(x, "pids"), "%.0f");
}

static void
print_files(FILE *f, const json_t *o)
{
	const char *k;
	json_t *v, *r;
	size_t i;

	fprintf(f, "\nfiles\n");
	json_object_foreach(json_object_get(o, "files"), k, v)
		fprintf(f, "  %-14s %s\n", k, json_string_value(v));
	json_array_foreach(json_object_get(o, "reps"), i, r)
		json_object_foreach(json_object_get(r, "files"), k, v)
			fprintf(f, "  rep %-2d %-7s %s\n", (int)i + 1, k, json_string_value(v));
}

void
show_print(FILE *f, const json_t *o)
{
	json_t *tail = json_object_get(o, "log_tail"), *l;
	size_t i;

	fprintf(f, "%s\n", json_string_value(json_object_get(o, "id")));
	fprintf(f, "  image      %s:%s\n", json_string_value(json_object_get(o, "image")),
		json_string_value(json_object_get(o, "tag")));
	fprintf(f, "  benchmark  %s\n", json_string_value(json_object_get(o, "benchmark")));
	fprintf(f, "  host       %s\n", json_string_value(json_object_get(o, "host")));
	fprintf(f, "  state      %s (%d of %d repetitions done)\n",
		json_string_value(json_object_get(o, "state")),
		(int)json_integer_value(json_object_get(o, "done")),
		(int)json_array_size(json_object_get(o, "reps")));
	if (json_object_get(o, "profile"))
		fprintf(f, "  profile    %s\n", json_string_value(json_object_get(o, "profile")));
	print_reps(f, json_object_get(o, "reps"));
	print_metrics(f, json_object_get(o, "reps"));
	print_series(f, o);
	if (tail) {
		fprintf(f, "\nlog (rep %d, last %zu lines of %s)\n",
			(int)json_integer_value(json_object_get(tail, "rep")),
			json_array_size(json_object_get(tail, "lines")),
			json_string_value(json_object_get(tail, "path")));
		json_array_foreach(json_object_get(tail, "lines"), i, l)
			fprintf(f, "  | %s\n", json_string_value(l));
	}
	print_files(f, o);
}
