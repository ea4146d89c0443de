/* ready.c: how a container is found ready: a pair's server's ready: and a
 * lifecycle benchmark's (tcp, log, command or http, and a timeout). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/matrix/keys.h"
#include "gen/matrix/load.h"

void
ready_release(struct ready *r)
{
	free(r->log);
	free(r->http_path);
	strlist_release(&r->command);
}

/* ready: {http: {port, path, status}} */
static int
load_ready_http(struct ld *ld, yaml_node_t *v, struct ready *r)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	r->http_status = 200;
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'http' must be a map such as {port: 80, path: /, status: 200}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_http, "'http'");
	if (!(x = map_get(&mp, "port"))) {
		ERR(ld, v, "'http' needs a 'port'");
		ret = -1;
	} else if (value_int(ld, x, "port", 1, 65535, &r->http_port) < 0) {
		ret = -1;
	}
	if ((x = map_get(&mp, "path"))) {
		if (!(r->http_path = value_str(ld, x, "path", 0))) {
			ret = -1;
		} else if (r->http_path[0] != '/' || strpbrk(r->http_path, " \t\r\n")) {
			ERR(ld, x, "'path' must start with '/' and hold no blank: '%s'", r->http_path);
			ret = -1;
		}
	}
	if (!r->http_path)
		r->http_path = xstrdup("/");
	if ((x = map_get(&mp, "status")) && value_int(ld, x, "status", 100, 599, &r->http_status) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}

int
load_ready(struct ld *ld, yaml_node_t *v, struct ready *r)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0, how = 0;

	r->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'ready' must be a map such as {tcp: 6379}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_ready, "'ready'");
	if ((x = map_get(&mp, "tcp"))) {
		how++;
		if (value_int(ld, x, "tcp", 1, 65535, &r->tcp) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "log"))) {
		how++;
		if (!(r->log = value_str(ld, x, "log", 0)) || check_regex(ld, x, "log", r->log, 0) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "command"))) {
		how++;
		if (value_strlist(ld, x, "command", S_EMPTY_OK,
		                  " (a command is never split: write [prog, arg, ...])", &r->command) < 0)
			ret = -1;
		else if (r->command.n == 0) {
			ERR(ld, x, "'command' must not be empty");
			ret = -1;
		}
	}
	if ((x = map_get(&mp, "http"))) {
		how++;
		if (load_ready_http(ld, x, r) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "timeout")) && value_duration(ld, x, "timeout", &r->timeout_ms) < 0)
		ret = -1;
	if (how != 1) {
		ERR(ld, v, "'ready' needs exactly one of 'tcp', 'log', 'command' or 'http'");
		ret = -1;
	}
	map_release(&mp);
	return ret;
}
