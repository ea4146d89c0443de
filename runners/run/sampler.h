/* sampler.h: a cgroup parent's time series and totals, sampled by a thread
 * of its own (sampler.c). */
#ifndef JOCKEY_RUN_SAMPLER_H
#define JOCKEY_RUN_SAMPLER_H

#include <sys/types.h>

#include <jansson.h>

#include "runners/run/cgroup.h"
#include "runners/run/engine.h"

struct sampler;

/* Start sampling cg every interval_ms in a thread of its own, appending one
 * row per sample to tsv_path (a header line first). cg must outlive the
 * sampler. NULL with a message when the file or the thread cannot be made. */
struct sampler *sampler_start(const struct cgparent *cg, int interval_ms, const char *tsv_path);
/* The sampler of a remote engine's cell (rsampler.h): a container NAME
 * (with labels, borrowed, may be NULL) on e's engine reads the cgroup
 * parent cgname on that engine's host and streams its rows into tsv_path.
 * When it cannot (the reason is warned), the sampler still stands and
 * sampler_stop says why the metrics are absent. net_mode: the cell's
 * NetworkMode ("host": the network counters are the host's). e must
 * outlive it; the calls on it come from e's thread. NULL with a message
 * when the file cannot be made. */
struct sampler *sampler_start_remote(struct engine *e, const char *name, const char *cgname,
				     json_t *labels, const char *net_mode, int interval_ms,
				     const char *tsv_path);
/* The process whose network namespace the network counters come from
 * (the container's State.Pid); until set, network columns are 0. */
void sampler_set_pid(struct sampler *s, pid_t pid);
/* Stop the thread, take a final exact reading of the parent and return the
 * summary (new reference): cpu_user_s, cpu_system_s, cpu_s, mem_peak_bytes,
 * io_read_bytes, io_write_bytes, io_source ("cgroup", or "proc" when v1 blkio
 * counted nothing and /proc/PID/io of the pid, which includes its reaped
 * descendants, stood in), net_rx_bytes, net_tx_bytes, pids_peak,
 * samples, interval_ms, cgroup ("v1" or "v2"), net_scope ("container", "host"
 * when the pid shares jockey's network namespace so the counters are the
 * host's, or "none" without a pid) and sampler_cpu_s (the sampler thread's
 * own CPU time). A remote sampler's adds "sampler": "remote" and
 * "engine_host" (kernel, cpu_model, ncpu: what it read there), its
 * sampler_cpu_s is the sampler process's while it sampled; or, when it could not sample,
 * only "sampler", "interval_ms" and "cgroup_absent" (why). Frees s. */
json_t *sampler_stop(struct sampler *s);

/* 1 when s is a remote sampler whose container started on the engine's
 * host (so that a clean-up container can run there too). */
int sampler_remote_started(const struct sampler *s);
/* The summary of a side whose cgroup metrics are absent: {"sampler":
 * sampler ("remote" or "local"), "cgroup_absent": why, "interval_ms"} (new
 * reference). */
json_t *sampler_absent(const char *sampler, const char *why, int interval_ms);

#endif
