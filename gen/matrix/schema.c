/* schema.c: the JSON Schema of a matrix (docs/matrix.schema.json), written
 * from the loader's key tables (keys.h), for editors (yaml-language-server)
 * that complete and check a matrix as it is typed. The schema says what a
 * key holds; checks across keys and entries (names that must exist, slug
 * collisions, a regex's groups) stay the loader's. YAML reads 1.27 or 8080
 * as numbers where jockey reads text, so a string accepts numbers too. */
#include <jansson.h>

#include "base/util.h"
#include "gen/matrix.h"
#include "gen/matrix/keys.h"

#define SCHEMA_ID "https://jockey.invalid/matrix.schema.json"

/* Any scalar jockey reads as text. */
static json_t *
text(void)
{
	return json_pack("{s:[s,s,s]}", "type", "string", "number", "boolean");
}

static json_t *
choices(const char *const *c)
{
	json_t *a = json_array();

	for (; *c; c++)
		json_array_append_new(a, json_string(*c));
	return json_pack("{s:o}", "enum", a);
}

static json_t *
duration(void)
{
	/* a bare number counts seconds; zero is refused */
	return json_pack("{s:[{s:s, s:s}, {s:s, s:i}]}", "anyOf",
			 "type", "string", "pattern", "^(?=.*[1-9])([0-9]+(ms|s|m|h))+$|^[0-9]*[1-9][0-9]*$",
			 "type", "integer", "minimum", 1);
}

static json_t *
size(void)
{
	return json_pack("{s:[{s:s, s:s}, {s:s, s:i}]}", "anyOf",
			 "type", "string", "pattern", "^[0-9]*[1-9][0-9]*([bB]|[kKmMgGtT]([iI]?[bB])?)?$",
			 "type", "integer", "minimum", 1);
}

static json_t *object(const struct mkey *t);

static json_t *
parser_one(void)
{
	json_t *regex = object(mkeys_parser), *cmd = json_pack("{s:s, s:b, s:[s]}", "type", "object",
		"additionalProperties", 0, "required", "command");
	json_t *props = json_object_get(regex, "properties");

	/* {command} takes no other key; {regex} needs a metric */
	json_object_set_new(cmd, "properties", json_pack("{s:O}", "command",
			    json_object_get(props, "command")));
	json_object_del(props, "command");
	json_object_set_new(regex, "required", json_pack("[s,s]", "regex", "metric"));
	return json_pack("{s:[o, o, o]}", "anyOf", choices(mkeys_builtin_parsers), regex, cmd);
}

static json_t *
parsers(void)
{
	json_t *one = parser_one();

	return json_pack("{s:[O, {s:s, s:o, s:i}]}", "anyOf", one, "type", "array", "items", one,
			 "minItems", 1);
}

static json_t *
volumes(void)
{
	return json_pack("{s:s, s:{s:[{s:s, s:s}, o]}}", "type", "array", "items", "anyOf",
			 "type", "string", "pattern", "^[^:]+:/[^:]*(:(ro|rw))?$", object(mkeys_volume));
}

static json_t *
ulimits(void)
{
	json_t *n = json_pack("{s:[{s:s}, {s:s, s:s}]}", "anyOf", "type", "integer",
			      "type", "string", "pattern", "^([0-9]+|unlimited)(:([0-9]+|unlimited))?$");

	return json_pack("{s:s, s:o, s:{s:[o, o]}}", "type", "object",
			 "propertyNames", choices(mkeys_ulimit_names),
			 "additionalProperties", "anyOf", n, object(mkeys_ulimit));
}

