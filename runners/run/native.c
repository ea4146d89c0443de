/* native.c: a side run without a container, in the image's own files.
 *
 * The native baseline runs the same binaries and libraries as the container
 * does, without the container: jockey exports the image's root file system
 * once per image id into a cache ($XDG_CACHE_HOME/jockey/rootfs/HEX, else
 * ~/.cache/...; made atomically: extracted into a temporary folder, then
 * renamed), and runs the command chrooted into it, with the image's
 * environment, working folder and user, in a cgroup parent of its own for
 * the same metrics, with the same timeout and log handling.
 *
 * What it is not: a container. The process shares the host's PID, network,
 * IPC, UTS and user namespaces and gets no resource limits (the host
 * config's cpuset is applied as a CPU affinity, its path volumes as bind
 * mounts; memory, cpus, runtime, sysctls and ulimits are not). Its only
 * namespace is a private mount namespace, so that the /proc, /dev and /sys
 * it needs inside the chroot (and the volumes) never show up in the host's
 * mount table and vanish with the process. Writes go to the cached root file
 * system itself: a benchmark that writes files should remove them (fio's
 * --unlink=1).
 *
 * The child waits on a pipe until the parent has moved it into the cgroup
 * parent, so every CPU cycle of the benchmark is counted; a second pipe
 * (close-on-exec) carries the reason when it cannot exec. It prepares
 * nothing after fork but system calls: everything is built before.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "runners/run/run.h"
#include "base/util.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct native {
	char *root;            /* the cached root file system */
	char *workdir;         /* inside root */
	json_t *config;        /* the image's Config (owned) */
	char *home;            /* the user's home, from the image's /etc/passwd */
	char **argv;           /* NULL-terminated, owned; built when it starts */
	char **envp;           /* NULL-terminated, owned; built when it starts */
	uid_t uid;
	gid_t gid;
	cpu_set_t cpus;
	int have_cpus;
	char **mnt_src, **mnt_dst; /* bind mounts: host path, path under root */
	int *mnt_flags;
	size_t nmnt;
};

/* What the child reports when it cannot exec. */
struct child_err {
	int err;
	char what[64];
};

static void
strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void
native_free(struct native *n)
{
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
	strv_free(n->argv);
	strv_free(n->envp);
	json_decref(n->config);
	free(n->home);
	free(n->root);
	free(n->workdir);
	free(n);
}

/* ---- the root file system cache ---- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		warn("remove '%s':", path);
	return 0;
}

static void
rm_tree(const char *path)
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
				 "Labels", json_object_get(r->config, "labels"));
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

/* Extract tar into the current folder: owners, modes, times and extended
 * attributes as the image has them, never through a symlink or "..". */
static int
extract_here(const char *tar)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *ent;
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
	while ((rc = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		if (archive_write_header(out, ent) < ARCHIVE_OK ||
		    (archive_entry_size(ent) > 0 && copy_data(in, out) < 0) ||
		    archive_write_finish_entry(out) < ARCHIVE_OK) {
			ret = error("extract '%s': %s", archive_entry_pathname(ent),
				    archive_error_string(out) ? archive_error_string(out)
							       : archive_error_string(in));
			goto out;
		}
	}
	if (rc != ARCHIVE_EOF)
		ret = error("read '%s': %s", tar, archive_error_string(in));
out:
	archive_read_free(in);
	archive_write_free(out);
	return ret;
}

/* Extract into dir, coming back to the current folder afterwards. */
static int
extract_into(const char *tar, const char *dir)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret;

	if (here < 0)
		return error("open '.':");
	if (chdir(dir) < 0) {
		close(here);
		return error("chdir '%s':", dir);
	}
	ret = extract_here(tar);
	if (fchdir(here) < 0)
		fatal("cannot return to the working folder:");
	close(here);
	return ret;
}

