/* flame.c: folded stacks to an SVG flame graph; see flame.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/report/flame.h"

#define UNRESOLVED "[unknown]" /* how an unresolved frame's symbol reads */
#define CHAR_W 6.6 /* the average width of a character of the frames' font, px */

static struct flame_node *
child_get(struct flame_node *n, const char *name, size_t len)
{
	size_t i;
	struct flame_node *c;

	for (i = 0; i < n->nchild; i++)
		if (strncmp(n->child[i].name, name, len) == 0 && n->child[i].name[len] == '\0')
			return &n->child[i];
	if (n->nchild == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 4;
		n->child = xreallocarray(n->child, n->cap, sizeof(*n->child));
	}
	c = &n->child[n->nchild++];
	memset(c, 0, sizeof(*c));
	c->name = xstrndup(name, len);
	return c;
}

/* Add one "STACK COUNT" line (len bytes at line) to root. */
static int
add_line(struct flame_node *root, const char *line, size_t len, const char *where, int lineno)
{
	const char *sp = line + len, *p, *end;
	struct flame_node *n = root;
	char *num;
	long count;

	while (sp > line && sp[-1] != ' ')
		sp--;
	num = xstrndup(sp, (size_t)(line + len - sp));
	errno = 0;
	count = strtol(num, NULL, 10);
	if (sp == line || sp - 1 == line || !*num || strspn(num, "0123456789") != strlen(num) ||
	    errno) {
		free(num);
		return error("%s:%d: not a folded stack: 'STACK COUNT' expected", where, lineno);
	}
	free(num);
	if (count > LONG_MAX - root->value)
		return error("%s:%d: the sample counts add up to more than %ld", where, lineno, LONG_MAX);
	end = sp - 1;
	root->value += count;
	for (p = line; p < end;) {
		size_t flen = strcspn(p, ";");

		if (p + flen > end)
			flen = (size_t)(end - p);
		/* a run of the same unresolved frame (a broken frame-pointer
		 * walk goes 127 deep) carries nothing: it is drawn as one */
		if (!(n != root && strncmp(p, UNRESOLVED, sizeof(UNRESOLVED) - 1) == 0 &&
		      strncmp(n->name, p, flen) == 0 && n->name[flen] == '\0')) {
			n = child_get(n, p, flen);
			n->value += count;
		}
		p += flen + 1;
	}
	return 0;
}

int
flame_parse(struct flame_node *root, const char *text, const char *where)
{
	const char *line, *nl;
	int lineno = 0;

	memset(root, 0, sizeof(*root));
	root->name = xstrdup("all");
	for (line = text; *line; line = *nl ? nl + 1 : nl) {
		size_t len;

		nl = line + strcspn(line, "\n");
		len = (size_t)(nl - line);
		lineno++;
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		if (len == 0)
			continue;
		if (add_line(root, line, len, where, lineno) < 0) {
			flame_release(root);
			return -1;
		}
	}
	return 0;
}

void
flame_release(struct flame_node *root)
{
	size_t i;

	for (i = 0; i < root->nchild; i++)
		flame_release(&root->child[i]);
	free(root->child);
	free(root->name);
	memset(root, 0, sizeof(*root));
}

const char *
flame_kind(const char *name, int depth)
{
	const char *dso = strrchr(name, '[');

	if (depth == 0)
		return "all";
	if (depth == 1)
		return "proc";
	if (!dso)
		return "unknown";
	dso++;
	if (strncmp(dso, "kernel", 6) == 0 || strncmp(dso, "vdso", 4) == 0)
		return "kernel";
	if (strncmp(dso, "ld-musl", 7) == 0 || strncmp(dso, "libc.musl", 9) == 0)
		return "musl";
	if (strncmp(dso, "libc.so", 7) == 0 || strncmp(dso, "ld-linux", 8) == 0 ||
	    strncmp(dso, "libm.so", 7) == 0 || strncmp(dso, "libpthread", 10) == 0)
		return "glibc";
	if (strncmp(dso, "unknown]", 8) == 0)
		return "unknown";
	return "other";
}

/* How to draw: the scale and the frames' cut. */
struct flame_draw {
	struct buf *b;
	double scale;  /* pixels per sample */
	long min;      /* samples of the smallest frame drawn */
	int height;    /* the SVG's height */
	size_t frames;
};

static int
depth_of(const struct flame_node *n, long min)
{
	size_t i;
	int d = 0, c;

	for (i = 0; i < n->nchild; i++)
		if (n->child[i].value >= min && (c = depth_of(&n->child[i], min)) > d)
			d = c;
	return d + 1;
}

/* A frame's label, cut to fit w pixels ("" when not even 3 characters fit). */
static void
put_label(struct buf *b, const char *name, double w)
{
	size_t fit = (size_t)((w - 6) / CHAR_W), len = strlen(name);
	char *s;

	if (fit < 3)
		return;
	s = fit >= len ? xstrdup(name) : xasprintf("%.*s..", (int)(fit - 2), name);
	buf_put_html(b, s);
	free(s);
}

static void
frame_draw(struct flame_draw *d, const struct flame_node *n, int depth, double x)
{
	double w = n->value * d->scale, y = d->height - (depth + 1) * FLAME_FRAME_H;
	size_t i;

	d->frames++;
	buf_puts(d->b, "<g class=\"f ");
	buf_puts(d->b, flame_kind(n->name, depth));
	buf_puts(d->b, "\" data-n=\"");
	buf_put_html(d->b, n->name);
	buf_printf(d->b, "\" data-v=\"%ld\"><title>", n->value);
	buf_put_html(d->b, n->name);
	buf_printf(d->b, " (%ld samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
		   "height=\"%d\" rx=\"2\"/><text x=\"%.1f\" y=\"%.0f\">", n->value,
		   100.0 * n->value * d->scale / FLAME_WIDTH, x, y, w, FLAME_FRAME_H - 1, x + 3,
		   y + FLAME_FRAME_H - 4);
	put_label(d->b, n->name, w);
	buf_puts(d->b, "</text></g>\n");
	for (i = 0; i < n->nchild; i++) {
		if (n->child[i].value >= d->min)
			frame_draw(d, &n->child[i], depth + 1, x);
		x += n->child[i].value * d->scale;
	}
}

size_t
flame_svg(struct buf *b, const struct flame_node *root, const char *id)
{
	struct flame_draw d = { b, 0, 0, 0, 0 };
	long min = (long)(root->value * FLAME_MIN_SHARE + 0.999999);

	d.min = min > 0 ? min : 1;
	d.scale = root->value > 0 ? (double)FLAME_WIDTH / root->value : 0;
	d.height = depth_of(root, d.min) * FLAME_FRAME_H;
	buf_puts(b, "<svg class=\"flame\" id=\"");
	buf_put_html(b, id);
	buf_printf(b, "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		   "height=\"%d\" data-total=\"%ld\">\n", FLAME_WIDTH, d.height, FLAME_WIDTH,
		   d.height, root->value);
	if (root->value > 0)
		frame_draw(&d, root, 0, 0);
	buf_puts(b, "</svg>\n");
	return d.frames;
}
