/* image.c: an image and its tags, and the check of names that must be
 * unique or must not make the same id (docs/matrix.md). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/slug.h"
#include "base/util.h"
#include "gen/matrix/load.h"

static int
named_cmp_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

static int
named_cmp_seq(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (!c)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

void
check_names(struct ld *ld, struct named *v, size_t n, const char *what, const char *in,
            int same_name)
{
	size_t i, head = 0;

	if (n == 0) {
		free(v);
		return;
	}
	qsort(v, n, sizeof(*v), named_cmp_name);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i].id, v[head].id) || strcmp(v[i].name, v[head].name)) {
			head = i;
			continue;
		}
		v[i].repeat = 1;
		v[i].first = v[head].mark;
	}
	qsort(v, n, sizeof(*v), named_cmp_seq);
	for (i = 1, head = 0; i < n; i++) {
		if (strcmp(v[i].id, v[head].id)) {
			head = i;
		} else if (v[i].repeat) {
			if (same_name)
				diag_add(&ld->d, v[i].mark, "duplicate %s '%s'%s (first at line %d)", what,
				         v[i].name, in, v[i].first.line);
		} else {
			diag_add(&ld->d, v[i].mark, "%s '%s'%s makes the same id '%s' as '%s' at line %d",
			         what, v[i].name, in, v[i].id, v[head].name, v[head].mark.line);
		}
	}
	for (i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static int
check_image_name(struct ld *ld, yaml_node_t *v, const char *name)
{
	const char *p;

	for (p = name; *p; p++) {
		if (isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
			continue;
		if (strchr("._/:-", *p) && p != name)
			continue;
		ERR(ld, v, "image name '%s' must be a repository such as 'debian' or "
		    "'127.0.0.1:5000/base' (letters, digits, '.', '_', '-', '/', ':')", name);
		return -1;
	}
	if (p[-1] == ':' || p[-1] == '/') {
		ERR(ld, v, "image name '%s' must not end with '%c'", name, p[-1]);
		return -1;
	}
	return 0;
}

/* A tag "1.27", or a digest "sha256:<hex>". */
static int
tag_ok(const char *t)
{
	const char *colon = strchr(t, ':'), *p;

	if (colon) {
		if (colon == t || strlen(colon + 1) < 32)
			return 0;
		for (p = t; p < colon; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
				return 0;
		for (p = colon + 1; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return 0;
		return 1;
	}
	if (strlen(t) > 128 || *t == '.' || *t == '-')
		return 0;
	for (p = t; *p; p++)
		if (!(isalnum((unsigned char)*p) && (unsigned char)*p < 0x80) && !strchr("_.-", *p))
			return 0;
	return 1;
}

int
check_tag(struct ld *ld, yaml_node_t *v, const char *tag, const char *image)
{
	if (tag_ok(tag))
		return 0;
	ERR(ld, v, "tag '%s' of image '%s' is not a tag (letters, digits, '_', '.', '-', at most "
	    "128, not starting with '.' or '-') nor a digest (sha256:<hex>)", tag,
	    image ? image : "?");
	return -1;
}

int
load_image(struct ld *ld, yaml_node_t *v, struct image *im)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	im->mark = nmark(v);
	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "an image must be a map with 'name' and 'tags', not %s",
		    node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_image, "an image");
	if (!(x = map_get(&mp, "name"))) {
		ERR(ld, v, "an image needs a 'name'");
		ret = -1;
	} else if (!(im->name = value_str(ld, x, "name", 0))) {
		ret = -1;
	} else {
		im->slug = slug_make(im->name);
		if (check_image_name(ld, x, im->name) < 0)
			ret = -1;
	}
	if (!(x = map_get(&mp, "tags"))) {
		ERR(ld, v, "an image needs 'tags', e.g. tags: [latest]");
		ret = -1;
	} else if (value_strlist(ld, x, "tags", 0, " (write e.g. [latest])", &im->tags) < 0) {
		ret = -1;
	} else if (im->tags.n == 0) {
		ERR(ld, x, "'tags' must not be empty");
		ret = -1;
	} else {
		yaml_node_item_t *it = x->data.sequence.items.start;
		struct named *nv = xcalloc(im->tags.n, sizeof(*nv));
		char *in = xasprintf(" in image '%s'", im->name ? im->name : "?");
		size_t i;

		for (i = 0; i < im->tags.n; i++, it++) {
			if (check_tag(ld, nd(ld, *it), im->tags.v[i], im->name) < 0)
				ret = -1;
			nv[i].id = slug_make(im->tags.v[i]);
			nv[i].name = im->tags.v[i];
			nv[i].mark = nmark(nd(ld, *it));
			nv[i].seq = i;
		}
		check_names(ld, nv, im->tags.n, "tag", in, 1);
		free(in);
	}
	if ((x = map_get(&mp, "pull"))) {
		int p = value_choice_key(ld, x, mkey(mkeys_image, "pull"));

		if (p < 0)
			ret = -1;
		else
			im->pull = p == 0 ? PULL_MISSING : p == 1 ? PULL_ALWAYS : PULL_NEVER;
	}
	map_release(&mp);
	return ret;
}
