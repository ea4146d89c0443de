/* native_limits.c: the host config's limits on a native process, as a
 * container gets them; see native.h.
 *
 * The files written, by layout (what runc writes for the engine's
 * Memory = MemorySwap, NanoCpus and CpusetCpus, container.c):
 *
 *   what     v1 (per-controller folders)                    v2 (one folder)
 *   memory   memory.limit_in_bytes, memory.memsw.limit_in_bytes  memory.max, memory.swap.max 0
 *   cpus     cpu.cfs_period_us 100000, cpu.cfs_quota_us      cpu.max "QUOTA 100000"
 *   cpuset   cpuset.cpus                                     cpuset.cpus
 *   OOM kill memory.oom_control oom_kill                     memory.events oom_kill
 *
 * They go into the cell's cgroup parent itself, where the native process
 * runs (a container's go into its own folder below the parent).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/kernfile.h"
#include "runners/run/native.h"
#include "runners/run/proc.h"

#define CFS_PERIOD_US 100000

/* The ulimit names gen accepts (gen/matrix/host.c), as setrlimit's. */
static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

/* Write value into dir/file for the limit what; dir NULL: no controller. */
static int
cg_set(const struct run *r, const char *dir, const char *file, const char *value, const char *what)
{
	if (!dir)
		return error("cell '%s': cannot apply %s natively: the kernel has no cgroup controller "
			     "for it", r->cell, what);
	if (kernfile_write(dir, file, value) < 0)
		return error("cell '%s': cannot apply %s natively: write '%s' to '%s/%s':", r->cell,
			     what, value, dir, file);
	return 0;
}

static int
limit_memory(const struct run *r, const struct cgparent *cg, long long mem)
{
	/* no swap on top: a benchmark over its limit is OOM killed, not slowed */
	if (!cg->mem_dir)
		return error("cell '%s': cannot apply memory %lld natively: the kernel has no cgroup "
			     "controller for it", r->cell, mem);
	if (cgparent_limit(cg, CGLIMIT_MEMORY, mem) < 0)
		return error("cell '%s': cannot apply memory %lld natively: write it to '%s':", r->cell,
			     mem, cg->mem_dir);
	return 0;
}

static int
limit_cpus(const struct run *r, const struct cgparent *cg, double cpus)
{
	char v[64], *what = xasprintf("cpus %g", cpus);
	long long quota = (long long)(cpus * CFS_PERIOD_US + 0.5);
	int ret;

	if (cg->v2) {
		snprintf(v, sizeof(v), "%lld %d", quota, CFS_PERIOD_US);
		ret = cg_set(r, cg->quota_dir, "cpu.max", v, what);
	} else {
		snprintf(v, sizeof(v), "%lld", quota);
		ret = cg_set(r, cg->quota_dir, "cpu.cfs_period_us", "100000", what) < 0 ||
		      cg_set(r, cg->quota_dir, "cpu.cfs_quota_us", v, what) < 0 ? -1 : 0;
	}
	free(what);
	return ret;
}

/* The host config's ulimits (-1 unlimited) into n->rlim. */
static int
rlimits_build(const struct run *r, struct native *n, const struct hostconf *hc)
{
	size_t i, k;

	n->rlim = xcalloc(hc->nulimits + 1, sizeof(*n->rlim));
	for (i = 0; i < hc->nulimits; i++) {
		const char *name = hc->ulimits[i].name;
		long long soft = hc->ulimits[i].soft, hard = hc->ulimits[i].hard;

		for (k = 0; name && k < sizeof(rlimit_names) / sizeof(rlimit_names[0]); k++)
			if (strcmp(rlimit_names[k].name, name) == 0)
				break;
		if (!name || k == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return error("%s: unknown ulimit '%s'", r->run_json, name ? name : "");
		n->rlim[n->nrlim].resource = rlimit_names[k].resource;
		n->rlim[n->nrlim].lim.rlim_cur = soft < 0 ? RLIM_INFINITY : (rlim_t)soft;
		n->rlim[n->nrlim].lim.rlim_max = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
		n->rlim[n->nrlim++].what = xasprintf("set ulimit '%s'", name);
	}
	return 0;
}

int
native_limits_apply(struct run *r, struct proc *p, struct native *n)
{
	const struct hostconf *hc = &r->rc.hc;
	const char *cpuset = hc->cpuset;
	double cpus = hc->cpus;
	long long mem = hc->memory;
	char *what;
	int ret = 0;

	if (rlimits_build(r, n, hc) < 0)
		return -1;
	if (mem > 0 && limit_memory(r, &p->cg, mem) < 0)
		return -1;
	if (cpus > 0 && limit_cpus(r, &p->cg, cpus) < 0)
		return -1;
	if (cpuset) {
		what = xasprintf("cpuset '%s'", cpuset);
		ret = cg_set(r, p->cg.cpuset_dir, "cpuset.cpus", cpuset, what);
		free(what);
	}
	return ret;
}

void
native_limits_free(struct native *n)
{
	size_t i;

	for (i = 0; i < n->nrlim; i++)
		free(n->rlim[i].what);
	free(n->rlim);
	n->rlim = NULL;
	n->nrlim = 0;
}

int
native_limits_oom_killed(const struct proc *p)
{
	char buf[1024];
	long long v = 0;
	const char *file = p->cg.v2 ? "memory.events" : "memory.oom_control";

	if (!p->have_cg || !p->cg.mem_dir || kernfile_read(p->cg.mem_dir, file, buf, sizeof(buf)) <= 0)
		return 0;
	return kernfile_parse_keyed(buf, "oom_kill", &v) == 0 && v > 0;
}
