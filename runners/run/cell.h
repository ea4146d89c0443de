/* cell.h: one repetition of a cell, from its run.json to its outputs: the
 * run-cell edge's work (cell.c).
 *
 * A plain cell is one side (a container, or on a native host a chrooted
 * process); a pair is a server and a client (pair.c). Each side runs under
 * a cgroup parent of jockey's own. Everything made is removed on every
 * path, a signal included: SIGINT and SIGTERM (run_signals_install) only
 * set run_signal, which stops the transfer or wait in progress (engine.h's
 * cancel), and the same cleanup runs before the caller exits. The outputs
 * are outputs.h's.
 */
#ifndef JOCKEY_RUN_CELL_H
#define JOCKEY_RUN_CELL_H

#include "runners/run/outcome.h"

/* Run repetition rep (from 1) of the cell whose run.json is run_json:
 * OUTCOME_OK; OUTCOME_FAILED when the benchmark failed (failed.json says
 * why, and the reason is printed); OUTCOME_ERROR with a message, or after
 * SIGINT or SIGTERM, when run_signal says which (run.h). */
enum outcome cell_run(const char *run_json, int rep);

/* Called around the benchmark of one repetition: before, once the sides'
 * cgroup parents exist and before anything starts (-1: an error, printed;
 * the repetition stops); after, once it has exited, before the cleanup. */
struct run;
struct cell_hooks {
	int (*before)(struct run *r, void *arg);
	void (*after)(struct run *r, void *arg);
	void *arg;
};
/* As cell_run, with its outputs in dir (NULL: cells/ID/REP) and hooks h
 * (may be NULL): the profile edge's extra repetitions. */
enum outcome cell_run_hooked(const char *run_json, int rep, const char *dir,
			     const struct cell_hooks *h);

#endif
