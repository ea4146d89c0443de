/* container.c: a side run as a container; see container.h.
 *
 * The requests of a plain repetition, in order (with cell.c's): create,
 * start, one inspection (which the engine answers only once it has handled
 * the exit of a short container, so that its state is final), the log
 * stream, and the removal. bench/overhead measures them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/run/container.h"
#include "runners/run/proc.h"

/* ---- the create request ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* {"K": "V"} -> ["K=V", ...] sorted, so the request is deterministic. */
static json_t *
env_list(json_t *env)
{
	size_t n = json_object_size(env), i = 0;
	char **kv = xcalloc(n ? n : 1, sizeof(*kv));
	const char *k;
	json_t *v, *list = json_array();

	json_object_foreach(env, k, v)
		kv[i++] = xasprintf("%s=%s", k, json_is_string(v) ? json_string_value(v) : "");
	qsort(kv, i, sizeof(*kv), cmp_str);
	for (n = 0; n < i; n++) {
		json_array_append_new(list, json_string(kv[n]));
		free(kv[n]);
	}
	free(kv);
	return list;
}

static json_t *
binds_list(const struct hostconf *hc)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < hc->nvolumes; i++) {
		char *b = xasprintf("%s:%s%s", hc->volumes[i].source, hc->volumes[i].target,
				    hc->volumes[i].readonly ? ":ro" : "");

		json_array_append_new(list, json_string(b));
		free(b);
	}
	return list;
}

static json_t *
ulimits_list(const struct hostconf *hc)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < hc->nulimits; i++)
		json_array_append_new(list, json_pack("{s:s?,s:I,s:I}", "Name", hc->ulimits[i].name,
						      "Soft", (json_int_t)hc->ulimits[i].soft,
						      "Hard", (json_int_t)hc->ulimits[i].hard));
	return list;
}

/* hc: the host config when it applies to this side, else NULL (the
 * engine's defaults). */
static json_t *
host_config(const struct proc *p, const struct hostconf *hc)
{
	static const struct hostconf none;
	json_t *out = json_object();

	if (!hc)
		hc = &none;
	json_object_set_new(out, "NetworkMode", json_string(p->net_mode));
	if (hc->cpuset)
		json_object_set_new(out, "CpusetCpus", json_string(hc->cpuset));
	if (hc->cpus > 0)
		json_object_set_new(out, "NanoCpus", json_integer((json_int_t)(hc->cpus * 1e9 + 0.5)));
	if (hc->memory > 0) {
		/* No swap on top: a benchmark over its limit is OOM killed, not slowed. */
		json_object_set_new(out, "Memory", json_integer(hc->memory));
		json_object_set_new(out, "MemorySwap", json_integer(hc->memory));
	}
	if (hc->runtime)
		json_object_set_new(out, "Runtime", json_string(hc->runtime));
	json_object_set_new(out, "Binds", binds_list(hc));
	json_object_set_new(out, "Privileged", json_boolean(hc->privileged));
	if (json_object_size(hc->sysctls) > 0)
		json_object_set(out, "Sysctls", hc->sysctls);
	json_object_set_new(out, "Ulimits", ulimits_list(hc));
	if (p->have_cg)
		json_object_set_new(out, "CgroupParent", json_string(p->cg.name));
	return out;
}

json_t *
container_create_body(const struct run *r, const struct proc *p)
{
	json_t *body = json_object(), *cmd = p->side->command;
	json_t *labels = json_object();
	char rep[32];

	json_object_set_new(body, "Image", json_string(p->image_id));
	if (json_array_size(cmd) > 0)
		json_object_set(body, "Cmd", cmd);
	json_object_set_new(body, "Env", env_list(p->side->env));
	json_object_update(labels, r->rc.labels);
	snprintf(rep, sizeof(rep), "%d", r->rep);
	json_object_set_new(labels, "jockey.rep", json_string(rep));
	json_object_set_new(labels, "jockey.role", json_string(p->role));
	json_object_set_new(body, "Labels", labels);
	json_object_set_new(body, "AttachStdin", json_false());
	json_object_set_new(body, "AttachStdout", json_true());
	json_object_set_new(body, "AttachStderr", json_true());
	json_object_set_new(body, "Tty", json_false());
	json_object_set_new(body, "OpenStdin", json_false());
	json_object_set_new(body, "HostConfig", host_config(p, p->host_settings ? &r->rc.hc : NULL));
	return body;
}

