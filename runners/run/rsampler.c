/* rsampler.c: the cgroup sampler of a remote engine, a container on that
 * engine's host; see rsampler.h and runners/sampler/main.c (the program and
 * what it prints).
 *
 * Its image, jockey/sampler:HASH (HASH: the binary's), holds only the static
 * binary: built through the engine from a two-file tar context (FROM
 * scratch), so that it needs no registry and works on an offline engine.
 * The requests: GET /info (architecture, rootless), the image's inspection
 * (a build the first time), create, start, the log stream (in a thread of
 * its own, on a second connection), and at the end kill (SIGTERM) and remove.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/util.h"
#include "runners/run/rsampler.h"

/* Where the host's cgroup file system is bound in the sampler's container. */
#define ROOT "/host/cgroup"
/* How long the sampler may take to start, and to send its final reading. */
#define START_MS 60000
#define STOP_MS 10000

struct rsampler {
	char *name;            /* its container's */
	struct engine *es;     /* the log stream's connection (the thread's) */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	int ready, done, ended;
	struct rsampler_host host;
	struct rsampler_end end;
	char *error;           /* its "error" line, or NULL */
	/* the thread's */
	FILE *tsv;
	struct buf line;
};

/* ---- the image ---- */

static char *
sampler_binary(void)
{
	const char *env = getenv("JOCKEY_SAMPLER");
	char self[4096], *slash;
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return xstrdup("jockey-sampler");
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	return xasprintf("%s/jockey-sampler", self);
}

/* One file of a ustar archive. */
static void
tar_add(struct buf *tar, const char *name, const char *data, size_t len, int mode)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;
	size_t i;

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011zo", len);
	snprintf((char *)h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	buf_add(tar, (const char *)h, 512);
	buf_add(tar, data, len);
	memset(h, 0, sizeof(h));
	if (len % 512)
		buf_add(tar, (const char *)h, 512 - len % 512);
}

/* jockey/sampler:HASH on the engine, built there unless it is. */
static char *
sampler_image(struct engine *e, char **why)
{
	static const char dockerfile[] = "FROM scratch\nCOPY jockey-sampler /jockey-sampler\n"
					 "ENTRYPOINT [\"/jockey-sampler\"]\n";
	char *bin = sampler_binary(), *data = NULL, *tag = NULL, *q, *path;
	struct buf tar = BUF_INIT;
	unsigned char zero[1024] = { 0 };
	size_t len;
	int r;

	if (access(bin, R_OK) < 0 || read_file(bin, &data, &len) < 0) {
		*why = xasprintf("the sampler image cannot be built: cannot read '%s': %s", bin, strerror(errno));
		goto out;
	}
	tag = xasprintf("jockey/sampler:%016llx", (unsigned long long)hash_bytes(HASH_INIT, data, len));
	r = engine_image_inspect(e, tag, NULL);
	if (r == 0)
		goto out;
	tar_add(&tar, "Dockerfile", dockerfile, sizeof(dockerfile) - 1, 0644);
	tar_add(&tar, "jockey-sampler", data, len, 0755);
	buf_add(&tar, (const char *)zero, sizeof(zero));
	q = engine_escape(e, tag);
	path = xasprintf("/build?t=%s&rm=1&forcerm=1", q);
	r = r < 0 ? -1 : engine_stream_json(e, "POST", path, tar.data, tar.len, "application/x-tar", NULL, NULL);
	free(path);
	free(q);
	if (r < 0) {
		*why = xasprintf("the sampler image cannot be built on the engine: %s", engine_error(e));
		free(tag);
		tag = NULL;
	}
out:
	buf_release(&tar);
	free(data);
	free(bin);
	return tag;
}

/* Why the engine's host cannot be sampled as this sampler does, or NULL. */
static char *
host_refusal(struct engine *e)
{
	json_t *info = NULL, *o;
	const char *arch;
	struct utsname u;
	char *why = NULL;
	size_t i;

	if (engine_get_json(e, "/info", &info) < 0)
		return xasprintf("cannot ask the engine about its host: %s", engine_error(e));
	arch = json_string_value(json_object_get(info, "Architecture"));
	json_array_foreach(json_object_get(info, "SecurityOptions"), i, o)
		if (json_is_string(o) && strstr(json_string_value(o), "name=rootless"))
			why = xstrdup("the engine is rootless: its containers' cgroups are not the host's to read");
	if (!why && arch && uname(&u) == 0 && strcmp(arch, u.machine) != 0)
		why = xasprintf("the sampler is built for %s, the engine's host is %s", u.machine, arch);
	json_decref(info);
	return why;
}

