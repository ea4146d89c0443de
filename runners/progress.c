/* progress.c: the status line of a run and its closing table; see
 * progress.h. A thread of its own reads ninja's output and draws the line,
 * so ninja runs as before;
 * the files it counts are the ones classify.c reads afterwards: a
 * repetition's samples.json (done) or failed.json (failed) written since
 * ninja started. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/progress.h"
#include "runners/report/history.h"

#define NINJA_MARK "[jockey-ninja " /* NINJA_STATUS on a terminal: its lines are dropped */

struct pitem {
	const struct cell *c;
	int reps;          /* warmup + repeat */
	int due;           /* repetitions ninja will run */
	int done, failed;  /* of them, since ninja started */
	double rep_s;      /* expected seconds a repetition */
	int bound;         /* rep_s is the timeout: an upper bound */
};

struct progress {
	const char *dir;
	const struct drive_argv *a; /* ninja's command line, for its dry run */
	const struct cell *cells;
	size_t ncells;
	char *keep;        /* per cell: ninja is asked for it (owned) */
	int parallel;      /* the matrix's, per engine */
	struct pitem *v;   /* the cells ninja has work for, once asked */
	size_t n;
	int asked;         /* ninja showed work: its dry run was asked */
	struct drive_log log; /* .ninja_log before ninja started */
	int par;           /* cells at once */
	int tty;
	int interval;      /* seconds between lines (plain) */
	struct timespec t0;
	struct timespec last; /* the last line drawn */
	struct timespec quiet; /* the last probe or fetch ninja finished, or 0 */
	int fd;            /* ninja's output */
	pthread_t thread;
	int drawn;         /* a status line is on the terminal */
};

static double
since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 1 when the repetition's file f was written at or after t0. */
static int
written_since(const char *dir, const char *id, int rep, enum layout_rep_file f, const struct timespec *t0)
{
	char *p = layout_rep_path(dir, id, rep, f);
	struct stat st;
	int r = stat(p, &st) == 0 && (st.st_mtim.tv_sec > t0->tv_sec ||
				      (st.st_mtim.tv_sec == t0->tv_sec && st.st_mtim.tv_nsec >= t0->tv_nsec));

	free(p);
	return r;
}

/* Each cell's median elapsed_s in its last line of history.jsonl: an
 * object of cell id -> seconds (new). */
static json_t *
history_seconds(const char *dir)
{
	char *path = xasprintf("%s/" HISTORY_FILE, dir);
	json_t *hist = history_load(path), *out = json_object(), *line;
	size_t i;

	json_array_foreach(hist, i, line) {
		json_t *m = json_object_get(json_object_get(json_object_get(line, "metrics"), "elapsed_s"),
					    "median");
		const char *cell = json_string_value(json_object_get(line, "cell"));

		if (cell && json_is_number(m))
			json_object_set_new(out, cell, json_real(json_number_value(m)));
	}
	json_decref(hist);
	free(path);
	return out;
}

/* The repetitions ninja will run for cell c: the ones without samples, or
 * all of them when it has them all (then it is stale). */
static int
reps_due(const char *dir, const struct cell *c, int reps)
{
	int rep, missing = 0;

	for (rep = 1; rep <= reps; rep++) {
		char *p = layout_rep_path(dir, c->id, rep, LAYOUT_SAMPLES);

		missing += !path_exists(p);
		free(p);
	}
	return missing ? missing : reps;
}

static void
items_make(struct progress *p, const struct cell *cells, size_t n, const char *due)
{
	json_t *secs = history_seconds(p->dir);
	size_t i;

	p->v = xcalloc(n + 1, sizeof(*p->v));
	for (i = 0; i < n; i++) {
		struct pitem *it;
		json_t *s;

		if (!due[i])
			continue;
		it = &p->v[p->n++];
		it->c = &cells[i];
		it->reps = cells[i].bench->warmup + cells[i].repeat;
		it->due = reps_due(p->dir, &cells[i], it->reps);
		if ((s = json_object_get(secs, cells[i].id))) {
			it->rep_s = json_number_value(s);
		} else {
			it->rep_s = cells[i].bench->timeout_ms / 1000.0;
			it->bound = 1;
		}
	}
	json_decref(secs);
}

