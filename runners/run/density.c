/* density.c: a lifecycle benchmark with density: N containers of the image
 * under test, started by up to `concurrency` workers at once, each until it
 * is ready; then held, all running, for `hold`, and removed; see density.h.
 *
 * Every container is created under the cell's one cgroup parent, so that the
 * parent's counters are the exact totals of all of them: at the end of the
 * hold its memory in use and CPU time, divided by the containers that were
 * ready, are the per-container costs. A container that cannot be created,
 * started or made ready is counted (density_failed) with its reason in the
 * log; the cell fails only when none became ready. Every container made is
 * removed at the end, whatever happened (a signal included), by several
 * workers at once.
 *
 * Limits. The host's `memory` goes on the parent as a whole (each container
 * gets none of its own), and so does `density.pids` (pids.max): how many
 * containers fit is then what is measured. A container that fails while
 * the parent's OOM kills or refused forks went up, or that the engine
 * refused (its create or start answered an error), means a limit was hit:
 * no more are started, the ones ready are held and measured as usual, and
 * density_limit_memory, density_limit_pids or density_limit_engine (1) and
 * a "# density: stopped at a limit" line say which and why. The cell fails
 * only when no container became ready before it.
 *
 * Each worker is a thread with its own engine client (engine_dup) and its
 * own shallow copies of the run and the side, naming its container.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "runners/run/cgroup.h"
#include "runners/run/container.h"
#include "runners/run/density.h"
#include "runners/run/proc.h"
#include "runners/run/ready.h"

struct dens {
	struct run *r;
	struct proc *p;
	json_t *ready;          /* run.json's lifecycle.ready (borrowed) */
	int n, conc;
	long hold_ms;
	pthread_mutex_t mu;
	int next;               /* the next container to start */
	struct timespec t0;
	double *ready_at;       /* per container: ms from t0 until ready, or -1 */
	char **why;             /* per container: why it never was (owned), or NULL */
	unsigned char *made;    /* per container: it may exist */
	int mem_on_parent;      /* the host's memory limits the parent, not each container */
	long long hits0[2];     /* the parent's limit hits at the start, by enum cglimit */
	int stop;               /* a limit was hit: start no more (under mu) */
	const char *limit;      /* which: "memory", "pids", "engine"; NULL: none (under mu) */
	char *limit_why;        /* the failure that showed it (owned, under mu) */
	int remove_next;        /* the next container to remove (under mu) */
};

struct worker {
	struct dens *d;
	struct engine *e;
	pthread_t t;
	int started;
};

static double
since_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static char *
dens_name(const struct dens *d, int i)
{
	return xasprintf("%s-%d", d->p->name, i + 1);
}

/* Where the host reaches container c (fresh), or NULL. */
static char *
dens_address(const struct proc *p, json_t *c)
{
	const char *ip;

	if (strcmp(p->net_mode, "host") == 0)
		return xstrdup("127.0.0.1");
	ip = json_string_value(json_object_get(json_object_get(json_object_get(
		json_object_get(c, "NetworkSettings"), "Networks"), p->net_mode), "IPAddress"));
	return ip && *ip ? xstrdup(ip) : NULL;
}

/* Create, start and wait for container i with the thread's run rt and side
 * pt: NULL when ready, else why not (fresh); *refused when the engine
 * answered its create or start with an error. */
