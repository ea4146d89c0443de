/* pair.c: a server and a client in one repetition.
 *
 * The order, for each repetition: a private bridge network for the cell
 * (when a side runs in one), the server, its readiness (a TCP port that
 * accepts connections, a line of its log, or a command that exits 0, each
 * with a deadline), the client with ${server} and ${server_port} put in its
 * command and environment, then the server stopped and its log saved. The
 * client is the cell's main process: its log is the one parsed and its
 * metrics are metrics.json's "metrics"; the server's are "server_metrics".
 * cell.c removes both sides and the network on every path.
 *
 * Addresses: a side on the host's network (network: host, or native) is
 * reached at 127.0.0.1 from the host; a side in a network at its address
 * there, which the host routes to. A client in a network reaches a server
 * on the host's network through the network's gateway.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/container.h"
#include "runners/run/pair.h"
#include "runners/run/proc.h"

/* How often readiness is checked. */
#define READY_POLL_MS 100

static int
on_host_net(const struct proc *p)
{
	return p->native || strcmp(p->net_mode, "host") == 0;
}

static int
in_private_net(const struct proc *p)
{
	return !p->native && strcmp(p->net_mode, "bridge") == 0;
}

/* The cell's own network, when a side would run on the engine's bridge. */
static int
network_setup(struct run *r)
{
	if (!in_private_net(&r->server) && !in_private_net(&r->main))
		return 0;
	r->network = xasprintf("jockey-%s-%d-%ld", r->cell, r->rep, (long)getpid());
	r->net_created = 1;
	if (engine_network_create(r->e, r->network, r->rc.labels, NULL) < 0)
		return run_error(r, "create network");
	if (in_private_net(&r->server))
		r->server.net_mode = r->network;
	if (in_private_net(&r->main))
		r->main.net_mode = r->network;
	return 0;
}

void
pair_cleanup(struct run *r)
{
	if (!r->net_created)
		return;
	r->e->timeout_ms = CLEANUP_MS;
	if (engine_network_remove(r->e, r->network) < 0)
		error("run '%s' rep %d: remove network '%s': %s", r->cell, r->rep, r->network,
		      engine_error(r->e));
	r->e->timeout_ms = 0;
	r->net_created = 0;
}

/* The last line of the server's log that says something, as ": 'LINE'"
 * (fresh), or "" when it said nothing. */
