/* compose.h: a cell's files (cells/ID/run.json and cell.json beside it)
 * and an image's file (images/KEY.json), each a pure function of the axis
 * files (conf.h) that gen wrote. gen composes them itself for small
 * matrices; the 'cells' and 'images' edges compose them for the others,
 * from the files on disk, so that both give the same bytes. */
#ifndef JOCKEY_COMPOSE_H
#define JOCKEY_COMPOSE_H

#include <stddef.h>

#include <jansson.h>

#include "gen/out.h"

/* Add cells/ID/cell.json and cells/ID/run.json of cell id to outs, from its
 * base, benchmark and host files' objects; the image ids in run.json are
 * read from the stamps under dir (the current folder when NULL). */
void compose_cell(const char *id, const json_t *base, const json_t *bench, const json_t *host,
		  const char *dir, struct outs *outs);
/* images/KEY.json (a new object) of image key from its recipe's and its
 * base's objects; base_file: IMG of base/IMG.json. */
json_t *compose_image(const char *key, const json_t *recipe, const json_t *base, const char *base_file);

/* The edges' operands FIXED... IN... -- OUT... (argv[0] the command's
 * name): how many IN and OUT follow the fixed operands (as many of each, at
 * least one); 0 when argv is not of that form. */
size_t compose_pairs(int argc, char *const *argv, int fixed);

/* The 'cells' edge: from the axis files (paths relative to the current
 * folder, the results folder) of one image:tag and one benchmark, and the
 * host file of each of n cells, write each cell's cells/ID/run.json (runs[i],
 * with hosts[i]) and cells/ID/cell.json beside it, where they changed. 0, or
 * -1 with a message. */
int compose_cells(const char *base_json, const char *bench_json, const char *const *hosts,
		  const char *const *runs, size_t n);
/* The 'images' edge: from an image recipe (conf/image/RECIPE.json) and, for
 * each of n image keys, its base file (bases[i], base/IMG.json), write
 * outs[i] = images/KEY.json where it changed. 0, or -1 with a message. */
int compose_images(const char *recipe_json, const char *const *bases, const char *const *outs, size_t n);

#endif