/* The cached root file system of image_id (fresh path). */
static char *
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
	rm_tree(tmp);
	ok = mkdirs(tmp) == 0 && export_tar(r, image_id, tar) == 0 && extract_into(tar, tmp) == 0;
	unlink(tar);
	if (ok && rename(tmp, root) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		ok = error("rename '%s' to '%s':", tmp, root) == 0;
	/* Another run may have won the race: its copy is as good. */
	rm_tree(tmp);
	if (!ok) {
		free(root);
		root = NULL;
	}
done:
	free(tmp);
	free(tar);
	return root;
}

/* ---- what the process needs from the image ---- */

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
	char *u = xstrdup(user ? user : ""), *g = strchr(u, ':');
	long uid = 0, gid = 0;
	int ret = 0;

	if (g)
		*g++ = '\0';
	if (!*u)
		strcpy(u, "0");
	if (id_lookup(n->root, "passwd", u, &uid, &gid, home) < 0) {
		if (!all_digits(u))
			ret = error("user '%s' is not in the image's /etc/passwd", u);
		uid = gid = atol(u);
	}
	if (g && *g && id_lookup(n->root, "group", g, &gid, NULL, NULL) < 0) {
		if (!all_digits(g))
			ret = error("group '%s' is not in the image's /etc/group", g);
		gid = atol(g);
	}
	n->uid = (uid_t)uid;
	n->gid = (gid_t)gid;
	free(u);
	return ret;
}

