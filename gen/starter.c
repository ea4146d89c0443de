/* starter.c: a starter matrix from a repository's Dockerfiles; see
 * starter.h. Each Dockerfile is read with gen/dockerfile.c twice: with BASE
 * given, to tell whether the target builds on the image under test, and
 * without, to learn BASE's default (the image its author meant). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/slug.h"
#include "base/util.h"
#include "gen/dockerfile.h"
#include "gen/starter.h"

static const char *const mode_words[] = {
	[STARTER_BASE] = "on every image",
	[STARTER_KEEP] = "from: keep, on its own image",
	[STARTER_BUILD] = "from: build, a stage builds on BASE",
	[STARTER_SKIP] = "left out",
};

/* The image the root stage names when BASE keeps its default; NULL when
 * it has none (or names more than an image). */
static char *
base_default(const struct repo_ctx *c, const char *path)
{
	struct dockerfile df;
	const struct df_stage *root;
	char *img = NULL;

	/* Without a default the parse fails ("FROM $BASE names no image"):
	 * do not say so, it is no error here. */
	if (!strstr(c->dockerfile, "BASE="))
		return NULL;
	if (dockerfile_parse(&df, path, c->dockerfile, c->len, NULL, 0, 0) < 0)
		return NULL;
	root = dockerfile_root(&df);
	if (root && root->kind == DF_IMAGE && root->image && *root->image && !strchr(root->image, '$'))
		img = xstrdup(root->image);
	dockerfile_release(&df);
	return img;
}

static void
ctx_read(struct starter_ctx *s, const struct repo_ctx *c, const char *shown)
{
	char *path = *c->path ? xasprintf("%s/%s/Dockerfile", shown, c->path)
			      : xasprintf("%s/Dockerfile", shown);
	const struct df_stage *root;
	struct dockerfile df;

	s->context = xstrdup(c->path);
	if (dockerfile_parse(&df, path, c->dockerfile, c->len, NULL, 0, 1) < 0) {
		s->mode = STARTER_SKIP;
		s->note = xasprintf("its Dockerfile cannot be built as it is: %s", error_last());
		free(path);
		return;
	}
	root = dockerfile_root(&df);
	s->from = root && root->operand ? xstrdup(root->operand) : NULL;
	s->takes_base = df.base_declared && dockerfile_uses_base(&df);
	if (root && root->kind == DF_BASE) {
		s->mode = STARTER_BASE;
		s->image = base_default(c, path);
	} else if (s->takes_base) {
		s->mode = STARTER_BUILD;
		s->image = base_default(c, path);
	} else if (root && root->kind == DF_IMAGE && root->image && !strchr(root->image, '$')) {
		s->mode = STARTER_KEEP;
		s->image = xstrdup(root->image);
	} else {
		s->mode = STARTER_SKIP;
		s->note = xstrdup(root && root->kind == DF_SCRATCH ? "FROM scratch without a stage on BASE: "
				  "no image under test to measure" : "its FROM names no image jockey can test");
	}
	dockerfile_release(&df);
	free(path);
}

/* A unique slug for the benchmark of context path (repo_name for the top). */
static char *
bench_name(const struct starter *st, const char *path, const char *repo_name)
{
	char *base = slug_make(*path ? path : repo_name), *name = xstrdup(base);
	size_t i;
	int k = 2;

	for (i = 0; i < st->n; i++) {
		if (st->v[i].bench && strcmp(st->v[i].bench, name) == 0) {
			free(name);
			name = xasprintf("%s-%d", base, k++);
			i = (size_t)-1; /* check the new name against all of them */
		}
	}
	free(base);
	return name;
}

void
starter_read(struct starter *st, const struct repo_ctx *c, size_t n, const char *shown)
{
	const char *slash = strrchr(shown, '/');
	const char *repo_name = slash && slash[1] ? slash + 1 : shown;
	size_t i;

	st->v = xcalloc(n + 1, sizeof(*st->v));
	st->n = 0;
	for (i = 0; i < n; i++) {
		struct starter_ctx *s = &st->v[i];

		ctx_read(s, &c[i], shown);
		s->bench = bench_name(st, c[i].path, repo_name);
		st->n = i + 1;
	}
}

void
starter_release(struct starter *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].context);
		free(st->v[i].bench);
		free(st->v[i].from);
		free(st->v[i].image);
		free(st->v[i].note);
	}
	free(st->v);
}

void
starter_list(const struct starter *st, FILE *f)
{
	size_t i, w = 1;

	for (i = 0; i < st->n; i++)
		if (strlen(st->v[i].context) > w)
			w = strlen(st->v[i].context);
	for (i = 0; i < st->n; i++) {
		const struct starter_ctx *s = &st->v[i];

		char *from = xasprintf("%s%s%s%s", s->from ? s->from : "?",
				       s->mode == STARTER_KEEP || !s->image ? "" : " (",
				       s->mode == STARTER_KEEP || !s->image ? "" : s->image,
				       s->mode == STARTER_KEEP || !s->image ? "" : ")");

		fprintf(f, "  %-*s  %-8s  FROM %-30s  %s%s%s\n", (int)w, *s->context ? s->context : ".",
			s->takes_base ? "ARG BASE" : "-", from, mode_words[s->mode], s->note ? ": " : "",
			s->note ? s->note : "");
		free(from);
	}
}

/* s as a YAML double-quoted scalar. */
static void
put_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* Split an image reference into a fresh name and tag: "nginx" is
 * nginx:latest, "x@sha256:..." has the digest as its tag. */