static char *
dens_one(struct dens *d, struct run *rt, struct proc *pt, int i, int *refused)
{
	static const struct ready_how how = { 20, 0, 1 };
	json_t *body = container_create_body(rt, pt), *c = NULL;
	char *q = engine_escape(rt->e, pt->name), *path = xasprintf("/containers/create?name=%s", q);
	char *addr = NULL, *what = NULL, *why = NULL;
	int rc;

	if (d->mem_on_parent) {
		json_object_del(json_object_get(body, "HostConfig"), "Memory");
		json_object_del(json_object_get(body, "HostConfig"), "MemorySwap");
	}
	d->made[i] = 1;
	rc = engine_post_json(rt->e, path, body, NULL);
	json_decref(body);
	free(path);
	free(q);
	*refused = rc < 0 && rt->e->status >= 400;
	if (rc < 0)
		return xasprintf("create: %s", engine_error(rt->e));
	path = xasprintf("/containers/%s/start", pt->name);
	rc = engine_request(rt->e, "POST", path, NULL, 0, NULL);
	free(path);
	*refused = rc < 0 && rt->e->status >= 400;
	if (rc < 0)
		return xasprintf("start: %s", engine_error(rt->e));
	if (container_inspect(rt, pt, &c) < 0)
		return xasprintf("inspect: %s", engine_error(rt->e));
	addr = dens_address(pt, c);
	json_decref(c);
	switch (ready_wait(rt, pt, d->ready, addr, &how, &what)) {
	case READY_OK:
		break;
	case READY_NEVER:
		why = xasprintf("ready: not ready after %gs (%s)", ready_timeout_ms(d->ready) / 1000.0, what);
		break;
	case READY_EXITED:
		why = xasprintf("ready: it exited before it was ready (%s)", what);
		break;
	case READY_UNREACHABLE:
		why = xasprintf("ready: the host has no address of it (%s)", what);
		break;
	default:
		why = xstrdup(run_signal ? "interrupted" : "ready: an error (printed)");
		break;
	}
	free(what);
	free(addr);
	return why;
}

/* Container i failed (why; refused: by the engine): was a limit hit? The
 * first limit stops the starts (called under d->mu). */
static void
dens_limit(struct dens *d, const char *why, int refused)
{
	const char *kind = NULL;

	if (d->stop || run_signal)
		return;
	if (cgparent_limit_hits(&d->p->cg, CGLIMIT_PIDS) > d->hits0[CGLIMIT_PIDS])
		kind = "pids";
	else if (cgparent_limit_hits(&d->p->cg, CGLIMIT_MEMORY) > d->hits0[CGLIMIT_MEMORY])
		kind = "memory";
	else if (refused)
		kind = "engine";
	if (!kind)
		return;
	d->stop = 1;
	d->limit = kind;
	d->limit_why = xstrdup(why);
}

static void *
dens_work(void *arg)
{
	struct worker *w = arg;
	struct dens *d = w->d;
	struct run rt = *d->r;
	struct proc pt = *d->p;
	int i, refused;

	rt.e = w->e;
	pt.sampler = NULL;
	for (;;) {
		pthread_mutex_lock(&d->mu);
		i = run_signal || d->stop ? d->n : d->next++;
		pthread_mutex_unlock(&d->mu);
		if (i >= d->n)
			break;
		pt.name = dens_name(d, i);
		d->why[i] = dens_one(d, &rt, &pt, i, &refused);
		if (!d->why[i])
			d->ready_at[i] = since_ms(&d->t0);
		free(pt.name);
		if (d->why[i]) {
			pthread_mutex_lock(&d->mu);
			dens_limit(d, d->why[i], refused);
			pthread_mutex_unlock(&d->mu);
		}
	}
	return NULL;
}

/* A removal worker: remove the containers made, one after another, whatever
 * happened (not cancelled by a signal). */
static void *
dens_unmake(void *arg)
{
	struct worker *w = arg;
	struct dens *d = w->d;
	char *name;
	int i;

	w->e->cancel = NULL;
	w->e->timeout_ms = CLEANUP_MS;
	for (;;) {
		pthread_mutex_lock(&d->mu);
		i = d->remove_next++;
		pthread_mutex_unlock(&d->mu);
		if (i >= d->n)
			break;
		if (!d->made[i])
			continue;
		name = dens_name(d, i);
		if (engine_container_remove(w->e, name) < 0)
			error("run '%s' rep %d: remove container '%s': %s", d->r->cell, d->r->rep, name,
			      engine_error(w->e));
		free(name);
	}
	return NULL;
}

