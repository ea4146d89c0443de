/* tar.c: the build context tar of the build-image edge (see repo.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

/* The context whose stamp holds tree_id, or NULL. */
static const struct context *
context_of(const struct spec *s, const char *tree_id)
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
			return &s->ctx[i];
	}
	return NULL;
}

/* The Dockerfile at the top of tree id (a symlink's target in the tree),
 * through edit into w->df_text. */
static int
dockerfile_edit(struct walk *w, const git_oid *id, const char *folder, repo_dockerfile_edit *edit,
		void *arg, char **edited)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL, *target = NULL;
	char *path = xasprintf("%s/%s%sDockerfile", w->spec->shown, folder, *folder ? "/" : "");
	char *link = NULL;
	size_t n = 0;
	int rc = -1;

	if (git_tree_lookup(&tree, w->repo, id) < 0 || git_tree_entry_bypath(&e, tree, "Dockerfile") < 0 ||
	    git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) < 0) {
		error("context '%s' in '%s' at %s has no Dockerfile", w->ctx, w->spec->shown, w->spec->at);
		goto out;
	}
	if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
		link = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		git_tree_entry_free(e);
		e = NULL;
		if (git_tree_entry_bypath(&e, tree, link) < 0 || git_blob_lookup(&target, w->repo, git_tree_entry_id(e)) < 0) {
			error("%s: symlink to '%s', which is not a file of the context", path, link);
			goto out;
		}
	}
	rc = edit(arg, path, git_blob_rawcontent(target ? target : blob),
		  (size_t)git_blob_rawsize(target ? target : blob), edited, &n);
	w->df_text = *edited;
	w->df_len = n;
out:
	free(link);
	free(path);
	git_blob_free(target);
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
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
	return repo_context_tar_edit(repo_json_path, tree_id, NULL, NULL, out);
}

int
repo_context_tar_edit(const char *repo_json_path, const char *tree_id, repo_dockerfile_edit *edit,
		      void *arg, struct buf *out)
{
	struct spec s;
	struct walk w = { NULL, NULL, NULL, NULL, &s, NULL, 0 };
	const struct context *c;
	char *edited = NULL;
	git_oid id;
	int rc = -1;

	repo_lib_init();
	if (spec_load(repo_json_path, &s) < 0)
		goto out;
	c = context_of(&s, tree_id);
	w.ctx = c ? c->name : tree_id;
	if (strlen(tree_id) < GIT_OID_HEXSZ || git_oid_fromstrn(&id, tree_id, GIT_OID_HEXSZ) < 0) {
		error("'%s' is not a tree id", tree_id);
		goto out;
	}
	if (tar_repo_open(&s, &w.repo) < 0)
		goto out;
	if (edit && dockerfile_edit(&w, &id, c ? c->path : "", edit, arg, &edited) < 0)
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
	free(edited);
	spec_release(&s);
	return rc;
}
