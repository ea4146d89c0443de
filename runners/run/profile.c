/* profile.c: a cell's profiled repetitions; see profile.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/run/cell.h"
#include "runners/run/native.h"
#include "runners/run/perf.h"
#include "runners/run/profile.h"
#include "runners/run/profile_data.h"
#include "runners/run/run.h"

/* At most this many functions in profile.json. */
#define MAX_FUNCTIONS 200

/* One profile edge's state, shared with the hooks around each repetition. */
struct prof {
	const struct profile_settings *ps;
	char *cell;             /* ID (owned) */
	char *celldir;          /* cells/ID (owned) */
	char *repdir;           /* cells/ID/profile.d/REP of the repetition running (owned) */
	char *version;          /* perf's version line (owned) */
	char *symfs;            /* the image's exported root file system (owned), or NULL */
	char *why;              /* why there is no profile (owned), or NULL */
	struct perf pf;
	int started;
};

/* Before the benchmark starts: the image's files, then perf on the main
 * side's cgroup parent. A reason not to profile is kept in pr->why; the
 * repetition stops (-1) so that none runs unprofiled. */
static int
hook_before(struct run *r, void *arg)
{
	struct prof *pr = arg;
	struct proc *p = &r->main;
	char *name;

	if (!pr->symfs && !(pr->symfs = rootfs_get(r, p->image_id))) {
		pr->why = xasprintf("cannot export the image's root file system for its symbols");
		return -1;
	}
	if (!p->have_cg) {
		pr->why = xstrdup("the cell's main side has no cgroup parent to profile");
		return -1;
	}
	if (!(name = perf_cgroup_name(p->cg.paths, p->cg.npaths, &pr->why)))
		return -1;
	pr->started = perf_start(&pr->pf, pr->repdir, name, pr->ps->frequency, pr->ps->call_graph,
				 &pr->why) == 0;
	free(name);
	return pr->started ? 0 : -1;
}

static void
hook_after(struct run *r, void *arg)
{
	struct prof *pr = arg;
	char *why = NULL;

	(void)r;
	if (pr->started && perf_stop(&pr->pf, &why) && !pr->why)
		pr->why = why;
	else
		free(why);
	pr->started = 0;
}

/* perf's version and event in the repetition's provenance. */
static void
provenance_add(const struct prof *pr)
{
	char *path = xasprintf("%s/%s", pr->repdir, layout_rep_file(LAYOUT_METRICS_JSON));
	json_t *m = json_load_path(path, 1), *prov = json_object_get(m, "provenance");

	if (json_is_object(prov)) {
		json_object_set_new(prov, "perf", json_pack("{s:s, s:s, s:i, s:s, s:b}", "version",
				    pr->version, "event", PERF_EVENT, "frequency", pr->ps->frequency,
				    "call_graph", pr->ps->call_graph, "profiled", 1));
		json_write_path(path, m, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 1);
	}
	json_decref(m);
	free(path);
}

/* Repetition rep under perf, its samples into d: 0 (pr->why may then say
 * the profile failed), or -1 on an error or a signal. */
static int
profile_rep(struct prof *pr, const char *run_json, int rep, struct pdata *d)
{
	struct cell_hooks h = { hook_before, hook_after, pr };
	struct buf out = BUF_INIT;
	enum outcome o;
	char *data;

	free(pr->repdir);
	pr->repdir = xasprintf("%s/profile.d/%d", pr->celldir, rep);
	rootfs_remove(pr->repdir);
	if (mkdirs(pr->repdir) < 0)
		return -1;
	o = cell_run_hooked(run_json, rep, pr->repdir, &h);
	perf_release(&pr->pf);
	if (run_signal)
		return -1;
	if (pr->why)
		return 0;
	if (o == OUTCOME_FAILED) {
		pr->why = xasprintf("profiled repetition %d failed (%s/failed.json says why)", rep,
				    pr->repdir);
		return 0;
	}
	if (o != OUTCOME_OK)
		return -1;
	provenance_add(pr);
	data = xasprintf("%s/perf.data", pr->repdir);
	if (perf_script(data, pr->symfs, &out, &pr->why) == 0) {
		pdata_add(d, rep - 1, out.data, strcmp(pr->ps->call_graph, "none") != 0);
		unlink(data); /* tens of MB with call graphs: the counts are kept */
	}
	free(data);
	buf_release(&out);
	return 0;
}

static int
write_unavailable(const struct prof *pr, const char *json_path, const char *folded)
{
	json_t *o = json_pack("{s:i, s:s, s:s}", "schema", 1, "cell", pr->cell, "unavailable", pr->why);
	int r;

	warn("profile of '%s': none: %s", pr->cell, pr->why);
	unlink(folded);
	r = json_write_path(json_path, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 1);
	json_decref(o);
	return r;
}

static int
write_profile(const struct prof *pr, const struct pdata *d, const char *json_path,
	      const char *folded)
{
	struct buf b = BUF_INIT;
	json_t *o;
	int r;

	pdata_folded(d, &b);
	o = json_pack("{s:i, s:s, s:s, s:i, s:s, s:s, s:i, s:I, s:s, s:o}", "schema", 1,
		      "cell", pr->cell, "event", PERF_EVENT, "frequency", pr->ps->frequency,
		      "call_graph", pr->ps->call_graph, "perf_version", pr->version,
		      "repetitions", d->nreps, "samples", (json_int_t)pdata_samples(d),
		      "symfs", "image rootfs export",
		      "functions", pdata_functions(d, pr->symfs, MAX_FUNCTIONS));
	/* the folded stacks first: profile.json, the edge's output, says done */
	r = write_file_atomic(folded, b.data ? b.data : "", b.len) < 0 ||
	    json_write_path(json_path, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 1) < 0 ? -1 : 0;
	json_decref(o);
	buf_release(&b);
	return r;
}

static void
prof_release(struct prof *pr)
{
	perf_release(&pr->pf);
	free(pr->cell);
	free(pr->celldir);
	free(pr->repdir);
	free(pr->version);
	free(pr->symfs);
	free(pr->why);
}

int
profile_cell(const char *run_json, const struct profile_settings *ps)
{
	struct prof pr = { .ps = ps, .pf = { .ctl_fd = -1, .ack_fd = -1 } };
	const char *slash = strrchr(run_json, '/');
	json_t *run = json_load_path(run_json, 0);
	char *json_path, *folded;
	struct pdata d;
	int rep, r = 0;

	if (!run || !json_is_string(json_object_get(run, "cell"))) {
		json_decref(run);
		return error("%s: no \"cell\"", run_json);
	}
	pr.cell = xstrdup(json_string_value(json_object_get(run, "cell")));
	json_decref(run);
	pr.celldir = slash ? xstrndup(run_json, (size_t)(slash - run_json)) : xstrdup(".");
	json_path = xasprintf("%s/profile.json", pr.celldir);
	folded = xasprintf("%s/profile.folded", pr.celldir);
	pdata_init(&d, ps->repeat);
	perf_check(&pr.version, &pr.why);
	for (rep = 1; rep <= ps->repeat && !pr.why && r == 0; rep++)
		r = profile_rep(&pr, run_json, rep, &d);
	if (r == 0)
		r = pr.why ? write_unavailable(&pr, json_path, folded)
			   : write_profile(&pr, &d, json_path, folded);
	pdata_release(&d);
	prof_release(&pr);
	free(json_path);
	free(folded);
	return r;
}
