/* cmd_run_cell.c: `jockey run-cell cells/ID/run.json REP`
 *
 * Runs one repetition of a cell: creates the container under a cgroup parent
 * of jockey's own, starts it, follows its logs (the stream ends when the
 * container exits, so nothing polls), enforces the timeout on that stream,
 * inspects the exit and removes the container. The container is removed on
 * every path, a signal included: SIGINT and SIGTERM only set a flag, which
 * stops the transfer in progress (engine.h's cancel), and the same cleanup
 * runs before jockey exits 130 or 143.
 *
 * Outputs, in cells/ID/REP: log, metrics.tsv and metrics.json, all renamed
 * into place only when the repetition succeeded. A failed one (exit code,
 * timeout, OOM) leaves log.failed and failed.json instead and exits 1, so
 * ninja has no output for it and runs it again next time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "engine.h"
#include "metrics.h"
#include "util.h"

/* How often the sampler reads the cgroup files. */
#define SAMPLE_MS 200
/* How long the cleanup after a timeout or a signal may take per request. */
#define CLEANUP_MS 30000

static volatile sig_atomic_t run_signal;

struct run {
	const char *run_json;  /* cells/ID/run.json */
	json_t *config;        /* its content */
	const char *cell;      /* ID */
	int rep;
	char *dir;             /* cells/ID/REP */
	char *name;            /* the container's name, unique per process */
	char *image_id;        /* from main.image_stamp */
	long timeout_ms;       /* 0: none */
	struct engine *e;
	struct cgparent cg;
	int have_cg;
	struct sampler *sampler;
	char *log_tmp;         /* the log, until it is renamed to log or log.failed */
	char *tsv_tmp;         /* the sampler's series, until renamed to metrics.tsv */
	FILE *log;
	int created;           /* a container may exist: remove it at the end */
	/* What happened. */
	int exit_code;
	int timed_out;
	int oom_killed;
	char *failure;         /* why the engine refused to start it (owned), or NULL */
	char *started, *finished; /* the engine's RFC 3339 times (owned) */
	json_t *summary;       /* the sampler's totals (owned) */
	json_t *info;          /* GET /info, for provenance (owned, may be NULL) */
};

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

static long long
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

static json_t *
host_config(const struct run *r, json_t *hc)
{
	json_t *out = json_object();
	const char *s;
	double cpus = json_number_value(json_object_get(hc, "cpus"));
	json_int_t mem = (json_int_t)json_number_value(json_object_get(hc, "memory"));

	s = json_string_value(json_object_get(hc, "network"));
	json_object_set_new(out, "NetworkMode", json_string(s ? s : "bridge"));
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
	if (r->have_cg)
		json_object_set_new(out, "CgroupParent", json_string(r->cg.name));
	return out;
}

static json_t *
create_body(const struct run *r)
{
	json_t *main_ = json_object_get(r->config, "main"), *body = json_object();
	json_t *cmd = json_object_get(main_, "command"), *labels = json_object();
	char rep[32];

	json_object_set_new(body, "Image", json_string(r->image_id));
	if (json_array_size(cmd) > 0)
		json_object_set(body, "Cmd", cmd);
	json_object_set_new(body, "Env", env_list(json_object_get(main_, "env")));
	json_object_update(labels, json_object_get(r->config, "labels"));
	snprintf(rep, sizeof(rep), "%d", r->rep);
	json_object_set_new(labels, "jockey.rep", json_string(rep));
	json_object_set_new(body, "Labels", labels);
	json_object_set_new(body, "AttachStdin", json_false());
	json_object_set_new(body, "AttachStdout", json_true());
	json_object_set_new(body, "AttachStderr", json_true());
	json_object_set_new(body, "Tty", json_false());
	json_object_set_new(body, "OpenStdin", json_false());
	json_object_set_new(body, "HostConfig", host_config(r, json_object_get(r->config, "hostconfig")));
	return body;
}

/* ---- the engine calls ---- */

static char *
container_path(const struct run *r, const char *what)
{
	return xasprintf("/containers/%s%s", r->name, what);
}

static int
container_call(struct run *r, const char *method, const char *what, json_t **out)
{
	char *path = container_path(r, what);
	int ret = engine_call(r->e, method, path, NULL, out);

	free(path);
	return ret;
}

