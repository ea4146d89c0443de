/* perf.h: Linux perf, run around one repetition (the profile edge's).
 *
 * perf record samples the software event cpu-clock (hardware counters are
 * often missing in a VM) system-wide, restricted to the cell's cgroup
 * parent with --cgroup (perf_event controller: a v1 hierarchy that carries
 * it, else the cgroup2 mount, where the kernel always has it), so nothing
 * else on the machine is sampled; the kernel counts the parent's
 * descendants, the container's own folder. It starts with its events off
 * (-D -1) and jockey turns them on through perf's control FIFO and waits
 * for the acknowledgement, so the events are on before the container
 * starts; SIGINT stops it once the container has exited.
 *
 * What keeps a profile from being made is said in words (perf_check,
 * perf_start), never as an error: the cell keeps its timed numbers.
 */
#ifndef JOCKEY_RUN_PERF_H
#define JOCKEY_RUN_PERF_H

#include <sys/types.h>

#include "base/buf.h"

#define PERF_EVENT "cpu-clock"

/* One perf record. */
struct perf {
	pid_t pid;        /* 0: not running */
	char *data;       /* DIR/perf.data (owned) */
	char *err;        /* DIR/perf.err: its stderr (owned) */
	char *ctl, *ack;  /* the control FIFOs (owned) */
	int ctl_fd, ack_fd;
};

/* Can perf profile a cgroup here? 0 with perf's version line in version
 * (fresh); 1 with the reason in why (fresh) when it cannot. */
int perf_check(char **version, char **why);
/* The name perf --cgroup takes for the cgroup folder among paths (the
 * parent's folders, one per hierarchy) that is in the perf_event
 * hierarchy, fresh; NULL with the reason in why (fresh). */
char *perf_cgroup_name(char *const *paths, size_t npaths, char **why);
/* Start perf record into dir on cgroup at frequency Hz with call graph
 * cg ("none", "fp", "dwarf"), its events on once this returns 0; 1 with
 * the reason in why when it did not start. */
int perf_start(struct perf *pf, const char *dir, const char *cgroup, int frequency,
	       const char *cg, char **why);
/* Stop it (SIGINT, wait; SIGKILL after 60 s): 0, or 1 with the reason in
 * why. Removes the FIFOs. */
int perf_stop(struct perf *pf, char **why);
void perf_release(struct perf *pf);
/* Run perf script on pf's data with its symbols from symfs (may be NULL),
 * its output into out: 0, or 1 with the reason in why. */
int perf_script(const char *data, const char *symfs, struct buf *out, char **why);

#endif
