/* perf.c: perf record around a repetition, perf script after; see perf.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "runners/run/perf.h"
#include "runners/run/run.h"

/* How long perf may take to turn its events on, and to write its data. */
#define START_MS 30000
#define STOP_MS 60000

/* Is there an executable perf in PATH? */
static int
perf_installed(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *p;
	int found = 0;

	if (!path)
		return 0;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		p = xasprintf("%s/perf", *dir ? dir : ".");
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

/* Read fds[0] (stdout) and fds[1] (stderr) to their end into out and err. */
static void
drain(int fds[2], struct buf *out, struct buf *err)
{
	struct pollfd pf[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
	char chunk[65536];
	int open = 2, i;
	ssize_t n;

	while (open > 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n > 0) {
				buf_add(i == 0 ? out : err, chunk, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open--;
			}
		}
	}
}

/* Run argv, its stdout into out and its stderr into err: its wait status,
 * or -1 when it could not run. */
static int
capture(char *const argv[], struct buf *out, struct buf *err)
{
	int po[2], pe[2], status;
	pid_t pid;

	if (pipe(po) < 0)
		return -1;
	if (pipe(pe) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	drain((int[2]){ po[0], pe[0] }, out, err);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The last non-empty line of s, fresh ("" when none). */
static char *
last_line(const char *s)
{
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
		end--;
	for (start = end; start > s && start[-1] != '\n'; start--)
		;
	return xstrndup(start, (size_t)(end - start));
}

static char *
failed_why(const char *what, int status, const char *err)
{
	char *line = last_line(err), *why;

	if (WIFEXITED(status))
		why = xasprintf("%s failed (exit code %d)%s%s", what, WEXITSTATUS(status),
				*line ? ": " : "", line);
	else
		why = xasprintf("%s failed (signal %d)%s%s", what, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
				*line ? ": " : "", line);
	free(line);
	return why;
}

static int
paranoid_check(char **why)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int level = 2;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 2;
		fclose(f);
	}
	if (level <= 0)
		return 0;
	*why = xasprintf("perf_event_paranoid is %d (a system-wide profile of a cgroup needs "
			 "<= 0, or root)", level);
	return 1;
}

int
perf_check(char **version, char **why)
{
	char *argv[] = { "perf", "version", NULL };
	struct buf out = BUF_INIT, err = BUF_INIT;
	int status;

	*version = *why = NULL;
	if (!perf_installed()) {
		*why = xstrdup("perf is not installed (no perf in PATH; Debian's package: linux-perf)");
		return 1;
	}
	if (geteuid() != 0 && paranoid_check(why))
		return 1;
	buf_puts(&out, "");
	buf_puts(&err, "");
	status = capture(argv, &out, &err);
	if (status != 0) {
		buf_puts(&err, out.data);
		*why = status < 0 ? xstrdup("perf failed: cannot run it") : failed_why("perf version", status, err.data);
	} else {
		*version = last_line(out.data);
	}
	buf_release(&out);
	buf_release(&err);
	return *why ? 1 : 0;
}

/* The mount point of the perf_event hierarchy (fresh), or NULL. */
static char *
perf_event_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096], *v2 = NULL, *v1 = NULL;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], fstype[64], opts[1024];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup2") == 0 && !v2)
			v2 = xstrdup(mnt);
		else if (strcmp(fstype, "cgroup") == 0 && strstr(opts, "perf_event") && !v1)
			v1 = xstrdup(mnt);
	}
	fclose(f);
	if (v1) {
		free(v2);
		return v1;
	}
	return v2;
}

/* Is the perf_event controller in the kernel and enabled (/proc/cgroups)? */
static int
perf_event_enabled(void)
{
	FILE *f = fopen("/proc/cgroups", "r");
	char line[256], name[64];
	int hier, num, enabled = 0;

	if (!f)
		return 1; /* a pure cgroup2 kernel may not have the file: v2 has it */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %d %d %d", name, &hier, &num, &enabled) == 4 &&
		    strcmp(name, "perf_event") == 0)
			break;
		else
			enabled = 0;
	fclose(f);
	return enabled;
}

