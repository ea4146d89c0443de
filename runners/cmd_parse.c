/* cmd_parse.c: jockey parse cells/ID/REP/log PARSERS_JSON
 *
 * Reads cells/ID/REP/log and cells/ID/REP/metrics.json (run-cell's), runs the
 * parsers of PARSERS_JSON (gen's conf/parse/BENCHMARK.json:
 * {"schema": 1, "benchmark": NAME, "parsers": [...]}) and writes
 * cells/ID/REP/samples.json:
 *   {"schema": 1, "cell": ID, "rep": REP, "metrics": [{name, value, unit, better}]}
 * always with elapsed_s and the cgroup totals (cpu_s, mem_peak_bytes, ...) as
 * metrics too, lower being better. A parser that finds nothing fails the edge:
 * exit 1, cells/ID/REP/failed.json says why, and no samples.json is left
 * (an old one is removed, so aggregate never reads stale samples).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/files.h"
#include "gen/commands.h"
#include "runners/run/parse.h"
#include "base/util.h"

/* The cgroup totals that become metrics, from metrics.json's "metrics". */
static const struct {
	const char *key, *unit;
} resources[] = {
	{ "cpu_s", "s" }, { "cpu_user_s", "s" }, { "cpu_system_s", "s" },
	{ "mem_peak_bytes", "bytes" }, { "io_read_bytes", "bytes" }, { "io_write_bytes", "bytes" },
	{ "net_rx_bytes", "bytes" }, { "net_tx_bytes", "bytes" }, { "pids_peak", "pids" },
};

static int
write_json(const char *path, json_t *j)
{
	/* 15 digits: the values came from decimal text, print them as written */
	return json_write_path(path, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15), 1);
}

/* Record why the repetition failed, print it, and remove stale samples. */
static int
parse_fail(const char *dir, const char *cell, long rep, const char *reason)
{
	char *failed = xasprintf("%s/%ld/failed.json", dir, rep);
	char *samples = xasprintf("%s/%ld/samples.json", dir, rep);
	json_t *j = json_pack("{s:i, s:s, s:I, s:s}", "schema", 1, "cell", cell, "rep",
	                      (json_int_t)rep, "reason", reason);

	error("parse '%s' rep %ld: %s", cell, rep, reason);
	if (unlink(samples) < 0 && errno != ENOENT)
		error("cannot remove '%s':", samples);
	write_json(failed, j);
	json_decref(j);
	free(failed);
	free(samples);
	return EXIT_RUNTIME;
}

/* The cgroup totals of one side (metrics.json "metrics" or "server_metrics"),
 * named with prefix. */
static void
add_resources(json_t *out, json_t *res, const char *prefix)
{
	/* a host-network or native run's counters are the whole host's traffic */
	const char *scope = json_string_value(json_object_get(res, "net_scope"));
	size_t i;

	if (!json_is_object(res))
		return;
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
		json_t *v = json_object_get(res, resources[i].key);
		char *name;

		if (!json_is_number(v))
			continue;
		if (strncmp(resources[i].key, "net_", 4) == 0 && scope && strcmp(scope, "container") != 0)
			continue;
		name = xasprintf("%s%s", prefix, resources[i].key);
		if (!metric_find(out, name))
			metric_add(out, name, json_number_value(v), resources[i].unit, "lower");
		free(name);
	}
}

/* elapsed_s and the resource totals from metrics.json; -1 with *reason. */
static int
add_run_metrics(json_t *out, const char *path, char **reason)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err), *v;

	if (!json_is_object(root)) {
		*reason = xasprintf("cannot read '%s': %s", path, root ? "not an object" : err.text);
		json_decref(root);
		return -1;
	}
	v = json_object_get(root, "elapsed_s");
	if (!json_is_number(v)) {
		*reason = xasprintf("'%s' has no elapsed_s", path);
		json_decref(root);
		return -1;
	}
	if (!metric_find(out, "elapsed_s"))
		metric_add(out, "elapsed_s", json_number_value(v), "s", "lower");
	add_resources(out, json_object_get(root, "metrics"), "");
	/* a pair: the server's totals beside the client's */
	add_resources(out, json_object_get(root, "server_metrics"), "server_");
	json_decref(root);
	return 0;
}

