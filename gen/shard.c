/* shard.c: CI shards (see shard.h). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/files.h"
#include "base/hash.h"
#include "base/util.h"
#include "gen/shard.h"

int
shard_parse(const char *s, int *index, int *count)
{
	const char *slash = strchr(s, '/');
	char *end;
	long i, n;

	if (!slash || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)slash[1]))
		goto bad;
	i = strtol(s, &end, 10);
	if (end != slash)
		goto bad;
	n = strtol(slash + 1, &end, 10);
	if (*end || n < 1 || n > 4096 || i < 1 || i > n)
		goto bad;
	*index = (int)i;
	*count = (int)n;
	return 0;
bad:
	return error("shard '%s' is not I/N with 1 <= I <= N <= 4096 (e.g. 2/3)", s);
}

int
shard_of(const char *id, int count)
{
	uint64_t base = hash_bytes(HASH_INIT, id, strlen(id) + 1), best = 0, w;
	int k, shard = 1;

	/* Highest random weight: each shard draws a weight for the cell, the
	 * heaviest takes it. Changing count moves only the cells the new
	 * shard wins (or the removed one held). */
	for (k = 1; k <= count; k++) {
		unsigned char kb[4] = { (unsigned char)k, (unsigned char)(k >> 8), 0, 0 };

		w = hash_mix(hash_bytes(base, kb, sizeof(kb)));
		if (k == 1 || w > best) {
			best = w;
			shard = k;
		}
	}
	return shard;
}

/* The past duration of each cell, in seconds (0: unknown), from a
 * results.json: the median elapsed_s of its repetitions times their number. */
static double *
durations_load(const char *path, const struct cell *cells, size_t n)
{
	json_t *r = json_load_path(path, 0), *c;
	double *d;
	size_t i, k, lo, hi;

	if (!r)
		return NULL;
	if (!json_is_array(json_object_get(r, "cells"))) {
		error("'%s' is not a jockey results.json: it has no cells", path);
		json_decref(r);
		return NULL;
	}
	d = xcalloc(n ? n : 1, sizeof(*d));
	json_array_foreach(json_object_get(r, "cells"), k, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		json_t *el = json_object_get(json_object_get(c, "metrics"), "elapsed_s");
		double med = json_number_value(json_object_get(el, "median"));
		json_int_t reps = json_integer_value(json_object_get(c, "reps_total"));

		if (!id || med <= 0)
			continue;
		/* cells come sorted by id */
		for (lo = 0, hi = n; lo < hi;) {
			i = (lo + hi) / 2;
			if (strcmp(cells[i].id, id) < 0)
				lo = i + 1;
			else
				hi = i;
		}
		if (lo < n && strcmp(cells[lo].id, id) == 0)
			d[lo] = med * (double)(reps > 0 ? reps : 1);
	}
	json_decref(r);
	return d;
}

/* Move known cells from the most loaded shard to the least loaded while
 * that lowers the larger of the two, each cell at most once. Cells of
 * unknown duration weigh the mean of the known ones and stay where the hash
 * put them. Deterministic: every shard computes the same moves. */
static void
shards_balance(size_t n, const double *d, int *shard, int count)
{
	double *load = xcalloc((size_t)count + 1, sizeof(*load)), known = 0, mean;
	char *moved = xcalloc(n ? n : 1, 1);
	size_t i, nknown = 0, best;
	int k, hi, lo;

	for (i = 0; i < n; i++)
		if (d[i] > 0) {
			known += d[i];
			nknown++;
		}
	if (!nknown)
		goto out;
	mean = known / (double)nknown;
	for (i = 0; i < n; i++)
		load[shard[i]] += d[i] > 0 ? d[i] : mean;
	for (;;) {
		for (hi = lo = 1, k = 2; k <= count; k++) {
			if (load[k] > load[hi])
				hi = k;
			if (load[k] < load[lo])
				lo = k;
		}
		/* The cell whose move leaves the pair most even; ties: the first id. */
		best = n;
		for (i = 0; i < n; i++) {
			double gap = load[hi] - load[lo];

			if (shard[i] != hi || moved[i] || d[i] <= 0 || d[i] >= gap)
				continue;
			if (best == n || fabs(gap - 2 * d[i]) < fabs(gap - 2 * d[best]))
				best = i;
		}
		if (best == n)
			break;
		load[hi] -= d[best];
		load[lo] += d[best];
		shard[best] = lo;
		moved[best] = 1;
	}
out:
	free(load);
	free(moved);
}

int
shard_filter(struct cell *cells, size_t *n, int index, int count, const char *durations)
{
	int *shard = xcalloc(*n ? *n : 1, sizeof(*shard));
	size_t i, kept = 0;

	for (i = 0; i < *n; i++)
		shard[i] = shard_of(cells[i].id, count);
	if (durations) {
		double *d = durations_load(durations, cells, *n);

		if (!d) {
			free(shard);
			return -1;
		}
		shards_balance(*n, d, shard, count);
		free(d);
	}
	for (i = 0; i < *n; i++) {
		if (shard[i] == index)
			cells[kept++] = cells[i];
		else
			free(cells[i].id);
	}
	*n = kept;
	free(shard);
	return 0;
}
