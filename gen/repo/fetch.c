/* fetch.c: the fetch edge: resolve the repository, compute and check each
 * context's tree, stamp the commit and the trees (see repo.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

static int
context_tree(const struct spec *s, git_repository *repo, const git_oid *root, const char *prefix,
	     const struct context *c, git_oid *out)
{
	char *path = repo_folder(prefix, c->path);
	struct walk w = { repo, NULL, NULL, c->name, s, NULL, 0 };
	int rc = subtree(repo, root, path, out);

	if (rc == GIT_ENOTFOUND)
		rc = error("context '%s': folder '%s' not found in '%s' at %s", c->name, c->path, s->shown, s->at);
	else if (rc == 1)
		rc = error("context '%s': '%s' in '%s' at %s is not a folder", c->name, c->path, s->shown, s->at);
	else if (rc < 0)
		rc = error("context '%s' in '%s' at %s: %s", c->name, s->shown, s->at, repo_git_msg(s));
	else
		rc = context_walk(&w, out);
	free(path);
	return rc;
}

static int
stamps_write(const struct spec *s, const git_oid *commit, int dirty, const git_oid *trees)
{
	char hex[GIT_OID_HEXSZ + 1], *line;
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nctx && rc >= 0; i++) {
		git_oid_tostr(hex, sizeof(hex), &trees[i]);
		line = xasprintf("%s\n", hex);
		rc = write_file_if_changed(s->ctx[i].stamp, line, strlen(line));
		free(line);
	}
	if (rc < 0)
		return -1;
	git_oid_tostr(hex, sizeof(hex), commit);
	line = xasprintf("%s\n%s", hex, dirty ? "dirty\n" : "");
	rc = write_file_if_changed(s->commit_stamp, line, strlen(line));
	free(line);
	return rc < 0 ? -1 : 0;
}

/* 1 when the committed tree of a context (under root) differs from tree. */
static int
context_changed(git_repository *repo, const git_oid *root, const char *prefix, const struct context *c,
		const git_oid *tree)
{
	char *path = repo_folder(prefix, c->path);
	git_oid committed;
	int changed = subtree(repo, root, path, &committed) != 0 || !git_oid_equal(&committed, tree);

	free(path);
	return changed;
}

int
repo_fetch(const char *repo_json_path, int offline)
{
	struct spec s;
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_oid id, root, wt, *trees = NULL;
	char *prefix = NULL;
	int lockfd = -1, use_wt = 0, dirty = 0, rc = -1;
	size_t i;

	repo_lib_init();
	if (spec_load(repo_json_path, &s) < 0)
		goto out;
	if (s.remote) {
		prefix = xstrdup("");
		if (s.matrix && !offline && spec_credentials(&s) < 0)
			goto out;
		if (remote_resolve(&s, offline, &repo, &lockfd, &id) < 0)
			goto out;
	} else if (local_resolve(&s, &repo, &prefix, &id, &wt, &use_wt) < 0) {
		goto out;
	}
	if (git_commit_lookup(&commit, repo, &id) < 0) {
		error("cannot read commit of '%s' at %s: %s", s.shown, s.at, repo_git_msg(&s));
		goto out;
	}
	git_oid_cpy(&root, git_commit_tree_id(commit));
	trees = xcalloc(s.nctx + 1, sizeof(*trees));
	for (i = 0; i < s.nctx; i++) {
		if (context_tree(&s, repo, use_wt ? &wt : &root, prefix, &s.ctx[i], &trees[i]) < 0)
			goto out;
		/* Edits count when they change a context: the ones elsewhere, or
		 * in ignored files, build nothing different. */
		if (use_wt && !dirty)
			dirty = context_changed(repo, &root, prefix, &s.ctx[i], &trees[i]);
	}
	rc = stamps_write(&s, &id, dirty, trees);
out:
	free(trees);
	free(prefix);
	git_commit_free(commit);
	git_repository_free(repo);
	if (lockfd >= 0)
		close(lockfd);
	spec_release(&s);
	return rc;
}
