/* diag.h: the matrix loader's problems, collected with their places.
 *
 * Problems are collected rather than printed at once, so that matrix_load
 * can report every one of them in file order, each once, even when an alias
 * makes the loader visit the same node twice. */
#ifndef JOCKEY_MATRIX_DIAG_H
#define JOCKEY_MATRIX_DIAG_H

#include <stddef.h>

#include "base/util.h"
#include "gen/matrix.h"

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

/* Add a problem at mark; the message is made one printable line. */
void diag_add(struct diags *d, struct mark mark, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* Print every diagnostic as "jockey: FILE:LINE:COL: MSG", sorted by place,
 * identical ones once; return how many were printed. */
size_t diag_print(struct diags *d);
void diag_release(struct diags *d);

#endif
