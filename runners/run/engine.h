/* engine.h: a small Docker Engine API client (libcurl + jansson).
 *
 * One struct engine holds one curl handle, reused for every request so the
 * connection to the engine stays open. The API version is negotiated on the
 * first request: GET /_ping (its Api-Version header; GET /version's
 * ApiVersion when the header is missing), then every path is sent as
 * /vX.YY/PATH with X.YY = min(the engine's version, ENGINE_API_MAX). Only
 * what Docker and Podman's compat socket both return is relied on.
 *
 * Functions return 0 on success and -1 on failure without printing: the
 * caller prints engine_error(e) after its own context, e.g.
 *   error("build '%s': %s", key, engine_error(e));
 * which reads "engine: <the engine's message>" for an HTTP error, or
 * "cannot reach the engine at unix:///...: <curl's error>".
 */
#ifndef JOCKEY_ENGINE_H
#define JOCKEY_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include <curl/curl.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/util.h"

#define ENGINE_API_MAX "1.41"
#define ENGINE_DEFAULT "unix:///var/run/docker.sock"

struct engine {
	char *endpoint;        /* as given: "unix:///var/run/docker.sock", "tcp://h:2375" */
	char *socket_path;     /* unix: the socket's path; NULL for tcp */
	char *base_url;        /* "http://localhost", "http://h:2375" or "https://h:2376" */
	char *cert_dir;        /* TLS: ca.pem, cert.pem and key.pem are here; NULL: plain */
	char *api_version;     /* negotiated, "1.41"; NULL until the first request */
	char server[128];      /* /_ping's Server header: "Docker/20.10.24 (linux)", or "" */
	json_t *version;       /* GET /version's reply (owned) when negotiation needed it, else NULL */
	CURL *curl;            /* one handle for every request */
	long status;           /* HTTP status of the last request, 0 if none came */
	int timed_out;         /* the last request hit timeout_ms */
	int cancelled;         /* the last request stopped because *cancel was set */
	long timeout_ms;       /* per-request limit, 0: none (set by callers) */
	const volatile sig_atomic_t *cancel; /* when non-zero, abort transfers (signals) */
	int tries;             /* connection attempts per request (default 5) */
	long retry_ms;         /* first back-off between attempts, doubled each time */
	struct buf body;       /* the last reply's body (for non-streaming requests and errors) */
	struct buf err;        /* the last error message */
	char curl_err[CURL_ERROR_SIZE];
	char hdr_api[128];     /* the last reply's Api-Version header, or "" */
	char hdr_server[128];  /* the last reply's Server header, or "" */
	char *registry_auth;   /* X-Registry-Auth value for every request, or NULL */
};

/* Called with each piece of a streamed reply; return non-zero to stop. */
typedef int engine_data_fn(const char *data, size_t len, void *arg);
/* Called with each JSON message of a progress stream (/build, /images/create);
 * msg is borrowed. Return non-zero to stop. */
typedef int engine_json_fn(json_t *msg, void *arg);

/* A client for endpoint (NULL: $DOCKER_HOST, else ENGINE_DEFAULT). Does not
 * connect yet. NULL with a message printed when the endpoint is malformed.
 * A tcp:// engine is spoken to over TLS, as the docker CLI does, when
 * $DOCKER_TLS_VERIFY is set: the client certificate and the CA come from
 * $DOCKER_CERT_PATH (default ~/.docker). */
struct engine *engine_open(const char *endpoint);
/* The engine endpoint names: itself, else $DOCKER_HOST, else ENGINE_DEFAULT
 * (borrowed). */
const char *engine_endpoint(const char *endpoint);
/* A second client for e's engine, with its own connection and e's
 * negotiated API version, cancel flag and registry auth: for a request made
 * in another thread while e is busy (each client belongs to one thread).
 * Must be called from the thread that opened e (libcurl's set-up is not
 * thread-safe). NULL with a message as engine_open. */
struct engine *engine_dup(const struct engine *e);
void engine_free(struct engine *e);
/* 1 when the engine endpoint names (as engine_endpoint) is not provably on
 * this machine: every tcp:// engine (a loopback port may lead into a VM or
 * a tunnel); 0 for a unix socket. Its cells are sampled on its host
 * (rsampler.h). */