/* What the container's state says, once it has stopped. */
static void
container_state(struct run *r, json_t *c)
{
	json_t *st = json_object_get(c, "State");

	r->exit_code = (int)json_integer_value(json_object_get(st, "ExitCode"));
	r->oom_killed = json_is_true(json_object_get(st, "OOMKilled"));
	free(r->started);
	free(r->finished);
	r->started = xstrdup(json_string_value(json_object_get(st, "StartedAt")) ?
			     json_string_value(json_object_get(st, "StartedAt")) : "");
	r->finished = xstrdup(json_string_value(json_object_get(st, "FinishedAt")) ?
			      json_string_value(json_object_get(st, "FinishedAt")) : "");
}

/* The time left for a request before the deadline; 0 (no limit) without a
 * timeout. Never 0 once the time is up: that would mean no limit. */
static long
time_left(const struct run *r, long long deadline)
{
	long long left = deadline - now_ms();

	if (!r->timeout_ms)
		return 0;
	return left > 0 ? (long)left : 1;
}

/* A failed engine call; quiet after a signal, whose own message follows. */
static int
run_error(const struct run *r, const char *what)
{
	if (r->e->cancelled)
		return -1;
	return error("run '%s' rep %d: %s: %s", r->cell, r->rep, what, engine_error(r->e));
}

/* Follow the logs until the container exits or the time is up. 0 exited,
 * 1 timed out, -1 error (or a signal). */
static int
container_follow(struct run *r, long long deadline)
{
	struct engine_demux d = { r->log, { 0 }, 0, 0, 0 };
	char *path = container_path(r, "/logs?follow=1&stdout=1&stderr=1");
	int ret;

	r->e->timeout_ms = time_left(r, deadline);
	ret = engine_stream(r->e, "GET", path, NULL, 0, NULL, engine_demux_data, &d);
	r->e->timeout_ms = 0;
	free(path);
	if (ret < 0 && r->e->timed_out)
		return 1;
	return ret;
}

/* The time is up: kill the container and wait until the engine says so. */
static void
container_kill(struct run *r)
{
	r->timed_out = 1;
	r->e->timeout_ms = CLEANUP_MS;
	container_call(r, "POST", "/kill", NULL);
	container_call(r, "POST", "/wait", NULL);
	r->e->timeout_ms = 0;
}

/* Create it, start the sampler, start it. 0, or 1 when the engine refused to
 * start it (r->failure says why), or -1. */
static int
container_start(struct run *r)
{
	json_t *body = create_body(r);
	char *q = engine_escape(r->e, r->name), *path = xasprintf("/containers/create?name=%s", q);
	int f;

	/* From here on a container may exist, even if the reply is lost. */
	r->created = 1;
	f = engine_post_json(r->e, path, body, NULL);
	free(path);
	free(q);
	json_decref(body);
	if (f < 0)
		return run_error(r, "create");
	r->sampler = sampler_start(&r->cg, SAMPLE_MS, r->tsv_tmp);
	if (!r->sampler)
		return -1;
	if (container_call(r, "POST", "/start", NULL) == 0)
		return 0;
	/* The engine's refusal (no such executable, a bad host config) is the
	 * cell's failure, recorded like an exit code; a lost engine is not. */
	if (r->e->status < 400)
		return run_error(r, "start");
	r->failure = xasprintf("cannot start: %s", engine_error(r->e));
	return 1;
}

/* After the log stream ended: the container's final state (*out, a new
 * reference), waiting first in case the engine's state lags the stream. */
static int
container_stopped(struct run *r, long long deadline, json_t **out)
{
	json_t *c = NULL;

	if (container_call(r, "GET", "/json", &c) < 0)
		return run_error(r, "inspect");
	if (!json_is_true(json_object_get(json_object_get(c, "State"), "Running"))) {
		*out = c;
		return 0;
	}
	json_decref(c);
	r->e->timeout_ms = time_left(r, deadline);
	if (container_call(r, "POST", "/wait", NULL) < 0) {
		if (!r->e->timed_out)
			return run_error(r, "wait");
		container_kill(r);
	}
	r->e->timeout_ms = 0;
	if (container_call(r, "GET", "/json", out) < 0)
		return run_error(r, "inspect");
	return 0;
}

