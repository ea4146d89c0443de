/* layout.c: the paths of a results folder (see layout.h). */
#include <stdlib.h>
#include <string.h>

#include "base/layout.h"
#include "base/slug.h"
#include "base/util.h"

static const struct {
	const char *prefix, *suffix;
} kinds[] = {
	[LAYOUT_CTX_TREE] = { "stamps/ctx/", ".tree" },
	[LAYOUT_BASE_JSON] = { "base/", ".json" },
	[LAYOUT_BASE_DIGEST] = { "stamps/base/", ".digest" },
	[LAYOUT_BASE_MOVED] = { "stamps/base/", ".moved.json" },
	[LAYOUT_RECIPE_JSON] = { "conf/image/", ".json" },
	[LAYOUT_IMAGE_JSON] = { "images/", ".json" },
	[LAYOUT_IMAGE_ID] = { "stamps/img/", ".id" },
	[LAYOUT_IMAGE_LOG] = { "images/", ".log" },
	[LAYOUT_IMAGE_INPUTS] = { "images/", ".inputs.json" },
	[LAYOUT_BENCH_JSON] = { "conf/bench/", ".json" },
	[LAYOUT_HOST_JSON] = { "conf/host/", ".json" },
	[LAYOUT_PARSE_JSON] = { "conf/parse/", ".json" },
	[LAYOUT_CELL_DIR] = { "cells/", "" },
	[LAYOUT_CELL_JSON] = { "cells/", "/cell.json" },
	[LAYOUT_CELL_RUN] = { "cells/", "/run.json" },
	[LAYOUT_CELL_PROFILE] = { "cells/", "/profile.json" },
	[LAYOUT_CELL_FOLDED] = { "cells/", "/profile.folded" },
	[LAYOUT_CELL_PROFILE_DIR] = { "cells/", "/profile.d" },
};

static const char *const rep_files[] = {
	[LAYOUT_LOG] = "log",
	[LAYOUT_SAMPLES] = "samples.json",
	[LAYOUT_METRICS_JSON] = "metrics.json",
	[LAYOUT_METRICS_TSV] = "metrics.tsv",
	[LAYOUT_FAILED] = "failed.json",
	[LAYOUT_SERVER_LOG] = "server.log",
	[LAYOUT_SERVER_METRICS] = "server-metrics.tsv",
};

char *
layout_path(const char *dir, enum layout_kind k, const char *name)
{
	return xasprintf("%s%s%s%s%s", dir ? dir : "", dir ? "/" : "", kinds[k].prefix, name,
			 kinds[k].suffix);
}

void
layout_put(struct buf *b, enum layout_kind k, const char *name)
{
	buf_puts(b, kinds[k].prefix);
	buf_puts(b, name);
	buf_puts(b, kinds[k].suffix);
}

char *
layout_name(enum layout_kind k, const char *path)
{
	size_t n = strlen(path), np = strlen(kinds[k].prefix), ns = strlen(kinds[k].suffix);
	char *name;

	if (n <= np + ns || strncmp(path, kinds[k].prefix, np) != 0 ||
	    strcmp(path + n - ns, kinds[k].suffix) != 0)
		return NULL;
	name = xstrndup(path + np, n - np - ns);
	if (!slug_ok(name)) {
		free(name);
		return NULL;
	}
	return name;
}

char *
layout_rep_named(const char *dir, const char *id, int rep, const char *name)
{
	return xasprintf("%s%s%s%s/%d/%s", dir ? dir : "", dir ? "/" : "",
			 kinds[LAYOUT_CELL_DIR].prefix, id, rep, name);
}

char *
layout_rep_path(const char *dir, const char *id, int rep, enum layout_rep_file f)
{
	return layout_rep_named(dir, id, rep, rep_files[f]);
}

const char *
layout_rep_file(enum layout_rep_file f)
{
	return rep_files[f];
}

void
layout_put_rep(struct buf *b, const char *id, const char *rep, enum layout_rep_file f)
{
	buf_puts(b, kinds[LAYOUT_CELL_DIR].prefix);
	buf_puts(b, id);
	buf_putc(b, '/');
	buf_puts(b, rep);
	buf_putc(b, '/');
	buf_puts(b, rep_files[f]);
}
