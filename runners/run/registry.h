/* registry.h: a registry asked directly (the registry API v2, libcurl),
 * for the digest a tag names: what probe asks a registry mirror of the
 * engine's (runners/run/probe.c). Only HEAD of a manifest, with the Accept
 * headers the engine sends, so the digest is the one the engine records in
 * RepoDigests after a pull (an index's when the tag names an index).
 *
 * Credentials come from the docker CLI's config file for the registry's
 * host (regauth_login): HTTP Basic, or a bearer token from the realm a 401
 * names (the token flow of Docker Hub and distribution). They go only into
 * the requests, never into a message.
 */
#ifndef JOCKEY_RUN_REGISTRY_H
#define JOCKEY_RUN_REGISTRY_H

#include <jansson.h>

#include "base/buf.h"

struct registry_answer {
	long status;     /* HTTP status of the manifest request, 0: no answer */
	char *digest;    /* "sha256:..." on 200 (owned), else NULL */
	struct buf err;  /* why there is no digest: "connection refused", "404 ..." */
};

/* HEAD URL/v2/REPO/manifests/TAG (url: "http://127.0.0.1:5000/", a
 * trailing slash or not). 0 and a->digest, or -1 with a->status and a->err
 * (a->status 0: the registry did not answer at all). a is initialised here;
 * release it with registry_answer_release. */
int registry_manifest_digest(const char *url, const char *repo, const char *tag,
			     struct registry_answer *a);
void registry_answer_release(struct registry_answer *a);
/* GET URL/v2/REPO/manifests/REF (a tag or digest), with the Accept headers
 * above: 0, *manifest (fresh) and a->digest, or -1 with a->status and a->err
 * (a initialised here, as above). */
int registry_manifest(const char *url, const char *repo, const char *ref, json_t **manifest,
		      struct registry_answer *a);
/* DELETE URL/v2/REPO/WHAT/DIGEST, what being "manifests" or "blobs" (the
 * registry must allow deletes): 0 when it accepted, else -1 with a->status
 * and a->err (a initialised here, as above). */
int registry_delete(const char *url, const char *repo, const char *what, const char *digest,
		    struct registry_answer *a);

/* How long a question to a registry may take, in ms: JOCKEY_REGISTRY_TIMEOUT
 * seconds (default 30), for each request here and for the engine's
 * distribution endpoint, which asks the registry for probe: an engine that
 * waits forever on a registry that accepts and never answers would
 * otherwise hold the probe edge, and the run, forever. */
long registry_timeout_ms(void);

/* The repository of a Docker Hub name as its registry API names it:
 * "nginx" -> "library/nginx", "docker.io/bitnami/redis" -> "bitnami/redis"
 * (caller frees). */
char *registry_hub_repo(const char *name);

#endif
