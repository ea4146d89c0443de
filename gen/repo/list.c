/* list.c: the build contexts of a Dockerfile repository, for `jockey init`:
 * every folder that holds a file named Dockerfile, with that file's text.
 * A local folder is read as it is on disk (the work tree, as gen reads it
 * with no ref), or at a ref through libgit2; a URL is fetched into its
 * cache as the fetch edge would, and read at its ref (or HEAD). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/util.h"
#include "gen/repo/internal.h"

enum { LIST_DEPTH = 4, LIST_MAX = 1000 }; /* a folder tree, not a whole disk */

struct list {
	struct repo_ctx *v;
	size_t n;
};

static void
list_add(struct list *l, const char *path, char *text, size_t len)
{
	if (l->n >= LIST_MAX) {
		free(text);
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].path = xstrdup(path);
	l->v[l->n].dockerfile = text;
	l->v[l->n].len = len;
	l->n++;
}

static int
ctx_cmp(const void *a, const void *b)
{
	return strcmp(((const struct repo_ctx *)a)->path, ((const struct repo_ctx *)b)->path);
}

/* Folders below dir (rel: its path from the top), dot-folders left out. */
static void
disk_walk(struct list *l, const char *dir, const char *rel, int depth)
{
	char *df = xasprintf("%s/Dockerfile", dir), *text;
	struct dirent *e;
	struct stat st;
	size_t len;
	DIR *d;

	if (stat(df, &st) == 0 && S_ISREG(st.st_mode) && read_file(df, &text, &len) == 0)
		list_add(l, rel, text, len);
	free(df);
	if (depth >= LIST_DEPTH || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char *sub, *subrel;

		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			subrel = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
			disk_walk(l, sub, subrel, depth + 1);
			free(subrel);
		}
		free(sub);
	}
	closedir(d);
}

struct tree_walk {
	struct list *l;
	git_repository *repo;
};

static int
tree_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct tree_walk *w = arg;
	size_t depth = 0;
	const char *p;
	git_blob *b = NULL;

	for (p = root; *p; p++)
		depth += *p == '/';
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return depth >= LIST_DEPTH || git_tree_entry_name(e)[0] == '.' ? 1 : 0; /* 1: skip it */
	if (strcmp(git_tree_entry_name(e), "Dockerfile") != 0 ||
	    git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ||
	    git_blob_lookup(&b, w->repo, git_tree_entry_id(e)) < 0)
		return 0;
	{
		char *rel = xstrndup(root, *root ? strlen(root) - 1 : 0); /* "a/b/" -> "a/b" */
		size_t len = (size_t)git_blob_rawsize(b);

		list_add(w->l, rel, xstrndup(git_blob_rawcontent(b), len), len);
		free(rel);
	}
	git_blob_free(b);
	return 0;
}

/* The contexts in the tree of commit under the folder prefix. */
static int
commit_walk(struct list *l, const struct spec *s, git_repository *repo, const git_oid *commit,
	    const char *prefix)
{
	struct tree_walk w = { l, repo };
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid sub;
	int rc = -1;

	if (git_commit_lookup(&c, repo, commit) < 0)
		return error("cannot read commit of '%s' at %s: %s", s->shown, s->at, repo_git_msg(s));
	if (subtree(repo, git_commit_tree_id(c), prefix, &sub) != 0)
		error("'%s' at %s has no folder '%s'", s->shown, s->at, prefix);
	else if (git_tree_lookup(&tree, repo, &sub) < 0 || git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w) < 0)
		error("cannot read '%s' at %s: %s", s->shown, s->at, repo_git_msg(s));
	else
		rc = 0;
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

static int
git_list(struct list *l, struct spec *s, int offline)
{
	git_repository *repo = NULL;
	git_oid commit;
	char *prefix = NULL;
	int lockfd = -1, rc = -1;

	if (s->remote) {
		if (remote_resolve(s, offline, &repo, &lockfd, &commit) == 0)
			rc = commit_walk(l, s, repo, &commit, "");
	} else if (local_open(s, &repo, &prefix) == 0) {
		char *rev = xasprintf("%s^{commit}", s->ref);
		git_object *obj = NULL;

		if (git_revparse_single(&obj, repo, rev) < 0)
			error("unknown ref '%s' in '%s'", s->ref, s->shown);
		else
			rc = commit_walk(l, s, repo, git_object_id(obj), prefix);
		git_object_free(obj);
		free(rev);
	}
	free(prefix);
	git_repository_free(repo);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

int
repo_contexts(const char *repo, const char *ref, int offline, struct repo_ctx **out, size_t *n)
{
	struct list l = { NULL, 0 };
	struct spec s;
	int rc = 0;

	repo_lib_init();
	memset(&s, 0, sizeof(s));
	s.remote = url_is_remote(repo);
	s.repo = s.remote ? xstrdup(repo) : path_absolute(repo);
	s.shown = repo_redact(s.repo);
	s.ref = ref ? xstrdup(ref) : NULL;
	s.at = ref ? xasprintf("'%s'", ref) : xstrdup(s.remote ? "HEAD" : "the work tree");
	if (s.remote && !url_scheme_known(s.repo)) {
		rc = error("repository '%s': unsupported URL scheme (use file://, git://, http://, "
			   "https:// or ssh://)", s.shown);
	} else if (!s.remote && !ref) {
		struct stat st;

		if (stat(s.repo, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = error("'%s' is not a folder", s.shown);
		else
			disk_walk(&l, s.repo, "", 0);
	} else {
		rc = git_list(&l, &s, offline);
	}
	spec_release(&s);
	if (rc < 0) {
		repo_contexts_free(l.v, l.n);
		return -1;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), ctx_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
}

void
repo_contexts_free(struct repo_ctx *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].dockerfile);
	}
	free(v);
}
