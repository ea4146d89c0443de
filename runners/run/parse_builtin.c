/* parse_builtin.c: the built-in parsers, one per benchmark tool whose
 * output jockey knows; see parse_builtin.h.
 *
 * Their metrics. Names are stable: results, histories and
 * comparisons key on them. PREFIX is the slug of a test, stressor or job name.
 *
 *   parser     metric                          unit        better  from
 *   sysbench   events_per_s                    events/s    higher  "events per second:"
 *              total_events                    events      higher  "total number of events:"
 *              total_time_s                    s           lower   "total time:"
 *              latency_min_ms, latency_avg_ms, ms          lower   "Latency (ms):" section
 *              latency_max_ms, latency_pNN_ms  (NN from "NNth percentile:", 95 by default)
 *              ops_per_s                       ops/s       higher  memory: "Total operations: N (X per second)"
 *              mib_per_s                       MiB/s       higher  memory: "MiB transferred (X MiB/sec)"
 *              reads_per_s, writes_per_s,      ops/s       higher  fileio: "reads/s:" ...
 *              fsyncs_per_s
 *              read_mib_per_s, written_mib_per_s MiB/s     higher  fileio: "read, MiB/s:" ...
 *   stress-ng  PREFIX_bogo_ops_s               bogo-ops/s  higher  --metrics-brief, real time column
 *              PREFIX_bogo_ops_s_usr_sys       bogo-ops/s  higher  usr+sys time column
 *   redis-benchmark
 *              PREFIX_rps                      requests/s  higher  --csv "rps", or -q "X requests per second"
 *              PREFIX_avg_latency_ms,          ms          lower   --csv (redis 7) columns
 *              PREFIX_pNN_latency_ms                               (-q gives p50 only)
 *   ab         requests_per_s                  requests/s  higher  "Requests per second:"
 *              time_per_request_ms             ms          lower   the first "Time per request:" (mean)
 *              transfer_rate_bytes_per_s       bytes/s     higher  "Transfer rate:" (KB/s x 1024)
 *              failed_requests                 requests    lower   "Failed requests:"
 *              latency_p50_ms, _p90_, _p99_    ms          lower   "Percentage of the requests served"
 *   wrk        requests_per_s                  requests/s  higher  "Requests/sec:"
 *              transfer_bytes_per_s            bytes/s     higher  "Transfer/sec:" (binary K/M/G)
 *              latency_avg_ms, latency_stdev_ms, latency_max_ms   ms   lower   "Latency" thread stats
 *              latency_p50_ms ...              ms          lower   --latency distribution
 *              non_2xx_responses, socket_errors  responses/errors  lower   when wrk prints them
 *   fio        PREFIX_read_iops, PREFIX_write_iops   ops/s higher  --output-format=json, per job
 *              PREFIX_read_bw_bytes_per_s ...  bytes/s     higher  (a direction with no I/O is left out)
 *              PREFIX_read_clat_mean_ms ...    ms          lower   clat_ns mean
 *              PREFIX_read_clat_p99_ms ...     ms          lower   clat_ns percentile 99
 *   iperf3     received_bits_per_s             bits/s      higher  --json end.sum_received
 *              sent_bits_per_s                 bits/s      higher  end.sum_sent
 *              retransmits                     segments    lower   end.sum_sent (TCP)
 *              bits_per_s, jitter_ms, lost_percent                 end.sum (UDP)
 *   shell      loops_per_s                     loops/s     higher  dockerfiles/shell/shell.sh's line
 *              loops                           loops       higher
 *              sort_ms, od_ms, grep_ms, tr_ms, sed_ms  ms  lower   mean per loop
 *   lifecycle  pull_ms, create_ms, start_ms,   ms          lower   "lifecycle: NAME=VALUE" lines
 *              ready_ms, restart_ms, commit_ms,                    that a lifecycle benchmark's
 *              stop_ms, remove_ms, to_ready_ms                     run edge writes (lifecycle.c)
 *              pull_bytes, commit_size_bytes,  bytes       lower
 *              commit_layer_bytes, image_size_bytes
 *              pull_layers, pull_layers_present, layers    lower
 *              image_layers
 *              pull_share                      ratio       lower   pull / (pull + create + start + ready
 *                                                                 + first_response)
 *              density_ready (higher), density_failed   containers  (density: N containers)
 *              density_first_ready_ms, density_last_ready_ms  ms  lower
 *              density_start_rate              containers/s higher
 *              density_mem_per_container_bytes bytes, density_cpu_per_container_s s  lower
 *
 * Where a log holds a label more than once, the built-ins take the last, as
 * regex parsers do: a benchmark that prints a warm-up first is measured by its
 * final run.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runners/run/metric.h"
#include "runners/run/parse_builtin.h"

/* --- text helpers ---------------------------------------------------------- */

