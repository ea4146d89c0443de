/* cmd_run.c: the main job. Generate, let ninja run what is stale, aggregate.
 *
 * ninja runs with -k 0 so that one failed cell does not stop the others; the
 * aggregate edge then cannot run inside ninja (its inputs are incomplete), so
 * jockey aggregates itself afterwards and reports the finished cells anyway.
 * Which cells ran in this invocation is told by the mtimes of their
 * samples.json against the start of the run: ninja rewrote exactly those.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "aggregate.h"
#include "buf.h"
#include "commands.h"
#include "matrix.h"
#include "util.h"

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t interrupted;

static void
forward_signal(int sig)
{
	interrupted = sig;
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* Run argv, forwarding SIGINT and SIGTERM to it; its exit status, 128+N for
 * a signal, or -1 if it could not start. */
static int
run_child(char **argv)
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
	if (pid < 0) {
		error("fork:");
		return -1;
	}
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		execvp(argv[0], argv);
		warn("cannot run '%s':", argv[0]);
		_exit(127);
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

static int
newer_than(const char *path, const struct timespec *t0)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return st.st_mtim.tv_sec > t0->tv_sec ||
	       (st.st_mtim.tv_sec == t0->tv_sec && st.st_mtim.tv_nsec >= t0->tv_nsec);
}

/* The reason a cell's repetition failed, from its failed.json (fresh string). */
static char *
cell_failure(const char *dir, const char *id, int nreps)
{
	int rep;

	for (rep = 1; rep <= nreps; rep++) {
		char *path = xasprintf("%s/cells/%s/%d/failed.json", dir, id, rep);
		json_t *j = path_exists(path) ? json_load_path(path, 1) : NULL;
		char *reason = NULL;

		free(path);
		if (j) {
			const char *r = json_string_value(json_object_get(j, "reason"));

			reason = xasprintf("repetition %d: %s", rep, r ? r : "failed");
			json_decref(j);
			return reason;
		}
	}
	return NULL;
}

struct tally {
	int ran, fresh, failed;
	json_t *jran, *jfresh, *jfailed;
};

/* Classify one selected cell after ninja: ran now, fresh, or failed. A cell
 * that ninja still has work for is failed even when an older run left it
 * complete outputs. */
static void
cell_classify(const char *dir, const struct cell *c, int pending, const struct timespec *t0,
	      struct tally *t)
{
	int nreps = c->bench->warmup + c->bench->repeat;
	int rep, done = 0, now = 0;
	char *reason;

	for (rep = 1; rep <= nreps; rep++) {
		char *path = xasprintf("%s/cells/%s/%d/samples.json", dir, c->id, rep);

		if (path_exists(path)) {
			done++;
			now |= newer_than(path, t0);
		}
		free(path);
	}
	if (done == nreps && !pending) {
		if (now) {
			t->ran++;
			json_array_append_new(t->jran, json_string(c->id));
		} else {
			t->fresh++;
			json_array_append_new(t->jfresh, json_string(c->id));
		}
		return;
	}
	reason = cell_failure(dir, c->id, nreps);
	if (!reason)
		reason = xasprintf("it did not finish: a step before it failed or the run was interrupted "
				   "(see ninja's output above)");
	t->failed++;
	json_array_append_new(t->jfailed, json_pack("{s:s, s:s}", "cell", c->id, "reason", reason));
	free(reason);
}

/* After a failed ninja run, ask ninja (dry run, commands shown) which run and
 * parse edges are still due: their cells did not finish, whatever old outputs
 * they may still have. A plain dry run would count everything behind the
 * fetch and probe edges, which depend on the phony 'always' and so look
 * dirty until they run and restat; the status file defines 'always' first as
 * a phony of an old file, so only what is really out of date shows. Marks
 * them in pending[]; returns -1 if ninja could not say. */
static int
cells_pending(const char *dir, char **nargv, const struct cell *cells, size_t n, char *pending)
{
	static const char status_ninja[] =
		"# written by 'jockey run' to ask ninja what is still out of date\n"
		"build always: phony matrix.json\n"
		"include build.ninja\n";
	struct buf cmd = BUF_INIT;
	char line[4096], *path;
	FILE *p;
	size_t i;
	int status;

	path = xasprintf("%s/.jockey-status.ninja", dir);
	status = write_file_if_changed(path, status_ninja, strlen(status_ninja));
	free(path);
	if (status < 0)
		return -1;
	buf_puts(&cmd, "ninja -f .jockey-status.ninja -w dupbuild=warn -n -v");
	for (i = 1; nargv[i]; i++) {
		buf_puts(&cmd, " '");
		buf_puts(&cmd, nargv[i]); /* paths and cell ids: no quotes in them */
		buf_puts(&cmd, "'");
	}
	fflush(NULL);
	buf_puts(&cmd, " 2>/dev/null");
	p = popen(cmd.data, "r");
	buf_release(&cmd);
	if (!p)
		return error("cannot run ninja:");
	while (fgets(line, sizeof(line), p)) {
		char *s = strstr(line, " run-cell cells/");
		const char *id;
		size_t len, lo = 0, hi = n;

		if (s)
			s += strlen(" run-cell cells/");
		else if ((s = strstr(line, " parse cells/")))
			s += strlen(" parse cells/");
		else
			continue;
		len = strcspn(s, "/");
		/* cells are sorted by id: binary search */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c;

			id = cells[mid].id;
			c = strncmp(id, s, len);
			if (c == 0 && id[len] != '\0')
				c = 1;
			if (c == 0) {
				pending[mid] = 1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	status = pclose(p);
	return status == 0 ? 0 : -1;
}

static int
pattern_select(const char *pat, const struct cell *cells, size_t n, char *sel)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++)
		if (fnmatch(pat, cells[i].id, 0) == 0)
			sel[i] = any = 1;
	return any;
}

