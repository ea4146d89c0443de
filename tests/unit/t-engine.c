/* t-engine.c: the Engine API client against a fake engine.
 *
 * As curl's own tests do, each case pairs canned replies with the exact
 * requests the client must send. The fake is a tiny HTTP/1.1 server on a
 * unix socket in a thread: it reads one request at a time (headers, then a
 * Content-Length body), records it, and writes the next canned reply, keeping
 * the connection open as the engine does. It stops after the last reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/engine.h"
#include "tap.h"

#define MAXREQ 16

struct fake {
	char path[108];
	const char **replies;   /* raw HTTP replies; "HANG" holds the line for a second */
	int nreplies;
	int listen_after_ms;    /* create the socket only after this long */
	char *requests[MAXREQ]; /* what came, one raw request each (owned) */
	int nrequests;
	pthread_t thread;
};

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Read one request from fd; NULL at the end of the connection. */
static char *
fake_read_request(int fd)
{
	struct buf b = BUF_INIT;
	char c[4096];
	size_t need = 0;
	char *end;
	ssize_t n;

	for (;;) {
		end = strstr(b.data, "\r\n\r\n");
		if (end && !need) {
			const char *cl = strcasestr(b.data, "\r\nContent-Length:");

			need = (size_t)(end - b.data) + 4 + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (need && b.len >= need)
			return buf_detach(&b, NULL);
		n = read(fd, c, sizeof(c));
		if (n <= 0) {
			buf_release(&b);
			return NULL;
		}
		buf_add(&b, c, (size_t)n);
	}
}

static void
write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void *
fake_serve(void *arg)
{
	struct fake *f = arg;
	struct sockaddr_un sa;
	int lfd, fd = -1, next = 0;

	if (f->listen_after_ms)
		sleep_ms(f->listen_after_ms);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, f->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4) < 0)
		return NULL;
	while (next < f->nreplies) {
		char *req;

		if (fd < 0 && (fd = accept(lfd, NULL, NULL)) < 0)
			break;
		req = fake_read_request(fd);
		if (!req) {
			close(fd);
			fd = -1;
			continue;
		}
		if (f->nrequests < MAXREQ)
			f->requests[f->nrequests++] = req;
		else
			free(req);
		if (strcmp(f->replies[next], "HANG") == 0)
			sleep_ms(1000);
		else
			write_all(fd, f->replies[next], strlen(f->replies[next]));
		next++;
	}
	if (fd >= 0)
		close(fd);
	close(lfd);
	unlink(f->path);
	return NULL;
}

static void
fake_start(struct fake *f, const char *dir, const char **replies, int n, int listen_after_ms)
{
	static int seq;

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s/engine%d.sock", dir, seq++);
	f->replies = replies;
	f->nreplies = n;
	f->listen_after_ms = listen_after_ms;
	pthread_create(&f->thread, NULL, fake_serve, f);
	if (!listen_after_ms)
		while (!path_exists(f->path))
			sleep_ms(1);
}

static void
fake_stop(struct fake *f)
{
	int i;

	pthread_join(f->thread, NULL);
	for (i = 0; i < f->nrequests; i++)
		free(f->requests[i]);
}

/* The request line of request i, e.g. "GET /version HTTP/1.1". */
static char *
request_line(struct fake *f, int i)
{
	static char line[1024];

	if (i >= f->nrequests)
		return "(no request)";
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(f->requests[i], "\r\n"), f->requests[i]);
	return line;
}

static const char *
request_body(struct fake *f, int i)
{
	const char *p = i < f->nrequests ? strstr(f->requests[i], "\r\n\r\n") : NULL;

	return p ? p + 4 : "(no request)";
}

static int
request_has_header(struct fake *f, int i, const char *header)
{
	char *h = xasprintf("\r\n%s\r\n", header);
	int yes = i < f->nrequests && strstr(f->requests[i], h) != NULL;

	free(h);
	return yes;
}

/* Canned replies, made at run time so lengths are always right. */
static char *made[64];
static int nmade;