/* The last occurrence of needle in [hay, end), or NULL. */
static const char *
find_last(const char *hay, const char *end, const char *needle)
{
	const char *p, *last = NULL;
	size_t n = strlen(needle);

	for (p = hay; (p = memmem(p, end - p, needle, n)); p++)
		last = p;
	return last;
}

/* The number after the last label in [hay, end); 0 or -1. */
static int
num_after(const char *hay, const char *end, const char *label, double *v)
{
	const char *p = find_last(hay, end, label);

	return p ? metric_number(p + strlen(label), v, NULL) : -1;
}

/* Add label's number as a metric when the log has it; 1 if added. */
static int
add_after(json_t *out, const char *hay, const char *end, const char *label,
          const char *name, double scale, const char *unit, const char *better)
{
	double v;

	if (num_after(hay, end, label, &v) < 0)
		return 0;
	metric_add(out, name, v * scale, unit, better);
	return 1;
}

/* A duration with its unit right after (wrk's "1.42ms", "619.00us"), in ms. */
static int
duration_ms(const char *s, double *ms, const char **rest)
{
	static const struct { const char *u; double f; } units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 }, { "ms", 1 },
		{ "s", 1e3 }, { "m", 6e4 }, { "h", 3.6e6 },
	};
	const char *e;
	size_t i;

	if (metric_number(s, ms, &e) < 0)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].u);
		if (strncmp(e, units[i].u, n) == 0 && !isalpha((unsigned char)e[n])) {
			*ms *= units[i].f;
			if (rest)
				*rest = e + n;
			return 0;
		}
	}
	return -1;
}

/* A size with wrk's binary suffix ("160.20MB", "512B"), in bytes. */
static int
size_bytes(const char *s, double *b)
{
	static const char prefixes[] = "KMGTP";
	const char *e, *p;

	if (metric_number(s, b, &e) < 0)
		return -1;
	if (*e && (p = strchr(prefixes, *e)))
		*b *= pow(1024, (double)(p - prefixes + 1)), e++;
	return *e == 'B' ? 0 : -1;
}

/* Call fn for each line of log; '\r' ends lines too (progress output). */
static void
each_line(const char *log, void (*fn)(const char *line, size_t len, void *ctx), void *ctx)
{
	const char *p = log, *e;

	while (*p) {
		e = p + strcspn(p, "\r\n");
		fn(p, e - p, ctx);
		p = *e ? e + 1 : e;
	}
}

/* --- sysbench ---------------------------------------------------------------- */

static int
parse_sysbench(const char *log, json_t *out)
{
	const char *end = log + strlen(log), *lat, *p;
	char name[64];
	double v, pct;
	int n = 0;

	n += add_after(out, log, end, "events per second:", "events_per_s", 1, "events/s", "higher");
	n += add_after(out, log, end, "total number of events:", "total_events", 1, "events", "higher");
	n += add_after(out, log, end, "total time:", "total_time_s", 1, "s", "lower");
	/* memory: "Total operations: 1048576 (5731478.39 per second)" */
	if ((p = find_last(log, end, "Total operations:")) && (p = strchr(p, '(')) &&
	    metric_number(p + 1, &v, NULL) == 0)
		metric_add(out, "ops_per_s", v, "ops/s", "higher"), n++;
	/* memory: "1024.00 MiB transferred (5597.15 MiB/sec)" */
	if ((p = find_last(log, end, "MiB transferred (")) && metric_number(p + 17, &v, NULL) == 0)
		metric_add(out, "mib_per_s", v, "MiB/s", "higher"), n++;
	n += add_after(out, log, end, "reads/s:", "reads_per_s", 1, "ops/s", "higher");
	n += add_after(out, log, end, "writes/s:", "writes_per_s", 1, "ops/s", "higher");
	n += add_after(out, log, end, "fsyncs/s:", "fsyncs_per_s", 1, "ops/s", "higher");
	n += add_after(out, log, end, "read, MiB/s:", "read_mib_per_s", 1, "MiB/s", "higher");
	n += add_after(out, log, end, "written, MiB/s:", "written_mib_per_s", 1, "MiB/s", "higher");
	lat = find_last(log, end, "Latency (ms):");
	if (lat) {
		const char *sec_end = strstr(lat, "Threads fairness");

		if (!sec_end)
			sec_end = end;
		n += add_after(out, lat, sec_end, "min:", "latency_min_ms", 1, "ms", "lower");
		n += add_after(out, lat, sec_end, "avg:", "latency_avg_ms", 1, "ms", "lower");
		n += add_after(out, lat, sec_end, "max:", "latency_max_ms", 1, "ms", "lower");
		/* "95th percentile:" (--percentile=N changes the number) */
		if ((p = find_last(lat, sec_end, "th percentile:"))) {
			const char *d = p;
			while (d > lat && isdigit((unsigned char)d[-1]))
				d--;
			/* a percentile is 0 to 100: (int) of a larger one is undefined */
			if (d < p && metric_number(d, &pct, NULL) == 0 && pct >= 0 && pct <= 100 &&
			    metric_number(p + 14, &v, NULL) == 0) {
				snprintf(name, sizeof(name), "latency_p%d_ms", (int)pct);
				metric_add(out, name, v, "ms", "lower"), n++;
			}
		}
	}
	return n;
}

