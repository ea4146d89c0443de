/* lifecycle.c: a repetition of a lifecycle benchmark; see lifecycle.h.
 *
 * The phases, in this order, each timed on the monotonic clock from the
 * sending of its request to the engine's reply (the engine answers a create,
 * start, restart, commit, stop or removal once it is done, and a pull's
 * stream ends once the image is in place):
 *
 *   push     the image under test, tagged REGISTRY/jockey-push-...:push, a
 *            fresh repository each repetition, pushed to a registry, and
 *            what it put there deleted again (push.c); not part of to_ready
 *   pull     the image reference is removed first (DELETE /images/REF, not
 *            timed, never forced), so the pull is cold; layers that another
 *            local image shares stay, and the pull fetches only what is
 *            missing: the pull stream's progress says which ("Already
 *            exists"), and how many bytes each fetched layer had
 *   create   POST /containers/create, with StopSignal and StopTimeout
 *   start    POST /containers/ID/start
 *   ready    from the start's reply until the readiness check (ready.c)
 *            succeeds, the container's address lookup included; a log
 *            check also succeeds on a container that printed its line and
 *            exited (HelloBench's "hello")
 *            (with first_response: until the http check's port accepts a
 *            connection)
 *   first_response
 *            from ready until the http check's GET answers its status
 *   restart  POST /containers/ID/restart (the engine stops it with the
 *            signal and timeout, then starts it) until it is ready again
 *   commit   POST /commit (the container paused meanwhile, as docker
 *            commit does); the committed image's size is recorded and the
 *            image removed (not timed)
 *   stop     POST /containers/ID/stop
 *   remove   DELETE /containers/ID?force=1
 *
 * to_ready is measured on its own: from the beginning of the first phase
 * after push (pull, else create) until ready or first_response (else
 * started), so that the phases can be
 * checked to add up to it. A ready check that never succeeds fails the cell
 * at its timeout with the phase named ("ready: not ready after 5s (tcp
 * 80)"); so does the cell's timeout ("pull: timeout after 60s").
 *
 * After them, the image's size and layer count (image_size_bytes,
 * image_layers), from the engine.
 *
 * The log, one line per fact, for the built-in parser 'lifecycle':
 *   lifecycle: pull_ms=1834.215
 * and lines beginning with '#' that only people read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/util.h"
#include "runners/run/container.h"
#include "runners/run/density.h"
#include "runners/run/lifecycle.h"
#include "runners/run/proc.h"
#include "runners/run/push.h"
#include "runners/run/ready.h"
#include "runners/run/regauth.h"

/* How often readiness is checked: finer than a pair's, since the time to
 * ready is what is measured. */
#define LC_POLL_MS 10

enum phase {
	P_PUSH, P_PULL, P_CREATE, P_START, P_READY, P_FIRST_RESPONSE, P_RESTART, P_COMMIT, P_STOP,
	P_REMOVE, NPHASE
};

static const char *const phase_names[NPHASE] = {
	"push", "pull", "create", "start", "ready", "first_response", "restart", "commit", "stop",
	"remove"
};

/* A layer in the pull's progress stream. */
struct layer {
	char id[80];
	double total;          /* its compressed size, from progressDetail */
	int done, present;     /* "Pull complete"; "Already exists" */
};

struct lc {
	struct run *r;
	struct proc *p;        /* r->main */
	json_t *spec;          /* run.json's "lifecycle" (borrowed) */
	json_t *ready;         /* its "ready" (borrowed) */
	unsigned phases;       /* bit 1u << enum phase */
	const char *signal;
	int stop_s;
	long long deadline;    /* the repetition's timeout (now_ms), 0: none */
	double t_first;        /* when the first phase began (now_us) */
	char *ref;             /* what the container is created from (owned) */
	char *commit_ref;      /* "jockey-commit:TAG" while it may exist (owned) */
	struct layer *layers;
	size_t nlayers;
};

int
lifecycle_is(const struct run *r)
{
	return json_is_object(json_object_get(r->config, "lifecycle"));
}

