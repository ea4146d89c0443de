/* rsampler.h: the cgroup sampler of a remote engine, run on that engine's
 * host (rsampler.c).
 *
 * For an engine that is not provably this machine's (engine_remote), this
 * machine's cgroup files say nothing about the cell: the sampler then runs
 * as a container of its own on the engine (the static jockey-sampler of
 * runners/sampler in an image FROM scratch, built there on first use), with
 * the host's /sys/fs/cgroup bound read-only and the host's PID namespace,
 * and streams its samples back through the engine's log stream. sampler.c
 * turns what it sends into the same series and totals as the local
 * sampler's.
 */
#ifndef JOCKEY_RUN_RSAMPLER_H
#define JOCKEY_RUN_RSAMPLER_H

#include <stdio.h>

#include <jansson.h>

#include "runners/run/cgroup.h"
#include "runners/run/engine.h"

struct rsampler;

/* The *why of a sampler stopped by a signal (the engine's cancel flag):
 * not to be printed, as nothing is after a signal (ninja has closed the
 * edge's output by then, and a write would kill the edge mid-cleanup). */
#define RSAMPLER_INTERRUPTED "interrupted"

/* The final reading the remote sampler sent. */
struct rsampler_end {
	struct cgreading r;
	long long net_rx, net_tx;
	long long mem_max, pids_max; /* the samples' maxima */
	long samples;
	double self_cpu_s;           /* the sampler process's own CPU time since it was ready */
	char io_source[16];          /* "cgroup" or "proc" */
};

/* What the sampler saw of the engine's host. */
struct rsampler_host {
	char kernel[128];
	char cpu_model[256];
	int ncpu;
	int v2;                      /* cgroup v2 */
};

/* Start the sampler container NAME on e's engine (from e's thread) for the
 * cgroup parent CGNAME ("/jockey-..."), reading every interval_ms; its rows
 * are appended to tsv (which must outlive it) as they arrive. labels
 * (borrowed, may be NULL) go on the container. Returns once the sampler
 * reads, with *host filled in; NULL with *why (fresh) when it cannot sample
 * there (the image cannot be built, the engine refuses the container, no
 * cgroup file system...). */
struct rsampler *rsampler_start(struct engine *e, const char *name, const char *cgname,
				json_t *labels, int interval_ms, FILE *tsv,
				struct rsampler_host *host, char **why);
/* Stop it (SIGTERM), wait for its final reading into *end and remove its
 * container. 0, or -1 with *why (fresh). Frees rs. */
int rsampler_stop(struct rsampler *rs, struct engine *e, struct rsampler_end *end, char **why);

/* Remove the cgroup parent CGNAME (made there by the engine for the cell's
 * containers, which must be gone) from the engine's host: a short container
 * NAME of the sampler's image, the one with the host's /sys/fs/cgroup
 * writable, running 'jockey-sampler --remove'. 0, or -1 with *why. */
int rsampler_remove_parent(struct engine *e, const char *name, const char *cgname, json_t *labels,
			   char **why);

#endif