/* --- stress-ng --------------------------------------------------------------- */

struct lines_ctx {
	json_t *out;
	int n;
	int flag; /* per parser */
};

static void
stressng_line(const char *line, size_t len, void *arg)
{
	struct lines_ctx *c = arg;
	char buf[512], name[128];
	double ops, real, usr, sys, rate, rate_cpu;
	const char *p;

	/* "stress-ng: metrc: [23854] cpu   2615   2.00   1.75   0.00   1306.74   1492.88";
	 * older versions say "info:" where this one says "metrc:" */
	if (len >= sizeof(buf) || strncmp(line, "stress-ng:", 10) != 0)
		return;
	memcpy(buf, line, len);
	buf[len] = '\0';
	p = strstr(buf, "] ");
	if (!p)
		return;
	/* %lf also reads "nan" and "inf", which are no measurement (and no
	 * JSON number: metric_add would lose them) */
	if (sscanf(p + 2, "%127s %lf %lf %lf %lf %lf %lf", name, &ops, &real, &usr, &sys, &rate,
	           &rate_cpu) != 7 || !isfinite(rate) || !isfinite(rate_cpu))
		return;
	metric_addf(c->out, name, "bogo_ops_s", rate, "bogo-ops/s", "higher");
	metric_addf(c->out, name, "bogo_ops_s_usr_sys", rate_cpu, "bogo-ops/s", "higher");
	c->n += 2;
}

static int
parse_stressng(const char *log, json_t *out)
{
	struct lines_ctx c = { out, 0, 0 };

	each_line(log, stressng_line, &c);
	return c.n;
}

/* --- redis-benchmark -------------------------------------------------------- */

/* Split a CSV line of quoted fields into at most max fields (in place). */
static int
csv_split(char *line, char **field, int max)
{
	int n = 0;
	char *p = line, *q;

	while (*p && n < max) {
		if (*p == '"') {
			q = strchr(p + 1, '"');
			if (!q)
				return n;
			*q = '\0';
			field[n++] = p + 1;
			p = q + 1;
		} else {
			q = p + strcspn(p, ",");
			field[n++] = p;
			p = q;
			if (*q)
				*q = '\0', p = q + 1;
			continue;
		}
		if (*p == ',')
			p++;
	}
	return n;
}

struct redis_ctx {
	json_t *out;
	int n;
	char *cols[16]; /* from the --csv header; NULL: redis < 7, "test","rps" only */
	int ncols;
	char header[512];
};