static const char *
keep(char *s)
{
	if (nmade < 64)
		made[nmade++] = s;
	return s;
}

/* "HTTP/1.1 STATUS" with a Content-Length body. */
static const char *
http(const char *status, const char *body)
{
	return keep(xasprintf("HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
			      "Content-Length: %zu\r\n\r\n%s", status, strlen(body), body));
}

/* A 200 reply in chunked encoding, one chunk per argument (NULL ends). */
static const char *
chunked(const char *first, ...)
{
	struct buf b = BUF_INIT;
	const char *c;
	va_list ap;

	buf_puts(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		     "Transfer-Encoding: chunked\r\n\r\n");
	va_start(ap, first);
	for (c = first; c; c = va_arg(ap, const char *))
		buf_printf(&b, "%zx\r\n%s\r\n", strlen(c), c);
	va_end(ap);
	buf_puts(&b, "0\r\n\r\n");
	return keep(buf_detach(&b, NULL));
}

static struct engine *
fake_engine(struct fake *f)
{
	char *ep = xasprintf("unix://%s", f->path);
	struct engine *e = engine_open(ep);

	free(ep);
	return e;
}

/* Docker 24 names API 1.43 in /_ping's headers; Podman 4 names 1.40. */
#define PING_143 "HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nServer: Docker/24.0.7 (linux)\r\n" \
	"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n\r\nOK"
#define VERSION_141 PING_143
#define PING_140 "HTTP/1.1 200 OK\r\nAPI-Version: 1.40\r\nLibpod-API-Version: 4.3.1\r\n" \
	"Server: Libpod/4.3.1 (linux)\r\nContent-Length: 2\r\n\r\nOK"
#define VERSION_140 PING_140

static void
test_negotiation(const char *dir)
{
	const char *replies[] = {
		VERSION_141,
		http("200 OK", "{\"Id\":\"sha256:abc\",\"x\":[]}\n"),
	};
	struct fake f;
	struct engine *e;
	json_t *img = NULL;

	fake_start(&f, dir, replies, 2, 0);
	e = fake_engine(&f);
	is_int(engine_image_inspect(e, "debian:bookworm", &img), 0, "inspect an image");
	is_str(json_string_value(json_object_get(img, "Id")), "sha256:abc", "the reply is parsed");
	is_str(request_line(&f, 0), "GET /_ping HTTP/1.1", "the first request pings");
	is_str(request_line(&f, 1), "GET /v1.41/images/debian:bookworm/json HTTP/1.1",
	       "a newer engine is spoken to as 1.41");
	ok(request_has_header(&f, 1, "Host: localhost"), "Host: localhost on a unix socket");
	is_str(e->api_version, "1.41", "api_version is the minimum");
	is_str(e->server, "Docker/24.0.7 (linux)", "the Server header is kept");
	json_decref(img);
	engine_free(e);
	fake_stop(&f);
}

static void
test_version_fallback(const char *dir)
{
	const char *replies[] = {
		http("404 Not Found", "{\"message\":\"page not found\"}"),
		http("200 OK", "{\"ApiVersion\":\"1.38\",\"Version\":\"18.09\"}"),
		http("200 OK", "[]"),
	};
	struct fake f;
	struct engine *e;
	json_t *out = NULL;

	fake_start(&f, dir, replies, 3, 0);
	e = fake_engine(&f);
	is_int(engine_get_json(e, "/containers/json", &out), 0, "an engine without Api-Version in /_ping");
	is_str(request_line(&f, 1), "GET /version HTTP/1.1", "is asked GET /version");
	is_str(request_line(&f, 2), "GET /v1.38/containers/json HTTP/1.1", "and spoken to in its version");
	json_decref(out);
	engine_free(e);
	fake_stop(&f);
}

