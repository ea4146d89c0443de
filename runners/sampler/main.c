/* jockey-sampler: the cgroup sampler of a remote engine's host.
 *
 *   jockey-sampler ROOT PARENT INTERVAL_MS
 *   jockey-sampler --remove ROOT PARENT
 *
 * jockey runs it in a container of its own on the engine that runs a cell
 * (runners/run/rsampler.c), with that host's /sys/fs/cgroup bound read-only
 * at ROOT and the host's PID namespace, and reads its stdout through the
 * engine's log stream. It reads the cgroup parent PARENT with the code the
 * local sampler uses (runners/run/cgroup.c), so the numbers mean the same.
 * Linked statically (configure: gcc -static), so that an image holding only
 * this file (FROM scratch) runs on any engine of the same architecture.
 * The rows go out in 4 KiB blocks: the engine copies and logs them, on the
 * benchmark's machine, and per row that cost more than the reading.
 *
 * What it prints, one line each, fields separated by tabs:
 *   host KERNEL CPU_MODEL NCPU CGROUP   first, once it is ready: the host's
 *                                       kernel, CPU and cgroup version
 *   T CPU USER SYS MEM IOR IOW RX TX PIDS   a sample: metrics.tsv's row
 *   end CPU USER SYS MEM MEMPEAK IOR IOW RX TX PIDS PIDSPEAK MEMMAX PIDSMAX
 *       SAMPLES SELF_CPU IO_SOURCE       after SIGTERM: the final, exact
 *                                       reading, and its own CPU time since
 *                                       the host line
 *   error MESSAGE                       it cannot sample; exit 1
 * A peak is -1 when the kernel keeps none (the samples' maximum stands in).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/cgroup.h"
#include "runners/run/kernfile.h"

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

struct state {
	struct cgparent cg;
	long long start_ns;
	long pid;            /* the container's init in the host's PID namespace, 0 until found */
	long long net[2], pio[2], mem_max, pids_max;
	const char *io_source;
	long samples;
	int seen;            /* the parent's folder existed at some sample */
};

static void
fail(const char *msg)
{
	printf("error\t%s\n", msg);
	fflush(stdout);
	exit(1);
}

/* The CPU model and the number of processors of /proc/cpuinfo (the host's:
 * the file is not namespaced). */
static void
print_host(const struct cgparent *cg)
{
	char *data = NULL, *p, *model = NULL;
	struct utsname u;
	int ncpu = 0;

	if (read_file("/proc/cpuinfo", &data, NULL) == 0) {
		for (p = data; (p = strstr(p, "\nprocessor")); p++)
			ncpu++;
		if (strncmp(data, "processor", 9) == 0)
			ncpu++;
		if ((p = strstr(data, "model name")) && (p = strchr(p, ':'))) {
			for (p++; *p == ' ' || *p == '\t'; p++)
				;
			model = xstrndup(p, strcspn(p, "\n\t"));
		}
	}
	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	printf("host\t%s\t%s\t%d\t%s\n", u.release, model ? model : "unknown", ncpu, cg->v2 ? "v2" : "v1");
	fflush(stdout);
	free(model);
	free(data);
}

/* The parent's container's init: of the pids of its first child folder,
 * the one whose parent process is outside it (the engine's shim). */
