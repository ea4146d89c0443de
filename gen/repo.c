/* repo.c: the Dockerfile repository through libgit2: resolve a repo and ref to
 * a commit, stamp each build context's tree id, and tar a context from its
 * git tree (see repo.h for where the objects live). */
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <git2/sys/repository.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/buf.h"
#include "gen/matrix.h"
#include "gen/repo.h"
#include "base/util.h"

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
};

static const char cache_head_ref[] = "refs/jockey/HEAD";

static void
lib_init(void)
{
	static int done;

	if (!done) {
		git_libgit2_init();
		done = 1;
	}
}

/* ---- URLs and credentials ---------------------------------------------- */

static const char *const schemes[] = {
	"file://", "git://", "http://", "https://", "ssh://", "git+ssh://", "ssh+git://",
};

/* 1 when s is a URL (or git's scp-like user@host:path), 0 when a local path. */
static int
url_is_remote(const char *s)
{
	const char *colon = strchr(s, ':');

	if (strstr(s, "://"))
		return 1;
	/* As git reads it: a colon before any slash, after a host name. */
	return colon && colon != s && !memchr(s, '/', colon - s);
}

static int
url_scheme_known(const char *s)
{
	size_t i;

	if (!strstr(s, "://"))
		return 1;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(s, schemes[i], strlen(schemes[i])) == 0)
			return 1;
	return 0;
}

/* Find the userinfo of url (the part before '@' in its authority): its
 * offset and length, or -1 when there is none. */
static int
url_userinfo(const char *url, size_t *start, size_t *len)
{
	const char *sep = strstr(url, "://"), *auth, *end, *at = NULL, *p;

	if (sep) {
		auth = sep + 3;
		end = auth + strcspn(auth, "/?#");
	} else {
		auth = url; /* scp-like: user@host:path */
		end = strchr(url, ':');
		if (!end)
			return -1;
	}
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return -1;
	*start = auth - url;
	*len = at - auth;
	return 0;
}

static int
url_is_ssh(const char *url)
{
	return !strstr(url, "://") || strncmp(url, "ssh://", 6) == 0 ||
	       strncmp(url, "git+ssh://", 10) == 0 || strncmp(url, "ssh+git://", 10) == 0;
}

char *
repo_redact(const char *url)
{
	size_t start, len, keep = 0;
	const char *colon;
	struct buf b = BUF_INIT;

	if (!url_is_remote(url) || url_userinfo(url, &start, &len) < 0)
		return xstrdup(url);
	/* An ssh user name is no secret (git@host); anything else in the
	 * userinfo may be a token, and a password always is. */
	if (url_is_ssh(url)) {
		colon = memchr(url + start, ':', len);
		keep = colon ? (size_t)(colon - (url + start)) : len;
	}
	buf_add(&b, url, start + keep);
	if (keep < len)
		buf_puts(&b, keep ? ":***" : "***");
	buf_puts(&b, url + start + len);
	return buf_detach(&b, NULL);
}

/* url without any userinfo: what names the cache. */
static char *
url_bare(const char *url)
{
	size_t start, len;
	struct buf b = BUF_INIT;

	if (url_userinfo(url, &start, &len) < 0)
		return xstrdup(url);
	buf_add(&b, url, start);
	buf_puts(&b, url + start + len + 1);
	return buf_detach(&b, NULL);
}

char *
repo_stored(const char *url, int *secret)
{
	char *shown = repo_redact(url);

	*secret = strcmp(shown, url) != 0;
	return shown;
}

/* The fetch of a repo.json whose URL gen stored redacted: the URL with its
 * credentials from the matrix named in it, which must be the same URL. */
static int
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

static char *
percent_decode(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;
	unsigned int c;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2]) && sscanf(s + i + 1, "%2x", &c) == 1) {
			buf_putc(&b, (int)c);
			i += 2;
		} else {
			buf_putc(&b, s[i]);
		}
	}
	return buf_detach(&b, NULL);
}

/* The user name and password in url's userinfo, decoded; a lone user name
 * (https://TOKEN@host/...) comes with an empty password, as a token needs.
 * 0, or -1 when there is no userinfo (then nothing is allocated). */
