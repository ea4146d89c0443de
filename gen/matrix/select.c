/* select.c: what names the declared entries: include and exclude entries,
 * and the baseline (docs/matrix.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/words.h"

static const struct image *
find_image(const struct matrix *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nimages; i++)
		if (m->images[i].name && !strcmp(m->images[i].name, name))
			return &m->images[i];
	return NULL;
}

static int
has_tag(const struct image *im, const char *tag)
{
	size_t i;

	for (i = 0; i < im->tags.n; i++)
		if (!strcmp(im->tags.v[i], tag))
			return 1;
	return 0;
}

/* Report an unknown name with a suggestion among the known ones. */
static void
unknown_name(struct ld *ld, yaml_node_t *v, const char *what, const char *name,
             const char **known, size_t n)
{
	const char *best;

	known[n] = NULL;
	if ((best = words_suggest(name, known)))
		ERR(ld, v, "unknown %s '%s' (did you mean '%s'?)", what, name, best);
	else
		ERR(ld, v, "unknown %s '%s'", what, name);
}

static int
check_image_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	if (find_image(ld->m, name))
		return 0;
	known = xcalloc(ld->m->nimages + 1, sizeof(*known));
	for (i = 0; i < ld->m->nimages; i++)
		if (ld->m->images[i].name)
			known[n++] = ld->m->images[i].name;
	unknown_name(ld, v, "image", name, known, n);
	free(known);
	return -1;
}

static int
check_bench_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	for (i = 0; i < ld->m->nbenchmarks; i++)
		if (ld->m->benchmarks[i].name && !strcmp(ld->m->benchmarks[i].name, name))
			return 0;
	known = xcalloc(ld->m->nbenchmarks + 1, sizeof(*known));
	for (i = 0; i < ld->m->nbenchmarks; i++)
		if (ld->m->benchmarks[i].name)
			known[n++] = ld->m->benchmarks[i].name;
	unknown_name(ld, v, "benchmark", name, known, n);
	free(known);
	return -1;
}

static int
check_host_ref(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char **known;
	size_t i, n = 0;

	for (i = 0; i < ld->m->nhosts; i++)
		if (ld->m->hosts[i].name && !strcmp(ld->m->hosts[i].name, name))
			return 0;
	known = xcalloc(ld->m->nhosts + 1, sizeof(*known));
	for (i = 0; i < ld->m->nhosts; i++)
		if (ld->m->hosts[i].name)
			known[n++] = ld->m->hosts[i].name;
	unknown_name(ld, v, "host", name, known, n);
	free(known);
	return -1;
}

static int
tag_anywhere(const struct matrix *m, const char *tag)
{
	size_t i;

	for (i = 0; i < m->nimages; i++)
		if (has_tag(&m->images[i], tag))
			return 1;
	return 0;
}

static int
load_selector(struct ld *ld, yaml_node_t *v, const char *key, struct selector *s)
{
	int include = !strcmp(key, "include"), ret = 0;
	struct map mp;
	yaml_node_t *x, *tagv = NULL;
	char t[64], what[32];

	s->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "an entry of '%s' must be a map such as {image: debian, benchmark: "
		    "sysbench}, not %s", key, node_describe(v, t, sizeof(t)));
		return -1;
	}
	snprintf(what, sizeof(what), "an entry of '%s'", key);
	map_check_keys(ld, &mp, mkeys_selector, what);
	if ((x = map_get(&mp, "image")) &&
	    (!(s->image = value_str(ld, x, "image", 0)) || check_image_ref(ld, x, s->image) < 0))
		ret = -1;
	if ((x = tagv = map_get(&mp, "tag")) && !(s->tag = value_str(ld, x, "tag", 0)))
		ret = -1;
	if ((x = map_get(&mp, "benchmark")) &&
	    (!(s->benchmark = value_str(ld, x, "benchmark", 0)) || check_bench_ref(ld, x, s->benchmark) < 0))
		ret = -1;
	if ((x = map_get(&mp, "host")) &&
	    (!(s->host = value_str(ld, x, "host", 0)) || check_host_ref(ld, x, s->host) < 0))
		ret = -1;
	if (s->tag && ret == 0) {
		const struct image *im = s->image ? find_image(ld->m, s->image) : NULL;

		if (im && !has_tag(im, s->tag)) {
			if (!include) {
				ERR(ld, tagv, "image '%s' has no tag '%s' to exclude", im->name, s->tag);
				ret = -1;
			} else if (check_tag(ld, tagv, s->tag, im->name) < 0) {
				ret = -1;
			}
		} else if (!im && !tag_anywhere(ld->m, s->tag)) {
			ERR(ld, tagv, "no image has tag '%s'%s", s->tag,
			    include ? " (to add a new tag, give its 'image' too)" : "");
			ret = -1;
		}
	}
	if (mp.n == 0) {
		ERR(ld, v, "an entry of '%s' needs at least one of 'image', 'tag', 'benchmark', 'host'",
		    key);
		ret = -1;
	}
	map_release(&mp);
	return ret;
}

int
load_selectors(struct ld *ld, yaml_node_t *v, const char *key, struct selector **out, size_t *n)
{
	yaml_node_item_t *it;
	char t[64];
	int ret = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		ERR(ld, v, "'%s' must be a list of maps such as {image: debian, host: native}, not %s",
		    key, node_describe(v, t, sizeof(t)));
		return -1;
	}
	*out = xcalloc(v->data.sequence.items.top - v->data.sequence.items.start + 1, sizeof(**out));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
		if (load_selector(ld, nd(ld, *it), key, &(*out)[(*n)++]) < 0)
			ret = -1;
	return ret;
}

int
load_baseline(struct ld *ld, yaml_node_t *v)
{
	struct baseline *b = &ld->m->baseline;
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	b->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'baseline' must be {host: NAME} or {image: \"NAME:TAG\"}, not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_baseline, "'baseline'");
	if (!!map_get(&mp, "host") + !!map_get(&mp, "image") != 1) {
		ERR(ld, v, "'baseline' needs exactly one of 'host' or 'image'");
		ret = -1;
	}
	if ((x = map_get(&mp, "host")) &&
	    (!(b->host = value_str(ld, x, "host", 0)) || check_host_ref(ld, x, b->host) < 0))
		ret = -1;
	if ((x = map_get(&mp, "image"))) {
		char *s = value_str(ld, x, "image", 0);
		const struct image *im = s ? find_image(ld->m, s) : NULL;
		size_t i;

		if (im && im->tags.n == 1) {
			b->image = xstrdup(im->name);
			b->tag = xstrdup(im->tags.v[0]);
		} else if (im) {
			ERR(ld, x, "baseline image '%s' has %zu tags: write '%s:TAG'", s, im->tags.n, s);
			ret = -1;
		} else if (s) {
			for (i = 0; i < ld->m->nimages && !b->image; i++) {
				const struct image *c = &ld->m->images[i];
				size_t len = c->name ? strlen(c->name) : 0;

				if (c->name && !strncmp(s, c->name, len) && s[len] == ':' &&
				    has_tag(c, s + len + 1)) {
					b->image = xstrdup(c->name);
					b->tag = xstrdup(s + len + 1);
				}
			}
			if (!b->image) {
				ERR(ld, x, "baseline names unknown image '%s' (write NAME:TAG of a declared "
				    "image and tag)", s);
				ret = -1;
			}
		} else {
			ret = -1;
		}
		free(s);
	}
	map_release(&mp);
	return ret;
}