/* ---- what it sends ---- */

static void
parse_host(struct rsampler *rs, char **f, int n)
{
	if (n < 5)
		return;
	snprintf(rs->host.kernel, sizeof(rs->host.kernel), "%s", f[1]);
	snprintf(rs->host.cpu_model, sizeof(rs->host.cpu_model), "%s", f[2]);
	rs->host.ncpu = atoi(f[3]);
	rs->host.v2 = strcmp(f[4], "v2") == 0;
	rs->ready = 1;
}

static void
parse_end(struct rsampler *rs, char **f, int n)
{
	struct rsampler_end *e = &rs->end;

	if (n < 17)
		return;
	e->r.cpu_s = strtod(f[1], NULL);
	e->r.cpu_user_s = strtod(f[2], NULL);
	e->r.cpu_system_s = strtod(f[3], NULL);
	e->r.mem_bytes = strtoll(f[4], NULL, 10);
	e->r.mem_peak_bytes = strtoll(f[5], NULL, 10);
	e->r.io_read_bytes = strtoll(f[6], NULL, 10);
	e->r.io_write_bytes = strtoll(f[7], NULL, 10);
	e->net_rx = strtoll(f[8], NULL, 10);
	e->net_tx = strtoll(f[9], NULL, 10);
	e->r.pids = strtoll(f[10], NULL, 10);
	e->r.pids_peak = strtoll(f[11], NULL, 10);
	e->mem_max = strtoll(f[12], NULL, 10);
	e->pids_max = strtoll(f[13], NULL, 10);
	e->samples = strtol(f[14], NULL, 10);
	e->self_cpu_s = strtod(f[15], NULL);
	snprintf(e->io_source, sizeof(e->io_source), "%s", f[16]);
	rs->ended = 1;
}

/* One line: a sample goes to the series, the rest to the shared state. */
static void
on_line(struct rsampler *rs, char *line)
{
	char *f[20], *save, *tok;
	int n = 0;

	if (line[0] >= '0' && line[0] <= '9') {
		fprintf(rs->tsv, "%s\n", line);
		fflush(rs->tsv);
		return;
	}
	pthread_mutex_lock(&rs->lock);
	if (strncmp(line, "error\t", 6) == 0) {
		free(rs->error);
		rs->error = xstrdup(line + 6);
	} else {
		for (tok = strtok_r(line, "\t", &save); tok && n < 20; tok = strtok_r(NULL, "\t", &save))
			f[n++] = tok;
		if (n > 0 && strcmp(f[0], "host") == 0)
			parse_host(rs, f, n);
		else if (n > 0 && strcmp(f[0], "end") == 0)
			parse_end(rs, f, n);
	}
	pthread_cond_broadcast(&rs->cond);
	pthread_mutex_unlock(&rs->lock);
}

/* The demultiplexed log stream, written by engine_demux_data. */
static ssize_t
stream_write(void *cookie, const char *data, size_t len)
{
	struct rsampler *rs = cookie;
	size_t start = 0, i;

	buf_add(&rs->line, data, len);
	for (i = 0; i < rs->line.len; i++) {
		if (rs->line.data[i] != '\n')
			continue;
		rs->line.data[i] = '\0';
		on_line(rs, rs->line.data + start);
		start = i + 1;
	}
	memmove(rs->line.data, rs->line.data + start, rs->line.len - start);
	rs->line.len -= start;
	rs->line.data[rs->line.len] = '\0';
	return (ssize_t)len;
}

