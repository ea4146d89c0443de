/* cmd_run.c: jockey run [-j N] [-o DIR] [--offline] [--quiet-machine] [--shard I/N
 * [--durations RESULTS_JSON]] MATRIX [PATTERN...]: the main job, in steps:
 * generate (gen/gen.h), ping the engines (engine_use.h), run ninja
 * (drive.h), classify the cells (classify.h), write run.json, aggregate and
 * summarise.
 *
 * ninja runs with -k 0 so that one failed cell does not stop the others; the
 * aggregate edge then cannot run inside ninja (its inputs are incomplete), so
 * jockey aggregates itself afterwards and reports the finished cells anyway.
 * Which cells ran in this invocation is told by the mtimes of their
 * samples.json against the start of the run: ninja rewrote exactly those.
 *
 * A run holds the folder's lock (base/lock.h) from before gen to its end;
 * holding it, it removes the containers and networks labelled with the
 * folder that an earlier run which did not finish left (runners/run/clean.h).
 *
 * Before ninja starts, each engine the selected cells use is pinged: the
 * cells of an engine that does not answer are left out of the ninja run and
 * reported as failed with the engine's error, so one engine that is down
 * costs only its own cells. Then the machine is checked (machine_check.h):
 * a busy one is warned about, or with --quiet-machine refused. --shard I/N
 * runs the share of the cells that 'jockey gen --shard' gives (see
 * gen/shard.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/layout.h"
#include "base/lock.h"
#include "base/util.h"
#include "base/valid.h"
#include "gen/gen.h"
#include "gen/shard.h"
#include "gen/stamp.h"
#include "runners/report/adaptive.h"
#include "runners/report/aggregate.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/compare.h"
#include "runners/drive.h"
#include "runners/engine_use.h"
#include "runners/machine_check.h"
#include "runners/classify.h"
#include "runners/progress.h"
#include "runners/report/staleness.h"
#include "runners/run/clean.h"

/* The command line. */
struct run_args {
	const char *dir;        /* -o, or NULL */
	const char *jobs;       /* -j, or NULL */
	const char *matrix;
	const char *shard;      /* --shard as given, or NULL */
	int shard_index, shard_count;
	const char *durations;
	char **patterns;
	int npatterns;
	int quiet_machine;      /* --quiet-machine: refuse a busy machine */
};

/* One run: what it runs, and what became of it. */
struct run {
	const struct run_args *a;
	struct gen_input in;
	const char *dir;        /* the results folder as the user named it (or results/NAME) */
	char *sel;              /* per cell: selected */
	int all;                /* every cell selected and every engine up: ninja builds 'all' */
	struct engine_use *eng;
	size_t neng;
	char *jobs;             /* -j when none was given */
	struct drive_argv argv; /* points into a, jobs and dir */
	struct timespec t0;     /* when ninja started */
	int nret;               /* ninja's exit status */
	struct tally t;
	struct drive_log log;   /* .ninja_log before ninja ran */
	int lost;               /* run.json or the results could not be written */
};

/* Mark the end of a run after which every cell's files are sound: its
 * mtime is what the next sweep compares with. Not synced: lost in a crash,
 * it leaves the older mark, or none, and the next sweep looks further. */
static void
clean_mark(const struct run *r)
{
	char *p = xasprintf("%s/" LAYOUT_RUN_CLEAN, r->dir);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0 || futimens(fd, NULL) < 0)
		warn("cannot write '%s':", p);
	if (fd >= 0)
		close(fd);
	free(p);
}

static int
args_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{ "offline", no_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 'S' },
		{ "durations", required_argument, NULL, 'D' },
		{ "quiet-machine", no_argument, NULL, 'Q' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(a, 0, sizeof(*a));
	while ((opt = opts_next(argc, argv, "j:o:", longopts, "run")) != -1) {
		switch (opt) {
		case 'j': a->jobs = optarg; break;
		case 'o': a->dir = optarg; break;
		case 'O': setenv("JOCKEY_OFFLINE", "1", 1); break;
		case 'D': a->durations = optarg; break;
		case 'Q': a->quiet_machine = 1; break;
		case 'S':
			if (shard_parse(optarg, &a->shard_index, &a->shard_count) < 0)
				return -1;
			a->shard = optarg;
			break;
		default: usage("%s", command_usage("run"));
		}
	}
	if (optind >= argc)
		usage("%s", command_usage("run"));
	if (a->durations && !a->shard)
		return error("--durations balances shards: it needs --shard I/N");
	a->matrix = argv[optind++];
	a->patterns = argv + optind;
	a->npatterns = argc - optind;
	return 0;
}

