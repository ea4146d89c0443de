/* cellstate.c: one cell's state from the files of a results folder; see
 * cellstate.h. Moved here from cmd_ls.c so that `jockey show` says the same. */
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "base/valid.h"
#include "runners/report/cellstate.h"
#include "runners/report/profile.h"
#include "runners/report/staleness.h"

char *
cellstate_failed_reason(const char *path)
{
	json_t *o = json_load_path(path, 1);
	const char *r = json_string_value(json_object_get(o, "reason"));
	char *s = xstrdup(r ? r : "(no reason recorded)");

	json_decref(o);
	return s;
}

void
cellstate_read(struct cellstate *st, const char *dir, const char *id, int reps)
{
	char *p;
	int rep;

	memset(st, 0, sizeof(*st));
	st->reps = reps;
	for (rep = 1; rep <= st->reps; rep++) {
		char *why = NULL;

		switch (valid_rep(dir, id, rep, &why)) {
		case VALID_DONE:
			st->done++;
			continue;
		case VALID_INVALID:
			if (!st->invalid)
				st->invalid = xasprintf("repetition %d: %s", rep, why);
			free(why);
			break;
		case VALID_MISSING:
			break;
		}
		p = layout_rep_path(dir, id, rep, LAYOUT_FAILED);
		if (!st->reason && path_exists(p)) {
			st->reason = cellstate_failed_reason(p);
			st->failed_rep = rep;
		}
		free(p);
	}
	st->stale = staleness_cell(dir, id);
	st->profile = profile_read_text(dir, id);
}

void
cellstate_release(struct cellstate *st)
{
	free(st->reason);
	free(st->invalid);
	free(st->profile);
	json_decref(st->stale);
}

char *
cellstate_text(const struct cellstate *st)
{
	if (st->done == st->reps && json_array_size(st->stale)) {
		char *why = staleness_text(st->stale), *s = xasprintf("stale: %s", why);

		free(why);
		return s;
	}
	if (st->done == st->reps)
		return xstrdup("done");
	if (st->reason)
		return xasprintf("failed last time: %s", st->reason);
	if (st->invalid)
		return xasprintf("partial %d/%d: %s", st->done, st->reps, st->invalid);
	if (st->done == 0)
		return xstrdup("never run");
	return xasprintf("partial %d/%d", st->done, st->reps);
}

char *
cellstate_cgroup_absent(const char *dir, const char *id, int reps)
{
	char *why = NULL, *p, *bad;
	json_t *s;
	int rep;

	for (rep = 1; rep <= reps && !why; rep++) {
		bad = NULL;
		if (valid_rep(dir, id, rep, &bad) != VALID_DONE) {
			free(bad);
			continue;
		}
		p = layout_rep_path(dir, id, rep, LAYOUT_SAMPLES);
		s = json_load_path(p, 1);
		if (json_is_string(json_object_get(s, "cgroup_absent")))
			why = xstrdup(json_string_value(json_object_get(s, "cgroup_absent")));
		json_decref(s);
		free(p);
	}
	return why;
}