/* Split ".../cells/ID/REP/log" into the cell folder (".../cells/ID"), the
 * cell id and REP; -1 if it is not such a path. */
static int
log_split(const char *log, char **dir, const char **id, long *rep)
{
	const char *end = log + strlen(log), *rep_s, *id_s;
	char *e;

	if (end - log < 4 || strcmp(end - 4, "/log") != 0)
		return -1;
	for (rep_s = end - 4; rep_s > log && rep_s[-1] != '/'; rep_s--)
		;
	if (rep_s == log || rep_s == end - 4)
		return -1;
	errno = 0;
	*rep = strtol(rep_s, &e, 10);
	if (errno || e != end - 4 || *rep < 1 || *rep_s < '0' || *rep_s > '9')
		return -1;
	for (id_s = rep_s - 1; id_s > log && id_s[-1] != '/'; id_s--)
		;
	if (id_s == rep_s - 1)
		return -1;
	*dir = xstrndup(log, (size_t)(rep_s - 1 - log));
	*id = *dir + (id_s - log);
	return 0;
}

static int
run_parsers(json_t *spec, const char *dir, const char *cell, long rep)
{
	char *log_path = xasprintf("%s/%ld/log", dir, rep);
	char *mpath = xasprintf("%s/%ld/metrics.json", dir, rep);
	char *spath = xasprintf("%s/%ld/samples.json", dir, rep);
	char *fpath = xasprintf("%s/%ld/failed.json", dir, rep);
	char *log = NULL, *reason = NULL;
	json_t *out = json_array(), *p, *samples;
	size_t len, i;
	int rc = EXIT_OK;

	if (read_file(log_path, &log, &len) < 0) {
		reason = xasprintf("cannot read '%s'", log_path);
		goto fail;
	}
	json_array_foreach(json_object_get(spec, "parsers"), i, p)
		if (parse_run(p, log, len, log_path, out, &reason) < 0)
			goto fail;
	if (add_run_metrics(out, mpath, &reason) < 0)
		goto fail;
	samples = json_pack("{s:i, s:s, s:I, s:O}", "schema", 1, "cell", cell, "rep",
	                    (json_int_t)rep, "metrics", out);
	if (write_json(spath, samples) < 0)
		rc = EXIT_RUNTIME;
	else if (unlink(fpath) < 0 && errno != ENOENT) {
		error("cannot remove '%s':", fpath);
		rc = EXIT_RUNTIME;
	}
	json_decref(samples);
	goto out;
fail:
	rc = parse_fail(dir, cell, rep, reason);
out:
	free(reason);
	free(log);
	json_decref(out);
	free(log_path), free(mpath), free(spath), free(fpath);
	return rc;
}

int
cmd_parse(int argc, char **argv)
{
	json_t *spec;
	const char *id;
	char *dir;
	long rep;
	int rc;

	if (argc != 3)
		usage("%s", command_usage("parse"));
	if (log_split(argv[1], &dir, &id, &rep) < 0)
		usage("%s: '%s' is not cells/ID/REP/log with REP from 1", command_usage("parse"), argv[1]);
	spec = json_load_path(argv[2], 0);
	if (!spec) {
		free(dir);
		return EXIT_RUNTIME;
	}
	if (json_integer_value(json_object_get(spec, "schema")) != 1 ||
	    !json_is_array(json_object_get(spec, "parsers"))) {
		json_decref(spec);
		free(dir);
		return error("%s: not a schema 1 parsers file with a 'parsers' list", argv[2]), EXIT_RUNTIME;
	}
	rc = run_parsers(spec, dir, id, rep);
	free(dir);
	json_decref(spec);
	return rc;
}