static int
url_user_pass(const char *url, char **user, char **pass)
{
	size_t start, len;
	const char *info, *colon;

	if (url_userinfo(url, &start, &len) < 0 || !len)
		return -1;
	info = url + start;
	colon = memchr(info, ':', len);
	*user = percent_decode(info, colon ? (size_t)(colon - info) : len);
	*pass = colon ? percent_decode(colon + 1, info + len - colon - 1) : xstrdup("");
	return 0;
}

/* "scheme://host:port" of a URL with its userinfo removed: what a line of
 * ~/.git-credentials must match (git's default, credential.useHttpPath off). */
static char *
url_origin(const char *url)
{
	char *bare = url_bare(url), *sep = strstr(bare, "://"), *out;

	if (!sep) {
		free(bare);
		return NULL;
	}
	out = xstrndup(bare, (sep + 3 - bare) + strcspn(sep + 3, "/?#"));
	free(bare);
	return out;
}

static int
credentials_in_file(const char *path, const char *origin, char **user, char **pass)
{
	char *data, *line, *save = NULL, *o;
	size_t len;
	int found = -1;

	if (!path || !path_exists(path) || read_file(path, &data, &len) < 0)
		return -1;
	for (line = strtok_r(data, "\n", &save); line && found < 0; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		o = url_origin(line);
		if (o && strcmp(o, origin) == 0 && url_user_pass(line, user, pass) == 0)
			found = 0;
		free(o);
	}
	memset(data, 0, len); /* passwords do not linger in freed memory */
	free(data);
	return found;
}

/* Look url's host up in ~/.git-credentials, then in git's XDG file. */
static int
credentials_lookup(const char *url, char **user, char **pass)
{
	char *origin = url_origin(url), *path;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	int rc = -1;

	if (!origin)
		return -1;
	if (home && *home) {
		path = xasprintf("%s/.git-credentials", home);
		rc = credentials_in_file(path, origin, user, pass);
		free(path);
	}
	if (rc < 0) {
		if (xdg && *xdg)
			path = xasprintf("%s/git/credentials", xdg);
		else
			path = home && *home ? xasprintf("%s/.config/git/credentials", home) : NULL;
		rc = credentials_in_file(path, origin, user, pass);
		free(path);
	}
	free(origin);
	return rc;
}

/* The state of one fetch's credential callback: each source is offered
 * once, so a server that refuses them all ends the fetch instead of
 * asking forever. */
struct auth {
	const char *url;
	int tried_url, tried_file, tried_agent, tried_user;
	int offered; /* some credential was offered */
	int refused; /* we had nothing (more) to offer */
};

static int
auth_userpass(git_credential **out, struct auth *a)
{
	char *user = NULL, *pass = NULL;
	int rc = 1;

	if (!a->tried_url) {
		a->tried_url = 1;
		if (url_user_pass(a->url, &user, &pass) == 0)
			rc = git_credential_userpass_plaintext_new(out, user, pass);
	}
	if (rc == 1 && !a->tried_file) {
		a->tried_file = 1;
		if (credentials_lookup(a->url, &user, &pass) == 0)
			rc = git_credential_userpass_plaintext_new(out, user, pass);
	}
	if (pass)
		memset(pass, 0, strlen(pass));
	free(user);
	free(pass);
	return rc;
}

static int
auth_credentials(git_credential **out, const char *url, const char *user_from_url,
		 unsigned int allowed, void *payload)
{
	struct auth *a = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url : "git";
	int rc = 1;

	(void)url;
	if ((allowed & GIT_CREDENTIAL_USERNAME) && !a->tried_user) {
		a->tried_user = 1;
		rc = git_credential_username_new(out, user);
	} else if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !a->tried_agent) {
		a->tried_agent = 1;
		rc = git_credential_ssh_key_from_agent(out, user);
	} else if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		rc = auth_userpass(out, a);
	}
	if (rc == 0) {
		a->offered = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	a->refused = 1;
	git_error_set_str(GIT_ERROR_NET, "authentication refused");
	return GIT_EAUTH;
}

/* ---- messages ------------------------------------------------------------ */

