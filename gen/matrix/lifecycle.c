/* lifecycle.c: a lifecycle benchmark's 'lifecycle' key: its phases, its
 * readiness check and how its container is stopped (docs/matrix.md,
 * "Lifecycle benchmarks"). The container is the benchmark's own side (its
 * command and env), always the image under test as it is. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/matrix/keys.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

static const char *const phase_names[] = {
	"push", "pull", "create", "start", "ready", "first_response", "restart", "commit", "stop",
	"remove", NULL
};

/* The keys a lifecycle benchmark has no use for, and why. */
static const struct {
	const char *key, *why;
} ruled_out[] = {
	{ "context", "it runs the image under test as it is" },
	{ "base", "it runs the image under test as it is" },
	{ "build_args", "it runs the image under test as it is" },
	{ "from", "it runs the image under test as it is" },
	{ "server", "it runs one container" },
	{ "client", "it runs one container" },
	{ "parser", "its metrics are the phases' times" },
};

void
lifecycle_free(struct lifecycle *lc)
{
	if (!lc)
		return;
	ready_release(&lc->ready);
	free(lc->stop_signal);
	free(lc->push_registry);
	free(lc);
}

static int
has_check(const struct ready *r)
{
	return r->tcp || r->log || r->command.n || r->http_port;
}

/* phases: [pull, create, ...] in the order they run. */
static int
load_phases(struct ld *ld, yaml_node_t *v, struct lifecycle *lc)
{
	yaml_node_item_t *it;
	yaml_node_t *x;
	char t[64];
	int i, last = -1, ret = 0;

	if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top) {
		ERR(ld, v, "'phases' must be a list such as [pull, create, start, ready, remove], not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		x = nd(ld, *it);
		if ((i = value_choice(ld, x, "phases", phase_names)) < 0) {
			ret = -1;
		} else if (lc->phases & (1u << i)) {
			ERR(ld, x, "phase '%s' is listed twice", phase_names[i]);
			ret = -1;
		} else if (i < last) {
			char *all = words_join(phase_names, ", ");

			ERR(ld, x, "phase '%s' must come before '%s': phases run in this order: %s",
			    phase_names[i], phase_names[last], all);
			free(all);
			lc->phases |= 1u << i;
			ret = -1;
		} else {
			lc->phases |= 1u << i;
			last = i;
		}
	}
	return ret;
}

/* A signal name the engine knows: SIGTERM, SIGRTMIN+3, or a number. */
static int
check_signal(struct ld *ld, yaml_node_t *v, const char *s)
{
	const char *p = s;

	if (strncmp(p, "SIG", 3) == 0)
		p += 3;
	else if (*p >= '1' && *p <= '9' && strspn(p, "0123456789") == strlen(p) && atoi(p) <= 64)
		return 0;
	else
		p = "";
	if (*p && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-") == strlen(p) && isupper((unsigned char)*p))
		return 0;
	ERR(ld, v, "'signal' must be a signal such as SIGTERM, SIGINT or 15, not '%s'", s);
	return -1;
}

/* stop: {signal, timeout} */
static int
load_stop(struct ld *ld, yaml_node_t *v, struct lifecycle *lc)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	long ms;
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'stop' must be a map such as {signal: SIGTERM, timeout: 10s}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_stop, "'stop'");
	if ((x = map_get(&mp, "signal"))) {
		free(lc->stop_signal);
		if (!(lc->stop_signal = value_str(ld, x, "signal", 0)) || check_signal(ld, x, lc->stop_signal) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "timeout"))) {
		if (value_duration(ld, x, "timeout", &ms) < 0) {
			ret = -1;
		} else if (ms % 1000 != 0 || ms > 3600000L) {
			ERR(ld, x, "'timeout' must be whole seconds, up to 1h (the engine's stop timeout)");
			ret = -1;
		} else {
			lc->stop_timeout_s = (int)(ms / 1000);
		}
	}
	map_release(&mp);
	return ret;
}

/* density: {containers, concurrency, hold} */
static int
load_density(struct ld *ld, yaml_node_t *v, struct lifecycle *lc)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	lc->concurrency = 1;
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'density' must be a map such as {containers: 100, concurrency: 4, hold: 10s}, "
		    "not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_density, "'density'");
	if (!(x = map_get(&mp, "containers"))) {
		ERR(ld, v, "'density' needs 'containers'");
		ret = -1;
	} else if (value_int(ld, x, "containers", 1, 10000, &lc->density) < 0) {
		ret = -1;
	}
	if ((x = map_get(&mp, "concurrency")) && value_int(ld, x, "concurrency", 1, 256, &lc->concurrency) < 0)
		ret = -1;
	if ((x = map_get(&mp, "hold")) && value_duration(ld, x, "hold", &lc->hold_ms) < 0)
		ret = -1;
	if ((x = map_get(&mp, "pids")) && value_int(ld, x, "pids", 1, 4194304, &lc->pids) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}

