/* native_files.c: a native repetition's own files: an overlay over the
 * cached export, with upper and work folders of its own; see native.h.
 *
 * The overlay is mounted by the process itself, in its private mount
 * namespace (native.c), so no mount is ever left in the host's table, even
 * when jockey is killed: the kernel unmounts it with the last process of
 * that namespace. What a killed jockey leaves is its folder, which names its
 * PID, and the processes that outlived it (a benchmark's children: only the
 * process jockey started dies with it), which keep that namespace and its
 * overlay alive: the next native run kills those processes, whose root is in
 * a folder whose PID is gone, and removes the folder.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/native.h"
#include "runners/run/proc.h"

/* A path as an overlay option's value: ',' separates options, ':' lower
 * layers, and '\' escapes both (and itself). */
static void
opt_path(struct buf *b, const char *path)
{
	for (; *path; path++) {
		if (strchr(",:\\", *path))
			buf_putc(b, '\\');
		buf_putc(b, *path);
	}
}

/* Kill the processes whose root is in root (or below): 1 when there were. */
static int
kill_rooted(const char *root)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char link[300], target[4096];
	size_t len = strlen(root);
	ssize_t k;
	int any = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(link, sizeof(link), "/proc/%s/root", e->d_name);
		k = readlink(link, target, sizeof(target) - 1);
		if (k < (ssize_t)len)
			continue;
		target[k] = '\0';
		if (strncmp(target, root, len) == 0 && (target[len] == '\0' || target[len] == '/') &&
		    kill((pid_t)atol(e->d_name), SIGKILL) == 0)
			any = 1;
	}
	closedir(d);
	return any;
}

/* Remove the folders "PID.ROLE" of jockeys that are gone, once what still
 * runs in them is killed. */
static void
sweep(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char *end, *path, *root;
	long pid;
	int tries;

	if (!d)
		return;
	while ((e = readdir(d))) {
		pid = strtol(e->d_name, &end, 10);
		if (pid <= 0 || *end != '.' || pid == (long)getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		root = xasprintf("%s/root", path);
		for (tries = 0; tries < 100 && kill_rooted(root); tries++)
			nanosleep(&pause, NULL);
		rootfs_remove(path);
		free(root);
		free(path);
	}
	closedir(d);
}

int
native_files_make(struct proc *p, struct native *n)
{
	char *top = cache_dir("native"), *upper, *work;
	struct buf opts = BUF_INIT;
	int ret = 0;

	if (!top)
		return -1;
	if (mkdirs(top) < 0) {
		free(top);
		return -1;
	}
	sweep(top);
	n->dir = xasprintf("%s/%ld.%s", top, (long)getpid(), p->role);
	n->root = xasprintf("%s/root", n->dir);
	upper = xasprintf("%s/upper", n->dir);
	work = xasprintf("%s/work", n->dir);
	/* a folder of this PID is from an earlier run of a reused PID */
	rootfs_remove(n->dir);
	if (mkdir(n->dir, 0700) < 0 || mkdir(n->root, 0755) < 0 || mkdir(upper, 0755) < 0 ||
	    mkdir(work, 0700) < 0)
		ret = error("cannot make the native folder '%s':", n->dir);
	buf_puts(&opts, "lowerdir=");
	opt_path(&opts, n->lower);
	buf_puts(&opts, ",upperdir=");
	opt_path(&opts, upper);
	buf_puts(&opts, ",workdir=");
	opt_path(&opts, work);
	n->ovl_opts = buf_detach(&opts, NULL);
	free(upper);
	free(work);
	free(top);
	return ret;
}

void
native_files_remove(struct native *n)
{
	if (!n->dir)
		return;
	rootfs_remove(n->dir);
	free(n->dir);
	n->dir = NULL;
}
