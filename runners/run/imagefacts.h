/* imagefacts.h: the facts of an image that a report puts beside its speed
 * (imagefacts.c): its size and layer count in the engine (uncompressed,
 * GET /images/REF/json), and where it came from a registry, its compressed
 * size and layer count from the registry's manifest.
 */
#ifndef JOCKEY_RUN_IMAGEFACTS_H
#define JOCKEY_RUN_IMAGEFACTS_H

#include <jansson.h>

#include "runners/run/engine.h"

/* The facts of image (a reference or ID the engine has), asked of e and of
 * the registry its first RepoDigests entry names (a Docker Hub name: the
 * first registry mirror in info, GET /info's reply, else Docker Hub):
 *   {"size_bytes", "layers", "compressed_bytes", "registry_layers", "registry"}
 * each only when known (fresh; an empty object when the engine has no such
 * image). Nothing is printed: a fact that cannot be had is left out. */
json_t *image_facts(struct engine *e, const char *image, json_t *info);

#endif