static void
redis_line(const char *line, size_t len, void *arg)
{
	struct redis_ctx *c = arg;
	char buf[512], *f[16], metric[64];
	const char *p;
	double v;
	int n, i;

	if (len == 0 || len >= sizeof(buf))
		return;
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (strncmp(buf, "\"test\",", 7) == 0) {
		memcpy(c->header, buf, len + 1);
		c->ncols = csv_split(c->header, c->cols, 16);
		return;
	}
	if (buf[0] == '"') {
		n = csv_split(buf, f, 16);
		for (i = 1; i < n; i++) {
			const char *col = c->ncols ? (i < c->ncols ? c->cols[i] : NULL) : (i == 1 ? "rps" : NULL);
			if (!col || metric_number(f[i], &v, NULL) < 0)
				continue;
			if (strcmp(col, "rps") == 0) {
				metric_addf(c->out, f[0], "rps", v, "requests/s", "higher");
			} else if (strstr(col, "latency_ms")) {
				/* "p99_latency_ms" -> "p99_latency_ms"; "avg_latency_ms" likewise */
				metric_slug(metric, sizeof(metric), col);
				metric_addf(c->out, f[0], metric, v, "ms", "lower");
			} else {
				continue;
			}
			c->n++;
		}
		return;
	}
	/* -q: "SET: 33955.86 requests per second, p50=0.543 msec" */
	p = strstr(buf, ": ");
	if (!p || !strstr(p, " requests per second") || metric_number(p + 2, &v, NULL) < 0)
		return;
	buf[p - buf] = '\0';
	metric_addf(c->out, buf, "rps", v, "requests/s", "higher");
	c->n++;
	if ((p = strstr(p + 2, "p50=")) && metric_number(p + 4, &v, NULL) == 0) {
		metric_addf(c->out, buf, "p50_latency_ms", v, "ms", "lower");
		c->n++;
	}
}

static int
parse_redis(const char *log, json_t *out)
{
	struct redis_ctx c = { 0 };

	c.out = out;
	each_line(log, redis_line, &c);
	return c.n;
}

/* --- ab ---------------------------------------------------------------------- */

static int
parse_ab(const char *log, json_t *out)
{
	const char *end = log + strlen(log), *p, *tbl;
	static const int pcts[] = { 50, 90, 99 };
	char label[16], name[32];
	double v;
	size_t i;
	int n = 0;

	n += add_after(out, log, end, "Requests per second:", "requests_per_s", 1, "requests/s", "higher");
	/* the first "Time per request:" is the mean per request; the second
	 * divides it by the concurrency */
	if ((p = strstr(log, "Time per request:")) && metric_number(p + 17, &v, NULL) == 0)
		metric_add(out, "time_per_request_ms", v, "ms", "lower"), n++;
	n += add_after(out, log, end, "Transfer rate:", "transfer_rate_bytes_per_s", 1024, "bytes/s", "higher");
	n += add_after(out, log, end, "Failed requests:", "failed_requests", 1, "requests", "lower");
	tbl = find_last(log, end, "Percentage of the requests served");
	for (i = 0; tbl && i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		snprintf(label, sizeof(label), " %d%%", pcts[i]);
		snprintf(name, sizeof(name), "latency_p%d_ms", pcts[i]);
		n += add_after(out, tbl, end, label, name, 1, "ms", "lower");
	}
	return n;
}

/* --- wrk ----------------------------------------------------------------------- */

static int
parse_wrk(const char *log, json_t *out)
{
	const char *end = log + strlen(log), *p, *dist;
	static const char *const stat[] = { "latency_avg_ms", "latency_stdev_ms", "latency_max_ms" };
	char name[32];
	double v, pct;
	int n = 0, i;

	n += add_after(out, log, end, "Requests/sec:", "requests_per_s", 1, "requests/s", "higher");
	if ((p = find_last(log, end, "Transfer/sec:")) && size_bytes(p + 13, &v) == 0)
		metric_add(out, "transfer_bytes_per_s", v, "bytes/s", "higher"), n++;
	/* "    Latency     1.42ms    3.73ms  48.01ms   94.27%" */
	if ((p = find_last(log, end, "    Latency "))) {
		p += 12;
		for (i = 0; i < 3 && duration_ms(p, &v, &p) == 0; i++)
			metric_add(out, stat[i], v, "ms", "lower"), n++;
	}
	/* --latency: "     50%  619.00us" lines after "Latency Distribution" */
	if ((dist = find_last(log, end, "Latency Distribution"))) {
		p = strchr(dist, '\n');
		while (p && metric_number(p + 1, &pct, &p) == 0 && *p == '%' && pct >= 0 && pct <= 100) {
			if (duration_ms(p + 1, &v, &p) < 0)
				break;
			snprintf(name, sizeof(name), "latency_p%d_ms", (int)pct);
			metric_add(out, name, v, "ms", "lower"), n++;
			p = strchr(p, '\n');
		}
	}
	n += add_after(out, log, end, "Non-2xx or 3xx responses:", "non_2xx_responses", 1, "responses", "lower");
	/* "Socket errors: connect 0, read 0, write 0, timeout 0" */
	if ((p = find_last(log, end, "Socket errors:"))) {
		double sum = 0, x;
		const char *eol = strchr(p, '\n');
		for (p += 14; *p && (!eol || p < eol); p++)
			if (isdigit((unsigned char)*p) && metric_number(p, &x, &p) == 0)
				sum += x, p--;
		metric_add(out, "socket_errors", sum, "errors", "lower"), n++;
	}
	return n;
}