/* The cells the patterns name (fnmatch on their ids), or every cell. A
 * pattern that names none is an error, unless another shard may hold them. */
static int
cells_select(struct run *r)
{
	const struct run_args *a = r->a;
	size_t i;
	int p, any;

	r->sel = xcalloc(r->in.ncells ? r->in.ncells : 1, 1);
	r->all = a->npatterns == 0;
	if (r->all)
		memset(r->sel, 1, r->in.ncells);
	for (p = 0; p < a->npatterns; p++) {
		for (i = 0, any = 0; i < r->in.ncells; i++)
			if (fnmatch(a->patterns[p], r->in.cells[i].id, 0) == 0)
				r->sel[i] = any = 1;
		if (any)
			continue;
		if (a->shard_count > 0) {
			warn("pattern '%s' matches no cell of shard %s", a->patterns[p], a->shard);
			continue;
		}
		return error("pattern '%s' matches no cell of '%s'; see 'jockey ls %s'", a->patterns[p],
			     a->matrix, a->matrix);
	}
	return 0;
}

/* Once per run that has native cells: what they are (docs/matrix.md). */
static void
native_notice(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->in.ncells; i++)
		if (r->sel[i] && r->in.cells[i].host->native) {
			warn("native cells run the image's code on the host with host privileges (as the "
			     "image's user, root by default; host PID, network and IPC namespaces; /dev "
			     "and /sys bound in): trusted images only");
			return;
		}
}

/* gen, in process, unless its stamp says the folder holds what it would
 * write (gen/stamp.h): an exit code. */
static int
generate(struct run *r)
{
	struct gen *g;
	int ret;

	if (stamp_fresh(&r->in.o)) {
		fprintf(stderr, "%s: %s: %zu cells, generated files up to date\n", progname, r->in.o.dir,
			r->in.ncells);
		return EXIT_OK;
	}
	g = gen_render(r->in.m, r->in.cells, r->in.ncells, &r->in.o);
	ret = !g ? EXIT_USAGE : gen_write(g) < 0 ? EXIT_RUNTIME : EXIT_OK;

	gen_free(g);
	return ret;
}

static int
ctime_since(const struct stat *st, const struct timespec *t)
{
	return st->st_ctim.tv_sec > t->tv_sec ||
	       (st->st_ctim.tv_sec == t->tv_sec && st->st_ctim.tv_nsec >= t->tv_nsec);
}

/* 1 when name under the folder at (or path, with at AT_FDCWD) changed (its
 * inode: content, name or entries) at or after t, or cannot be looked at;
 * 0 when it did not, or is not there. */
static int
changed_since(int at, const char *name, const struct timespec *t)
{
	struct stat st;

	if (fstatat(at, name, &st, 0) < 0)
		return errno != ENOENT;
	return ctime_since(&st, t);
}

/* Whether cell c's folder may hold what the sweep removes: anything in it
 * changed since clean, when the last run that ended cleanly did (its
 * edges write whole files, so what was there then was sound). Each
 * folder is opened once and its files looked up in it: at 100,000 cells
 * the path lookups are most of a no-op's time before ninja. */
