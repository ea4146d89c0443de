/* dockerfile.c: a Dockerfile's stages and what they build on, as the
 * classic builder reads them (see dockerfile.h).
 *
 * The text is read in logical lines: physical lines joined at the escape
 * character, with comment and empty lines inside a continuation dropped.
 * Each character of a logical line keeps its offset in the text, so that
 * every message has its line and column and a rebase can replace the bytes
 * of a FROM operand in place. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/dockerfile.h"

/* BASE's value while parsing: no image reference can hold these bytes. */
#define SENTINEL "\x01jockey-base\x01"

/* A global ARG: its value once declared (NULL: unset). */
struct var {
	char *name, *value;
};

struct parser {
	struct dockerfile *df;
	const char *text;
	size_t len, pos;     /* the next physical line starts at pos */
	size_t *lines;       /* offset of each physical line's start */
	size_t nlines;
	struct buf ll;       /* the logical line */
	size_t *map;         /* per byte of ll: its offset in text */
	size_t mapcap;
	struct var *vars;    /* the global ARGs */
	size_t nvars;
	const struct df_arg *args;
	size_t nargs;
	int base_given;
	int bad;
};

/* --- places and messages ---------------------------------------------------- */

static void
place(const struct parser *p, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = p->nlines;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (p->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - p->lines[lo]) + 1;
}

/* A problem at offset off of the text: printed, and the parse fails. */
static int ATTR_PRINTF(3, 0)
vfail(struct parser *p, size_t off, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	int line, col;

	place(p, off, &line, &col);
	buf_vprintf(&msg, fmt, ap);
	error("%s:%d:%d: %s", p->df->path, line, col, msg.data);
	buf_release(&msg);
	p->bad = 1;
	return -1;
}

static int ATTR_PRINTF(3, 4)
fail_off(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, off, fmt, ap);
	va_end(ap);
	return -1;
}

/* A problem at byte i of the logical line. */
static int ATTR_PRINTF(3, 4)
fail_at(struct parser *p, size_t i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, p->map[i < p->ll.len ? i : p->ll.len - 1], fmt, ap);
	va_end(ap);
	return -1;
}

static void
lines_index(struct parser *p)
{
	size_t i, n = 1;

	for (i = 0; i < p->len; i++)
		n += p->text[i] == '\n';
	p->lines = xcalloc(n + 1, sizeof(size_t));
	p->nlines = 0;
	p->lines[p->nlines++] = 0;
	for (i = 0; i < p->len; i++)
		if (p->text[i] == '\n')
			p->lines[p->nlines++] = i + 1;
}

/* --- logical lines ------------------------------------------------------------ */

/* The physical line at p->pos: [*s, *e) without its end of line. */
static int
physical(struct parser *p, size_t *s, size_t *e)
{
	const char *nl;

	if (p->pos >= p->len)
		return 0;
	*s = p->pos;
	nl = memchr(p->text + p->pos, '\n', p->len - p->pos);
	*e = nl ? (size_t)(nl - p->text) : p->len;
	p->pos = nl ? *e + 1 : p->len;
	if (*e > *s && p->text[*e - 1] == '\r')
		(*e)--;
	return 1;
}

static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
comment(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i < n && s[i] == '#';
}

static void
ll_add(struct parser *p, size_t s, size_t e)
{
	size_t i;

	if (p->ll.len + (e - s) + 1 > p->mapcap) {
		p->mapcap = 2 * (p->ll.len + (e - s) + 1);
		p->map = xreallocarray(p->map, p->mapcap, sizeof(size_t));
	}
	for (i = s; i < e; i++)
		p->map[p->ll.len + (i - s)] = i;
	buf_add(&p->ll, p->text + s, e - s);
}

/* The next instruction as one logical line in p->ll: 1, or 0 at the end. */
static int
logical(struct parser *p)
{
	size_t s, e, t;
	int more = 1, started = 0;

	buf_reset(&p->ll);
	while (more && physical(p, &s, &e)) {
		if (blank(p->text + s, e - s) || comment(p->text + s, e - s))
			continue;
		started = 1;
		t = e;
		while (t > s && (p->text[t - 1] == ' ' || p->text[t - 1] == '\t'))
			t--;
		more = t > s && p->text[t - 1] == p->df->escape;
		ll_add(p, s, more ? t - 1 : e);
	}
	return started;
}

