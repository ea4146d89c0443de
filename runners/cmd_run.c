/* cmd_run.c: the main job. Generate, let ninja run what is stale, aggregate.
 *
 * ninja runs with -k 0 so that one failed cell does not stop the others; the
 * aggregate edge then cannot run inside ninja (its inputs are incomplete), so
 * jockey aggregates itself afterwards and reports the finished cells anyway.
 * Which cells ran in this invocation is told by the mtimes of their
 * samples.json against the start of the run: ninja rewrote exactly those.
 *
 * Before ninja starts, each engine the selected cells use is pinged: the
 * cells of an engine that does not answer are left out of the ninja run and
 * reported as failed with the engine's error, so one engine that is down
 * costs only its own cells. --shard I/N runs the share of the cells that
 * 'jockey gen --shard' gives (see gen.h).
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

#include "runners/aggregate.h"
#include "runners/compare.h"
#include "runners/staleness.h"
#include "base/buf.h"
#include "runners/commands.h"
#include "runners/engine.h"
#include "gen/gen.h"
#include "gen/shard.h"
#include "gen/matrix.h"
#include "base/util.h"

/* One engine the selected cells use, and whether it answered. */
struct engine_use {
	const char *endpoint;
	char *error;   /* NULL: it answered /_ping */
	char *lost;    /* it answered before ninja but not after: why, else NULL */
	char *server;  /* its Server header, "" when unknown */
	int cells;
};

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

static const char *
cell_engine(const struct cell *c)
{
	const char *dh = getenv("DOCKER_HOST");

	/* As gen resolves it: a host's own, else DOCKER_HOST, else the default. */
	if (c->host->engine)
		return c->host->engine;
	return dh && *dh ? dh : ENGINE_DEFAULT;
}

/* A down engine's cell: its first repetition without samples gets a
 * failed.json, as run-cell leaves for a failed run, so that the report says
 * why too (run-cell removes it once the repetition succeeds). */
