/* profile.h: a cell's CPU profile as the run side writes it
 * (cells/ID/profile.json, docs/results.md) and the hot-function diff of two
 * cells: which functions' self share changed most, matched by symbol and
 * DSO basename, so that musl's memcpy and glibc's memcpy are two rows. */
#ifndef JOCKEY_PROFILE_H
#define JOCKEY_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define PROFILE_JSON   "profile.json"   /* in cells/ID/ */
#define PROFILE_FOLDED "profile.folded" /* in cells/ID/, absent when unavailable */
#define PROFILE_MAX_FUNCTIONS 200       /* the run side lists at most these */

/* One function of profile.json, its shares summed over the processes that
 * ran it (a shell's strcmp in sh and in its subshells is one row). */
struct profile_fn {
	char *symbol;        /* "[unknown]" when not resolved */
	char *dso;           /* the DSO's basename */
	int stripped;        /* the DSO has no symbol table */
	long samples;
	double self;         /* share of all samples where it is the leaf, 0..1 */
	double self_lo, self_hi; /* the interval of self over the repetitions */
	double total;
};

struct cell_profile {
	char *unavailable;   /* why the cell has no profile, or NULL */
	char *event, *call_graph, *perf_version, *symfs; /* "" when absent */
	int repetitions, frequency;
	long samples;
	struct profile_fn *fn; /* sorted by self, descending */
	size_t n;
};

/* Read path (a profile.json) into p. 0; -1 with a message ("PATH: ...")
 * when it cannot be read or is not a profile. Release with profile_release. */
int profile_load(struct cell_profile *p, const char *path);
/* The same from a parsed object; where names the file in messages. */
int profile_from_json(struct cell_profile *p, json_t *o, const char *where);
void profile_release(struct cell_profile *p);
/* Cell id's profile.json of results folder dir, fresh; NULL when there is
 * none. */
char *profile_path(const char *dir, const char *id);
/* DIR/cells/ID/NAME (NAME: PROFILE_JSON or PROFILE_FOLDED), fresh. */
char *profile_file(const char *dir, const char *id, const char *name);
/* For 'jockey compare --profile': the profile of cell id `cell` of results
 * folder dir, or with dir NULL of the cell folder `cell` (DIR/cells/ID).
 * *label is set to the cell's folder, fresh (also on failure). 0; -1 with a
 * message when there is no such cell, no profile.json, or the profile is
 * unavailable (the message gives its reason). */
int profile_open(struct cell_profile *p, const char *dir, const char *cell, char **label);
/* Cell id's profile of results folder dir in words (profile_text), fresh;
 * NULL when it has no profile.json; "unreadable: WHY" when it cannot be
 * read (a file that is JSON but no profile also prints why). */
char *profile_read_text(const char *dir, const char *id);
/* "3 reps, 12,345 samples" or "unavailable: REASON", fresh. */
char *profile_text(const struct cell_profile *p);

/* One row of a hot-function diff. Shares are 0..1; a function absent from a
 * profile has share 0 there, and interval [0, the smallest share listed]
 * when the list was cut at PROFILE_MAX_FUNCTIONS, else [0, 0]. */
struct profile_change {
	const char *symbol, *dso; /* borrowed from the profiles compared */
	double a, a_lo, a_hi;
	double b, b_lo, b_hi;
	double delta;             /* b - a */
	int beyond;               /* b outside a's interval and a outside b's */
	int stripped;             /* its DSO has no symbol table (on either side) */
};

/* The functions of a and b by (symbol, dso), sorted by |delta| descending
 * (then by symbol and dso, so the order is stable). *out is fresh; the
 * number of rows is returned. */
size_t profile_diff(const struct cell_profile *a, const struct cell_profile *b, struct profile_change **out);
/* The first n rows of a diff as a JSON array of objects (symbol, dso,
 * stripped, a, b, delta, a_interval, b_interval, beyond). New reference. */
json_t *profile_diff_json(const struct profile_change *c, size_t n);
/* The first n rows of a diff as a table: function, DSO ("busybox
 * (stripped)" when it has no symbol table), share in A, share in B, the change in percentage points and whether it is beyond both
 * intervals. */
void profile_diff_print(FILE *out, const struct profile_change *c, size_t n);

#endif
