/* strmap.c: a hash table from strings to indexes (see strmap.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/strmap.h"
#include "base/util.h"

/* Where key (of hash h) is, or the empty slot where it would go. A slot's
 * own hash is compared first: at 100,000 cell ids a strcmp per probe (a
 * cache miss for the key) was a tenth of gen's time (bench/gen). */
static struct strmap_slot *
slot(const struct strmap *m, const char *key, size_t h)
{
	/* FNV-1a's low bits vary little between ids that differ in a digit or
	 * two: a final mix (MurmurHash3's fmix64) spreads them over the table,
	 * where linear probing would otherwise walk long runs. */
	uint64_t x = h;
	size_t i;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	i = (size_t)x & (m->cap - 1);

	while (m->v[i].key && (m->v[i].hash != h || strcmp(m->v[i].key, key) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static void
grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t i;

	m->cap = m->cap ? 2 * m->cap : 64;
	m->v = xcalloc(m->cap, sizeof(*m->v));
	for (i = 0; i < old.cap; i++)
		if (old.v[i].key)
			*slot(m, old.v[i].key, old.v[i].hash) = old.v[i];
	free(old.v);
}

int
strmap_add(struct strmap *m, const char *key, size_t value, size_t *old)
{
	struct strmap_slot *s;
	size_t h = (size_t)hash_str(HASH_INIT, key);

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	s = slot(m, key, h);
	if (s->key) {
		if (old)
			*old = s->value;
		return 0;
	}
	s->key = key;
	s->value = value;
	s->hash = h;
	m->n++;
	return 1;
}

int
strmap_get(const struct strmap *m, const char *key, size_t *value)
{
	const struct strmap_slot *s;

	if (!m->cap)
		return 0;
	s = slot(m, key, (size_t)hash_str(HASH_INIT, key));
	if (!s->key)
		return 0;
	if (value)
		*value = s->value;
	return 1;
}

void
strmap_release(struct strmap *m)
{
	free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}
