/* cmd_ls.c: jockey ls [--json] [-o DIR] MATRIX: the cells of a matrix and what
 * the results folder holds for each. The state only reports files: "done"
 * means every repetition has its samples, not that they are fresh (staleness
 * needs ninja's view of the inputs and comes later). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "commands.h"
#include "gen.h"
#include "matrix.h"
#include "util.h"

struct state {
	int reps, done;
	char *reason;   /* the first failed repetition's reason, or NULL */
	int failed_rep;
};

/* The reason in a failed.json, or a description of why it is unreadable. */
static char *
failed_reason(const char *path)
{
	json_error_t e;
	json_t *o = json_load_file(path, 0, &e);
	const char *r = json_string_value(json_object_get(o, "reason"));
	char *s = xstrdup(r ? r : "(no reason recorded)");

	json_decref(o);
	return s;
}

static void
state_read(const char *dir, const struct cell *c, struct state *st)
{
	char *p;
	int rep;

	memset(st, 0, sizeof(*st));
	st->reps = c->bench->warmup + c->bench->repeat;
	for (rep = 1; rep <= st->reps; rep++) {
		p = xasprintf("%s/cells/%s/%d/samples.json", dir, c->id, rep);
		if (path_exists(p)) {
			st->done++;
			free(p);
			continue;
		}
		free(p);
		p = xasprintf("%s/cells/%s/%d/failed.json", dir, c->id, rep);
		if (!st->reason && path_exists(p)) {
			st->reason = failed_reason(p);
			st->failed_rep = rep;
		}
		free(p);
	}
}

static char *
state_text(const struct state *st)
{
	if (st->done == st->reps)
		return xstrdup("done");
	if (st->reason)
		return xasprintf("failed: %s", st->reason);
	if (st->done == 0)
		return xstrdup("never run");
	return xasprintf("partial %d/%d", st->done, st->reps);
}

static char *
one_line(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return r;
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
		struct state st;
		char *text, *line;

		state_read(dir, &cells[i], &st);
		text = state_text(&st);
		line = one_line(text);
		printf("%-*s  %-*s  %-*s  %-*s  %s\n", (int)w[0], cells[i].id, (int)w[1], imgs[i],
		       (int)w[2], cells[i].bench->name, (int)w[3], cells[i].host->name, line);
		free(line);
		free(text);
		free(st.reason);
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
		struct state st;
		char *text;
		json_t *o;

		state_read(dir, &cells[i], &st);
		text = state_text(&st);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "id", cells[i].id,
			      "image", cells[i].image->name, "tag", cells[i].tag,
			      "benchmark", cells[i].bench->name, "host", cells[i].host->name,
			      "state", text, "reps", st.reps, "done", st.done);
		if (st.reason) {
			json_object_set_new(o, "failed_reason", json_string(st.reason));
			json_object_set_new(o, "failed_rep", json_integer(st.failed_rep));
		}
		json_array_append_new(a, o);
		free(text);
		free(st.reason);
	}
	s = json_dumps(a, JSON_INDENT(2) | JSON_SORT_KEYS);
	puts(s);
	free(s);
	json_decref(a);
	return EXIT_OK;
}

int
cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir_opt = NULL;
	struct matrix *m;
	struct cell *cells = NULL;
	size_t ncells = 0;
	char *dir;
	int c, json = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = 1;
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
	if (!(m = matrix_load(argv[optind])))
		return EXIT_USAGE;
	if (matrix_expand(m, &cells, &ncells) < 0) {
		matrix_free(m);
		return EXIT_USAGE;
	}
	dir = gen_dir(m, dir_opt);
	ret = json ? ls_json(dir, cells, ncells) : ls_text(dir, cells, ncells);
	free(dir);
	cells_free(cells, ncells);
	matrix_free(m);
	return ret;
}