/* "1h02m", "4m05s", "12s". */
static void
put_duration(struct buf *b, double s)
{
	long t = s > 0 ? (long)(s + 0.5) : 0;

	if (t >= 3600)
		buf_printf(b, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		buf_printf(b, "%ldm%02lds", t / 60, t % 60);
	else
		buf_printf(b, "%lds", t);
}

/* Count what is done and write the status line into b. */
static void
status_line(struct progress *p, struct buf *b)
{
	double elapsed = since(&p->t0), left = 0, spent = 0, scale = 1;
	int cells = 0, reps = 0, reps_done = 0, failed = 0, bound = 0;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct pitem *it = &p->v[i];
		int rep;

		if (it->done + it->failed < it->due) /* a finished cell stays finished */
			for (rep = 1, it->done = it->failed = 0; rep <= it->reps; rep++) {
				if (written_since(p->dir, it->c->id, rep, LAYOUT_SAMPLES, &p->t0))
					it->done++;
				else if (written_since(p->dir, it->c->id, rep, LAYOUT_FAILED, &p->t0))
					it->failed++;
			}
		reps += it->due;
		reps_done += it->done + it->failed;
		failed += it->failed;
		cells += it->done + it->failed >= it->due;
		spent += (it->done + it->failed) * it->rep_s;
		if (it->done + it->failed < it->due) {
			left += (it->due - it->done - it->failed) * it->rep_s;
			bound |= it->bound;
		}
	}
	/* How long this run's repetitions take against the estimate (their
	 * start and removal, the parse: more than elapsed_s), trusted as far as
	 * the run has gone: one short repetition says little. */
	if (spent > 0 && !bound) {
		double raw = elapsed * p->par / spent;

		raw = raw < 0.5 ? 0.5 : raw > 3 ? 3 : raw;
		scale = 1 + (raw - 1) * spent / (spent + left);
	}
	buf_printf(b, "jockey: %d/%zu cells, %d/%d reps, %d failed, ", cells, p->n, reps_done, reps, failed);
	put_duration(b, elapsed);
	buf_puts(b, " elapsed");
	if (reps_done < reps) {
		buf_puts(b, bound ? ", ETA at most " : ", ETA ");
		put_duration(b, left / p->par * scale);
	}
}

/* Terminal: clear the line, then text (ninja's output, or nothing). */
static void
tty_clear(struct progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stdout);
	p->drawn = 0;
}

static void
draw(struct progress *p, int final)
{
	struct buf b = BUF_INIT;

	status_line(p, &b);
	if (p->tty) {
		tty_clear(p);
		fputs(b.data, stdout);
		p->drawn = !final;
		if (final)
			fputc('\n', stdout);
	} else {
		puts(b.data);
	}
	fflush(stdout);
	buf_release(&b);
}

/* Engines (host configs' engine, or the default) the cells use: each runs
 * its cells apart from the others'. */
static int
engines_of(const struct progress *p)
{
	size_t i, j;
	int k = 0;

	for (i = 0; i < p->n; i++) {
		const char *e = p->v[i].c->host->engine ? p->v[i].c->host->engine : "";

		for (j = 0; j < i; j++)
			if (strcmp(p->v[j].c->host->engine ? p->v[j].c->host->engine : "", e) == 0)
				break;
		k += j == i;
	}
	return k ? k : 1;
}

/* How often ninja is looked at after its last probe or fetch finished,
 * and how long it may go on without a step running before it is taken to
 * have work anyway (where the kernel does not list a process's children). */
#define LOOK_MS 50
#define QUIET_MS 2000

/* 1 when the process pid runs a step that is not a probe, the fetch or the
 * generator (its shell's command line: "'JOCKEY' probe ..."). */
static int
step_is_work(const char *pid)
{
	static const char *const quiet[] = { " probe ", " fetch ", " gen ", NULL };
	char path[64], cmd[4096];
	size_t n, i;
	FILE *f;
	int work = 1;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if (!(f = fopen(path, "r")))
		return 0; /* gone already */
	n = fread(cmd, 1, sizeof(cmd) - 1, f);
	fclose(f);
	for (i = 0; i < n; i++)
		cmd[i] = cmd[i] ? cmd[i] : ' ';
	cmd[n] = '\0';
	for (i = 0; work && quiet[i]; i++)
		work = strstr(cmd, quiet[i]) == NULL;
	return work;
}

/* 1 when ninja runs a step other than the probes, the fetch and the
 * generator now, 0 when not, -1 when the kernel does not list a process's
 * children. */
static int
ninja_busy(void)
{
	pid_t pid = drive_pid();
	char path[64], kid[32];
	FILE *f;
	int busy = 0;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (!busy && fscanf(f, "%31s", kid) == 1)
		busy = step_is_work(kid);
	fclose(f);
	return busy;
}

/* A line of ninja's that says it has work beyond the edges that run every
 * time (the probes and the fetch, which restat) and the generator: a step
 * that finished (ninja prints a step when it ends, its output is not a
 * terminal), or the output of one. 0 for one of those edges, -1 for none
 * (ninja's own lines). */