char *
perf_cgroup_name(char *const *paths, size_t npaths, char **why)
{
	char *mnt = perf_event_mount(), *name = NULL;
	size_t i, len;

	*why = NULL;
	if (!mnt || !perf_event_enabled()) {
		*why = xstrdup("no perf_event cgroup controller (not in /proc/cgroups, or no v1 "
			       "hierarchy carries it and no cgroup2 is mounted)");
		free(mnt);
		return NULL;
	}
	len = strlen(mnt);
	for (i = 0; i < npaths && !name; i++)
		if (strncmp(paths[i], mnt, len) == 0 && paths[i][len] == '/')
			name = xstrdup(paths[i] + len + 1);
	if (!name)
		*why = xasprintf("the cell's cgroup parent is not in the perf_event hierarchy (%s)", mnt);
	free(mnt);
	return name;
}

/* Wait up to ms for pid: 1 when it exited (its status in *status), 0 when
 * it still runs. */
static int
wait_for(pid_t pid, int *status, long ms)
{
	long long end = now_ms() + ms;
	pid_t got;

	for (;;) {
		got = waitpid(pid, status, WNOHANG);
		if (got == pid || (got < 0 && errno != EINTR))
			return 1;
		if (now_ms() >= end)
			return 0;
		usleep(20000);
	}
}

/* Turn the events on and wait for perf's "ack": 0, or 1 with why. */
static int
perf_enable(struct perf *pf, char **why)
{
	long long end = now_ms() + START_MS;
	char ack[16];
	int status;

	if (write(pf->ctl_fd, "enable\n", 7) != 7) {
		*why = xasprintf("perf failed: cannot write to its control FIFO: %s", strerror(errno));
		return 1;
	}
	for (;;) {
		struct pollfd p = { pf->ack_fd, POLLIN, 0 };

		if (poll(&p, 1, 100) > 0 && read(pf->ack_fd, ack, sizeof(ack)) > 0)
			return 0;
		if (wait_for(pf->pid, &status, 0)) {
			char *err = NULL;

			pf->pid = 0;
			if (read_file(pf->err, &err, NULL) < 0)
				err = xstrdup("");
			*why = failed_why("perf record", status, err);
			free(err);
			return 1;
		}
		if (now_ms() >= end) {
			*why = xasprintf("perf failed: its events were not on after %d s", START_MS / 1000);
			return 1;
		}
	}
}

int
perf_start(struct perf *pf, const char *dir, const char *cgroup, int frequency, const char *cg,
	   char **why)
{
	char freq[16], *control;
	char *argv[24];
	int n = 0, fd;

	memset(pf, 0, sizeof(*pf));
	pf->ctl_fd = pf->ack_fd = -1;
	*why = NULL;
	pf->data = xasprintf("%s/perf.data", dir);
	pf->err = xasprintf("%s/perf.err", dir);
	pf->ctl = xasprintf("%s/perf.ctl", dir);
	pf->ack = xasprintf("%s/perf.ack", dir);
	unlink(pf->ctl);
	unlink(pf->ack);
	/* O_RDWR: opening a FIFO so never blocks, whether perf opened it or not */
	if (mkfifo(pf->ctl, 0600) < 0 || mkfifo(pf->ack, 0600) < 0 ||
	    (pf->ctl_fd = open(pf->ctl, O_RDWR | O_CLOEXEC)) < 0 ||
	    (pf->ack_fd = open(pf->ack, O_RDWR | O_CLOEXEC | O_NONBLOCK)) < 0) {
		*why = xasprintf("perf failed: cannot make its control FIFOs in %s: %s", dir, strerror(errno));
		return 1;
	}
	snprintf(freq, sizeof(freq), "%d", frequency);
	control = xasprintf("fifo:%s,%s", pf->ctl, pf->ack);
	argv[n++] = "perf"; argv[n++] = "record"; argv[n++] = "-q";
	argv[n++] = "-o"; argv[n++] = pf->data;
	argv[n++] = "-e"; argv[n++] = PERF_EVENT; argv[n++] = "-F"; argv[n++] = freq;
	if (strcmp(cg, "fp") == 0) {
		argv[n++] = "-g";
	} else if (strcmp(cg, "dwarf") == 0) {
		argv[n++] = "--call-graph"; argv[n++] = "dwarf";
	}
	/* -a with --cgroup: every CPU, only this cgroup's tasks; -B -N: no
	 * build ids from the host's files, which are not the image's */
	argv[n++] = "-a"; argv[n++] = "--cgroup"; argv[n++] = (char *)cgroup;
	argv[n++] = "-B"; argv[n++] = "-N";
	argv[n++] = "--control"; argv[n++] = control; argv[n++] = "-D"; argv[n++] = "-1";
	argv[n] = NULL;
	if ((pf->pid = fork()) < 0) {
		free(control);
		pf->pid = 0;
		*why = xasprintf("perf failed: fork: %s", strerror(errno));
		return 1;
	}
	if (pf->pid == 0) {
		fd = open(pf->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* its own process group: ninja's SIGINT reaches jockey, which stops
		 * it; and stopped too when jockey dies without stopping it */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGINT);
		execvp("perf", argv);
		fprintf(stderr, "cannot run perf: %s\n", strerror(errno));
		_exit(127);
	}
	free(control);
	return perf_enable(pf, why);
}

