/* lock.c: one writer per results folder (see lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/lock.h"
#include "base/util.h"

/* This process's command line, its arguments joined by spaces, and "\n". */
static void
cmdline_put(struct buf *b)
{
	struct buf c = BUF_INIT;
	char chunk[4096];
	size_t n, i, end;
	FILE *f = fopen("/proc/self/cmdline", "r");

	if (f) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&c, chunk, n);
		fclose(f);
	}
	for (end = c.len; end > 0 && c.data[end - 1] == '\0'; end--)
		;
	for (i = 0; i < end; i++)
		buf_putc(b, c.data[i] ? c.data[i] : ' ');
	buf_putc(b, '\n');
	buf_release(&c);
}

/* Whether process pid is gone: no such process, or a zombie its parent
 * has not reaped yet. */
static int
pid_gone(long pid)
{
	char path[64], stat[256], *close_paren;
	FILE *f;
	size_t n;

	if (kill((pid_t)pid, 0) < 0)
		return errno == ESRCH;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return 1;
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	close_paren = strrchr(stat, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* What the lock file says about its holder: "pid PID (COMMAND)", fresh. A
 * holder that is gone left the lock to its children (ninja's edges, still
 * finishing their repetitions): say so. */
static char *
holder_text(int fd)
{
	char text[4096], *nl, *cmd;
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;

	if (n <= 0)
		return xstrdup("another process (it has not said which yet)");
	text[n] = '\0';
	nl = strchr(text, '\n');
	cmd = nl ? nl + 1 : "";
	if (nl)
		*nl = '\0';
	cmd[strcspn(cmd, "\n")] = '\0';
	pid = strtol(text, NULL, 10);
	if (pid > 0 && pid_gone(pid))
		return xasprintf("the steps still running under pid %s (%s), which is gone", text, cmd);
	return xasprintf("pid %s (%s)", text, cmd);
}

int
lock_dir(const char *dir)
{
	char *path = xasprintf("%s/" LOCK_FILE, dir), *who;
	struct buf b = BUF_INIT;
	int fd;

	if (mkdirs(dir) < 0) {
		free(path);
		return -1;
	}
	/* No O_CLOEXEC: ninja and the edges inherit the lock (see lock.h). */
	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		error("cannot open the lock '%s':", path);
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			who = holder_text(fd);
			error("results folder '%s' is in use by %s; wait for it to finish", dir, who);
			free(who);
		} else {
			error("cannot lock '%s':", path);
		}
		close(fd);
		free(path);
		return -1;
	}
	buf_printf(&b, "%ld\n", (long)getpid());
	cmdline_put(&b);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, b.data, b.len, 0) != (ssize_t)b.len)
		warn("cannot write the holder into '%s':", path);
	buf_release(&b);
	free(path);
	return fd;
}
