/* drive.c: ninja over a results folder (see drive.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/drive.h"

static volatile sig_atomic_t child_pid;
static int out_fd = -1; /* drive_output: ninja's stdout for the next run */

void
drive_output(int fd)
{
	out_fd = fd;
}
static volatile sig_atomic_t interrupted;

static void
forward_signal(int sig)
{
	interrupted = sig;
	if (child_pid > 0)
		kill(child_pid, sig);
}

int
drive_run(char *const *argv)
{
	struct sigaction sa, old_int, old_term;
	int status;
	pid_t pid, w;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		if (out_fd >= 0 && (dup2(out_fd, STDOUT_FILENO) < 0 || close(out_fd) < 0))
			_exit(127);
		execvp(argv[0], argv);
		warn("cannot run '%s':", argv[0]);
		_exit(127);
	}
	if (out_fd >= 0) /* the reader sees the end when ninja exits */
		close(out_fd);
	out_fd = -1;
	if (pid < 0) {
		error("fork:");
		return -1;
	}
	child_pid = pid;
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	child_pid = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (w < 0)
		return error("waitpid:");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

pid_t
drive_pid(void)
{
	return child_pid;
}

int
drive_interrupted(void)
{
	return interrupted;
}

char *
drive_jobs_default(size_t nengines, int depth)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long j = (cpus > 0 ? cpus : 1) + 2, want = (long)nengines * (depth > 0 ? depth : 1) + 2;

	return xasprintf("%ld", want > j ? want : j);
}

void
drive_argv_all(struct drive_argv *a, const char *dir, const char *jobs)
{
	memset(a, 0, sizeof(*a));
	a->v[a->n++] = "ninja";
	a->v[a->n++] = "-C";
	a->v[a->n++] = (char *)dir;
	a->v[a->n++] = "-k";
	a->v[a->n++] = "0";
	if (jobs) {
		a->v[a->n++] = "-j";
		a->v[a->n++] = (char *)jobs;
	}
	a->v[a->n++] = "all";
}

int
drive_argv_cells(struct drive_argv *a, const char *dir, const char *jobs, const struct cell *cells,
		 size_t n, const char *keep, int *ntargets)
{
	struct buf sb = BUF_INIT;
	char *spath = xasprintf("%s/" LAYOUT_SELECT_NINJA, dir);
	size_t i;
	int r;

	*ntargets = 0;
	buf_puts(&sb, "# written by 'jockey run': the cells it was asked to run\n"
		      "include " LAYOUT_CELLS_NINJA "\nbuild jockey-selected: phony");
	for (i = 0; i < n; i++)
		if (keep[i]) {
			buf_printf(&sb, " cell$:%s", cells[i].id); /* slugs: nothing to escape */
			(*ntargets)++;
		}
	buf_putc(&sb, '\n');
	r = write_file_if_changed(spath, sb.data, sb.len);
	buf_release(&sb);
	free(spath);
	if (r < 0) {
		*ntargets = 0;
		return -1;
	}
	drive_argv_all(a, dir, jobs);
	a->n--; /* not "all" */
	a->v[a->n++] = "-f";
	a->v[a->n++] = LAYOUT_SELECT_NINJA;
	a->v[a->n++] = "jockey-selected";
	a->v[a->n] = NULL;
	return 0;
}

/* The status file: 'always' (which the fetch and probe edges depend on)
 * defined first as a phony of an old file, so that it does not look dirty,
 * then the manifest the run used. */
static int
status_write(const char *dir, const char *manifest)
{
	struct buf st = BUF_INIT;
	char *path = xasprintf("%s/" LAYOUT_STATUS_NINJA, dir);
	int r;

	buf_printf(&st, "# written by 'jockey run' to ask ninja what is still out of date\n"
			"build always: phony " LAYOUT_MATRIX_JSON "\n"
			"include %s\n", manifest);
	r = write_file_if_changed(path, st.data, st.len);
	buf_release(&st);
	free(path);
	return r < 0 ? -1 : 0;
}