/* ---- the engine calls ---- */

static char *
container_path(const struct proc *p, const char *what)
{
	return xasprintf("/containers/%s%s", p->name, what);
}

static int
container_call(struct run *r, const struct proc *p, const char *method, const char *what,
	       json_t **out)
{
	char *path = container_path(p, what);
	int ret = engine_call(r->e, method, path, NULL, out);

	free(path);
	return ret;
}

int
container_inspect(struct run *r, const struct proc *p, json_t **out)
{
	return container_call(r, p, "GET", "/json", out);
}

/* What the container's state says, once it has stopped. */
static void
container_state(struct proc *p, json_t *c)
{
	json_t *st = json_object_get(c, "State");
	const char *s;

	p->exit_code = (int)json_integer_value(json_object_get(st, "ExitCode"));
	p->oom_killed = json_is_true(json_object_get(st, "OOMKilled"));
	free(p->started);
	free(p->finished);
	s = json_string_value(json_object_get(st, "StartedAt"));
	p->started = xstrdup(s ? s : "");
	s = json_string_value(json_object_get(st, "FinishedAt"));
	p->finished = xstrdup(s ? s : "");
}

/* The log stream of the container into out: all of it, or (follow) until
 * it exits; deadline as the request's timeout (0: none). As engine_stream. */
static int
container_logs(struct run *r, const struct proc *p, FILE *out, int follow)
{
	struct engine_demux d = { out, { 0 }, 0, 0, 0 };
	char *path = container_path(p, follow ? "/logs?follow=1&stdout=1&stderr=1"
					      : "/logs?stdout=1&stderr=1");
	int ret = engine_stream(r->e, "GET", path, NULL, 0, NULL, engine_demux_data, &d);

	free(path);
	return ret;
}

/* Follow the logs until the container exits or the time is up. */
static enum proc_wait
container_wait(struct run *r, struct proc *p, long long deadline)
{
	int ret;

	r->e->timeout_ms = deadline ? run_time_left(r, deadline) : 0;
	ret = container_logs(r, p, p->log, 1);
	r->e->timeout_ms = 0;
	if (ret < 0 && r->e->timed_out)
		return PROC_DEADLINE;
	if (ret < 0) {
		run_error(r, "logs");
		return PROC_WAIT_ERROR;
	}
	return PROC_EXITED;
}

/* Kill the container and wait until the engine says so. */
static void
container_kill(struct run *r, struct proc *p)
{
	r->e->timeout_ms = CLEANUP_MS;
	container_call(r, p, "POST", "/kill", NULL);
	container_call(r, p, "POST", "/wait", NULL);
	r->e->timeout_ms = 0;
}

/* Create it, start the sampler, start it. */
static enum outcome
container_start(struct run *r, struct proc *p)
{
	json_t *body = container_create_body(r, p), *c = NULL, *st;
	char *q = engine_escape(r->e, p->name), *path = xasprintf("/containers/create?name=%s", q);
	int f;

	/* From here on a container may exist, even if the reply is lost. */
	p->created = 1;
	f = engine_post_json(r->e, path, body, NULL);
	free(path);
	free(q);
	json_decref(body);
	if (f < 0) {
		run_error(r, "create");
		return OUTCOME_ERROR;
	}
	p->sampler = run_sampler_start(r, p);
	if (!p->sampler)
		return OUTCOME_ERROR;
	if (container_call(r, p, "POST", "/start", NULL) < 0) {
		/* The engine's refusal (no such executable, a bad host config) is the
		 * cell's failure, recorded like an exit code; a lost engine is not. */
		if (r->e->status < 400) {
			run_error(r, "start");
			return OUTCOME_ERROR;
		}
		p->failure = strcmp(p->role, "main") == 0
			? xasprintf("cannot start: %s", engine_error(r->e))
			: xasprintf("cannot start the %s: %s", p->role, engine_error(r->e));
		return OUTCOME_FAILED;
	}
	p->t0_ms = now_ms();
	if (container_inspect(r, p, &c) < 0) {
		run_error(r, "inspect");
		return OUTCOME_ERROR;
	}
	st = json_object_get(c, "State");
	sampler_set_pid(p->sampler, (pid_t)json_integer_value(json_object_get(st, "Pid")));
	/* A short benchmark has exited by now. The engine answers an inspection
	 * only once it has handled the exit (the container's lock), so this one
	 * is final: container_finish need not ask again. */
	if (!json_is_true(json_object_get(st, "Running")) &&
	    !json_is_true(json_object_get(st, "Restarting"))) {
		p->stopped = c;
		c = NULL;
	}
	json_decref(c);
	return OUTCOME_OK;
}