static char *
server_last_line(struct run *r)
{
	struct buf b = BUF_INIT;
	const char *e, *s;
	char *out;

	if (proc_output(r, &r->server, &b) < 0) {
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

/* The server stopped before it was ready: the cell's failure. what: how
 * readiness was checked, or NULL. */
static int
server_exited(struct run *r, const char *what)
{
	char *last;
	int code;

	if (proc_exit_code(r, &r->server, &code) < 0)
		return -1;
	last = server_last_line(r);
	r->failure = what ? xasprintf("server exited with code %d before it was ready (%s)%s", code, what, last)
			  : xasprintf("server exited with code %d before it was ready%s", code, last);
	free(last);
	return 0;
}

/* After a client that failed: a server that had exited first is part of
 * the reason (its code and last line). */
static int
server_gone_check(struct run *r)
{
	const struct proc *c = &r->main;
	char *last;
	int code;

	if (!(c->exit_code != 0 || c->failure) || c->timed_out || proc_running(r, &r->server) != 0)
		return 0;
	if (proc_exit_code(r, &r->server, &code) < 0)
		return -1;
	last = server_last_line(r);
	r->server_gone = xasprintf("the server had exited first, with code %d%s", code, last);
	free(last);
	return 0;
}

/* The address of the server, a container in a network, on that network,
 * fresh; NULL with r->failure set when it has none. */
static char *
server_ip(struct run *r, int *err)
{
	json_t *c = NULL, *net, *st;
	const char *ip;
	char *out = NULL;

	*err = 0;
	if (container_inspect(r, &r->server, &c) < 0) {
		*err = run_error(r, "inspect the server");
		return NULL;
	}
	st = json_object_get(c, "State");
	net = json_object_get(json_object_get(json_object_get(c, "NetworkSettings"), "Networks"),
			      r->server.net_mode);
	ip = json_string_value(json_object_get(net, "IPAddress"));
	if (ip && *ip)
		out = xstrdup(ip);
	else if (!json_is_true(json_object_get(st, "Running")))
		*err = server_exited(r, NULL);
	else
		r->failure = xasprintf("the server has no address on network '%s'", r->server.net_mode);
	json_decref(c);
	return out;
}

/* The gateway of the network name: the host, seen from that network. */
static char *
network_gateway(struct run *r, const char *name, int *err)
{
	char *q = engine_escape(r->e, name), *path = xasprintf("/networks/%s", q);
	json_t *n = NULL;
	const char *gw;
	char *out = NULL;

	*err = 0;
	if (engine_get_json(r->e, path, &n) < 0)
		*err = run_error(r, "inspect the network");
	gw = json_string_value(json_object_get(json_array_get(
		json_object_get(json_object_get(n, "IPAM"), "Config"), 0), "Gateway"));
	if (gw && *gw)
		out = xstrdup(gw);
	else if (!*err)
		r->failure = xasprintf("network '%s' has no gateway to reach the server on the host",
				       name);
	json_decref(n);
	free(path);
	free(q);
	return out;
}

/* ---- readiness ---- */

struct ready {
	json_t *spec;          /* run.json's server.ready (borrowed) */
	const char *addr;      /* where the host reaches the server */
	int tcp;
	pcre2_code *re;
	json_t *command;
	long timeout_ms;
	char *what;            /* "tcp 6379", "log 'pattern'", "command" */
};

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

/* One check: 1 ready, 0 not yet, -1 error. */
static int
ready_check(struct run *r, struct ready *rd, long long deadline)
{
	long left = (long)(deadline - now_ms());

	if (left < 1)
		left = 1;
	if (rd->tcp)
		return tcp_accepts(rd->addr, rd->tcp, left < 250 ? left : 250);
	if (rd->re) {
		struct buf b = BUF_INIT;
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(rd->re, NULL);
		int m;

		if (proc_output(r, &r->server, &b) < 0) {
			pcre2_match_data_free(md);
			buf_release(&b);
			return -1;
		}
		m = pcre2_match(rd->re, (PCRE2_SPTR)b.data, b.len, 0, 0, md, NULL);
		pcre2_match_data_free(md);
		buf_release(&b);
		return m >= 0;
	}
	return proc_ready_exec(r, &r->server, rd->command, deadline);
}

static int
ready_init(struct run *r, struct ready *rd, const char *addr)
{
	const char *log;
	int err;
	PCRE2_SIZE off;

	memset(rd, 0, sizeof(*rd));
	rd->spec = r->server.side->ready;
	rd->addr = addr;
	rd->timeout_ms = (long)json_integer_value(json_object_get(rd->spec, "timeout_ms"));
	if (rd->timeout_ms <= 0)
		rd->timeout_ms = 30000;
	rd->tcp = (int)json_integer_value(json_object_get(rd->spec, "tcp"));
	rd->command = json_object_get(rd->spec, "command");
	log = json_string_value(json_object_get(rd->spec, "log"));
	if (rd->tcp) {
		rd->what = xasprintf("tcp %d", rd->tcp);
	} else if (log) {
		rd->re = pcre2_compile((PCRE2_SPTR)log, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
				       &err, &off, NULL);
		if (!rd->re)
			return error("%s: server.ready.log: invalid pattern", r->run_json);
		rd->what = xasprintf("log '%s'", log);
	} else if (json_array_size(rd->command) > 0) {
		rd->what = xstrdup("command");
	}
	return 0;
}

static void
ready_release(struct ready *rd)
{
	pcre2_code_free(rd->re);
	free(rd->what);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until the server is ready: 0 (r->failure says when it never was), -1
 * on an error or a signal. */
static int
ready_wait(struct run *r, const char *addr)
{
	struct ready rd;
	long long deadline;
	int ret = 0, f;

	if (ready_init(r, &rd, addr) < 0)
		return -1;
	if (!rd.what) {
		ready_release(&rd);
		return 0;
	}
	if (rd.tcp && !addr) {
		r->failure = xasprintf("server not reachable from the host for its readiness (%s)", rd.what);
		ready_release(&rd);
		return 0;
	}
	deadline = now_ms() + rd.timeout_ms;
	for (;;) {
		if (run_signal) {
			ret = -1;
			break;
		}
		f = proc_running(r, &r->server);
		if (f == 0) {
			ret = server_exited(r, rd.what);
			break;
		}
		if (f > 0)
			f = ready_check(r, &rd, deadline);
		if (f < 0) {
			ret = -1;
			break;
		}
		if (f > 0)
			break;
		if (now_ms() >= deadline) {
			r->failure = xasprintf("server not ready after %gs (%s)", rd.timeout_ms / 1000.0,
					       rd.what);
			break;
		}
		sleep_ms(READY_POLL_MS);
	}
	ready_release(&rd);
	return ret;
}

/* ---- the client's command ---- */

/* s with every ${server} and ${server_port} replaced (fresh). */
static char *
subst(const char *s, const char *server, const char *port)
{
	struct buf b = BUF_INIT;

	while (*s) {
		if (strncmp(s, "${server}", 9) == 0) {
			buf_puts(&b, server);
			s += 9;
		} else if (strncmp(s, "${server_port}", 14) == 0) {
			buf_puts(&b, port);
			s += 14;
		} else {
			buf_putc(&b, *s++);
		}
	}
	return buf_detach(&b, NULL);
}

static int
mentions_port(const struct runconf_side *side)
{
	json_t *v;
	const char *k;
	size_t i;

	json_array_foreach(side->command, i, v)
		if (strstr(json_string_value(v) ? json_string_value(v) : "", "${server_port}"))
			return 1;
	json_object_foreach(side->env, k, v)
		if (strstr(json_string_value(v) ? json_string_value(v) : "", "${server_port}"))
			return 1;
	return 0;
}

/* The server's port: ready.tcp, else the first port its image exposes. */
static int
server_port(struct run *r, char *port, size_t size)
{
	int tcp = (int)json_integer_value(json_object_get(r->server.side->ready, "tcp"));
	json_t *img = NULL;
	const char *k = NULL;
	void *it;

	if (tcp) {
		snprintf(port, size, "%d", tcp);
		return 0;
	}
	if (engine_image_inspect(r->e, r->server.image_id, &img) != 0)
		return run_error(r, "inspect the server's image");
	it = json_object_iter(json_object_get(json_object_get(img, "Config"), "ExposedPorts"));
	if (it)
		k = json_object_iter_key(it);
	snprintf(port, size, "%d", k ? atoi(k) : 0);
	json_decref(img);
	if (!k)
		r->failure = xstrdup("the client uses ${server_port} but the server has no ready.tcp "
				     "and its image exposes no port");
	return 0;
}

static int
client_subst(struct run *r, const char *server)
{
	struct runconf_side *side = r->main.side;
	json_t *cmd = json_array(), *env = json_object(), *v;
	char port[16] = "", *s;
	const char *k;
	size_t i;

	if (mentions_port(side) && server_port(r, port, sizeof(port)) < 0) {
		json_decref(cmd);
		json_decref(env);
		return -1;
	}
	json_array_foreach(side->command, i, v) {
		s = subst(json_string_value(v) ? json_string_value(v) : "", server, port);
		json_array_append_new(cmd, json_string(s));
		free(s);
	}
	json_object_foreach(side->env, k, v) {
		s = subst(json_string_value(v) ? json_string_value(v) : "", server, port);
		json_object_set_new(env, k, json_string(s));
		free(s);
	}
	/* run.json's object owns them; the side's fields point at them */
	json_object_set_new(side->json, "command", cmd);
	json_object_set_new(side->json, "env", env);
	side->command = cmd;
	side->env = env;
	return 0;
}

/* ---- the whole pair ---- */

/* Where the host reaches the server (*host_addr) and where the client does
 * (*client_addr), both fresh. */
static int
addresses(struct run *r, char **host_addr, char **client_addr)
{
	int err = 0;

	if (on_host_net(&r->server))
		*host_addr = xstrdup("127.0.0.1");
	else if (strcmp(r->server.net_mode, "none") != 0)
		*host_addr = server_ip(r, &err);
	if (err)
		return -1;
	if (on_host_net(&r->server) && !on_host_net(&r->main))
		*client_addr = network_gateway(r, r->main.net_mode, &err);
	else if (*host_addr)
		*client_addr = xstrdup(*host_addr);
	return err;
}

int
pair_run(struct run *r)
{
	char *host_addr = NULL, *client_addr = NULL;
	int ret = -1;

	if (network_setup(r) < 0)
		return -1;
	switch (proc_start(r, &r->server)) {
	case OUTCOME_ERROR:
		return -1;
	case OUTCOME_FAILED:
		r->failure = xstrdup(r->server.failure);
		return 0;
	case OUTCOME_OK:
		break;
	}
	if (addresses(r, &host_addr, &client_addr) < 0)
		goto out;
	if (!r->failure && ready_wait(r, host_addr) < 0)
		goto out;
	if (!r->failure && client_subst(r, client_addr ? client_addr : "") < 0)
		goto out;
	if (!r->failure && proc_run(r, &r->main) < 0)
		goto out;
	if (!r->failure && server_gone_check(r) < 0)
		goto out;
	/* Stop the server (SIGTERM, then SIGKILL after STOP_S) and keep its log. */
	ret = proc_stop(r, &r->server);
out:
	free(host_addr);
	free(client_addr);
	return ret;
}