static void
test_older_engine(const char *dir)
{
	const char *replies[] = {
		VERSION_140,
		http("201 Created", "{\"Id\":\"c0ffee\",\"Warnings\":[]}\r\n"),
	};
	struct fake f;
	struct engine *e;
	json_t *body = json_pack("{s:s,s:[s,s]}", "Image", "sha256:abc", "Cmd", "sh", "-c"), *out = NULL;

	fake_start(&f, dir, replies, 2, 0);
	e = fake_engine(&f);
	is_int(engine_post_json(e, "/containers/create?name=jockey-x-1", body, &out), 0, "create");
	is_str(request_line(&f, 1), "POST /v1.40/containers/create?name=jockey-x-1 HTTP/1.1",
	       "an older engine (Podman 4) is spoken to in its version");
	ok(request_has_header(&f, 1, "Content-Type: application/json"), "JSON bodies say so");
	ok(request_has_header(&f, 1, "Content-Length: 40"), "with their length");
	ok(!strstr(f.requests[1], "Expect:"), "and no Expect: 100-continue");
	is_str(request_body(&f, 1), "{\"Image\":\"sha256:abc\",\"Cmd\":[\"sh\",\"-c\"]}",
	       "the body is the compact JSON");
	is_str(json_string_value(json_object_get(out, "Id")), "c0ffee", "201 is success");
	json_decref(body);
	json_decref(out);
	engine_free(e);
	fake_stop(&f);
}

/* A second client (another thread's) speaks the version the first one
 * negotiated, on a connection of its own, without pinging again. */
static void
test_dup(const char *dir)
{
	const char *replies[] = {
		PING_140,
		http("200 OK", "[]"),
		http("200 OK", "{\"ServerVersion\":\"4.3.1\"}"),
	};
	static volatile sig_atomic_t flag;
	struct fake f;
	struct engine *e, *d;
	json_t *out = NULL;

	fake_start(&f, dir, replies, 3, 0);
	e = fake_engine(&f);
	e->cancel = &flag;
	is_int(engine_get_json(e, "/containers/json", &out), 0, "a first client negotiates");
	json_decref(out);
	out = NULL;
	d = engine_dup(e);
	/* the fake serves one connection at a time: close the first */
	engine_free(e);
	ok(d && d->cancel == &flag, "its copy shares the cancel flag");
	is_str(d->server, "Libpod/4.3.1 (linux)", "and the Server header");
	is_int(engine_get_json(d, "/info", &out), 0, "the copy asks on a connection of its own");
	is_int(f.nrequests, 3, "without a second ping");
	is_str(request_line(&f, 2), "GET /v1.40/info HTTP/1.1", "in the negotiated version");
	is_str(json_string_value(json_object_get(out, "ServerVersion")), "4.3.1", "and reads the reply");
	json_decref(out);
	engine_free(d);
	fake_stop(&f);
}

static void
test_errors(const char *dir)
{
	const char *replies[] = {
		VERSION_141,
		http("404 Not Found", "{\"message\":\"No such image: nosuch:1\"}\n"),
		http("500 Internal Server Error", "{\"message\":\"boom\"}\r\n"),
		http("502 Bad Gateway", "proxy down\r\n"),
		http("404 Not Found", ""),
		"HTTP/1.1 204 No Content\r\n\r\n",
	};
	struct fake f;
	struct engine *e;
	json_t *out = NULL;

	fake_start(&f, dir, replies, 6, 0);
	e = fake_engine(&f);
	is_int(engine_image_inspect(e, "nosuch:1", &out), 1, "404 on an image means no such image");
	is_str(engine_error(e), "engine: No such image: nosuch:1", "the engine's message is kept");
	is_int(engine_request(e, "POST", "/containers/x/start", NULL, 0, NULL), -1, "500 fails");
	is_int(e->status, 500, "status 500");
	is_str(engine_error(e), "engine: boom", "with the engine's message after 'engine: '");
	is_int(engine_get_json(e, "/info", &out), -1, "502 fails");
	is_str(engine_error(e), "engine: proxy down", "a text body is the message");
	is_int(engine_container_remove(e, "gone"), 0, "removing a container already gone is fine");
	is_str(request_line(&f, 4), "DELETE /v1.41/containers/gone?force=1&v=1 HTTP/1.1",
	       "remove is DELETE with force and volumes");
	is_int(engine_container_remove(e, "x"), 0, "204 is success");
	ok(out == NULL, "no reply, no JSON");
	engine_free(e);
	fake_stop(&f);
}