static int
line_is_work(const char *line, size_t len)
{
	static const char *const quiet[] = { "] PROBE ", "] FETCH", "] GEN build.ninja", NULL };
	char *l = xstrndup(line, len);
	int i, work = strncmp(l, "ninja: ", 7) != 0 && len > 1 ? 1 : -1;

	for (i = 0; work == 1 && quiet[i]; i++)
		if (strstr(l, quiet[i]))
			work = 0;
	free(l);
	return work;
}

/* ninja has work: ask its dry run which cells (the real run goes on
 * meanwhile; a no-op never asks), then show the first line. */
static void
activate(struct progress *p)
{
	char *due = xcalloc(p->ncells + 1, 1);
	size_t i;

	p->asked = 1;
	if (drive_pending(p->dir, p->a, p->cells, p->ncells, due) < 0)
		memcpy(due, p->keep, p->ncells);
	/* the dry run runs beside ninja: what ninja finished meanwhile is
	 * due all the same (at 100,000 cells the dry run takes seconds) */
	drive_log_ran(p->dir, &p->log, p->cells, p->ncells, due);
	for (i = 0; i < p->ncells; i++)
		due[i] = due[i] && p->keep[i];
	items_make(p, p->cells, p->ncells, due);
	free(due);
	if (!p->n)
		return;
	p->par = engines_of(p) * (p->parallel > 0 ? p->parallel : 1);
	draw(p, 0);
	clock_gettime(CLOCK_REALTIME, &p->last);
}

/* Copy ninja's output (on a terminal, above the status line and without
 * its own status lines); the first line of work starts the status line. */
static int
forward(struct progress *p, struct buf *pend)
{
	char chunk[4096], *nl;
	ssize_t r = read(p->fd, chunk, sizeof(chunk));

	if (r <= 0)
		return r < 0 && errno == EINTR ? 0 : -1;
	buf_add(pend, chunk, (size_t)r);
	while ((nl = memchr(pend->data, '\n', pend->len))) {
		size_t len = (size_t)(nl - pend->data) + 1;
		int work = p->asked ? -1 : line_is_work(pend->data, len - 1);

		if (work == 1)
			activate(p);
		else if (work == 0)
			clock_gettime(CLOCK_REALTIME, &p->quiet);
		if (!p->tty || strncmp(pend->data, NINJA_MARK, strlen(NINJA_MARK)) != 0) {
			tty_clear(p);
			fwrite(pend->data, 1, len, stdout);
			fflush(stdout);
		}
		memmove(pend->data, pend->data + len, pend->len - len + 1);
		pend->len -= len;
	}
	return 0;
}

static void *
progress_main(void *arg)
{
	struct progress *p = arg;
	struct buf pend = BUF_INIT;
	struct pollfd pfd = { p->fd, POLLIN, 0 };

	for (;;) {
		int wait = 1000, r;

		/* after the probes, a ninja that runs a step has work, even
		 * before the step ends (and is printed); a no-op only exits */
		if (!p->asked && p->quiet.tv_sec)
			wait = LOOK_MS;
		r = poll(&pfd, 1, wait);
		if (r > 0 && forward(p, &pend) < 0)
			break;
		if (r == 0 && !p->asked && p->quiet.tv_sec) {
			int busy = ninja_busy();

			if (busy == 1 || (busy < 0 && since(&p->quiet) * 1000 >= QUIET_MS))
				activate(p);
		}
		if (p->n && since(&p->last) >= (p->tty ? 1 : p->interval)) {
			draw(p, 0);
			clock_gettime(CLOCK_REALTIME, &p->last);
		}
	}
	if (pend.len) {
		tty_clear(p);
		fwrite(pend.data, 1, pend.len, stdout);
	}
	buf_release(&pend);
	return NULL;
}

