/* t-repo.c: the Dockerfile repository: URL redaction, the fetch stamps and
 * the build context tar (entries, modes, symlinks, determinism, errors),
 * against repositories made with git in a temporary folder. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "gen/repo.h"
#include "tap.h"
#include "base/util.h"

static char dir[] = "/tmp/jockey-t-repo.XXXXXX";

static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void
write_json(const char *name, const char *repo, const char *ref, const char *ctx)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *json = xasprintf("{\"schema\":1,\"repo\":\"%s\",\"ref\":%s,\"contexts\":["
			       "{\"name\":\"%s\",\"path\":\"%s\",\"stamp\":\"stamps/ctx/%s.tree\"}]}",
			       repo, ref, ctx, ctx, ctx);

	write_file_atomic(path, json, strlen(json));
	free(json);
	free(path);
}

static char *
stamp(const char *ctx)
{
	char *path = xasprintf("%s/stamps/ctx/%s.tree", dir, ctx), *data = NULL;

	if (read_file(path, &data, NULL) == 0)
		data[strcspn(data, "\n")] = '\0';
	free(path);
	return data;
}

/* One line per entry of a tar: "path type perm size uid gid mtime [-> target]". */
static void
tar_list(const struct buf *tar, struct buf *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *type;

	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, tar->data, tar->len) != ARCHIVE_OK) {
		buf_puts(out, "unreadable\n");
		archive_read_free(a);
		return;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		switch (archive_entry_filetype(e)) {
		case AE_IFDIR: type = "dir"; break;
		case AE_IFLNK: type = "link"; break;
		case AE_IFREG: type = "file"; break;
		default: type = "other"; break;
		}
		buf_printf(out, "%s %s %04o %lld %lld %lld %lld", archive_entry_pathname(e), type,
			   (unsigned)archive_entry_perm(e), (long long)archive_entry_size(e),
			   (long long)archive_entry_uid(e), (long long)archive_entry_gid(e),
			   (long long)archive_entry_mtime(e));
		if (archive_entry_symlink(e))
			buf_printf(out, " -> %s", archive_entry_symlink(e));
		buf_putc(out, '\n');
	}
	archive_read_free(a);
}

