/* cgroup.h: a cell's resource use, read from cgroup files (v1, v2 and hybrid).
 *
 * Every run of a cell gets a cgroup parent of jockey's own. Its containers are
 * created under it (HostConfig.CgroupParent = cg.name); a native run puts its
 * process in it. The parent's counters keep the totals after the container is
 * gone, so the summary is exact, not the last sample (docs/design.md,
 * "Measurement"). The time series reads the same files at a fixed interval:
 * one read costs tens of microseconds, never the engine's stats API.
 *
 * Layouts: pure v2 (cgroup2 with controllers, one folder), v1 (one mount per
 * controller, or joint ones such as "cpu,cpuacct") and hybrid (v1 controllers
 * plus a cgroup2 mount without controllers: the engine uses v1 there, so do we).
 * Block I/O counters are only as good as the kernel's: v1 blkio on recent
 * kernels lists no device for buffered and even direct I/O; the sampler then
 * falls back on /proc/PID/io (see sampler_stop).
 */
#ifndef JOCKEY_RUN_CGROUP_H
#define JOCKEY_RUN_CGROUP_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct cgparent {
	char *name;      /* owned: "/jockey-<slug>", what HostConfig.CgroupParent takes */
	int v2;          /* 1: unified hierarchy; 0: v1 (per-controller mounts) */
	char **paths;    /* owned: the folders made, one per controller (v1) or one (v2) */
	size_t npaths;
	/* Where each counter lives: borrowed from paths, NULL when the kernel
	 * has no such controller. All four are the same folder on v2. */
	const char *cpu_dir;   /* cpuacct (v1) */
	const char *mem_dir;   /* memory */
	const char *io_dir;    /* blkio (v1) */
	const char *pids_dir;  /* pids */
	/* Where the limits of a native run go (native_limits.c). */
	const char *quota_dir; /* cpu (v1): cpu.cfs_quota_us */
	const char *cpuset_dir; /* cpuset */
};

/* Make the cgroup parent NAME (a slug, e.g. "jockey-debian-bookworm.sysbench.bridge-1-1234")
 * in every controller the metrics need. 0 or -1 with a message. An existing
 * folder is reused as it is (its counters then include what ran there before). */
int cgparent_create(struct cgparent *cg, const char *name);
/* As cgparent_create, with the mount table read from mountinfo (a file in
 * /proc/self/mountinfo's format): for tests. */
int cgparent_create_from(struct cgparent *cg, const char *name, const char *mountinfo);
/* Where the parent NAME's folders are under root, the mount point of a
 * cgroup file system bound from elsewhere (the engine host's /sys/fs/cgroup
 * in the remote sampler, runners/sampler): v1 when root has a cpuacct or
 * memory folder, else v2. Makes nothing; the folders need not exist yet.
 * 0, or -1 with a message when root holds no cgroup hierarchy. */
int cgparent_locate(struct cgparent *cg, const char *name, const char *root);
/* Move process pid into the parent (native runs). */
int cgparent_attach(const struct cgparent *cg, pid_t pid);
/* Remove the parent in every controller; call once nothing runs in it. Waits
 * briefly for the engine to remove the container's own cgroup first, and
 * removes empty child folders left behind. */
int cgparent_remove(struct cgparent *cg);
/* Remove the parent NAME, and empty folders under it, from every hierarchy
 * of root (a cgroup file system bound from elsewhere, as for
 * cgparent_locate: the remote sampler's clean-up). A hierarchy without it
 * is skipped. 0, or -1 with a message. */
int cgparent_remove_under(const char *root, const char *name);
void cgparent_release(struct cgparent *cg);

/* One reading of a parent's counters. A peak is -1 when the kernel does not
 * keep one (v2 without memory.peak, pids without pids.peak). */
struct cgreading {
	double cpu_s, cpu_user_s, cpu_system_s;
	long long mem_bytes, mem_peak_bytes;
	long long io_read_bytes, io_write_bytes;
	int io_counted;   /* 0: the kernel's file listed no device (v1 blkio often doesn't) */
	long long pids, pids_peak;
};

/* Read every counter of cg; missing files read as 0 (peaks as -1). */
void cgparent_read(const struct cgparent *cg, struct cgreading *r);

/* metrics.tsv's header line and one row of it: the time since the sampler
 * started, r and the network counters. fprintf's result. */
#define CGREADING_TSV_HEADER "t_s\tcpu_s\tcpu_user_s\tcpu_system_s\tmem_bytes\tio_read_bytes\t" \
	"io_write_bytes\tnet_rx_bytes\tnet_tx_bytes\tpids\n"
int cgreading_row(FILE *f, double t_s, const struct cgreading *r, long long net_rx, long long net_tx);

/* What limits a parent as a whole (a density cell's containers together). */
enum cglimit { CGLIMIT_MEMORY, CGLIMIT_PIDS };
/* Set limit what of the parent to v (bytes, no swap on top; processes):
 * 0, or -1 with errno (ENOENT: the kernel has no controller for it). */
int cgparent_limit(const struct cgparent *cg, enum cglimit what, long long v);
/* How often the parent hit limit what so far: the OOM kills and limit hits
 * (memory.events max and oom_kill, or memory.failcnt and oom_control's
 * oom_kill), plus 1 when its memory peak came within 10% of the limit; the
 * refused forks (pids.events max, the parent's and its children's), plus 1
 * when pids.peak reached pids.max. 0 when the kernel counts none. */
long long cgparent_limit_hits(const struct cgparent *cg, enum cglimit what);

#endif