/* The monotonic clock in microseconds, as a double of milliseconds. */
static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One fact for the parser. */
static void
lc_put(struct lc *lc, const char *name, double v)
{
	/* counts and sizes as integers, times to the microsecond */
	fprintf(lc->p->log, v == (double)(long long)v ? "lifecycle: %s=%.0f\n" : "lifecycle: %s=%.3f\n",
		name, v);
	fflush(lc->p->log);
}

/* A phase that began at t0 (now_us) has ended. */
static void
lc_timed(struct lc *lc, enum phase ph, double t0)
{
	char name[32];

	snprintf(name, sizeof(name), "%s_ms", phase_names[ph]);
	lc_put(lc, name, now_us() - t0);
}

/* A phase begins: its start time (now_us); the first one starts to_ready. */
static double
lc_begin(struct lc *lc)
{
	double t = now_us();

	if (!lc->t_first)
		lc->t_first = t;
	return t;
}

/* The next request's limit: the time left before the cell's timeout. */
static void
lc_limit(struct lc *lc)
{
	lc->r->e->timeout_ms = lc->deadline ? run_time_left(lc->r, lc->deadline) : 0;
}

/* A request of phase failed: the cell's failure when the engine refused it
 * or the time ran out (0), else an error (-1). */
static int
lc_fail(struct lc *lc, enum phase ph, const char *what)
{
	struct run *r = lc->r;

	r->e->timeout_ms = 0;
	if (run_signal)
		return -1;
	if (r->e->timed_out)
		r->failure = xasprintf("%s: timeout after %gs", phase_names[ph], r->timeout_ms / 1000.0);
	else if (r->e->status >= 400)
		r->failure = xasprintf("%s: %s%s%s", phase_names[ph], what ? what : "", what ? ": " : "",
				       engine_error(r->e));
	else
		return run_error(r, "%s", phase_names[ph]);
	return 0;
}

/* ---- push ---- */

static int
lc_push(struct lc *lc)
{
	struct run *r = lc->r;
	const char *registry = json_string_value(json_object_get(json_object_get(lc->spec, "push"),
								 "registry"));
	struct push_facts f;
	char repo[96], *failure = NULL;
	int rc;

	/* fresh for each repetition (and each run), so the registry has none of it */
	snprintf(repo, sizeof(repo), "jockey-push-%016llx-%ld-%d",
		 (unsigned long long)hash_str(HASH_INIT, r->cell), (long)getpid(), r->rep);
	lc_limit(lc);
	rc = push_image(r->e, lc->p->image_id, registry, repo, &f, &failure);
	r->e->timeout_ms = 0;
	if (rc < 0) {
		push_facts_release(&f);
		return run_signal ? -1 : run_error(r, "push");
	}
	if (failure) {
		r->failure = failure;
	} else {
		fprintf(lc->p->log, "# push: %s\n", f.repo);
		lc_put(lc, "push_ms", f.ms);
		lc_put(lc, "push_bytes", f.bytes);
		lc_put(lc, "push_layers", f.layers);
		lc_put(lc, "push_layers_present", f.present);
		lc_put(lc, "image_compressed_bytes", f.image_bytes);
		lc_put(lc, "image_registry_layers", f.image_layers);
	}
	push_facts_release(&f);
	return 0;
}

/* ---- pull ---- */

static int
pull_progress(json_t *msg, void *arg)
{
	static const char *const kinds[] = {
		"Pulling fs layer", "Already exists", "Waiting", "Downloading", "Verifying Checksum",
		"Download complete", "Extracting", "Pull complete", NULL
	};
	struct lc *lc = arg;
	const char *status = json_string_value(json_object_get(msg, "status"));
	const char *id = json_string_value(json_object_get(msg, "id"));
	double total = json_number_value(json_object_get(json_object_get(msg, "progressDetail"), "total"));
	struct layer *l = NULL;
	size_t i;
	int k;

	if (!status || !id)
		return 0;
	for (k = 0; kinds[k] && strcmp(kinds[k], status) != 0; k++)
		;
	if (!kinds[k])
		return 0;
	for (i = 0; i < lc->nlayers && !l; i++)
		if (strcmp(lc->layers[i].id, id) == 0)
			l = &lc->layers[i];
	if (!l) {
		lc->layers = xrealloc(lc->layers, (lc->nlayers + 1) * sizeof(*lc->layers));
		l = &lc->layers[lc->nlayers++];
		memset(l, 0, sizeof(*l));
		snprintf(l->id, sizeof(l->id), "%s", id);
	}
	if (strcmp(status, "Already exists") == 0)
		l->present = 1;
	else if (strcmp(status, "Pull complete") == 0)
		l->done = 1;
	if (total > l->total)
		l->total = total;
	return 0;
}

