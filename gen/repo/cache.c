/* cache.c: the bare cache of a remote repository under jockey's cache
 * folder, locked while a fetch writes to it (see repo.h and internal.h). */
#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

const char repo_cache_head_ref[] = "refs/jockey/HEAD";

char *
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

int
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

int
cache_open(const struct spec *s, const char *path, int offline, git_repository **out, int *fresh)
{
	git_repository_init_options o;
	git_config *cfg = NULL;
	char *bare;
	int rc;

	*fresh = 0;
	if (path_exists(path)) {
		if (git_repository_open_bare(out, path) < 0)
			return error("cannot open the cache '%s' of '%s': %s", path, s->shown, repo_git_msg(s));
		return 0;
	}
	if (offline)
		return error("offline: '%s' was never fetched, so there is no cached copy (run once without --offline)",
			     s->shown);
	warn("cloning '%s' into '%s'", s->shown, path);
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	if (git_repository_init_ext(out, path, &o) < 0)
		return error("cannot create the cache '%s' of '%s': %s", path, s->shown, repo_git_msg(s));
	*fresh = 1;
	/* For people who look inside: where it came from, never credentials. */
	bare = url_bare(s->repo);
	rc = git_repository_config(&cfg, *out);
	if (rc == 0)
		rc = git_config_set_string(cfg, "remote.origin.url", bare);
	git_config_free(cfg);
	free(bare);
	if (rc < 0)
		return error("cannot configure the cache '%s': %s", path, repo_git_msg(s));
	return 0;
}

/* A server that accepts and then says nothing would hold a fetch forever:
 * libgit2 1.5 has no timeout of its own. An alarm, re-armed whenever data
 * comes, interrupts its blocking read or connect (the handler is installed
 * without SA_RESTART), which then fails; JOCKEY_GIT_TIMEOUT sets the
 * seconds of silence allowed (default 60). */
static volatile sig_atomic_t fetch_timed_out;
static unsigned fetch_idle_s;

static void
fetch_alarm(int sig)
{
	(void)sig;
	fetch_timed_out = 1;
}

static int
fetch_progress(const git_indexer_progress *stats, void *payload)
{
	(void)stats;
	(void)payload;
	alarm(fetch_idle_s);
	return fetch_timed_out ? -1 : 0;
}

static int
fetch_sideband(const char *str, int len, void *payload)
{
	(void)str;
	(void)len;
	(void)payload;
	alarm(fetch_idle_s);
	return fetch_timed_out ? -1 : 0;
}

/* git_remote_fetch under the idle alarm; its result. */
static int
fetch_watched(git_remote *remote, git_strarray *refspecs, git_fetch_options *opts)
{
	const char *env = getenv("JOCKEY_GIT_TIMEOUT");
	struct sigaction sa, old;
	long secs = env && *env ? strtol(env, NULL, 10) : 60;
	int rc;

	fetch_idle_s = secs > 0 ? (unsigned)secs : 60;
	fetch_timed_out = 0;
	opts->callbacks.transfer_progress = fetch_progress;
	opts->callbacks.sideband_progress = fetch_sideband;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fetch_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(fetch_idle_s);
	rc = git_remote_fetch(remote, refspecs, opts, NULL);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

int
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
		error("bad repository URL '%s': %s", s->shown, repo_git_msg(s));
		goto out;
	}
	if (fetch_watched(remote, &refspecs, &opts) < 0) {
		if (fetch_timed_out)
			error("cannot fetch '%s' (ref %s): the server did not answer for %us "
			      "(JOCKEY_GIT_TIMEOUT)", s->shown, s->at, fetch_idle_s);
		else if (auth.refused && auth.offered)
			error("authentication refused by '%s' (ref %s): the credentials were rejected", s->shown, s->at);
		else if (auth.refused)
			error("authentication refused by '%s' (ref %s): no credentials in the URL, "
			      "~/.git-credentials or the ssh agent", s->shown, s->at);
		else
			error("cannot fetch '%s' (ref %s): %s", s->shown, s->at, repo_git_msg(s));
		goto out;
	}
	if (git_remote_ls(&heads, &n, remote) < 0) {
		error("cannot list the refs of '%s': %s", s->shown, repo_git_msg(s));
		goto out;
	}
	for (i = 0; i < n; i++)
		if (strcmp(heads[i]->name, "HEAD") == 0)
			break;
	if (i == n) {
		rc = 0; /* an empty repository: ref null fails later, clearly */
		goto out;
	}
	if (git_reference_create(&ref, cache, repo_cache_head_ref, &heads[i]->oid, 1, NULL) < 0) {
		error("cannot record the HEAD of '%s': %s", s->shown, repo_git_msg(s));
		goto out;
	}
	rc = 0;
out:
	git_reference_free(ref);
	git_remote_free(remote);
	return rc;
}

void
cache_remove(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
