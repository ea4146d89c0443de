/* out.h: files rendered in memory in full, then written where their
 * content changed, which keeps the mtimes of the others (ninja then skips
 * what did not move). */
#ifndef JOCKEY_OUT_H
#define JOCKEY_OUT_H

#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"

/* How gen writes JSON: keys sorted, indented, and 15 digits, so that what
 * people write (0.05, 1.5) reads back as they wrote it. */
#define OUT_JSON_FLAGS (JSON_SORT_KEYS | JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* A file to write. */
struct out {
	char *path;  /* owned: relative to the results folder */
	char *data;  /* owned */
	size_t len;
};

struct outs {
	struct out *v;
	size_t n;
};

/* Append o dumped with flags and a newline to b, with room for guess bytes
 * reserved first (0: none). */
void out_json_put(struct buf *b, json_t *o, size_t flags, size_t guess);
/* Add a file: path (stolen) holding o (stolen) dumped with flags and a
 * newline; guess: the size to reserve, 0 if unknown. */
void outs_add_json(struct outs *outs, char *path, json_t *o, size_t flags, size_t guess);
/* Add path (stolen) holding o (stolen) dumped with OUT_JSON_FLAGS. */
void outs_add(struct outs *outs, char *path, json_t *o);
void outs_push(struct outs *outs, struct out o);
/* Write each file (under dir, or the current folder when NULL) whose
 * content changed; *written (when not NULL) grows by how many were. 0, or
 * -1 after a message for each file that could not be written. */
int outs_write(const char *dir, const struct outs *outs, size_t *written);
void outs_release(struct outs *outs);

/* Write data to path unless it holds it already: 1 if written, 0 if
 * unchanged, -1 with a message. lastdir (may be NULL) remembers the folder
 * made last, so that a run of new files in one folder skips mkdir. */
int out_write(const char *path, const char *data, size_t len, struct buf *lastdir);

#endif
