/* cmd_ls.c: jockey ls [--json] [--probe] [-o DIR] MATRIX: the cells of a
 * matrix, what the results folder holds for each and why a finished cell
 * would run again ("stale: base debian:bookworm moved sha256:1a2b… ->
 * sha256:3c4d…", "context sysbench changed", "host config host-net changed"),
 * told by runners/staleness.c from the files alone: ls never runs a
 * benchmark. With --probe it first asks for the base digests and the
 * Dockerfile repo as the probe and fetch edges would (JOCKEY_OFFLINE is
 * honoured), so that a base that moved upstream shows before a run. */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "gen/gen.h"
#include "gen/repo.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "runners/report/cellstate.h"
#include "runners/run/engine.h"
#include "runners/run/probe.h"

static char *
one_line(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return r;
}

/* Why the cell has no cgroup totals, or NULL: only a remote engine's cells
 * can lack them (runners/run/rsampler.h), so only theirs are read. */
static char *
ls_cgroup_absent(const char *dir, const struct cell *c)
{
	if (c->host->native || !engine_remote(c->host->engine))
		return NULL;
	return cellstate_cgroup_absent(dir, c->id, c->bench->warmup + c->bench->repeat);
}

static int
ls_text(const char *dir, const struct cell *cells, size_t n)
{
	size_t i, w[4] = { 0, 0, 0, 0 };
	char **imgs = xcalloc(n + 1, sizeof(char *));

	for (i = 0; i < n; i++) {
		size_t l;

		imgs[i] = xasprintf("%s:%s", cells[i].image->name, cells[i].tag);
		if ((l = strlen(cells[i].id)) > w[0])
			w[0] = l;
		if ((l = strlen(imgs[i])) > w[1])
			w[1] = l;
		if ((l = strlen(cells[i].bench->name)) > w[2])
			w[2] = l;
		if ((l = strlen(cells[i].host->name)) > w[3])
			w[3] = l;
	}
	for (i = 0; i < n; i++) {
		struct cellstate st;
		char *text, *line, *absent;

		cellstate_read(&st, dir, cells[i].id, cells[i].bench->warmup + cells[i].repeat);
		text = cellstate_text(&st);
		line = one_line(text);
		absent = ls_cgroup_absent(dir, &cells[i]);
		printf("%-*s  %-*s  %-*s  %-*s  %s%s%s%s%s\n", (int)w[0], cells[i].id, (int)w[1], imgs[i],
		       (int)w[2], cells[i].bench->name, (int)w[3], cells[i].host->name, line,
		       absent ? "; no cgroup metrics: " : "", absent ? absent : "",
		       st.profile ? "  profile: " : "", st.profile ? st.profile : "");
		free(absent);
		free(line);
		free(text);
		cellstate_release(&st);
		free(imgs[i]);
	}
	free(imgs);
	return EXIT_OK;
}

static int
ls_json(const char *dir, const struct cell *cells, size_t n)
{
	json_t *a = json_array();
	size_t i;
	char *s;

	for (i = 0; i < n; i++) {
		struct cellstate st;
		char *text, *text2;
		json_t *o;

		cellstate_read(&st, dir, cells[i].id, cells[i].bench->warmup + cells[i].repeat);
		text = cellstate_text(&st);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "id", cells[i].id,
			      "image", cells[i].image->name, "tag", cells[i].tag,
			      "benchmark", cells[i].bench->name, "host", cells[i].host->name,
			      "state", text, "reps", st.reps, "done", st.done);
		if (st.reason) {
			json_object_set_new(o, "failed_reason", json_string(st.reason));
			json_object_set_new(o, "failed_rep", json_integer(st.failed_rep));
		}
		if (st.invalid)
			json_object_set_new(o, "invalid", json_string(st.invalid));
		if ((text2 = ls_cgroup_absent(dir, &cells[i])))
			json_object_set_new(o, "cgroup_absent", json_string(text2));
		free(text2);
		if (st.profile)
			json_object_set_new(o, "profile", json_string(st.profile));
		json_object_set_new(o, "stale", json_boolean(json_array_size(st.stale) > 0));
		json_object_set(o, "reasons", st.stale);
		json_array_append_new(a, o);
		free(text);
		cellstate_release(&st);
	}
	s = json_dumps(a, JSON_INDENT(2) | JSON_SORT_KEYS);
	puts(s);
	free(s);
	json_decref(a);
	return EXIT_OK;
}

/* --probe: what the fetch and probe edges of dir would do now. */
static int
ls_probe(const char *dir)
{
	const char *env = getenv("JOCKEY_OFFLINE");
	int offline = env && *env && strcmp(env, "0") != 0, ret = 0;
	char *pat = layout_path(dir, LAYOUT_BASE_JSON, "*"), *cwd;
	glob_t g;
	size_t i;

	if (glob(pat, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++) {
			const char *file = strrchr(g.gl_pathv[i], '/') + 1;
			char *img = xstrndup(file, strlen(file) - strlen(".json")); /* base/IMG.json */
			char *stamp = layout_path(dir, LAYOUT_BASE_DIGEST, img);

			if (mkdirs_parent(stamp) < 0 || probe_base(g.gl_pathv[i], stamp, offline) < 0)
				ret = -1;
			free(img);
			free(stamp);
		}
		globfree(&g);
	}
	free(pat);
	/* repo.json names its stamps relative to the results folder. */
	pat = xasprintf("%s/" LAYOUT_REPO_JSON, dir);
	if (path_exists(pat) && (cwd = getcwd(NULL, 0))) {
		if (chdir(dir) < 0 || repo_fetch(LAYOUT_REPO_JSON, offline) < 0)
			ret = -1;
		if (chdir(cwd) < 0)
			ret = error("cannot return to '%s':", cwd);
		free(cwd);
	}
	free(pat);
	return ret;
}

int
cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "probe", no_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL;
	struct gen_input in;
	int c, json = 0, probe = 0, ret;

	while ((c = opts_next(argc, argv, "o:", longopts, "ls")) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		case 'P':
			probe = 1;
			break;
		case 'o':
			dir_opt = optarg;
			break;
		default:
			usage("%s", command_usage("ls"));
		}
	}
	if (argc - optind != 1)
		usage("%s", command_usage("ls"));
	if (gen_input_load(&in, argv[optind], dir_opt, 0, 0, NULL) < 0)
		return EXIT_USAGE;
	if (probe && ls_probe(in.o.dir) < 0)
		warn("could not ask for every base image and the Dockerfile repo; the states "
		     "below use the stamps as they are");
	ret = json ? ls_json(in.o.dir, in.cells, in.ncells) : ls_text(in.o.dir, in.cells, in.ncells);
	gen_input_release(&in);
	return ret;
}
