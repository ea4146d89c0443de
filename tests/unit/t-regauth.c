/* t-regauth.c: registry credentials from the docker CLI's config file, and
 * the staleness helpers that need no results folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/util.h"
#include "runners/report/staleness.h"
#include "runners/run/image.h"
#include "runners/run/probe.h"
#include "runners/run/regauth.h"
#include "runners/run/registry.h"
#include "tap.h"

/* The AuthConfig JSON inside an X-Registry-Auth value (base64url). */
static json_t *
decode(const char *v)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char out[1024];
	size_t o = 0;
	unsigned long acc = 0;
	int bits = 0;

	for (; *v && *v != '='; v++) {
		const char *p = strchr(tab, *v);

		if (!p)
			return NULL;
		acc = (acc << 6) | (unsigned long)(p - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return json_loadb(out, o, 0, NULL);
}

static void
write_config(const char *dir, const char *text)
{
	char *path = xasprintf("%s/config.json", dir);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

int
main(void)
{
	char dir[] = "/tmp/jockey-t-regauth.XXXXXX", *h, *v, *s;
	json_t *j;

	h = regauth_host("127.0.0.1:5000/base:1");
	is_str(h, "127.0.0.1:5000", "a host:port registry");
	free(h);
	h = regauth_host("debian:bookworm");
	is_str(h, "docker.io", "an official image is on Docker Hub");
	free(h);
	h = regauth_host("library/debian");
	is_str(h, "docker.io", "a user/name image is on Docker Hub");
	free(h);
	h = regauth_host("localhost/x:1");
	is_str(h, "localhost", "localhost is a registry");
	free(h);
	h = regauth_host("ghcr.io/o/i@sha256:00");
	is_str(h, "ghcr.io", "a dotted host");
	free(h);

	if (!mkdtemp(dir))
		return 1;
	setenv("DOCKER_CONFIG", dir, 1);
	ok(regauth_for("127.0.0.1:5000/base:1") == NULL, "no config file: no credentials");
	/* "tuser:s3cret:pw" in standard base64: the password may hold ':'. */
	write_config(dir, "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"dHVzZXI6czNjcmV0OnB3\"},"
			  " \"https://index.docker.io/v1/\": {\"identitytoken\": \"tok\"}}}");
	v = regauth_for("127.0.0.1:5000/base:1");
	ok(v != NULL && !strpbrk(v, "+/"), "credentials for the registry, URL-safe");
	j = v ? decode(v) : NULL;
	is_str(json_string_value(json_object_get(j, "username")), "tuser", "username");
	is_str(json_string_value(json_object_get(j, "password")), "s3cret:pw", "password");
	is_str(json_string_value(json_object_get(j, "serveraddress")), "127.0.0.1:5000", "serveraddress");
	json_decref(j);
	free(v);
	v = regauth_for("debian:bookworm");
	j = v ? decode(v) : NULL;
	is_str(json_string_value(json_object_get(j, "identitytoken")), "tok",
	       "Docker Hub's entry is found under its v1 URL");
	json_decref(j);
	free(v);
	ok(regauth_for("ghcr.io/o/i:1") == NULL, "no entry for another registry");
	/* a mirror asked directly: the same entry as user:password */
	v = regauth_login("127.0.0.1:5000");
	is_str(v, "tuser:s3cret:pw", "a mirror's login from its host's entry");
	free(v);
	ok(regauth_login("127.0.0.1:5001") == NULL, "no login for another port");
	s = registry_hub_repo("nginx");
	is_str(s, "library/nginx", "an official image's repository");
	free(s);
	s = registry_hub_repo("docker.io/bitnami/redis");
	is_str(s, "bitnami/redis", "a Hub user's repository, docker.io/ dropped");
	free(s);
	s = registry_hub_repo("index.docker.io/redis");
	is_str(s, "library/redis", "index.docker.io/ is Docker Hub too");
	free(s);
	s = probe_source_path("stamps/base/x-1.digest");
	is_str(s, "stamps/base/x-1.source.json", "source path");
	free(s);

	s = staleness_short_digest("reg/x@sha256:0123456789abcdef0123");
	is_str(s, "sha256:0123456789ab\u2026", "a digest shortened, its name dropped");
	free(s);
	s = probe_moved_path("stamps/base/x-1.digest");
	is_str(s, "stamps/base/x-1.moved.json", "moved path");
	free(s);
	s = image_inputs_path("images/k.json");
	is_str(s, "images/k.inputs.json", "inputs path");
	free(s);

	{
		char *p = xasprintf("%s/config.json", dir);

		unlink(p);
		free(p);
	}
	rmdir(dir);
	return tap_done();
}