/* A parser directive "# name=value" in [s, e): 1 with name and value
 * (fresh), else 0. */
static int
directive(const char *t, size_t s, size_t e, char **name, char **value)
{
	size_t i = s, n0, v0, v1;

	if (i >= e || t[i++] != '#')
		return 0;
	while (i < e && isspace((unsigned char)t[i]))
		i++;
	n0 = i;
	if (i >= e || !isalpha((unsigned char)t[i]))
		return 0;
	while (i < e && isalnum((unsigned char)t[i]))
		i++;
	*name = xstrndup(t + n0, i - n0);
	while (i < e && isspace((unsigned char)t[i]))
		i++;
	if (i >= e || t[i++] != '=') {
		free(*name);
		return 0;
	}
	while (i < e && isspace((unsigned char)t[i]))
		i++;
	v0 = i;
	v1 = e;
	while (v1 > v0 && isspace((unsigned char)t[v1 - 1]))
		v1--;
	*value = xstrndup(t + v0, v1 - v0);
	return 1;
}

/* The directives at the very top; the first other line (a blank one, an
 * unknown directive too) ends them. Only escape matters to the classic
 * builder. */
static int
directives(struct parser *p)
{
	size_t s, e, save;
	char *name, *value;
	int seen = 0, ret = 0;

	for (;;) {
		save = p->pos;
		if (!physical(p, &s, &e) || !directive(p->text, s, e, &name, &value)) {
			p->pos = save;
			return ret;
		}
		/* an unknown directive is a comment, and so is every line after it */
		if (strcasecmp(name, "escape") != 0 && strcasecmp(name, "syntax") != 0 &&
		    strcasecmp(name, "check") != 0) {
			free(name);
			free(value);
			return ret;
		}
		if (strcasecmp(name, "escape") == 0) {
			if (seen++)
				ret = fail_off(p, s, "only one escape directive is allowed");
			else if (strcmp(value, "\\") != 0 && strcmp(value, "`") != 0)
				ret = fail_off(p, s, "escape must be '\\' or '`', not '%s'", value);
			else
				p->df->escape = value[0];
		}
		free(name);
		free(value);
	}
}

/* --- the shell lexer's words -------------------------------------------------- */

static const char *
var_get(const struct parser *p, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < p->nvars; i++)
		if (strlen(p->vars[i].name) == n && strncmp(p->vars[i].name, name, n) == 0)
			return p->vars[i].value;
	return NULL;
}

/* Expand the word at ll[*i] into out up to the end or an unquoted stop
 * character (which is left at *i). 0 or -1 (printed). */
static int expand(struct parser *p, size_t *i, size_t end, int stop, struct buf *out);

/* After "${NAME": the closing brace, or :-word, :+word, :?word. */
static int
expand_braced(struct parser *p, size_t *i, size_t end, const char *v, size_t at, struct buf *out)
{
	const char *s = p->ll.data;
	struct buf word = BUF_INIT;
	char op;
	int set = v && *v;

	if (*i < end && s[*i] == '}') {
		(*i)++;
		buf_puts(out, v ? v : "");
		return 0;
	}
	if (*i + 1 >= end || s[*i] != ':' || !strchr("-+?", s[*i + 1]))
		return fail_at(p, at, "unsupported substitution: the classic builder knows ${VAR}, "
			       "${VAR:-word}, ${VAR:+word} and ${VAR:?message}");
	op = s[*i + 1];
	*i += 2;
	if (expand(p, i, end, '}', &word) < 0)
		return buf_release(&word), -1;
	if (*i >= end)
		return buf_release(&word), fail_at(p, at, "'${' without its '}'");
	(*i)++;
	if (op == '-')
		buf_puts(out, set ? v : word.data);
	else if (op == '+')
		buf_puts(out, set ? word.data : "");
	else if (set)
		buf_puts(out, v);
	else
		fail_at(p, at, "a variable the build needs is not set: %s", word.data);
	buf_release(&word);
	return p->bad ? -1 : 0;
}

