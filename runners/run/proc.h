/* proc.h: a side's life cycle, the same for both kinds of side.
 *
 * proc_load reads a side from run.json and picks its kind: a container
 * (container.c) or a native process (native.c; native_null.c in jockey-edge,
 * which hands native cells to jockey). Each kind fills in a struct proc_ops;
 * the proc_* functions do what is common (the log, the cgroup parent, the
 * sampler's end) and call the kind for the rest. The order: proc_load,
 * proc_open, proc_prepare, proc_start, proc_wait (until it exits or the
 * deadline), proc_kill on a timeout, proc_finish (its final state), and
 * proc_cleanup on every path, a signal included; proc_release at the very
 * end.
 */
#ifndef JOCKEY_RUN_PROC_H
#define JOCKEY_RUN_PROC_H

#include <jansson.h>

#include "base/buf.h"
#include "runners/run/outcome.h"
#include "runners/run/run.h"

/* How long a side may take to stop after SIGTERM before it is killed. */
#define STOP_S 5

/* How a wait for a side ended. */
enum proc_wait {
	PROC_WAIT_ERROR = -1, /* printed, or a signal */
	PROC_EXITED = 0,
	PROC_DEADLINE = 1     /* the time is up, and it still runs */
};

/* What a kind of side does. Every operation but those marked optional is
 * set; -1 is an error, printed (run_error), as everywhere. */
struct proc_ops {
	/* Optional: before anything runs (native: the image's root file
	 * system and config). 0 or -1. */
	int (*prepare)(struct run *r, struct proc *p);
	/* Start it and its sampler: OUTCOME_FAILED when it could not start
	 * (p->failure says why). */
	enum outcome (*start)(struct run *r, struct proc *p);
	/* Wait until it exits or deadline (0: none) passes. A container's
	 * output goes to p->log here. */
	enum proc_wait (*wait)(struct run *r, struct proc *p, long long deadline);
	/* Kill it and wait until it is gone. */
	void (*kill)(struct run *r, struct proc *p);
	/* Optional: its final state (exit code, times) after wait. 0 or -1. */
	int (*finish)(struct run *r, struct proc *p, long long deadline);
	/* 1 while it runs, 0 once it has exited, -1 error. */
	int (*running)(struct run *r, struct proc *p);
	/* The exit code of a side that has exited by itself. 0 or -1. */
	int (*exit_code)(struct run *r, struct proc *p, int *code);
	/* Its output so far, into b (reset first). 0 or -1. */
	int (*output)(struct run *r, struct proc *p, struct buf *b);
	/* Run argv in it (a readiness command) until deadline: 1 when it
	 * exits 0, 0 when it does not (or is still running at the deadline),
	 * -1 error. */
	int (*ready_exec)(struct run *r, struct proc *p, json_t *argv, long long deadline);
	/* Stop it (SIGTERM, SIGKILL after STOP_S), keeping its log and final
	 * state. 0 or -1. */
	int (*stop)(struct run *r, struct proc *p);
	/* Optional, in the cleanup: halt before its sampler stops (nothing of
	 * it may run on), remove after (what the engine made for it). */
	void (*halt)(struct run *r, struct proc *p);
	void (*remove)(struct run *r, struct proc *p);
	/* Optional: free the kind's state. */
	void (*release)(struct proc *p);
};

extern const struct proc_ops container_ops, native_ops;

/* Side role ("main", "server" or "client") of r from run.json: its image,
 * kind, network mode, names and temporary files; host_settings: the host
 * config applies to it. 0 or -1. */
int proc_load(struct run *r, struct proc *p, const char *role, int host_settings);
/* Its log file and cgroup parent. 0 or -1. */
int proc_open(struct proc *p);
/* What its kind needs before anything runs (native: the image's root file
 * system, exported into the cache unless it is there). 0 or -1. */
int proc_prepare(struct run *r, struct proc *p);

enum outcome proc_start(struct run *r, struct proc *p);
enum proc_wait proc_wait(struct run *r, struct proc *p, long long deadline);
/* Its time is up: kill it and record the timeout. */
void proc_kill(struct run *r, struct proc *p);
int proc_finish(struct run *r, struct proc *p, long long deadline);
int proc_running(struct run *r, struct proc *p);
int proc_exit_code(struct run *r, struct proc *p, int *code);
int proc_output(struct run *r, struct proc *p, struct buf *b);
int proc_ready_exec(struct run *r, struct proc *p, json_t *argv, long long deadline);
int proc_stop(struct run *r, struct proc *p);
/* A side run to its end: start, wait with the cell's timeout, kill it when
 * the time is up, read its final state. 0 when the outcome is known (a side
 * that could not start has p->failure), -1 error. */
int proc_run(struct run *r, struct proc *p);
/* Stop the sampler, remove the container and the cgroup parent. */
void proc_cleanup(struct run *r, struct proc *p);
/* Close the log, reporting a write error: 0 or -1. */
int proc_close_log(struct proc *p);
/* Free what proc_load and the rest made, and remove its temporary files. */
void proc_release(struct proc *p);

#endif