/* Replace every occurrence of needle in s (in place in b). */
static void
replace_all(struct buf *b, const char *needle, const char *with)
{
	struct buf out = BUF_INIT;
	const char *p = b->data, *hit;
	size_t n = strlen(needle);

	if (!n)
		return;
	while ((hit = strstr(p, needle))) {
		buf_add(&out, p, hit - p);
		buf_puts(&out, with);
		p = hit + n;
	}
	buf_puts(&out, p);
	buf_release(b);
	*b = out;
}

/* libgit2's last message with s's credentials redacted, in a buffer that
 * the next call reuses. */
static const char *
git_msg(const struct spec *s)
{
	static struct buf b = BUF_INIT;
	const git_error *e = git_error_last();
	size_t start, len;
	char *user;

	buf_reset(&b);
	buf_puts(&b, e && e->message ? e->message : "unknown error");
	if (s && s->remote) {
		replace_all(&b, s->repo, s->shown);
		if (url_userinfo(s->repo, &start, &len) == 0) {
			user = xstrndup(s->repo + start, len);
			replace_all(&b, user, "***");
			free(user);
		}
	}
	return b.data;
}

static char *
short_id(const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	hex[7] = '\0';
	return xstrdup(hex);
}

/* ---- repo.json ------------------------------------------------------------ */

static void
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
		st = stamp ? xstrdup(json_string_value(stamp)) : xasprintf("stamps/ctx/%s.tree", s->ctx[i].name);
		s->ctx[i].stamp = path_from(dir, st);
		free(st);
	}
	return 0;
}