static int
expand_dollar(struct parser *p, size_t *i, size_t end, struct buf *out)
{
	const char *s = p->ll.data;
	size_t at = *i, n0;
	int braced;

	(*i)++;
	braced = *i < end && s[*i] == '{';
	*i += braced;
	n0 = *i;
	while (*i < end && (isalnum((unsigned char)s[*i]) || s[*i] == '_'))
		(*i)++;
	if (*i == n0) {
		if (braced)
			return fail_at(p, at, "'${' needs a variable's name");
		buf_putc(out, '$');
		return 0;
	}
	if (!braced) {
		const char *v = var_get(p, s + n0, *i - n0);

		buf_puts(out, v ? v : "");
		return 0;
	}
	return expand_braced(p, i, end, var_get(p, s + n0, *i - n0), at, out);
}

static int
expand(struct parser *p, size_t *i, size_t end, int stop, struct buf *out)
{
	const char *s = p->ll.data;
	char esc = p->df->escape;
	size_t at;

	while (*i < end && s[*i] != stop) {
		at = *i;
		if (s[*i] == '\'') {
			for ((*i)++; *i < end && s[*i] != '\''; (*i)++)
				buf_putc(out, s[*i]);
			if (*i >= end)
				return fail_at(p, at, "a quote without its end");
			(*i)++;
		} else if (s[*i] == '"') {
			for ((*i)++; *i < end && s[*i] != '"';) {
				if (s[*i] == '$') {
					if (expand_dollar(p, i, end, out) < 0)
						return -1;
					continue;
				}
				/* in double quotes the escape character escapes '"', '$' and itself only */
				if (s[*i] == esc && *i + 1 < end && (s[*i + 1] == '"' || s[*i + 1] == '$' || s[*i + 1] == esc))
					(*i)++;
				buf_putc(out, s[(*i)++]);
			}
			if (*i >= end)
				return fail_at(p, at, "a quote without its end");
			(*i)++;
		} else if (s[*i] == esc) {
			if (++*i < end)
				buf_putc(out, s[(*i)++]);
		} else if (s[*i] == '$') {
			if (expand_dollar(p, i, end, out) < 0)
				return -1;
		} else {
			buf_putc(out, s[(*i)++]);
		}
	}
	return 0;
}

/* The end of the word starting at i: the next whitespace outside quotes. */
static size_t
word_end(const struct parser *p, size_t i, size_t end)
{
	const char *s = p->ll.data;
	char q = 0;

	for (; i < end; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
			else if (q == '"' && s[i] == p->df->escape)
				i++;
		} else if (s[i] == '\'' || s[i] == '"') {
			q = s[i];
		} else if (s[i] == p->df->escape) {
			i++;
		} else if (isspace((unsigned char)s[i])) {
			break;
		}
	}
	return i < end ? i : end;
}

static size_t
skip_space(const struct parser *p, size_t i, size_t end)
{
	while (i < end && isspace((unsigned char)p->ll.data[i]))
		i++;
	return i;
}

/* --- instructions ------------------------------------------------------------- */

/* ARG NAME[=VALUE] ... before the first FROM: a build argument given wins
 * over the default; BASE is the image under test when base_given. */
