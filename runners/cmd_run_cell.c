/* cmd_run_cell.c: `jockey run-cell cells/ID/run.json REP`
 *
 * Runs one repetition of a cell. A plain cell is one container (or, on a
 * native host, one chrooted process: native.c); a pair is a server and a
 * client (pair.c). Each side runs under a cgroup parent of jockey's own;
 * a container's logs are followed (the stream ends when it exits, so
 * nothing polls) and the timeout is enforced on that stream. Everything made
 * is removed on every path, a signal included: SIGINT and SIGTERM only set a
 * flag, which stops the transfer or wait in progress (engine.h's cancel), and
 * the same cleanup runs before jockey exits 130 or 143.
 *
 * Outputs, in cells/ID/REP: log, metrics.tsv and metrics.json, all renamed
 * into place only when the repetition succeeded (a pair adds server.log and
 * server-metrics.tsv). A failed one (exit code, timeout, OOM, a server that
 * never became ready) leaves log.failed and failed.json instead and exits 1,
 * so ninja has no output for it and runs it again next time.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "gen/commands.h"
#include "runners/run/engine.h"
#include "runners/run/metrics.h"
#include "runners/run/run.h"
#include "base/util.h"

volatile sig_atomic_t run_signal;

static void
on_signal(int sig)
{
	run_signal = sig;
}

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking call returns EINTR and the flag is seen. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

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
binds_list(json_t *volumes)
{
	json_t *list = json_array(), *v;
	size_t i;

	json_array_foreach(volumes, i, v) {
		const char *src = json_string_value(json_object_get(v, "source"));
		const char *dst = json_string_value(json_object_get(v, "target"));
		char *b;

		if (!src || !dst)
			continue;
		b = xasprintf("%s:%s%s", src, dst,
			      json_is_true(json_object_get(v, "readonly")) ? ":ro" : "");
		json_array_append_new(list, json_string(b));
		free(b);
	}
	return list;
}

static json_t *
ulimits_list(json_t *ulimits)
{
	json_t *list = json_array(), *u;
	size_t i;

	json_array_foreach(ulimits, i, u)
		json_array_append_new(list, json_pack("{s:O?,s:O?,s:O?}",
			"Name", json_object_get(u, "name"),
			"Soft", json_object_get(u, "soft"),
			"Hard", json_object_get(u, "hard")));
	return list;
}

/* hc: the host config when it applies to this side, else NULL (the
 * engine's defaults). */
static json_t *
host_config(const struct proc *p, json_t *hc)
{
	json_t *out = json_object();
	const char *s;
	double cpus = json_number_value(json_object_get(hc, "cpus"));
	json_int_t mem = (json_int_t)json_number_value(json_object_get(hc, "memory"));

	json_object_set_new(out, "NetworkMode", json_string(p->net_mode));
	if ((s = json_string_value(json_object_get(hc, "cpuset"))))
		json_object_set_new(out, "CpusetCpus", json_string(s));
	if (cpus > 0)
		json_object_set_new(out, "NanoCpus", json_integer((json_int_t)(cpus * 1e9 + 0.5)));
	if (mem > 0) {
		/* No swap on top: a benchmark over its limit is OOM killed, not slowed. */
		json_object_set_new(out, "Memory", json_integer(mem));
		json_object_set_new(out, "MemorySwap", json_integer(mem));
	}
	if ((s = json_string_value(json_object_get(hc, "runtime"))))
		json_object_set_new(out, "Runtime", json_string(s));
	json_object_set_new(out, "Binds", binds_list(json_object_get(hc, "volumes")));
	json_object_set_new(out, "Privileged", json_boolean(json_is_true(json_object_get(hc, "privileged"))));
	if (json_object_size(json_object_get(hc, "sysctls")) > 0)
		json_object_set(out, "Sysctls", json_object_get(hc, "sysctls"));
	json_object_set_new(out, "Ulimits", ulimits_list(json_object_get(hc, "ulimits")));
	if (p->have_cg)
		json_object_set_new(out, "CgroupParent", json_string(p->cg.name));
	return out;
}

