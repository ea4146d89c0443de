/* native_image.c: what a native process takes from its image: the root
 * file system (rootfs.c), the working folder, the user and group (looked up
 * in the image's own /etc/passwd and /etc/group), the environment, the
 * command and the mounts; see native.h. Everything is built
 * before the fork: the child makes system calls only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/native.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Field i (from 0) of a colon-separated line. */
static char *
field(const char *line, int i)
{
	for (; i > 0 && line; i--) {
		line = strchr(line, ':');
		if (line)
			line++;
	}
	return line ? xstrndup(line, strcspn(line, ":\n")) : NULL;
}

/* Look name (or a number) up in root's /etc/passwd or /etc/group: its id
 * (field 2), and for passwd its group (field 3) and home (field 5). */
static int
id_lookup(const char *root, const char *file, const char *name, long *id, long *gid, char **home)
{
	char *path = xasprintf("%s/etc/%s", root, file), *data = NULL, *line, *f;
	int found = -1;

	if (path_exists(path) && read_file(path, &data, NULL) == 0) {
		for (line = data; line && *line && found < 0; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
			char *n = field(line, 0);

			f = field(line, 2);
			if (n && f && (strcmp(n, name) == 0 || strcmp(f, name) == 0)) {
				found = 0;
				*id = atol(f);
				if (gid) {
					char *g = field(line, 3), *h = field(line, 5);

					*gid = g ? atol(g) : *id;
					if (home)
						*home = h ? h : xstrdup("/");
					else
						free(h);
					free(g);
				}
			}
			free(n);
			free(f);
		}
	}
	free(data);
	free(path);
	return found;
}

static int
all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* The image's User ("", "name", "uid", "name:group", "uid:gid"). */
static int
user_resolve(struct native *n, const char *user, char **home)
{
	/* "0" for no user: the copy of "" had no room to become it */
	char *u = xstrdup(user && *user ? user : "0"), *g = strchr(u, ':');
	long uid = 0, gid = 0;
	int ret = 0;

	if (g)
		*g++ = '\0';
	if (!*u)
		strcpy(u, "0"); /* ":group": the ':' left room */
	if (id_lookup(n->lower, "passwd", u, &uid, &gid, home) < 0) {
		if (!all_digits(u))
			ret = error("user '%s' is not in the image's /etc/passwd", u);
		uid = gid = atol(u);
	}
	if (g && *g && id_lookup(n->lower, "group", g, &gid, NULL, NULL) < 0) {
		if (!all_digits(g))
			ret = error("group '%s' is not in the image's /etc/group", g);
		gid = atol(g);
	}
	n->uid = (uid_t)uid;
	n->gid = (gid_t)gid;
	free(u);
	return ret;
}

static void
strv_push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

char **
native_env(json_t *image_env, json_t *side_env, const char *home)
{
	char **v = NULL;
	size_t n = 0, i;
	json_t *e;
	const char *k;
	int path = 0, has_home = 0;

	strv_push(&v, &n, NULL);
	n = 0;
	json_array_foreach(image_env, i, e) {
		const char *s = json_string_value(e), *eq = s ? strchr(s, '=') : NULL;

		if (eq) {
			char *key = xstrndup(s, (size_t)(eq - s));
			int over = json_object_get(side_env, key) != NULL;

			free(key);
			if (!over)
				strv_push(&v, &n, xstrdup(s));
		}
	}
	json_object_foreach(side_env, k, e)
		strv_push(&v, &n, xasprintf("%s=%s", k, json_string_value(e) ? json_string_value(e) : ""));
	for (i = 0; i < n; i++) {
		path |= strncmp(v[i], "PATH=", 5) == 0;
		has_home |= strncmp(v[i], "HOME=", 5) == 0;
	}
	if (!path)
		strv_push(&v, &n, xstrdup("PATH=" DEFAULT_PATH));
	if (!has_home)
		strv_push(&v, &n, xasprintf("HOME=%s", home ? home : "/"));
	return v;
}

