/* density.h: a lifecycle benchmark with density (density.c): how many
 * containers of an image a host packs, how fast they become ready, and what
 * each costs. */
#ifndef JOCKEY_RUN_DENSITY_H
#define JOCKEY_RUN_DENSITY_H

#include <jansson.h>

#include "runners/run/run.h"

/* Start run.json's lifecycle.density.containers containers of r->main's
 * image (spec: run.json's "lifecycle", borrowed), at most concurrency at
 * once, each until ready; hold them; write the figures to r->main's log;
 * remove them all. 0 when the outcome is known (r->failure when none became
 * ready), -1 on an error or a signal. */
int density_run(struct run *r, json_t *spec);

#endif