int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *jobs = NULL, *mpath;
	char *defdir = NULL, *gargv[5];
	char **nargv = NULL, *sel = NULL, *pending = NULL;
	struct matrix *m;
	struct cell *cells = NULL;
	size_t ncells = 0, i, nn = 0;
	struct timespec t0;
	struct tally t = { 0 };
	struct aggregate_summary sum;
	json_t *runj;
	char *text, *runpath;
	int opt, ret, nret, all = 1, ntargets = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+j:o:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j': jobs = optarg; break;
		case 'o': dir = optarg; break;
		case 'O': setenv("JOCKEY_OFFLINE", "1", 1); break;
		default: usage("%s", command_usage("run"));
		}
	}
	if (optind >= argc)
		usage("%s", command_usage("run"));
	mpath = argv[optind++];
	m = matrix_load(mpath);
	if (!m)
		return EXIT_USAGE;
	if (matrix_expand(m, &cells, &ncells) < 0) {
		matrix_free(m);
		return EXIT_USAGE;
	}
	if (!dir)
		dir = defdir = xasprintf("results/%s", m->name);

	sel = xcalloc(ncells ? ncells : 1, 1);
	if (optind < argc) {
		all = 0;
		for (i = optind; i < (size_t)argc; i++) {
			if (!pattern_select(argv[i], cells, ncells, sel)) {
				error("pattern '%s' matches no cell of '%s'; see 'jockey ls %s'",
				      argv[i], mpath, mpath);
				ret = EXIT_USAGE;
				goto out;
			}
		}
	} else {
		memset(sel, 1, ncells);
	}

	gargv[0] = "gen", gargv[1] = "-o", gargv[2] = (char *)dir, gargv[3] = (char *)mpath, gargv[4] = NULL;
	optind = 0;
	ret = cmd_gen(4, gargv);
	if (ret != 0)
		goto out;

	nargv = xcalloc(8 + ncells, sizeof(*nargv));
	nargv[nn++] = "ninja";
	nargv[nn++] = "-C";
	nargv[nn++] = (char *)dir;
	nargv[nn++] = "-k";
	nargv[nn++] = "0";
	if (jobs) {
		nargv[nn++] = "-j";
		nargv[nn++] = (char *)jobs;
	}
	if (all) {
		nargv[nn++] = "all";
	} else {
		for (i = 0; i < ncells; i++)
			if (sel[i]) {
				nargv[nn++] = xasprintf("cell:%s", cells[i].id);
				ntargets++;
			}
	}
	clock_gettime(CLOCK_REALTIME, &t0);
	nret = run_child(nargv);
	if (nret < 0 || nret == 127) {
		error("cannot run ninja; install it with: apt-get install ninja-build");
		ret = EXIT_RUNTIME;
		goto out;
	}

	pending = xcalloc(ncells ? ncells : 1, 1);
	if (nret != 0 && !interrupted)
		cells_pending(dir, nargv, cells, ncells, pending);
	t.jran = json_array();
	t.jfresh = json_array();
	t.jfailed = json_array();
	for (i = 0; i < ncells; i++)
		if (sel[i])
			cell_classify(dir, &cells[i], pending[i], &t0, &t);
	runj = json_pack("{s:i, s:s, s:s, s:i, s:b, s:o, s:o, s:o}", "schema", 1,
			 "matrix", m->name, "matrix_path", mpath, "ninja_exit", nret,
			 "interrupted", interrupted != 0, "ran", t.jran, "fresh", t.jfresh,
			 "failed", t.jfailed);
	text = json_dumps(runj, JSON_INDENT(2) | JSON_SORT_KEYS);
	runpath = xasprintf("%s/run.json", dir);
	write_file_atomic(runpath, text, strlen(text));
	free(runpath);
	free(text);
	{
		json_t *f;
		size_t k;

		json_array_foreach(t.jfailed, k, f)
			warn("cell '%s' failed: %s", json_string_value(json_object_get(f, "cell")),
			     json_string_value(json_object_get(f, "reason")));
	}
	json_decref(runj);
	for (i = nn - ntargets; i < nn && !all; i++)
		free(nargv[i]);
	free(nargv);
	nargv = NULL;

	/* With every cell finished the aggregate edge ran (or was pruned) in ninja. */
	if (!(all && nret == 0)) {
		char *cwd = getcwd(NULL, 0);

		if (aggregate_dir(dir, &sum) < 0)
			warn("could not write the results of '%s'", dir);
		if (cwd && chdir(cwd) < 0)
			warn("cannot return to '%s':", cwd);
		free(cwd);
	}
	printf("jockey: %d cells: %d ran, %d fresh, %d failed; results in %s/results.json\n",
	       t.ran + t.fresh + t.failed, t.ran, t.fresh, t.failed, dir);
	if (interrupted)
		ret = 128 + interrupted;
	else if (t.failed)
		ret = EXIT_CELLS_FAILED;
	else if (nret != 0)
		ret = EXIT_RUNTIME;
	else
		ret = EXIT_OK;
out:
	if (nargv) {
		for (i = nn - ntargets; i < nn && !all; i++)
			free(nargv[i]);
		free(nargv);
	}
	free(pending);
	free(sel);
	free(defdir);
	cells_free(cells, ncells);
	matrix_free(m);
	return ret;
}