/* Run nw workers of fn, each with its own engine client, and wait for them:
 * 0, or -1 when none could start. */
static int
dens_workers(struct dens *d, int nw, void *(*fn)(void *))
{
	struct worker *w = xcalloc((size_t)nw, sizeof(*w));
	int k, ret = 0;

	for (k = 0; k < nw; k++) {
		w[k].d = d;
		/* engine_dup belongs to the thread that opened the engine: here */
		if (!(w[k].e = engine_dup(d->r->e)))
			break;
		w[k].started = pthread_create(&w[k].t, NULL, fn, &w[k]) == 0;
	}
	for (k = 0; k < nw; k++) {
		if (w[k].started)
			pthread_join(w[k].t, NULL);
		engine_free(w[k].e);
	}
	if (!w[0].started)
		ret = -1;
	free(w);
	return ret;
}

/* Remove every container made, whatever happened: several at once (the
 * engine's removals take a while each); one by one when no worker starts. */
static void
dens_remove(struct dens *d)
{
	struct worker w = { d, d->r->e, 0, 0 };
	const volatile sig_atomic_t *cancel = d->r->e->cancel;

	d->remove_next = 0;
	if (dens_workers(d, d->n < 8 ? d->n : 8, dens_unmake) < 0) {
		d->remove_next = 0;
		dens_unmake(&w);
	}
	d->r->e->timeout_ms = 0;
	d->r->e->cancel = cancel;
}

/* Start the workers, wait for them: 0, or -1 when none could start. */
static int
dens_start_all(struct dens *d)
{
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	if (dens_workers(d, d->conc, dens_work) < 0)
		return error("run '%s' rep %d: cannot start the density workers", d->r->cell, d->r->rep);
	return 0;
}

