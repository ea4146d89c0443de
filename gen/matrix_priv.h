/* matrix_priv.h: what matrix.c (loading, validation) and matrix_expand.c
 * (the cell product) share; not for other modules.
 *
 * Problems are collected as diagnostics rather than printed at once, so that
 * matrix_load can report every one of them in file order, each once, even when
 * an alias makes the loader visit the same node twice. */
#ifndef JOCKEY_MATRIX_PRIV_H
#define JOCKEY_MATRIX_PRIV_H

#include <stddef.h>

#include "gen/matrix.h"
#include "base/util.h"

struct diag {
	struct mark mark;       /* 0:0 for a problem of the whole file */
	size_t seq;             /* order of discovery: ties keep it */
	char *msg;              /* owned */
};

struct diags {
	const char *file;       /* borrowed: the path as the user gave it */
	struct diag *v;
	size_t n, cap;
};

void diag_add(struct diags *d, struct mark mark, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* Print every diagnostic as "jockey: FILE:LINE:COL: MSG", sorted by place,
 * identical ones once; return how many were printed. */
size_t diag_print(struct diags *d);
void diag_release(struct diags *d);

/* Lowercase s; every character outside [a-z0-9._-] becomes '-'. Fresh string. */
char *matrix_slug(const char *s);

/* The cell product of a loaded (already checked) matrix, problems added to d.
 * Returns 0 or -1. */
int matrix_expand_diag(const struct matrix *m, struct cell **cells, size_t *ncells,
                       struct diags *d);

/* More cells than this is surely a mistake (and would take hours to run). */
#define MATRIX_MAX_CELLS 100000

#endif