/* Remove ref so that the pull is cold: 0, or the cell's failure. */
static int
pull_uncache(struct lc *lc)
{
	struct engine *e = lc->r->e;
	json_t *img = NULL;
	char *path;
	int rc;

	lc_limit(lc);
	rc = engine_image_inspect(e, lc->ref, &img);
	if (rc < 0)
		return lc_fail(lc, P_PULL, "inspect");
	if (rc == 1)
		return 0;
	rc = json_array_size(json_object_get(img, "RepoDigests")) == 0;
	json_decref(img);
	if (rc) {
		lc->r->failure = xasprintf("pull: '%s' has no registry digest (it was built or loaded "
					   "here): a cold pull would lose it", lc->ref);
		return 0;
	}
	path = xasprintf("/images/%s", lc->ref);
	lc_limit(lc);
	rc = engine_request(e, "DELETE", path, NULL, 0, NULL);
	free(path);
	if (rc < 0)
		return lc_fail(lc, P_PULL, "remove the image first");
	return 0;
}

static int
lc_pull(struct lc *lc)
{
	json_t *pull = json_object_get(lc->spec, "pull");
	const char *name = json_string_value(json_object_get(pull, "name"));
	const char *tag = json_string_value(json_object_get(pull, "tag"));
	struct engine *e = lc->r->e;
	char *n, *t, *path, *auth;
	double t0, bytes = 0;
	size_t i, done = 0, present = 0;
	int rc;

	if (!name || !tag)
		return error("%s: no \"lifecycle\".\"pull\" name and tag", lc->r->run_json);
	lc->ref = xasprintf(strncmp(tag, "sha256:", 7) == 0 ? "%s@%s" : "%s:%s", name, tag);
	if (pull_uncache(lc) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	n = engine_escape(e, name);
	t = engine_escape(e, tag);
	path = xasprintf("/images/create?fromImage=%s&tag=%s", n, t);
	auth = regauth_for(lc->ref);
	engine_set_registry_auth(e, auth);
	lc_limit(lc);
	t0 = lc_begin(lc);
	rc = engine_stream_json(e, "POST", path, NULL, 0, NULL, pull_progress, lc);
	if (rc == 0)
		lc_timed(lc, P_PULL, t0);
	engine_set_registry_auth(e, NULL);
	free(auth);
	free(path);
	free(t);
	free(n);
	if (rc < 0)
		return lc_fail(lc, P_PULL, NULL);
	for (i = 0; i < lc->nlayers; i++) {
		present += lc->layers[i].present;
		done += lc->layers[i].done;
		bytes += lc->layers[i].done ? lc->layers[i].total : 0;
	}
	lc_put(lc, "pull_bytes", bytes);
	lc_put(lc, "pull_layers", (double)done);
	lc_put(lc, "pull_layers_present", (double)present);
	return 0;
}

/* ---- create, start, ready ---- */

static int
lc_create(struct lc *lc)
{
	struct run *r = lc->r;
	struct proc *p = lc->p;
	json_t *body = container_create_body(r, p);
	char *q = engine_escape(r->e, p->name), *path = xasprintf("/containers/create?name=%s", q);
	double t0;
	int rc;

	json_object_set_new(body, "Image", json_string(lc->ref ? lc->ref : p->image_id));
	json_object_set_new(body, "StopSignal", json_string(lc->signal));
	json_object_set_new(body, "StopTimeout", json_integer(lc->stop_s));
	/* From here on a container may exist, even if the reply is lost. */
	p->created = 1;
	lc_limit(lc);
	t0 = lc_begin(lc);
	rc = engine_post_json(r->e, path, body, NULL);
	if (rc == 0)
		lc_timed(lc, P_CREATE, t0);
	free(path);
	free(q);
	json_decref(body);
	if (rc < 0)
		return lc_fail(lc, P_CREATE, NULL);
	p->sampler = run_sampler_start(r, p);
	return p->sampler ? 0 : -1;
}

/* POST /containers/NAME/WHAT (query included), timed as phase ph. */
static int
lc_container_post(struct lc *lc, enum phase ph, const char *what, double *t0)
{
	char *path = xasprintf("/containers/%s/%s", lc->p->name, what);
	int rc;

	lc_limit(lc);
	*t0 = lc_begin(lc);
	rc = engine_request(lc->r->e, "POST", path, NULL, 0, NULL);
	free(path);
	/* 304: already in that state (a stop of a container that has exited) */
	if (rc < 0 && lc->r->e->status != 304)
		return lc_fail(lc, ph, NULL);
	lc->r->e->timeout_ms = 0;
	return 0;
}

static int
lc_start(struct lc *lc)
{
	double t0;

	if (lc_container_post(lc, P_START, "start", &t0) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	lc_timed(lc, P_START, t0);
	return 0;
}

/* Where the host reaches the container (fresh), or NULL. */
static char *
lc_address(struct lc *lc, json_t *c)
{
	const char *mode = lc->p->net_mode, *ip;

	if (strcmp(mode, "host") == 0)
		return xstrdup("127.0.0.1");
	ip = json_string_value(json_object_get(json_object_get(json_object_get(
		json_object_get(c, "NetworkSettings"), "Networks"), mode), "IPAddress"));
	return ip && *ip ? xstrdup(ip) : NULL;
}

/* Wait until the container is ready (phase ph: ready or restart), looking
 * at its log past log_from: 0 (r->failure says when it never was), -1. */
static int
lc_wait_ready(struct lc *lc, enum phase ph, size_t log_from)
{
	struct run *r = lc->r;
	struct ready_how how = { LC_POLL_MS, log_from, 1 };
	json_t *c = NULL;
	char *addr, *what = NULL, *last;
	int ret = 0, code = 0;

	if (container_inspect(r, lc->p, &c) < 0)
		return lc_fail(lc, ph, "inspect");
	sampler_set_pid(lc->p->sampler, (pid_t)json_integer_value(json_object_get(json_object_get(c, "State"), "Pid")));
	addr = lc_address(lc, c);
	json_decref(c);
	switch (ready_wait(r, lc->p, lc->ready, addr, &how, &what)) {
	case READY_ERROR:
		ret = -1;
		break;
	case READY_OK:
		break;
	case READY_NEVER:
		r->failure = xasprintf("%s: not ready after %gs (%s)", phase_names[ph],
				       ready_timeout_ms(lc->ready) / 1000.0, what);
		break;
	case READY_EXITED:
		if (proc_exit_code(r, lc->p, &code) < 0) {
			ret = -1;
			break;
		}
		last = ready_last_line(r, lc->p);
		r->failure = xasprintf("%s: the container exited with code %d before it was ready (%s)%s",
				       phase_names[ph], code, what, last);
		free(last);
		break;
	case READY_UNREACHABLE:
		r->failure = xasprintf("%s: the host has no address of the container for its readiness (%s)",
				       phase_names[ph], what);
		break;
	}
	free(what);
	free(addr);
	return ret;
}

static int
lc_ready(struct lc *lc)
{
	double t0 = now_us();
	json_t *full = lc->ready;
	int rc;

	/* with first_response, ready is the http check's port accepting */
	if (lc->phases & (1u << P_FIRST_RESPONSE))
		lc->ready = json_pack("{s:O, s:O}", "tcp",
				      json_object_get(json_object_get(full, "http"), "port"),
				      "timeout_ms", json_object_get(full, "timeout_ms"));
	rc = lc_wait_ready(lc, P_READY, 0);
	if (lc->ready != full) {
		json_decref(lc->ready);
		lc->ready = full;
	}
	if (rc < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	lc_timed(lc, P_READY, t0);
	return 0;
}

static int
lc_first_response(struct lc *lc)
{
	double t0 = now_us();

	if (lc_wait_ready(lc, P_FIRST_RESPONSE, 0) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	lc_timed(lc, P_FIRST_RESPONSE, t0);
	return 0;
}

/* ---- restart, commit, stop, remove ---- */

static int
lc_restart(struct lc *lc)
{
	struct buf b = BUF_INIT;
	char what[32];
	size_t log_from;
	double t0;

	/* the restarted container's readiness is in the lines after these */
	if (proc_output(lc->r, lc->p, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	log_from = b.len;
	buf_release(&b);
	snprintf(what, sizeof(what), "restart?t=%d", lc->stop_s);
	if (lc_container_post(lc, P_RESTART, what, &t0) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	if (lc_wait_ready(lc, P_RESTART, log_from) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	lc_timed(lc, P_RESTART, t0);
	return 0;
}

/* Remove the committed image, if any, whatever happened (not cancelled by
 * a signal: it runs in the cleanup). */
static void
lc_uncommit(struct lc *lc)
{
	struct run *r = lc->r;
	const volatile sig_atomic_t *cancel = r->e->cancel;
	char *path;

	if (!lc->commit_ref)
		return;
	path = xasprintf("/images/%s", lc->commit_ref);
	r->e->cancel = NULL;
	r->e->timeout_ms = CLEANUP_MS;
	if (engine_request(r->e, "DELETE", path, NULL, 0, NULL) < 0 && r->e->status != 404)
		error("run '%s' rep %d: remove the committed image '%s': %s", r->cell, r->rep,
		      lc->commit_ref, engine_error(r->e));
	r->e->timeout_ms = 0;
	r->e->cancel = cancel;
	free(path);
	free(lc->commit_ref);
	lc->commit_ref = NULL;
}

/* The Size of image ref, or -1. */
static double
image_size(struct lc *lc, const char *ref)
{
	json_t *img = NULL;
	double size = -1;

	if (engine_image_inspect(lc->r->e, ref, &img) == 0)
		size = json_number_value(json_object_get(img, "Size"));
	json_decref(img);
	return size;
}

static int
lc_commit(struct lc *lc)
{
	struct run *r = lc->r;
	const volatile sig_atomic_t *cancel = r->e->cancel;
	char tag[64], *path;
	json_t *body = json_object();
	double t0, size, base;
	int rc;

	snprintf(tag, sizeof(tag), "%ld-%d-%016llx", (long)getpid(), r->rep,
		 (unsigned long long)hash_str(HASH_INIT, r->cell));
	lc->commit_ref = xasprintf("jockey-commit:%s", tag);
	path = xasprintf("/commit?container=%s&repo=jockey-commit&tag=%s", lc->p->name, tag);
	/* Not cut short by a signal: a commit the engine finished after its
	 * request was dropped would escape the removal. It takes a moment. */
	r->e->cancel = NULL;
	lc_limit(lc);
	t0 = lc_begin(lc);
	rc = engine_post_json(r->e, path, body, NULL);
	if (rc == 0)
		lc_timed(lc, P_COMMIT, t0);
	r->e->cancel = cancel;
	free(path);
	json_decref(body);
	if (rc < 0)
		return lc_fail(lc, P_COMMIT, NULL);
	if (run_signal)
		return -1;
	size = image_size(lc, lc->commit_ref);
	base = image_size(lc, lc->ref ? lc->ref : lc->p->image_id);
	if (size >= 0) {
		lc_put(lc, "commit_size_bytes", size);
		if (base >= 0)
			lc_put(lc, "commit_layer_bytes", size - base);
	}
	lc_uncommit(lc);
	return 0;
}

static int
lc_stop(struct lc *lc)
{
	json_t *c = NULL;
	char what[32];
	double t0;

	snprintf(what, sizeof(what), "stop?t=%d", lc->stop_s);
	if (lc_container_post(lc, P_STOP, what, &t0) < 0 || lc->r->failure)
		return lc->r->failure ? 0 : -1;
	lc_timed(lc, P_STOP, t0);
	if (container_inspect(lc->r, lc->p, &c) == 0)
		fprintf(lc->p->log, "# stop: %s, exit code %d\n", lc->signal,
			(int)json_integer_value(json_object_get(json_object_get(c, "State"), "ExitCode")));
	json_decref(c);
	return 0;
}

static int
lc_remove(struct lc *lc)
{
	double t0;

	lc_limit(lc);
	t0 = lc_begin(lc);
	if (engine_container_remove(lc->r->e, lc->p->name) < 0)
		return lc_fail(lc, P_REMOVE, NULL);
	lc_timed(lc, P_REMOVE, t0);
	lc->p->created = 0;
	lc->r->e->timeout_ms = 0;
	return 0;
}

/* The image's facts, after the phases (so that no request sits between
 * two of them): its size in the engine and its layer count. */
static void
lc_image_facts(struct lc *lc)
{
	json_t *img = NULL;

	lc_limit(lc);
	if (engine_image_inspect(lc->r->e, lc->ref ? lc->ref : lc->p->image_id, &img) == 0) {
		lc_put(lc, "image_size_bytes", json_number_value(json_object_get(img, "Size")));
		lc_put(lc, "image_layers", (double)json_array_size(json_object_get(
			json_object_get(img, "RootFS"), "Layers")));
	}
	lc->r->e->timeout_ms = 0;
	json_decref(img);
}

/* ---- the whole ---- */

static int
lc_load(struct lc *lc, struct run *r)
{
	json_t *stop, *v;
	size_t i;
	int k;

	memset(lc, 0, sizeof(*lc));
	lc->r = r;
	lc->p = &r->main;
	lc->spec = json_object_get(r->config, "lifecycle");
	lc->ready = json_object_get(lc->spec, "ready");
	stop = json_object_get(lc->spec, "stop");
	lc->signal = json_string_value(json_object_get(stop, "signal"));
	if (!lc->signal)
		lc->signal = "SIGTERM";
	lc->stop_s = json_is_integer(json_object_get(stop, "timeout_s"))
		     ? (int)json_integer_value(json_object_get(stop, "timeout_s")) : 10;
	json_array_foreach(json_object_get(lc->spec, "phases"), i, v) {
		for (k = 0; k < NPHASE && strcmp(phase_names[k], json_string_value(v) ? json_string_value(v) : ""); k++)
			;
		if (k == NPHASE)
			return error("%s: unknown lifecycle phase '%s'", r->run_json,
				     json_string_value(v) ? json_string_value(v) : "(not a string)");
		lc->phases |= 1u << k;
	}
	lc->phases |= 1u << P_CREATE | 1u << P_START | 1u << P_REMOVE;
	return 0;
}

static int
lc_phases(struct lc *lc)
{
	static int (*const run_phase[NPHASE])(struct lc *) = {
		lc_push, lc_pull, lc_create, lc_start, lc_ready, lc_first_response, lc_restart,
		lc_commit, lc_stop, lc_remove
	};
	int k;

	fprintf(lc->p->log, "# lifecycle of %s:",
		json_string_value(json_object_get(lc->r->config, "image")));
	for (k = 0; k < NPHASE; k++)
		if (lc->phases & (1u << k))
			fprintf(lc->p->log, " %s", phase_names[k]);
	fprintf(lc->p->log, "\n");
	for (k = 0; k < NPHASE; k++) {
		if (!(lc->phases & (1u << k)))
			continue;
		if (run_phase[k](lc) < 0)
			return -1;
		if (lc->r->failure)
			return 0;
		if ((k == P_READY && !(lc->phases & (1u << P_FIRST_RESPONSE))) || k == P_FIRST_RESPONSE ||
		    (k == P_START && !(lc->phases & (1u << P_READY))))
			lc_put(lc, "to_ready_ms", now_us() - lc->t_first);
	}
	return 0;
}

int
lifecycle_run(struct run *r)
{
	struct proc *p = &r->main;
	struct lc lc;
	int ret;

	if (lc_load(&lc, r) < 0)
		return -1;
	if (p->native) {
		r->failure = xstrdup("a lifecycle benchmark drives a container: it cannot run on a "
				     "native host");
		return 0;
	}
	lc.deadline = r->timeout_ms ? now_ms() + r->timeout_ms : 0;
	p->started = run_rfc3339_now();
	if (json_object_get(lc.spec, "density")) {
		ret = density_run(r, lc.spec);
		p->finished = run_rfc3339_now();
		return ret;
	}
	ret = lc_phases(&lc);
	if (ret == 0 && !r->failure)
		lc_image_facts(&lc);
	lc_uncommit(&lc);
	p->finished = run_rfc3339_now();
	free(lc.ref);
	free(lc.layers);
	return ret;
}