/* What one key holds. */
static json_t *
value(const struct mkey *k)
{
	switch (k->type) {
	case MT_STR:
		return text();
	case MT_NAME:
		return json_pack("{s:s, s:s}", "type", "string", "pattern", "^[a-z0-9._-]+$");
	case MT_INT:
		return json_pack("{s:s, s:f, s:f}", "type", "integer", "minimum", k->min, "maximum", k->max);
	case MT_NUM:
		return json_pack("{s:s, s:f, s:f}", "type", "number", "exclusiveMinimum", k->min,
				 "maximum", k->max);
	case MT_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case MT_CHOICE:
		return choices(k->choices);
	case MT_DURATION:
		return duration();
	case MT_SIZE:
		return size();
	case MT_STRLIST:
	case MT_COMMAND:
		return json_pack("{s:s, s:o}", "type", "array", "items", text());
	case MT_KV:
		return json_pack("{s:s, s:o}", "type", "object", "additionalProperties", text());
	case MT_MAP:
		return object(k->sub);
	case MT_MAPLIST:
		return json_pack("{s:s, s:o}", "type", "array", "items", object(k->sub));
	case MT_PARSERS:
		return parsers();
	case MT_VOLUMES:
		return volumes();
	case MT_ULIMITS:
		return ulimits();
	case MT_PROFILE:
		return json_pack("{s:[{s:s}, o]}", "anyOf", "type", "boolean", object(mkeys_profile));
	case MT_OR_MAP:
		return json_pack("{s:[o, o]}", "anyOf", k->choices ? choices(k->choices) :
				 json_pack("{s:s, s:f, s:f}", "type", "integer", "minimum", k->min,
					   "maximum", k->max), object(k->sub));
	}
	fatal("key '%s' has no type", k->name);
}

/* A map of the keys of t: no other key; the required ones required. */
static json_t *
object(const struct mkey *t)
{
	json_t *props = json_object(), *req = json_array(), *o;

	for (; t->name; t++) {
		json_t *v;

		if (t->flags & MK_MISPLACED)
			continue; /* known to the loader only to say where it goes */
		v = value(t);
		if (t->flags & MK_NONEMPTY)
			json_object_set_new(v, "minItems", json_integer(1));
		json_object_set_new(v, "description", json_string(t->doc));
		json_object_set_new(props, t->name, v);
		if (t->flags & MK_REQUIRED)
			json_array_append_new(req, json_string(t->name));
	}
	o = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
		      "additionalProperties", 0);
	if (json_array_size(req))
		json_object_set_new(o, "required", req);
	else
		json_decref(req);
	return o;
}

/* The rules the tables cannot say: exactly one way to be ready, one
 * baseline, a non-empty selector. */
static void
refine(json_t *s)
{
	json_t *props = json_object_get(s, "properties"), *bench, *side;

	json_object_set_new(json_object_get(props, "baseline"), "oneOf",
			    json_pack("[{s:[s]}, {s:[s]}]", "required", "host", "required", "image"));
	json_object_set_new(json_object_get(json_object_get(props, "include"), "items"),
			    "minProperties", json_integer(1));
	json_object_set_new(json_object_get(json_object_get(props, "exclude"), "items"),
			    "minProperties", json_integer(1));
	bench = json_object_get(json_object_get(json_object_get(props, "benchmarks"), "items"),
				"properties");
	side = json_object_get(json_object_get(bench, "server"), "properties");
	json_object_set_new(json_object_get(side, "ready"), "oneOf",
			    json_pack("[{s:[s]}, {s:[s]}, {s:[s]}]", "required", "tcp",
				      "required", "log", "required", "command"));
	/* a client starts once the server is ready: it has no ready of its own */
	json_object_del(json_object_get(json_object_get(bench, "client"), "properties"), "ready");
}

json_t *
matrix_schema(void)
{
	json_t *s = object(mkeys_top);

	refine(s);
	json_object_set_new(s, "$schema", json_string("http://json-schema.org/draft-07/schema#"));
	json_object_set_new(s, "$id", json_string(SCHEMA_ID));
	json_object_set_new(s, "title", json_string("jockey matrix"));
	json_object_set_new(s, "description",
			    json_string("A jockey experiment: images x tags x benchmarks x hosts "
					"(docs/matrix.md). Written by 'jockey schema' from the "
					"loader's key tables: do not edit."));
	/* "x-..." keys are the user's, e.g. to hold anchors */
	json_object_set_new(s, "patternProperties", json_pack("{s:{}}", "^x-"));
	return s;
}
