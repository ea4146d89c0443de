/* conf.c: the axis files (see conf.h). */
#include <stdlib.h>

#include <jansson.h>

#include "base/format/hostconf.h"
#include "base/util.h"
#include "gen/conf.h"
#include "gen/from.h"
#include "gen/names.h"

json_t *
conf_jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
json_kv(const struct kvlist *l)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].key, json_string(l->v[i].value));
	return o;
}

static json_t *
json_strs(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *
json_parser(const struct parser *p)
{
	switch (p->kind) {
	case PARSER_BUILTIN:
		return json_pack("{s:s, s:s}", "kind", "builtin", "name", p->builtin);
	case PARSER_REGEX:
		return json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", "regex", "pattern", p->pattern,
				 "metric", p->metric, "unit", conf_jstr(p->unit),
				 "better", p->better == BETTER_LOWER ? "lower" : "higher");
	case PARSER_COMMAND:
		return json_pack("{s:s, s:o}", "kind", "command", "command", json_strs(&p->command));
	default:
		return json_pack("{s:s}", "kind", "none");
	}
}

static json_t *
json_ready(const struct ready *r)
{
	json_t *o = json_object();

	if (r->tcp)
		json_object_set_new(o, "tcp", json_integer(r->tcp));
	else if (r->log)
		json_object_set_new(o, "log", json_string(r->log));
	else if (r->command.n)
		json_object_set_new(o, "command", json_strs(&r->command));
	else if (r->http_port)
		json_object_set_new(o, "http", json_pack("{s:i, s:s, s:i}", "port", r->http_port,
							 "path", r->http_path, "status", r->http_status));
	json_object_set_new(o, "timeout_ms", json_integer(r->timeout_ms));
	return o;
}

static json_t *
json_lifecycle(const struct lifecycle *lc)
{
	static const char *const names[LC_NPHASES] = {
		"push", "pull", "create", "start", "ready", "first_response", "restart", "commit",
		"stop", "remove"
	};
	json_t *phases = json_array(), *o;
	int i;

	for (i = 0; i < LC_NPHASES; i++)
		if (lc->phases & (1u << i))
			json_array_append_new(phases, json_string(names[i]));
	o = json_pack("{s:o, s:o, s:{s:s, s:i}}", "phases", phases, "ready", json_ready(&lc->ready),
		      "stop", "signal", lc->stop_signal, "timeout_s", lc->stop_timeout_s);
	if (lc->push_registry)
		json_object_set_new(o, "push", json_pack("{s:s}", "registry", lc->push_registry));
	if (lc->density)
		json_object_set_new(o, "density", json_pack("{s:i, s:i, s:I}", "containers", lc->density,
							     "concurrency", lc->concurrency,
							     "hold_ms", (json_int_t)lc->hold_ms));
	if (lc->density && lc->pids)
		json_object_set_new(json_object_get(o, "density"), "pids", json_integer(lc->pids));
	return o;
}

static json_t *
json_side(const struct side *s, const struct sidekey *k, int server)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "context", conf_jstr(s->context),
			      "context_slug", conf_jstr(k->ctx_slug),
			      "base", conf_jstr(s->base),
			      "base_slug", conf_jstr(k->base_slug),
			      "build_args", json_kv(&s->build_args),
			      "args_hash", conf_jstr(k->hash),
			      "command", json_strs(&s->command),
			      "env", json_kv(&s->env));

	if (server)
		json_object_set_new(o, "ready", json_ready(&s->ready));
	return o;
}

json_t *
conf_bench(const struct gen *g, size_t bi)
{
	const struct benchmark *b = &g->m->benchmarks[bi];
	json_t *o, *parsers = json_array();
	size_t i;

	for (i = 0; i < b->nparsers; i++)
		json_array_append_new(parsers, json_parser(&b->parsers[i]));
	o = json_pack("{s:i, s:s, s:b, s:i, s:i, s:I, s:o, s:o}", "schema", 1, "name", b->name,
		      "pair", b->is_pair, "repeat", b->repeat, "warmup", b->warmup,
		      "timeout_ms", (json_int_t)b->timeout_ms, "parsers", parsers,
		      "images", json_strs(&b->images));
	if (b->is_pair) {
		json_object_set_new(o, "server", json_side(&b->server, &g->sk[3 * bi + 1], 1));
		json_object_set_new(o, "client", json_side(&b->client, &g->sk[3 * bi + 2], 0));
	} else {
		json_object_set_new(o, "main", json_side(&b->main, &g->sk[3 * bi], 0));
	}
	if (b->lifecycle)
		json_object_set_new(o, "lifecycle", json_lifecycle(b->lifecycle));
	return o;
}

json_t *
conf_host(const struct gen *g, size_t hi)
{
	const struct host *h = &g->m->hosts[hi];
	int e = g->host_engine[hi];
	char *suffix = name_engine_suffix(g->nengines, e), *pool = xasprintf("engine_%d", e);
	struct hostfile f = { h->name, h->native, g->engines[e], suffix, pool, json_kv(&h->env),
			      h->apply_to, { h->network, h->cpuset, h->cpus, h->memory, h->runtime, NULL,
					     h->nvolumes, h->privileged, json_kv(&h->sysctls), NULL,
					     h->nulimits },
			      g->m->name, g->o->dir };
	json_t *o;
	size_t i;

	f.hc.volumes = xcalloc(h->nvolumes + 1, sizeof(*f.hc.volumes));
	for (i = 0; i < h->nvolumes; i++)
		f.hc.volumes[i] = (struct hostconf_volume){ h->volumes[i].source, h->volumes[i].target,
							    h->volumes[i].readonly };
	f.hc.ulimits = xcalloc(h->nulimits + 1, sizeof(*f.hc.ulimits));
	for (i = 0; i < h->nulimits; i++)
		f.hc.ulimits[i] = (struct hostconf_ulimit){ h->ulimits[i].name, h->ulimits[i].soft,
							    h->ulimits[i].hard };
	o = hostfile_encode(&f);
	json_decref(f.env);
	json_decref(f.hc.sysctls);
	free(f.hc.volumes);
	free(f.hc.ulimits);
	free(suffix);
	free(pool);
	return o;
}

json_t *
conf_base(const struct base *b, const char *engine)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "schema", 1, "ref", b->ref,
			 "name", b->name, "tag", b->tag, "slug", b->slug, "pull", b->pull,
			 "engine", engine);
}

static json_t *
json_labels(const struct gen *g)
{
	return json_pack("{s:s, s:s, s:s}", "jockey", "1", "jockey.matrix", g->m->name,
			 "jockey.dir", g->o->dir);
}

json_t *
conf_recipe(const struct gen *g, const struct key *k)
{
	json_t *o = json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "schema", 1, "recipe", k->recipe,
			      "context", conf_jstr(k->context), "ctx_slug", conf_jstr(k->ctx_slug),
			      "build_args", json_kv(k->args), "labels", json_labels(g));

	/* written only when it is not the default, 'base' */
	if (k->context && k->from != FROM_BASE)
		json_object_set_new(o, "from", json_string(from_name(k->from)));
	return o;
}

json_t *
conf_parse(const struct gen *g, size_t bi)
{
	const struct benchmark *b = &g->m->benchmarks[bi];
	json_t *parsers = json_array();
	size_t i;

	for (i = 0; i < b->nparsers; i++)
		json_array_append_new(parsers, json_parser(&b->parsers[i]));
	return json_pack("{s:i, s:s, s:o}", "schema", 1, "benchmark", b->name, "parsers", parsers);
}
