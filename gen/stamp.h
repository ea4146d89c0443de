/* stamp.h: whether a results folder holds what gen would write, without
 * rendering it: gen leaves DIR/.jockey-gen (LAYOUT_GEN_STAMP) naming what
 * decides its output (the jockey and jockey-edge binaries by path, size,
 * mtime and inode; the matrix file by its path and a hash of its content;
 * the folder, $DOCKER_HOST, the shard, the durations file's content and
 * the folder's repeats.json, adaptive cells' repetitions) and
 * each file it wrote by mtime and size. 'jockey run' skips gen when all of
 * that still holds (docs/design.md, "jockey run"). Generate layer. */
#ifndef JOCKEY_STAMP_H
#define JOCKEY_STAMP_H

#include "gen/gen.h"

struct gen;

/* Write the stamp of g once its files are written: 0, or -1 with a message
 * (or silently, with no stamp, when one of its files is gone already). */
int stamp_write(const struct gen *g);
/* 1 when o->dir's stamp matches o and every file it lists, else 0. */
int stamp_fresh(const struct gen_options *o);

#endif
