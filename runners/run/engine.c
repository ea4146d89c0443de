/* engine.c: a small Docker Engine API client; see engine.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/util.h"
#include "runners/run/engine.h"

/* When the first client was opened (monotonic ms), for the trace. */
static double trace_t0;

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One transfer's state, for the curl callbacks. */
struct xfer {
	struct engine *e;
	engine_data_fn *fn; /* NULL: collect the reply in e->body */
	void *arg;
	int stopped;        /* fn asked to stop */
};

void
engine_set_error(struct engine *e, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&e->err);
	va_start(ap, fmt);
	buf_vprintf(&e->err, fmt, ap);
	va_end(ap);
}

/* Where the TLS files are, as the docker CLI looks for them. */
static char *
cert_dir(void)
{
	const char *d = getenv("DOCKER_CERT_PATH"), *home = getenv("HOME");

	if (d && *d)
		return xstrdup(d);
	return xasprintf("%s/.docker", home && *home ? home : ".");
}

const char *
engine_endpoint(const char *endpoint)
{
	if (!endpoint || !*endpoint)
		endpoint = getenv("DOCKER_HOST");
	if (!endpoint || !*endpoint)
		endpoint = ENGINE_DEFAULT;
	return endpoint;
}

struct engine *
engine_open(const char *endpoint)
{
	struct engine *e;
	const char *rest;
	int tls;

	endpoint = engine_endpoint(endpoint);
	if (trace_t0 == 0)
		trace_t0 = mono_ms();
	e = xcalloc(1, sizeof(*e));
	e->endpoint = xstrdup(endpoint);
	if (strncmp(endpoint, "unix://", 7) == 0 && endpoint[7] == '/') {
		e->socket_path = xstrdup(endpoint + 7);
		e->base_url = xstrdup("http://localhost");
	} else if (strncmp(endpoint, "tcp://", 6) == 0 && endpoint[6]) {
		rest = endpoint + 6;
		tls = getenv("DOCKER_TLS_VERIFY") && *getenv("DOCKER_TLS_VERIFY");
		e->base_url = xasprintf("%s://%.*s", tls ? "https" : "http", (int)strcspn(rest, "/"), rest);
		if (tls)
			e->cert_dir = cert_dir();
	} else if (strncmp(endpoint, "http://", 7) == 0 && endpoint[7]) {
		rest = endpoint + 7;
		e->base_url = xasprintf("http://%.*s", (int)strcspn(rest, "/"), rest);
	} else {
		error("engine '%s' is not a unix:///PATH or tcp://HOST:PORT address", endpoint);
		free(e->endpoint);
		free(e);
		return NULL;
	}
	e->curl = curl_easy_init();
	if (!e->curl)
		fatal("cannot start libcurl");
	e->tries = 5;
	e->retry_ms = 400;
	buf_init(&e->body);
	buf_init(&e->err);
	return e;
}

struct engine *
engine_dup(const struct engine *e)
{
	struct engine *d = engine_open(e->endpoint);

	if (!d)
		return NULL;
	if (e->api_version)
		d->api_version = xstrdup(e->api_version);
	memcpy(d->server, e->server, sizeof(d->server));
	d->cancel = e->cancel;
	d->tries = e->tries;
	d->retry_ms = e->retry_ms;
	if (e->registry_auth)
		d->registry_auth = xstrdup(e->registry_auth);
	return d;
}

int
engine_remote(const char *endpoint)
{
	return strncmp(engine_endpoint(endpoint), "unix://", 7) != 0;
}

void
engine_free(struct engine *e)
{
	if (!e)
		return;
	curl_easy_cleanup(e->curl);
	json_decref(e->version);
	buf_release(&e->body);
	buf_release(&e->err);
	free(e->api_version);
	free(e->registry_auth);
	free(e->base_url);
	free(e->cert_dir);
	free(e->socket_path);
	free(e->endpoint);
	free(e);
}

const char *
engine_error(const struct engine *e)
{
	return e->err.len ? e->err.data : "engine: unknown error";
}

static size_t
xfer_write(char *p, size_t size, size_t n, void *v)
{
	struct xfer *x = v;
	size_t len = size * n;

	curl_easy_getinfo(x->e->curl, CURLINFO_RESPONSE_CODE, &x->e->status);
	if (!x->fn || x->e->status < 200 || x->e->status >= 300) {
		buf_add(&x->e->body, p, len);
		return len;
	}
	if (x->fn(p, len, x->arg) != 0) {
		x->stopped = 1;
		return 0;
	}
	return len;
}

