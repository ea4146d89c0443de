/* repo.h: the Dockerfile repository, through libgit2.
 *
 * repo.json (written by 'jockey gen', read here) names the repository and
 * its build contexts:
 *
 *   {"schema":1, "repo":"/abs/path-or-URL", "ref":null|"main",
 *    "contexts":[{"name":"sysbench","path":"sysbench","stamp":"stamps/ctx/sysbench.tree"}]}
 *
 * Paths in it (a relative local repo, the stamps) are relative to the folder
 * holding repo.json, the results folder.
 *
 * Where the objects live:
 * - A local path may name any folder inside a work tree (or a bare
 *   repository); context paths are relative to that folder. With ref null the
 *   contexts are taken from the work tree as it is: their trees are computed
 *   as 'git add -A CONTEXT' would (honouring .gitignore; files already tracked
 *   stay even when ignored) in a private in-memory copy of the index, so the
 *   user's index file is never written. The blobs and trees this creates are
 *   written as loose objects into the repository's own object database, as
 *   'git hash-object -w' does: harmless (git gc prunes them once they are
 *   old and unreferenced, and every fetch rewrites the ones it needs), and it
 *   lets repo_context_tar find them like any other object.
 * - A URL (file://, git://, http://, https://, ssh://, or scp-like
 *   user@host:path) is cloned once into a bare cache,
 *   $XDG_CACHE_HOME/jockey/repos/NAME-HASH.git (default ~/.cache), where
 *   NAME is the URL's last path component and HASH 16 hex digits of the
 *   git blob id of the URL without its userinfo, and fetched (branches
 *   and tags, pruned) on every later run. NAME-HASH.lock beside
 *   it is flock()ed while a fetch writes to the cache. The remote's HEAD is
 *   recorded in the cache as refs/jockey/HEAD, for ref null when offline.
 *   A ref that is a full commit id the cache holds needs no network, and
 *   offline (--offline, JOCKEY_OFFLINE=1) the cache alone is used.
 *   Credentials never reach the cache: its config holds the URL without
 *   userinfo. The URL is used as written (no url.*.insteadOf).
 *
 * Credentials come from the URL's userinfo, ~/.git-credentials (or
 * $XDG_CONFIG_HOME/git/credentials) or the ssh agent; every message redacts
 * them. A repo.json that gen wrote holds the URL redacted, and the matrix's
 * path in "credentials_from": the network fetch reads the URL from there. */
#ifndef JOCKEY_REPO_H
#define JOCKEY_REPO_H

#include "base/buf.h"

/* The fetch edge: resolve the repo and ref of repo_json_path to a commit,
 * compute each context's tree id and check it (a Dockerfile at its root, no
 * symlink leading outside it), then write stamps/repo.commit ("COMMIT\n",
 * plus "dirty\n" when a local work tree's edits change a context) and each
 * context's stamp ("TREE\n"), each only when its content changes. Nothing is
 * written when anything fails. offline: use the cache only, never the
 * network. 0, or -1 with a message printed. */
int repo_fetch(const char *repo_json_path, int offline);

/* Append to out an uncompressed, deterministic tar of the git tree tree_id
 * (a context's stamp content, as 40 hex digits) from the repository named by
 * repo_json_path: sorted as in the tree, mtime 0, uid/gid 0, modes 0644,
 * 0755 (executables and folders) and symlinks. Fails when the tree has no
 * Dockerfile at its root or a symlink leads outside it. 0, or -1 with a
 * message printed (out may then hold part of a tar). */
int repo_context_tar(const char *repo_json_path, const char *tree_id, struct buf *out);
/* What may become of a context's Dockerfile before it goes into the tar:
 * edit gets its text (len bytes; a symlink's target in the tree) and its
 * path for messages, and may set *out (fresh, *outlen bytes) to replace
 * it. 0, or -1 with a message (then no tar is made). */
typedef int repo_dockerfile_edit(void *arg, const char *path, const char *text, size_t len, char **out,
				 size_t *outlen);
/* repo_context_tar, with the Dockerfile passed through edit first. */
int repo_context_tar_edit(const char *repo_json_path, const char *tree_id, repo_dockerfile_edit *edit,
			  void *arg, struct buf *out);

/* The Dockerfile of the build context folder context in the repository
 * repo at ref (NULL: a local folder's work tree, a remote's HEAD), as gen
 * sees it before any fetch: a local repository in place, a remote one in
 * its cache. 0 with *text (fresh, NUL-terminated), *len and *shown (its
 * path for messages, fresh); 1 when it is not at hand (no cache yet, no
 * such file, a symlink): the build-image edge checks it then. */
int repo_dockerfile(const char *repo, const char *ref, const char *context, char **text, size_t *len,
		    char **shown);

/* A build context found by repo_contexts. */
struct repo_ctx {
	char *path;       /* its folder from the repo's top ("" for the top itself) */
	char *dockerfile; /* the text of its Dockerfile (len bytes, NUL-terminated) */
	size_t len;
};

/* Every folder of the repository repo (a local folder or a URL) at ref (NULL:
 * a local folder as it is on disk, a remote's HEAD) that holds a Dockerfile,
 * down to four levels, sorted by path: a new array of *n in *out (free with
 * repo_contexts_free). A URL is fetched into its cache first, as the fetch
 * edge does (offline: the cache alone). 0, or -1 with a message. */
int repo_contexts(const char *repo, const char *ref, int offline, struct repo_ctx **out, size_t *n);
void repo_contexts_free(struct repo_ctx *v, size_t n);

/* The repository as repo.json stores it: url redacted (repo_redact), with
 * *secret set when that hid credentials; then gen names the matrix in
 * repo.json's "credentials_from" and fetch reads the URL from there, so that
 * no credentials sit in a results folder that CI may upload. Fresh. */
char *repo_stored(const char *url, int *secret);

/* A copy of url safe to print: its userinfo (user:token@) becomes three
 * stars, except an ssh user name, which is kept without any password; a
 * local path comes back unchanged. The caller frees it. */
char *repo_redact(const char *url);

#endif
