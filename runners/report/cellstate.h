/* cellstate.h: what a results folder holds for one cell, in the words
 * `jockey ls` and `jockey show` print: done, stale (and why), partial,
 * failed last time (and why) or never run. From the files alone. */
#ifndef JOCKEY_CELLSTATE_H
#define JOCKEY_CELLSTATE_H

#include <jansson.h>

struct cellstate {
	int reps;       /* warmup + repeat */
	int done;       /* finished repetitions (base/valid.h) */
	char *reason;   /* the first failed repetition's reason, or NULL */
	int failed_rep; /* its number, 0 when none */
	char *invalid;  /* the first unreadable repetition: "repetition N: WHY", or NULL */
	json_t *stale;  /* why it would run again: staleness_cell's reasons */
	char *profile;  /* its profile.json in words (profile_text), or NULL when none */
};

/* Read the state of cell id of results folder dir, which has reps
 * repetitions. Release with cellstate_release. */
void cellstate_read(struct cellstate *st, const char *dir, const char *id, int reps);
void cellstate_release(struct cellstate *st);
/* The state in words: "done", "stale: WHY", "failed last time: WHY",
 * "never run", "partial 1/3", "partial 2/3: repetition 2: WHY" (when one
 * cannot be read). Fresh. */
char *cellstate_text(const struct cellstate *st);
/* Why the finished repetitions of cell id have no cgroup totals (their
 * samples.json's cgroup_absent: a remote engine's sampler could not run),
 * the first found; NULL when they have them. Fresh. */
char *cellstate_cgroup_absent(const char *dir, const char *id, int reps);
/* The reason in a failed.json, or a description of why it is unreadable.
 * Fresh. */
char *cellstate_failed_reason(const char *path);

#endif
