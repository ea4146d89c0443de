/* registry.c: a registry asked directly (registry.h): a manifest's digest,
 * a manifest, the removal of what a push put there. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "base/util.h"
#include "runners/run/regauth.h"
#include "runners/run/registry.h"

/* What the engine accepts when it pulls: an index first, so that a tag that
 * names one gives the index's digest, as RepoDigests records it. */
static const char *const accepts[] = {
	"Accept: application/vnd.docker.distribution.manifest.list.v2+json",
	"Accept: application/vnd.oci.image.index.v1+json",
	"Accept: application/vnd.docker.distribution.manifest.v2+json",
	"Accept: application/vnd.oci.image.manifest.v1+json",
};

struct reply {
	char digest[128];     /* Docker-Content-Digest, or "" */
	char challenge[1024]; /* WWW-Authenticate, or "" */
	struct buf body;
};

static size_t
reply_header(char *p, size_t size, size_t n, void *v)
{
	struct reply *r = v;
	size_t len = size * n, k;
	static const char *const names[] = { "Docker-Content-Digest:", "WWW-Authenticate:" };
	char *dest[2] = { r->digest, r->challenge };
	size_t room[2] = { sizeof(r->digest), sizeof(r->challenge) };
	int i;

	for (i = 0; i < 2; i++) {
		size_t nl = strlen(names[i]);
		const char *s = p;

		if (len <= nl || strncasecmp(s, names[i], nl) != 0)
			continue;
		s += nl;
		k = len - nl;
		while (k > 0 && (*s == ' ' || *s == '\t'))
			s++, k--;
		while (k > 0 && isspace((unsigned char)s[k - 1]))
			k--;
		if (k >= room[i])
			k = room[i] - 1;
		memcpy(dest[i], s, k);
		dest[i][k] = '\0';
	}
	return len;
}

static size_t
reply_body(char *p, size_t size, size_t n, void *v)
{
	struct reply *r = v;

	if (r->body.len < 65536)
		buf_add(&r->body, p, size * n);
	return size * n;
}

long
registry_timeout_ms(void)
{
	const char *env = getenv("JOCKEY_REGISTRY_TIMEOUT");
	long secs = env && *env ? strtol(env, NULL, 10) : 30;

	return (secs > 0 ? secs : 30) * 1000L;
}

/* One request (method HEAD, GET or DELETE); the status, or 0 with err set
 * when nothing answered. */
static long
request(const char *method, const char *url, const char *login, const char *bearer, struct reply *r,
	struct buf *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char cerr[CURL_ERROR_SIZE] = "";
	char *auth = NULL;
	long status = 0;
	size_t i;
	CURLcode rc;
	int head = strcmp(method, "HEAD") == 0;

	if (!c)
		fatal("cannot start libcurl");
	for (i = 0; strcmp(method, "DELETE") != 0 && i < sizeof(accepts) / sizeof(accepts[0]); i++)
		h = curl_slist_append(h, accepts[i]);
	if (bearer) {
		auth = xasprintf("Authorization: Bearer %s", bearer);
		h = curl_slist_append(h, auth);
	} else if (login) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, login);
	}
	r->digest[0] = r->challenge[0] = '\0';
	buf_reset(&r->body);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOBODY, head ? 1L : 0L);
	if (strcmp(method, "DELETE") == 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, reply_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, reply_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, registry_timeout_ms());
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	/* so that a registry's access log tells jockey's requests apart */
	curl_easy_setopt(c, CURLOPT_USERAGENT, "jockey");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		buf_puts(err, cerr[0] ? cerr : curl_easy_strerror(rc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(auth);
	return status;
}

/* The value of key in a challenge's parameters (key="value"), or NULL. */
static char *
challenge_param(const char *challenge, const char *key)
{
	size_t n = strlen(key);
	const char *p = challenge;

	while ((p = strcasestr(p, key))) {
		if ((p == challenge || p[-1] == ' ' || p[-1] == ',') && p[n] == '=' &&
		    p[n + 1] == '"')
			return xstrndup(p + n + 2, strcspn(p + n + 2, "\""));
		p += n;
	}
	return NULL;
}

/* A bearer token for repo from the realm the challenge names, or NULL. */
static char *
bearer_token(const char *challenge, const char *repo, const char *action, const char *login,
	     struct buf *err)
{
	char *realm = challenge_param(challenge, "realm");
	char *service = challenge_param(challenge, "service"), *url, *token = NULL;
	struct reply r = { .body = BUF_INIT };
	json_t *j;
	long status;

	if (!realm) {
		buf_printf(err, "401 with a challenge without a realm (%s)", challenge);
		free(service);
		return NULL;
	}
	url = xasprintf("%s%sservice=%s&scope=repository:%s:%s", realm,
			strchr(realm, '?') ? "&" : "?", service ? service : "", repo, action);
	status = request("GET", url, login, NULL, &r, err);
	j = status == 200 ? json_loadb(r.body.data, r.body.len, 0, NULL) : NULL;
	if (json_string_value(json_object_get(j, "token")))
		token = xstrdup(json_string_value(json_object_get(j, "token")));
	else if (json_string_value(json_object_get(j, "access_token")))
		token = xstrdup(json_string_value(json_object_get(j, "access_token")));
	else if (status)
		buf_printf(err, "the token service %s answered %ld without a token", realm, status);
	json_decref(j);
	buf_release(&r.body);
	free(url);
	free(realm);
	free(service);
	return token;
}

/* The host of a URL: "127.0.0.1:5000" for "http://127.0.0.1:5000/". */
static char *
url_host(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	return xstrndup(p, strcspn(p, "/"));
}

/* What a registry's error body says: its first errors[].message. */
static void
say_status(struct buf *err, long status, const struct buf *body)
{
	json_t *j = json_loadb(body->data, body->len, 0, NULL);
	json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e0, "code"));

	buf_printf(err, "HTTP %ld", status);
	if (status == 404 && !code)
		buf_puts(err, " (manifest unknown)");
	else if (code)
		buf_printf(err, " (%s)", code);
	json_decref(j);
}

