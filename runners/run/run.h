/* run.h: one repetition of a cell, the state that the modules running it
 * share: cell.c (from run.json to the outputs), proc.c (a side's life cycle),
 * container.c and native.c (the two kinds of side), pair.c (server and
 * client), outputs.c and provenance.c (what is written at the end).
 *
 * A struct proc is one measured side: the single container of a plain cell,
 * or the server or the client of a pair; each runs in a container or, on a
 * native host, as a process tree chrooted into the image's exported root
 * file system. Each has its own cgroup parent, sampler, log and outcome.
 *
 * The calls go one way: cell -> pair -> proc -> container or native (through
 * the operations table proc.h declares) -> run.c (this header's functions),
 * engine and metrics. A benchmark's failure is data (outcome.h).
 */
#ifndef JOCKEY_RUN_RUN_H
#define JOCKEY_RUN_RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include <jansson.h>

#include "base/format/run.h"
#include "base/util.h"
#include "runners/run/cgroup.h"
#include "runners/run/engine.h"
#include "runners/run/sampler.h"

/* How often the sampler reads the cgroup files. */
#define SAMPLE_MS 200
/* How long the cleanup after a timeout or a signal may take per request. */
#define CLEANUP_MS 30000

/* Set by SIGINT and SIGTERM (run_signals_install): every wait stops and
 * the cleanup runs. */
extern volatile sig_atomic_t run_signal;

struct native;
struct proc_ops;

struct proc {
	const char *role;      /* "main", "server" or "client" (static) */
	const struct proc_ops *ops; /* its kind: container or native (proc.h) */
	struct runconf_side *side; /* run.json's "main", "server" or "client" (in run->rc) */
	char *image_id;        /* from the side's image_stamp */
	int native;            /* chrooted process, not a container */
	int remote;            /* a container on an engine not on this machine (engine_remote):
	                        * its cgroup parent is that host's, sampled there */
	int remote_started;    /* its sampler container started there: the parent is removed there */
	int host_settings;     /* the host config applies to this side (apply_to) */
	const char *net_mode;  /* container: its NetworkMode (borrowed); native: "host" */
	char *name;            /* the container's name and the cgroup parent's, unique */
	struct cgparent cg;
	int have_cg;
	struct sampler *sampler;
	char *log_tmp;         /* the log, until renamed into place */
	char *tsv_tmp;         /* the sampler's series, until renamed into place */
	FILE *log;
	int created;           /* container: it may exist, remove it at the end */
	json_t *stopped;       /* container: an inspection made after it stopped (owned), or NULL */
	struct native *nat;    /* native: native.c's state (owned) */
	long long t0_ms;       /* when it started (monotonic ms) */
	/* What happened. */
	int exit_code;
	int timed_out;
	int oom_killed;
	char *failure;         /* why it could not start (owned), or NULL: outcome.h */
	char *started, *finished; /* RFC 3339 times (owned) */
	json_t *summary;       /* the sampler's totals (owned) */
};

struct run {
	const char *run_json;  /* cells/ID/run.json */
	json_t *config;        /* its content */
	struct runconf rc;     /* the content decoded (borrowing from config) */
	const char *cell;      /* ID */
	int rep;
	char *dir;             /* cells/ID/REP */
	long timeout_ms;       /* 0: none */
	struct engine *e;
	json_t *info;          /* GET /info, for provenance (owned, may be NULL) */
	json_t *image_facts;   /* the image under test's sizes (imagefacts.h; owned, may be NULL) */
	struct engine *info_e; /* the client fetching it in info_thread; NULL once joined */
	pthread_t info_thread;
	int info_rc;           /* info_thread's result: 0, or -1 (info_e's error says why) */
	json_t *machine;       /* the machine's state before the run (machine.h; owned) */
	int other_containers;  /* running containers not jockey's, asked with /info; -1: unknown */
	int pair;              /* server + client; main is the client */
	struct proc main;      /* the plain container, or the client: its log is the cell's */
	struct proc server;    /* pairs only */
	char *network;         /* the cell's private network's name, or NULL */
	int net_created;       /* the network may exist: remove it at the end */
	char *failure;         /* the cell failed before its main process ran (owned): outcome.h */
	char *server_gone;     /* a pair's server exited before its client did: its code and last
	                        * line, for the client's failure reason (owned), or NULL */
};

/* Make SIGINT and SIGTERM set run_signal, without SA_RESTART, so that a
 * blocking call returns EINTR and the flag is seen. */
void run_signals_install(void);
/* The monotonic clock in milliseconds. */
long long now_ms(void);
/* The wall clock as RFC 3339 with nanoseconds, as the engine writes it (fresh). */
char *run_rfc3339_now(void);
/* The time left before deadline for a request, 0 (no limit) without a timeout. */
long run_time_left(const struct run *r, long long deadline);
/* Side p's sampler: this machine's thread on its cgroup parent, or for a
 * remote engine (p->remote) the sampler container on that engine's host
 * (sampler_start_remote), named after p. NULL with a message as
 * sampler_start. */
struct sampler *run_sampler_start(struct run *r, struct proc *p);
/* A failed engine call, "run 'ID' rep N: WHAT: <engine's message>" (WHAT a
 * printf format); quiet after a signal. Returns -1. */
int run_error(const struct run *r, const char *fmt, ...) ATTR_PRINTF(2, 3);

#endif
