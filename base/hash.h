/* hash.h: FNV-1a, 64 bits, the one hash of the project: image keys' build
 * args, history keys, shard weights, file and parser hashes, hash tables.
 * It detects change and spreads keys; it is no security boundary.
 * Persistent values depend on it (image keys, history), so it never changes. */
#ifndef JOCKEY_HASH_H
#define JOCKEY_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The FNV-1a offset basis: where every hash starts. */
#define HASH_INIT 14695981039346656037ULL

/* h extended by len bytes of data. */
static inline uint64_t
hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* h extended by the string s, without its NUL. */
static inline uint64_t
hash_str(uint64_t h, const char *s)
{
	return hash_bytes(h, s, strlen(s));
}

/* splitmix64's finaliser: spreads the bits of x (FNV alone mixes the last
 * bytes poorly into the high bits). */
static inline uint64_t
hash_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