static void
test_redact(void)
{
	static const char *const cases[][3] = {
		{ "https://user:s3cret@example.com/x.git", "https://***@example.com/x.git",
		  "a user and password are redacted" },
		{ "https://ghp_token@example.com/x.git", "https://***@example.com/x.git",
		  "a token as user name is redacted" },
		{ "ssh://git@example.com/x.git", "ssh://git@example.com/x.git", "an ssh user name stays" },
		{ "ssh://git:pw@example.com/x.git", "ssh://git:***@example.com/x.git", "an ssh password goes" },
		{ "git://127.0.0.1:9418/a@b", "git://127.0.0.1:9418/a@b", "an @ in the path is no userinfo" },
		{ "/srv/repo", "/srv/repo", "a local path is unchanged" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = repo_redact(cases[i][0]);

		is_str(r, cases[i][1], "%s", cases[i][2]);
		free(r);
	}
}

static void
make_repo(void)
{
	sh("set -e; cd %s; git init -q -b main src; cd src; git config user.name t; git config user.email t@t;"
	   "mkdir -p df/ok/sub df/nodf df/escape df/other;"
	   "printf 'FROM busybox\\nCOPY . /x\\n' > df/ok/Dockerfile;"
	   "printf '#!/bin/sh\\necho hi\\n' > df/ok/run.sh; chmod 755 df/ok/run.sh;"
	   "echo data > df/ok/sub/file; ln -s ../run.sh df/ok/sub/link; ln -s sub df/ok/dirlink;"
	   "echo x > df/nodf/README;"
	   "echo 'FROM busybox' > df/escape/Dockerfile; ln -s ../../outside df/escape/bad;"
	   "echo 'FROM busybox' > df/other/Dockerfile;"
	   "mkdir -p df/chain/sub df/loop df/good/sub;"
	   "echo 'FROM busybox' > df/chain/Dockerfile; ln -s .. df/chain/sub/up; ln -s sub/up/../x df/chain/evil;"
	   "echo 'FROM busybox' > df/loop/Dockerfile; ln -s l2 df/loop/l1; ln -s l1 df/loop/l2;"
	   "echo 'FROM busybox' > df/good/Dockerfile; echo f > df/good/sub/file; ln -s sub df/good/dirlink;"
	   "ln -s dirlink/file df/good/x; ln -s dirlink/../Dockerfile df/good/z; ln -s ../sub/file df/good/sub/self;"
	   "ln -s nowhere/../Dockerfile df/good/dangling; ln -s missing df/good/sub/dangling;"
	   "git add -A; git commit -qm one", dir);
}

static void
test_tar(void)
{
	struct buf tar = BUF_INIT, tar2 = BUF_INIT, list = BUF_INIT;
	char *json = xasprintf("%s/repo.json", dir), *src = xasprintf("%s/src/df", dir), *url;
	char *tree, *tree2;

	write_json("repo.json", src, "null", "ok");
	is_int(repo_fetch(json, 0), 0, "fetch of a local path succeeds");
	tree = stamp("ok");
	ok(tree && strlen(tree) == 40, "the context stamp holds a tree id");
	is_int(repo_context_tar(json, tree ? tree : "", &tar), 0, "the context tars");
	ok(tar.len > 0 && tar.len % 512 == 0, "the tar is whole 512-byte blocks");
	tar_list(&tar, &list);
	is_str(list.data,
	       "Dockerfile file 0644 23 0 0 0\n"
	       "dirlink link 0777 0 0 0 0 -> sub\n"
	       "run.sh file 0755 18 0 0 0\n"
	       "sub/ dir 0755 0 0 0 0\n"
	       "sub/file file 0644 5 0 0 0\n"
	       "sub/link link 0777 0 0 0 0 -> ../run.sh\n",
	       "entries: sorted, modes kept, symlinks kept, uid/gid/mtime 0");
	is_int(repo_context_tar(json, tree ? tree : "", &tar2), 0, "it tars again");
	ok(tar.len == tar2.len && memcmp(tar.data, tar2.data, tar.len) == 0, "the same tree gives the same bytes");

	/* The same tree through a file:// cache: the same bytes again. */
	url = xasprintf("file://%s/src", dir);
	write_json("remote.json", url, "\"main\"", "df/ok");
	free(json);
	json = xasprintf("%s/remote.json", dir);
	is_int(repo_fetch(json, 0), 0, "fetch of a file:// URL succeeds");
	tree2 = stamp("df/ok");
	is_str(tree2, tree, "the cache gives the same tree id");
	buf_reset(&tar2);
	is_int(repo_context_tar(json, tree2 ? tree2 : "", &tar2), 0, "the cached context tars");
	ok(tar.len == tar2.len && memcmp(tar.data, tar2.data, tar.len) == 0, "with the same bytes as the local one");
	free(tree2);
	free(url);

	/* A dirty work tree: its blobs are found for the tar. */
	sh("cd %s/src && echo edited > df/ok/sub/file && echo new > df/ok/added", dir);
	free(json);
	json = xasprintf("%s/repo.json", dir);
	is_int(repo_fetch(json, 0), 0, "fetch of a dirty work tree succeeds");
	tree2 = stamp("ok");
	ok(tree2 && tree && strcmp(tree, tree2) != 0, "the edit changes the stamp");
	buf_reset(&tar2);
	buf_reset(&list);
	is_int(repo_context_tar(json, tree2 ? tree2 : "", &tar2), 0, "the dirty context tars");
	tar_list(&tar2, &list);
	ok(strstr(list.data, "added file 0644 4 ") && strstr(list.data, "sub/file file 0644 7 "),
	   "with the uncommitted content");
	free(tree2);

	buf_release(&tar);
	buf_release(&tar2);
	buf_release(&list);
	free(tree);
	free(json);
	free(src);
}

/* The git tree id of the source repository's df/CTX on main (fresh), or
 * NULL. */
static char *
tree_id(const char *ctx)
{
	char *cmd = xasprintf("git -C %s/src rev-parse main:df/%s > %s/t.id", dir, ctx, dir);
	char *p = xasprintf("%s/t.id", dir), *tree = NULL;

	if (system(cmd) == 0 && read_file(p, &tree, NULL) == 0)
		tree[strcspn(tree, "\n")] = '\0';
	free(p);
	free(cmd);
	return tree;
}

static void
test_errors(void)
{
	struct buf tar = BUF_INIT;
	char *json = xasprintf("%s/bad.json", dir), *src = xasprintf("%s/src/df", dir);
	char *tree = NULL;

	write_json("bad.json", src, "\"main\"", "nodf");
	is_int(repo_fetch(json, 0), -1, "a context without a Dockerfile fails the fetch");
	tree = xasprintf("%s/stamps/ctx/nodf.tree", dir);
	ok(!path_exists(tree), "and writes no stamp");
	free(tree);
	tree = NULL;
	write_json("bad.json", src, "\"main\"", "escape");
	is_int(repo_fetch(json, 0), -1, "a symlink leading outside the context fails the fetch");
	write_json("bad.json", src, "\"main\"", "chain");
	is_int(repo_fetch(json, 0), -1, "a symlink leading outside through another symlink fails the fetch");
	write_json("bad.json", src, "\"main\"", "loop");
	is_int(repo_fetch(json, 0), -1, "a symlink loop fails the fetch");
	write_json("bad.json", src, "\"main\"", "good");
	is_int(repo_fetch(json, 0), 0, "symlinks through symlinks that stay inside are fine");
	write_json("bad.json", src, "\"main\"", "missing");
	is_int(repo_fetch(json, 0), -1, "a missing context folder fails the fetch");
	write_json("bad.json", src, "\"nosuchbranch\"", "ok");
	is_int(repo_fetch(json, 0), -1, "an unknown ref fails the fetch");
	write_json("bad.json", src, "\"main\"", "../..");
	is_int(repo_fetch(json, 0), -1, "a context path leading outside the repository fails");

	/* The tar refuses the same trees, given their ids directly. */
	write_json("bad.json", src, "\"main\"", "nodf");
	tree = tree_id("escape");
	is_int(repo_context_tar(json, tree ? tree : "x", &tar), -1, "the tar refuses an escaping symlink");
	free(tree);
	tree = tree_id("nodf");
	is_int(repo_context_tar(json, tree ? tree : "x", &tar), -1, "the tar refuses a context without Dockerfile");
	is_int(repo_context_tar(json, "0123456789012345678901234567890123456789", &tar), -1,
	       "an unknown tree id is an error");
	free(tree);
	buf_release(&tar);
	free(json);
	free(src);
}

int
main(void)
{
	char *cache;

	if (!mkdtemp(dir))
		return 1;
	cache = xasprintf("%s/cache", dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	test_redact();
	make_repo();
	test_tar();
	test_errors();
	sh("rm -rf %s", dir);
	free(cache);
	return tap_done();
}