static void
down_record(const char *dir, const struct cell *c, int nreps, const struct engine_use *eng,
	    const char *reason)
{
	int rep;

	for (rep = 1; rep <= nreps; rep++) {
		char *path = xasprintf("%s/cells/%s/%d/samples.json", dir, c->id, rep);
		int have = path_exists(path);

		free(path);
		if (!have) {
			json_t *j = json_pack("{s:i, s:s, s:i, s:s, s:s, s:n}", "schema", 1, "cell", c->id,
					      "rep", rep, "reason", reason, "engine", eng->endpoint,
					      "exit_code");
			char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

			path = xasprintf("%s/cells/%s/%d/failed.json", dir, c->id, rep);
			write_file_atomic(path, text, strlen(text));
			free(path);
			free(text);
			json_decref(j);
			return;
		}
	}
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
	      const struct engine_use *eng, struct tally *t)
{
	int nreps = c->bench->warmup + c->bench->repeat;
	int rep, done = 0, now = 0;
	char *reason;

	if (eng && eng->error) {
		reason = xasprintf("not run: %s", eng->error);
		down_record(dir, c, nreps, eng, reason);
		t->failed++;
		json_array_append_new(t->jfailed, json_pack("{s:s, s:s, s:s}", "cell", c->id,
							    "reason", reason, "engine", eng->endpoint));
		free(reason);
		return;
	}

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
	if (!reason && eng && eng->lost) {
		reason = xasprintf("it did not finish: its engine stopped answering during the run: %s",
				   eng->lost);
		down_record(dir, c, nreps, eng, reason);
	}
	if (!reason)
		reason = xasprintf("it did not finish: a step before it failed or the run was interrupted "
				   "(see ninja's output above)");
	t->failed++;
	json_array_append_new(t->jfailed, json_pack("{s:s, s:s, s:s}", "cell", c->id, "reason", reason,
						    "engine", cell_engine(c)));
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
	struct buf cmd = BUF_INIT, st = BUF_INIT;
	const char *manifest = "build.ninja";
	char line[4096], *path;
	FILE *p;
	size_t i;
	int status;

	for (i = 1; nargv[i]; i++)
		if (strcmp(nargv[i], "-f") == 0 && nargv[i + 1])
			manifest = nargv[i + 1];
	buf_printf(&st, "# written by 'jockey run' to ask ninja what is still out of date\n"
			"build always: phony matrix.json\n"
			"include %s\n", manifest);
	path = xasprintf("%s/.jockey-status.ninja", dir);
	status = write_file_if_changed(path, st.data, st.len);
	buf_release(&st);
	free(path);
	if (status < 0)
		return -1;
	buf_puts(&cmd, "ninja -f .jockey-status.ninja -w dupbuild=warn -n -v");
	for (i = 1; nargv[i]; i++) {
		if (strcmp(nargv[i], "-f") == 0 && nargv[i + 1]) {
			i++; /* the status file includes it */
			continue;
		}
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

/* Ping once, without the client's connection retries: a down engine should
 * cost seconds, not the back-off meant for an engine that is restarting. */
static void
engine_check(struct engine_use *u)
{
	struct engine *e = engine_open(u->endpoint);

	if (!e) {
		u->error = xasprintf("'%s' is not a unix:///PATH or tcp://HOST:PORT address", u->endpoint);
		return;
	}
	e->tries = 1;
	e->timeout_ms = 10000;
	if (engine_negotiate(e) < 0)
		u->error = xstrdup(engine_error(e));
	u->server = xstrdup(e->server);
	engine_free(e);
}

/* The distinct engines of the selected cells, each pinged. */
static struct engine_use *
engines_check(const struct cell *cells, size_t n, const char *sel, size_t *nused)
{
	struct engine_use *v = NULL;
	size_t i, j, nv = 0;

	for (i = 0; i < n; i++) {
		const char *ep;

		if (!sel[i])
			continue;
		ep = cell_engine(&cells[i]);
		for (j = 0; j < nv && strcmp(v[j].endpoint, ep) != 0; j++)
			;
		if (j == nv) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			memset(&v[nv], 0, sizeof(*v));
			v[nv].endpoint = ep;
			engine_check(&v[nv++]);
		}
		v[j].cells++;
	}
	for (j = 0; j < nv; j++)
		if (v[j].error)
			warn("engine '%s' is down, its %d cell%s will not run: %s", v[j].endpoint,
			     v[j].cells, v[j].cells == 1 ? "" : "s", v[j].error);
	*nused = nv;
	return v;
}

/* After a failed ninja run: which engines that answered before stopped
 * answering, so that their unfinished cells can say why. */
static void
engines_recheck(struct engine_use *v, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		struct engine_use u = { .endpoint = v[j].endpoint };

		if (v[j].error)
			continue;
		engine_check(&u);
		free(u.server);
		if (u.error) {
			warn("engine '%s' stopped answering during the run: %s", v[j].endpoint, u.error);
			v[j].lost = u.error;
		}
	}
}

static const struct engine_use *
engine_of(const struct engine_use *v, size_t n, const struct cell *c)
{
	const char *ep = cell_engine(c);
	size_t j;

	for (j = 0; j < n; j++)
		if (strcmp(v[j].endpoint, ep) == 0)
			return &v[j];
	return NULL;
}

static json_t *
engines_json(const struct engine_use *v, size_t n)
{
	json_t *a = json_array();
	size_t j;

	for (j = 0; j < n; j++)
		json_array_append_new(a, json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:i}", "engine",
						   v[j].endpoint, "up", v[j].error == NULL, "error", v[j].error,
						   "lost", v[j].lost,
						   "server", v[j].server && *v[j].server ? v[j].server : NULL,
						   "cells", v[j].cells));
	return a;
}

static void
engines_free(struct engine_use *v, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		free(v[j].error);
		free(v[j].lost);
		free(v[j].server);
	}
	free(v);
}

