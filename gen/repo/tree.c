/* tree.c: a build context's git tree, checked (a Dockerfile at its root,
 * no symlink leading outside it) and walked into a tar (see internal.h). */
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

int
subtree(git_repository *repo, const git_oid *root, const char *path, git_oid *out)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int rc;

	if (!*path) {
		git_oid_cpy(out, root);
		return 0;
	}
	rc = git_tree_lookup(&tree, repo, root);
	if (rc == 0)
		rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == 0 && git_tree_entry_type(e) != GIT_OBJECT_TREE)
		rc = 1;
	if (rc == 0)
		git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

enum { LINK_INSIDE, LINK_OUTSIDE, LINK_LOOP };
enum { LINK_HOPS = 40 }; /* as the kernel's MAXSYMLINKS */


/* Drop the last component of a path in b ("a/b" -> "a", "a" -> ""). */
static void
path_pop(struct buf *b)
{
	char *slash = strrchr(b->data, '/');

	b->len = slash ? (size_t)(slash - b->data) : 0;
	b->data[b->len] = '\0';
}

/* The target of the symlink at path in w->root, or NULL when path is no
 * symlink there (a folder, a file, or nothing: a dangling name). */
static char *
link_target(struct walk *w, const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	char *target = NULL;

	if (*path && git_tree_entry_bypath(&e, w->root, path) == 0 &&
	    git_tree_entry_filemode(e) == GIT_FILEMODE_LINK &&
	    git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) == 0)
		target = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	git_tree_entry_free(e);
	return target;
}

/* Resolve a symlink's target, seen from folder dir of the context, as the
 * kernel would: component by component, following the symlinks met on the
 * way. LINK_OUTSIDE when it is absolute or climbs above the context's root
 * at any step (so "up -> .." then "x -> up/../.." is caught), LINK_LOOP after
 * following LINK_HOPS symlinks in all (*hops counts them, so the work stays
 * bounded); LINK_INSIDE with *at the path reached. */
static int
link_resolve(struct walk *w, const char *dir, const char *target, int *hops, struct buf *at)
{
	const char *p;
	char *next, *base;
	size_t n, mark;
	int rc = LINK_INSIDE;

	buf_reset(at);
	buf_puts(at, dir);
	if (target[0] == '/' || !target[0])
		return LINK_OUTSIDE;
	if (++*hops > LINK_HOPS)
		return LINK_LOOP;
	for (p = target; *p && rc == LINK_INSIDE; p += strspn(p, "/")) {
		n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0) {
			if (!at->len)
				rc = LINK_OUTSIDE;
			path_pop(at);
		} else if (n && !(n == 1 && *p == '.')) {
			mark = at->len;
			if (at->len)
				buf_putc(at, '/');
			buf_add(at, p, n);
			if ((next = link_target(w, at->data))) {
				base = xstrndup(at->data, mark);
				rc = link_resolve(w, base, next, hops, at);
				free(base);
				free(next);
			}
		}
		p += n;
	}
	return rc;
}

/* Check the symlink at path (in folder dir) with this target. */
static int
link_check(struct walk *w, const char *dir, const char *path, const char *target)
{
	struct buf at = BUF_INIT;
	int hops = 0, rc = link_resolve(w, dir, target, &hops, &at);

	buf_release(&at);
	if (rc == LINK_OUTSIDE)
		return error("context '%s' in '%s' at %s: symlink '%s' -> '%s' leads outside the context", w->ctx,
			     w->spec->shown, w->spec->at, path, target);
	if (rc == LINK_LOOP)
		return error("context '%s' in '%s' at %s: symlink '%s' -> '%s' loops", w->ctx, w->spec->shown,
			     w->spec->at, path, target);
	return 0;
}

static int
tar_add(struct walk *w, const char *path, int type, int perm, const char *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, data);
	if (archive_write_header(w->tar, e) != ARCHIVE_OK ||
	    (type == AE_IFREG && len && archive_write_data(w->tar, data, len) != (la_ssize_t)len))
		rc = error("tar of context '%s': %s", w->ctx, archive_error_string(w->tar));
	archive_entry_free(e);
	return rc;
}

static int walk_tree(struct walk *w, const git_oid *id, const char *dir);

/* One entry of a context's tree: check a symlink, add it to the tar. */
static int
walk_entry(struct walk *w, const git_tree_entry *e, const char *dir)
{
	git_filemode_t mode = git_tree_entry_filemode(e);
	char *path = *dir ? xasprintf("%s/%s", dir, git_tree_entry_name(e)) : xstrdup(git_tree_entry_name(e));
	git_blob *blob = NULL;
	char *target = NULL;
	int rc = -1;

	if (mode == GIT_FILEMODE_TREE) {
		rc = w->tar ? tar_add(w, path, AE_IFDIR, 0755, NULL, 0) : 0;
		if (rc == 0)
			rc = walk_tree(w, git_tree_entry_id(e), path);
		goto out;
	}
	if (!*dir && w->df_text && strcmp(git_tree_entry_name(e), "Dockerfile") == 0) {
		rc = w->tar ? tar_add(w, path, AE_IFREG, 0644, w->df_text, w->df_len) : 0;
		goto out;
	}
	if (mode == GIT_FILEMODE_COMMIT) { /* a submodule: an empty folder, as git archive does */
		rc = w->tar ? tar_add(w, path, AE_IFDIR, 0755, NULL, 0) : 0;
		goto out;
	}
	if (mode == GIT_FILEMODE_BLOB && !w->tar) {
		rc = 0;
		goto out;
	}
	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) < 0) {
		error("context '%s' in '%s' at %s: cannot read '%s': %s", w->ctx, w->spec->shown, w->spec->at, path,
		      repo_git_msg(w->spec));
		goto out;
	}
	if (mode == GIT_FILEMODE_LINK) {
		target = xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		if (link_check(w, dir, path, target) < 0)
			goto out;
		rc = w->tar ? tar_add(w, path, AE_IFLNK, 0777, target, 0) : 0;
	} else {
		rc = w->tar ? tar_add(w, path, AE_IFREG, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644,
				      git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)) :
			      0;
	}
out:
	git_blob_free(blob);
	free(target);
	free(path);
	return rc;
}

static int
walk_tree(struct walk *w, const git_oid *id, const char *dir)
{
	git_tree *tree = NULL;
	size_t i, n;
	int rc = 0;

	if (git_tree_lookup(&tree, w->repo, id) < 0)
		return error("context '%s' in '%s' at %s: cannot read folder '%s': %s", w->ctx, w->spec->shown,
			     w->spec->at, *dir ? dir : ".", repo_git_msg(w->spec));
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && rc == 0; i++)
		rc = walk_entry(w, git_tree_entry_byindex(tree, i), dir);
	git_tree_free(tree);
	return rc;
}

int
context_walk(struct walk *w, const git_oid *id)
{
	const git_tree_entry *df;
	int rc;

	if (git_tree_lookup(&w->root, w->repo, id) < 0)
		return error("context '%s' in '%s' at %s: tree not found: %s (run 'jockey fetch' again)", w->ctx,
			     w->spec->shown, w->spec->at, repo_git_msg(w->spec));
	df = git_tree_entry_byname(w->root, "Dockerfile");
	if (df && git_tree_entry_type(df) == GIT_OBJECT_BLOB)
		rc = walk_tree(w, id, "");
	else
		rc = error("context '%s' in '%s' at %s has no Dockerfile", w->ctx, w->spec->shown, w->spec->at);
	git_tree_free(w->root);
	w->root = NULL;
	return rc;
}