static void
ref_split(const char *ref, char **name, char **tag)
{
	const char *at = strchr(ref, '@'), *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');

	if (at) {
		*name = xstrndup(ref, (size_t)(at - ref));
		*tag = xstrdup(at + 1);
	} else if (colon) {
		*name = xstrndup(ref, (size_t)(colon - ref));
		*tag = xstrdup(colon + 1);
	} else {
		*name = xstrdup(ref);
		*tag = xstrdup("latest");
	}
}

/* The images section: each name once, its tags in the order met. */
static void
put_images(struct buf *b, const struct starter *st)
{
	char **names = xcalloc(st->n + 1, sizeof(char *)), **tags = xcalloc(st->n + 1, sizeof(char *));
	size_t i, j, k, n = 0;

	for (i = 0; i < st->n; i++)
		if (st->v[i].image && st->v[i].mode != STARTER_SKIP)
			ref_split(st->v[i].image, &names[n], &tags[n]), n++;
	buf_puts(b, "images:                         # named in the FROM lines of the Dockerfiles\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && strcmp(names[j], names[i]) != 0; j++)
			;
		if (j < i)
			continue; /* listed with its first tag */
		buf_puts(b, "  - name: ");
		put_quoted(b, names[i]);
		buf_puts(b, "\n    tags: [");
		for (j = i; j < n; j++) {
			if (strcmp(names[j], names[i]) != 0)
				continue;
			for (k = i; k < j && !(strcmp(names[k], names[i]) == 0 && strcmp(tags[k], tags[j]) == 0); k++)
				;
			if (k < j)
				continue; /* this tag again */
			if (j > i)
				buf_puts(b, ", ");
			put_quoted(b, tags[j]);
		}
		buf_puts(b, "]\n");
	}
	if (!n)
		buf_puts(b, "  - name: debian                # no FROM named an image: put the images to test here\n"
			    "    tags: [\"bookworm\"]\n");
	for (i = 0; i < n; i++) {
		free(names[i]);
		free(tags[i]);
	}
	free(names);
	free(tags);
}

/* One benchmark, with a comment that says what its Dockerfile builds on. */
static void
put_bench(struct buf *b, const struct starter_ctx *s)
{
	const char *ctx = *s->context ? s->context : ".";

	if (s->mode == STARTER_SKIP) {
		buf_printf(b, "  # %s: left out: %s\n", ctx, s->note);
		return;
	}
	buf_printf(b, "  # %s: FROM %s", ctx, s->from ? s->from : "?");
	if (s->mode == STARTER_BASE)
		buf_printf(b, " (ARG BASE%s%s): built on every image above\n",
			   s->image ? ", default " : ", no default", s->image ? s->image : "");
	else if (s->mode == STARTER_BUILD)
		buf_puts(b, ", a stage builds on BASE: measures what each image builds\n");
	else
		buf_puts(b, " (no ARG BASE): measured on that image alone;\n"
			    "  # 'from: rebase' would build it on every image above instead\n");
	buf_puts(b, "  - name: ");
	buf_puts(b, s->bench);
	buf_puts(b, "\n    context: ");
	put_quoted(b, *s->context ? s->context : ".");
	buf_puts(b, "\n");
	if (s->mode == STARTER_BUILD)
		buf_puts(b, "    from: build\n");
	if (s->mode == STARTER_KEEP) {
		buf_puts(b, "    from: keep\n    images: [");
		put_quoted(b, s->image);
		buf_puts(b, "]\n");
	}
	buf_puts(b, "    # command: [prog, arg, ...]   # default: the image's own CMD\n"
		    "    # parser: sysbench            # a built-in, {regex: ..., metric: ...} or {command: [...]}\n");
}

char *
starter_matrix(const struct starter *st, const char *name, const char *repo, const char *ref,
	       const char *schema)
{
	struct buf b = BUF_INIT;
	size_t i, used = 0;

	for (i = 0; i < st->n; i++)
		used += st->v[i].mode != STARTER_SKIP;
	if (schema)
		buf_printf(&b, "# yaml-language-server: $schema=%s\n", schema);
	buf_printf(&b, "# A starter matrix written by 'jockey init' from the Dockerfile repository\n"
		   "#   %s\n"
		   "# %zu build context%s, %zu of them benchmarks. Give each benchmark its command\n"
		   "# and parser (docs/matrix.md), check it with 'jockey ls FILE', run it with\n"
		   "# 'jockey run FILE'.\n", repo, st->n, st->n == 1 ? "" : "s", used);
	buf_puts(&b, "name: ");
	buf_puts(&b, name);
	buf_puts(&b, "\n\ndockerfiles:\n  repo: ");
	put_quoted(&b, repo);
	buf_puts(&b, "\n");
	if (ref) {
		buf_puts(&b, "  ref: ");
		put_quoted(&b, ref);
		buf_puts(&b, "\n");
	}
	buf_puts(&b, "\n");
	put_images(&b, st);
	buf_puts(&b, "\ndefaults:\n  repeat: 3                     # repetitions of each cell\n"
		     "  timeout: 10m                  # of one repetition\n\nbenchmarks:\n");
	for (i = 0; i < st->n; i++)
		put_bench(&b, &st->v[i]);
	buf_puts(&b, "\nhosts:\n  - name: bridge                # the engine's default network\n"
		     "  # - {name: host-net, network: host}\n");
	return buf_detach(&b, NULL);
}
