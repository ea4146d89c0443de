/* regauth.h: registry credentials for the engine, from the docker CLI's
 * config file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json).
 *
 * The engine wants them per request in the X-Registry-Auth header: the
 * base64url of {"username", "password", "serveraddress"} (or
 * {"identitytoken", "serveraddress"}). They go only there: never into a
 * message, a log or a results file.
 */
#ifndef JOCKEY_REGAUTH_H
#define JOCKEY_REGAUTH_H

/* The registry host of an image reference, as the docker CLI sees it:
 * "127.0.0.1:5000" for "127.0.0.1:5000/base:1", "docker.io" for "debian"
 * (caller frees). */
char *regauth_host(const char *ref);

/* The X-Registry-Auth value for ref's registry (caller frees), or NULL when
 * the config file has no credentials for it. A config that names only a
 * credential helper (credsStore, credHelpers) gives NULL and a warning. */
char *regauth_for(const char *ref);

/* "user:password" for a registry host (a mirror's "127.0.0.1:5000"), as
 * the config file's "auths" has them, for asking the registry itself
 * (registry.c); NULL when there are none (caller frees). */
char *regauth_login(const char *host);

#endif