static int
global_arg(struct parser *p, size_t i, size_t end)
{
	while ((i = skip_space(p, i, end)) < end) {
		size_t e = word_end(p, i, end), n0 = i, ne, k;
		struct buf v = BUF_INIT;
		int has = 0;

		while (i < e && p->ll.data[i] != '=')
			i++;
		ne = i;
		if (i == n0)
			return fail_at(p, n0, "ARG needs a name");
		if (i < e) {
			i++;
			has = 1;
			if (expand(p, &i, e, -1, &v) < 0)
				return buf_release(&v), -1;
		}
		p->vars = xreallocarray(p->vars, p->nvars + 1, sizeof(*p->vars));
		p->vars[p->nvars].name = xstrndup(p->ll.data + n0, ne - n0);
		p->vars[p->nvars].value = has ? buf_detach(&v, NULL) : NULL;
		buf_release(&v);
		if (strcmp(p->vars[p->nvars].name, "BASE") == 0) {
			p->df->base_declared = 1;
			if (p->base_given) {
				free(p->vars[p->nvars].value);
				p->vars[p->nvars].value = xstrdup(SENTINEL);
			}
		}
		for (k = 0; k < p->nargs; k++)
			if (strcmp(p->args[k].name, p->vars[p->nvars].name) == 0 &&
			    strcmp(p->args[k].name, "BASE") != 0) {
				free(p->vars[p->nvars].value);
				p->vars[p->nvars].value = xstrdup(p->args[k].value);
			}
		p->nvars++;
		i = e;
	}
	return 0;
}

/* The kind of an expanded FROM operand; st->image gets "$BASE" for BASE. */
static int
from_classify(struct parser *p, struct df_stage *st, const char *img, size_t at)
{
	struct buf b = BUF_INIT;
	const char *s, *hit;
	size_t k;

	if (!*img)
		return fail_at(p, at, "FROM %s names no image%s", st->operand,
			       strstr(st->operand, "BASE") && !p->df->base_declared ?
			       " (BASE is not declared with ARG before the first FROM, so the engine "
			       "drops the build argument)" : "");
	for (s = img; (hit = strstr(s, SENTINEL)); s = hit + strlen(SENTINEL)) {
		buf_add(&b, s, (size_t)(hit - s));
		buf_puts(&b, "$BASE");
	}
	buf_puts(&b, s);
	st->image = buf_detach(&b, NULL);
	if (strcmp(img, SENTINEL) == 0) {
		st->kind = DF_BASE;
		return 0;
	}
	if (strcasecmp(img, "scratch") == 0) {
		st->kind = DF_SCRATCH;
		return 0;
	}
	for (k = 0; k < p->df->nstages; k++)
		if (p->df->stages[k].name && strcasecmp(p->df->stages[k].name, img) == 0) {
			st->kind = DF_STAGE;
			st->parent = (int)k;
			return 0;
		}
	st->kind = DF_IMAGE;
	return 0;
}