char **
native_argv(json_t *config, json_t *command)
{
	char **v = NULL;
	size_t n = 0, i;
	json_t *a, *cmd = json_array_size(command) ? command : json_object_get(config, "Cmd");

	strv_push(&v, &n, NULL);
	n = 0;
	json_array_foreach(json_object_get(config, "Entrypoint"), i, a)
		strv_push(&v, &n, xstrdup(json_string_value(a) ? json_string_value(a) : ""));
	json_array_foreach(cmd, i, a)
		strv_push(&v, &n, xstrdup(json_string_value(a) ? json_string_value(a) : ""));
	return v;
}

static void
mount_add(struct native *n, const char *src, const char *dst, int flags)
{
	n->mnt_src = xreallocarray(n->mnt_src, n->nmnt + 1, sizeof(*n->mnt_src));
	n->mnt_dst = xreallocarray(n->mnt_dst, n->nmnt + 1, sizeof(*n->mnt_dst));
	n->mnt_flags = xreallocarray(n->mnt_flags, n->nmnt + 1, sizeof(*n->mnt_flags));
	n->mnt_src[n->nmnt] = xstrdup(src);
	n->mnt_dst[n->nmnt] = xasprintf("%s%s", n->root, dst);
	n->mnt_flags[n->nmnt] = flags;
	n->nmnt++;
}

/* /proc, /dev, /sys and the host config's path volumes, mounted in the
 * overlay by the process, which makes their targets there (native.c). */
static int
mounts_build(struct run *r, struct native *n)
{
	size_t i;

	mount_add(n, "proc", "/proc", -1);
	mount_add(n, "/dev", "/dev", MS_BIND | MS_REC);
	mount_add(n, "/sys", "/sys", MS_BIND | MS_REC);
	for (i = 0; i < r->rc.hc.nvolumes; i++) {
		const char *src = r->rc.hc.volumes[i].source, *dst = r->rc.hc.volumes[i].target;

		if (*src != '/')
			return error("cell '%s': a native run mounts host paths only, not the volume '%s'",
				     r->cell, src);
		mount_add(n, src, dst, MS_BIND | MS_REC);
	}
	return 0;
}

int
native_prepare(struct run *r, struct proc *p)
{
	struct native *n = xcalloc(1, sizeof(*n));
	json_t *img = NULL, *config;
	const char *wd;
	int f;

	p->nat = n;
	n->pidfd = n->mntns = -1;
	n->lower = rootfs_get(r, p->image_id);
	if (!n->lower || native_files_make(p, n) < 0)
		return -1;
	f = engine_image_inspect(r->e, p->image_id, &img);
	if (f != 0)
		return f < 0 ? run_error(r, "inspect the image") :
			error("run '%s': no image '%s'", r->cell, p->image_id);
	config = json_object_get(img, "Config");
	wd = json_string_value(json_object_get(config, "WorkingDir"));
	n->workdir = xstrdup(wd && *wd ? wd : "/");
	f = user_resolve(n, json_string_value(json_object_get(config, "User")), &n->home);
	n->config = json_incref(config);
	json_decref(img);
	if (f < 0 || mounts_build(r, n) < 0)
		return -1;
	return native_limits_apply(r, p, n);
}

void
native_free(struct proc *p)
{
	struct native *n = p->nat;
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nmnt; i++) {
		free(n->mnt_src[i]);
		free(n->mnt_dst[i]);
	}
	free(n->mnt_src);
	free(n->mnt_dst);
	free(n->mnt_flags);
	native_argv_free(n->argv);
	native_argv_free(n->envp);
	native_limits_free(n);
	json_decref(n->config);
	free(n->home);
	if (n->mntns >= 0)
		close(n->mntns);
	native_files_remove(n);
	free(n->ovl_opts);
	free(n->lower);
	free(n->root);
	free(n->workdir);
	free(n);
	p->nat = NULL;
}

void
native_argv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
