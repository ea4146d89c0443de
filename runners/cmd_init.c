/* cmd_init.c: jockey init [-o FILE] [--name NAME] [--ref REF] [--offline]
 * [DIR|URL]: look at a Dockerfile repository (default: the current folder),
 * list its build contexts and what each builds on, and write a commented
 * starter matrix that jockey gen accepts (gen/starter.c). Never overwrites
 * a file. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "base/slug.h"
#include "base/util.h"
#include "gen/repo.h"
#include "gen/starter.h"
#include "runners/commands.h"
#include "runners/opts.h"

struct init_opts {
	const char *repo, *out, *name, *ref;
	int offline;
};

/* The matrix's name: the repo's last path component, as a slug. */
static char *
default_name(const char *repo)
{
	char *abs = strstr(repo, "://") || strchr(repo, '@') ? xstrdup(repo) : path_absolute(repo);
	char *last = strrchr(abs, '/') ? strrchr(abs, '/') + 1 : abs, *dot, *s;

	if ((dot = strstr(last, ".git")) && dot[4] == '\0')
		*dot = '\0';
	s = slug_make(*last ? last : "matrix");
	free(abs);
	return s;
}

/* docs/matrix.schema.json beside the running jockey (a build tree) or
 * where ninja install puts it, as a path from folder dir; NULL if neither. */
static char *
schema_from(const char *dir)
{
	char *exe = xstrdup(self_exe()), *bin = dirname(exe), *rel = NULL;
	char *cand[2];
	int i;

	cand[0] = path_clean(bin, "docs/matrix.schema.json");
	cand[1] = path_clean(bin, "../share/jockey/matrix.schema.json");
	for (i = 0; i < 2 && !rel; i++)
		if (path_exists(cand[i]))
			rel = path_relative(dir, cand[i]);
	free(cand[0]);
	free(cand[1]);
	free(exe);
	return rel;
}

static int
init_write(const struct init_opts *o, const struct starter *st, const char *name)
{
	int remote = strstr(o->repo, "://") || (strchr(o->repo, '@') && strchr(o->repo, ':'));
	char *out = o->out ? xstrdup(o->out) : xasprintf("%s.yaml", name);
	char *abs = path_absolute(out), *dir = xstrdup(abs), *repo, *schema, *text;
	int ret = EXIT_OK;

	*strrchr(dir, '/') = '\0';
	if (!*dir)
		strcpy(dir, "/");
	if (path_exists(out)) {
		error("'%s' exists: not overwriting it (give another file with -o)", out);
		free(out), free(abs), free(dir);
		return EXIT_RUNTIME;
	}
	if (remote) {
		repo = xstrdup(o->repo);
	} else {
		char *r = path_absolute(o->repo);

		repo = path_relative(dir, r);
		free(r);
	}
	schema = schema_from(dir);
	text = starter_matrix(st, name, repo, o->ref, schema);
	if (write_file_atomic(out, text, strlen(text)) < 0)
		ret = EXIT_RUNTIME;
	else
		fprintf(stderr, "%s: wrote %s; give its benchmarks their commands and parsers, then "
			"'jockey run %s'\n", progname, out, out);
	free(text), free(schema), free(repo), free(out), free(abs), free(dir);
	return ret;
}

static int
init_run(const struct init_opts *o)
{
	struct repo_ctx *c = NULL;
	struct starter st;
	size_t n = 0, i, used = 0;
	char *name, *slug;
	int ret;

	if (repo_contexts(o->repo, o->ref, o->offline, &c, &n) < 0)
		return EXIT_RUNTIME;
	if (n == 0) {
		error("no Dockerfile in '%s' (nor in its folders, four levels down)", o->repo);
		return EXIT_RUNTIME;
	}
	starter_read(&st, c, n, o->repo);
	repo_contexts_free(c, n);
	printf("%s: %zu build context%s\n", o->repo, n, n == 1 ? "" : "s");
	starter_list(&st, stdout);
	fflush(stdout);
	for (i = 0; i < st.n; i++)
		used += st.v[i].mode != STARTER_SKIP;
	name = o->name ? xstrdup(o->name) : default_name(o->repo);
	slug = slug_make(name);
	if (!used) {
		error("no build context of '%s' builds an image jockey can test: no matrix written", o->repo);
		ret = EXIT_RUNTIME;
	} else if (!slug_ok(name) || strcmp(name, slug) != 0) {
		error("matrix name '%s' must be a slug of [a-z0-9._-] (give one with --name)", name);
		ret = EXIT_USAGE;
	} else {
		ret = init_write(o, &st, name);
	}
	free(slug);
	free(name);
	starter_release(&st);
	return ret;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'N' },
		{ "ref", required_argument, NULL, 'R' },
		{ "offline", no_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	struct init_opts o = { ".", NULL, NULL, NULL, 0 };
	int c;

	while ((c = opts_next(argc, argv, "o:", longopts, "init")) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 'N':
			o.name = optarg;
			break;
		case 'R':
			o.ref = optarg;
			break;
		case 'O':
			o.offline = 1;
			break;
		default:
			usage("%s", command_usage("init"));
		}
	}
	if (argc - optind > 1)
		usage("%s", command_usage("init"));
	if (argc - optind == 1)
		o.repo = argv[optind];
	return init_run(&o);
}