static void *
stream_main(void *arg)
{
	struct rsampler *rs = arg;
	cookie_io_functions_t io = { .write = stream_write };
	FILE *out = fopencookie(rs, "w", io);
	char *path = xasprintf("/containers/%s/logs?follow=1&stdout=1&stderr=1", rs->name);

	if (out) {
		struct engine_demux d = { out, { 0 }, 0, 0, 0 };

		setvbuf(out, NULL, _IONBF, 0);
		engine_stream(rs->es, "GET", path, NULL, 0, NULL, engine_demux_data, &d);
		fclose(out);
	}
	free(path);
	pthread_mutex_lock(&rs->lock);
	rs->done = 1;
	pthread_cond_broadcast(&rs->cond);
	pthread_mutex_unlock(&rs->lock);
	return NULL;
}

/* ---- the container ---- */

static json_t *
create_body(const char *image, const char *cgname, json_t *labels, int interval_ms)
{
	char ms[32];
	json_t *l = json_object();

	snprintf(ms, sizeof(ms), "%d", interval_ms);
	if (labels)
		json_object_update(l, labels);
	json_object_set_new(l, "jockey.role", json_string("sampler"));
	/* the host's PID namespace: the container's init is found from its
	 * cgroup, and its network and I/O counters read from /proc/PID */
	return json_pack("{s:s, s:[s,s,s], s:o, s:b, s:{s:[s], s:s, s:s, s:{s:s}}}",
			 "Image", image, "Cmd", ROOT, cgname, ms, "Labels", l, "NetworkDisabled", 1,
			 "HostConfig", "Binds", "/sys/fs/cgroup:" ROOT ":ro", "PidMode", "host",
			 "NetworkMode", "none", "LogConfig", "Type", "json-file");
}

static void
remove_container(struct engine *e, const char *name)
{
	long t = e->timeout_ms;

	e->timeout_ms = 30000;
	engine_container_remove(e, name);
	e->timeout_ms = t;
}

static void
rsampler_free(struct rsampler *rs)
{
	pthread_cond_destroy(&rs->cond);
	pthread_mutex_destroy(&rs->lock);
	engine_free(rs->es);
	buf_release(&rs->line);
	free(rs->error);
	free(rs->name);
	free(rs);
}

/* Wait until *field is set or the stream ends, at most ms; *field then. */
static int
wait_for(struct rsampler *rs, const int *field, long ms)
{
	struct timespec until;
	int v;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	pthread_mutex_lock(&rs->lock);
	while (!*field && !rs->done &&
	       pthread_cond_timedwait(&rs->cond, &rs->lock, &until) != ETIMEDOUT)
		;
	v = *field;
	pthread_mutex_unlock(&rs->lock);
	return v;
}

/* Create and start it. 0, or -1 with *why. */
static int
container_up(struct engine *e, const char *name, json_t *body, char **why)
{
	char *q = engine_escape(e, name), *path = xasprintf("/containers/create?name=%s", q);
	int r = engine_post_json(e, path, body, NULL);

	free(path);
	free(q);
	if (r == 0) {
		path = xasprintf("/containers/%s/start", name);
		r = engine_request(e, "POST", path, NULL, 0, NULL);
		free(path);
	}
	if (r < 0)
		*why = xasprintf("the engine refused the sampler's container: %s", engine_error(e));
	return r;
}

/* Why the sampler sent no ready line or no final reading: what it said,
 * else how its container ended (asked of e before it is removed). */
static char *
stream_failure(struct rsampler *rs, struct engine *e)
{
	char *path, *why;
	json_t *c = NULL, *st;
	const char *err;

	pthread_mutex_lock(&rs->lock);
	why = rs->error ? xasprintf("the sampler on the engine's host: %s", rs->error) : NULL;
	pthread_mutex_unlock(&rs->lock);
	if (why)
		return why;
	if (rs->es->cancelled)
		return xstrdup(RSAMPLER_INTERRUPTED);
	path = xasprintf("/containers/%s/json", rs->name);
	if (engine_get_json(e, path, &c) == 0 &&
	    !json_is_true(json_object_get(st = json_object_get(c, "State"), "Running"))) {
		err = json_string_value(json_object_get(st, "Error"));
		why = xasprintf("the sampler on the engine's host exited with code %d%s%s",
				(int)json_integer_value(json_object_get(st, "ExitCode")),
				err && *err ? ": " : " without a word", err && *err ? err : "");
	} else if (c) {
		why = xstrdup("the sampler on the engine's host runs, but sent nothing in time");
	} else {
		why = xasprintf("the sampler on the engine's host stopped without a word (%s)",
				engine_error(e));
	}
	json_decref(c);
	free(path);
	return why;
}

