/* metrics.h: a cell's resource use, read from cgroup files (v1, v2 and hybrid).
 *
 * Every run of a cell gets a cgroup parent of jockey's own. Its containers are
 * created under it (HostConfig.CgroupParent = cg.name); a native run puts its
 * process in it. The parent's counters keep the totals after the container is
 * gone, so the summary is exact, not the last sample (docs/design.md,
 * "Measurement"). The time series reads the same files at a fixed interval:
 * one read costs tens of microseconds, never the engine's stats API.
 */
#ifndef JOCKEY_METRICS_H
#define JOCKEY_METRICS_H

#include <jansson.h>
#include <sys/types.h>

struct cgparent {
	char *name;      /* owned: "/jockey-<slug>", what HostConfig.CgroupParent takes */
	int v2;          /* 1: unified hierarchy; 0: v1 (per-controller mounts) */
	char **paths;    /* owned: the folders made, one per controller (v1) or one (v2) */
	size_t npaths;
};

/* Make the cgroup parent NAME (a slug, e.g. "jockey-debian-bookworm.sysbench.bridge-1-1234")
 * in every controller the metrics need. 0 or -1 with a message. */
int cgparent_create(struct cgparent *cg, const char *name);
/* Move process pid into the parent (native runs). */
int cgparent_attach(const struct cgparent *cg, pid_t pid);
/* Remove the parent in every controller; call once nothing runs in it. Waits
 * briefly for the engine to remove the container's own cgroup first. */
int cgparent_remove(struct cgparent *cg);
void cgparent_release(struct cgparent *cg);

struct sampler;

/* Start sampling cg every interval_ms in a thread of its own, appending one
 * row per sample to tsv_path (a header line first). */
struct sampler *sampler_start(const struct cgparent *cg, int interval_ms, const char *tsv_path);
/* The process whose network namespace the network counters come from
 * (the container's State.Pid); until set, network columns are 0. */
void sampler_set_pid(struct sampler *s, pid_t pid);
/* Stop the thread, take a final exact reading of the parent and return the
 * summary (new reference): cpu_user_s, cpu_system_s, cpu_s, mem_peak_bytes,
 * io_read_bytes, io_write_bytes, net_rx_bytes, net_tx_bytes, pids_peak,
 * samples, interval_ms, cgroup ("v1" or "v2"). Frees s. */
json_t *sampler_stop(struct sampler *s);

#endif