struct progress *
progress_start(const char *dir, const struct drive_argv *a, const struct cell *cells, size_t n,
	       const char *keep, int parallel)
{
	struct progress *p;
	char *env = getenv("JOCKEY_PROGRESS_INTERVAL");
	int fds[2];

	if (pipe(fds) < 0) {
		warn("no status line: pipe:");
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->dir = dir;
	p->a = a;
	p->cells = cells;
	p->ncells = n;
	p->keep = xmalloc(n + 1);
	memcpy(p->keep, keep, n);
	p->parallel = parallel;
	p->fd = fds[0];
	drive_log_mark(dir, &p->log);
	p->tty = isatty(STDOUT_FILENO) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0;
	p->interval = env && atoi(env) > 0 ? atoi(env) : 10;
	drive_output(fds[1]);
	if (p->tty)
		setenv("NINJA_STATUS", NINJA_MARK "%f/%t] ", 1);
	clock_gettime(CLOCK_REALTIME, &p->t0);
	if (pthread_create(&p->thread, NULL, progress_main, p) != 0) {
		/* ninja writes into a pipe nobody reads: better none */
		warn("no status line: cannot start its thread");
		drive_output(-1);
		close(fds[1]);
		close(fds[0]);
		unsetenv("NINJA_STATUS");
		free(p->keep);
		free(p);
		return NULL;
	}
	return p;
}

void
progress_stop(struct progress *p)
{
	if (!p)
		return;
	pthread_join(p->thread, NULL); /* ninja's end closed the pipe */
	if (p->n)
		draw(p, 1);
	close(p->fd);
	unsetenv("NINJA_STATUS");
	free(p->v);
	free(p->keep);
	free(p);
}

/* The cell called id (cells sorted by id), or NULL. */
static const struct cell *
cell_find(const struct cell *cells, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(cells[mid].id, id);

		if (c == 0)
			return &cells[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The sum of the elapsed_s of cell c's repetitions. */
static double
cell_seconds(const char *dir, const struct cell *c)
{
	int rep, reps = c->bench->warmup + c->repeat;
	double s = 0;

	for (rep = 1; rep <= reps; rep++) {
		char *path = layout_rep_path(dir, c->id, rep, LAYOUT_METRICS_JSON);
		json_t *m = json_load_path(path, 1);

		s += json_number_value(json_object_get(m, "elapsed_s"));
		json_decref(m);
		free(path);
	}
	return s;
}

enum { SLOWEST = 3 };

struct bench_row {
	const char *name;
	int ran, failed, fresh;
};

/* Count the ids of a into the rows of their benchmarks (field: which). */
static void
rows_count(struct bench_row *rows, size_t *nrows, const struct cell *cells, size_t n, json_t *a,
	   int which)
{
	size_t i, k;
	json_t *x;

	json_array_foreach(a, i, x) {
		const char *id = json_is_string(x) ? json_string_value(x)
						   : json_string_value(json_object_get(x, "cell"));
		const struct cell *c = id ? cell_find(cells, n, id) : NULL;

		if (!c)
			continue;
		/* the same benchmark, the same name string: 100,000 fresh cells
		 * of 250 benchmarks cost pointer compares */
		for (k = 0; k < *nrows && rows[k].name != c->bench->name; k++)
			;
		if (k == *nrows)
			rows[(*nrows)++].name = c->bench->name;
		*(which == 0 ? &rows[k].ran : which == 1 ? &rows[k].failed : &rows[k].fresh) += 1;
	}
}

static void
slowest_print(const char *dir, const struct cell *cells, size_t n, json_t *ran, FILE *f)
{
	const struct cell *top[SLOWEST] = { NULL };
	double secs[SLOWEST] = { 0 };
	size_t i;
	int k, j;
	json_t *x;

	json_array_foreach(ran, i, x) {
		const struct cell *c = cell_find(cells, n, json_string_value(x));
		double s = c ? cell_seconds(dir, c) : 0;

		for (k = 0; c && k < SLOWEST; k++)
			if (!top[k] || s > secs[k]) {
				for (j = SLOWEST - 1; j > k; j--)
					top[j] = top[j - 1], secs[j] = secs[j - 1];
				top[k] = c, secs[k] = s;
				break;
			}
	}
	for (k = 0; k < SLOWEST && top[k]; k++)
		fprintf(f, "%s %s %.1fs", k ? "," : "slowest:", top[k]->id, secs[k]);
	if (top[0])
		fputc('\n', f);
}

void
progress_table(const char *dir, const struct cell *cells, size_t n, const char *sel,
	       const struct tally *t, FILE *f)
{
	struct bench_row *rows = xcalloc(n + 1, sizeof(*rows));
	size_t nrows = 0, k, w = strlen("benchmark");

	(void)sel;
	rows_count(rows, &nrows, cells, n, t->jran, 0);
	rows_count(rows, &nrows, cells, n, t->jfailed, 1);
	rows_count(rows, &nrows, cells, n, t->jfresh, 2);
	for (k = 0; k < nrows; k++)
		w = strlen(rows[k].name) > w ? strlen(rows[k].name) : w;
	if (nrows)
		fprintf(f, "%-*s  %5s  %6s  %5s\n", (int)w, "benchmark", "ran", "failed", "fresh");
	for (k = 0; k < nrows; k++)
		fprintf(f, "%-*s  %5d  %6d  %5d\n", (int)w, rows[k].name, rows[k].ran, rows[k].failed,
			rows[k].fresh);
	slowest_print(dir, cells, n, t->jran, f);
	free(rows);
}
