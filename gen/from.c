/* from.c: what a Dockerfile may build on under the matrix's 'from' (see
 * from.h). The messages say what the cells would measure, and the way out. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/from.h"

static const char *const names[] = { "base", "rebase", "keep", "build", NULL };

const char *
from_name(enum from_mode m)
{
	return names[m];
}

int
from_parse(const char *name)
{
	int i;

	for (i = 0; name && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
from_ways_out(const struct df_stage *st)
{
	if (st->kind == DF_SCRATCH)
		return "say 'from: build' to measure what the image under test builds, or 'from: rebase' to "
		       "run it on the image under test";
	return "say 'from: rebase' to build each cell on its image under test instead, or 'from: keep' to "
	       "measure the Dockerfile's own image on that image alone";
}

static char *
base_problem(const struct df_stage *st)
{
	if (st->kind == DF_SCRATCH)
		return xstrdup("the target stage is FROM scratch: its cells would run none of the image "
			       "under test's files");
	if (strstr(st->image, "$BASE"))
		return xasprintf("the target stage builds on '%s', not on BASE itself, the image under test",
				 st->image);
	return xasprintf("the target stage builds on '%s', not on BASE, the image under test: the engine "
			 "would drop BASE and every cell would measure '%s'", st->image, st->image);
}

static char *
keep_problem(const struct df_stage *st, const char *under_test)
{
	if (st->kind == DF_BASE)
		return xstrdup("'from: keep', but the target stage builds on BASE, the image under test: "
			       "leave 'from' out");
	if (st->kind == DF_SCRATCH)
		return xstrdup("'from: keep', but the target stage is FROM scratch: there is no image to keep");
	if (strstr(st->image, "$BASE"))
		return xasprintf("'from: keep', but the target stage builds on '%s', which depends on BASE",
				 st->image);
	if (under_test && !dockerfile_same_image(st->image, under_test))
		return xasprintf("'from: keep' measures '%s', the Dockerfile's own image, but a cell is labelled "
				 "'%s': run this benchmark on '%s' alone (images: [\"%s\"])", st->image,
				 under_test, st->image, st->image);
	return NULL;
}

char *
from_problem(const struct dockerfile *df, enum from_mode m, const char *under_test,
	     const struct df_stage **st)
{
	const struct df_stage *root = dockerfile_root(df);

	*st = root;
	switch (m) {
	case FROM_BASE:
		return root->kind == DF_BASE ? NULL : base_problem(root);
	case FROM_REBASE:
		if (root->kind != DF_BASE && !root->len)
			return xstrdup("'from: rebase', but a line continuation splits this FROM: jockey "
				       "rewrites an operand on one line only");
		return NULL;
	case FROM_KEEP:
		return keep_problem(root, under_test);
	case FROM_BUILD:
		return dockerfile_uses_base(df) ? NULL : xstrdup("'from: build', but no stage builds on BASE, "
								  "the image under test");
	}
	return NULL;
}
