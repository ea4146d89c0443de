/* ready.c: is a running side ready; see ready.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/proc.h"
#include "runners/run/ready.h"

struct ready {
	const char *addr;      /* where the host reaches the side */
	int tcp;
	pcre2_code *re;
	size_t log_from;
	json_t *command;
	int http_port, http_status;
	char *http_url;
	long timeout_ms;
	char *what;            /* "tcp 6379", "log 'pattern'", "command", "http 80/" */
};

char *
ready_last_line(struct run *r, struct proc *p)
{
	struct buf b = BUF_INIT;
	const char *e, *s;
	char *out;

	if (proc_output(r, p, &b) < 0) {
		buf_release(&b);
		return xstrdup("");
	}
	e = b.data + b.len;
	while (e > b.data && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		e--;
	for (s = e; s > b.data && s[-1] != '\n' && s[-1] != '\r'; s--)
		;
	out = e > s ? xasprintf(": '%.*s'", (int)(e - s > 300 ? 300 : e - s), s) : xstrdup("");
	buf_release(&b);
	return out;
}

void
ready_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

long
ready_timeout_ms(json_t *spec)
{
	long ms = (long)json_integer_value(json_object_get(spec, "timeout_ms"));

	return ms > 0 ? ms : 30000;
}

/* 1 when the port accepts a connection within ms, else 0. */
static int
tcp_accepts(const char *addr, int port, long ms)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	int fd, err = 0, ok = 0;
	socklen_t len = sizeof(err);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		ok = 1;
	} else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
			ok = 1;
	}
	close(fd);
	return ok;
}

static size_t
discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* 1 when a GET of url answers status within ms, else 0. */
static int
http_answers(const char *url, int status, long ms)
{
	CURL *c = curl_easy_init();
	long code = 0;

	if (!c)
		return 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	return code == status;
}

/* One check: 1 ready, 0 not yet, -1 error. */
static int
ready_check(struct run *r, struct proc *p, struct ready *rd, long long deadline)
{
	long left = (long)(deadline - now_ms());

	if (left < 1)
		left = 1;
	if (rd->tcp)
		return tcp_accepts(rd->addr, rd->tcp, left < 250 ? left : 250);
	if (rd->http_url)
		return http_answers(rd->http_url, rd->http_status, left < 1000 ? left : 1000);
	if (rd->re) {
		struct buf b = BUF_INIT;
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(rd->re, NULL);
		int m = -1;

		if (proc_output(r, p, &b) < 0) {
			pcre2_match_data_free(md);
			buf_release(&b);
			return -1;
		}
		if (b.len > rd->log_from)
			m = pcre2_match(rd->re, (PCRE2_SPTR)b.data, b.len, rd->log_from, 0, md, NULL);
		pcre2_match_data_free(md);
		buf_release(&b);
		return m >= 0;
	}
	return proc_ready_exec(r, p, rd->command, deadline);
}

static int
ready_init(struct run *r, struct ready *rd, json_t *spec, const char *addr)
{
	json_t *http = json_object_get(spec, "http");
	const char *log;
	int err;
	PCRE2_SIZE off;

	rd->addr = addr;
	rd->timeout_ms = ready_timeout_ms(spec);
	rd->tcp = (int)json_integer_value(json_object_get(spec, "tcp"));
	rd->command = json_object_get(spec, "command");
	rd->http_port = (int)json_integer_value(json_object_get(http, "port"));
	log = json_string_value(json_object_get(spec, "log"));
	if (rd->tcp) {
		rd->what = xasprintf("tcp %d", rd->tcp);
	} else if (rd->http_port) {
		const char *path = json_string_value(json_object_get(http, "path"));

		rd->http_status = (int)json_integer_value(json_object_get(http, "status"));
		if (!rd->http_status)
			rd->http_status = 200;
		rd->what = xasprintf("http %d%s", rd->http_port, path ? path : "/");
		if (addr)
			rd->http_url = xasprintf("http://%s:%d%s", addr, rd->http_port, path ? path : "/");
	} else if (log) {
		rd->re = pcre2_compile((PCRE2_SPTR)log, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
				       &err, &off, NULL);
		if (!rd->re)
			return error("%s: ready.log: invalid pattern", r->run_json);
		rd->what = xasprintf("log '%s'", log);
	} else if (json_array_size(rd->command) > 0) {
		rd->what = xstrdup("command");
	}
	return 0;
}

static enum ready_end
ready_poll(struct run *r, struct proc *p, struct ready *rd, const struct ready_how *how)
{
	long long deadline = now_ms() + rd->timeout_ms;
	int f;

	for (;;) {
		if (run_signal)
			return READY_ERROR;
		f = proc_running(r, p);
		if (f == 0 && how->exit_ok && rd->re && (f = ready_check(r, p, rd, deadline)) != 0)
			return f > 0 ? READY_OK : READY_ERROR;
		if (f == 0)
			return READY_EXITED;
		if (f > 0)
			f = ready_check(r, p, rd, deadline);
		if (f < 0)
			return READY_ERROR;
		if (f > 0)
			return READY_OK;
		if (now_ms() >= deadline)
			return READY_NEVER;
		ready_sleep_ms(how->poll_ms);
	}
}

enum ready_end
ready_wait(struct run *r, struct proc *p, json_t *spec, const char *addr,
	   const struct ready_how *how, char **what)
{
	struct ready rd;
	enum ready_end end;

	memset(&rd, 0, sizeof(rd));
	rd.log_from = how->log_from;
	*what = NULL;
	if (ready_init(r, &rd, spec, addr) < 0) {
		free(rd.what);
		return READY_ERROR;
	}
	if (!rd.what)
		end = READY_OK;
	else if ((rd.tcp || rd.http_port) && !addr)
		end = READY_UNREACHABLE;
	else
		end = ready_poll(r, p, &rd, how);
	pcre2_code_free(rd.re);
	free(rd.http_url);
	*what = rd.what;
	return end;
}
