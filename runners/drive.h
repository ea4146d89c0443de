/* drive.h: ninja driven over a results folder for 'jockey run': its command
 * line (every cell, or the selected ones through .jockey-select.ninja, a file
 * rather than arguments: tens of thousands of cells would pass the kernel's
 * limit), SIGINT and SIGTERM forwarded to it (ninja passes them to the
 * running edges, which remove their containers), and afterwards the dry run
 * that tells which cells still have work due. Run layer. */
#ifndef JOCKEY_DRIVE_H
#define JOCKEY_DRIVE_H

#include <stddef.h>
#include <sys/types.h>

#include "gen/matrix.h"

/* ninja's command line, NULL-terminated. */
struct drive_argv {
	char *v[12];
	size_t n;
};

/* ninja -C dir -k 0 -j jobs (jobs may be NULL) and then "all". */
void drive_argv_all(struct drive_argv *a, const char *dir, const char *jobs);
/* ninja -C dir -k 0 -j jobs (jobs may be NULL) over the cells with keep[i]
 * set, named in dir's LAYOUT_SELECT_NINJA (which includes cells.ninja, where
 * a big matrix has its cell:ID targets). *ntargets: how many. 0, or -1 with
 * a message when the file cannot be written. */
int drive_argv_cells(struct drive_argv *a, const char *dir, const char *jobs, const struct cell *cells,
		     size_t n, const char *keep, int *ntargets);
/* ninja's -j when none is given: its own default (CPUs + 2) is too few when
 * several engines each run their pool's cells at once, and edges on a
 * remote engine mostly wait. Fresh. */
char *drive_jobs_default(size_t nengines, int depth);

/* Run argv, forwarding SIGINT and SIGTERM to it; its exit status, 128+N for
 * a signal, or -1 (with a message) if it could not start. */
int drive_run(char *const *argv);
/* Give the next drive_run's ninja fd as its stdout (progress.c reads it);
 * drive_run closes fd once ninja started (or failed to). */
void drive_output(int fd);
/* The pid of the ninja drive_run is running, or 0. */
pid_t drive_pid(void);
/* The signal that came during the last drive_run, or 0. */
int drive_interrupted(void);

/* After a failed ninja run, ask ninja (dry run, commands shown) which run
 * and parse edges are still due, through dir's LAYOUT_STATUS_NINJA: their
 * cells (sorted by id) get pending[i] set. 0, or -1 if ninja could not say. */
int drive_pending(const char *dir, const struct drive_argv *a, const struct cell *cells, size_t n,
		  char *pending);

/* Where dir's .ninja_log ends before ninja runs (ok: it is there). */
struct drive_log {
	int ok;
	ino_t ino;
	off_t size;
};
void drive_log_mark(const char *dir, struct drive_log *m);
/* After ninja ran: set ran[i] for each cell (sorted by id) with a
 * repetition's output in the entries ninja appended to dir's .ninja_log
 * since mark m, which are the edges that succeeded in this run. 0, or -1 when the log cannot tell
 * (it was rewritten, or is not there). */
int drive_log_ran(const char *dir, const struct drive_log *m, const struct cell *cells, size_t n,
		  char *ran);
#endif
