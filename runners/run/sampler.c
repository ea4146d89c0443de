/* sampler.c: the time series of a cgroup parent, read by a thread of its
 * own; see sampler.h.
 *
 * A sample is a handful of open/read/close calls into a stack buffer: no
 * allocation, no stdio on the read side, so the thread stays far below 1% of
 * a core at the run-cell's 200 ms interval (bench/sampler measures it).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/kernfile.h"
#include "runners/run/rsampler.h"
#include "runners/run/sampler.h"

struct sampler {
	const struct cgparent *cg;
	int interval_ms;
	FILE *tsv;
	char *tsv_path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;              /* under lock */
	pid_t pid;             /* under lock: 0 until sampler_set_pid */
	const char *net_scope; /* under lock */
	struct timespec start;
	/* owned by the thread until it is joined, then by sampler_stop */
	struct cgreading last;
	long long mem_max, pids_max;
	long long net[2];              /* the pid's network counters: received, sent */
	long long pio[2];              /* /proc/PID/io of the pid, last read: read, written */
	const char *io_source;         /* "cgroup", or "proc" once that stood in */
	long samples;
	int write_failed;
	double thread_cpu_s;
	/* a remote engine's: the sampler runs on its host (rsampler.h) */
	int is_remote;
	struct engine *e;              /* borrowed: the engine, for the stop */
	struct rsampler *remote;       /* NULL when it could not start */
	struct rsampler_host host;     /* what it saw of the host */
	char *absent;                  /* why there are no cgroup metrics (owned), or NULL */
};

