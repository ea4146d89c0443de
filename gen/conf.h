/* conf.h: the axis files, the one encoder of what the edges read about the
 * matrix (docs/design.md, "The results folder"): base/IMG.json,
 * conf/bench/B.json, conf/host/H.json, conf/parse/B.json and
 * conf/image/RECIPE.json. Each function returns a new JSON object. */
#ifndef JOCKEY_CONF_H
#define JOCKEY_CONF_H

#include <stddef.h>

#include <jansson.h>

#include "gen/plan.h"

/* base/IMG.json of b, on engine. */
json_t *conf_base(const struct base *b, const char *engine);
/* conf/bench/B.json of benchmark bi. */
json_t *conf_bench(const struct gen *g, size_t bi);
/* conf/host/H.json of host hi. */
json_t *conf_host(const struct gen *g, size_t hi);
/* conf/parse/B.json of benchmark bi: its parsers alone, which the parse
 * edges read (a change elsewhere in the benchmark leaves it alone). */
json_t *conf_parse(const struct gen *g, size_t bi);
/* conf/image/RECIPE.json: how the images of one context and one set of
 * build args are made, whatever their base. */
json_t *conf_recipe(const struct gen *g, const struct key *k);

/* A JSON string of s, or null when s is NULL. */
json_t *conf_jstr(const char *s);

#endif