int engine_remote(const char *endpoint);
/* The last error, "engine: ..." or "cannot reach the engine at ...". */
const char *engine_error(const struct engine *e);
/* Set the last error (what the endpoints of engine_api.c find wrong in a
 * reply the engine gave with a 2xx status). */
void engine_set_error(struct engine *e, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Negotiate the API version now; requests do it when needed. */
int engine_negotiate(struct engine *e);

/* One request to /vX.YY/PATH (path starts with '/', query escaped by the
 * caller: see engine_escape). body may be NULL. The reply's body lands in
 * e->body. Returns 0 for a 2xx status, -1 otherwise (e->status tells which). */
int engine_request(struct engine *e, const char *method, const char *path,
		   const void *body, size_t len, const char *content_type);
/* As engine_request, but a 2xx reply's body goes to fn piece by piece. */
int engine_stream(struct engine *e, const char *method, const char *path,
		  const void *body, size_t len, const char *content_type,
		  engine_data_fn *fn, void *arg);
/* As engine_stream for the engine's progress streams: one JSON object per
 * line. A message with "error" (or "errorDetail") fails the call with that
 * message as e->err. */
int engine_stream_json(struct engine *e, const char *method, const char *path,
		       const void *body, size_t len, const char *content_type,
		       engine_json_fn *fn, void *arg);

/* JSON in and out: body (borrowed, may be NULL) is sent as application/json;
 * *out (may be NULL) gets the parsed reply, a new reference, or NULL when the
 * reply was empty. */
int engine_call(struct engine *e, const char *method, const char *path,
		json_t *body, json_t **out);
int engine_get_json(struct engine *e, const char *path, json_t **out);
int engine_post_json(struct engine *e, const char *path, json_t *body, json_t **out);

/* A query value, percent-encoded (caller frees). */
char *engine_escape(struct engine *e, const char *s);
/* A JSON value, compact and percent-encoded, for filters=, labels=, buildargs=. */
char *engine_escape_json(struct engine *e, json_t *v);

/* GET /images/REF/json. 0: *out is the image; 1: no such image; -1: error. */
int engine_image_inspect(struct engine *e, const char *ref, json_t **out);
/* POST /images/create?fromImage=NAME&tag=TAG (tag may be NULL). */
int engine_image_pull(struct engine *e, const char *name, const char *tag);
/* Send X-Registry-Auth: auth (base64url of the engine's AuthConfig JSON) with
 * every request from now on; NULL stops. The value never reaches a message. */
void engine_set_registry_auth(struct engine *e, const char *auth);
/* GET /distribution/REF/json: the engine asks the registry for the manifest
 * digest of ref without pulling. 0: *digest is "sha256:..." (caller frees);
 * -1: error (e->status 0: the engine is unreachable; 5xx: the registry is). */
int engine_distribution_digest(struct engine *e, const char *ref, char **digest);
/* POST /images/ID/tag?repo=REPO&tag=TAG for "repo:tag". */
int engine_image_tag(struct engine *e, const char *id, const char *repo_tag);
/* DELETE /containers/ID?force=1&v=1; a container already gone is success. */
int engine_container_remove(struct engine *e, const char *id);

/* POST /networks/create: a bridge network NAME with labels (borrowed, may be
 * NULL); *id (may be NULL) gets its id, fresh. */
int engine_network_create(struct engine *e, const char *name, json_t *labels, char **id);
/* DELETE /networks/ID; a network already gone is success. */
int engine_network_remove(struct engine *e, const char *id);
/* Run argv (a JSON array, borrowed) in the running container id and wait
 * for it (POST /containers/ID/exec, POST /exec/X/start, GET /exec/X/json);
 * its output is discarded. *exit_code gets its exit code. */
int engine_exec(struct engine *e, const char *id, json_t *argv, int *exit_code);

/* A container's log stream without a TTY: frames of an 8-byte header
 * (stream 0/1/2, three zero bytes, a big-endian length) and the payload.
 * engine_demux_data (an engine_data_fn) writes the payloads to out in the
 * order they came, stdout and stderr together; frames may be split anywhere
 * across calls. A stream that does not start with a frame header (a TTY) is
 * copied as it is. Start from { out } with every other field 0. */
struct engine_demux {
	FILE *out;
	unsigned char hdr[8];
	size_t hlen;    /* header bytes read so far */
	size_t left;    /* payload bytes left in the current frame */
	int raw;        /* no frames: copy everything */
};
int engine_demux_data(const char *data, size_t len, void *arg);

#endif
