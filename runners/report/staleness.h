/* staleness.h: why a cell is stale, in words, from the files of a results
 * folder alone (no ninja, no engine): what each image was last built from
 * (images/KEY.inputs.json, written by build-image) against the stamps as
 * they are now, and the mtimes of a cell's configuration against those of
 * its finished repetitions. Also the base images that moved during a run
 * (stamps/base/IMG.moved.json, written by probe when its stamp moves).
 */
#ifndef JOCKEY_STALENESS_H
#define JOCKEY_STALENESS_H

#include <stdio.h>
#include <time.h>

#include <jansson.h>

/* The reasons cell id of results folder dir would run again, a new array of
 * {kind, text, ...}: kind "base" (with ref, from, to), "context" (context),
 * "image" (key), "host" (host), "benchmark" (benchmark), "config", "parser".
 * Empty when nothing changed since its repetitions ran (or none ran). */
json_t *staleness_cell(const char *dir, const char *id);
/* The reasons as one line, "; "-separated (caller frees). */
char *staleness_text(json_t *reasons);

/* When the last `jockey run` of dir ended: DIR/run.json's mtime (zero when
 * there is none). Call it before this run rewrites run.json. */
struct timespec staleness_last_run(const char *dir);
/* The bases of dir whose digest moved at or after since (NULL: ever), a new
 * array of {ref, from, to, at}. With since = staleness_last_run(), a run
 * also names the moves that `jockey ls --probe` found before it. */
json_t *staleness_moved_bases(const char *dir, const struct timespec *since);
/* Print them, "jockey: base REF moved FROM -> TO" one a line. */
void staleness_print_moved(json_t *moved, FILE *out);

/* A digest or id shortened for people: "sha256:1a2b3c4d5e6f…" (NAME@ dropped). */
char *staleness_short_digest(const char *digest);

#endif
