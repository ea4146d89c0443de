/* aggcache.h: the aggregate's cache of collected cells, so that an
 * aggregate after one cell was rerun reads that cell's files only.
 *
 * stamps/aggregate.cache holds, per cell, what the aggregate collected
 * (its statuses, samples, statistics and history hashes, before the
 * baseline is applied) and the key it was collected under: the stamps
 * (mtime in ns, size, inode) of every file it read and of each repetition's
 * folder (a file made, renamed or removed there moves the folder's mtime),
 * with the cell's repeat and warmup. A first line holds the key of what all
 * cells share: jockey's version and its binary's stamp, max_cv and the
 * context tree stamps. A cell
 * whose key is unchanged is taken from the cache; any other is collected
 * again. The file is only a cache: a missing, damaged or foreign one is
 * ignored and written anew.
 *
 *   ID \t KEY \t COLLECTED-CELL-AS-COMPACT-JSON \n   (one line a cell) */
#ifndef JOCKEY_AGGCACHE_H
#define JOCKEY_AGGCACHE_H

#include <jansson.h>

struct aggcache;

/* The cache at path (relative to the results folder, the working folder),
 * valid only when its first line is global (see aggcache_global_key);
 * never fails: an unusable file gives an empty cache. */
struct aggcache *aggcache_load(const char *path, const char *global);
/* The key of matrix.json's cell c: the stamps of the files the aggregate
 * reads for it (fresh). */
char *aggcache_cell_key(json_t *c);
/* The key all cells share: jockey's version and binary, max_cv and the stamps of the
 * context trees the history hash reads (fresh). */
char *aggcache_global_key(double max_cv);
/* The cached cell of id collected under key (a new reference), or NULL; a
 * hit is kept for aggcache_save. */
json_t *aggcache_get(struct aggcache *c, const char *id, const char *key);
/* Keep cell (dumped now: later changes to it do not count) as id's under
 * key, for aggcache_save. */
void aggcache_put(struct aggcache *c, const char *id, const char *key, json_t *cell);
/* Write the cells got or put since the load, atomically. 0, or -1 with a
 * message. */
int aggcache_save(struct aggcache *c, const char *path);
void aggcache_free(struct aggcache *c);

#endif
