/* rootfs.c: the image's files for a native run, exported once per image id
 * into a cache and extracted with libarchive (owners, modes, times and
 * extended attributes kept; never through a symlink or ".."); see native.h.
 * jockey-edge does not link it: it hands native cells to jockey. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/native.h"

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		warn("remove '%s':", path);
	return 0;
}

void
rootfs_remove(const char *path)
{
	nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static int
tar_write(const char *data, size_t len, void *arg)
{
	return fwrite(data, 1, len, arg) != len;
}

/* The image's files as a tar, through a container made (never started) for
 * the export and removed after it. */
static int
export_tar(struct run *r, const char *image_id, const char *tar)
{
	char *name = xasprintf("jockey-export-%ld", (long)getpid());
	char *q = engine_escape(r->e, name), *path = xasprintf("/containers/create?name=%s", q);
	json_t *body = json_pack("{s:s,s:[s],s:O?}", "Image", image_id, "Cmd", "jockey-export",
				 "Labels", r->rc.labels);
	const volatile sig_atomic_t *cancel;
	FILE *f = NULL;
	int ret;

	ret = engine_post_json(r->e, path, body, NULL);
	free(path);
	if (ret < 0) {
		ret = run_error(r, "create a container to export the image");
		goto out;
	}
	f = fopen(tar, "w");
	if (!f) {
		ret = error("open '%s':", tar);
		goto out;
	}
	path = xasprintf("/containers/%s/export", q);
	ret = engine_stream(r->e, "GET", path, NULL, 0, NULL, tar_write, f);
	free(path);
	if (ret < 0)
		ret = run_error(r, "export the image's files");
	if (fclose(f) != 0 && ret == 0)
		ret = error("write '%s':", tar);
out:
	/* Removed even after a signal, which cancels every other request. */
	cancel = r->e->cancel;
	r->e->cancel = NULL;
	r->e->timeout_ms = CLEANUP_MS;
	if (engine_container_remove(r->e, name) < 0)
		ret = error("run '%s': remove container '%s': %s", r->cell, name, engine_error(r->e));
	r->e->timeout_ms = 0;
	r->e->cancel = cancel;
	json_decref(body);
	free(q);
	free(name);
	return ret;
}

static int
copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int rc;

	while ((rc = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, len, off) < ARCHIVE_OK)
			return -1;
	return rc == ARCHIVE_EOF ? 0 : -1;
}

/* A header libarchive read with a warning that only says a name is not
 * valid in the locale's character set: it then keeps the name's bytes as
 * the archive has them, which is what the root file system must hold. */
static int
name_warning(struct archive *in)
{
	const char *msg = archive_error_string(in);

	return msg && strstr(msg, "can't be converted");
}

/* Extract tar into the current folder: owners, modes, times and extended
 * attributes as the image has them, never through a symlink or "..".
 * Names are bytes, whatever their encoding: libarchive reads a pax
 * header's names as UTF-8 and converts them to the locale's character
 * set, so the thread runs in C.UTF-8 (a valid UTF-8 name passes as it is)
 * and a name that is not UTF-8 (Latin-1, say) keeps its bytes. */
static int
extract_here(const char *tar, const char *image_id)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *ent;
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	locale_t old = utf8 ? uselocale(utf8) : (locale_t)0;
	int rc, ret = 0;

	archive_read_support_format_tar(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM |
				       ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
				       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (archive_read_open_filename(in, tar, 1 << 16) != ARCHIVE_OK) {
		ret = error("read '%s': %s", tar, archive_error_string(in));
		goto out;
	}
	while ((rc = archive_read_next_header(in, &ent)) == ARCHIVE_OK ||
	       (rc == ARCHIVE_WARN && name_warning(in))) {
		if (archive_write_header(out, ent) < ARCHIVE_OK ||
		    (archive_entry_size(ent) > 0 && copy_data(in, out) < 0) ||
		    archive_write_finish_entry(out) < ARCHIVE_OK) {
			ret = error("native: the files of image %.19s cannot be extracted: the native root "
				    "cannot hold '%s': %s (nothing of it is kept)", image_id,
				    archive_entry_pathname(ent), archive_error_string(out) ?
				    archive_error_string(out) : archive_error_string(in));
			goto out;
		}
	}
	if (rc != ARCHIVE_EOF)
		ret = error("native: image %.19s: read its export '%s': %s (nothing of it is kept)", image_id, tar,
			    archive_error_string(in));
out:
	archive_read_free(in);
	archive_write_free(out);
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	return ret;
}

/* Extract into dir, coming back to the current folder afterwards. */
static int
extract_into(const char *tar, const char *dir, const char *image_id)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (here < 0)
		return error("open '.':");
	if (chdir(dir) < 0) {
		close(here);
		return error("chdir '%s':", dir);
	}
	ret = extract_here(tar, image_id);
	if (fchdir(here) < 0)
		fatal("cannot return to the working folder:");
	close(here);
	return ret;
}

char *
rootfs_get(struct run *r, const char *image_id)
{
	const char *hex = strchr(image_id, ':') ? strchr(image_id, ':') + 1 : image_id;
	char *dir = cache_dir("rootfs"), *root, *tmp, *tar;
	int ok;

	if (!dir)
		return NULL;
	root = xasprintf("%s/%s", dir, hex);
	tmp = xasprintf("%s.tmp.%ld", root, (long)getpid());
	tar = xasprintf("%s.tar.tmp.%ld", root, (long)getpid());
	free(dir);
	if (path_exists(root))
		goto done;
	rootfs_remove(tmp);
	ok = mkdirs(tmp) == 0 && export_tar(r, image_id, tar) == 0 && extract_into(tar, tmp, image_id) == 0;
	unlink(tar);
	if (ok && rename(tmp, root) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		ok = error("rename '%s' to '%s':", tmp, root) == 0;
	/* Another run may have won the race: its copy is as good. */
	rootfs_remove(tmp);
	if (!ok) {
		free(root);
		root = NULL;
	}
done:
	free(tmp);
	free(tar);
	return root;
}
