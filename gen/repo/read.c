/* read.c: a context's Dockerfile as gen sees it, before any fetch: a local
 * folder's work tree (or its ref), a remote's cache at its ref (see
 * repo.h). What is not at hand is left to the build, which checks it too. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "gen/names.h"
#include "gen/repo/internal.h"

/* path relative to the current folder when it lies below it. Fresh. */
static char *
shown_path(const char *path)
{
	char cwd[PATH_MAX];
	size_t n;

	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	n = strlen(cwd);
	if (strncmp(path, cwd, n) == 0 && path[n] == '/')
		return xstrdup(path + n + 1);
	return xstrdup(path);
}

/* The blob at rev:path in repo: 0, or 1 when there is none (or it is a
 * symlink, which the build resolves). */
static int
blob_read(git_repository *repo, const char *rev, const char *path, char **text, size_t *len)
{
	char *spec = xasprintf("%s:%s", rev, path);
	git_object *obj = NULL;
	int rc = 1;

	if (git_revparse_single(&obj, repo, spec) == 0 && git_object_type(obj) == GIT_OBJECT_BLOB) {
		const git_blob *b = (const git_blob *)obj;

		*len = (size_t)git_blob_rawsize(b);
		*text = xstrndup(git_blob_rawcontent(b), *len);
		rc = 0;
	}
	git_object_free(obj);
	free(spec);
	return rc;
}

static int
local_read(const char *repo, const char *ref, const char *file, char **text, size_t *len, char **shown)
{
	struct spec s;
	git_repository *r = NULL;
	char *prefix = NULL, *path;
	int rc = 1;

	if (!ref) {
		path = xasprintf("%s/%s", repo, file);
		if (path_exists(path) && (rc = read_file(path, text, len)) == 0)
			*shown = shown_path(path);
		free(path);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	s.repo = (char *)repo;
	s.shown = (char *)repo;
	if (!path_exists(repo) || local_open(&s, &r, &prefix) < 0)
		return 1;
	path = repo_folder(prefix, file);
	rc = blob_read(r, ref, path, text, len);
	if (rc == 0)
		*shown = xasprintf("%s/%s (at '%s')", repo, file, ref);
	free(path);
	free(prefix);
	git_repository_free(r);
	return rc;
}

static int
remote_read(const char *url, const char *ref, const char *file, char **text, size_t *len, char **shown)
{
	char *base = cache_path(url), *path = base ? xasprintf("%s.git", base) : NULL, *red;
	git_repository *r = NULL;
	int rc = 1;

	if (path && path_exists(path) && git_repository_open_bare(&r, path) == 0) {
		rc = blob_read(r, ref ? ref : repo_cache_head_ref, file, text, len);
		if (rc == 0) {
			red = repo_redact(url);
			*shown = xasprintf("%s/%s", red, file);
			free(red);
		}
	}
	git_repository_free(r);
	free(path);
	free(base);
	return rc;
}

int
repo_dockerfile(const char *repo, const char *ref, const char *context, char **text, size_t *len,
		char **shown)
{
	char *ctx = name_context_path(context);
	char *file = *ctx ? xasprintf("%s/Dockerfile", ctx) : xstrdup("Dockerfile");
	int rc;

	repo_lib_init();
	*text = NULL;
	*shown = NULL;
	rc = url_is_remote(repo) ? remote_read(repo, ref, file, text, len, shown)
				 : local_read(repo, ref, file, text, len, shown);
	free(file);
	free(ctx);
	return rc;
}
