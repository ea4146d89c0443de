/* t-parse.c: the built-in parsers on real benchmark outputs (tests/parse/fixtures,
 * captured on Debian 12 against localhost servers), regex and command parsers,
 * and `jockey parse` on a results folder. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/commands.h"
#include "runners/run/metric.h"
#include "runners/run/parse.h"
#include "runners/run/tool_error.h"
#include "runners/run/parse_builtin.h"
#include "tap.h"

#define FIX "tests/parse/fixtures"

static char *last_failure;

/* Run one parser (JSON text) on a fixture or on text; the metrics, or NULL. */
static json_t *
run(const char *parser_json, const char *fixture, const char *text)
{
	json_error_t err;
	json_t *p = json_loads(parser_json, 0, &err), *out = json_array();
	char *log = NULL, *path;
	size_t len;
	int n;

	if (!p)
		return printf("# bad parser JSON: %s\n", err.text), NULL;
	path = fixture ? xasprintf("%s/%s", FIX, fixture) : xstrdup("inline.log");
	if (fixture) {
		if (read_file(path, &log, &len) < 0)
			exit(99);
	} else {
		log = xstrdup(text);
		len = strlen(log);
	}
	free(last_failure);
	n = parse_run(p, log, len, path, out, &last_failure);
	json_decref(p);
	free(log);
	free(path);
	if (n == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static json_t *
builtin(const char *name, const char *fixture)
{
	char *spec = xasprintf("{\"kind\": \"builtin\", \"name\": \"%s\"}", name);
	json_t *out = run(spec, fixture, NULL);

	free(spec);
	ok(out != NULL, "%s parses %s%s%s", name, fixture, out ? "" : ": ", out ? "" : last_failure);
	return out;
}

/* The metric's value equals want (to 1e-9 relative), with unit and better. */
static void
check(json_t *out, const char *name, double want, const char *unit, const char *better)
{
	json_t *m = metric_find(out, name);
	double got = m ? json_number_value(json_object_get(m, "value")) : NAN;
	const char *u = m ? json_string_value(json_object_get(m, "unit")) : NULL;
	const char *b = m ? json_string_value(json_object_get(m, "better")) : NULL;
	int same = m && fabs(got - want) <= 1e-9 * fmax(1, fabs(want));

	int unit_ok = unit ? u && strcmp(u, unit) == 0 : u == NULL;

	ok(same && unit_ok && b && strcmp(b, better) == 0,
	   "%s = %.9g %s (%s)", name, want, unit ? unit : "(no unit)", better);
	if (!same)
		printf("#   got %.12g\n", got);
	else if (!unit_ok || !b || strcmp(b, better) != 0)
		printf("#   got unit '%s', better '%s'\n", u ? u : "(null)", b ? b : "(null)");
}

static void
check_count(json_t *out, size_t want, const char *what)
{
	is_int(json_array_size(out), want, "%s: %zu metrics", what, want);
}

static void
test_sysbench(void)
{
	json_t *o;

	if ((o = builtin("sysbench", "sysbench-cpu.log"))) {
		check(o, "events_per_s", 4008.66, "events/s", "higher");
		check(o, "total_events", 8021, "events", "higher");
		check(o, "total_time_s", 2.0002, "s", "lower");
		check(o, "latency_min_ms", 0.22, "ms", "lower");
		check(o, "latency_avg_ms", 0.25, "ms", "lower");
		check(o, "latency_max_ms", 10.55, "ms", "lower");
		check(o, "latency_p95_ms", 0.30, "ms", "lower");
		check_count(o, 7, "sysbench cpu");
		json_decref(o);
	}
	if ((o = builtin("sysbench", "sysbench-cpu-container.log"))) {
		check(o, "events_per_s", 4206.20, "events/s", "higher");
		json_decref(o);
	}
	if ((o = builtin("sysbench", "sysbench-memory.log"))) {
		check(o, "ops_per_s", 5731478.39, "ops/s", "higher");
		check(o, "mib_per_s", 5597.15, "MiB/s", "higher");
		check(o, "total_events", 1048576, "events", "higher");
		check(o, "latency_max_ms", 2.14, "ms", "lower");
		json_decref(o);
	}
	if ((o = builtin("sysbench", "sysbench-threads.log"))) {
		check(o, "total_time_s", 2.0009, "s", "lower");
		check(o, "total_events", 2961, "events", "higher");
		check(o, "latency_avg_ms", 0.67, "ms", "lower");
		check(o, "latency_p95_ms", 0.84, "ms", "lower");
		ok(!metric_find(o, "events_per_s"), "threads: no events/s line, no metric");
		json_decref(o);
	}
	if ((o = builtin("sysbench", "sysbench-mutex.log"))) {
		check(o, "total_time_s", 0.2442, "s", "lower");
		check(o, "latency_avg_ms", 243.93, "ms", "lower");
		check(o, "latency_p95_ms", 244.38, "ms", "lower");
		json_decref(o);
	}
	if ((o = builtin("sysbench", "sysbench-fileio.log"))) {
		check(o, "reads_per_s", 17081.65, "ops/s", "higher");
		check(o, "writes_per_s", 11387.76, "ops/s", "higher");
		check(o, "fsyncs_per_s", 1140.27, "ops/s", "higher");
		check(o, "read_mib_per_s", 266.90, "MiB/s", "higher");
		check(o, "written_mib_per_s", 177.93, "MiB/s", "higher");
		check(o, "total_events", 59279, "events", "higher");
		json_decref(o);
	}
}

static void
test_others(void)
{
	json_t *o;

	if ((o = builtin("stress-ng", "stress-ng.log"))) {
		check(o, "cpu_bogo_ops_s", 1306.74, "bogo-ops/s", "higher");
		check(o, "cpu_bogo_ops_s_usr_sys", 1492.88, "bogo-ops/s", "higher");
		check(o, "vm_bogo_ops_s", 47780.35, "bogo-ops/s", "higher");
		check(o, "vm_bogo_ops_s_usr_sys", 54166.60, "bogo-ops/s", "higher");
		check_count(o, 4, "stress-ng");
		json_decref(o);
	}
	if ((o = builtin("redis-benchmark", "redis-csv.log"))) {
		check(o, "set_rps", 23952.10, "requests/s", "higher");
		check(o, "set_avg_latency_ms", 1.322, "ms", "lower");
		check(o, "set_p99_latency_ms", 11.671, "ms", "lower");
		check(o, "get_rps", 38095.24, "requests/s", "higher");
		check(o, "incr_rps", 38834.95, "requests/s", "higher");
		check(o, "incr_max_latency_ms", 5.751, "ms", "lower");
		check_count(o, 21, "redis --csv");
		json_decref(o);
	}
	if ((o = builtin("redis-benchmark", "redis-q.log"))) {
		check(o, "set_rps", 33955.86, "requests/s", "higher");
		check(o, "set_p50_latency_ms", 0.543, "ms", "lower");
		check(o, "get_rps", 19361.08, "requests/s", "higher");
		check(o, "lpush_rps", 33333.33, "requests/s", "higher");
		check_count(o, 6, "redis -q (progress lines skipped)");
		json_decref(o);
	}
	if ((o = run("{\"kind\": \"builtin\", \"name\": \"redis-benchmark\"}", NULL,
	             "\"PING_INLINE\",\"98039.22\"\n\"LPUSH (needed to benchmark LPOP)\",\"90000.00\"\n"))) {
		check(o, "ping_inline_rps", 98039.22, "requests/s", "higher");
		check(o, "lpush_needed_to_benchmark_lpop_rps", 90000, "requests/s", "higher");
		json_decref(o);
	} else {
		ok(0, "redis: old csv without header: %s", last_failure);
	}
	if ((o = builtin("ab", "ab.log"))) {
		check(o, "requests_per_s", 7390.57, "requests/s", "higher");
		check(o, "time_per_request_ms", 1.082, "ms", "lower");
		check(o, "transfer_rate_bytes_per_s", 41651.37 * 1024, "bytes/s", "higher");
		check(o, "failed_requests", 0, "requests", "lower");
		check(o, "latency_p50_ms", 1, "ms", "lower");
		check(o, "latency_p90_ms", 1, "ms", "lower");
		check(o, "latency_p99_ms", 2, "ms", "lower");
		json_decref(o);
	}
	if ((o = builtin("wrk", "wrk.log"))) {
		check(o, "requests_per_s", 29082.67, "requests/s", "higher");
		check(o, "transfer_bytes_per_s", 160.20 * 1048576, "bytes/s", "higher");
		check(o, "latency_avg_ms", 1.42, "ms", "lower");
		check(o, "latency_stdev_ms", 3.73, "ms", "lower");
		check(o, "latency_max_ms", 48.01, "ms", "lower");
		check_count(o, 5, "wrk");
		json_decref(o);
	}
	if ((o = builtin("wrk", "wrk-latency.log"))) {
		check(o, "requests_per_s", 17869.73, "requests/s", "higher");
		check(o, "latency_p50_ms", 0.619, "ms", "lower");
		check(o, "latency_p75_ms", 1.32, "ms", "lower");
		check(o, "latency_p90_ms", 3.03, "ms", "lower");
		check(o, "latency_p99_ms", 8.53, "ms", "lower");
		check_count(o, 9, "wrk --latency");
		json_decref(o);
	}
	if ((o = run("{\"kind\": \"builtin\", \"name\": \"wrk\"}", NULL,
	             "Running 1s test\n    Latency   250.00us  1.50s  2.00m   90%\n"
	             "  Socket errors: connect 0, read 3, write 0, timeout 12\n"
	             "  Non-2xx or 3xx responses: 7\nRequests/sec:    10.00\nTransfer/sec:      512B\n"))) {
		check(o, "latency_avg_ms", 0.25, "ms", "lower");
		check(o, "latency_stdev_ms", 1500, "ms", "lower");
		check(o, "latency_max_ms", 120000, "ms", "lower");
		check(o, "socket_errors", 15, "errors", "lower");
		check(o, "non_2xx_responses", 7, "responses", "lower");
		check(o, "transfer_bytes_per_s", 512, "bytes/s", "higher");
		json_decref(o);
	} else {
		ok(0, "wrk: errors and units: %s", last_failure);
	}
	if ((o = builtin("fio", "fio.log"))) {
		check(o, "randrw_read_iops", 10028.485757, "ops/s", "higher");
		check(o, "randrw_read_bw_bytes_per_s", 41076677, "bytes/s", "higher");
		check(o, "randrw_read_clat_mean_ms", 0.083236069766, "ms", "lower");
		check(o, "randrw_read_clat_p99_ms", 0.309248, "ms", "lower");
		check(o, "randrw_write_iops", 10038.48076, "ops/s", "higher");
		check(o, "randrw_write_bw_bytes_per_s", 41117617, "bytes/s", "higher");
		check(o, "randrw_write_clat_mean_ms", 0.005770033604, "ms", "lower");
		check(o, "randrw_write_clat_p99_ms", 0.016320, "ms", "lower");
		check_count(o, 8, "fio (no trim I/O, no trim metrics)");
		json_decref(o);
	}
	if ((o = builtin("iperf3", "iperf3.log"))) {
		check(o, "received_bits_per_s", 9372071943.144585, "bits/s", "higher");
		check(o, "sent_bits_per_s", 9408782605.066566, "bits/s", "higher");
		check(o, "retransmits", 4, "segments", "lower");
		json_decref(o);
	}
	if ((o = builtin("shell", "shell-debian-bookworm.log"))) {
		check(o, "loops_per_s", 14.37, "loops/s", "higher");
		check(o, "loops", 44, "loops", "higher");
		check(o, "sort_ms", 5.22, "ms", "lower");
		check(o, "od_ms", 50.22, "ms", "lower");
		check(o, "grep_ms", 5.00, "ms", "lower");
		check(o, "tr_ms", 4.09, "ms", "lower");
		check(o, "sed_ms", 5.00, "ms", "lower");
		check_count(o, 7, "shell");
		json_decref(o);
	}
	if ((o = builtin("shell", "shell-busybox-latest.log"))) {
		check(o, "loops_per_s", 19.67, "loops/s", "higher");
		check(o, "od_ms", 10.00, "ms", "lower");
		json_decref(o);
	}
	if ((o = builtin("lifecycle", "lifecycle.log"))) {
		check(o, "pull_ms", 1575.887, "ms", "lower");
		check(o, "ready_ms", 2.152, "ms", "lower");
		check(o, "remove_ms", 86.417, "ms", "lower");
		check(o, "to_ready_ms", 1967.517, "ms", "lower");
		check(o, "pull_bytes", 11020310, "bytes", "lower");
		check(o, "pull_layers", 6, "layers", "lower");
		check(o, "commit_layer_bytes", 362, "bytes", "lower");
		check(o, "pull_share", 1575.887 / (1575.887 + 28.408 + 360.837 + 2.152), "ratio", "lower");
		check_count(o, 15, "lifecycle");
		json_decref(o);
	}
}

static void
test_failures(void)
{
	static const char *const names[] = { "sysbench", "stress-ng", "redis-benchmark", "ab",
	                                     "wrk", "fio", "iperf3", "shell", "lifecycle" };
	size_t i;
	char *spec;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		spec = xasprintf("{\"kind\": \"builtin\", \"name\": \"%s\"}", names[i]);
		ok(run(spec, NULL, "Segmentation fault\n{\"not\": \"it\"}\n") == NULL,
		   "%s finds nothing in a crash log", names[i]);
		free(spec);
	}
	ok(run("{\"kind\": \"builtin\", \"name\": \"sysbench\"}", NULL, "") == NULL, "empty log");
	is_str(last_failure, "parser 'sysbench' found no metric in inline.log", "the reason names parser and log");
	ok(run("{\"kind\": \"builtin\", \"name\": \"sysbnch\"}", NULL, "x") == NULL, "unknown builtin");
	is_str(last_failure, "unknown built-in parser 'sysbnch'", "unknown builtin: reason");
	ok(parse_builtin_exists("wrk") && !parse_builtin_exists("nope"), "parse_builtin_exists");
}

static void
test_regex(void)
{
	json_t *o;

	o = run("{\"kind\": \"regex\", \"pattern\": \"rate: (?<value>[0-9.]+)\", \"metric\": \"rate\","
	        " \"unit\": \"ops/s\", \"better\": \"higher\"}", NULL, "rate: 1.5\nrate: 2.5\ndone\n");
	if (ok(o != NULL, "regex: named group")) {
		check(o, "rate", 2.5, "ops/s", "higher");
		json_decref(o);
	}
	o = run("{\"kind\": \"regex\", \"pattern\": \"^took ([0-9.]+ ?[a-z]+)$\", \"metric\": \"took_s\","
	        " \"unit\": \"s\", \"better\": \"lower\"}", NULL, "took 1500 ms\nother\ntook 250ms\n");
	if (ok(o != NULL, "regex: first group, multiline anchors, last match")) {
		check(o, "took_s", 0.25, "s", "lower");
		json_decref(o);
	}
	o = run("{\"kind\": \"regex\", \"pattern\": \"[0-9]+ widgets\", \"metric\": \"widgets\","
	        " \"unit\": null, \"better\": \"higher\"}", NULL, "made 12 widgets\n");
	if (ok(o != NULL, "regex: no group: the whole match, suffix ignored")) {
		json_t *m = metric_find(o, "widgets");
		ok(m && json_number_value(json_object_get(m, "value")) == 12 &&
		   json_is_null(json_object_get(m, "unit")), "widgets = 12, unit null");
		json_decref(o);
	}
	o = run("{\"kind\": \"regex\", \"pattern\": \"size=(\\\\S+)\", \"metric\": \"size_bytes\","
	        " \"unit\": \"bytes\", \"better\": \"lower\"}", NULL, "size=3MiB\n");
	if (ok(o != NULL, "regex: size suffix")) {
		check(o, "size_bytes", 3 * 1048576, "bytes", "lower");
		json_decref(o);
	}
	ok(run("{\"kind\": \"regex\", \"pattern\": \"rate: ([0-9.]+\", \"metric\": \"r\", \"unit\": null,"
	       " \"better\": \"higher\"}", NULL, "rate: 1") == NULL, "regex: bad pattern fails");
	ok(last_failure && strstr(last_failure, "at offset 14: missing closing parenthesis"),
	   "regex: the error has the offset and PCRE2's message (%s)", last_failure);
	ok(run("{\"kind\": \"regex\", \"pattern\": \"rate: (\\\\w+)\", \"metric\": \"r\", \"unit\": null,"
	       " \"better\": \"higher\"}", NULL, "rate: fast") == NULL, "regex: not a number fails");
	is_str(last_failure, "regex 'rate: (\\w+)' matched 'fast', which is not a number", "regex: its reason");
	ok(run("{\"kind\": \"regex\", \"pattern\": \"nope ([0-9]+)\", \"metric\": \"r\", \"unit\": null,"
	       " \"better\": \"higher\"}", NULL, "rate: 1") == NULL, "regex: no match fails");
	is_str(last_failure, "parser 'r' found no metric in inline.log", "regex: no match reason");
}

static void
test_command(void)
{
	json_t *o;

	o = run("{\"kind\": \"command\", \"command\": [\"sh\", \"-c\","
	        " \"test -f \\\"$1\\\" && echo '{\\\"lines\\\": 3, \\\"p_x\\\": 1.5}'\", \"sh\"]}",
	        "ab.log", NULL);
	if (ok(o != NULL, "command: flat object, the log path appended%s%s", o ? "" : ": ",
	       o ? "" : last_failure)) {
		check_count(o, 2, "command flat");
		ok(metric_find(o, "lines") && metric_find(o, "p_x"), "command: both metrics");
		json_decref(o);
	}
	o = run("{\"kind\": \"command\", \"command\": [\"sh\", \"-c\", \"echo '{\\\"metrics\\\":"
	        " [{\\\"name\\\": \\\"lat_ms\\\", \\\"value\\\": 2.5, \\\"unit\\\": \\\"ms\\\","
	        " \\\"better\\\": \\\"lower\\\"}]}'\", \"sh\"]}", NULL, "x");
	if (ok(o != NULL, "command: metrics list")) {
		check(o, "lat_ms", 2.5, "ms", "lower");
		json_decref(o);
	}
	ok(run("{\"kind\": \"command\", \"command\": [\"sh\", \"-c\", \"exit 3\", \"sh\"]}", NULL, "x") == NULL,
	   "command: non-zero exit fails");
	is_str(last_failure, "parser command 'sh' exited with status 3", "command: exit reason");
	ok(run("{\"kind\": \"command\", \"command\": [\"echo\", \"nope\"]}", NULL, "x") == NULL,
	   "command: bad JSON fails");
	ok(last_failure && strstr(last_failure, "parser command 'echo' printed no JSON object"),
	   "command: bad JSON reason (%s)", last_failure);
	ok(run("{\"kind\": \"command\", \"command\": [\"sh\", \"-c\", \"echo '{\\\"Bad Name\\\": 1}'\", \"sh\"]}",
	       NULL, "x") == NULL, "command: invalid metric name fails");
	ok(run("{\"kind\": \"command\", \"command\": [\"/nonexistent/parser\"]}", NULL, "x") == NULL,
	   "command: a missing program fails");
	is_str(last_failure, "parser command '/nonexistent/parser' exited with status 127", "command: 127");
}

/* --- jockey parse on a results folder ------------------------------------ */

static void
put(const char *path, const char *s)
{
	if (mkdirs_parent(path) < 0 || write_file_atomic(path, s, strlen(s)) < 0)
		exit(99);
}

static char *
fixture_text(const char *name)
{
	char *path = xasprintf("%s/%s", FIX, name), *data;

	if (read_file(path, &data, NULL) < 0)
		exit(99);
	free(path);
	return data;
}

static int
jockey_parse(const char *dir, const char *rep)
{
	char *spec = xasprintf("%s/parse.json", dir), *log = xasprintf("%s/%s/log", dir, rep);
	char *argv[] = { "parse", log, spec, NULL };
	int rc = cmd_parse(3, argv);

	free(spec);
	free(log);
	return rc;
}

static void
test_cmd_parse(const char *tmp)
{
	char *dir = xasprintf("%s/cells/debian-bookworm.sysbench-cpu.bridge", tmp), *p, *log;
	json_error_t err;
	json_t *j, *ms;

	p = xasprintf("%s/parse.json", dir);
	put(p, "{\"schema\": 1, \"cell\": \"debian-bookworm.sysbench-cpu.bridge\", \"benchmark\": \"sysbench-cpu\","
	       " \"parsers\": [{\"kind\": \"builtin\", \"name\": \"sysbench\"},"
	       " {\"kind\": \"regex\", \"pattern\": \"Number of threads: (\\\\d+)\", \"metric\": \"threads\","
	       " \"unit\": null, \"better\": \"higher\"}]}");
	free(p);
	log = fixture_text("sysbench-cpu-container.log");
	p = xasprintf("%s/1/log", dir), put(p, log), free(p);
	free(log);
	p = xasprintf("%s/1/metrics.json", dir);
	put(p, "{\"schema\": 1, \"exit_code\": 0, \"elapsed_s\": 5.61, \"metrics\": {\"cgroup\": \"v1\","
	       " \"cpu_s\": 5.02, \"cpu_user_s\": 4.9, \"cpu_system_s\": 0.1, \"mem_peak_bytes\": 22600000,"
	       " \"io_read_bytes\": 0, \"io_write_bytes\": 0, \"net_rx_bytes\": 200, \"net_tx_bytes\": 0,"
	       " \"net_scope\": \"host\", \"pids_peak\": 3, \"samples\": 28}}");
	free(p);
	p = xasprintf("%s/1/failed.json", dir), put(p, "{}"), free(p);
	is_int(jockey_parse(dir, "1"), 0, "jockey parse: exit 0");
	p = xasprintf("%s/1/samples.json", dir);
	j = json_load_file(p, 0, &err);
	free(p);
	ok(j != NULL, "samples.json written");
	ms = json_object_get(j, "metrics");
	is_int(json_integer_value(json_object_get(j, "schema")), 1, "samples.json: schema 1");
	is_str(json_string_value(json_object_get(j, "cell")), "debian-bookworm.sysbench-cpu.bridge", "samples.json: cell");
	is_int(json_integer_value(json_object_get(j, "rep")), 1, "samples.json: rep");
	check(ms, "events_per_s", 4206.20, "events/s", "higher");
	check(ms, "threads", 1, NULL, "higher");
	check(ms, "elapsed_s", 5.61, "s", "lower");
	check(ms, "cpu_s", 5.02, "s", "lower");
	check(ms, "mem_peak_bytes", 22600000, "bytes", "lower");
	check(ms, "pids_peak", 3, "pids", "lower");
	ok(!metric_find(ms, "net_rx_bytes"), "host-scope network bytes are left out");
	json_decref(j);
	p = xasprintf("%s/1/failed.json", dir);
	ok(access(p, F_OK) < 0, "an old failed.json is removed");
	free(p);

	/* a parser finding nothing: exit 1, failed.json, no samples.json */
	p = xasprintf("%s/parse.json", dir);
	put(p, "{\"schema\": 1, \"cell\": \"debian-bookworm.sysbench-cpu.bridge\", \"benchmark\": \"x\","
	       " \"parsers\": [{\"kind\": \"builtin\", \"name\": \"wrk\"}]}");
	free(p);
	is_int(jockey_parse(dir, "1"), 1, "jockey parse: nothing found exits 1");
	p = xasprintf("%s/1/samples.json", dir);
	ok(access(p, F_OK) < 0, "no samples.json after a failure");
	free(p);
	p = xasprintf("%s/1/failed.json", dir);
	j = json_load_file(p, 0, &err);
	free(p);
	p = xasprintf("parser 'wrk' found no metric in %s/1/log", dir);
	is_str(json_string_value(json_object_get(j, "reason")), p, "failed.json: reason");
	free(p);
	is_int(json_integer_value(json_object_get(j, "rep")), 1, "failed.json: rep");
	json_decref(j);

	/* no parsers: elapsed and resources only */
	p = xasprintf("%s/parse.json", dir);
	put(p, "{\"schema\": 1, \"cell\": \"c\", \"benchmark\": \"x\", \"parsers\": []}");
	free(p);
	is_int(jockey_parse(dir, "1"), 0, "jockey parse: no parsers");
	p = xasprintf("%s/1/samples.json", dir);
	j = json_load_file(p, 0, &err);
	free(p);
	is_int(json_array_size(json_object_get(j, "metrics")), 8, "no parsers: elapsed_s + 7 resource totals");
	json_decref(j);
	free(dir);
}

/* The tools' own words about their failures, from real logs. */
static void
test_tool_errors(void)
{
	static const struct {
		const char *tool, *fixture, *said;
	} cases[] = {
		{ "iperf3", "iperf3-refused.log", "unable to connect to server: Connection refused" },
		{ "sysbench", "sysbench-fatal.log",
		  "FATAL: Cannot find benchmark 'nosuchtest': no such built-in test, file or module" },
		{ "fio", "fio-error.log",
		  "fio: pid=10, err=28/file:io_u.c:1876, func=io_u error, error=No space left on device" },
		{ "redis-benchmark", "redis-refused.log", "Could not connect to Redis at 127.0.0.1:1: Connection refused" },
		{ "sysbench", "sysbench-cpu.log", NULL },
		{ "iperf3", "iperf3.log", NULL },
		{ "fio", "fio.log", NULL },
		{ "redis-benchmark", "redis-q.log", NULL },
	};
	json_t *parsers;
	size_t i;
	char *log, *said;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log = fixture_text(cases[i].fixture);
		said = tool_error(cases[i].tool, log, strlen(log));
		is_str(said, cases[i].said, "%s: what it said in %s", cases[i].tool, cases[i].fixture);
		free(said);
		free(log);
	}
	/* a parser that finds nothing says what the tool said */
	ok(run("{\"kind\": \"builtin\", \"name\": \"iperf3\"}", "iperf3-refused.log", NULL) == NULL,
	   "iperf3 finds no metric in its error");
	is_str(last_failure, "parser 'iperf3' found no metric in tests/parse/fixtures/iperf3-refused.log; iperf3 "
	       "said: 'unable to connect to server: Connection refused'", "and the failure quotes it");
	parsers = json_loads("[{\"kind\": \"regex\"}, {\"kind\": \"builtin\", \"name\": \"fio\"},"
			     " {\"kind\": \"builtin\", \"name\": \"redis-benchmark\"}]", 0, NULL);
	log = fixture_text("fio-error.log");
	said = tool_errors(parsers, log, strlen(log));
	is_str(said, "; fio said: 'fio: pid=10, err=28/file:io_u.c:1876, func=io_u error, error=No space left on "
	       "device'", "tool_errors: each built-in parser's tool, once it said something");
	free(said);
	free(log);
	json_decref(parsers);
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/t-parse.XXXXXX";
	char *tmp, *top, *cmd;

	if (access(FIX, R_OK) < 0 && argc > 0) {
		top = xstrdup(argv[0]);
		cmd = xasprintf("%s/../..", dirname(top));
		if (chdir(cmd) < 0 || access(FIX, R_OK) < 0)
			return printf("Bail out! cannot find %s\n", FIX), 1;
		free(top), free(cmd);
	}
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 99;
	test_sysbench();
	test_others();
	test_failures();
	test_regex();
	test_command();
	test_tool_errors();
	test_cmd_parse(tmp);
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		ok(0, "cleanup");
	free(cmd);
	free(last_failure);
	return tap_done();
}