static long
find_init(const struct cgparent *cg)
{
	char buf[8192], dir[4096], stat_dir[64], *p, *end;
	long pids[256], ppid, found = 0;
	size_t n = 0, i, j;
	struct dirent *e;
	DIR *d;

	if (!cg->pids_dir || !(d = opendir(cg->pids_dir)))
		return 0;
	while ((e = readdir(d)) && n == 0) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", cg->pids_dir, e->d_name);
		if (kernfile_read(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
			continue;
		for (p = buf; n < 256 && (pids[n] = strtol(p, &end, 10)) > 0; p = end)
			n++;
	}
	closedir(d);
	for (i = 0; i < n && !found; i++) {
		snprintf(stat_dir, sizeof(stat_dir), "/proc/%ld", pids[i]);
		/* "PID (COMM) S PPID ...": COMM may hold spaces, so after its ')' */
		if (kernfile_read(stat_dir, "stat", buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
			continue;
		ppid = strtol(p + 4, NULL, 10);
		for (j = 0; j < n && pids[j] != ppid; j++)
			;
		if (j == n)
			found = pids[i];
	}
	return found;
}

/* This process's CPU time so far, seconds. */
static double
self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long long
mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One reading, as the local sampler's (runners/run/sampler.c): the network
 * and /proc/PID/io counters are the container's init's, and the latter
 * stand in for v1 blkio when it lists no device. */
static void
sample(struct state *s, struct cgreading *r)
{
	struct stat st;

	cgparent_read(&s->cg, r);
	if (s->cg.cpu_dir && stat(s->cg.cpu_dir, &st) == 0)
		s->seen = 1;
	if (!s->pid)
		s->pid = find_init(&s->cg);
	if (s->pid)
		kernfile_proc_counters(s->pid, s->net, s->pio);
	if (!r->io_counted && s->pid) {
		r->io_read_bytes = s->pio[0];
		r->io_write_bytes = s->pio[1];
		s->io_source = "proc";
	}
	s->mem_max = r->mem_bytes > s->mem_max ? r->mem_bytes : s->mem_max;
	s->pids_max = r->pids > s->pids_max ? r->pids : s->pids_max;
	s->samples++;
	cgreading_row(stdout, (mono_ns() - s->start_ns) / 1e9, r, s->net[0], s->net[1]);
}

int
main(int argc, char **argv)
{
	struct state s = { .io_source = "cgroup" };
	struct cgreading r;
	struct sigaction sa;
	struct timespec next;
	double cpu0;
	long long due;
	int interval;

	/* the rows in blocks: one write, one wake-up of the engine's log
	 * copier and one log entry batch per ~60 rows, not per row (the series
	 * is read at the end; only the ready line and the totals are waited
	 * for, and flushed) */
	setvbuf(stdout, NULL, _IOFBF, 4096);
	/* jockey-sampler --remove ROOT PARENT: the clean-up, in a container of
	 * its own with ROOT writable, once the cell's containers are gone */
	if (argc == 4 && strcmp(argv[1], "--remove") == 0)
		return cgparent_remove_under(argv[2], argv[3]) < 0 ? 1 : 0;
	if (argc != 4 || (interval = atoi(argv[3])) <= 0)
		fail("usage: jockey-sampler ROOT PARENT INTERVAL_MS");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term; /* no SA_RESTART: the sleep ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (cgparent_locate(&s.cg, argv[2], argv[1]) < 0)
		fail("no cgroup file system with controllers in the engine host's /sys/fs/cgroup");
	print_host(&s.cg);
	/* its own cost while it samples: runc's set-up, which ran in this
	 * process before the exec, and the start are over before jockey starts
	 * the benchmark (it waits for the line above) */
	cpu0 = self_cpu();
	due = s.start_ns = mono_ns();
	while (!stop) {
		sample(&s, &r);
		/* absolute deadlines, missed ticks skipped, as the local sampler */
		for (due += interval * 1000000LL; due < mono_ns(); due += interval * 1000000LL)
			;
		next.tv_sec = due / 1000000000LL;
		next.tv_nsec = due % 1000000000LL;
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	sample(&s, &r); /* the final, exact reading */
	if (!s.seen) {
		printf("error\tcgroup parent '%s' not found in the engine host's /sys/fs/cgroup\n", s.cg.name);
		return 1;
	}
	printf("end\t%.6f\t%.6f\t%.6f\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%ld\t%.6f\t%s\n",
	       r.cpu_s, r.cpu_user_s, r.cpu_system_s, r.mem_bytes, r.mem_peak_bytes,
	       r.io_read_bytes, r.io_write_bytes, s.net[0], s.net[1], r.pids, r.pids_peak,
	       s.mem_max, s.pids_max, s.samples,
	       self_cpu() - cpu0, s.io_source);
	return fflush(stdout) == EOF ? 1 : 0;
}
