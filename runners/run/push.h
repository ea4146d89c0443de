/* push.h: a lifecycle benchmark's push phase (push.c): the image under test,
 * tagged REGISTRY/REPO:push, pushed by the engine to a real registry, timed
 * from the request until the push stream ends.
 *
 * Cold: REPO is fresh for each repetition, so the registry has none of the
 * image's blobs in it; and after the push, what it put there (the manifest,
 * the config and layer blobs) is deleted from the registry again (the
 * registry must allow deletes), so that a later push cannot mount them from
 * this repository either. A layer the engine already knows from another
 * repository of the same registry (an image pulled from it) can still be
 * mounted from there: the stream says so, and it is counted
 * (push_layers_present), not hidden. So the default registry, the engine's
 * first mirror, is named "localhost:PORT" when the mirror is 127.0.0.1:PORT
 * (the test bed's): the engine pulled the image under test from the mirror
 * under its own name and would mount every layer from there; under another
 * name it knows none and uploads them all.
 */
#ifndef JOCKEY_RUN_PUSH_H
#define JOCKEY_RUN_PUSH_H

#include "runners/run/engine.h"

/* What a push did. */
struct push_facts {
	double ms;             /* the push, from the request to the stream's end */
	double bytes;          /* compressed bytes of the layers pushed (the registry's manifest) */
	int layers;            /* layers pushed ("Pushed") */
	int present;           /* layers not pushed ("Layer already exists", "Mounted from") */
	double image_bytes;    /* compressed: config and every layer, as the manifest says */
	int image_layers;      /* the manifest's layers */
	char *repo;            /* "REGISTRY/REPO:push", what was pushed (owned) */
};

/* Push image (an ID or reference the engine has) to registry (HOST[:PORT];
 * NULL: the engine's first registry mirror) as repository repo. 0: done,
 * and f filled; or 0 with *failure set ("push: why", fresh) when the
 * registry or the engine refused, or e->timeout_ms ran out; -1 on another
 * error (engine_error(e)) or a signal. What the push made is removed
 * whatever happened (local tag and registry content), not cancelled by a
 * signal. Release f with push_facts_release. */
int push_image(struct engine *e, const char *image, const char *registry, const char *repo,
	       struct push_facts *f, char **failure);
void push_facts_release(struct push_facts *f);

#endif