static int
cell_touched(const char *dir, const struct cell *c, const struct timespec *clean)
{
	static const enum layout_rep_file files[] = { LAYOUT_LOG, LAYOUT_METRICS_JSON, LAYOUT_SAMPLES,
						      LAYOUT_FAILED };
	char *p = layout_path(dir, LAYOUT_CELL_DIR, c->id), *run = layout_path(NULL, LAYOUT_CELL_RUN, "x");
	int cd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC), rep, k, touched;
	struct stat st;

	free(p);
	if (cd < 0) {
		free(run);
		return errno != ENOENT;
	}
	touched = fstat(cd, &st) < 0 || ctime_since(&st, clean) ||
		  changed_since(cd, strrchr(run, '/') + 1, clean);
	free(run);
	if (!touched) { /* the profile edge's output, which the sweep checks too */
		run = layout_path(NULL, LAYOUT_CELL_PROFILE, "x");
		touched = changed_since(cd, strrchr(run, '/') + 1, clean);
		free(run);
	}
	for (rep = 1; !touched && rep <= c->bench->warmup + c->repeat; rep++) {
		char name[16];
		int rd;

		snprintf(name, sizeof(name), "%d", rep);
		if ((rd = openat(cd, name, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			touched = errno != ENOENT;
			continue;
		}
		touched = fstat(rd, &st) < 0 || ctime_since(&st, clean);
		for (k = 0; !touched && k < (int)(sizeof(files) / sizeof(files[0])); k++)
			touched = changed_since(rd, layout_rep_file(files[k]), clean);
		close(rd);
	}
	close(cd);
	return touched;
}

/* When the last run ended cleanly (LAYOUT_RUN_CLEAN's mtime), or 0. */
static struct timespec
clean_time(const char *dir)
{
	char *p = xasprintf("%s/" LAYOUT_RUN_CLEAN, dir);
	struct stat st;
	struct timespec t = { 0, 0 };

	if (stat(p, &st) == 0)
		t = st.st_mtim;
	free(p);
	return t;
}

/* Remove the outputs of the selected cells that cannot be read (and the
 * leftovers of interrupted writes), so that ninja, seeing them missing,
 * runs their edges again: the run holds the lock, so nobody is writing.
 * After a run that ended cleanly, only the cells whose files changed since
 * are looked into (a stat of each, no reads). */
static void
outputs_sweep(struct run *r)
{
	struct timespec clean = clean_time(r->dir);
	char *results = xasprintf("%s/" LAYOUT_RESULTS_JSON, r->dir);
	size_t i;
	int rep, n = valid_sweep_top(r->dir, !clean.tv_sec || changed_since(AT_FDCWD, results, &clean));

	free(results);
	for (i = 0; i < r->in.ncells; i++) {
		const struct cell *c = &r->in.cells[i];

		if (!r->sel[i] || (clean.tv_sec && !cell_touched(r->dir, c, &clean)))
			continue;
		n += valid_sweep_cell(r->dir, c->id);
		for (rep = 1; rep <= c->bench->warmup + c->repeat; rep++)
			n += valid_sweep_rep(r->dir, c->id, rep);
	}
	if (n)
		warn("%d output%s could not be read: the steps that make them run again", n,
		     n == 1 ? "" : "s");
}

/* The containers and networks labelled with the folder on each engine
 * that answers: the run holds the folder's lock, so no live run owns them;
 * a killed run or a crashed engine left them. */
static void
orphans_clean(struct run *r)
{
	int nc, nn;
	long long oldest;
	size_t i;
	char when[64] = "";
	struct tm tm;
	time_t t;

	for (i = 0; i < r->neng; i++) {
		if (r->eng[i].error)
			continue;
		if (clean_orphans(r->eng[i].endpoint, r->in.o.dir, &nc, &nn, &oldest) < 0)
			warn("could not remove what earlier runs of '%s' left on '%s'", r->dir,
			     r->eng[i].endpoint);
		if (nc + nn == 0)
			continue;
		t = (time_t)oldest;
		if (oldest > 0 && gmtime_r(&t, &tm))
			strftime(when, sizeof(when), " (the oldest from %Y-%m-%d %H:%M:%S UTC)", &tm);
		warn("removed %d container%s and %d network%s that a run of '%s' which did not finish "
		     "left on '%s'%s", nc, nc == 1 ? "" : "s", nn, nn == 1 ? "" : "s", r->dir,
		     r->eng[i].endpoint, when);
	}
}

/* Ping the engines, then run ninja over the selected cells whose engine is
 * up: an exit code (EXIT_OK when ninja ran, whatever it said). */
static int
ninja_run(struct run *r)
{
	const char *jobs = r->a->jobs;
	struct progress *prog = NULL;
	char *keep;
	size_t i;
	int ntargets = 0, ndown = 0, ret = EXIT_OK;

	r->eng = engine_use_check(r->in.cells, r->in.ncells, r->sel, &r->neng);
	for (i = 0; i < r->neng; i++)
		ndown += r->eng[i].error != NULL;
	orphans_clean(r);
	if (machine_check(r->dir, r->in.o.dir, r->eng, r->neng, r->a->quiet_machine) && r->a->quiet_machine)
		return EXIT_BUSY;
	if (!jobs)
		jobs = r->jobs = drive_jobs_default(r->neng, r->in.m->parallel);
	/* A down engine's cells are left out: ninja would only fail them one
	 * edge at a time, each after the client's retries. */
	if (ndown)
		r->all = 0;
	keep = xcalloc(r->in.ncells ? r->in.ncells : 1, 1);
	for (i = 0; i < r->in.ncells; i++)
		keep[i] = r->sel[i] && !engine_use_of(r->eng, r->neng, &r->in.cells[i])->error;
	if (r->all)
		drive_argv_all(&r->argv, r->dir, jobs);
	else if (drive_argv_cells(&r->argv, r->dir, jobs, r->in.cells, r->in.ncells, keep, &ntargets) < 0)
		ret = EXIT_RUNTIME;
	if (ret == EXIT_OK && (r->all || ntargets))
		prog = progress_start(r->dir, &r->argv, r->in.cells, r->in.ncells, keep, r->in.m->parallel);
	free(keep);
	drive_log_mark(r->dir, &r->log);
	clock_gettime(CLOCK_REALTIME, &r->t0);
	if (ret == EXIT_OK)
		r->nret = r->all || ntargets ? drive_run(r->argv.v) : 0;
	progress_stop(prog);
	if (ret == EXIT_OK && (r->nret < 0 || r->nret == 127)) {
		error("cannot run ninja; install it with: apt-get install ninja-build");
		ret = EXIT_RUNTIME;
	}
	return ret;
}

/* What became of each selected cell; after a failed run, ninja's dry run
 * says which still have work due, and a second ping which engines left.
 * After a run that succeeded, the cells none of whose edges ninja logged
 * as run are fresh, and only the others' files are looked at. */
static void
cells_classify(struct run *r)
{
	size_t i, n = r->in.ncells ? r->in.ncells : 1;
	char *pending = xcalloc(n, 1), *ran = xcalloc(n, 1);
	int logged = 0;

	if (r->nret != 0 && !drive_interrupted()) {
		drive_pending(r->dir, &r->argv, r->in.cells, r->in.ncells, pending);
		engine_use_recheck(r->eng, r->neng);
	} else if (r->nret == 0 && !drive_interrupted()) {
		logged = drive_log_ran(r->dir, &r->log, r->in.cells, r->in.ncells, ran) == 0;
	}
	tally_init(&r->t);
	for (i = 0; i < r->in.ncells; i++) {
		const struct engine_use *eng = engine_use_of(r->eng, r->neng, &r->in.cells[i]);

		if (!r->sel[i])
			continue;
		if (logged && !ran[i] && !(eng && eng->error))
			classify_fresh(&r->in.cells[i], &r->t);
		else
			classify_cell(r->dir, &r->in.cells[i], pending[i], &r->t0, eng, &r->t);
	}
	free(ran);
	free(pending);
}

/* run.json, with the bases that moved since the previous run that wrote
 * it (read before run.json, whose mtime marks that run, is rewritten);
 * returns them. */
static json_t *
run_json_write(struct run *r)
{
	struct timespec last_run = staleness_last_run(r->dir);
	json_t *runj, *moved = staleness_moved_bases(r->dir, &last_run), *f;
	char *text, *path;
	size_t k;

	runj = json_pack("{s:i, s:s, s:s, s:i, s:b, s:O, s:O, s:O, s:o}", "schema", 1,
			 "matrix", r->in.m->name, "matrix_path", r->a->matrix, "ninja_exit", r->nret,
			 "interrupted", drive_interrupted() != 0, "ran", r->t.jran, "fresh", r->t.jfresh,
			 "failed", r->t.jfailed, "engines", engine_use_json(r->eng, r->neng));
	if (r->a->shard_count > 0)
		json_object_set_new(runj, "shard", json_pack("{s:i, s:i, s:I, s:I}", "index",
			r->a->shard_index, "count", r->a->shard_count, "cells", (json_int_t)r->in.ncells,
			"cells_total", (json_int_t)r->in.o.cells_total));
	json_object_set(runj, "moved_bases", moved);
	json_object_set_new(runj, "order", json_pack("{s:s, s:I}", "kind", r->in.m->sequential ?
				"sequential" : "interleaved", "seed", (json_int_t)r->in.m->seed));
	text = json_dumps(runj, JSON_INDENT(2) | JSON_SORT_KEYS);
	path = xasprintf("%s/" LAYOUT_RUN_JSON, r->dir);
	/* the same as last time (a no-op's): its mtime marks the run that
	 * last reported a moved base, as staleness_last_run wants */
	if (write_file_if_changed(path, text, strlen(text)) < 0)
		r->lost = 1;
	free(path);
	free(text);
	json_decref(runj);
	json_array_foreach(r->t.jfailed, k, f)
		warn("cell '%s' failed: %s", json_string_value(json_object_get(f, "cell")),
		     json_string_value(json_object_get(f, "reason")));
	return moved;
}

/* Aggregate unless ninja did (every cell finished), print the summary and
 * what changed: the exit code of the run. */
static int
summarise(struct run *r, json_t *moved)
{
	struct aggregate_summary sum;
	int sig = drive_interrupted();

	if (!(r->all && r->nret == 0)) {
		char *cwd = getcwd(NULL, 0);

		if (aggregate_dir(r->dir, &sum) < 0) {
			warn("could not write the results of '%s'", r->dir);
			r->lost = 1;
		}
		if (cwd && chdir(cwd) < 0)
			warn("cannot return to '%s':", cwd);
		free(cwd);
	}
	progress_table(r->dir, r->in.cells, r->in.ncells, r->sel, &r->t, stdout);
	printf("jockey: %d cells: %d ran, %d fresh, %d failed; results in %s/" LAYOUT_RESULTS_JSON "\n",
	       r->t.ran + r->t.fresh + r->t.failed, r->t.ran, r->t.fresh, r->t.failed, r->dir);
	staleness_print_moved(moved, stdout);
	/* a result is recorded only for a cell that ran */
	if (r->t.ran)
		compare_print_changes(r->dir, r->t0.tv_sec, stdout);
	/* every cell's files are sound now: the sweep saw those that changed
	 * since the last mark, the edges that wrote since all succeeded */
	if (!sig && !r->lost && r->nret == 0 && r->a->npatterns == 0)
		clean_mark(r);
	if (sig)
		return 128 + sig;
	if (r->lost)
		return EXIT_RUNTIME;
	if (r->t.failed)
		return EXIT_CELLS_FAILED;
	return r->nret != 0 ? EXIT_RUNTIME : EXIT_OK;
}

/* One round: gen, ninja, what became of the cells; *dir: the results
 * folder (fresh), *adaptive: whether some benchmark is adaptive, *locked:
 * whether an earlier round holds the folder's lock (kept to the end). */
static int
run_round(struct run_args *a, char **dir, int *adaptive, int *locked)
{
	struct run r = { .a = a };
	json_t *moved;
	size_t i;
	int ret;

	if (gen_input_load(&r.in, a->matrix, a->dir, a->shard_index, a->shard_count, a->durations) < 0)
		return EXIT_USAGE;
	r.dir = *dir = a->dir ? xstrdup(a->dir) : xasprintf("results/%s", r.in.m->name);
	for (i = 0; i < r.in.m->nbenchmarks; i++)
		*adaptive |= r.in.m->benchmarks[i].repeat_max > 0;
	if (cells_select(&r) < 0)
		ret = EXIT_USAGE;
	else if (!*locked && lock_dir(r.dir) < 0)
		ret = EXIT_RUNTIME;
	else
		ret = (*locked = 1, generate(&r));
	if (ret == EXIT_OK)
		native_notice(&r);
	if (ret == EXIT_OK) {
		outputs_sweep(&r);
		ret = ninja_run(&r);
	}
	if (ret == EXIT_OK) {
		cells_classify(&r);
		moved = run_json_write(&r);
		ret = summarise(&r, moved);
		json_decref(moved);
		tally_release(&r.t);
	}
	engine_use_free(r.eng, r.neng);
	free(r.jobs);
	free(r.sel);
	gen_input_release(&r.in);
	return ret;
}

int
cmd_run(int argc, char **argv)
{
	struct run_args a;
	char *dir = NULL;
	int ret, adaptive = 0, locked = 0, round = 1, more = 0;

	if (args_parse(argc, argv, &a) < 0)
		return EXIT_USAGE;
	/* Adaptive repetitions: after a round that finished (some cells may
	 * have failed), the cells that missed their target get more
	 * repetitions (repeats.json) and the next round is an ordinary gen and
	 * ninja run with more edges. Bounded: each round adds to cells below
	 * their max only. */
	for (;;) {
		ret = run_round(&a, &dir, &adaptive, &locked);
		if ((ret != EXIT_OK && ret != EXIT_CELLS_FAILED) || !adaptive)
			break;
		if ((more = adaptive_next(dir)) <= 0) {
			if (more < 0)
				ret = EXIT_RUNTIME;
			break;
		}
		printf("jockey: round %d: %d cell%s short of the precision target get more "
		       "repetitions\n", ++round, more, more == 1 ? "" : "s");
		free(dir);
		dir = NULL;
	}
	free(dir);
	return ret;
}
