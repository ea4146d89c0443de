/* engine_use.h: the engines that the cells 'jockey run' selected use, and
 * whether each answers: asked before ninja starts, so that a down engine
 * costs only its own cells (they are left out and reported failed), and
 * again after a failed run, so that cells whose engine went away say why.
 * Run layer. */
#ifndef JOCKEY_ENGINE_USE_H
#define JOCKEY_ENGINE_USE_H

#include <stddef.h>

#include <jansson.h>

#include "gen/matrix.h"

/* One engine the selected cells use, and whether it answered. */
struct engine_use {
	const char *endpoint;
	char *error;   /* NULL: it answered /_ping */
	char *lost;    /* it answered before ninja but not after: why, else NULL */
	char *server;  /* its Server header, "" when unknown */
	int cells;
};

/* The engine of cell c, as gen resolves it: its host's own, else
 * $DOCKER_HOST, else the default. */
const char *engine_use_endpoint(const struct cell *c);
/* The distinct engines of the selected cells (sel[i]), each pinged once;
 * a warning for each that is down. A fresh array of *nused. */
struct engine_use *engine_use_check(const struct cell *cells, size_t n, const char *sel, size_t *nused);
/* After a failed ninja run: which engines that answered before stopped
 * answering (a warning each, and its lost set). */
void engine_use_recheck(struct engine_use *v, size_t n);
/* The engine of cell c among v, or NULL. */
const struct engine_use *engine_use_of(const struct engine_use *v, size_t n, const struct cell *c);
/* run.json's "engines": [{engine, up, error, lost, server, cells}]. New. */
json_t *engine_use_json(const struct engine_use *v, size_t n);
void engine_use_free(struct engine_use *v, size_t n);

#endif