struct rsampler *
rsampler_start(struct engine *e, const char *name, const char *cgname, json_t *labels,
	       int interval_ms, FILE *tsv, struct rsampler_host *host, char **why)
{
	struct rsampler *rs;
	char *image;
	json_t *body;
	sigset_t all, old;
	int rc;

	*why = host_refusal(e);
	if (*why || !(image = sampler_image(e, why)))
		return NULL;
	rs = xcalloc(1, sizeof(*rs));
	rs->name = xstrdup(name);
	rs->tsv = tsv;
	pthread_mutex_init(&rs->lock, NULL);
	pthread_cond_init(&rs->cond, NULL);
	body = create_body(image, cgname, labels, interval_ms);
	free(image);
	rc = container_up(e, name, body, why);
	json_decref(body);
	if (rc < 0 || !(rs->es = engine_dup(e))) {
		if (!*why)
			*why = xstrdup("cannot open a second connection to the engine");
		goto fail;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&rs->thread, NULL, stream_main, rs);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*why = xasprintf("cannot start the sampler's thread: %s", strerror(rc));
		goto fail;
	}
	if (!wait_for(rs, &rs->ready, START_MS)) {
		*why = stream_failure(rs, e);
		remove_container(e, name);
		pthread_join(rs->thread, NULL);
		goto fail;
	}
	*host = rs->host;
	return rs;
fail:
	remove_container(e, name);
	rsampler_free(rs);
	return NULL;
}

int
rsampler_remove_parent(struct engine *e, const char *name, const char *cgname, json_t *labels,
		       char **why)
{
	char *image = sampler_image(e, why), *path;
	json_t *body, *l = json_object(), *res = NULL;
	long t = e->timeout_ms;
	int rc;

	if (!image) {
		json_decref(l);
		return -1;
	}
	if (labels)
		json_object_update(l, labels);
	json_object_set_new(l, "jockey.role", json_string("sampler"));
	body = json_pack("{s:s, s:[s,s,s], s:o, s:b, s:{s:[s], s:s, s:{s:s}}}", "Image", image,
			 "Cmd", "--remove", ROOT, cgname, "Labels", l, "NetworkDisabled", 1,
			 "HostConfig", "Binds", "/sys/fs/cgroup:" ROOT, "NetworkMode", "none",
			 "LogConfig", "Type", "json-file");
	free(image);
	rc = container_up(e, name, body, why);
	json_decref(body);
	if (rc == 0) {
		path = xasprintf("/containers/%s/wait", name);
		e->timeout_ms = STOP_MS;
		rc = engine_post_json(e, path, NULL, &res);
		e->timeout_ms = t;
		free(path);
		if (rc < 0) {
			*why = xasprintf("waiting for it: %s", engine_error(e));
		} else if (json_integer_value(json_object_get(res, "StatusCode")) != 0) {
			*why = xasprintf("it exited with code %d",
					 (int)json_integer_value(json_object_get(res, "StatusCode")));
			rc = -1;
		}
		json_decref(res);
	}
	remove_container(e, name);
	return rc;
}

int
rsampler_stop(struct rsampler *rs, struct engine *e, struct rsampler_end *end, char **why)
{
	char *path = xasprintf("/containers/%s/kill?signal=TERM", rs->name);
	long t = e->timeout_ms;
	int ret = 0;

	e->timeout_ms = STOP_MS;
	engine_request(e, "POST", path, NULL, 0, NULL);
	e->timeout_ms = t;
	free(path);
	if (!wait_for(rs, &rs->ended, STOP_MS)) {
		*why = stream_failure(rs, e);
		ret = -1;
	}
	/* a sampler that does not stop is killed with its container, which
	 * ends the stream */
	remove_container(e, rs->name);
	pthread_join(rs->thread, NULL);
	if (ret == 0)
		*end = rs->end;
	rsampler_free(rs);
	return ret;
}
