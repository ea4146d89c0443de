/* parser.c: a benchmark's parsers: a built-in name, {regex, metric, unit,
 * better} or {command}, alone or in a list (docs/matrix.md). */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

static const char *const *const builtin_parsers = mkeys_builtin_parsers;

static void
parser_release(struct parser *p)
{
	free(p->builtin);
	free(p->pattern);
	free(p->metric);
	free(p->unit);
	strlist_release(&p->command);
}

void
parsers_free(struct parser *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		parser_release(&p[i]);
	free(p);
}

void
parser_copy(struct parser *dst, const struct parser *src)
{
	*dst = *src;
	dst->builtin = src->builtin ? xstrdup(src->builtin) : NULL;
	dst->pattern = src->pattern ? xstrdup(src->pattern) : NULL;
	dst->metric = src->metric ? xstrdup(src->metric) : NULL;
	dst->unit = src->unit ? xstrdup(src->unit) : NULL;
	strlist_copy(&dst->command, &src->command);
}

int
check_regex(struct ld *ld, yaml_node_t *v, const char *key, const char *pattern, int need_group)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	uint32_t groups = 0;
	int code;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!re) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		ERR(ld, v, "'%s' is not a valid regex: %s at offset %zu", key, (char *)msg,
		    (size_t)off);
		return -1;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	pcre2_code_free(re);
	if (need_group && groups == 0) {
		ERR(ld, v, "'%s' has no capture group: the value is its first group "
		    "(or the group named 'value')", key);
		return -1;
	}
	return 0;
}


/* A parser written as a name: one of the built-in parsers. */
static int
parser_builtin(struct ld *ld, yaml_node_t *v, struct parser *p)
{
	const char *best;
	char t[64];
	int i;

	for (i = 0; builtin_parsers[i]; i++)
		if (strcmp(sval(v), builtin_parsers[i]) == 0)
			break;
	if (builtin_parsers[i]) {
		p->kind = PARSER_BUILTIN;
		p->builtin = xstrdup(sval(v));
		return 0;
	}
	if ((best = words_suggest(sval(v), builtin_parsers))) {
		ERR(ld, v, "unknown parser %s (did you mean '%s'?)", node_describe(v, t, sizeof(t)),
		    best);
	} else {
		char *all = words_join(builtin_parsers, ", ");

		ERR(ld, v, "unknown parser %s (built-in parsers: %s; or write {regex: ...} or "
		    "{command: [...]})", node_describe(v, t, sizeof(t)), all);
		free(all);
	}
	return -1;
}

/* {command: [...]}, which takes no other key. */
static int
parser_command(struct ld *ld, const struct map *mp, struct parser *p)
{
	const struct mkey *k;
	int ret = 0;

	p->kind = PARSER_COMMAND;
	for (k = mkeys_parser; k->name; k++)
		if (strcmp(k->name, "command") && map_pair(mp, k->name)) {
			ERR(ld, map_pair(mp, k->name)->knode,
			    "'%s' does not go with 'command' in a parser (only with 'regex')", k->name);
			ret = -1;
		}
	if (value_strlist(ld, map_get(mp, "command"), "command", S_EMPTY_OK,
	                  " (a command is never split: write [prog, arg, ...])", &p->command) < 0)
		ret = -1;
	else if (p->command.n == 0) {
		ERR(ld, map_get(mp, "command"), "'command' must not be empty");
		ret = -1;
	}
	return ret;
}

/* {regex, metric, unit, better}: v is the parser's node, for messages. */
static int
parser_regex(struct ld *ld, yaml_node_t *v, const struct map *mp, struct parser *p)
{
	yaml_node_t *x = map_get(mp, "regex");
	int ret = 0;

	p->kind = PARSER_REGEX;
	if (!(p->pattern = value_str(ld, x, "regex", 0)) ||
	    check_regex(ld, x, "regex", p->pattern, 1) < 0)
		ret = -1;
	if (!(x = map_get(mp, "metric"))) {
		ERR(ld, v, "a regex parser needs 'metric': the name of what it measures");
		ret = -1;
	} else if (!(p->metric = value_str(ld, x, "metric", 0))) {
		ret = -1;
	}
	if ((x = map_get(mp, "unit")) && !(p->unit = value_str(ld, x, "unit", 0)))
		ret = -1;
	if ((x = map_get(mp, "better"))) {
		int b = value_choice_key(ld, x, mkey(mkeys_parser, "better"));

		if (b < 0)
			ret = -1;
		else
			p->better = b == 0 ? BETTER_HIGHER : BETTER_LOWER;
	}
	return ret;
}

static int
load_parser_one(struct ld *ld, yaml_node_t *v, struct parser *p)
{
	struct map mp;
	char t[64];
	int ret;

	memset(p, 0, sizeof(*p));
	p->mark = nmark(v);
	if (v->type == YAML_SCALAR_NODE && !is_null(v))
		return parser_builtin(ld, v, p);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "a parser must be a built-in name, {regex: ..., metric: ...} or "
		    "{command: [...]}, not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_parser, "a parser");
	if (map_get(&mp, "command")) {
		ret = parser_command(ld, &mp, p);
	} else if (map_get(&mp, "regex")) {
		ret = parser_regex(ld, v, &mp, p);
	} else {
		ERR(ld, v, "a parser map needs 'regex' (with 'metric') or 'command'");
		ret = -1;
	}
	map_release(&mp);
	return ret;
}

int
load_parsers(struct ld *ld, yaml_node_t *v, struct parser **out, size_t *n)
{
	int ret = 0;

	if (v->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		*out = xcalloc(v->data.sequence.items.top - v->data.sequence.items.start + 1,
		               sizeof(**out));
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *item = nd(ld, *it);

			if (!item)
				continue;
			if (item->type == YAML_SEQUENCE_NODE) {
				ERR(ld, item, "a parser in a list must be a name or a map, not a list");
				ret = -1;
				continue;
			}
			if (load_parser_one(ld, item, &(*out)[*n]) < 0)
				ret = -1;
			(*n)++;
		}
		return ret;
	}
	*out = xcalloc(1, sizeof(**out));
	*n = 1;
	return load_parser_one(ld, v, &(*out)[0]);
}