/* ninja's -j when none is given: its own default (CPUs + 2) is too few when
 * several engines each run their pool's cells at once, and edges on a
 * remote engine mostly wait. */
static char *
jobs_default(size_t nengines, int depth)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long j = (cpus > 0 ? cpus : 1) + 2, want = (long)nengines * (depth > 0 ? depth : 1) + 2;

	return xasprintf("%ld", want > j ? want : j);
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
		{ "shard", required_argument, NULL, 'S' },
		{ "durations", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *jobs = NULL, *mpath, *shard = NULL, *durations = NULL;
	char *defdir = NULL, *gargv[9], *jobs_owned = NULL;
	char **nargv = NULL, *sel = NULL, *pending = NULL;
	struct engine_use *eng = NULL;
	size_t neng = 0, ntotal;
	int sidx = 0, scount = 0, ndown = 0;
	struct matrix *m;
	struct cell *cells = NULL;
	size_t ncells = 0, i, nn = 0;
	struct timespec t0;
	struct tally t = { 0 };
	struct aggregate_summary sum;
	json_t *runj, *moved = NULL;
	struct timespec last_run;
	char *text, *runpath;
	int opt, ret, nret, all = 1, ntargets = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+j:o:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j': jobs = optarg; break;
		case 'o': dir = optarg; break;
		case 'O': setenv("JOCKEY_OFFLINE", "1", 1); break;
		case 'D': durations = optarg; break;
		case 'S':
			if (shard_parse(optarg, &sidx, &scount) < 0)
				return EXIT_USAGE;
			shard = optarg;
			break;
		default: usage("%s", command_usage("run"));
		}
	}
	if (optind >= argc)
		usage("%s", command_usage("run"));
	if (durations && !shard)
		return error("--durations balances shards: it needs --shard I/N"), EXIT_USAGE;
	mpath = argv[optind++];
	m = matrix_load(mpath);
	if (!m)
		return EXIT_USAGE;
	if (matrix_expand(m, &cells, &ncells) < 0) {
		matrix_free(m);
		return EXIT_USAGE;
	}
	ntotal = ncells;
	if (scount > 0 && shard_filter(cells, &ncells, sidx, scount, durations) < 0) {
		cells_free(cells, ncells);
		matrix_free(m);
		return EXIT_USAGE;
	}
	if (!dir)
		dir = defdir = xasprintf("results/%s", m->name);

	sel = xcalloc(ncells ? ncells : 1, 1);
	if (optind < argc) {
		all = 0;
		for (i = optind; i < (size_t)argc; i++) {
			if (pattern_select(argv[i], cells, ncells, sel))
				continue;
			if (scount > 0) {
				/* Another shard may hold its cells. */
				warn("pattern '%s' matches no cell of shard %s", argv[i], shard);
				continue;
			}
			error("pattern '%s' matches no cell of '%s'; see 'jockey ls %s'",
			      argv[i], mpath, mpath);
			ret = EXIT_USAGE;
			goto out;
		}
	} else {
		memset(sel, 1, ncells);
	}

	{
		int ga = 0;

		gargv[ga++] = "gen";
		gargv[ga++] = "-o";
		gargv[ga++] = (char *)dir;
		if (shard) {
			gargv[ga++] = "--shard";
			gargv[ga++] = (char *)shard;
		}
		if (durations) {
			gargv[ga++] = "--durations";
			gargv[ga++] = (char *)durations;
		}
		gargv[ga++] = (char *)mpath;
		gargv[ga] = NULL;
		optind = 0;
		ret = cmd_gen(ga, gargv);
	}
	if (ret != 0)
		goto out;

	eng = engines_check(cells, ncells, sel, &neng);
	for (i = 0; i < neng; i++)
		ndown += eng[i].error != NULL;
	if (!jobs)
		jobs = jobs_owned = jobs_default(neng, m->parallel);

	nargv = xcalloc(12, sizeof(*nargv));
	nargv[nn++] = "ninja";
	nargv[nn++] = "-C";
	nargv[nn++] = (char *)dir;
	nargv[nn++] = "-k";
	nargv[nn++] = "0";
	if (jobs) {
		nargv[nn++] = "-j";
		nargv[nn++] = (char *)jobs;
	}
	/* A down engine's cells are left out: ninja would only fail them one
	 * edge at a time, each after the client's retries. */
	if (ndown)
		all = 0;
	if (all) {
		nargv[nn++] = "all";
	} else {
		/* The selected cells go in a file rather than on ninja's command
		 * line (tens of thousands of them would pass the kernel's limit),
		 * as one target: .jockey-select.ninja includes cells.ninja, where
		 * a big matrix has its cell:ID targets (gen.h). */
		struct buf sb = BUF_INIT;
		char *spath = xasprintf("%s/.jockey-select.ninja", dir);

		buf_puts(&sb, "# written by 'jockey run': the cells it was asked to run\n"
			      "include cells.ninja\nbuild jockey-selected: phony");
		for (i = 0; i < ncells; i++)
			if (sel[i] && !engine_of(eng, neng, &cells[i])->error) {
				buf_printf(&sb, " cell$:%s", cells[i].id); /* slugs: nothing to escape */
				ntargets++;
			}
		buf_putc(&sb, '\n');
		if (write_file_if_changed(spath, sb.data, sb.len) < 0)
			ntargets = 0, ret = EXIT_RUNTIME;
		buf_release(&sb);
		free(spath);
		if (ret != 0)
			goto out;
		nargv[nn++] = "-f";
		nargv[nn++] = ".jockey-select.ninja";
		nargv[nn++] = "jockey-selected";
	}
	clock_gettime(CLOCK_REALTIME, &t0);
	nret = all || ntargets ? run_child(nargv) : 0;
	if (nret < 0 || nret == 127) {
		error("cannot run ninja; install it with: apt-get install ninja-build");
		ret = EXIT_RUNTIME;
		goto out;
	}

	pending = xcalloc(ncells ? ncells : 1, 1);
	if (nret != 0 && !interrupted) {
		cells_pending(dir, nargv, cells, ncells, pending);
		engines_recheck(eng, neng);
	}
	t.jran = json_array();
	t.jfresh = json_array();
	t.jfailed = json_array();
	for (i = 0; i < ncells; i++)
		if (sel[i])
			cell_classify(dir, &cells[i], pending[i], &t0, engine_of(eng, neng, &cells[i]), &t);
	runj = json_pack("{s:i, s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o}", "schema", 1,
			 "matrix", m->name, "matrix_path", mpath, "ninja_exit", nret,
			 "interrupted", interrupted != 0, "ran", t.jran, "fresh", t.jfresh,
			 "failed", t.jfailed, "engines", engines_json(eng, neng));
	if (scount > 0)
		json_object_set_new(runj, "shard", json_pack("{s:i, s:i, s:I, s:I}", "index", sidx,
							     "count", scount, "cells", (json_int_t)ncells,
							     "cells_total", (json_int_t)ntotal));
	/* the bases that moved since the previous run (read before run.json,
	 * whose mtime marks that run, is rewritten) */
	last_run = staleness_last_run(dir);
	moved = staleness_moved_bases(dir, &last_run);
	json_object_set(runj, "moved_bases", moved);
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
	staleness_print_moved(moved, stdout);
	json_decref(moved);
	moved = NULL;
	compare_print_changes(dir, t0.tv_sec, stdout);
	if (interrupted)
		ret = 128 + interrupted;
	else if (t.failed)
		ret = EXIT_CELLS_FAILED;
	else if (nret != 0)
		ret = EXIT_RUNTIME;
	else
		ret = EXIT_OK;
out:
	json_decref(moved);
	free(nargv);
	free(pending);
	free(sel);
	free(defdir);
	free(jobs_owned);
	engines_free(eng, neng);
	cells_free(cells, ncells);
	matrix_free(m);
	return ret;
}
