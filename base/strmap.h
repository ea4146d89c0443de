/* strmap.h: a hash table from strings to indexes: open addressing with
 * linear probing over a power-of-two table kept at most half full, keys
 * hashed with FNV-1a (base/hash.h) once: each slot keeps its key's hash.
 *
 * Keys are borrowed: each must stay valid and unchanged while the table
 * holds it. There is no removal (nobody needs it). */
#ifndef JOCKEY_STRMAP_H
#define JOCKEY_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	const char *key;  /* borrowed; NULL: an empty slot */
	size_t value;
	size_t hash;      /* the key's: probes and growth compare and reuse it */
};

struct strmap {
	struct strmap_slot *v;
	size_t cap;       /* slots: 0, or a power of two at least twice n */
	size_t n;         /* keys held */
};

#define STRMAP_INIT { NULL, 0, 0 }

/* Add key with value unless the table holds key already: 1 when added, 0
 * when it was there (then *old, when not NULL, is its value, which stays). */
int strmap_add(struct strmap *m, const char *key, size_t value, size_t *old);
/* 1 when the table holds key (and *value, when not NULL, is its value),
 * else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t *value);
/* Free the slots (not the keys) and leave m empty. */
void strmap_release(struct strmap *m);

#endif