static int
container_run(struct run *r)
{
	json_t *c = NULL;
	long long deadline;
	int f;

	f = container_start(r);
	if (f != 0)
		return f < 0 ? -1 : 0;
	/* The benchmark's time starts when it runs, not when its runtime is set up. */
	deadline = now_ms() + r->timeout_ms;
	if (container_call(r, "GET", "/json", &c) < 0)
		return run_error(r, "inspect");
	sampler_set_pid(r->sampler, (pid_t)json_integer_value(json_object_get(json_object_get(c, "State"), "Pid")));
	json_decref(c);
	f = container_follow(r, deadline);
	if (f < 0)
		return run_error(r, "logs");
	if (f == 1)
		container_kill(r);
	if (container_stopped(r, deadline, &c) < 0)
		return -1;
	container_state(r, c);
	json_decref(c);
	return 0;
}

/* Everything the run made, removed whatever happened: the container (by
 * name, so one whose create reply was lost goes too), the sampler, the
 * cgroup parent. */
static void
run_cleanup(struct run *r)
{
	r->e->cancel = NULL;
	if (r->sampler) {
		json_decref(r->summary);
		r->summary = sampler_stop(r->sampler);
		r->sampler = NULL;
	}
	if (r->created) {
		r->e->timeout_ms = CLEANUP_MS;
		if (engine_container_remove(r->e, r->name) < 0)
			error("run '%s' rep %d: remove container '%s': %s", r->cell, r->rep,
			      r->name, engine_error(r->e));
		r->e->timeout_ms = 0;
		r->created = 0;
	}
	if (r->have_cg) {
		cgparent_remove(&r->cg);
		cgparent_release(&r->cg);
		r->have_cg = 0;
	}
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

/* What produced the result. GET /info has it all on Docker and Podman;
 * the kernel falls back to ours (a local engine's), the version to /_ping's
 * Server header. */
static json_t *
provenance(const struct run *r)
{
	json_t *info = r->info, *p;
	const char *kernel = json_string_value(json_object_get(info, "KernelVersion"));
	const char *version = json_string_value(json_object_get(info, "ServerVersion"));
	struct utsname u;
	char *model = cpu_model();

	if (!kernel && uname(&u) == 0)
		kernel = u.release;
	if (!version && r->e->server[0])
		version = r->e->server;
	p = json_pack("{s:s,s:O,s:s,s:s?,s:s,s:s?,s:s,s:O?,s:O?}",
		      "image_id", r->image_id,
		      "image", json_object_get(r->config, "image"),
		      "engine", r->e->endpoint,
		      "engine_version", version,
		      "api_version", r->e->api_version,
		      "kernel", kernel,
		      "cpu_model", model,
		      "os_type", json_object_get(info, "OSType"),
		      "cgroup_driver", json_object_get(info, "CgroupDriver"));
	free(model);
	return p;
}

static double
elapsed_s(const struct run *r)
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
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *p = rep_file(r, name);
	int ret;

	if (!text)
		fatal("out of memory");
	ret = write_file_atomic(p, text, strlen(text));
	free(text);
	free(p);
	return ret;
}

static char *
failure_reason(const struct run *r)
{
	if (r->failure)
		return xstrdup(r->failure);
	if (r->timed_out)
		return xasprintf("timeout after %gs", r->timeout_ms / 1000.0);
	if (r->oom_killed)
		return xstrdup("oom killed");
	return xasprintf("exit code %d", r->exit_code);
}