/* The index of the cell whose id is s[0..len) (cells sorted by id), or -1. */
static long
cell_index(const struct cell *cells, size_t n, const char *s, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *id = cells[mid].id;
		int c = strncmp(id, s, len);

		if (c == 0 && id[len] != '\0')
			c = 1;
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* A line of 'ninja -n -v': when it runs the run or parse edge of a cell,
 * mark that cell. */
static void
pending_mark(const char *line, const struct cell *cells, size_t n, char *pending)
{
	const char *s = strstr(line, " run-cell cells/");
	long i;

	if (s)
		s += strlen(" run-cell cells/");
	else if ((s = strstr(line, " parse cells/")))
		s += strlen(" parse cells/");
	else
		return;
	if ((i = cell_index(cells, n, s, strcspn(s, "/"))) >= 0)
		pending[i] = 1;
}

void
drive_log_mark(const char *dir, struct drive_log *m)
{
	char *p = xasprintf("%s/.ninja_log", dir);
	struct stat st;

	memset(m, 0, sizeof(*m));
	if (stat(p, &st) == 0) {
		m->ok = 1;
		m->ino = st.st_ino;
		m->size = st.st_size;
	}
	free(p);
}

int
drive_log_ran(const char *dir, const struct drive_log *m, const struct cell *cells, size_t n, char *ran)
{
	char *p = xasprintf("%s/.ninja_log", dir), line[4096];
	struct stat st;
	FILE *f;
	int ret = -1;

	f = m->ok ? fopen(p, "r") : NULL;
	free(p);
	if (!f)
		return -1;
	/* ninja rewrites the log when it compacts it or changes its version:
	 * then this run's entries cannot be told from the others' */
	if (fstat(fileno(f), &st) < 0 || st.st_ino != m->ino || st.st_size < m->size ||
	    fseeko(f, m->size, SEEK_SET) < 0)
		goto out;
	/* start end mtime path hash: the outputs of the edges that ran */
	while (fgets(line, sizeof(line), f)) {
		char *path = line;
		size_t len;
		long i;
		int k;

		for (k = 0; k < 3 && path; k++)
			if ((path = strchr(path, '\t')))
				path++;
		if (!path || strncmp(path, "cells/", 6) != 0)
			continue;
		path += 6;
		len = strcspn(path, "/");
		/* a repetition's file (cells/ID/REP/...), not run.json */
		if (path[len] == '/' && path[len + 1] >= '0' && path[len + 1] <= '9' &&
		    (i = cell_index(cells, n, path, len)) >= 0)
			ran[i] = 1;
	}
	ret = ferror(f) ? -1 : 0;
out:
	fclose(f);
	return ret;
}

/* A plain dry run would count everything behind the fetch and probe edges,
 * which depend on the phony 'always' and so look dirty until they run and
 * restat; the status file makes only what is really out of date show. */
int
drive_pending(const char *dir, const struct drive_argv *a, const struct cell *cells, size_t n,
	      char *pending)
{
	struct buf cmd = BUF_INIT;
	const char *manifest = LAYOUT_BUILD_NINJA;
	char line[4096];
	FILE *p;
	size_t i;

	for (i = 1; a->v[i]; i++)
		if (strcmp(a->v[i], "-f") == 0 && a->v[i + 1])
			manifest = a->v[i + 1];
	if (status_write(dir, manifest) < 0)
		return -1;
	buf_puts(&cmd, "ninja -f " LAYOUT_STATUS_NINJA " -w dupbuild=warn -n -v");
	for (i = 1; a->v[i]; i++) {
		if (strcmp(a->v[i], "-f") == 0 && a->v[i + 1]) {
			i++; /* the status file includes it */
			continue;
		}
		buf_puts(&cmd, " '");
		buf_puts(&cmd, a->v[i]); /* paths and cell ids: no quotes in them */
		buf_puts(&cmd, "'");
	}
	fflush(NULL);
	buf_puts(&cmd, " 2>/dev/null");
	p = popen(cmd.data, "r");
	buf_release(&cmd);
	if (!p)
		return error("cannot run ninja:");
	while (fgets(line, sizeof(line), p))
		pending_mark(line, cells, n, pending);
	return pclose(p) == 0 ? 0 : -1;
}