static json_t *
create_body(const struct run *r, const struct proc *p)
{
	json_t *body = json_object(), *cmd = json_object_get(p->side, "command");
	json_t *labels = json_object(), *hc = json_object_get(r->config, "hostconfig");
	char rep[32];

	json_object_set_new(body, "Image", json_string(p->image_id));
	if (json_array_size(cmd) > 0)
		json_object_set(body, "Cmd", cmd);
	json_object_set_new(body, "Env", env_list(json_object_get(p->side, "env")));
	json_object_update(labels, json_object_get(r->config, "labels"));
	snprintf(rep, sizeof(rep), "%d", r->rep);
	json_object_set_new(labels, "jockey.rep", json_string(rep));
	json_object_set_new(labels, "jockey.role", json_string(p->role));
	json_object_set_new(body, "Labels", labels);
	json_object_set_new(body, "AttachStdin", json_false());
	json_object_set_new(body, "AttachStdout", json_true());
	json_object_set_new(body, "AttachStderr", json_true());
	json_object_set_new(body, "Tty", json_false());
	json_object_set_new(body, "OpenStdin", json_false());
	json_object_set_new(body, "HostConfig", host_config(p, p->host_settings ? hc : NULL));
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

/* The time left for a request before the deadline; 0 (no limit) without a
 * timeout. Never 0 once the time is up: that would mean no limit. */
long
run_time_left(const struct run *r, long long deadline)
{
	long long left = deadline - now_ms();

	if (!r->timeout_ms && !deadline)
		return 0;
	return left > 0 ? (long)left : 1;
}

int
run_error(const struct run *r, const char *what)
{
	if (r->e->cancelled || run_signal)
		return -1;
	return error("run '%s' rep %d: %s: %s", r->cell, r->rep, what, engine_error(r->e));
}

/* Follow the logs until the container exits or the time is up. 0 exited,
 * 1 timed out, -1 error (or a signal). */
static int
container_follow(struct run *r, struct proc *p, long long deadline)
{
	struct engine_demux d = { p->log, { 0 }, 0, 0, 0 };
	char *path = container_path(p, "/logs?follow=1&stdout=1&stderr=1");
	int ret;

	r->e->timeout_ms = deadline ? run_time_left(r, deadline) : 0;
	ret = engine_stream(r->e, "GET", path, NULL, 0, NULL, engine_demux_data, &d);
	r->e->timeout_ms = 0;
	free(path);
	if (ret < 0 && r->e->timed_out)
		return 1;
	if (ret < 0)
		return run_error(r, "logs");
	return 0;
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

/* Create it, start the sampler, start it. As proc_start. */
static int
container_start(struct run *r, struct proc *p)
{
	json_t *body = create_body(r, p), *c = NULL, *st;
	char *q = engine_escape(r->e, p->name), *path = xasprintf("/containers/create?name=%s", q);
	int f;

	/* From here on a container may exist, even if the reply is lost. */
	p->created = 1;
	f = engine_post_json(r->e, path, body, NULL);
	free(path);
	free(q);
	json_decref(body);
	if (f < 0)
		return run_error(r, "create");
	p->sampler = sampler_start(&p->cg, SAMPLE_MS, p->tsv_tmp);
	if (!p->sampler)
		return -1;
	if (container_call(r, p, "POST", "/start", NULL) < 0) {
		/* The engine's refusal (no such executable, a bad host config) is the
		 * cell's failure, recorded like an exit code; a lost engine is not. */
		if (r->e->status < 400)
			return run_error(r, "start");
		p->failure = strcmp(p->role, "main") == 0
			? xasprintf("cannot start: %s", engine_error(r->e))
			: xasprintf("cannot start the %s: %s", p->role, engine_error(r->e));
		return 1;
	}
	p->t0_ms = now_ms();
	if (container_inspect(r, p, &c) < 0)
		return run_error(r, "inspect");
	st = json_object_get(c, "State");
	sampler_set_pid(p->sampler, (pid_t)json_integer_value(json_object_get(st, "Pid")));
	/* A short benchmark has exited by now. The engine answers an inspection
	 * only once it has handled the exit (the container's lock), so this one
	 * is final: container_stopped need not ask again. */
	if (!json_is_true(json_object_get(st, "Running")) &&
	    !json_is_true(json_object_get(st, "Restarting"))) {
		p->stopped = c;
		c = NULL;
	}
	json_decref(c);
	return 0;
}

/* After the log stream ended: the container's final state, waiting first in
 * case the engine's state lags the stream. */
static int
container_stopped(struct run *r, struct proc *p, long long deadline)
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

/* ---- a side's life cycle, container or native ---- */

int
proc_start(struct run *r, struct proc *p)
{
	return p->native ? native_start(r, p) : container_start(r, p);
}

int
proc_wait(struct run *r, struct proc *p, long long deadline)
{
	return p->native ? native_wait(r, p, deadline) : container_follow(r, p, deadline);
}

void
proc_kill(struct run *r, struct proc *p)
{
	p->timed_out = 1;
	if (p->native)
		native_kill(p);
	else
		container_kill(r, p);
}

int
proc_finish(struct run *r, struct proc *p, long long deadline)
{
	/* A native process's state is known once it is reaped. */
	return p->native ? 0 : container_stopped(r, p, deadline);
}

int
proc_running(struct run *r, struct proc *p)
{
	json_t *c = NULL;
	int running;

	if (p->native)
		return native_running(p);
	if (container_inspect(r, p, &c) < 0)
		return run_error(r, "inspect");
	running = json_is_true(json_object_get(json_object_get(c, "State"), "Running"));
	json_decref(c);
	return running;
}

void
proc_cleanup(struct run *r, struct proc *p)
{
	if (p->native && p->pid > 0)
		native_kill(p);
	if (p->sampler) {
		json_decref(p->summary);
		p->summary = sampler_stop(p->sampler);
		p->sampler = NULL;
	}
	if (p->created) {
		r->e->timeout_ms = CLEANUP_MS;
		if (engine_container_remove(r->e, p->name) < 0)
			error("run '%s' rep %d: remove container '%s': %s", r->cell, r->rep,
			      p->name, engine_error(r->e));
		r->e->timeout_ms = 0;
		p->created = 0;
	}
	if (p->have_cg) {
		cgparent_remove(&p->cg);
		cgparent_release(&p->cg);
		p->have_cg = 0;
	}
}

int
proc_run(struct run *r, struct proc *p)
{
	long long deadline;
	int f;

	f = proc_start(r, p);
	if (f != 0)
		return f < 0 ? -1 : 0;
	/* The benchmark's time starts when it runs, not when its runtime is set up. */
	deadline = r->timeout_ms ? now_ms() + r->timeout_ms : 0;
	f = proc_wait(r, p, deadline);
	if (f < 0)
		return -1;
	if (f == 1)
		proc_kill(r, p);
	return proc_finish(r, p, deadline);
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

/* ---- GET /info, beside the removal ---- */

/* /info is provenance only, and the engine takes ~8 ms to answer it (more
 * on a busy engine): it is asked on a connection of its own (r->info_e)
 * while the containers are removed, so that it is off the critical path,
 * and not while the benchmark runs, so that it does not disturb it. */
static void *
info_main(void *arg)
{
	struct run *r = arg;

	r->info_rc = engine_get_json(r->info_e, "/info", &r->info);
	return NULL;
}

static int
info_end(struct run *r)
{
	int rc = r->info_rc;

	if (rc < 0 && !run_signal && !r->info_e->cancelled)
		error("run '%s' rep %d: %s", r->cell, r->rep, engine_error(r->info_e));
	engine_free(r->info_e);
	r->info_e = NULL;
	return rc;
}

static int
info_begin(struct run *r)
{
	sigset_t all, old;
	int rc;

	r->info_e = engine_dup(r->e);
	if (!r->info_e)
		return -1;
	/* Signals are the main thread's; the copy shares r->e's cancel flag, so
	 * a signal stops this transfer too. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->info_thread, NULL, info_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 0;
	info_main(r);
	return info_end(r);
}

/* Wait for /info; a no-op when it was not asked. 0, or -1 with a message. */
static int
info_join(struct run *r)
{
	if (!r->info_e)
		return 0;
	pthread_join(r->info_thread, NULL);
	return info_end(r);
}

/* ---- the outputs ---- */

/* RFC 3339 with nanoseconds -> seconds and nanoseconds since the epoch
 * (kept apart: a double of the whole would lose the nanoseconds). */
static int
rfc3339_parse(const char *s, long long *sec, long *nsec)
{
	struct tm tm;
	long scale = 1000000000L;
	int n = 0, off = 0, h = 0, m = 0;

	memset(&tm, 0, sizeof(tm));
	*nsec = 0;
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	s += n;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (scale > 1) {
				scale /= 10;
				*nsec += (*s - '0') * scale;
			}
	/* The engine reports UTC ("Z"); an offset would be unusual but is honoured. */
	if ((*s == '+' || *s == '-') && sscanf(s + 1, "%d:%d", &h, &m) >= 1)
		off = (*s == '+' ? 1 : -1) * (h * 3600 + m * 60);
	*sec = (long long)timegm(&tm) - off;
	return 0;
}

static char *
cpu_model(void)
{
	char *data, *p, *model = NULL;

	if (read_file("/proc/cpuinfo", &data, NULL) < 0)
		return xstrdup("unknown");
	p = strstr(data, "model name");
	if (p && (p = strchr(p, ':'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		model = xstrndup(p, strcspn(p, "\n"));
	}
	free(data);
	return model ? model : xstrdup("unknown");
}

/* The engine runs on this machine: a unix socket, or TCP to a loopback
 * address. Only then is our /proc/cpuinfo its CPU's. */
static int
engine_local(const struct engine *e)
{
	const char *h = strstr(e->base_url, "://");

	if (e->socket_path)
		return 1;
	h = h ? h + 3 : e->base_url;
	return strncmp(h, "localhost", 9) == 0 || strncmp(h, "127.", 4) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

/* What produced the result. GET /info has it all on Docker and Podman;
 * the kernel falls back to ours (a local engine's), the version to /_ping's
 * Server header. /info names no CPU model: it is ours for a local engine,
 * null for a remote one, whose machine ncpu, mem_total_bytes, architecture
 * and operating_system (all from /info) describe. */
static json_t *
provenance(const struct run *r)
{
	json_t *info = r->info, *p;
	const char *kernel = json_string_value(json_object_get(info, "KernelVersion"));
	const char *version = json_string_value(json_object_get(info, "ServerVersion"));
	struct utsname u;
	char *model = engine_local(r->e) ? cpu_model() : NULL;

	if (!kernel && uname(&u) == 0)
		kernel = u.release;
	if (!version && r->e->server[0])
		version = r->e->server;
	p = json_pack("{s:s,s:O,s:s,s:s?,s:s,s:s?,s:s?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}",
		      "image_id", r->main.image_id,
		      "image", json_object_get(r->config, "image"),
		      "engine", r->e->endpoint,
		      "engine_version", version,
		      "api_version", r->e->api_version,
		      "kernel", kernel,
		      "cpu_model", model,
		      "os_type", json_object_get(info, "OSType"),
		      "cgroup_driver", json_object_get(info, "CgroupDriver"),
		      "engine_host", json_object_get(info, "Name"),
		      "operating_system", json_object_get(info, "OperatingSystem"),
		      "architecture", json_object_get(info, "Architecture"),
		      "ncpu", json_object_get(info, "NCPU"),
		      "mem_total_bytes", json_object_get(info, "MemTotal"));
	free(model);
	if (r->pair)
		json_object_set_new(p, "server_image_id", json_string(r->server.image_id));
	json_object_set_new(p, "native", json_boolean(r->main.native));
	return p;
}

static double
elapsed_s(const struct proc *r)
{
	long long s, f;
	long sn, fn;
	double d;

	if (rfc3339_parse(r->started, &s, &sn) < 0 || rfc3339_parse(r->finished, &f, &fn) < 0)
		return 0;
	d = (double)(f - s) + (fn - sn) / 1e9;
	return d > 0 ? d : 0;
}

static char *
rep_file(const struct run *r, const char *name)
{
	return xasprintf("%s/%s", r->dir, name);
}

static void
unlink_rep_file(const struct run *r, const char *name)
{
	char *p = rep_file(r, name);

	if (unlink(p) < 0 && errno != ENOENT)
		warn("remove '%s':", p);
	free(p);
}

static int
rename_rep_file(const struct run *r, const char *tmp, const char *name)
{
	char *p = rep_file(r, name);
	int ret = 0;

	if (rename(tmp, p) < 0)
		ret = error("rename '%s' to '%s':", tmp, p);
	free(p);
	return ret;
}

static int
write_json(const struct run *r, const char *name, json_t *j)
{
	char *p = rep_file(r, name);
	int ret = json_write_path(p, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0);

	free(p);
	return ret;
}

static char *
failure_reason(const struct run *r)
{
	const struct proc *p = &r->main;

	if (r->failure)
		return xstrdup(r->failure);
	if (p->failure)
		return xstrdup(p->failure);
	if (p->timed_out)
		return xasprintf("timeout after %gs", r->timeout_ms / 1000.0);
	if (p->oom_killed)
		return xstrdup("oom killed");
	return xasprintf("exit code %d", p->exit_code);
}

/* A pair's server log and series: kept whatever happened (the server's log
 * says why it never became ready), not ninja outputs. */
static void
server_outputs(struct run *r)
{
	if (!r->pair)
		return;
	if (r->server.log_tmp && path_exists(r->server.log_tmp))
		rename_rep_file(r, r->server.log_tmp, "server.log");
	if (r->server.tsv_tmp && path_exists(r->server.tsv_tmp))
		rename_rep_file(r, r->server.tsv_tmp, "server-metrics.tsv");
}

static int
write_failure(struct run *r)
{
	char *reason = failure_reason(r);
	const struct proc *p = &r->main;
	int never_ran = r->failure || p->failure;
	json_t *j;
	int ret;

	unlink_rep_file(r, "log");
	unlink_rep_file(r, "metrics.json");
	unlink_rep_file(r, "metrics.tsv");
	unlink(p->tsv_tmp);
	rename_rep_file(r, p->log_tmp, "log.failed");
	server_outputs(r);
	/* exit_code is null when the benchmark never ran. */
	j = json_pack("{s:i,s:s,s:i,s:s,s:o,s:b,s:b,s:s,s:s,s:f,s:s}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "reason", reason,
		      "exit_code", never_ran ? json_null() : json_integer(p->exit_code),
		      "timed_out", p->timed_out,
		      "oom_killed", p->oom_killed, "started", p->started ? p->started : "",
		      "finished", p->finished ? p->finished : "", "elapsed_s", elapsed_s(p),
		      "log", "log.failed");
	ret = write_json(r, "failed.json", j);
	json_decref(j);
	error("cell '%s' rep %d failed: %s (log: %s/log.failed)", r->cell, r->rep, reason, r->dir);
	free(reason);
	return ret;
}

static int
write_success(struct run *r)
{
	const struct proc *p = &r->main;
	json_t *j;
	int ret;

	j = json_pack("{s:i,s:s,s:i,s:i,s:b,s:b,s:s,s:s,s:f,s:O?,s:o}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "exit_code", p->exit_code,
		      "timed_out", 0, "oom_killed", 0, "started", p->started,
		      "finished", p->finished, "elapsed_s", elapsed_s(p),
		      "metrics", p->summary, "provenance", provenance(r));
	if (r->pair) {
		/* "metrics" stays the client's, so parse and aggregate read a
		 * pair as they read a plain cell. */
		json_object_set(j, "server_metrics", r->server.summary);
		json_object_set_new(j, "server", json_pack("{s:s,s:s,s:f}",
			"started", r->server.started ? r->server.started : "",
			"finished", r->server.finished ? r->server.finished : "",
			"elapsed_s", elapsed_s(&r->server)));
	}
	if (rename_rep_file(r, p->tsv_tmp, "metrics.tsv") < 0 ||
	    rename_rep_file(r, p->log_tmp, "log") < 0) {
		json_decref(j);
		return -1;
	}
	server_outputs(r);
	ret = write_json(r, "metrics.json", j);
	json_decref(j);
	unlink_rep_file(r, "failed.json");
	unlink_rep_file(r, "log.failed");
	return ret;
}

/* ---- loading ---- */

/* One side from run.json's "main", "server" or "client". */
static int
proc_load(struct run *r, struct proc *p, const char *role, int host_settings)
{
	const char *stamp;

	p->role = role;
	p->pidfd = -1;
	p->side = json_object_get(r->config, role);
	if (!json_is_object(p->side))
		return error("%s: no \"%s\"", r->run_json, role);
	stamp = engine_config_str(p->side, "image_stamp");
	if (!stamp)
		return error("%s: no \"%s\".\"image_stamp\"", r->run_json, role);
	p->image_id = engine_stamp_read(stamp);
	if (!p->image_id)
		return -1;
	p->host_settings = host_settings;
	p->native = host_settings && json_is_true(json_object_get(r->config, "native"));
	if (p->native)
		p->net_mode = "host";
	else if (host_settings)
		p->net_mode = engine_config_str(json_object_get(r->config, "hostconfig"), "network");
	if (!p->net_mode)
		p->net_mode = "bridge";
	p->name = xasprintf("jockey-%s-%d-%ld%s%s", r->cell, r->rep, (long)getpid(),
			    strcmp(role, "main") ? "-" : "", strcmp(role, "main") ? role : "");
	if (strcmp(role, "server") == 0) {
		p->log_tmp = xasprintf("%s/server.log.tmp.%ld", r->dir, (long)getpid());
		p->tsv_tmp = xasprintf("%s/server-metrics.tsv.tmp.%ld", r->dir, (long)getpid());
	} else {
		p->log_tmp = xasprintf("%s/log.tmp.%ld", r->dir, (long)getpid());
		p->tsv_tmp = xasprintf("%s/metrics.tsv.tmp.%ld", r->dir, (long)getpid());
	}
	return 0;
}

static int
run_load(struct run *r, const char *run_json, const char *rep)
{
	const char *slash, *apply;
	char *end;
	long n;

	r->run_json = run_json;
	n = strtol(rep, &end, 10);
	if (*rep == '\0' || *end != '\0' || n < 1 || n > 100000)
		return error("repetition '%s' is not a number from 1", rep);
	r->rep = (int)n;
	r->config = engine_config_load(run_json);
	if (!r->config)
		return -1;
	r->cell = engine_config_str(r->config, "cell");
	if (!r->cell)
		return error("%s: no \"cell\"", run_json);
	r->timeout_ms = (long)json_number_value(json_object_get(r->config, "timeout_ms"));
	slash = strrchr(run_json, '/');
	r->dir = slash ? xasprintf("%.*s/%d", (int)(slash - run_json), run_json, r->rep)
		       : xasprintf("%d", r->rep);
	r->pair = json_object_get(r->config, "server") || json_object_get(r->config, "client");
	if (!r->pair)
		return proc_load(r, &r->main, "main", 1);
	apply = engine_config_str(r->config, "apply_to");
	if (!apply)
		apply = "both";
	if (proc_load(r, &r->server, "server", strcmp(apply, "client") != 0) < 0)
		return -1;
	return proc_load(r, &r->main, "client", strcmp(apply, "server") != 0);
}

static void
proc_release(struct proc *p)
{
	if (p->log)
		fclose(p->log);
	if (p->log_tmp)
		unlink(p->log_tmp);
	if (p->tsv_tmp)
		unlink(p->tsv_tmp);
	json_decref(p->summary);
	json_decref(p->stopped);
	free(p->started);
	free(p->finished);
	free(p->failure);
	free(p->log_tmp);
	free(p->tsv_tmp);
	free(p->name);
	free(p->image_id);
	native_free(p->nat);
}

static void
run_release(struct run *r)
{
	proc_release(&r->main);
	proc_release(&r->server);
	json_decref(r->info);
	json_decref(r->config);
	engine_free(r->e);
	free(r->network);
	free(r->failure);
	free(r->dir);
}

/* A side's log file and cgroup parent. */
static int
proc_prepare(struct proc *p)
{
	p->log = fopen(p->log_tmp, "w");
	if (!p->log)
		return error("open '%s':", p->log_tmp);
	if (cgparent_create(&p->cg, p->name) < 0)
		return -1;
	p->have_cg = 1;
	return 0;
}

/* Everything before the containers: the engine, the folder, the log files,
 * the cgroup parents. */
static int
run_prepare(struct run *r)
{
	r->e = engine_open(engine_config_str(r->config, "engine"));
	if (!r->e)
		return -1;
	r->e->cancel = &run_signal;
	if (engine_negotiate(r->e) < 0)
		return error("run '%s' rep %d: %s", r->cell, r->rep, engine_error(r->e));
	if (mkdirs(r->dir) < 0)
		return -1;
	if (r->pair && proc_prepare(&r->server) < 0)
		return -1;
	if (proc_prepare(&r->main) < 0)
		return -1;
	if (r->pair && r->server.native && native_prepare(r, &r->server) < 0)
		return -1;
	return r->main.native ? native_prepare(r, &r->main) : 0;
}

/* Close a side's log, reporting a write error. */
static int
proc_close_log(struct proc *p)
{
	int ret = 0;

	if (p->log && fclose(p->log) != 0)
		ret = error("write '%s':", p->log_tmp);
	p->log = NULL;
	return ret;
}

static int
run_failed(const struct run *r)
{
	const struct proc *p = &r->main;

	return r->failure || p->failure || p->exit_code != 0 || p->timed_out || p->oom_killed;
}

int
cmd_run_cell(int argc, char **argv)
{
	struct run r;
	int ok, failed;

	if (argc != 3)
		usage("%s", command_usage("run-cell"));
	memset(&r, 0, sizeof(r));
	signals_install();
	ok = run_load(&r, argv[1], argv[2]) == 0 && run_prepare(&r) == 0 &&
	     (r.pair ? pair_run(&r) : proc_run(&r, &r.main)) == 0;
	/* Provenance is asked for only when the repetition succeeded, while its
	 * containers are removed. */
	if (ok && !run_signal && !run_failed(&r) && info_begin(&r) < 0)
		ok = 0;
	if (r.e)
		run_cleanup(&r);
	if (info_join(&r) < 0)
		ok = 0;
	if (proc_close_log(&r.main) < 0 || proc_close_log(&r.server) < 0)
		ok = 0;
	if (run_signal) {
		warn("run '%s' rep %d: interrupted; its containers and network are removed",
		     r.cell, r.rep);
		run_release(&r);
		return 128 + run_signal;
	}
	failed = ok && run_failed(&r);
	if (ok && failed)
		write_failure(&r);
	else if (ok && write_success(&r) < 0)
		ok = 0;
	run_release(&r);
	return ok && !failed ? EXIT_OK : EXIT_RUNTIME;
}
