/* classify.c: ran, fresh or failed, for each selected cell (see classify.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "base/valid.h"
#include "runners/classify.h"
#include "runners/drive.h"

static int
newer_than(const char *path, const struct timespec *t0)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return st.st_mtim.tv_sec > t0->tv_sec ||
	       (st.st_mtim.tv_sec == t0->tv_sec && st.st_mtim.tv_nsec >= t0->tv_nsec);
}

/* The reason a cell's repetition failed, from its failed.json (fresh string). */
static char *
cell_failure(const char *dir, const char *id, int nreps)
{
	int rep;

	for (rep = 1; rep <= nreps; rep++) {
		char *path = layout_rep_path(dir, id, rep, LAYOUT_FAILED);
		json_t *j = path_exists(path) ? json_load_path(path, 1) : NULL;
		char *reason = NULL;

		free(path);
		if (j) {
			const char *r = json_string_value(json_object_get(j, "reason"));

			reason = xasprintf("repetition %d: %s", rep, r ? r : "failed");
			json_decref(j);
			return reason;
		}
	}
	return NULL;
}

/* Why an image of the cell failed to build, from its images/KEY.failed.json
 * (fresh string), or NULL: then its run never started. */
static char *
image_failure(const char *dir, const char *id)
{
	char *path = layout_path(dir, LAYOUT_CELL_JSON, id), *reason = NULL;
	json_t *cell = path_exists(path) ? json_load_path(path, 1) : NULL, *key;
	size_t i;

	free(path);
	json_array_foreach(json_object_get(cell, "image_keys"), i, key) {
		char *img = layout_path(dir, LAYOUT_IMAGE_JSON, json_string_value(key));
		json_t *f;

		/* images/KEY.json -> images/KEY.failed.json */
		path = xasprintf("%.*s.failed.json", (int)(strlen(img) - 5), img);
		f = path_exists(path) ? json_load_path(path, 1) : NULL;
		if (f && json_string_value(json_object_get(f, "reason")))
			reason = xasprintf("its image '%s' failed: %s", json_string_value(key),
					   json_string_value(json_object_get(f, "reason")));
		json_decref(f);
		free(path);
		free(img);
		if (reason)
			break;
	}
	json_decref(cell);
	return reason;
}

/* A down engine's cell: its first repetition without samples gets a
 * failed.json, as run-cell leaves for a failed run, so that the report says
 * why too (run-cell removes it once the repetition succeeds). */
static void
down_record(const char *dir, const struct cell *c, int nreps, const struct engine_use *eng,
	    const char *reason)
{
	int rep;

	for (rep = 1; rep <= nreps; rep++) {
		char *path = layout_rep_path(dir, c->id, rep, LAYOUT_SAMPLES);
		int have = path_exists(path);

		free(path);
		if (!have) {
			json_t *j = json_pack("{s:i, s:s, s:i, s:s, s:s, s:n}", "schema", 1, "cell", c->id,
					      "rep", rep, "reason", reason, "engine", eng->endpoint,
					      "exit_code");
			char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

			path = layout_rep_path(dir, c->id, rep, LAYOUT_FAILED);
			write_file_atomic(path, text, strlen(text));
			free(path);
			free(text);
			json_decref(j);
			return;
		}
	}
}

void
tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
	t->jran = json_array();
	t->jfresh = json_array();
	t->jfailed = json_array();
}

void
tally_release(struct tally *t)
{
	json_decref(t->jran);
	json_decref(t->jfresh);
	json_decref(t->jfailed);
	memset(t, 0, sizeof(*t));
}

void
classify_fresh(const struct cell *c, struct tally *t)
{
	t->fresh++;
	json_array_append_new(t->jfresh, json_string(c->id));
}

void
classify_cell(const char *dir, const struct cell *c, int pending, const struct timespec *t0,
	      const struct engine_use *eng, struct tally *t)
{
	int nreps = c->bench->warmup + c->repeat;
	int rep, done = 0, now = 0;
	char *reason;

	if (eng && eng->error) {
		reason = xasprintf("not run: %s", eng->error);
		down_record(dir, c, nreps, eng, reason);
		t->failed++;
		json_array_append_new(t->jfailed, json_pack("{s:s, s:s, s:s}", "cell", c->id,
							    "reason", reason, "engine", eng->endpoint));
		free(reason);
		return;
	}

	for (rep = 1; rep <= nreps; rep++) {
		char *path = layout_rep_path(dir, c->id, rep, LAYOUT_SAMPLES);

		if (valid_rep(dir, c->id, rep, NULL) == VALID_DONE) {
			done++;
			now |= newer_than(path, t0);
		}
		free(path);
	}
	if (done == nreps && !pending) {
		if (now) {
			t->ran++;
			json_array_append_new(t->jran, json_string(c->id));
		} else {
			t->fresh++;
			json_array_append_new(t->jfresh, json_string(c->id));
		}
		return;
	}
	/* an image that failed now outranks an older repetition's failure; its
	 * reason goes where the report reads a cell's, as for a down engine */
	reason = image_failure(dir, c->id);
	if (reason && eng)
		down_record(dir, c, nreps, eng, reason);
	if (!reason)
		reason = cell_failure(dir, c->id, nreps);
	if (!reason && eng && eng->lost) {
		reason = xasprintf("it did not finish: its engine stopped answering during the run: %s",
				   eng->lost);
		down_record(dir, c, nreps, eng, reason);
	}
	/* ninja runs with -k 0: uninterrupted, only the cell's own steps stop it
	 * (an engine restarted mid-step drops its connection, and answers again
	 * by the time it is asked) */
	if (!reason && drive_interrupted())
		reason = xstrdup("it did not finish: the run was interrupted");
	if (!reason)
		reason = xstrdup("it did not finish: one of its steps failed (see ninja's output above)");
	t->failed++;
	json_array_append_new(t->jfailed, json_pack("{s:s, s:s, s:s}", "cell", c->id, "reason", reason,
						    "engine", engine_use_endpoint(c)));
	free(reason);
}
