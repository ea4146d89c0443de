/* shard.h: CI shards (jockey gen --shard I/N, jockey run --shard I/N): each
 * job of a CI matrix gets a disjoint, stable share of the cells (docs/ci.md). */
#ifndef JOCKEY_SHARD_H
#define JOCKEY_SHARD_H

#include <stddef.h>

#include "gen/matrix.h"

/* Parse "I/N" (1 <= I <= N <= 4096) into *index, *count; 0, or -1 with a
 * message. */
int shard_parse(const char *s, int *index, int *count);
/* The shard (1..count) of a cell: rendezvous (highest random weight)
 * hashing of its id, so a cell's shard depends on nothing but its id and
 * count; adding or removing other cells moves no cell. */
int shard_of(const char *id, int count);
/* Keep the cells of shard index of count in place (freeing the others) and
 * set *n to their number. durations (may be NULL) is a results.json of an
 * earlier run (an unsharded one, or 'jockey merge'): cells whose duration it
 * knows may move from the most loaded shard to the least loaded, a bounded
 * greedy pass that never moves a cell it does not know. Every shard must be
 * given the same file. 0, or -1 with a message when it cannot be read. */
int shard_filter(struct cell *cells, size_t *n, int index, int count, const char *durations);

#endif
