/* samples.c: a repetition's samples.json; see samples.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/run/metric.h"
#include "runners/run/parse.h"
#include "runners/run/samples.h"

/* The cgroup totals that become metrics, from metrics.json's "metrics". */
static const struct {
	const char *key, *unit;
} resources[] = {
	{ "cpu_s", "s" }, { "cpu_user_s", "s" }, { "cpu_system_s", "s" },
	{ "mem_peak_bytes", "bytes" }, { "io_read_bytes", "bytes" }, { "io_write_bytes", "bytes" },
	{ "net_rx_bytes", "bytes" }, { "net_tx_bytes", "bytes" }, { "pids_peak", "pids" },
};

/* The image's facts that become metrics, from metrics.json's
 * provenance.image_facts (imagefacts.h): size beside speed. */
static const struct {
	const char *key, *metric, *unit;
} facts[] = {
	{ "size_bytes", "image_size_bytes", "bytes" }, { "layers", "image_layers", "layers" },
	{ "compressed_bytes", "image_compressed_bytes", "bytes" },
	{ "registry_layers", "image_registry_layers", "layers" },
};

int
samples_is_system(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (strcmp(name, facts[i].metric) == 0)
			return 1;
	if (strncmp(name, "server_", 7) == 0)
		name += 7;
	if (strcmp(name, "elapsed_s") == 0)
		return 1;
	for (i = 0; i < sizeof(resources) / sizeof(resources[0]); i++)
		if (strcmp(name, resources[i].key) == 0)
			return 1;
	return 0;
}

static int
write_json(const char *path, json_t *j)
{
	/* 15 digits: the values came from decimal text, print them as written */
	return json_write_path(path, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15), 1);
}

/* Record why the repetition failed, print it, and remove stale samples. */
static enum outcome
parse_fail(const char *dir, const char *cell, long rep, const char *failure)
{
	char *failed = xasprintf("%s/%ld/failed.json", dir, rep);
	char *samples = xasprintf("%s/%ld/samples.json", dir, rep);
	json_t *j = json_pack("{s:i, s:s, s:I, s:s}", "schema", 1, "cell", cell, "rep",
	                      (json_int_t)rep, "reason", failure);

	error("parse '%s' rep %ld: %s", cell, rep, failure);
	if (unlink(samples) < 0 && errno != ENOENT)
		error("cannot remove '%s':", samples);
	write_json(failed, j);
	json_decref(j);
	free(failed);
	free(samples);
	return OUTCOME_FAILED;
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

/* The image's facts (a lifecycle's own, from its log, first). */
static void
add_facts(json_t *out, json_t *f)
{
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (json_is_number(json_object_get(f, facts[i].key)) && !metric_find(out, facts[i].metric))
			metric_add(out, facts[i].metric, json_number_value(json_object_get(f, facts[i].key)),
				   facts[i].unit, "lower");
}

/* elapsed_s and the resource totals from metrics.json: OUTCOME_OK, or
 * OUTCOME_FAILED with *failure (the file's text goes into it: not printed).
 * *absent (left NULL when both sides have them) gets why a side has no
 * cgroup totals (a new reference). */
static enum outcome
add_run_metrics(json_t *out, const char *path, char **failure, json_t **absent)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err), *v;

	if (!json_is_object(root)) {
		*failure = xasprintf("cannot read '%s': %s", path, root ? "not an object" : err.text);
		json_decref(root);
		return OUTCOME_FAILED;
	}
	v = json_object_get(root, "elapsed_s");
	if (!json_is_number(v)) {
		*failure = xasprintf("'%s' has no elapsed_s", path);
		json_decref(root);
		return OUTCOME_FAILED;
	}
	if (!metric_find(out, "elapsed_s"))
		metric_add(out, "elapsed_s", json_number_value(v), "s", "lower");
	add_resources(out, json_object_get(root, "metrics"), "");
	/* a pair: the server's totals beside the client's */
	add_resources(out, json_object_get(root, "server_metrics"), "server_");
	/* a remote engine's sampler could not run (rsampler.h) */
	v = json_object_get(json_object_get(root, "metrics"), "cgroup_absent");
	if (!json_is_string(v))
		v = json_object_get(json_object_get(root, "server_metrics"), "cgroup_absent");
	if (json_is_string(v))
		*absent = json_incref(v);
	add_facts(out, json_object_get(json_object_get(root, "provenance"), "image_facts"));
	json_decref(root);
	return OUTCOME_OK;
}

static enum outcome
run_parsers(json_t *spec, const char *dir, const char *cell, long rep)
{
	char *log_path = xasprintf("%s/%ld/log", dir, rep);
	char *mpath = xasprintf("%s/%ld/metrics.json", dir, rep);
	char *spath = xasprintf("%s/%ld/samples.json", dir, rep);
	char *fpath = xasprintf("%s/%ld/failed.json", dir, rep);
	char *log = NULL, *failure = NULL;
	json_t *out = json_array(), *p, *samples, *absent = NULL;
	size_t len, i;
	enum outcome rc = OUTCOME_OK;

	if (read_file(log_path, &log, &len) < 0) {
		failure = xasprintf("cannot read '%s'", log_path);
		goto fail;
	}
	json_array_foreach(json_object_get(spec, "parsers"), i, p)
		if (parse_run(p, log, len, log_path, out, &failure) == 0)
			goto fail;
	if (add_run_metrics(out, mpath, &failure, &absent) != OUTCOME_OK)
		goto fail;
	samples = json_pack("{s:i, s:s, s:I, s:O, s:o?}", "schema", 1, "cell", cell, "rep",
	                    (json_int_t)rep, "metrics", out, "cgroup_absent", absent);
	if (write_json(spath, samples) < 0) {
		rc = OUTCOME_ERROR;
	} else if (unlink(fpath) < 0 && errno != ENOENT) {
		error("cannot remove '%s':", fpath);
		rc = OUTCOME_ERROR;
	}
	json_decref(samples);
	goto out;
fail:
	rc = parse_fail(dir, cell, rep, failure);
out:
	free(failure);
	free(log);
	json_decref(out);
	free(log_path), free(mpath), free(spath), free(fpath);
	return rc;
}

enum outcome
samples_write(const char *cell_dir, const char *cell, long rep, const char *parsers_json)
{
	json_t *spec = json_load_path(parsers_json, 0);
	enum outcome o;

	if (!spec)
		return OUTCOME_ERROR;
	if (json_integer_value(json_object_get(spec, "schema")) != 1 ||
	    !json_is_array(json_object_get(spec, "parsers"))) {
		json_decref(spec);
		error("%s: not a schema 1 parsers file with a 'parsers' list", parsers_json);
		return OUTCOME_ERROR;
	}
	o = run_parsers(spec, cell_dir, cell, rep);
	json_decref(spec);
	return o;
}