/* --- fio and iperf3: JSON after other log lines -------------------------------- */

/* The first JSON object in log: the first line that starts with '{'. */
static json_t *
json_in_log(const char *log)
{
	const char *p = log;
	json_error_t err;

	while (p && *p != '{') {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return p ? json_loads(p, JSON_DISABLE_EOF_CHECK, &err) : NULL;
}

static int
fio_direction(json_t *out, const char *job, const char *dir, json_t *d)
{
	char suffix[64];
	json_t *clat = json_object_get(d, "clat_ns");
	double v;
	int n = 0;

	if (!json_is_object(d) || json_integer_value(json_object_get(d, "io_bytes")) == 0)
		return 0;
	snprintf(suffix, sizeof(suffix), "%s_iops", dir);
	metric_addf(out, job, suffix, json_number_value(json_object_get(d, "iops")), "ops/s", "higher"), n++;
	snprintf(suffix, sizeof(suffix), "%s_bw_bytes_per_s", dir);
	metric_addf(out, job, suffix, json_number_value(json_object_get(d, "bw_bytes")), "bytes/s", "higher"), n++;
	if (json_is_number(json_object_get(clat, "mean"))) {
		v = json_number_value(json_object_get(clat, "mean")) / 1e6;
		snprintf(suffix, sizeof(suffix), "%s_clat_mean_ms", dir);
		metric_addf(out, job, suffix, v, "ms", "lower"), n++;
	}
	v = json_number_value(json_object_get(json_object_get(clat, "percentile"), "99.000000"));
	if (v > 0) {
		snprintf(suffix, sizeof(suffix), "%s_clat_p99_ms", dir);
		metric_addf(out, job, suffix, v / 1e6, "ms", "lower"), n++;
	}
	return n;
}

static int
parse_fio(const char *log, json_t *out)
{
	json_t *root = json_in_log(log), *job;
	const char *name;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(root, "jobs"), i, job) {
		name = json_string_value(json_object_get(job, "jobname"));
		if (!name)
			continue;
		n += fio_direction(out, name, "read", json_object_get(job, "read"));
		n += fio_direction(out, name, "write", json_object_get(job, "write"));
		n += fio_direction(out, name, "trim", json_object_get(job, "trim"));
	}
	json_decref(root);
	return n;
}

static int
parse_iperf3(const char *log, json_t *out)
{
	json_t *root = json_in_log(log), *end, *o, *v;
	int n = 0;

	end = json_object_get(root, "end");
	if ((o = json_object_get(end, "sum_received")) && (v = json_object_get(o, "bits_per_second")))
		metric_add(out, "received_bits_per_s", json_number_value(v), "bits/s", "higher"), n++;
	if ((o = json_object_get(end, "sum_sent"))) {
		if ((v = json_object_get(o, "bits_per_second")))
			metric_add(out, "sent_bits_per_s", json_number_value(v), "bits/s", "higher"), n++;
		if ((v = json_object_get(o, "retransmits")))
			metric_add(out, "retransmits", json_number_value(v), "segments", "lower"), n++;
	}
	if (n == 0 && (o = json_object_get(end, "sum"))) { /* UDP */
		if ((v = json_object_get(o, "bits_per_second")))
			metric_add(out, "bits_per_s", json_number_value(v), "bits/s", "higher"), n++;
		if ((v = json_object_get(o, "jitter_ms")))
			metric_add(out, "jitter_ms", json_number_value(v), "ms", "lower"), n++;
		if ((v = json_object_get(o, "lost_percent")))
			metric_add(out, "lost_percent", json_number_value(v), "%", "lower"), n++;
	}
	json_decref(root);
	return n;
}

/* --- shell ---------------------------------------------------------------------- */