/* Called by curl about once a second and whenever data moves: the only
 * place a transfer notices a signal without polling in a loop of ours. */
static int
xfer_progress(void *v, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct engine *e = v;

	return e->cancel && *e->cancel;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The engine's reason for an HTTP error: {"message": ...}, else the body's
 * text, else the status. */
static void
set_http_err(struct engine *e)
{
	json_t *j = json_loadb(e->body.data, e->body.len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "message"));
	size_t n = e->body.len;

	if (msg)
		engine_set_error(e, "engine: %s", msg);
	else {
		while (n > 0 && isspace((unsigned char)e->body.data[n - 1]))
			n--;
		if (n > 0)
			engine_set_error(e, "engine: %.*s", (int)(n > 500 ? 500 : n), e->body.data);
		else
			engine_set_error(e, "engine: HTTP status %ld", e->status);
	}
	json_decref(j);
}

/* Headers of every reply: the ones negotiation and provenance read. */
static size_t
xfer_header(char *p, size_t size, size_t n, void *v)
{
	struct engine *e = v;
	size_t len = size * n, k;
	static const char *const names[] = { "Api-Version:", "Server:" };
	char *dest[2];
	int i;

	dest[0] = e->hdr_api;
	dest[1] = e->hdr_server;
	for (i = 0; i < 2; i++) {
		size_t nl = strlen(names[i]);

		if (len <= nl || strncasecmp(p, names[i], nl) != 0)
			continue;
		p += nl;
		k = len - nl;
		while (k > 0 && (*p == ' ' || *p == '\t'))
			p++, k--;
		while (k > 0 && isspace((unsigned char)p[k - 1]))
			k--;
		if (k >= sizeof(e->hdr_api))
			k = sizeof(e->hdr_api) - 1;
		memcpy(dest[i], p, k);
		dest[i][k] = '\0';
	}
	return len;
}

static void
tls_setup(struct engine *e)
{
	char *ca = xasprintf("%s/ca.pem", e->cert_dir);
	char *cert = xasprintf("%s/cert.pem", e->cert_dir);
	char *key = xasprintf("%s/key.pem", e->cert_dir);

	/* curl copies string options, so these can go at once. */
	curl_easy_setopt(e->curl, CURLOPT_CAINFO, ca);
	curl_easy_setopt(e->curl, CURLOPT_SSLCERT, cert);
	curl_easy_setopt(e->curl, CURLOPT_SSLKEY, key);
	free(ca);
	free(cert);
	free(key);
}

static void
xfer_setup(struct engine *e, const char *method, const char *url, const void *body,
	   size_t len, struct curl_slist *headers, struct xfer *x)
{
	CURL *c = e->curl;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (e->socket_path)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, e->socket_path);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->curl_err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, xfer_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, xfer_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xfer_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, e);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	if (e->timeout_ms > 0)
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, e->timeout_ms);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (e->cert_dir)
		tls_setup(e);
	if (strcmp(method, "GET") == 0 && !body)
		return;
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		return;
	}
	if (strcmp(method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body || strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	}
}

/* One request to the full path (version prefix included), retried while the
 * engine cannot be reached (it may be restarting). */
