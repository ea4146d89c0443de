/* resolve.c: a repository and ref to a commit: a remote's in its cache, a
 * local one's in place, with its work tree as it is when no ref is given
 * (see internal.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2/sys/repository.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

static int
is_full_hex(const char *s)
{
	return s && strlen(s) == GIT_OID_HEXSZ && strspn(s, "0123456789abcdefABCDEF") == GIT_OID_HEXSZ;
}

/* 1 when ref is a full commit id that repo already has: then the network
 * has nothing to add. */
static int
has_commit(git_repository *repo, const char *ref)
{
	git_commit *commit = NULL;
	git_oid id;
	int found;

	if (!is_full_hex(ref) || git_oid_fromstr(&id, ref) < 0)
		return 0;
	found = git_commit_lookup(&commit, repo, &id) == 0;
	git_commit_free(commit);
	return found;
}

/* The commit that ref names (a branch, tag, commit id or any revision git
 * understands); a GIT_E* code when it names none. */
static int
ref_resolve(git_repository *repo, const char *ref, git_oid *out)
{
	git_object *obj = NULL;
	char *rev = xasprintf("%s^{commit}", ref);
	int rc = git_revparse_single(&obj, repo, rev);

	free(rev);
	if (rc < 0)
		return rc;
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

static int
ref_resolve_or_fail(const struct spec *s, git_repository *repo, const char *rev, git_oid *out,
		    const char *where)
{
	int rc = ref_resolve(repo, rev, out);

	if (rc == 0)
		return 0;
	if (!s->ref && s->remote)
		return error("'%s' has no HEAD%s", s->shown, where);
	if (!s->ref)
		return error("'%s' has no commit yet: %s", s->shown, repo_git_msg(s));
	if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC || rc == GIT_EPEEL)
		return error("unknown ref '%s' in '%s'%s", s->ref, s->shown, where);
	return error("cannot resolve ref '%s' in '%s': %s", s->ref, s->shown, repo_git_msg(s));
}

int
remote_resolve(const struct spec *s, int offline, git_repository **repo, int *lockfd, git_oid *commit)
{
	char *base = cache_path(s->repo), *path = NULL, *sid;
	/* The cache's own HEAD means nothing: the remote's is refs/jockey/HEAD. */
	const char *rev = s->ref && strcmp(s->ref, "HEAD") != 0 ? s->ref : repo_cache_head_ref;
	int fresh = 0, rc = -1;

	if (!base)
		return -1;
	path = xasprintf("%s.git", base);
	if ((*lockfd = cache_lock(base)) < 0)
		goto out;
	if (cache_open(s, path, offline, repo, &fresh) < 0)
		goto out;
	if (!offline && !has_commit(*repo, s->ref)) {
		if (cache_fetch(s, *repo) < 0) {
			if (fresh) {
				git_repository_free(*repo);
				*repo = NULL;
				cache_remove(path);
			}
			goto out;
		}
	}
	if (ref_resolve_or_fail(s, *repo, rev, commit, offline ? " (offline: in the cache)" : "") < 0)
		goto out;
	if (offline) {
		sid = repo_short_id(commit);
		warn("offline: using '%s' at %s (cached)", s->shown, sid);
		free(sid);
	}
	rc = 0;
out:
	free(base);
	free(path);
	return rc;
}

char *
repo_folder(const char *prefix, const char *path)
{
	if (*prefix && *path)
		return xasprintf("%s/%s", prefix, path);
	return xstrdup(*prefix ? prefix : path);
}

int
local_open(const struct spec *s, git_repository **repo, char **prefix)
{
	char *real = realpath(s->repo, NULL), *top = NULL;
	const char *wd;
	size_t n;
	int rc = -1;

	if (!real)
		return error("repository '%s':", s->shown);
	if (git_repository_open_ext(repo, real, 0, NULL) < 0) {
		error("'%s' is not in a git repository: %s", s->shown, repo_git_msg(s));
		goto out;
	}
	wd = git_repository_workdir(*repo);
	if (!wd) {
		*prefix = xstrdup("");
		rc = 0;
		goto out;
	}
	top = realpath(wd, NULL);
	n = top ? strlen(top) : 0;
	if (top && strcmp(real, top) == 0) {
		*prefix = xstrdup("");
	} else if (top && strncmp(real, top, n) == 0 && real[n] == '/') {
		*prefix = xstrdup(real + n + 1);
	} else {
		error("'%s' is inside a git folder, not a work tree", s->shown);
		goto out;
	}
	rc = 0;
out:
	free(real);
	free(top);
	return rc;
}

/* A private in-memory copy of the repository's index (its stage 0), made
 * the repository's index: what libgit2 then adds to never reaches the
 * user's index file. */
static int
index_private(git_repository *repo, git_index **out)
{
	git_index *user = NULL;
	size_t i, n;
	int rc = git_repository_index(&user, repo);

	if (rc == 0)
		rc = git_index_new(out);
	n = rc == 0 ? git_index_entrycount(user) : 0;
	for (i = 0; i < n && rc == 0; i++) {
		const git_index_entry *e = git_index_get_byindex(user, i);

		if (git_index_entry_stage(e) == 0)
			rc = git_index_add(*out, e);
	}
	if (rc == 0)
		rc = git_repository_set_index(repo, *out);
	git_index_free(user);
	return rc;
}

/* The root tree that 'git add -A' of every context folder would give, built
 * in a private index; its blobs and trees are written to the repository's
 * object database. */
static int
worktree_tree(const struct spec *s, git_repository *repo, const char *prefix, git_oid *out)
{
	git_index *mem = NULL;
	git_strarray paths = { NULL, 0 };
	size_t i;
	int rc, all = 0;

	paths.strings = xcalloc(s->nctx + 1, sizeof(char *));
	for (i = 0; i < s->nctx; i++) {
		if (!*prefix && !*s->ctx[i].path)
			all = 1;
		paths.strings[i] = repo_folder(prefix, s->ctx[i].path);
	}
	paths.count = s->nctx;
	rc = index_private(repo, &mem);
	if (rc == 0)
		rc = git_index_add_all(mem, all ? NULL : &paths, GIT_INDEX_ADD_DEFAULT, NULL, NULL);
	if (rc == 0)
		rc = git_index_update_all(mem, all ? NULL : &paths, NULL, NULL);
	if (rc == 0)
		rc = git_index_write_tree_to(out, mem, repo);
	if (rc < 0)
		error("cannot read the work tree of '%s': %s", s->shown, repo_git_msg(s));
	for (i = 0; i < paths.count; i++)
		free(paths.strings[i]);
	free(paths.strings);
	git_index_free(mem);
	return rc < 0 ? -1 : 0;
}

int
local_resolve(const struct spec *s, git_repository **repo, char **prefix, git_oid *commit, git_oid *wt,
	      int *use_wt)
{
	*use_wt = 0;
	if (local_open(s, repo, prefix) < 0)
		return -1;
	if (ref_resolve_or_fail(s, *repo, s->ref ? s->ref : "HEAD", commit, "") < 0)
		return -1;
	/* Without contexts the work tree has nothing to say (and an empty
	 * pathspec would add all of it). */
	if (s->ref || git_repository_is_bare(*repo) || !s->nctx)
		return 0;
	*use_wt = 1;
	return worktree_tree(s, *repo, *prefix, wt);
}
