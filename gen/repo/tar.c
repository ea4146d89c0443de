/* tar.c: the build context tar of the build-image edge (see repo.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

/* The name of the context whose stamp holds tree_id, for messages. */
static const char *
context_name(const struct spec *s, const char *tree_id)
{
	char *data;
	size_t i;
	int same;

	for (i = 0; i < s->nctx; i++) {
		if (!path_exists(s->ctx[i].stamp) || read_file(s->ctx[i].stamp, &data, NULL) < 0)
			continue;
		same = strncmp(data, tree_id, GIT_OID_HEXSZ) == 0;
		free(data);
		if (same)
			return s->ctx[i].name;
	}
	return tree_id;
}

static int
tar_repo_open(const struct spec *s, git_repository **repo)
{
	char *base, *path, *prefix = NULL;
	int rc;

	if (!s->remote) {
		rc = local_open(s, repo, &prefix);
		free(prefix);
		return rc;
	}
	if (!(base = cache_path(s->repo)))
		return -1;
	path = xasprintf("%s.git", base);
	rc = git_repository_open_bare(repo, path);
	if (rc < 0)
		error("no cached copy of '%s' (run 'jockey fetch' first): %s", s->shown, repo_git_msg(s));
	free(base);
	free(path);
	return rc < 0 ? -1 : 0;
}

static ssize_t
tar_write(struct archive *a, void *data, const void *p, size_t n)
{
	(void)a;
	buf_add(data, p, n);
	return (ssize_t)n;
}

int
repo_context_tar(const char *repo_json_path, const char *tree_id, struct buf *out)
{
	struct spec s;
	struct walk w = { NULL, NULL, NULL, NULL, &s };
	git_oid id;
	int rc = -1;

	repo_lib_init();
	if (spec_load(repo_json_path, &s) < 0)
		goto out;
	w.ctx = context_name(&s, tree_id);
	if (strlen(tree_id) < GIT_OID_HEXSZ || git_oid_fromstrn(&id, tree_id, GIT_OID_HEXSZ) < 0) {
		error("'%s' is not a tree id", tree_id);
		goto out;
	}
	if (tar_repo_open(&s, &w.repo) < 0)
		goto out;
	w.tar = archive_write_new();
	if (archive_write_set_format_pax_restricted(w.tar) != ARCHIVE_OK ||
	    archive_write_open(w.tar, out, NULL, tar_write, NULL) != ARCHIVE_OK) {
		error("tar of context '%s': %s", w.ctx, archive_error_string(w.tar));
		goto out;
	}
	if (context_walk(&w, &id) < 0)
		goto out;
	if (archive_write_close(w.tar) != ARCHIVE_OK) {
		error("tar of context '%s': %s", w.ctx, archive_error_string(w.tar));
		goto out;
	}
	rc = 0;
out:
	if (w.tar)
		archive_write_free(w.tar);
	git_repository_free(w.repo);
	spec_release(&s);
	return rc;
}
