/* order.c: the interleaved order of the run edges (see order.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/util.h"
#include "gen/order.h"

int
order_interleaved(const struct gen *g)
{
	return !g->m->sequential && g->ncells > 1;
}

/* Cells (in id order) shuffled as a block: see order_steps in order.h. */
enum { ORDER_BLOCK = 256 };

struct keyed {
	uint64_t key;
	size_t cell;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->cell < y->cell ? -1 : x->cell > y->cell;
}

struct order_step *
order_steps(const struct gen *g, size_t *n)
{
	struct keyed *k = xcalloc(g->ncells ? g->ncells : 1, sizeof(*k));
	uint64_t *idhash = xcalloc(g->ncells ? g->ncells : 1, sizeof(*idhash));
	struct order_step *v;
	size_t i, m, total = 0;
	int r, rmax = 0;

	for (i = 0; i < g->ncells; i++) {
		const struct cell *c = &g->cells[i];
		int reps = c->bench->warmup + c->repeat;
		idhash[i] = hash_str(HASH_INIT, c->id);
		total += (size_t)reps;
		if (reps > rmax)
			rmax = reps;
	}
	v = xcalloc(total ? total : 1, sizeof(*v));
	*n = 0;
	for (r = 1; r <= rmax; r++) {
		for (i = m = 0; i < g->ncells; i++) {
			const struct cell *c = &g->cells[i];

			if (c->bench->warmup + c->repeat < r)
				continue;
			uint64_t round = hash_mix((uint64_t)g->m->seed * 0x9e3779b97f4a7c15ull + (uint64_t)r);

			/* the block's place in the round in the high bits, the
			 * cell's place in its block in the low ones */
			k[m].key = (hash_mix(round ^ (i / ORDER_BLOCK)) & ~(uint64_t)0xffff) |
				   (hash_mix(round ^ idhash[i]) & 0xffff);
			k[m++].cell = i;
		}
		qsort(k, m, sizeof(*k), keyed_cmp);
		for (i = 0; i < m; i++) {
			v[*n].cell = k[i].cell;
			v[(*n)++].rep = r;
		}
	}
	free(k);
	free(idhash);
	return v;
}
