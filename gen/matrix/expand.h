/* expand.h: the cell product with its problems collected (matrix_load
 * checks a matrix by expanding it once; matrix_expand prints instead). */
#ifndef JOCKEY_MATRIX_EXPAND_H
#define JOCKEY_MATRIX_EXPAND_H

#include <stddef.h>

#include "gen/matrix.h"
#include "gen/matrix/diag.h"

/* More cells than this is surely a mistake (and would take hours to run). */
#define MATRIX_MAX_CELLS 100000

/* The cell product of a loaded (already checked) matrix, problems added to d.
 * Returns 0 or -1. */
int matrix_expand_diag(const struct matrix *m, struct cell **cells, size_t *ncells,
                       struct diags *d);

#endif