static double
ts_since(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
sampler_sample(struct sampler *s)
{
	struct cgreading *r = &s->last;
	struct timespec now;
	pid_t pid;

	cgparent_read(s->cg, r);
	pthread_mutex_lock(&s->lock);
	pid = s->pid;
	pthread_mutex_unlock(&s->lock);
	/* the last reading stands once the process is gone */
	if (pid > 0)
		kernfile_proc_counters(pid, s->net, s->pio);
	/* v1 blkio on recent kernels lists no device, whatever the I/O: then
	 * the storage I/O of the container's init, which the kernel adds its
	 * reaped descendants' to, stands in (sampled, so the last interval's
	 * I/O of processes still running at exit is missed) */
	if (!r->io_counted && pid > 0) {
		r->io_read_bytes = s->pio[0];
		r->io_write_bytes = s->pio[1];
		s->io_source = "proc";
	}
	if (r->mem_bytes > s->mem_max)
		s->mem_max = r->mem_bytes;
	if (r->pids > s->pids_max)
		s->pids_max = r->pids;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->samples++;
	if (cgreading_row(s->tsv, ts_since(&s->start, &now), r, s->net[0], s->net[1]) < 0 ||
	    fflush(s->tsv) == EOF)
		s->write_failed = 1;
}

static void
ts_add_ms(struct timespec *t, int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void *
sampler_main(void *arg)
{
	struct sampler *s = arg;
	struct timespec next = s->start, now;
	struct rusage ru;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		pthread_mutex_unlock(&s->lock);
		sampler_sample(s);
		/* absolute deadlines: the series does not drift; after a stall
		 * (a stopped VM, a swapped-out thread) skip the missed ticks */
		ts_add_ms(&next, s->interval_ms);
		clock_gettime(CLOCK_MONOTONIC, &now);
		while (ts_since(&next, &now) > 0)
			ts_add_ms(&next, s->interval_ms);
		pthread_mutex_lock(&s->lock);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		s->thread_cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		                  ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return NULL;
}

static void
sampler_free(struct sampler *s)
{
	if (s->tsv)
		fclose(s->tsv);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->tsv_path);
	free(s->absent);
	free(s);
}

/* The common part: the series' file with its header. */
static struct sampler *
sampler_new(int interval_ms, const char *tsv_path)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;

	s->interval_ms = interval_ms > 0 ? interval_ms : 200;
	s->net_scope = "none";
	s->io_source = "cgroup";
	s->tsv_path = xstrdup(tsv_path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	s->tsv = fopen(tsv_path, "w");
	if (!s->tsv) {
		error("cannot write '%s':", tsv_path);
		sampler_free(s);
		return NULL;
	}
	fputs(CGREADING_TSV_HEADER, s->tsv);
	fflush(s->tsv);
	return s;
}

struct sampler *
sampler_start(const struct cgparent *cg, int interval_ms, const char *tsv_path)
{
	struct sampler *s = sampler_new(interval_ms, tsv_path);
	sigset_t all, old;
	int rc;

	if (!s)
		return NULL;
	s->cg = cg;
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	/* signals are the caller's business (timeouts, ^C): keep them off this thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, sampler_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		error("cannot start the sampler thread:");
		sampler_free(s);
		return NULL;
	}
	return s;
}

struct sampler *
sampler_start_remote(struct engine *e, const char *name, const char *cgname, json_t *labels,
		     const char *net_mode, int interval_ms, const char *tsv_path)
{
	struct sampler *s = sampler_new(interval_ms, tsv_path);

	if (!s)
		return NULL;
	s->is_remote = 1;
	s->e = e;
	/* as sampler_set_pid decides: host networking counts the host's traffic */
	s->net_scope = net_mode && strcmp(net_mode, "host") == 0 ? "host" : "container";
	s->remote = rsampler_start(e, name, cgname, labels, s->interval_ms, s->tsv, &s->host, &s->absent);
	if (!s->remote && strcmp(s->absent, RSAMPLER_INTERRUPTED) != 0)
		warn("%s: no cgroup metrics: %s", name, s->absent);
	return s;
}

void
sampler_set_pid(struct sampler *s, pid_t pid)
{
	char path[64];
	struct stat self, other;
	const char *scope = "container";

	if (s->is_remote)
		return; /* the remote sampler finds the container's init itself */
	snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
	/* same network namespace as jockey: host networking or a native run,
	 * and the counters are the whole host's */
	if (stat("/proc/self/ns/net", &self) == 0 && stat(path, &other) == 0 &&
	    self.st_ino == other.st_ino && self.st_dev == other.st_dev)
		scope = "host";
	pthread_mutex_lock(&s->lock);
	s->pid = pid;
	s->net_scope = scope;
	pthread_mutex_unlock(&s->lock);
}

/* An exact peak when the kernel keeps one, else the largest sample. */
static long long
peak_of(long long exact, long long sampled)
{
	return exact >= 0 ? exact : sampled;
}

/* The summary, the same for both samplers. */
static json_t *
summary_json(const struct sampler *s, const struct cgreading *r, int v2, long long mem_max,
	     long long pids_max, double self_cpu_s)
{
	return json_pack("{s:s, s:f, s:f, s:f, s:I, s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:i, s:i, s:f}",
	                 "cgroup", v2 ? "v2" : "v1",
	                 "cpu_s", r->cpu_s,
	                 "cpu_user_s", r->cpu_user_s,
	                 "cpu_system_s", r->cpu_system_s,
	                 "mem_peak_bytes", (json_int_t)peak_of(r->mem_peak_bytes, mem_max),
	                 "io_read_bytes", (json_int_t)r->io_read_bytes,
	                 "io_write_bytes", (json_int_t)r->io_write_bytes,
	                 "io_source", s->io_source,
	                 "net_rx_bytes", (json_int_t)s->net[0],
	                 "net_tx_bytes", (json_int_t)s->net[1],
	                 "net_scope", s->net_scope,
	                 "pids_peak", (json_int_t)peak_of(r->pids_peak, pids_max),
	                 "samples", (int)s->samples,
	                 "interval_ms", s->interval_ms,
	                 "sampler_cpu_s", self_cpu_s);
}

int
sampler_remote_started(const struct sampler *s)
{
	return s && s->is_remote && s->remote;
}

json_t *
sampler_absent(const char *sampler, const char *why, int interval_ms)
{
	return json_pack("{s:s, s:s, s:i}", "sampler", sampler, "cgroup_absent", why,
			 "interval_ms", interval_ms);
}

/* A remote sampler's end: its final reading, or why there is none. */
static json_t *
remote_stop(struct sampler *s)
{
	struct rsampler_end end;
	char *why = NULL;
	json_t *j;

	if (s->remote && rsampler_stop(s->remote, s->e, &end, &why) < 0) {
		s->absent = why;
		if (strcmp(why, RSAMPLER_INTERRUPTED) != 0)
			warn("%s: no cgroup metrics: %s", s->tsv_path, why);
	}
	s->remote = NULL;
	if (s->absent) {
		j = sampler_absent("remote", s->absent, s->interval_ms);
		sampler_free(s);
		return j;
	}
	s->net[0] = end.net_rx;
	s->net[1] = end.net_tx;
	s->samples = end.samples;
	s->io_source = strcmp(end.io_source, "proc") == 0 ? "proc" : "cgroup";
	j = summary_json(s, &end.r, s->host.v2, end.mem_max, end.pids_max, end.self_cpu_s);
	json_object_set_new(j, "sampler", json_string("remote"));
	json_object_set_new(j, "engine_host", json_pack("{s:s, s:s, s:i}", "kernel", s->host.kernel,
			    "cpu_model", s->host.cpu_model, "ncpu", s->host.ncpu));
	sampler_free(s);
	return j;
}

json_t *
sampler_stop(struct sampler *s)
{
	struct cgreading *r = &s->last;
	json_t *j;

	if (s->is_remote)
		return remote_stop(s);
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	sampler_sample(s); /* the final, exact reading: also the series' last row */
	if (s->write_failed || fclose(s->tsv) == EOF)
		warn("cannot write '%s': the time series is incomplete", s->tsv_path);
	s->tsv = NULL;
	j = summary_json(s, r, s->cg->v2, s->mem_max, s->pids_max, s->thread_cpu_s);
	sampler_free(s);
	return j;
}
