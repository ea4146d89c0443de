/* internal.h: what the files of the Dockerfile repository module
 * (gen/repo/) share; other modules see repo.h.
 *
 *   url.c      URLs: remote or local, their userinfo, redacted for people
 *   auth.c     credentials for a fetch: the URL's, ~/.git-credentials, ssh agent
 *   git.c      libgit2: its setup, its messages (credentials redacted)
 *   spec.c     repo.json, read into struct spec
 *   cache.c    the bare cache of a remote repository, and its fetch
 *   resolve.c  a repo and ref to a commit (and a work tree to its tree)
 *   tree.c     a context's git tree: checked, and walked into a tar
 *   fetch.c    the fetch edge (repo_fetch)
 *   tar.c      the build context tar (repo_context_tar) */
#ifndef JOCKEY_REPO_INTERNAL_H
#define JOCKEY_REPO_INTERNAL_H

#include <stddef.h>

#include <archive.h>
#include <git2.h>

#include "gen/repo.h"

struct context {
	char *name;  /* for messages */
	char *path;  /* its folder, relative to the repo folder; "" for that folder */
	char *stamp; /* its stamp file, as a path from the current folder */
};

struct spec {
	char *repo;  /* as repo.json says, made absolute when local; may hold credentials */
	char *matrix; /* the matrix to read the URL's credentials from, or NULL */
	char *shown; /* repo with its credentials redacted: the only form ever printed */
	char *ref;   /* branch, tag or commit; NULL: the work tree, or the remote's HEAD */
	char *at;    /* ref for messages: "'main'", "HEAD" or "the work tree" */
	char *commit_stamp; /* stamps/repo.commit, as a path from the current folder */
	int remote;  /* repo is a URL, fetched into the cache */
	struct context *ctx;
	size_t nctx;
};

/* What a walk over a context's tree needs: the tar to write (NULL to only
 * check the tree) and names for messages. */
struct walk {
	git_repository *repo;
	git_tree *root;      /* the context's tree, to resolve symlinks in */
	struct archive *tar;
	const char *ctx;
	const struct spec *spec;
	const char *df_text;  /* when not NULL: the Dockerfile at the top, in place of the tree's */
	size_t df_len;
};

/* url.c */
/* 1 when s is a URL (or git's scp-like user@host:path), 0 when a local path. */
int url_is_remote(const char *s);
/* 1 unless s is a URL of a scheme jockey does not fetch. */
int url_scheme_known(const char *s);
/* Find the userinfo of url (the part before '@' in its authority): its
 * offset and length, or -1 when there is none. */
int url_userinfo(const char *url, size_t *start, size_t *len);
/* url without any userinfo: what names the cache. Fresh. */
char *url_bare(const char *url);
/* The user name and password in url's userinfo, decoded; a lone user name
 * (https://TOKEN@host/...) comes with an empty password, as a token needs.
 * 0, or -1 when there is no userinfo (then nothing is allocated). */
int url_user_pass(const char *url, char **user, char **pass);
/* "scheme://host:port" of a URL with its userinfo removed: what a line of
 * ~/.git-credentials must match (git's default, credential.useHttpPath
 * off). Fresh, or NULL for an scp-like URL. */
char *url_origin(const char *url);

/* auth.c: the state of one fetch's credential callback: each source is
 * offered once, so a server that refuses them all ends the fetch instead of
 * asking forever. */
struct auth {
	const char *url;
	int tried_url, tried_file, tried_agent, tried_user;
	int offered; /* some credential was offered */
	int refused; /* we had nothing (more) to offer */
};
/* libgit2's credential callback; payload is a struct auth. */
int auth_credentials(git_credential **out, const char *url, const char *user_from_url,
		     unsigned int allowed, void *payload);

/* git.c */
/* Set libgit2 up, once. */
void repo_lib_init(void);
/* libgit2's last message with s's credentials redacted (s may be NULL), in
 * a buffer that the next call reuses. */
const char *repo_git_msg(const struct spec *s);
/* The 7 hex digits people know a commit by. Fresh. */
char *repo_short_id(const git_oid *id);

/* spec.c */
/* Read repo.json at file into s. 0, or -1 with a message. */
int spec_load(const char *file, struct spec *s);
/* The fetch of a repo.json whose URL gen stored redacted: the URL with its
 * credentials from the matrix named in it, which must be the same URL. */
int spec_credentials(struct spec *s);
void spec_release(struct spec *s);

/* cache.c */
/* The ref under which the cache records the remote's HEAD. */
extern const char repo_cache_head_ref[];
/* The cache folder of a URL, without ".git" (see repo.h). Fresh; NULL with a
 * message when there is no cache folder. */
char *cache_path(const char *url);
/* Take the cache's lock: an fd to close, or -1 with a message. */
int cache_lock(const char *base);
/* Open the cache at path, or create it (an empty bare repository that the
 * first fetch fills). *fresh says it was created. */
int cache_open(const struct spec *s, const char *path, int offline, git_repository **out, int *fresh);
/* Fetch every branch and tag of the remote into the cache (pruning the gone
 * ones) and record the remote's HEAD as repo_cache_head_ref. */
int cache_fetch(const struct spec *s, git_repository *cache);
/* Remove the cache at path (a fetch into a fresh one failed). */
void cache_remove(const char *path);

/* resolve.c */
/* Resolve a remote's ref in its cache, fetching first unless offline or
 * ref is a full commit id that the cache has. *lockfd keeps the cache
 * locked until the caller closes it. */
int remote_resolve(const struct spec *s, int offline, git_repository **repo, int *lockfd, git_oid *commit);
/* Resolve a local repository: the commit of ref (or HEAD) and, with ref
 * null in a work tree, the root tree of the work tree as it is (*use_wt). */
int local_resolve(const struct spec *s, git_repository **repo, char **prefix, git_oid *commit, git_oid *wt,
		  int *use_wt);
/* Open the repository holding the local folder s->repo; *prefix is that
 * folder relative to its work tree ("" at the top, or in a bare repo). */
int local_open(const struct spec *s, git_repository **repo, char **prefix);
/* A context folder as a path from the top of the repository. Fresh. */
char *repo_folder(const char *prefix, const char *path);

/* tree.c */
/* The tree id at path under root; GIT_ENOTFOUND when missing, 1 when path
 * is not a folder. */
int subtree(git_repository *repo, const git_oid *root, const char *path, git_oid *out);
/* Check a context's tree (a Dockerfile at its root, every symlink inside
 * it) and, when w->tar is set, write its entries there. */
int context_walk(struct walk *w, const git_oid *id);

#endif
