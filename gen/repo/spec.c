/* spec.c: repo.json, which gen writes and the fetch and build-image edges
 * read, as struct spec (see internal.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"
#include "gen/matrix.h"

void
spec_release(struct spec *s)
{
	size_t i;

	for (i = 0; i < s->nctx; i++) {
		free(s->ctx[i].name);
		free(s->ctx[i].path);
		free(s->ctx[i].stamp);
	}
	free(s->ctx);
	if (s->shown)
		memset(s->repo, 0, strlen(s->repo));
	free(s->repo);
	free(s->matrix);
	free(s->shown);
	free(s->ref);
	free(s->at);
	free(s->commit_stamp);
	memset(s, 0, sizeof(*s));
}

/* dir/path, or path alone when it is absolute or dir is ".". */
static char *
path_from(const char *dir, const char *path)
{
	if (path[0] == '/' || strcmp(dir, ".") == 0)
		return xstrdup(path);
	return xasprintf("%s/%s", dir, path);
}

/* A context path made canonical ("./a//b/" -> "a/b", "." -> ""); NULL when
 * it is absolute or climbs with "..", which would leave the repo folder. */
static char *
context_path_clean(const char *path)
{
	struct buf b = BUF_INIT;
	const char *p = path;
	size_t n;

	if (path[0] == '/')
		return NULL;
	while (*p) {
		n = strcspn(p, "/");
		if (n == 2 && strncmp(p, "..", 2) == 0) {
			buf_release(&b);
			return NULL;
		}
		if (n && !(n == 1 && *p == '.')) {
			if (b.len)
				buf_putc(&b, '/');
			buf_add(&b, p, n);
		}
		p += n;
		p += strspn(p, "/");
	}
	return buf_detach(&b, NULL);
}

static int
spec_contexts(struct spec *s, const char *file, const char *dir, json_t *arr)
{
	json_t *c, *name, *path, *stamp;
	size_t i;
	char *st;

	if (!json_is_array(arr))
		return error("%s: 'contexts' must be an array", file);
	s->ctx = xcalloc(json_array_size(arr) + 1, sizeof(*s->ctx));
	json_array_foreach(arr, i, c) {
		name = json_object_get(c, "name");
		path = json_object_get(c, "path");
		stamp = json_object_get(c, "stamp");
		if (!json_is_string(name) || !json_is_string(path) || (stamp && !json_is_string(stamp)))
			return error("%s: context %zu needs string 'name' and 'path'", file, i + 1);
		s->ctx[i].name = xstrdup(json_string_value(name));
		s->nctx = i + 1;
		s->ctx[i].path = context_path_clean(json_string_value(path));
		if (!s->ctx[i].path)
			return error("context '%s' in '%s': path '%s' leads outside the repository",
				     s->ctx[i].name, s->shown, json_string_value(path));
		st = stamp ? xstrdup(json_string_value(stamp)) : layout_path(NULL, LAYOUT_CTX_TREE, s->ctx[i].name);
		s->ctx[i].stamp = path_from(dir, st);
		free(st);
	}
	return 0;
}

int
spec_load(const char *file, struct spec *s)
{
	json_t *root, *repo, *ref;
	char *dir, *slash;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	root = json_load_path(file, 0); /* new */
	if (!root)
		return -1;
	dir = xstrdup(file);
	slash = strrchr(dir, '/');
	if (slash)
		slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
	else
		strcpy(dir, ".");
	repo = json_object_get(root, "repo"); /* borrowed */
	ref = json_object_get(root, "ref");
	if (json_integer_value(json_object_get(root, "schema")) != 1) {
		error("%s: unsupported schema (want 1)", file);
		goto out;
	}
	if (!json_is_string(repo) || !*json_string_value(repo) ||
	    (ref && !json_is_null(ref) && !json_is_string(ref))) {
		error("%s: 'repo' must be a string and 'ref' a string or null", file);
		goto out;
	}
	s->remote = url_is_remote(json_string_value(repo));
	s->repo = s->remote ? xstrdup(json_string_value(repo)) : path_from(dir, json_string_value(repo));
	if (s->remote && json_is_string(json_object_get(root, "credentials_from")))
		s->matrix = path_from(dir, json_string_value(json_object_get(root, "credentials_from")));
	s->shown = repo_redact(s->repo);
	s->ref = json_is_string(ref) && *json_string_value(ref) ? xstrdup(json_string_value(ref)) : NULL;
	s->at = s->ref ? xasprintf("'%s'", s->ref) : xstrdup(s->remote ? "HEAD" : "the work tree");
	s->commit_stamp = path_from(dir, LAYOUT_REPO_COMMIT);
	if (s->remote && !url_scheme_known(s->repo)) {
		error("repository '%s': unsupported URL scheme (use file://, git://, http://, https:// or ssh://)",
		      s->shown);
		goto out;
	}
	rc = spec_contexts(s, file, dir, json_object_get(root, "contexts"));
out:
	free(dir);
	json_decref(root);
	return rc;
}

int
spec_credentials(struct spec *s)
{
	struct matrix *m;
	char *a, *b;
	int rc = -1;

	if (!(m = matrix_load(s->matrix))) {
		return error("repository '%s': its credentials come from the matrix '%s', which "
			     "cannot be read: run jockey gen again", s->shown, s->matrix);
	}
	a = m->repo ? url_bare(m->repo) : NULL;
	b = url_bare(s->repo);
	if (!a || strcmp(a, b) != 0) {
		error("repository '%s': the matrix '%s' names another one now: run jockey gen again",
		      s->shown, s->matrix);
	} else {
		memset(s->repo, 0, strlen(s->repo));
		free(s->repo);
		s->repo = xstrdup(m->repo);
		rc = 0;
	}
	free(a);
	free(b);
	matrix_free(m);
	return rc;
}
