/* native.c: a side run natively, as a process chrooted into its image's
 * files: native_ops (proc.h); see native.h.
 *
 * The child waits on a pipe until the parent has moved it into the cgroup
 * parent, so every CPU cycle of the benchmark is counted; a second pipe
 * (close-on-exec) carries the reason when it cannot exec. It prepares
 * nothing after fork but system calls: everything is built before.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/native.h"
#include "runners/run/proc.h"

extern char **environ;

/* What the child reports when it cannot exec. */
struct child_err {
	int err;
	char what[64];
};

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

/* mkdir -p of path's part after from, in place (the child's own copy):
 * system calls only. */
static void
mkdir_p(char *path, size_t from)
{
	char *s;

	for (s = path + from + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	mkdir(path, 0755);
}

/* A mount namespace of its own, with the repetition's files in it: the
 * overlay over the cached export, then /proc, /dev, /sys and the volumes
 * (their targets made in the overlay's upper folder when missing). */
static void
child_mounts(const struct native *n, int errfd)
{
	size_t i;

	if (unshare(CLONE_NEWNS) < 0)
		child_fail(errfd, "unshare the mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(errfd, "make the mounts private");
	if (mount("overlay", n->root, "overlay", 0, n->ovl_opts) < 0)
		child_fail(errfd, "mount the overlay of the image's files");
	for (i = 0; i < n->nmnt; i++) {
		int rc;

		mkdir_p(n->mnt_dst[i], strlen(n->root));
		rc = n->mnt_flags[i] < 0
			? mount("proc", n->mnt_dst[i], "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
			: mount(n->mnt_src[i], n->mnt_dst[i], NULL, (unsigned long)n->mnt_flags[i], NULL);
		if (rc < 0)
			child_fail(errfd, n->mnt_dst[i] + strlen(n->root));
	}
}

/* After fork: system calls only. A readiness command joins the mount
 * namespace of the process it checks, and so sees the same files; a
 * process that makes its own says so on mfd and waits for a second go. */
static _Noreturn void
child_run(const struct native *n, char **argv, int go, int errfd, int mfd, int out)
{
	char c;
	size_t i;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	if (read(go, &c, 1) != 1)
		_exit(127);
	if (n->mntns >= 0) {
		if (setns(n->mntns, CLONE_NEWNS) < 0)
			child_fail(errfd, "join the mount namespace");
	} else {
		child_mounts(n, errfd);
		if (mfd >= 0 && (write(mfd, "m", 1) != 1 || read(go, &c, 1) != 1))
			_exit(127);
	}
	if (chroot(n->root) < 0)
		child_fail(errfd, "chroot");
	if (chdir(n->workdir) < 0)
		child_fail(errfd, "chdir to the working folder");
	/* before setuid: raising a hard limit takes root */
	for (i = 0; i < n->nrlim; i++)
		if (setrlimit(n->rlim[i].resource, &n->rlim[i].lim) < 0)
			child_fail(errfd, n->rlim[i].what);
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

/* Let the child go. One that makes its mount namespace (mp >= 0) says when
 * it has, and waits for a second go while *mntns is opened: so jockey holds
 * the namespace from the start, and the overlay's unmount (which syncs the
 * upper file system) happens when jockey lets it go, after the process,
 * never in the process's own exit, which the measured time ends with. */
static void
child_go(int go, int mp, pid_t pid, int *mntns)
{
	char c, path[64];
	ssize_t k;

	if (write(go, "g", 1) != 1)
		warn("start the process:");
	if (mp >= 0) {
		do
			k = read(mp, &c, 1);
		while (k < 0 && errno == EINTR && !run_signal);
		if (k == 1) {
			snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", (long)pid);
			*mntns = open(path, O_RDONLY | O_CLOEXEC);
			if (write(go, "g", 1) != 1)
				warn("start the process:");
		}
		close(mp);
	}
	close(go);
}

/* Fork a chrooted argv with its output on out, in cg when not NULL, its
 * mount namespace into *mntns when not NULL (else it joins n->mntns):
 * OUTCOME_OK with *pid, or OUTCOME_FAILED when it could not exec (*failure
 * says why, fresh). */
static enum outcome
spawn(const struct native *n, char **argv, int out, const struct cgparent *cg, pid_t *pid,
      int *mntns, char **failure)
{
	int go[2], ep[2], mp[2] = { -1, -1 };
	struct child_err ce;
	ssize_t got;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0 || (mntns && pipe2(mp, O_CLOEXEC) < 0)) {
		error("pipe:");
		return OUTCOME_ERROR;
	}
	*pid = fork();
	if (*pid < 0) {
		error("fork:");
		return OUTCOME_ERROR;
	}
	if (*pid == 0) {
		close(go[1]);
		close(ep[0]);
		if (mntns)
			close(mp[0]);
		child_run(n, argv, go[0], ep[1], mp[1], out);
	}
	close(go[0]);
	close(ep[1]);
	if (mntns)
		close(mp[1]);
	setpgid(*pid, *pid);
	if (cg && cgparent_attach(cg, *pid) < 0) {
		close(go[1]);
		close(ep[0]);
		if (mntns)
			close(mp[0]);
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		*pid = 0;
		return OUTCOME_ERROR;
	}
	/* Go: the pipe closes on exec, or brings the reason it failed. */
	child_go(go[1], mp[0], *pid, mntns);
	do
		got = read(ep[0], &ce, sizeof(ce));
	while (got < 0 && errno == EINTR && !run_signal);
	close(ep[0]);
	if (got != (ssize_t)sizeof(ce))
		return OUTCOME_OK;
	waitpid(*pid, NULL, 0);
	*pid = 0;
	ce.what[sizeof(ce.what) - 1] = '\0';
	*failure = xasprintf("%s: %s", ce.what, strerror(ce.err));
	return OUTCOME_FAILED;
}

static enum outcome
native_start(struct run *r, struct proc *p)
{
	struct native *n = p->nat;
	char *failure = NULL;
	enum outcome f;

	/* Built now: a client's command has its ${server} filled in by now. */
	n->envp = native_env(json_object_get(n->config, "Env"), p->side->env, n->home);
	n->argv = native_argv(n->config, p->side->command);
	if (!n->argv[0]) {
		error("cell '%s': no command for the %s, and the image has none", r->cell, p->role);
		return OUTCOME_ERROR;
	}
	/* The log's buffered writes (none yet) must not be duplicated by fork. */
	fflush(p->log);
	f = spawn(n, n->argv, fileno(p->log), &p->cg, &n->pid, &n->mntns, &failure);
	if (f == OUTCOME_FAILED) {
		p->failure = strcmp(p->role, "main") == 0
			? xasprintf("cannot start natively: %s", failure)
			: xasprintf("cannot start the %s natively: %s", p->role, failure);
		free(failure);
	}
	if (f != OUTCOME_OK)
		return f;
	p->t0_ms = now_ms();
	p->started = run_rfc3339_now();
	n->pidfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
	if (n->pidfd < 0) {
		error("pidfd_open:");
		return OUTCOME_ERROR;
	}
	p->sampler = sampler_start(&p->cg, SAMPLE_MS, p->tsv_tmp);
	if (!p->sampler)
		return OUTCOME_ERROR;
	sampler_set_pid(p->sampler, n->pid);
	return OUTCOME_OK;
}

/* The process has exited (its pidfd is readable): take the final reading
 * while /proc/PID/io is still there, then reap it. */
static void
reap(struct proc *p)
{
	struct native *n = p->nat;
	int st = 0;

	if (p->sampler) {
		json_decref(p->summary);
		p->summary = sampler_stop(p->sampler);
		p->sampler = NULL;
	}
	while (waitpid(n->pid, &st, 0) < 0 && errno == EINTR)
		;
	n->exited = 1;
	p->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	/* as the engine's OOMKilled: the kernel killed a process of it */
	p->oom_killed = native_limits_oom_killed(p);
	free(p->finished);
	p->finished = run_rfc3339_now();
	if (n->pidfd >= 0)
		close(n->pidfd);
	n->pidfd = -1;
}

static enum proc_wait
native_wait(struct run *r, struct proc *p, long long deadline)
{
	struct native *n = p->nat;
	struct pollfd pfd;
	long long left;
	int k;

	while (!n->exited) {
		if (run_signal)
			return PROC_WAIT_ERROR;
		left = deadline ? deadline - now_ms() : 1000;
		if (left <= 0)
			return PROC_DEADLINE;
		pfd.fd = n->pidfd;
		pfd.events = POLLIN;
		k = poll(&pfd, 1, (int)(left < 1000 ? left : 1000));
		if (k < 0 && errno != EINTR) {
			error("poll:");
			return PROC_WAIT_ERROR;
		}
		if (k > 0)
			reap(p);
	}
	return PROC_EXITED;
}

static int
native_running(struct run *r, struct proc *p)
{
	struct native *n = p->nat;
	struct pollfd pfd = { n->pidfd, POLLIN, 0 };

	if (n->exited || n->pid <= 0)
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

/* Kill the process group and reap it, and anything left in the cgroup. */
static void
native_kill(struct run *r, struct proc *p)
{
	struct native *n = p->nat;

	if (n->pid > 0 && !n->exited) {
		kill(-n->pid, SIGKILL);
		reap(p);
	}
	if (p->have_cg)
		cg_kill_all(&p->cg);
}

/* Its exit code was taken when it was reaped. */
static int
native_exit_code(struct run *r, struct proc *p, int *code)
{
	*code = p->exit_code;
	return 0;
}

/* Its output is its log file. */
static int
native_output(struct run *r, struct proc *p, struct buf *b)
{
	char *data = NULL;
	size_t len = 0;

	fflush(p->log);
	if (read_file(p->log_tmp, &data, &len) < 0)
		return -1;
	buf_add(b, data, len);
	free(data);
	return 0;
}

/* Run argv chrooted as p's image, in p's mount namespace: its exit code
 * (127 when it could not exec or p never made its namespace, 124 at the
 * deadline), or -1. */
static int
native_exec(struct proc *p, json_t *argv, long long deadline)
{
	char **v, *failure = NULL;
	pid_t pid;
	int st = 0, out;
	enum outcome f;

	/* only in the files of p's repetition */
	if (p->nat->mntns < 0)
		return 127;
	v = native_argv(NULL, argv);
	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	f = spawn(p->nat, v, out, NULL, &pid, NULL, &failure);

	close(out);
	native_argv_free(v);
	free(failure);
	if (f != OUTCOME_OK)
		return f == OUTCOME_ERROR ? -1 : 127;
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

static int
native_ready_exec(struct run *r, struct proc *p, json_t *argv, long long deadline)
{
	return native_exec(p, argv, deadline) == 0;
}

/* SIGTERM, then SIGKILL after STOP_S; the log is the file it wrote. */
static int
native_stop(struct run *r, struct proc *p)
{
	struct native *n = p->nat;

	if (!n->exited && n->pid > 0) {
		kill(-n->pid, SIGTERM);
		if (native_wait(r, p, now_ms() + STOP_S * 1000) != PROC_EXITED)
			native_kill(r, p);
	}
	return 0;
}

/* In the cleanup, before the sampler stops: kill what is left of it. */
static void
native_halt(struct run *r, struct proc *p)
{
	if (p->nat && p->nat->pid > 0)
		native_kill(r, p);
}

/* In the cleanup, once nothing runs: let the mount namespace (and the
 * overlay in it) go, and remove the repetition's files. */
static void
native_remove(struct run *r, struct proc *p)
{
	struct native *n = p->nat;

	if (!n)
		return;
	if (n->mntns >= 0)
		close(n->mntns);
	n->mntns = -1;
	native_files_remove(n);
}

const struct proc_ops native_ops = {
	.prepare = native_prepare,
	.start = native_start,
	.wait = native_wait,
	.kill = native_kill,
	.running = native_running,
	.exit_code = native_exit_code,
	.output = native_output,
	.ready_exec = native_ready_exec,
	.stop = native_stop,
	.halt = native_halt,
	.remove = native_remove,
	.release = native_free,
};
