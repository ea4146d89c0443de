/* run.c: cells/ID/run.json both ways (see run.h). */
#include <string.h>

#include "base/format/run.h"
#include "base/util.h"

static json_t *
side_encode(const struct runconf_side *s)
{
	json_t *o = json_pack("{s:s, s:o, s:O, s:O}", "image_stamp", s->image_stamp,
			      "image_id", s->image_id ? json_string(s->image_id) : json_null(),
			      "command", s->command ? s->command : json_null(), "env", s->env);

	if (s->ready)
		json_object_set(o, "ready", s->ready);
	return o;
}

json_t *
runconf_encode(const struct runconf *rc)
{
	json_t *labels = json_pack("{s:s, s:s, s:s, s:s}", "jockey", "1", "jockey.matrix", rc->matrix,
				   "jockey.cell", rc->cell, "jockey.dir", rc->dir);
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:i, s:i, s:o, s:o}",
			      "schema", 1, "cell", rc->cell, "matrix", rc->matrix, "engine", rc->engine,
			      "image", rc->image, "benchmark", rc->benchmark, "host", rc->host,
			      "native", rc->native, "timeout_ms", (json_int_t)rc->timeout_ms,
			      "repeat", rc->repeat, "warmup", rc->warmup,
			      "hostconfig", hostconf_encode(&rc->hc), "labels", labels);

	if (!rc->pair) {
		json_object_set_new(o, "main", side_encode(&rc->main));
		return o;
	}
	json_object_set_new(o, "server", side_encode(&rc->server));
	json_object_set_new(o, "client", side_encode(&rc->client));
	json_object_set_new(o, "apply_to", json_string(apply_to_name(rc->apply_to)));
	return o;
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
side_decode(struct runconf_side *s, json_t *o, const char *role, const char *path)
{
	s->json = json_object_get(o, role);
	if (!json_is_object(s->json))
		return error("%s: no \"%s\"", path, role);
	s->image_stamp = str(s->json, "image_stamp");
	if (!s->image_stamp)
		return error("%s: no \"%s\".\"image_stamp\"", path, role);
	s->image_id = str(s->json, "image_id");
	s->command = json_object_get(s->json, "command");
	s->env = json_object_get(s->json, "env");
	s->ready = json_object_get(s->json, "ready");
	return 0;
}

int
runconf_decode(struct runconf *rc, json_t *o, const char *path)
{
	json_t *labels = json_object_get(o, "labels");

	memset(rc, 0, sizeof(*rc));
	rc->cell = str(o, "cell");
	if (!rc->cell)
		return error("%s: no \"cell\"", path);
	rc->matrix = str(o, "matrix");
	rc->engine = str(o, "engine");
	rc->image = str(o, "image");
	rc->benchmark = str(o, "benchmark");
	rc->host = str(o, "host");
	rc->dir = str(labels, "jockey.dir");
	rc->native = json_is_true(json_object_get(o, "native"));
	rc->timeout_ms = (long long)json_number_value(json_object_get(o, "timeout_ms"));
	rc->repeat = (int)json_integer_value(json_object_get(o, "repeat"));
	rc->warmup = (int)json_integer_value(json_object_get(o, "warmup"));
	hostconf_decode(&rc->hc, json_object_get(o, "hostconfig"));
	rc->labels = labels;
	rc->pair = json_object_get(o, "server") || json_object_get(o, "client");
	rc->apply_to = apply_to_parse(str(o, "apply_to"));
	if (!rc->pair)
		return side_decode(&rc->main, o, "main", path);
	if (side_decode(&rc->server, o, "server", path) < 0)
		return -1;
	return side_decode(&rc->client, o, "client", path);
}

void
runconf_release(struct runconf *rc)
{
	hostconf_release(&rc->hc);
	memset(rc, 0, sizeof(*rc));
}
