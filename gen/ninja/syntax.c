/* syntax.c: ninja and shell escaping and the small build-statement writer
 * (see syntax.h). */
#include <string.h>

#include "base/buf.h"
#include "gen/ninja/syntax.h"
#include "base/util.h"

int
ninja_escape_path(struct buf *out, const char *path)
{
	const char *p;
	size_t n;

	if (path[0] == '\0' || strpbrk(path, "|\n\r"))
		return -1;
	/* Most paths are slugs: copy runs of plain bytes in one go. */
	for (p = path; *p; p += n) {
		n = strcspn(p, "$ :");
		buf_add(out, p, n);
		if (p[n] == '\0')
			break;
		buf_putc(out, '$');
		buf_putc(out, p[n]);
		n++;
	}
	return 0;
}

int
ninja_escape_value(struct buf *out, const char *value)
{
	const char *p;
	size_t n;

	if (strpbrk(value, "\n\r"))
		return -1;
	for (p = value; *p; p += n) {
		n = strcspn(p, "$");
		buf_add(out, p, n);
		if (p[n] == '\0')
			break;
		buf_puts(out, "$$");
		n++;
	}
	return 0;
}

void
shell_quote(struct buf *out, const char *s)
{
	const char *p;
	size_t n;

	buf_putc(out, '\'');
	for (p = s; *p; p += n) {
		n = strcspn(p, "'");
		buf_add(out, p, n);
		if (p[n] == '\0')
			break;
		buf_puts(out, "'\\''");
		n++;
	}
	buf_putc(out, '\'');
}

int
ninja_var(struct buf *b, int indent, const char *name, const char *value)
{
	size_t mark = b->len;

	if (indent)
		buf_puts(b, "  ");
	buf_puts(b, name);
	buf_puts(b, " = ");
	if (ninja_escape_value(b, value) < 0) {
		b->len = mark;
		b->data[mark] = '\0';
		return error("cannot write variable '%s' to build.ninja: its value holds a newline", name);
	}
	buf_putc(b, '\n');
	return 0;
}

void
ninja_pool(struct buf *b, const char *name, int depth)
{
	buf_printf(b, "pool %s\n  depth = %d\n", name, depth);
}

void
ninja_rule(struct buf *b, const char *name, const char *const *vars)
{
	buf_printf(b, "rule %s\n", name);
	for (; vars && vars[0]; vars += 2)
		buf_printf(b, "  %s = %s\n", vars[0], vars[1]);
}

static int
paths(struct buf *b, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_putc(b, ' ');
		if (ninja_escape_path(b, v[i]) < 0)
			return error("cannot write path '%s' to build.ninja: "
				     "ninja paths cannot hold '|' or a newline", v[i]);
	}
	return 0;
}

int
ninja_build(struct buf *b, const struct ninja_edge *e)
{
	size_t mark = b->len, i;

	buf_puts(b, "build");
	if (paths(b, e->outs, e->nouts) < 0)
		goto fail;
	buf_puts(b, ": ");
	buf_puts(b, e->rule);
	if (paths(b, e->ins, e->nins) < 0)
		goto fail;
	if (e->nimplicit) {
		buf_puts(b, " |");
		if (paths(b, e->implicit, e->nimplicit) < 0)
			goto fail;
	}
	buf_putc(b, '\n');
	for (i = 0; i < e->nvars; i++)
		if (ninja_var(b, 1, e->vars[2 * i], e->vars[2 * i + 1]) < 0)
			goto fail;
	return 0;
fail:
	b->len = mark;
	b->data[mark] = '\0';
	return -1;
}

int
ninja_default(struct buf *b, const char *target)
{
	size_t mark = b->len;

	buf_puts(b, "default ");
	if (ninja_escape_path(b, target) < 0) {
		b->len = mark;
		b->data[mark] = '\0';
		return error("cannot write path '%s' to build.ninja", target);
	}
	buf_putc(b, '\n');
	return 0;
}