/* The limits on the parent as a whole: the host's memory, density.pids. */
static int
dens_limits(struct dens *d, json_t *dj)
{
	struct run *r = d->r;
	long long pids = json_integer_value(json_object_get(dj, "pids"));

	if (d->p->host_settings && r->rc.hc.memory > 0) {
		if (cgparent_limit(&d->p->cg, CGLIMIT_MEMORY, r->rc.hc.memory) < 0)
			return error("run '%s' rep %d: set the memory limit %lld of the cgroup parent:",
				     r->cell, r->rep, (long long)r->rc.hc.memory);
		d->mem_on_parent = 1;
	}
	if (pids > 0 && cgparent_limit(&d->p->cg, CGLIMIT_PIDS, pids) < 0)
		return error("run '%s' rep %d: set pids.max %lld of the cgroup parent:", r->cell, r->rep,
			     pids);
	d->hits0[CGLIMIT_MEMORY] = cgparent_limit_hits(&d->p->cg, CGLIMIT_MEMORY);
	d->hits0[CGLIMIT_PIDS] = cgparent_limit_hits(&d->p->cg, CGLIMIT_PIDS);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* When each ready container was, in order: "# density ready_ms: T1 T2 ...",
 * for the report's containers-ready-over-time chart. */
static void
dens_ready_line(struct dens *d)
{
	double *t = xcalloc((size_t)d->n, sizeof(*t));
	int i, k = 0;

	for (i = 0; i < d->n; i++)
		if (d->ready_at[i] >= 0)
			t[k++] = d->ready_at[i];
	qsort(t, (size_t)k, sizeof(*t), cmp_double);
	fprintf(d->p->log, "# density ready_ms:");
	for (i = 0; i < k; i++)
		fprintf(d->p->log, " %.1f", t[i]);
	fprintf(d->p->log, "\n");
	free(t);
}

static void
dens_put(struct dens *d, const char *name, double v)
{
	fprintf(d->p->log, v == (double)(long long)v ? "lifecycle: %s=%.0f\n" : "lifecycle: %s=%.3f\n",
		name, v);
}

/* The figures, after the hold. */
static void
dens_report(struct dens *d, int nready)
{
	struct cgreading cr;
	char name[64];
	double first = -1, last = -1;
	int i, failed = 0;

	for (i = 0; i < d->n; i++) {
		if (d->ready_at[i] >= 0) {
			if (first < 0 || d->ready_at[i] < first)
				first = d->ready_at[i];
			if (d->ready_at[i] > last)
				last = d->ready_at[i];
		} else if (d->why[i]) {
			failed++;
			fprintf(d->p->log, "# container %d: %s\n", i + 1, d->why[i]);
		}
	}
	dens_ready_line(d);
	if (d->limit) {
		fprintf(d->p->log, "# density: stopped at a limit (%s) with %d ready: %s\n", d->limit,
			nready, d->limit_why);
		snprintf(name, sizeof(name), "density_limit_%s", d->limit);
		dens_put(d, name, 1);
	}
	dens_put(d, "density_ready", nready);
	dens_put(d, "density_failed", failed);
	dens_put(d, "density_first_ready_ms", first);
	dens_put(d, "density_last_ready_ms", last);
	if (last > 0)
		dens_put(d, "density_start_rate", nready / (last / 1000.0));
	/* a remote engine's parent is on its host: its sampler's totals
	 * (metrics.json) stand, these are absent */
	if (!d->p->remote) {
		cgparent_read(&d->p->cg, &cr);
		dens_put(d, "density_mem_per_container_bytes", (double)cr.mem_bytes / nready);
		dens_put(d, "density_cpu_per_container_s", cr.cpu_s / nready);
	}
	fflush(d->p->log);
}

int
density_run(struct run *r, json_t *spec)
{
	json_t *dj = json_object_get(spec, "density");
	struct dens d;
	int i, nready = 0, ret = 0;

	memset(&d, 0, sizeof(d));
	d.r = r;
	d.p = &r->main;
	d.ready = json_object_get(spec, "ready");
	d.n = (int)json_integer_value(json_object_get(dj, "containers"));
	d.conc = (int)json_integer_value(json_object_get(dj, "concurrency"));
	d.hold_ms = (long)json_integer_value(json_object_get(dj, "hold_ms"));
	if (d.n < 1)
		return error("%s: lifecycle.density.containers must be at least 1", r->run_json);
	if (d.conc < 1 || d.conc > d.n)
		d.conc = d.conc < 1 ? 1 : d.n;
	pthread_mutex_init(&d.mu, NULL);
	d.ready_at = xcalloc((size_t)d.n, sizeof(*d.ready_at));
	d.why = xcalloc((size_t)d.n, sizeof(*d.why));
	d.made = xcalloc((size_t)d.n, 1);
	for (i = 0; i < d.n; i++)
		d.ready_at[i] = -1;
	fprintf(d.p->log, "# density: %d containers of %s, %d at once, held %gs\n", d.n,
		json_string_value(json_object_get(r->config, "image")), d.conc, d.hold_ms / 1000.0);
	d.p->sampler = run_sampler_start(r, d.p);
	if (!d.p->sampler || dens_limits(&d, dj) < 0 || dens_start_all(&d) < 0)
		ret = -1;
	for (i = 0; i < d.n; i++)
		nready += d.ready_at[i] >= 0;
	if (ret == 0 && !run_signal && nready > 0) {
		for (i = 0; i < d.hold_ms / 100 && !run_signal; i++)
			ready_sleep_ms(100);
		dens_report(&d, nready);
	} else if (ret == 0 && !run_signal && d.limit) {
		r->failure = xasprintf("density: at a limit (%s) before any container was ready: %s",
				       d.limit, d.limit_why);
	} else if (ret == 0 && !run_signal) {
		r->failure = xasprintf("density: no container became ready; the first: %s",
				       d.why[0] ? d.why[0] : "not started");
	}
	dens_remove(&d);
	if (run_signal)
		ret = -1;
	for (i = 0; i < d.n; i++)
		free(d.why[i]);
	free(d.why);
	free(d.limit_why);
	free(d.ready_at);
	free(d.made);
	pthread_mutex_destroy(&d.mu);
	return ret;
}