/* METHOD URL/v2/REPO/WHAT/REF, with the credentials it asks for (a bearer
 * token for action, else HTTP Basic): a->status, a->err; the reply in *r. */
static void
ask(const char *method, const char *url, const char *repo, const char *what, const char *ref,
    const char *action, struct reply *r, struct registry_answer *a)
{
	size_t n = strlen(url);
	char *full = xasprintf("%.*s/v2/%s/%s/%s", (int)(n && url[n - 1] == '/' ? n - 1 : n),
			       url, repo, what, ref);
	char *host = url_host(url), *login = regauth_login(host), *token = NULL;

	a->status = 0;
	a->digest = NULL;
	buf_init(&a->err);
	a->status = request(method, full, NULL, NULL, r, &a->err);
	if (a->status == 401 && strncasecmp(r->challenge, "Bearer", 6) == 0) {
		token = bearer_token(r->challenge, repo, action, login, &a->err);
		if (token)
			a->status = request(method, full, NULL, token, r, &a->err);
	} else if (a->status == 401 && login) {
		a->status = request(method, full, login, NULL, r, &a->err);
	}
	/* A HEAD has no body: ask again for the error's words. */
	if (a->status >= 400 && !token && strcmp(method, "HEAD") == 0)
		request("GET", full, a->status == 401 ? NULL : login, NULL, r, &a->err);
	if (a->status >= 300 || (a->status && a->status < 200))
		say_status(&a->err, a->status, &r->body);
	if (a->status == 401 && !login)
		buf_printf(&a->err, "; no credentials for '%s' in the docker config file", host);
	free(token);
	free(login);
	free(host);
	free(full);
}

int
registry_manifest_digest(const char *url, const char *repo, const char *tag,
			 struct registry_answer *a)
{
	struct reply r = { .body = BUF_INIT };

	ask("HEAD", url, repo, "manifests", tag, "pull", &r, a);
	if (a->status == 200 && strncmp(r.digest, "sha256:", 7) == 0)
		a->digest = xstrdup(r.digest);
	else if (a->status == 200)
		buf_puts(&a->err, "no sha256 Docker-Content-Digest in its reply");
	buf_release(&r.body);
	return a->digest ? 0 : -1;
}

int
registry_manifest(const char *url, const char *repo, const char *ref, json_t **manifest,
		  struct registry_answer *a)
{
	struct reply r = { .body = BUF_INIT };

	*manifest = NULL;
	ask("GET", url, repo, "manifests", ref, "pull", &r, a);
	if (a->status == 200 && !(*manifest = json_loadb(r.body.data, r.body.len, 0, NULL)))
		buf_puts(&a->err, "its manifest is not JSON");
	if (a->status == 200 && strncmp(r.digest, "sha256:", 7) == 0)
		a->digest = xstrdup(r.digest);
	buf_release(&r.body);
	return *manifest ? 0 : -1;
}

int
registry_delete(const char *url, const char *repo, const char *what, const char *digest,
		struct registry_answer *a)
{
	struct reply r = { .body = BUF_INIT };

	ask("DELETE", url, repo, what, digest, "delete", &r, a);
	buf_release(&r.body);
	return a->status == 202 || a->status == 200 ? 0 : -1;
}

void
registry_answer_release(struct registry_answer *a)
{
	free(a->digest);
	a->digest = NULL;
	buf_release(&a->err);
}

char *
registry_hub_repo(const char *name)
{
	if (strncmp(name, "docker.io/", 10) == 0)
		name += 10;
	else if (strncmp(name, "index.docker.io/", 16) == 0)
		name += 16;
	else if (strncmp(name, "registry-1.docker.io/", 21) == 0)
		name += 21;
	return strchr(name, '/') ? xstrdup(name) : xasprintf("library/%s", name);
}
