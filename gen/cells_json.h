/* cells_json.h: matrix.json's "cells" list, written as text.
 *
 * With 100,000 cells it is most of gen's JSON: building it as a jansson tree,
 * dumping it and freeing the tree took half of gen's CPU time (bench/gen).
 * This writes the same bytes jansson would (JSON_INDENT(2), keys in order, at
 * depth 1) straight into a buffer; t-cells-json checks it against jansson. */
#ifndef JOCKEY_CELLS_JSON_H
#define JOCKEY_CELLS_JSON_H

#include <stddef.h>

#include "base/buf.h"
#include "gen/matrix.h"

/* Append the JSON list of cells[0..n) (id, axes, repeat, warmup) to b, as
 * json_dump_callback with JSON_INDENT(2) prints a list that is the value of
 * a top-level key. */
void cells_json_put(struct buf *b, const struct cell *cells, size_t n);

/* Append s as a JSON string, exactly as jansson dumps it (escaped). */
void cells_json_string(struct buf *b, const char *s);

#endif
