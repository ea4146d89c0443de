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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/container.h"
#include "runners/run/pair.h"
#include "runners/run/proc.h"
#include "runners/run/ready.h"

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

/* The server stopped before it was ready: the cell's failure. what: how
 * readiness was checked, or NULL. */
static int
server_exited(struct run *r, const char *what)
{
	char *last;
	int code;

	if (proc_exit_code(r, &r->server, &code) < 0)
		return -1;
	last = ready_last_line(r, &r->server);
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
	last = ready_last_line(r, &r->server);
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

/* ---- readiness (ready.c) ---- */

/* Wait until the server is ready: 0 (r->failure says when it never was), -1
 * on an error or a signal. */
static int
server_ready(struct run *r, const char *addr)
{
	static const struct ready_how how = { READY_POLL_MS, 0, 0 };
	json_t *spec = r->server.side->ready;
	char *what = NULL;
	int ret = 0;

	switch (ready_wait(r, &r->server, spec, addr, &how, &what)) {
	case READY_ERROR:
		ret = -1;
		break;
	case READY_OK:
		break;
	case READY_NEVER:
		r->failure = xasprintf("server not ready after %gs (%s)", ready_timeout_ms(spec) / 1000.0,
				       what);
		break;
	case READY_EXITED:
		ret = server_exited(r, what);
		break;
	case READY_UNREACHABLE:
		r->failure = xasprintf("server not reachable from the host for its readiness (%s)", what);
		break;
	}
	free(what);
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
	if (!r->failure && server_ready(r, host_addr) < 0)
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
