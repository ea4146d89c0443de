/* classify.h: what became of each cell 'jockey run' selected, told from the
 * results folder after ninja: a cell whose samples were all written during
 * this run ran; one with complete, older samples is fresh; any other
 * failed, with the reason from its failed.json (or its engine's). Run layer. */
#ifndef JOCKEY_CLASSIFY_H
#define JOCKEY_CLASSIFY_H

#include <time.h>

#include <jansson.h>

#include "gen/matrix.h"
#include "runners/engine_use.h"

struct tally {
	int ran, fresh, failed;
	json_t *jran, *jfresh;  /* cell ids */
	json_t *jfailed;        /* {cell, reason, engine} */
};

void tally_init(struct tally *t);
void tally_release(struct tally *t);

/* Classify cell c of the results folder dir: t0 is when ninja started,
 * pending says ninja still has work for it (then it failed even when an
 * older run left complete outputs), eng is its engine (NULL: unknown). A
 * cell of a down engine, or of one lost during the run, gets a failed.json
 * saying so. */
void classify_cell(const char *dir, const struct cell *c, int pending, const struct timespec *t0,
		      const struct engine_use *eng, struct tally *t);

/* Count cell c fresh without looking at its files: ninja, which succeeded,
 * ran none of its edges. */
void classify_fresh(const struct cell *c, struct tally *t);
#endif