static int
perform(struct engine *e, const char *method, const char *fullpath, const void *body,
	size_t len, const char *content_type, engine_data_fn *fn, void *arg)
{
	struct xfer x = { e, fn, arg, 0 };
	struct curl_slist *headers = NULL;
	char *url = xasprintf("%s%s", e->base_url, fullpath), *ct = NULL, *auth = NULL;
	long wait = e->retry_ms;
	CURLcode rc = CURLE_OK;
	int attempt, ret = -1;

	/* No "Expect: 100-continue" round trip before a large build context. */
	headers = curl_slist_append(headers, "Expect:");
	if (content_type) {
		ct = xasprintf("Content-Type: %s", content_type);
		headers = curl_slist_append(headers, ct);
	}
	if (e->registry_auth) {
		auth = xasprintf("X-Registry-Auth: %s", e->registry_auth);
		headers = curl_slist_append(headers, auth);
	}
	e->timed_out = 0;
	e->cancelled = 0;
	for (attempt = 1; attempt <= (e->tries > 0 ? e->tries : 1); attempt++) {
		e->status = 0;
		e->hdr_api[0] = e->hdr_server[0] = '\0';
		e->curl_err[0] = '\0';
		buf_reset(&e->body);
		x.stopped = 0;
		xfer_setup(e, method, url, body, len, headers, &x);
		rc = curl_easy_perform(e->curl);
		if (rc != CURLE_COULDNT_CONNECT || attempt == e->tries || (e->cancel && *e->cancel))
			break;
		sleep_ms(wait);
		wait *= 2;
	}
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &e->status);
	if (getenv("JOCKEY_TRACE_ENGINE")) {
		double t = 0;

		/* "+N ms": when it was sent, from the process's first client: the
		 * gaps between requests are the client's own time. */
		curl_easy_getinfo(e->curl, CURLINFO_TOTAL_TIME, &t);
		fprintf(stderr, "%s: engine: %s %s -> %ld (%.1f ms, +%.1f ms)\n", progname, method,
			fullpath, e->status, t * 1000, mono_ms() - trace_t0 - t * 1000);
	}
	if (rc == CURLE_OK) {
		if (e->status >= 200 && e->status < 300)
			ret = 0;
		else
			set_http_err(e);
	} else if (x.stopped) {
		engine_set_error(e, "stopped while reading the reply to %s %s", method, fullpath);
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		e->cancelled = 1;
		engine_set_error(e, "interrupted");
	} else if (rc == CURLE_OPERATION_TIMEDOUT && e->timeout_ms > 0) {
		e->timed_out = 1;
		engine_set_error(e, "engine: %s %s timed out after %ld ms", method, fullpath, e->timeout_ms);
	} else if (e->socket_path && rc == CURLE_COULDNT_CONNECT) {
		/* curl's own words name "localhost port 80", which misleads here. */
		if (path_exists(e->socket_path))
			engine_set_error(e, "cannot reach the engine at %s: connection refused", e->endpoint);
		else
			engine_set_error(e, "cannot reach the engine at %s: no socket at '%s'", e->endpoint,
				e->socket_path);
	} else {
		engine_set_error(e, "cannot reach the engine at %s: %s", e->endpoint,
			e->curl_err[0] ? e->curl_err : curl_easy_strerror(rc));
	}
	curl_slist_free_all(headers);
	free(ct);
	free(auth);
	free(url);
	return ret;
}

/* "1.41" -> 1041, for comparing API versions; -1 when malformed. */
static long
api_number(const char *v)
{
	int major, minor;

	if (!v || sscanf(v, "%d.%d", &major, &minor) != 2 || major < 0 || minor < 0)
		return -1;
	return major * 1000L + minor;
}

/* The API version from GET /version's body, for engines (or proxies) whose
 * /_ping names none. A new string, or NULL with e->err set. */
static char *
negotiate_by_version(struct engine *e)
{
	const char *v;
	json_t *j;

	if (perform(e, "GET", "/version", NULL, 0, NULL, NULL, NULL) < 0)
		return NULL;
	j = json_loadb(e->body.data, e->body.len, 0, NULL);
	v = json_string_value(json_object_get(j, "ApiVersion"));
	if (!v) {
		json_decref(j);
		engine_set_error(e, "engine: no API version in the replies to GET /_ping and GET /version");
		return NULL;
	}
	json_decref(e->version);
	e->version = j;
	return xstrdup(v);
}

int
engine_negotiate(struct engine *e)
{
	char *v;

	if (e->api_version)
		return 0;
	/* /_ping is the cheapest call (no JSON, no containerd round trip, unlike
	 * /version) and both Docker and Podman name their API in its headers. */
	if (perform(e, "GET", "/_ping", NULL, 0, NULL, NULL, NULL) < 0 && e->status == 0)
		return -1;
	memcpy(e->server, e->hdr_server, sizeof(e->server));
	v = e->hdr_api[0] ? xstrdup(e->hdr_api) : negotiate_by_version(e);
	if (!v)
		return -1;
	if (api_number(v) < 0) {
		engine_set_error(e, "engine: API version '%s' is not MAJOR.MINOR", v);
		free(v);
		return -1;
	}
	e->api_version = xstrdup(api_number(v) < api_number(ENGINE_API_MAX) ? v : ENGINE_API_MAX);
	free(v);
	return 0;
}