static int
spec_load(const char *file, struct spec *s)
{
	json_error_t jerr;
	json_t *root, *repo, *ref;
	char *dir, *slash;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	root = json_load_file(file, 0, &jerr); /* new */
	if (!root)
		return error("%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
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
	s->commit_stamp = path_from(dir, "stamps/repo.commit");
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

/* ---- the cache of remote repositories --------------------------------------- */

/* The cache folder of a URL, without ".git": ROOT/NAME-HASH, NAME the URL's
 * last path component (for people), HASH 16 hex digits of the git blob id
 * of the URL without its userinfo (so credentials change nothing). */
static char *
cache_path(const char *url)
{
	char *root = cache_dir("repos"), *bare, *name, *p, hex[GIT_OID_HEXSZ + 1], *out;
	const char *last;
	size_t n;
	git_oid id;

	if (!root)
		return NULL;
	bare = url_bare(url);
	git_odb_hash(&id, bare, strlen(bare), GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &id);
	hex[16] = '\0';
	n = strlen(bare);
	while (n && bare[n - 1] == '/')
		n--;
	bare[n] = '\0';
	last = strrchr(bare, '/');
	last = last ? last + 1 : bare;
	if (strchr(last, ':'))
		last = strrchr(last, ':') + 1;
	name = xstrdup(*last ? last : "repo");
	if ((p = strstr(name, ".git")) && p[4] == '\0')
		*p = '\0';
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			*p = '-';
	out = xasprintf("%s/%s-%s", root, name, hex);
	free(root);
	free(bare);
	free(name);
	return out;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Take the cache's lock: an fd to close, or -1 with a message. */
static int
cache_lock(const char *base)
{
	char *lock = xasprintf("%s.lock", base);
	int fd;

	if (mkdirs_parent(lock) < 0) {
		free(lock);
		return -1;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		error("cannot lock '%s':", lock);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(lock);
	return fd;
}

/* Open the cache at path, or create it (an empty bare repository that the
 * first fetch fills). *fresh says it was created. */
static int
cache_open(const struct spec *s, const char *path, int offline, git_repository **out, int *fresh)
{
	git_repository_init_options o;
	git_config *cfg = NULL;
	char *bare;
	int rc;

	*fresh = 0;
	if (path_exists(path)) {
		if (git_repository_open_bare(out, path) < 0)
			return error("cannot open the cache '%s' of '%s': %s", path, s->shown, git_msg(s));
		return 0;
	}
	if (offline)
		return error("offline: '%s' was never fetched, so there is no cached copy (run once without --offline)",
			     s->shown);
	warn("cloning '%s' into '%s'", s->shown, path);
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(out, path, &o) < 0)
		return error("cannot create the cache '%s' of '%s': %s", path, s->shown, git_msg(s));
	*fresh = 1;
	/* For people who look inside: where it came from, never credentials. */
	bare = url_bare(s->repo);
	rc = git_repository_config(&cfg, *out);
	if (rc == 0)
		rc = git_config_set_string(cfg, "remote.origin.url", bare);
	git_config_free(cfg);
	free(bare);
	if (rc < 0)
		return error("cannot configure the cache '%s': %s", path, git_msg(s));
	return 0;
}

/* Fetch every branch and tag of the remote into the cache (pruning the gone
 * ones) and record the remote's HEAD as refs/jockey/HEAD. */
static int
cache_fetch(const struct spec *s, git_repository *cache)
{
	char *specs[] = { "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*" };
	git_strarray refspecs = { specs, 2 };
	git_fetch_options opts;
	git_remote_create_options ro;
	struct auth auth = { 0 };
	git_remote *remote = NULL;
	const git_remote_head **heads;
	git_reference *ref = NULL;
	size_t n, i;
	int rc = -1;

	git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
	auth.url = s->repo;
	opts.callbacks.credentials = auth_credentials;
	opts.callbacks.payload = &auth;
	opts.prune = GIT_FETCH_PRUNE;
	opts.update_fetchhead = 0;
	opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	/* As git: http.proxy, then https_proxy / http_proxy, minus no_proxy. */
	opts.proxy_opts.type = GIT_PROXY_AUTO;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = cache;
	/* The URL is used as written: no url.*.insteadOf rewriting, whose
	 * config lookup leaks in libgit2 1.5 (git_regexp_match on no match)
	 * and fails the sanitizer builds. */
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(&remote, s->repo, &ro) < 0) {
		error("bad repository URL '%s': %s", s->shown, git_msg(s));
		goto out;
	}
	if (git_remote_fetch(remote, &refspecs, &opts, NULL) < 0) {
		if (auth.refused && auth.offered)
			error("authentication refused by '%s' (ref %s): the credentials were rejected", s->shown, s->at);
		else if (auth.refused)
			error("authentication refused by '%s' (ref %s): no credentials in the URL, "
			      "~/.git-credentials or the ssh agent", s->shown, s->at);
		else
			error("cannot fetch '%s' (ref %s): %s", s->shown, s->at, git_msg(s));
		goto out;
	}
	if (git_remote_ls(&heads, &n, remote) < 0) {
		error("cannot list the refs of '%s': %s", s->shown, git_msg(s));
		goto out;
	}
	for (i = 0; i < n; i++)
		if (strcmp(heads[i]->name, "HEAD") == 0)
			break;
	if (i == n) {
		rc = 0; /* an empty repository: ref null fails later, clearly */
		goto out;
	}
	if (git_reference_create(&ref, cache, cache_head_ref, &heads[i]->oid, 1, NULL) < 0) {
		error("cannot record the HEAD of '%s': %s", s->shown, git_msg(s));
		goto out;
	}
	rc = 0;
out:
	git_reference_free(ref);
	git_remote_free(remote);
	return rc;
}

/* ---- resolving a ref ------------------------------------------------------ */

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
		return error("'%s' has no commit yet: %s", s->shown, git_msg(s));
	if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC || rc == GIT_EPEEL)
		return error("unknown ref '%s' in '%s'%s", s->ref, s->shown, where);
	return error("cannot resolve ref '%s' in '%s': %s", s->ref, s->shown, git_msg(s));
}

/* Resolve a remote's ref in its cache, fetching first unless offline or
 * ref is a full commit id that the cache has. *lockfd keeps the cache
 * locked until the caller closes it. */
static int
remote_resolve(const struct spec *s, int offline, git_repository **repo, int *lockfd, git_oid *commit)
{
	char *base = cache_path(s->repo), *path = NULL, *sid;
	/* The cache's own HEAD means nothing: the remote's is refs/jockey/HEAD. */
	const char *rev = s->ref && strcmp(s->ref, "HEAD") != 0 ? s->ref : cache_head_ref;
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
				nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
			}
			goto out;
		}
	}
	if (ref_resolve_or_fail(s, *repo, rev, commit, offline ? " (offline: in the cache)" : "") < 0)
		goto out;
	if (offline) {
		sid = short_id(commit);
		warn("offline: using '%s' at %s (cached)", s->shown, sid);
		free(sid);
	}
	rc = 0;
out:
	free(base);
	free(path);
	return rc;
}

