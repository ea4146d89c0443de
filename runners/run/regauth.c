/* regauth.c: registry credentials from the docker CLI's config file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/run/regauth.h"

char *
regauth_host(const char *ref)
{
	size_t n = strcspn(ref, "/");
	const char *first = ref;

	/* As the docker CLI decides: the first component is a registry when
	 * it has a '.' or ':' or is "localhost", and there is a '/' after it. */
	if (ref[n] == '/' && (memchr(first, '.', n) || memchr(first, ':', n) ||
			      (n == 9 && strncmp(first, "localhost", 9) == 0)))
		return xstrndup(first, n);
	return xstrdup("docker.io");
}

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard or URL base64 to bytes (NUL-terminated); NULL when malformed. */
static char *
b64_decode(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(n / 4 * 3 + 4);
	unsigned long acc = 0;
	int bits = 0;

	for (; *s && *s != '='; s++) {
		int v = b64_value((unsigned char)*s);

		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* Bytes to URL-safe base64 with padding, as the engine decodes it. */
static char *
b64url_encode(const char *s, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *p = out;
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)(unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned long)(unsigned char)s[i + 2];
		*p++ = tab[(v >> 18) & 63];
		*p++ = tab[(v >> 12) & 63];
		*p++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		*p++ = i + 2 < n ? tab[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

static json_t *
config_load(void)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char *path;
	json_t *j;

	if (dir && *dir)
		path = xasprintf("%s/config.json", dir);
	else if (home && *home)
		path = xasprintf("%s/.docker/config.json", home);
	else
		return NULL;
	j = path_exists(path) ? json_load_path(path, 1) : NULL;
	if (!j && path_exists(path))
		warn("registry credentials: '%s' is not valid JSON; asking without them", path);
	free(path);
	return j;
}

/* The "auths" entry for host: its key may be the bare host or a URL. */
static json_t *
auths_entry(json_t *auths, const char *host)
{
	const char *key;
	json_t *v;
	int hub = strcmp(host, "docker.io") == 0;

	json_object_foreach(auths, key, v) {
		const char *k = key;
		size_t n;

		if (strncmp(k, "https://", 8) == 0)
			k += 8;
		else if (strncmp(k, "http://", 7) == 0)
			k += 7;
		n = strcspn(k, "/");
		if (n == strlen(host) && strncmp(k, host, n) == 0)
			return v;
		if (hub && ((n == 15 && strncmp(k, "index.docker.io", 15) == 0) ||
			    (n == 20 && strncmp(k, "registry-1.docker.io", 20) == 0)))
			return v;
	}
	return NULL;
}

/* The engine's AuthConfig for one "auths" entry, or NULL. */
static json_t *
auth_config(json_t *entry, const char *host)
{
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	const char *token = json_string_value(json_object_get(entry, "identitytoken"));
	const char *user = json_string_value(json_object_get(entry, "username"));
	const char *pass = json_string_value(json_object_get(entry, "password"));
	json_t *o = NULL;
	char *plain = NULL, *colon;

	if (token && *token)
		return json_pack("{s:s, s:s}", "identitytoken", token, "serveraddress", host);
	if (auth && *auth && (plain = b64_decode(auth)) && (colon = strchr(plain, ':'))) {
		*colon = '\0';
		o = json_pack("{s:s, s:s, s:s}", "username", plain, "password", colon + 1,
			      "serveraddress", host);
	} else if (user && pass) {
		o = json_pack("{s:s, s:s, s:s}", "username", user, "password", pass,
			      "serveraddress", host);
	}
	free(plain);
	return o;
}

char *
regauth_for(const char *ref)
{
	json_t *config = config_load(), *entry, *ac;
	char *host = regauth_host(ref), *text, *value = NULL;

	if (!config) {
		free(host);
		return NULL;
	}
	entry = auths_entry(json_object_get(config, "auths"), host);
	ac = entry ? auth_config(entry, host) : NULL;
	if (ac) {
		text = json_dumps(ac, JSON_COMPACT);
		value = b64url_encode(text, strlen(text));
		free(text);
	} else if (json_object_get(json_object_get(config, "credHelpers"), host) ||
		   json_is_string(json_object_get(config, "credsStore"))) {
		warn("registry credentials for '%s' are in a credential helper, which jockey "
		     "does not run; asking without them", host);
	}
	json_decref(ac);
	json_decref(config);
	free(host);
	return value;
}

char *
regauth_login(const char *host)
{
	json_t *config = config_load(), *entry, *ac;
	const char *user, *pass;
	char *login = NULL;

	entry = config ? auths_entry(json_object_get(config, "auths"), host) : NULL;
	ac = entry ? auth_config(entry, host) : NULL;
	user = json_string_value(json_object_get(ac, "username"));
	pass = json_string_value(json_object_get(ac, "password"));
	if (user && pass)
		login = xasprintf("%s:%s", user, pass);
	else if (ac)
		warn("registry credentials for '%s' are an identity token, which jockey "
		     "cannot present to a registry itself; asking without them", host);
	json_decref(ac);
	json_decref(config);
	return login;
}