int
engine_stream(struct engine *e, const char *method, const char *path,
	      const void *body, size_t len, const char *content_type,
	      engine_data_fn *fn, void *arg)
{
	char *full;
	int ret;

	if (engine_negotiate(e) < 0)
		return -1;
	full = xasprintf("/v%s%s", e->api_version, path);
	ret = perform(e, method, full, body, len, content_type, fn, arg);
	free(full);
	return ret;
}

int
engine_request(struct engine *e, const char *method, const char *path,
	       const void *body, size_t len, const char *content_type)
{
	return engine_stream(e, method, path, body, len, content_type, NULL, NULL);
}

/* Splits a progress stream into lines of JSON. */
struct jsonlines {
	struct buf line;
	engine_json_fn *fn;
	void *arg;
	char *error;        /* the stream's own "error" message (owned) */
};

static int
jsonlines_one(struct jsonlines *jl, const char *s, size_t n)
{
	json_t *msg, *detail;
	const char *err;
	int ret = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	if (n == 0)
		return 0;
	msg = json_loadb(s, n, 0, NULL);
	if (!json_is_object(msg)) {
		json_decref(msg);
		return 0; /* not ours to judge: keep reading */
	}
	detail = json_object_get(msg, "errorDetail");
	err = json_string_value(json_object_get(detail, "message"));
	if (!err)
		err = json_string_value(json_object_get(msg, "error"));
	if (err) {
		jl->error = xstrdup(err);
		ret = 1;
	} else if (jl->fn) {
		ret = jl->fn(msg, jl->arg);
	}
	json_decref(msg);
	return ret;
}

static int
jsonlines_data(const char *data, size_t len, void *arg)
{
	struct jsonlines *jl = arg;
	size_t start = 0, i;

	buf_add(&jl->line, data, len);
	for (i = 0; i < jl->line.len; i++) {
		if (jl->line.data[i] != '\n')
			continue;
		if (jsonlines_one(jl, jl->line.data + start, i - start))
			return 1;
		start = i + 1;
	}
	memmove(jl->line.data, jl->line.data + start, jl->line.len - start);
	jl->line.len -= start;
	jl->line.data[jl->line.len] = '\0';
	return 0;
}

int
engine_stream_json(struct engine *e, const char *method, const char *path,
		   const void *body, size_t len, const char *content_type,
		   engine_json_fn *fn, void *arg)
{
	struct jsonlines jl = { BUF_INIT, fn, arg, NULL };
	int ret;

	ret = engine_stream(e, method, path, body, len, content_type, jsonlines_data, &jl);
	if (ret == 0 && jl.line.len > 0)
		ret = jsonlines_one(&jl, jl.line.data, jl.line.len) ? -1 : 0;
	if (jl.error) {
		engine_set_error(e, "engine: %s", jl.error);
		ret = -1;
	}
	free(jl.error);
	buf_release(&jl.line);
	return ret;
}

int
engine_call(struct engine *e, const char *method, const char *path, json_t *body, json_t **out)
{
	char *text = NULL;
	json_error_t jerr;
	int ret;

	if (out)
		*out = NULL;
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text)
			fatal("out of memory");
	}
	ret = engine_request(e, method, path, text, text ? strlen(text) : 0,
			     text ? "application/json" : NULL);
	free(text);
	if (ret < 0 || !out || e->body.len == 0)
		return ret;
	*out = json_loadb(e->body.data, e->body.len, 0, &jerr);
	if (!*out) {
		engine_set_error(e, "engine: %s %s: invalid JSON in the reply: %s", method, path, jerr.text);
		return -1;
	}
	return 0;
}

int
engine_get_json(struct engine *e, const char *path, json_t **out)
{
	return engine_call(e, "GET", path, NULL, out);
}

int
engine_post_json(struct engine *e, const char *path, json_t *body, json_t **out)
{
	return engine_call(e, "POST", path, body, out);
}

char *
engine_escape(struct engine *e, const char *s)
{
	char *q = curl_easy_escape(e->curl, s, 0), *r;

	if (!q)
		fatal("out of memory");
	r = xstrdup(q);
	curl_free(q);
	return r;
}

char *
engine_escape_json(struct engine *e, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY), *r;

	if (!text)
		fatal("out of memory");
	r = engine_escape(e, text);
	free(text);
	return r;
}

void
engine_set_registry_auth(struct engine *e, const char *auth)
{
	free(e->registry_auth);
	e->registry_auth = auth ? xstrdup(auth) : NULL;
}
