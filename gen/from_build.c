/* from_build.c: the build-image edge's context tar, its Dockerfile checked
 * against the image's 'from' and rewritten by 'from: rebase' (see from.h). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "gen/from.h"
#include "gen/repo.h"

struct job {
	const json_t *image;  /* images/KEY.json */
	const char *base_ref; /* the image under test, as the build names it */
	json_t *note;         /* what the Dockerfile builds on (new) */
};

static struct df_arg *
image_args(const json_t *image, size_t *n)
{
	const json_t *ba = json_object_get(image, "build_args");
	struct df_arg *a = xcalloc(json_object_size(ba) + 1, sizeof(*a));
	const char *k;
	json_t *v;

	*n = 0;
	json_object_foreach((json_t *)ba, k, v) {
		a[*n].name = k;
		a[(*n)++].value = json_string_value(v) ? json_string_value(v) : "";
	}
	return a;
}

static int
edit(void *arg, const char *path, const char *text, size_t len, char **out, size_t *outlen)
{
	struct job *j = arg;
	const char *mode_name = json_string_value(json_object_get(j->image, "from"));
	int mode = mode_name ? from_parse(mode_name) : FROM_BASE;
	const char *under = json_string_value(json_object_get(j->image, "base"));
	const struct df_stage *st;
	struct dockerfile df;
	struct df_arg *args;
	char *problem;
	size_t n;
	int rc;

	if (mode < 0)
		return error("%s: unknown 'from' '%s'", path, mode_name);
	args = image_args(j->image, &n);
	rc = dockerfile_parse(&df, path, text, len, args, n, 1);
	free(args);
	if (rc < 0)
		return -1;
	if ((problem = from_problem(&df, (enum from_mode)mode, under, &st))) {
		rc = error("%s:%d:%d: %s%s%s", path, st->line, st->col, problem, mode == FROM_BASE ? "; " : "",
			   mode == FROM_BASE ? from_ways_out(st) : "");
		free(problem);
	} else {
		j->note = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "path", path, "line", st->line, "col",
				    st->col, "from", st->operand, "image", st->image, "mode", from_name(mode));
		if (mode == FROM_REBASE && st->kind != DF_BASE) {
			*out = dockerfile_rebase(st, text, len, j->base_ref, outlen);
			json_object_set_new(j->note, "rebased_to", json_string(j->base_ref));
		}
	}
	dockerfile_release(&df);
	return rc;
}

int
from_build(const char *repo_json, const char *tree_id, const json_t *image, const char *base_ref,
	   struct buf *tar, json_t **note)
{
	struct job j = { image, base_ref, NULL };
	int rc = repo_context_tar_edit(repo_json, tree_id, edit, &j, tar);

	if (rc < 0)
		json_decref(j.note);
	else
		*note = j.note;
	return rc;
}