/* After the log stream ended: the container's final state, waiting first in
 * case the engine's state lags the stream. */
static int
container_finish(struct run *r, struct proc *p, long long deadline)
{
	json_t *c = NULL;

	if (p->stopped) {
		container_state(p, p->stopped);
		return 0;
	}
	if (container_inspect(r, p, &c) < 0)
		return run_error(r, "inspect");
	if (json_is_true(json_object_get(json_object_get(c, "State"), "Running"))) {
		json_decref(c);
		c = NULL;
		r->e->timeout_ms = deadline ? run_time_left(r, deadline) : 0;
		if (container_call(r, p, "POST", "/wait", NULL) < 0) {
			if (!r->e->timed_out)
				return run_error(r, "wait");
			p->timed_out = 1;
			container_kill(r, p);
		}
		r->e->timeout_ms = 0;
		if (container_inspect(r, p, &c) < 0)
			return run_error(r, "inspect");
	}
	container_state(p, c);
	json_decref(c);
	return 0;
}

static int
container_running(struct run *r, struct proc *p)
{
	json_t *c = NULL;
	int running;

	if (container_inspect(r, p, &c) < 0)
		return run_error(r, "inspect");
	running = json_is_true(json_object_get(json_object_get(c, "State"), "Running"));
	json_decref(c);
	return running;
}

static int
container_exit_code(struct run *r, struct proc *p, int *code)
{
	json_t *c = NULL;

	if (container_inspect(r, p, &c) < 0)
		return run_error(r, "inspect the %s", p->role);
	*code = (int)json_integer_value(json_object_get(json_object_get(c, "State"), "ExitCode"));
	json_decref(c);
	return 0;
}

static int
container_output(struct run *r, struct proc *p, struct buf *b)
{
	FILE *out;
	char *data = NULL;
	size_t len = 0;
	int ret;

	out = open_memstream(&data, &len);
	if (!out)
		return error("open_memstream:");
	ret = container_logs(r, p, out, 0);
	fclose(out);
	buf_add(b, data, len);
	free(data);
	return ret < 0 ? run_error(r, "%s logs", p->role) : 0;
}

static int
container_ready_exec(struct run *r, struct proc *p, json_t *argv, long long deadline)
{
	long left = (long)(deadline - now_ms());
	int code = -1;

	r->e->timeout_ms = left < 1 ? 1 : left;
	if (engine_exec(r->e, p->name, argv, &code) < 0) {
		r->e->timeout_ms = 0;
		/* The command outliving the deadline is a not-ready, not an error. */
		return r->e->timed_out ? 0 : run_error(r, "ready command");
	}
	r->e->timeout_ms = 0;
	return code == 0;
}

/* POST /stop: the engine sends SIGTERM, and SIGKILL after STOP_S; then the
 * log and the final state. */
static int
container_stop(struct run *r, struct proc *p)
{
	char *path = xasprintf("/containers/%s/stop?t=%d", p->name, STOP_S);
	int ret;

	r->e->timeout_ms = (STOP_S + 30) * 1000L;
	ret = engine_request(r->e, "POST", path, NULL, 0, NULL);
	r->e->timeout_ms = 0;
	free(path);
	if (ret < 0 && r->e->status != 304)
		return run_error(r, "stop the %s", p->role);
	if (container_logs(r, p, p->log, 0) < 0)
		return run_error(r, "%s logs", p->role);
	return container_finish(r, p, 0);
}

/* Removed by name, so one whose create reply was lost goes too. */
static void
container_remove(struct run *r, struct proc *p)
{
	if (!p->created)
		return;
	r->e->timeout_ms = CLEANUP_MS;
	if (engine_container_remove(r->e, p->name) < 0)
		error("run '%s' rep %d: remove container '%s': %s", r->cell, r->rep,
		      p->name, engine_error(r->e));
	r->e->timeout_ms = 0;
	p->created = 0;
}

const struct proc_ops container_ops = {
	.start = container_start,
	.wait = container_wait,
	.kill = container_kill,
	.finish = container_finish,
	.running = container_running,
	.exit_code = container_exit_code,
	.output = container_output,
	.ready_exec = container_ready_exec,
	.stop = container_stop,
	.remove = container_remove,
};