int
perf_stop(struct perf *pf, char **why)
{
	int status = 0;
	char *err = NULL;

	*why = NULL;
	if (pf->pid > 0) {
		kill(pf->pid, SIGINT);
		if (!wait_for(pf->pid, &status, STOP_MS)) {
			kill(pf->pid, SIGKILL);
			wait_for(pf->pid, &status, STOP_MS);
			*why = xasprintf("perf failed: perf record did not stop within %d s of SIGINT",
					 STOP_MS / 1000);
		} else if (!(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 130)) &&
			   !(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)) {
			if (read_file(pf->err, &err, NULL) < 0)
				err = xstrdup("");
			*why = failed_why("perf record", status, err);
			free(err);
		}
		pf->pid = 0;
	}
	return *why ? 1 : 0;
}

void
perf_release(struct perf *pf)
{
	if (pf->pid > 0) {
		int status;

		kill(pf->pid, SIGKILL);
		wait_for(pf->pid, &status, STOP_MS);
	}
	if (pf->ctl_fd >= 0)
		close(pf->ctl_fd);
	if (pf->ack_fd >= 0)
		close(pf->ack_fd);
	if (pf->ctl)
		unlink(pf->ctl);
	if (pf->ack)
		unlink(pf->ack);
	free(pf->data);
	free(pf->err);
	free(pf->ctl);
	free(pf->ack);
	memset(pf, 0, sizeof(*pf));
	pf->ctl_fd = pf->ack_fd = -1;
}

int
perf_script(const char *data, const char *symfs, struct buf *out, char **why)
{
	char *argv[12];
	struct buf err = BUF_INIT;
	int n = 0, status;

	*why = NULL;
	argv[n++] = "perf"; argv[n++] = "script"; argv[n++] = "-i"; argv[n++] = (char *)data;
	if (symfs) {
		/* the image's files; the kernel's symbols stay the host's own */
		argv[n++] = "--symfs";
		argv[n++] = (char *)symfs;
		argv[n++] = "--kallsyms";
		argv[n++] = "/proc/kallsyms";
	}
	argv[n++] = "-F"; argv[n++] = "comm,ip,sym,dso";
	argv[n] = NULL;
	buf_reset(out);
	buf_puts(out, "");
	buf_puts(&err, "");
	status = capture(argv, out, &err);
	if (status != 0)
		*why = status < 0 ? xstrdup("perf failed: cannot run perf script")
				  : failed_why("perf script", status, err.data);
	buf_release(&err);
	return *why ? 1 : 0;
}
