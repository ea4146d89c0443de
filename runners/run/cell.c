/* cell.c: one repetition of a cell; see cell.h.
 *
 * The requests to the engine, in order: /_ping (the API version), then the
 * side's (container.c), and GET /info on a second connection beside the
 * removal, after a success only, so that no request but the run's own sits
 * between the process start and the create (provenance.c).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/run/cell.h"
#include "runners/run/conf.h"
#include "runners/run/lifecycle.h"
#include "runners/run/machine.h"
#include "runners/run/outputs.h"
#include "runners/run/pair.h"
#include "runners/run/proc.h"
#include "runners/run/provenance.h"

static int
run_load(struct run *r, const char *run_json, int rep, const char *dir)
{
	const char *slash;

	r->run_json = run_json;
	r->rep = rep;
	r->config = conf_load(run_json);
	if (!r->config)
		return -1;
	if (runconf_decode(&r->rc, r->config, run_json) < 0)
		return -1;
	r->cell = r->rc.cell;
	r->timeout_ms = (long)r->rc.timeout_ms;
	slash = strrchr(run_json, '/');
	r->dir = dir ? xstrdup(dir) : slash ? xasprintf("%.*s/%d", (int)(slash - run_json), run_json, r->rep)
		       : xasprintf("%d", r->rep);
	r->pair = r->rc.pair;
	if (!r->pair)
		return proc_load(r, &r->main, "main", 1);
	if (proc_load(r, &r->server, "server", apply_to_side(r->rc.apply_to, "server")) < 0)
		return -1;
	return proc_load(r, &r->main, "client", apply_to_side(r->rc.apply_to, "client"));
}

static void
run_release(struct run *r)
{
	proc_release(&r->main);
	proc_release(&r->server);
	json_decref(r->info);
	json_decref(r->machine);
	json_decref(r->image_facts);
	runconf_release(&r->rc);
	json_decref(r->config);
	engine_free(r->e);
	free(r->network);
	free(r->failure);
	free(r->server_gone);
	free(r->dir);
}

/* Everything before the containers: the engine, the folder, the log files,
 * the cgroup parents, what the sides' kinds need. */
static int
run_prepare(struct run *r)
{
	/* a few files of /proc and /sys, before anything of the run starts */
	r->machine = machine_read();
	r->e = engine_open(r->rc.engine);
	if (!r->e)
		return -1;
	r->e->cancel = &run_signal;
	if (engine_negotiate(r->e) < 0)
		return error("run '%s' rep %d: %s", r->cell, r->rep, engine_error(r->e));
	if (mkdirs(r->dir) < 0)
		return -1;
	if (r->pair && proc_open(&r->server) < 0)
		return -1;
	if (proc_open(&r->main) < 0)
		return -1;
	if (r->pair && proc_prepare(r, &r->server) < 0)
		return -1;
	return proc_prepare(r, &r->main);
}

/* Everything the run made, removed whatever happened: the containers (by
 * name, so one whose create reply was lost goes too), the samplers, the
 * cgroup parents, the network. */
static void
run_cleanup(struct run *r)
{
	r->e->cancel = NULL;
	proc_cleanup(r, &r->main);
	if (r->pair)
		proc_cleanup(r, &r->server);
	pair_cleanup(r);
}

/* Did the benchmark fail? (Its outcome is known.) */
static int
run_failed(const struct run *r)
{
	const struct proc *p = &r->main;

	return r->failure || p->failure || p->exit_code != 0 || p->timed_out || p->oom_killed;
}

/* The benchmark itself, between the hooks. */
static int
run_body(struct run *r, const struct cell_hooks *h)
{
	int ret;

	if (h && h->before && h->before(r, h->arg) < 0)
		return -1;
	ret = r->pair ? pair_run(r) : lifecycle_is(r) ? lifecycle_run(r) : proc_run(r, &r->main);
	if (h && h->after)
		h->after(r, h->arg);
	return ret;
}

/* A local engine's containers whose host, by its /info, is not this
 * machine: the totals sampled here are not theirs, so they go, with why. */
static void
not_here(struct run *r)
{
	struct proc *sides[2] = { &r->main, r->pair ? &r->server : NULL };
	char *why = provenance_not_here(r);
	int i;

	for (i = 0; why && i < 2; i++) {
		if (!sides[i] || sides[i]->remote || sides[i]->native || !sides[i]->summary)
			continue;
		json_decref(sides[i]->summary);
		sides[i]->summary = sampler_absent("local", why, SAMPLE_MS);
		/* the series too: a header, no rows */
		write_file_atomic(sides[i]->tsv_tmp, CGREADING_TSV_HEADER, strlen(CGREADING_TSV_HEADER));
	}
	if (why)
		warn("run '%s' rep %d: no cgroup metrics: %s", r->cell, r->rep, why);
	free(why);
}

enum outcome
cell_run(const char *run_json, int rep)
{
	return cell_run_hooked(run_json, rep, NULL, NULL);
}

enum outcome
cell_run_hooked(const char *run_json, int rep, const char *dir, const struct cell_hooks *h)
{
	struct run r;
	enum outcome o;
	int ok;

	memset(&r, 0, sizeof(r));
	ok = run_load(&r, run_json, rep, dir) == 0 && run_prepare(&r) == 0 && run_body(&r, h) == 0;
	/* Provenance is asked for only when the repetition succeeded, while its
	 * containers are removed. */
	if (ok && !run_signal && !run_failed(&r) && provenance_begin(&r) < 0)
		ok = 0;
	if (r.e)
		run_cleanup(&r);
	if (provenance_join(&r) < 0)
		ok = 0;
	not_here(&r);
	if (proc_close_log(&r.main) < 0 || proc_close_log(&r.server) < 0)
		ok = 0;
	if (run_signal) {
		warn("run '%s' rep %d: interrupted; its containers and network are removed",
		     r.cell, r.rep);
		run_release(&r);
		return OUTCOME_ERROR;
	}
	if (!ok) {
		o = OUTCOME_ERROR;
	} else if (run_failed(&r)) {
		/* The cell's failure is the outcome, whether or not failed.json
		 * could be written. */
		outputs_write_failed(&r);
		o = OUTCOME_FAILED;
	} else {
		o = outputs_write_done(&r) < 0 ? OUTCOME_ERROR : OUTCOME_OK;
	}
	run_release(&r);
	return o;
}