/* push: {registry: HOST[:PORT]} */
static int
load_push(struct ld *ld, yaml_node_t *v, struct lifecycle *lc)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	const char *s;
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'push' must be a map such as {registry: 127.0.0.1:5000}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_push, "'push'");
	if ((x = map_get(&mp, "registry"))) {
		free(lc->push_registry);
		if (!(lc->push_registry = value_str(ld, x, "registry", 0))) {
			ret = -1;
		} else {
			s = lc->push_registry;
			if (!*s || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
				   != strlen(s)) {
				ERR(ld, x, "'registry' must be a registry's HOST[:PORT] such as 127.0.0.1:5000, "
				    "not '%s'", s);
				ret = -1;
			}
		}
	}
	map_release(&mp);
	return ret;
}

/* The phases that need something beside them: first_response an http
 * ready check, a push map the push phase. */
static int
check_phases(struct ld *ld, const struct map *mp, struct lifecycle *lc)
{
	int ret = 0;

	if ((lc->phases & (1u << LC_FIRST_RESPONSE)) && !lc->ready.http_port) {
		ERR(ld, map_get(mp, "phases"), "phase 'first_response' needs an http ready check: "
		    "lifecycle: {ready: {http: {port: PORT}}}");
		ret = -1;
	}
	if ((lc->phases & (1u << LC_FIRST_RESPONSE)) && !(lc->phases & (1u << LC_READY))) {
		ERR(ld, map_get(mp, "phases"), "phase 'first_response' needs phase 'ready' before it");
		ret = -1;
	}
	if (map_get(mp, "push") && !(lc->phases & (1u << LC_PUSH))) {
		ERR(ld, map_pair(mp, "push")->knode, "'push' is given but 'phases' does not list 'push'");
		ret = -1;
	}
	return ret;
}

/* The benchmark's parser: the built-in 'lifecycle', which reads the lines
 * the run edge writes (one per phase). */
static void
lifecycle_parser(struct benchmark *b)
{
	b->parsers = xcalloc(1, sizeof(*b->parsers));
	b->parsers[0].kind = PARSER_BUILTIN;
	b->parsers[0].builtin = xstrdup("lifecycle");
	b->parsers[0].better = BETTER_LOWER;
	b->nparsers = 1;
}

int
load_lifecycle(struct ld *ld, const struct map *bmp, yaml_node_t *v, struct benchmark *b)
{
	struct lifecycle *lc = xcalloc(1, sizeof(*lc));
	struct map mp;
	yaml_node_t *x, *phases;
	char t[64];
	size_t i;
	int ret = 0;

	b->lifecycle = lc;
	lc->mark = nmark(v);
	lc->ready.timeout_ms = 30000;
	lc->stop_signal = xstrdup("SIGTERM");
	lc->stop_timeout_s = 10;
	lifecycle_parser(b);
	for (i = 0; i < sizeof(ruled_out) / sizeof(ruled_out[0]); i++)
		if (map_pair(bmp, ruled_out[i].key)) {
			ERR(ld, map_pair(bmp, ruled_out[i].key)->knode,
			    "'%s' does not go with 'lifecycle': %s", ruled_out[i].key, ruled_out[i].why);
			ret = -1;
		}
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'lifecycle' must be a map such as {phases: [pull, create, start, ready, "
		    "remove], ready: {tcp: 80}}, not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_lifecycle, "'lifecycle'");
	if ((x = map_get(&mp, "ready")) && load_ready(ld, x, &lc->ready) < 0)
		ret = -1;
	if ((x = map_get(&mp, "stop")) && load_stop(ld, x, lc) < 0)
		ret = -1;
	if ((x = map_get(&mp, "push")) && load_push(ld, x, lc) < 0)
		ret = -1;
	phases = map_get(&mp, "phases");
	if ((x = map_get(&mp, "density")) && load_density(ld, x, lc) < 0)
		ret = -1;
	if (x && phases) {
		ERR(ld, map_pair(&mp, "phases")->knode, "'phases' does not go with 'density': each "
		    "container is created, started, made ready, held and removed");
		ret = -1;
		phases = NULL;
	}
	if (phases && load_phases(ld, phases, lc) < 0)
		ret = -1;
	if (!phases && map_get(&mp, "ready"))
		lc->phases |= 1u << LC_READY;
	if (phases && (lc->phases & (1u << LC_READY)) && !map_get(&mp, "ready")) {
		ERR(ld, phases, "phase 'ready' needs a check: lifecycle: {ready: {tcp: PORT}} (or log, "
		    "command, http)");
		ret = -1;
	} else if (phases && !(lc->phases & (1u << LC_READY)) && (x = map_get(&mp, "ready")) &&
		   has_check(&lc->ready)) {
		ERR(ld, map_pair(&mp, "ready")->knode, "'ready' is given but 'phases' does not list "
		    "'ready'");
		ret = -1;
	}
	if (check_phases(ld, &mp, lc) < 0)
		ret = -1;
	/* a container is always made, started and removed */
	lc->phases |= 1u << LC_CREATE | 1u << LC_START | 1u << LC_REMOVE;
	map_release(&mp);
	return ret;
}