static int
write_failure(struct run *r)
{
	char *reason = failure_reason(r);
	json_t *j;
	int ret;

	unlink_rep_file(r, "log");
	unlink_rep_file(r, "metrics.json");
	unlink_rep_file(r, "metrics.tsv");
	unlink(r->tsv_tmp);
	rename_rep_file(r, r->log_tmp, "log.failed");
	/* exit_code is null when the container never ran. */
	j = json_pack("{s:i,s:s,s:i,s:s,s:o,s:b,s:b,s:s,s:s,s:f,s:s}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "reason", reason,
		      "exit_code", r->failure ? json_null() : json_integer(r->exit_code),
		      "timed_out", r->timed_out,
		      "oom_killed", r->oom_killed, "started", r->started ? r->started : "",
		      "finished", r->finished ? r->finished : "", "elapsed_s", elapsed_s(r),
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
	json_t *j;
	int ret;

	j = json_pack("{s:i,s:s,s:i,s:i,s:b,s:b,s:s,s:s,s:f,s:O?,s:o}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "exit_code", r->exit_code,
		      "timed_out", 0, "oom_killed", 0, "started", r->started,
		      "finished", r->finished, "elapsed_s", elapsed_s(r),
		      "metrics", r->summary, "provenance", provenance(r));
	if (rename_rep_file(r, r->tsv_tmp, "metrics.tsv") < 0 ||
	    rename_rep_file(r, r->log_tmp, "log") < 0) {
		json_decref(j);
		return -1;
	}
	ret = write_json(r, "metrics.json", j);
	json_decref(j);
	unlink_rep_file(r, "failed.json");
	unlink_rep_file(r, "log.failed");
	return ret;
}

/* ---- loading ---- */

static int
run_load(struct run *r, const char *run_json, const char *rep)
{
	json_t *main_;
	const char *stamp, *slash;
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
	if (json_object_get(r->config, "server") || json_object_get(r->config, "client"))
		return error("cell '%s': server/client pairs are not supported yet", r->cell);
	if (json_is_true(json_object_get(r->config, "native")))
		return error("cell '%s': native runs are not supported yet", r->cell);
	main_ = json_object_get(r->config, "main");
	stamp = engine_config_str(main_, "image_stamp");
	if (!stamp)
		return error("%s: no \"main\".\"image_stamp\"", run_json);
	r->image_id = engine_stamp_read(stamp);
	if (!r->image_id)
		return -1;
	r->timeout_ms = (long)json_number_value(json_object_get(r->config, "timeout_ms"));
	slash = strrchr(run_json, '/');
	r->dir = slash ? xasprintf("%.*s/%d", (int)(slash - run_json), run_json, r->rep)
		       : xasprintf("%d", r->rep);
	r->name = xasprintf("jockey-%s-%d-%ld", r->cell, r->rep, (long)getpid());
	r->log_tmp = xasprintf("%s/log.tmp.%ld", r->dir, (long)getpid());
	r->tsv_tmp = xasprintf("%s/metrics.tsv.tmp.%ld", r->dir, (long)getpid());
	return 0;
}

static void
run_release(struct run *r)
{
	if (r->log)
		fclose(r->log);
	if (r->log_tmp)
		unlink(r->log_tmp);
	if (r->tsv_tmp)
		unlink(r->tsv_tmp);
	json_decref(r->summary);
	json_decref(r->info);
	json_decref(r->config);
	engine_free(r->e);
	free(r->started);
	free(r->finished);
	free(r->failure);
	free(r->log_tmp);
	free(r->tsv_tmp);
	free(r->name);
	free(r->image_id);
	free(r->dir);
}

/* Everything before the container: the engine, the folder, the log file,
 * the cgroup parent. */
static int
run_prepare(struct run *r)
{
	char *cgname;

	r->e = engine_open(engine_config_str(r->config, "engine"));
	if (!r->e)
		return -1;
	r->e->cancel = &run_signal;
	if (engine_get_json(r->e, "/info", &r->info) < 0)
		return error("run '%s' rep %d: %s", r->cell, r->rep, engine_error(r->e));
	if (mkdirs(r->dir) < 0)
		return -1;
	r->log = fopen(r->log_tmp, "w");
	if (!r->log)
		return error("open '%s':", r->log_tmp);
	cgname = xasprintf("jockey-%s-%d-%ld", r->cell, r->rep, (long)getpid());
	if (cgparent_create(&r->cg, cgname) < 0) {
		free(cgname);
		return -1;
	}
	free(cgname);
	r->have_cg = 1;
	return 0;
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
	     container_run(&r) == 0;
	if (r.e)
		run_cleanup(&r);
	if (r.log && fclose(r.log) != 0) {
		r.log = NULL;
		ok = ok && error("write '%s':", r.log_tmp) == 0;
	}
	r.log = NULL;
	if (run_signal) {
		warn("run '%s' rep %d: interrupted; the container is removed", r.cell, r.rep);
		run_release(&r);
		return 128 + run_signal;
	}
	failed = ok && (r.failure || r.exit_code != 0 || r.timed_out || r.oom_killed);
	if (ok && failed)
		write_failure(&r);
	else if (ok && write_success(&r) < 0)
		ok = 0;
	run_release(&r);
	return ok && !failed ? EXIT_OK : EXIT_RUNTIME;
}