/* "0-1,3" -> a CPU set. */
static int
cpus_parse(const char *s, cpu_set_t *set)
{
	char *end;
	long a, b;

	CPU_ZERO(set);
	while (*s) {
		a = strtol(s, &end, 10);
		if (end == s)
			return -1;
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (a < 0 || b < a || b >= CPU_SETSIZE)
			return -1;
		for (; a <= b; a++)
			CPU_SET((int)a, set);
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

static void
strv_push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* Image env, then the side's (winning by name), PATH and HOME when missing. */
static char **
env_build(json_t *image_env, json_t *side_env, const char *home)
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

/* Entrypoint + (the side's command, else the image's Cmd). */
static char **
argv_build(json_t *config, json_t *command)
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

/* /proc, /dev, /sys and the host config's path volumes. */
static int
mounts_build(struct run *r, struct native *n)
{
	json_t *vols = json_object_get(json_object_get(r->config, "hostconfig"), "volumes"), *v;
	size_t i;

	mount_add(n, "proc", "/proc", -1);
	mount_add(n, "/dev", "/dev", MS_BIND | MS_REC);
	mount_add(n, "/sys", "/sys", MS_BIND | MS_REC);
	json_array_foreach(vols, i, v) {
		const char *src = json_string_value(json_object_get(v, "source"));
		const char *dst = json_string_value(json_object_get(v, "target"));

		if (!src || !dst)
			continue;
		if (*src != '/')
			return error("cell '%s': a native run mounts host paths only, not the volume '%s'",
				     r->cell, src);
		mount_add(n, src, dst, MS_BIND | MS_REC);
	}
	for (i = 0; i < n->nmnt; i++)
		if (!path_exists(n->mnt_dst[i]) && mkdirs(n->mnt_dst[i]) < 0)
			return -1;
	return 0;
}

int
native_prepare(struct run *r, struct proc *p)
{
	struct native *n = xcalloc(1, sizeof(*n));
	json_t *img = NULL, *config;
	const char *wd, *cpuset;
	int f;

	p->nat = n;
	n->root = rootfs_get(r, p->image_id);
	if (!n->root)
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
	cpuset = json_string_value(json_object_get(json_object_get(r->config, "hostconfig"), "cpuset"));
	if (f == 0 && cpuset) {
		if (cpus_parse(cpuset, &n->cpus) < 0)
			return error("cell '%s': invalid cpuset '%s'", r->cell, cpuset);
		n->have_cpus = 1;
	}
	return f < 0 ? -1 : mounts_build(r, n);
}

/* ---- the process ---- */

static _Noreturn void
child_fail(int fd, const char *what)
{
	struct child_err ce;

	memset(&ce, 0, sizeof(ce));
	ce.err = errno;
	strncpy(ce.what, what, sizeof(ce.what) - 1);
	if (write(fd, &ce, sizeof(ce)) < 0)
		_exit(126);
	_exit(127);
}

/* After fork: system calls only. */
static _Noreturn void
child_run(const struct native *n, char **argv, int go, int errfd, int out)
{
	char c;
	size_t i;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	if (read(go, &c, 1) != 1)
		_exit(127);
	if (unshare(CLONE_NEWNS) < 0)
		child_fail(errfd, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(errfd, "make the mounts private");
	for (i = 0; i < n->nmnt; i++) {
		int rc = n->mnt_flags[i] < 0
			? mount("proc", n->mnt_dst[i], "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
			: mount(n->mnt_src[i], n->mnt_dst[i], NULL, (unsigned long)n->mnt_flags[i], NULL);

		if (rc < 0)
			child_fail(errfd, n->mnt_dst[i] + strlen(n->root));
	}
	if (chroot(n->root) < 0)
		child_fail(errfd, "chroot");
	if (chdir(n->workdir) < 0)
		child_fail(errfd, "chdir to the working folder");
	if (n->have_cpus && sched_setaffinity(0, sizeof(n->cpus), &n->cpus) < 0)
		child_fail(errfd, "set the cpuset");
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		child_fail(errfd, "redirect the output");
	if (setgroups(0, NULL) < 0 || setgid(n->gid) < 0 || setuid(n->uid) < 0)
		child_fail(errfd, "set the user");
	/* After setuid, which clears it: the benchmark dies with jockey. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	environ = n->envp;
	execvp(argv[0], argv);
	child_fail(errfd, argv[0]);
}

/* Fork a chrooted argv with its output on out, in cg when not NULL. 0 with
 * *pid, 1 when it could not exec (*reason, fresh), -1 error. */
static int
spawn(const struct native *n, char **argv, int out, const struct cgparent *cg, pid_t *pid,
      char **reason)
{
	int go[2], ep[2];
	struct child_err ce;
	ssize_t got;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0)
		return error("pipe:");
	*pid = fork();
	if (*pid < 0)
		return error("fork:");
	if (*pid == 0) {
		close(go[1]);
		close(ep[0]);
		child_run(n, argv, go[0], ep[1], out);
	}
	close(go[0]);
	close(ep[1]);
	setpgid(*pid, *pid);
	if (cg && cgparent_attach(cg, *pid) < 0) {
		close(go[1]);
		close(ep[0]);
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		*pid = 0;
		return -1;
	}
	/* Go: the pipe closes on exec, or brings the reason it failed. */
	if (write(go[1], "g", 1) != 1)
		warn("start the process:");
	close(go[1]);
	do
		got = read(ep[0], &ce, sizeof(ce));
	while (got < 0 && errno == EINTR && !run_signal);
	close(ep[0]);
	if (got != (ssize_t)sizeof(ce))
		return 0;
	waitpid(*pid, NULL, 0);
	*pid = 0;
	ce.what[sizeof(ce.what) - 1] = '\0';
	*reason = xasprintf("%s: %s", ce.what, strerror(ce.err));
	return 1;
}

static char *
rfc3339_now(void)
{
	struct timespec ts;
	struct tm tm;
	char s[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", s, ts.tv_nsec);
}

int
native_start(struct run *r, struct proc *p)
{
	char *reason = NULL;
	int f;

	struct native *n = p->nat;

	/* Built now: a client's command has its ${server} filled in by now. */
	n->envp = env_build(json_object_get(n->config, "Env"), json_object_get(p->side, "env"), n->home);
	n->argv = argv_build(n->config, json_object_get(p->side, "command"));
	if (!n->argv[0])
		return error("cell '%s': no command for the %s, and the image has none", r->cell, p->role);
	/* The log's buffered writes (none yet) must not be duplicated by fork. */
	fflush(p->log);
	f = spawn(p->nat, p->nat->argv, fileno(p->log), &p->cg, &p->pid, &reason);
	if (f == 1) {
		p->failure = strcmp(p->role, "main") == 0
			? xasprintf("cannot start natively: %s", reason)
			: xasprintf("cannot start the %s natively: %s", p->role, reason);
		free(reason);
	}
	if (f != 0)
		return f;
	p->t0_ms = now_ms();
	p->started = rfc3339_now();
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pidfd < 0)
		return error("pidfd_open:");
	p->sampler = sampler_start(&p->cg, SAMPLE_MS, p->tsv_tmp);
	if (!p->sampler)
		return -1;
	sampler_set_pid(p->sampler, p->pid);
	return 0;
}

/* The process has exited (its pidfd is readable): take the final reading
 * while /proc/PID/io is still there, then reap it. */
static void
reap(struct proc *p)
{
	int st = 0;

	if (p->sampler) {
		json_decref(p->summary);
		p->summary = sampler_stop(p->sampler);
		p->sampler = NULL;
	}
	while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
		;
	p->exited = 1;
	p->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	free(p->finished);
	p->finished = rfc3339_now();
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

int
native_wait(struct run *r, struct proc *p, long long deadline)
{
	struct pollfd pfd;
	long long left;
	int n;

	(void)r;
	while (!p->exited) {
		if (run_signal)
			return -1;
		left = deadline ? deadline - now_ms() : 1000;
		if (left <= 0)
			return 1;
		pfd.fd = p->pidfd;
		pfd.events = POLLIN;
		n = poll(&pfd, 1, (int)(left < 1000 ? left : 1000));
		if (n < 0 && errno != EINTR)
			return error("poll:");
		if (n > 0)
			reap(p);
	}
	return 0;
}

int
native_running(struct proc *p)
{
	struct pollfd pfd = { p->pidfd, POLLIN, 0 };

	if (p->exited || p->pid <= 0)
		return 0;
	if (poll(&pfd, 1, 0) > 0) {
		reap(p);
		return 0;
	}
	return 1;
}

/* Kill whatever is left in the cgroup parent: what the process started and
 * left behind, in another process group perhaps. */
static void
cg_kill_all(const struct cgparent *cg)
{
	char *path, *data = NULL, *s;
	int tries;

	if (!cg->npaths)
		return;
	path = xasprintf("%s/cgroup.procs", cg->pids_dir ? cg->pids_dir : cg->paths[0]);
	for (tries = 0; tries < 50; tries++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		int any = 0;

		free(data);
		data = NULL;
		if (!path_exists(path) || read_file(path, &data, NULL) < 0)
			break;
		for (s = data; *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s)) {
			long pid = atol(s);

			if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
				any = 1;
		}
		if (!any)
			break;
		nanosleep(&ts, NULL);
	}
	free(data);
	free(path);
}

void
native_kill(struct proc *p)
{
	if (p->pid > 0 && !p->exited) {
		kill(-p->pid, SIGKILL);
		reap(p);
	}
	if (p->have_cg)
		cg_kill_all(&p->cg);
}

int
native_exec(struct run *r, struct proc *p, json_t *argv, long long deadline)
{
	char **v = NULL, *reason = NULL;
	size_t n = 0, i;
	json_t *a;
	pid_t pid;
	int f, st = 0, out = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)r;
	strv_push(&v, &n, NULL);
	n = 0;
	json_array_foreach(argv, i, a)
		strv_push(&v, &n, xstrdup(json_string_value(a) ? json_string_value(a) : ""));
	f = spawn(p->nat, v, out, NULL, &pid, &reason);
	close(out);
	strv_free(v);
	free(reason);
	if (f != 0)
		return f < 0 ? -1 : 127;
	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (run_signal || now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return run_signal ? -1 : 124;
		}
		nanosleep(&ts, NULL);
	}
}