static void
test_unreachable(const char *dir)
{
	const char *replies[] = { VERSION_141 };
	struct fake f;
	struct engine *e;
	struct timespec t0, t1;
	char *want;
	double took;

	/* The socket appears 700 ms late: an engine restarting. */
	fake_start(&f, dir, replies, 1, 700);
	e = fake_engine(&f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(engine_negotiate(e), 0, "a late socket is waited for");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(took >= 0.6 && took < 3, "and the wait is bounded (%.2fs)", took);
	engine_free(e);
	fake_stop(&f);

	e = engine_open("unix:///nonexistent/jockey.sock");
	e->tries = 3;
	e->retry_ms = 20;
	is_int(engine_request(e, "GET", "/info", NULL, 0, NULL), -1, "no engine at all fails");
	want = "cannot reach the engine at unix:///nonexistent/jockey.sock: no socket at '/nonexistent/jockey.sock'";
	is_str(engine_error(e), want, "with a clear message");
	engine_free(e);

	{
		/* Its message goes to stderr, which prove would show. */
		int saved = dup(2), null = open("/dev/null", O_WRONLY);

		dup2(null, 2);
		ok(engine_open("ftp://x") == NULL, "a malformed endpoint is refused");
		dup2(saved, 2);
		close(null);
		close(saved);
	}
	e = engine_open("tcp://127.0.0.1:1");
	is_str(e->base_url, "http://127.0.0.1:1", "tcp:// is plain http");
	engine_free(e);
}

struct seen {
	struct buf stream;
	int n;
};

static int
on_progress(json_t *msg, void *arg)
{
	struct seen *s = arg;
	const char *t = json_string_value(json_object_get(msg, "stream"));

	s->n++;
	if (t)
		buf_puts(&s->stream, t);
	return 0;
}

static void
test_streams(const char *dir)
{
	const char *replies[] = {
		VERSION_141,
		/* JSON lines split across chunks, as /build sends them. */
		chunked("{\"stream\":\"Step 1/2", "\\n\"}\r\n{\"stream\":\"done\\n\"}\r\n",
			"{\"aux\":{\"ID\":\"sha256:feed\"}}", NULL),
		chunked("{\"stream\":\"Step 1\"}\r\n",
			"{\"errorDetail\":{\"message\":\"returned a non-zero code: 3\"},\"error\":\"x\"}\r\n", NULL),
		chunked("{\"status\":\"Pulling from library/debian\"}\n", NULL),
	};
	struct fake f;
	struct engine *e;
	struct seen s = { BUF_INIT, 0 };
	static const char tar[] = "ctx\0tar";

	fake_start(&f, dir, replies, 4, 0);
	e = fake_engine(&f);
	is_int(engine_stream_json(e, "POST", "/build?t=x", tar, sizeof(tar), "application/x-tar",
				  on_progress, &s), 0, "a chunked progress stream");
	is_int(s.n, 3, "every JSON line is seen once");
	is_str(s.stream.data, "Step 1/2\ndone\n", "lines split across chunks are joined");
	ok(request_has_header(&f, 1, "Content-Type: application/x-tar"), "the context goes as a tar");
	ok(memcmp(request_body(&f, 1), tar, sizeof(tar)) == 0, "byte for byte, NULs included");
	is_int(engine_stream_json(e, "POST", "/build?t=y", "", 0, "application/x-tar",
				  on_progress, &s), -1, "an error line fails the stream");
	is_str(engine_error(e), "engine: returned a non-zero code: 3", "with errorDetail's message");
	is_int(engine_image_pull(e, "registry:5000/my image", "1.0"), 0, "pull");
	is_str(request_line(&f, 3), "POST /v1.41/images/create?fromImage=registry%3A5000%2Fmy%20image&tag=1.0 HTTP/1.1",
	       "query values are escaped");
	buf_release(&s.stream);
	engine_free(e);
	fake_stop(&f);
}

static void *
raise_flag_later(void *arg)
{
	volatile sig_atomic_t *flag = arg;

	sleep_ms(300);
	*flag = SIGINT;
	return NULL;
}

static void
test_timeout(const char *dir)
{
	const char *replies[] = { VERSION_141, "HANG" };
	struct fake f;
	struct engine *e;

	fake_start(&f, dir, replies, 2, 0);
	e = fake_engine(&f);
	e->timeout_ms = 200;
	is_int(engine_request(e, "POST", "/containers/x/wait", NULL, 0, NULL), -1, "a slow reply times out");
	ok(e->timed_out, "and says so");
	engine_free(e);
	fake_stop(&f);
}

static void
test_cancel(const char *dir)
{
	const char *replies[] = { VERSION_141, "HANG" };
	static volatile sig_atomic_t flag;
	struct fake f;
	struct engine *e;
	pthread_t t;

	fake_start(&f, dir, replies, 2, 0);
	e = fake_engine(&f);
	flag = 0;
	e->cancel = &flag;
	is_int(engine_negotiate(e), 0, "negotiate before the signal");
	pthread_create(&t, NULL, raise_flag_later, (void *)&flag);
	is_int(engine_request(e, "GET", "/containers/x/logs?follow=1", NULL, 0, NULL), -1,
	       "a signal stops a transfer that waits on the engine");
	ok(e->cancelled && !e->timed_out, "and says so");
	is_str(engine_error(e), "interrupted", "as 'interrupted'");
	pthread_join(t, NULL);
	engine_free(e);
	fake_stop(&f);
}

/* Feed a multiplexed log in pieces of every size; the payloads must come
 * out whole and in order. */
static void
test_demux(void)
{
	static const unsigned char stream[] = {
		1, 0, 0, 0, 0, 0, 0, 6, 'h', 'e', 'l', 'l', 'o', '\n',
		2, 0, 0, 0, 0, 0, 0, 4, 'e', 'r', 'r', '\n',
		1, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0, 0, 0, 3, 'e', 'n', 'd',
	};
	size_t step, i;
	int good = 1;

	for (step = 1; step <= sizeof(stream); step++) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		struct engine_demux d = { out, { 0 }, 0, 0, 0 };

		for (i = 0; i < sizeof(stream); i += step)
			engine_demux_data((const char *)stream + i,
					  sizeof(stream) - i < step ? sizeof(stream) - i : step, &d);
		fclose(out);
		if (strcmp(text, "hello\nerr\nend") != 0) {
			good = 0;
			printf("# step %zu: '%s'\n", step, text);
		}
		free(text);
	}
	ok(good, "frames split at every offset come out whole");
	{
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		struct engine_demux d = { out, { 0 }, 0, 0, 0 };

		engine_demux_data("plain tty text\n", 15, &d);
		fclose(out);
		is_str(text, "plain tty text\n", "a stream without frames (a TTY) is copied");
		free(text);
	}
}

static void
test_escape(void)
{
	struct engine *e = engine_open("unix:///x.sock");
	json_t *filters = json_pack("{s:[s]}", "label", "jockey.dir=/a b");
	char *s = engine_escape_json(e, filters);

	is_str(s, "%7B%22label%22%3A%5B%22jockey.dir%3D%2Fa%20b%22%5D%7D", "filters= is compact escaped JSON");
	free(s);
	json_decref(filters);
	engine_free(e);
}

int
main(void)
{
	char dir[] = "/tmp/jockey-t-engine.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	test_negotiation(dir);
	test_version_fallback(dir);
	test_older_engine(dir);
	test_dup(dir);
	test_errors(dir);
	test_unreachable(dir);
	test_streams(dir);
	test_timeout(dir);
	test_cancel(dir);
	test_demux();
	test_escape();
	rmdir(dir);
	while (nmade > 0)
		free(made[--nmade]);
	return tap_done();
}
