/* valid.c: which outputs in a results folder count (see valid.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "base/valid.h"

/* Why the JSON file at path is no valid output (fresh), or NULL: it loads
 * as an object and, when array is set, holds that key as an array. */
static char *
json_problem(const char *path, const char *array)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	char *why = NULL;

	if (!j)
		why = err.line < 1 ? xasprintf("unreadable: %s", err.text) :
			xasprintf("unreadable: %d:%d: %s", err.line, err.column, err.text);
	else if (!json_is_object(j) || (array && !json_is_array(json_object_get(j, array))))
		why = xasprintf("not what it should be (no '%s')", array ? array : "object");
	json_decref(j);
	return why;
}

enum valid_rep
valid_rep(const char *dir, const char *id, int rep, char **why)
{
	char *p = layout_rep_path(dir, id, rep, LAYOUT_SAMPLES), *w = NULL, *bad;
	enum valid_rep ret = VALID_DONE;

	if (!path_exists(p)) {
		free(p);
		return VALID_MISSING;
	}
	if ((bad = json_problem(p, "metrics"))) {
		w = xasprintf("samples.json is %s", bad);
	} else {
		free(p);
		p = layout_rep_path(dir, id, rep, LAYOUT_METRICS_JSON);
		if (path_exists(p) && (bad = json_problem(p, NULL)))
			w = xasprintf("metrics.json is %s", bad);
	}
	free(bad);
	free(p);
	if (w)
		ret = VALID_INVALID;
	if (why)
		*why = w;
	else
		free(w);
	return ret;
}

/* Remove path, saying why. 1 if removed, 0 if it was not there. */
static int
drop(const char *path, const char *why)
{
	if (unlink(path) < 0) {
		if (errno != ENOENT)
			warn("remove '%s':", path);
		return 0;
	}
	if (why)
		warn("'%s' is %s: it is made again", path, why);
	return 1;
}

/* Remove the NAME.tmp.PID files in folder, left by interrupted writes. */
static void
drop_leftovers(const char *folder)
{
	DIR *d = opendir(folder);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *p;

		if (!strstr(e->d_name, ".tmp."))
			continue;
		p = xasprintf("%s/%s", folder, e->d_name);
		drop(p, NULL);
		free(p);
	}
	closedir(d);
}

int
valid_sweep_rep(const char *dir, const char *id, int rep)
{
	char *log = layout_rep_path(dir, id, rep, LAYOUT_LOG);
	char *metrics = layout_rep_path(dir, id, rep, LAYOUT_METRICS_JSON);
	char *samples = layout_rep_path(dir, id, rep, LAYOUT_SAMPLES);
	char *failed = layout_rep_path(dir, id, rep, LAYOUT_FAILED);
	char *folder = xstrndup(log, strrchr(log, '/') - log), *bad = NULL, *why;
	int n = 0;

	drop_leftovers(folder);
	if (path_exists(log) || path_exists(metrics)) {
		bad = path_exists(metrics) ? json_problem(metrics, NULL) : xstrdup("missing");
		if (bad || !path_exists(log)) {
			why = bad ? xasprintf("beside a metrics.json that is %s", bad) :
				xstrdup("missing beside metrics.json");
			if (!drop(log, why))
				warn("'%s' is %s: the repetition runs again", log, why);
			free(why);
			drop(metrics, NULL);
			n += 1 + drop(samples, NULL);
			free(folder);
			folder = layout_rep_path(dir, id, rep, LAYOUT_METRICS_TSV);
			drop(folder, NULL);
		}
	}
	free(bad);
	if (path_exists(samples) && (bad = json_problem(samples, "metrics"))) {
		n += drop(samples, bad);
		free(bad);
	}
	if (path_exists(failed) && (bad = json_problem(failed, NULL))) {
		drop(failed, bad);
		free(bad);
	}
	free(folder);
	free(failed);
	free(samples);
	free(metrics);
	free(log);
	return n;
}

/* Remove the stamp at path when it is there but empty. 1 if removed. */
static int
drop_if_empty(const char *path)
{
	char *v;

	if (!path_exists(path))
		return 0;
	if ((v = stamp_read(path))) {
		free(v);
		return 0;
	}
	return drop(path, "empty");
}

/* Remove the empty stamps in folder (stamp_read reads them as missing). */
static int
drop_empty_stamps(const char *folder)
{
	DIR *d = opendir(folder);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *p;

		if (e->d_name[0] == '.' || strstr(e->d_name, ".json") || strstr(e->d_name, ".tmp."))
			continue;
		p = xasprintf("%s/%s", folder, e->d_name);
		n += drop_if_empty(p);
		free(p);
	}
	closedir(d);
	return n;
}

static int valid_sweep_in(const char *dir, const char *id, int results);

int
valid_sweep_cell(const char *dir, const char *id)
{
	return id ? valid_sweep_in(dir, id, 1) : valid_sweep_top(dir, 1);
}

int
valid_sweep_top(const char *dir, int results)
{
	return valid_sweep_in(dir, NULL, results);
}

/* valid_sweep_cell, results.json only when results is set. */
static int
valid_sweep_in(const char *dir, const char *id, int results)
{
	static const char *const folders[] = { "", "/stamps", "/stamps/img", "/stamps/base",
		"/stamps/ctx", "/images", "/base", "/conf/bench", "/conf/host", "/conf/parse",
		"/conf/image" };
	char *p, *bad;
	size_t i;
	int n = 0;

	if (id) {
		p = layout_path(dir, LAYOUT_CELL_DIR, id);
		drop_leftovers(p);
		free(p);
		/* run.json; profile.json, the profile edge's output (it runs again) */
		for (i = 0; i < 2; i++) {
			p = layout_path(dir, i == 0 ? LAYOUT_CELL_RUN : LAYOUT_CELL_PROFILE, id);
			if (path_exists(p) && (bad = json_problem(p, NULL))) {
				n += drop(p, bad);
				free(bad);
			}
			free(p);
		}
		return n;
	}
	for (i = 0; i < sizeof(folders) / sizeof(folders[0]); i++) {
		p = xasprintf("%s%s", dir, folders[i]);
		drop_leftovers(p);
		if (strncmp(folders[i], "/stamps/", 8) == 0)
			n += drop_empty_stamps(p);
		free(p);
	}
	p = xasprintf("%s/" LAYOUT_REPO_COMMIT, dir);
	n += drop_if_empty(p);
	free(p);
	p = xasprintf("%s/" LAYOUT_RESULTS_JSON, dir);
	if (results && path_exists(p) && (bad = json_problem(p, "cells"))) {
		n += drop(p, bad);
		free(bad);
	}
	free(p);
	return n;
}