static int
stage_name_ok(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

static void
stage_release(struct df_stage *st)
{
	free(st->operand);
	free(st->image);
	free(st->name);
	free(st->platform);
}

/* The words of FROM: its flags (--platform=P), the operand and AS NAME. */
static int
from_words(struct parser *p, size_t i, size_t end, struct df_stage *st, size_t *w0, size_t *w1)
{
	const char *s = p->ll.data;
	size_t e, nw = 0, a0 = 0, a1 = 0, n0 = 0;

	for (i = skip_space(p, i, end); i < end; i = skip_space(p, e, end)) {
		for (e = i; e < end && !isspace((unsigned char)s[e]); e++)
			;
		if (nw == 0 && strncmp(s + i, "--", 2) == 0) {
			if (e - i <= 11 || strncmp(s + i, "--platform=", 11) != 0)
				return fail_at(p, i, "unknown FROM flag '%.*s' (the classic builder knows --platform)",
					       (int)(e - i), s + i);
			free(st->platform);
			st->platform = xstrndup(s + i + 11, e - i - 11);
			continue;
		}
		if (nw == 0) {
			*w0 = i;
			*w1 = e;
		} else if (nw == 1 && e - i == 2 && strncasecmp(s + i, "as", 2) == 0) {
			a0 = e;
		} else if (nw == 2 && a0) {
			a1 = e;
			n0 = i;
			st->name = xstrndup(s + i, e - i);
		}
		nw++;
	}
	if (nw != 1 && !(nw == 3 && a1))
		return fail_at(p, nw ? *w0 : 0, "FROM takes [--platform=P] IMAGE [AS NAME]");
	for (e = 0; st->name && st->name[e]; e++)
		st->name[e] = (char)tolower((unsigned char)st->name[e]);
	if (st->name && !stage_name_ok(st->name))
		return fail_at(p, n0, "stage name '%s' must start with a letter and hold only "
			       "letters, digits, '-', '_' and '.'", st->name);
	return 0;
}

static int
from_instr(struct parser *p, size_t i, size_t end)
{
	struct df_stage st;
	struct buf img = BUF_INIT;
	size_t w0 = i, w1 = i, j;

	memset(&st, 0, sizeof(st));
	st.parent = -1;
	if (from_words(p, i, end, &st, &w0, &w1) < 0)
		goto fail;
	st.operand = xstrndup(p->ll.data + w0, w1 - w0);
	place(p, p->map[w0], &st.line, &st.col);
	st.off = p->map[w0];
	st.len = p->map[w1 - 1] + 1 - p->map[w0] == w1 - w0 ? w1 - w0 : 0;
	j = w0;
	if (expand(p, &j, w1, -1, &img) < 0 || from_classify(p, &st, img.data, w0) < 0)
		goto fail;
	buf_release(&img);
	p->df->stages = xreallocarray(p->df->stages, p->df->nstages + 1, sizeof(st));
	p->df->stages[p->df->nstages++] = st;
	return 0;
fail:
	buf_release(&img);
	stage_release(&st);
	return -1;
}

/* What the classic builder cannot build, with its place: BuildKit's flags
 * and heredocs. */
static int
buildkit_check(struct parser *p, const char *kw, size_t i, size_t end)
{
	static const char *const run_flags[] = { "mount", "network", "security", NULL };
	static const char *const copy_flags[] = { "chmod", "link", "parents", "exclude", "checksum",
						  "keep-git-dir", NULL };
	const char *const *bad = strcasecmp(kw, "RUN") == 0 ? run_flags : copy_flags;
	const char *s = p->ll.data;
	size_t e, k, n;
	char q = 0;

	for (i = skip_space(p, i, end); i + 2 < end && strncmp(s + i, "--", 2) == 0; i = skip_space(p, e, end)) {
		for (e = i; e < end && !isspace((unsigned char)s[e]); e++)
			;
		n = strcspn(s + i + 2, "= \t");
		for (k = 0; bad[k]; k++)
			if (strlen(bad[k]) == n && strncmp(s + i + 2, bad[k], n) == 0)
				return fail_at(p, i, "'%s --%s' needs BuildKit; jockey drives the engine's classic "
					       "builder, which refuses it", kw, bad[k]);
	}
	for (; i + 2 < end; i++) {
		if (q) {
			q = s[i] == q ? 0 : q;
		} else if (s[i] == '\'' || s[i] == '"') {
			q = s[i];
		} else if (s[i] == p->df->escape) {
			i++;
		} else if (s[i] == '<' && s[i + 1] == '<' && s[i + 2] != '<') {
			k = i + 2 + (s[i + 2] == '-');
			if (k < end && (isalpha((unsigned char)s[k]) || strchr("_'\"", s[k])))
				return fail_at(p, i, "heredocs ('<<') need BuildKit; the engine's classic builder, "
					       "which jockey drives, would read the lines after as instructions");
			i++;
		}
	}
	return 0;
}

static int
instruction(struct parser *p)
{
	static const char *const known[] = {
		"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
		"ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
		"HEALTHCHECK", "SHELL", NULL
	};
	size_t end = p->ll.len, k0 = skip_space(p, 0, end), i = k0, k;
	char kw[16];

	while (i < end && !isspace((unsigned char)p->ll.data[i]))
		i++;
	snprintf(kw, sizeof(kw), "%.*s", (int)(i - k0), p->ll.data + k0);
	for (k = 0; known[k] && strcasecmp(known[k], kw) != 0; k++)
		;
	if (!known[k] || i - k0 >= sizeof(kw))
		return fail_at(p, k0, "unknown instruction '%.*s'", (int)(i - k0), p->ll.data + k0);
	if (strcasecmp(kw, "FROM") == 0)
		return from_instr(p, i, end);
	if (strcasecmp(kw, "ARG") == 0)
		return p->df->nstages ? 0 : global_arg(p, i, end);
	if (!p->df->nstages)
		return fail_at(p, k0, "'%s' before the first FROM (only ARG may come before it)", kw);
	if (strcasecmp(kw, "RUN") == 0 || strcasecmp(kw, "COPY") == 0 || strcasecmp(kw, "ADD") == 0)
		return buildkit_check(p, known[k], i, end);
	return 0;
}

static void
parser_release(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		free(p->vars[i].value);
	}
	free(p->vars);
	free(p->map);
	free(p->lines);
	buf_release(&p->ll);
}