static int
parse_shell(const char *log, json_t *out)
{
	static const struct { const char *key, *unit, *better; } keys[] = {
		{ "loops_per_s", "loops/s", "higher" }, { "loops", "loops", "higher" },
		{ "sort_ms", "ms", "lower" }, { "od_ms", "ms", "lower" }, { "grep_ms", "ms", "lower" },
		{ "tr_ms", "ms", "lower" }, { "sed_ms", "ms", "lower" },
	};
	const char *end = log + strlen(log), *line, *eol;
	char label[32];
	size_t i;
	int n = 0;

	/* "shell: loops=44 elapsed_s=3.06 loops_per_s=14.37 sort_ms=5.22 ..." */
	line = find_last(log, end, "shell: loops=");
	if (!line)
		return 0;
	eol = strchr(line, '\n');
	if (!eol)
		eol = end;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(label, sizeof(label), " %s=", keys[i].key);
		n += add_after(out, line + 6, eol, label, keys[i].key, 1, keys[i].unit, keys[i].better);
	}
	return n;
}

/* --- lifecycle ------------------------------------------------------------------ */

static double
metric_value(const json_t *out, const char *name)
{
	return json_number_value(json_object_get(metric_find(out, name), "value"));
}

static int
parse_lifecycle(const char *log, json_t *out)
{
	static const struct { const char *key, *unit; } keys[] = {
		{ "push_ms", "ms" }, { "push_bytes", "bytes" }, { "push_layers", "layers" },
		{ "push_layers_present", "layers" }, { "image_compressed_bytes", "bytes" },
		{ "image_registry_layers", "layers" }, { "first_response_ms", "ms" },
		{ "pull_ms", "ms" }, { "create_ms", "ms" }, { "start_ms", "ms" }, { "ready_ms", "ms" },
		{ "restart_ms", "ms" }, { "commit_ms", "ms" }, { "stop_ms", "ms" }, { "remove_ms", "ms" },
		{ "to_ready_ms", "ms" }, { "pull_bytes", "bytes" }, { "pull_layers", "layers" },
		{ "pull_layers_present", "layers" }, { "commit_size_bytes", "bytes" },
		{ "commit_layer_bytes", "bytes" }, { "image_size_bytes", "bytes" },
		{ "image_layers", "layers" }, { "density_ready", "containers" },
		{ "density_failed", "containers" }, { "density_first_ready_ms", "ms" },
		{ "density_last_ready_ms", "ms" }, { "density_mem_per_container_bytes", "bytes" },
		{ "density_cpu_per_container_s", "s" }, { "density_limit_memory", "hit" },
		{ "density_limit_pids", "hit" }, { "density_limit_engine", "hit" },
	};
	const char *end = log + strlen(log);
	char label[64];
	double to;
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(label, sizeof(label), "lifecycle: %s=", keys[i].key);
		n += add_after(out, log, end, label, keys[i].key, 1, keys[i].unit,
			       strcmp(keys[i].key, "density_ready") == 0 ? "higher" : "lower");
	}
	n += add_after(out, log, end, "lifecycle: density_start_rate=", "density_start_rate", 1,
		       "containers/s", "higher");
	/* HelloBench's figure: the pull's share of the time to ready */
	to = metric_value(out, "pull_ms") + metric_value(out, "create_ms") +
	     metric_value(out, "start_ms") + metric_value(out, "ready_ms") +
	     metric_value(out, "first_response_ms");
	if (metric_find(out, "pull_ms") && to > 0) {
		metric_add(out, "pull_share", metric_value(out, "pull_ms") / to, "ratio", "lower");
		n++;
	}
	return n;
}

/* --- the table ------------------------------------------------------------------- */

static const struct builtin {
	const char *name;
	int (*fn)(const char *log, json_t *out);
} builtins[] = {
	{ "ab", parse_ab },
	{ "fio", parse_fio },
	{ "iperf3", parse_iperf3 },
	{ "lifecycle", parse_lifecycle },
	{ "redis-benchmark", parse_redis },
	{ "shell", parse_shell },
	{ "stress-ng", parse_stressng },
	{ "sysbench", parse_sysbench },
	{ "wrk", parse_wrk },
};
enum { NBUILTIN = sizeof(builtins) / sizeof(builtins[0]) };

static const struct builtin *
builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < NBUILTIN; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

int
parse_builtin_exists(const char *name)
{
	return builtin_find(name) != NULL;
}

const char *const *
parse_builtin_names(void)
{
	static const char *names[NBUILTIN + 1];
	size_t i;

	for (i = 0; i < NBUILTIN; i++)
		names[i] = builtins[i].name;
	return names;
}

int
parse_builtin_run(const char *name, const char *log, json_t *out)
{
	const struct builtin *b = builtin_find(name);

	return b ? b->fn(log, out) : -1;
}