/* A context folder as a path from the top of the repository. */
static char *
repo_folder(const char *prefix, const char *path)
{
	if (*prefix && *path)
		return xasprintf("%s/%s", prefix, path);
	return xstrdup(*prefix ? prefix : path);
}

/* Open the repository holding the local folder s->repo; *prefix is that
 * folder relative to its work tree ("" at the top, or in a bare repo). */
static int
local_open(const struct spec *s, git_repository **repo, char **prefix)
{
	char *real = realpath(s->repo, NULL), *top = NULL;
	const char *wd;
	size_t n;
	int rc = -1;

	if (!real)
		return error("repository '%s':", s->shown);
	if (git_repository_open_ext(repo, real, 0, NULL) < 0) {
		error("'%s' is not in a git repository: %s", s->shown, git_msg(s));
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
		error("cannot read the work tree of '%s': %s", s->shown, git_msg(s));
	for (i = 0; i < paths.count; i++)
		free(paths.strings[i]);
	free(paths.strings);
	git_index_free(mem);
	return rc < 0 ? -1 : 0;
}

/* ---- context trees: check and tar ------------------------------------------ */

/* The tree id at path under root; GIT_ENOTFOUND when missing, 1 when path
 * is not a folder. */
static int
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

static ssize_t
tar_write(struct archive *a, void *data, const void *p, size_t n)
{
	(void)a;
	buf_add(data, p, n);
	return (ssize_t)n;
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
		      git_msg(w->spec));
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
			     w->spec->at, *dir ? dir : ".", git_msg(w->spec));
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && rc == 0; i++)
		rc = walk_entry(w, git_tree_entry_byindex(tree, i), dir);
	git_tree_free(tree);
	return rc;
}

/* Check a context's tree (a Dockerfile at its root, every symlink inside
 * it) and, when w->tar is set, write its entries there. */
static int
context_walk(struct walk *w, const git_oid *id)
{
	const git_tree_entry *df;
	int rc;

	if (git_tree_lookup(&w->root, w->repo, id) < 0)
		return error("context '%s' in '%s' at %s: tree not found: %s (run 'jockey fetch' again)", w->ctx,
			     w->spec->shown, w->spec->at, git_msg(w->spec));
	df = git_tree_entry_byname(w->root, "Dockerfile");
	if (df && git_tree_entry_type(df) == GIT_OBJECT_BLOB)
		rc = walk_tree(w, id, "");
	else
		rc = error("context '%s' in '%s' at %s has no Dockerfile", w->ctx, w->spec->shown, w->spec->at);
	git_tree_free(w->root);
	w->root = NULL;
	return rc;
}

/* ---- the fetch edge ------------------------------------------------------ */

static int
context_tree(const struct spec *s, git_repository *repo, const git_oid *root, const char *prefix,
	     const struct context *c, git_oid *out)
{
	char *path = repo_folder(prefix, c->path);
	struct walk w = { repo, NULL, NULL, c->name, s };
	int rc = subtree(repo, root, path, out);

	if (rc == GIT_ENOTFOUND)
		rc = error("context '%s': folder '%s' not found in '%s' at %s", c->name, c->path, s->shown, s->at);
	else if (rc == 1)
		rc = error("context '%s': '%s' in '%s' at %s is not a folder", c->name, c->path, s->shown, s->at);
	else if (rc < 0)
		rc = error("context '%s' in '%s' at %s: %s", c->name, s->shown, s->at, git_msg(s));
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

/* Resolve a local repository: the commit of ref (or HEAD) and, with ref
 * null in a work tree, the root tree of the work tree as it is. */
static int
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

	lib_init();
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
		error("cannot read commit of '%s' at %s: %s", s.shown, s.at, git_msg(&s));
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

/* ---- the build context tar ------------------------------------------------- */

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
		error("no cached copy of '%s' (run 'jockey fetch' first): %s", s->shown, git_msg(s));
	free(base);
	free(path);
	return rc < 0 ? -1 : 0;
}

int
repo_context_tar(const char *repo_json_path, const char *tree_id, struct buf *out)
{
	struct spec s;
	struct walk w = { NULL, NULL, NULL, NULL, &s };
	git_oid id;
	int rc = -1;

	lib_init();
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
