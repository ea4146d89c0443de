/* provenance.h: what produced a repetition's result (metrics.json's
 * "provenance"): the image, the engine and its version, the kernel and the
 * machine, most of it from the engine's GET /info. */
#ifndef JOCKEY_RUN_PROVENANCE_H
#define JOCKEY_RUN_PROVENANCE_H

#include <jansson.h>

#include "runners/run/run.h"

/* Ask GET /info on a second connection (r->info_e), in a thread, while the
 * caller removes the containers. 0, or -1 with a message. */
int provenance_begin(struct run *r);
/* Wait for it into r->info; a no-op when it was not asked. 0, or -1 with a
 * message. */
int provenance_join(struct run *r);
/* Why a local (unix://) engine, by its /info, is not on this machine: its
 * kernel is not ours (a VM behind a forwarded socket), so the cgroup files
 * read here were not its containers'. Fresh, or NULL when nothing says so
 * (the same kernel, or no /info). */
char *provenance_not_here(const struct run *r);
/* The provenance object (new reference). */
json_t *provenance_json(const struct run *r);

#endif