int
dockerfile_parse(struct dockerfile *df, const char *path, const char *text, size_t len,
		 const struct df_arg *args, size_t n, int base_given)
{
	struct parser p;

	memset(df, 0, sizeof(*df));
	memset(&p, 0, sizeof(p));
	df->path = xstrdup(path);
	df->escape = '\\';
	p.df = df;
	p.text = text;
	p.len = len;
	p.args = args;
	p.nargs = n;
	p.base_given = base_given;
	buf_init(&p.ll);
	lines_index(&p);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p.pos = 3;
	directives(&p);
	while (!p.bad && logical(&p))
		instruction(&p);
	if (!p.bad && df->nstages == 0) {
		error("%s: no FROM: a Dockerfile builds on an image", path);
		p.bad = 1;
	}
	parser_release(&p);
	if (p.bad) {
		dockerfile_release(df);
		return -1;
	}
	return 0;
}

void
dockerfile_release(struct dockerfile *df)
{
	size_t i;

	for (i = 0; i < df->nstages; i++)
		stage_release(&df->stages[i]);
	free(df->stages);
	free(df->path);
	memset(df, 0, sizeof(*df));
}

/* --- what the target builds on ---------------------------------------------------- */

static const struct df_stage *
chain_root(const struct dockerfile *df, size_t i)
{
	while (df->stages[i].kind == DF_STAGE)
		i = (size_t)df->stages[i].parent;
	return &df->stages[i];
}

const struct df_stage *
dockerfile_root(const struct dockerfile *df)
{
	return df->nstages ? chain_root(df, df->nstages - 1) : NULL;
}

int
dockerfile_uses_base(const struct dockerfile *df)
{
	size_t i;

	for (i = 0; i < df->nstages; i++)
		if (chain_root(df, i)->kind == DF_BASE)
			return 1;
	return 0;
}

char *
dockerfile_rebase(const struct df_stage *st, const char *text, size_t len, const char *ref, size_t *outlen)
{
	struct buf b = BUF_INIT;

	if (!st->len || st->off + st->len > len)
		return NULL;
	buf_add(&b, text, st->off);
	buf_puts(&b, ref);
	buf_add(&b, text + st->off + st->len, len - st->off - st->len);
	return buf_detach(&b, outlen);
}

/* ref as the engine reads it: docker.io's prefixes gone, ":latest" when it
 * names neither a tag nor a digest; a digest alone when it has one. */
static char *
image_normal(const char *ref)
{
	const char *r = ref, *at = strchr(ref, '@'), *slash, *colon;

	if (strncmp(r, "docker.io/", 10) == 0)
		r += 10;
	else if (strncmp(r, "index.docker.io/", 16) == 0)
		r += 16;
	if (r != ref && strncmp(r, "library/", 8) == 0 && !strchr(r + 8, '/'))
		r += 8;
	if (at) {
		const char *end = at, *sl = r, *c;

		for (c = r; c < at; c++)
			if (*c == '/')
				sl = c;
		colon = memchr(sl, ':', (size_t)(at - sl));
		if (colon)
			end = colon;
		return xasprintf("%.*s%s", (int)(end - r), r, at);
	}
	slash = strrchr(r, '/');
	colon = strrchr(r, ':');
	if (colon && (!slash || colon > slash))
		return xstrdup(r);
	return xasprintf("%s:latest", r);
}

int
dockerfile_same_image(const char *a, const char *b)
{
	char *x = image_normal(a), *y = image_normal(b);
	int same = strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}
