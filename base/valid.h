/* valid.h: which outputs in a results folder count.
 *
 * An output that cannot be read is not an output: every reader of a
 * repetition's files treats an unreadable one as missing, and 'jockey run',
 * holding the folder's lock, removes them before ninja starts so that ninja
 * sees them missing and runs again exactly the edges that write them. A
 * repetition is finished when its samples.json loads as a JSON object with
 * a "metrics" array and its metrics.json, when there, loads too (a missing
 * log or metrics.json costs no numbers: the sweep has ninja run the
 * repetition again). Base layer. */
#ifndef JOCKEY_VALID_H
#define JOCKEY_VALID_H

enum valid_rep {
	VALID_MISSING,  /* no samples.json: not finished (or failed) */
	VALID_DONE,     /* finished */
	VALID_INVALID,  /* something there, but not a finished repetition */
};

/* The state of repetition rep of cell id in dir (NULL: the current folder);
 * for VALID_INVALID, *why (may be NULL) gets what is wrong, fresh:
 * "samples.json is unreadable: LINE:COL: ...". */
enum valid_rep valid_rep(const char *dir, const char *id, int rep, char **why);

/* Remove what cannot count in repetition rep of cell id in dir, so that
 * ninja runs its edges again: *.tmp.* leftovers of interrupted writes; an
 * unreadable samples.json (parse again); an unreadable or missing
 * metrics.json beside a log (run again: log, metrics.json, metrics.tsv and
 * samples.json go); an unreadable failed.json. Says what and why. The
 * number of outputs removed (leftovers not counted). */
int valid_sweep_rep(const char *dir, const char *id, int rep);
/* The same for the files of dir itself and of cell id: an unreadable
 * cells/ID/run.json, an empty stamp, *.tmp.* leftovers (id NULL: only the
 * folder's own: the top, stamps/, images/, base/, conf/). */
int valid_sweep_cell(const char *dir, const char *id);
/* valid_sweep_cell(dir, NULL), with results.json (which at 10,000 cells
 * takes seconds to parse) checked only when results is set. */
int valid_sweep_top(const char *dir, int results);

#endif
