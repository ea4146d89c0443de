/* run.h: one repetition of a cell, shared by cmd_run_cell.c (the plain
 * container run and the process life cycle), pair.c (server and client) and
 * native.c (processes chrooted into the image's files).
 *
 * A struct proc is one measured side: the single container of a plain cell,
 * or the server or the client of a pair; each runs in a container or, on a
 * native host, as a process tree chrooted into the image's exported root
 * file system. Each has its own cgroup parent, sampler, log and outcome.
 * The life cycle is the same for both kinds: proc_start, proc_wait (until it
 * exits or the deadline), proc_kill on a timeout, proc_finish (its final
 * state), proc_cleanup (on every path, a signal included).
 */
#ifndef JOCKEY_RUN_H
#define JOCKEY_RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "runners/run/engine.h"
#include "runners/run/metrics.h"

/* How often the sampler reads the cgroup files. */
#define SAMPLE_MS 200
/* How long the cleanup after a timeout or a signal may take per request. */
#define CLEANUP_MS 30000

/* Set by SIGINT and SIGTERM: every wait stops and the cleanup runs. */
extern volatile sig_atomic_t run_signal;

struct native;

struct proc {
	const char *role;      /* "main", "server" or "client" (static) */
	json_t *side;          /* borrowed: run.json's "main", "server" or "client" */
	char *image_id;        /* from the side's image_stamp */
	int native;            /* chrooted process, not a container */
	int host_settings;     /* the host config applies to this side (apply_to) */
	const char *net_mode;  /* container: its NetworkMode (borrowed); native: "host" */
	char *name;            /* the container's name and the cgroup parent's, unique */
	struct cgparent cg;
	int have_cg;
	struct sampler *sampler;
	char *log_tmp;         /* the log, until renamed into place */
	char *tsv_tmp;         /* the sampler's series, until renamed into place */
	FILE *log;
	int created;           /* a container may exist: remove it at the end */
	json_t *stopped;       /* container: an inspection made after it stopped (owned), or NULL */
	struct native *nat;    /* native.c's state (owned), NULL for a container */
	pid_t pid;             /* native: the process (and group) started, 0 when none */
	int pidfd;             /* native: pid's pidfd, -1 when none */
	long long t0_ms;       /* when it started (monotonic ms) */
	/* What happened. */
	int exited;            /* native: reaped */
	int exit_code;
	int timed_out;
	int oom_killed;
	char *failure;         /* why it could not start (owned), or NULL */
	char *started, *finished; /* RFC 3339 times (owned) */
	json_t *summary;       /* the sampler's totals (owned) */
};

struct run {
	const char *run_json;  /* cells/ID/run.json */
	json_t *config;        /* its content */
	const char *cell;      /* ID */
	int rep;
	char *dir;             /* cells/ID/REP */
	long timeout_ms;       /* 0: none */
	struct engine *e;
	json_t *info;          /* GET /info, for provenance (owned, may be NULL) */
	struct engine *info_e; /* the client fetching it in info_thread; NULL once joined */
	pthread_t info_thread;
	int info_rc;           /* info_thread's result: 0, or -1 (info_e's error says why) */
	int pair;              /* server + client; main is the client */
	struct proc main;      /* the plain container, or the client: its log is the cell's */
	struct proc server;    /* pairs only */
	char *network;         /* the cell's private network's name, or NULL */
	int net_created;       /* the network may exist: remove it at the end */
	char *failure;         /* the cell failed before its main process ran (owned) */
};

long long now_ms(void);
/* The time left before deadline for a request, 0 (no limit) without a timeout. */
long run_time_left(const struct run *r, long long deadline);
/* A failed engine call, "run 'ID' rep N: WHAT: <engine's message>"; quiet
 * after a signal. Returns -1. */
int run_error(const struct run *r, const char *what);

/* The life cycle of a side (container or native). proc_start: 0, 1 when it
 * could not start (p->failure says why: the cell's failure), -1 error.
 * proc_wait: 0 exited, 1 the deadline passed, -1 error or signal; a
 * container's output goes to p->log. proc_finish: its final state
 * (exit code, times), after proc_wait. */
int proc_start(struct run *r, struct proc *p);
int proc_wait(struct run *r, struct proc *p, long long deadline);
void proc_kill(struct run *r, struct proc *p);
int proc_finish(struct run *r, struct proc *p, long long deadline);
/* Stop the sampler, remove the container and the cgroup parent. */
void proc_cleanup(struct run *r, struct proc *p);
/* A side run to its end: start, wait with the cell's timeout, kill it when
 * the time is up, read its final state. 0 when the outcome is known. */
int proc_run(struct run *r, struct proc *p);
/* Whether it still runs: 1, 0, or -1 on an engine error. */
int proc_running(struct run *r, struct proc *p);

/* A container's inspection (new reference in *out). */
int container_inspect(struct run *r, const struct proc *p, json_t **out);

/* pair.c: run the server, wait until it is ready, run the client (main),
 * stop the server. 0 when the outcome is known (a failure is recorded in
 * r->failure or main's state), -1 on an error. */
int pair_run(struct run *r);
/* Remove the private network, if any. */
void pair_cleanup(struct run *r);

/* native.c */
/* Before anything runs (it changes the working folder for a moment): the
 * image's root file system, exported into the cache unless it is there,
 * and what the process needs from the image's config. */
int native_prepare(struct run *r, struct proc *p);
void native_free(struct native *n);
/* Start p chrooted into its image's root file system, exported once per
 * image id into the cache. As proc_start. */
int native_start(struct run *r, struct proc *p);
/* Wait for the process until deadline (0: none); as proc_wait. */
int native_wait(struct run *r, struct proc *p, long long deadline);
/* Kill the process group and reap it. */
void native_kill(struct proc *p);
/* 1 while the process has not exited. */
int native_running(struct proc *p);
/* Run argv chrooted as p's image (a ready command): its exit code, or -1. */
int native_exec(struct run *r, struct proc *p, json_t *argv, long long deadline);

#endif
