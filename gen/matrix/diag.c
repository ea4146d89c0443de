/* diag.c: the matrix loader's problems, collected and printed in file order
 * (see diag.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "gen/matrix/diag.h"

void
diag_add(struct diags *d, struct mark mark, const char *fmt, ...)
{
	struct buf b = BUF_INIT, clean = BUF_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* A message is one line whatever the user's strings hold. */
	for (i = 0; i < b.len; i++) {
		unsigned char c = b.data[i];

		if (c == '\n')
			buf_puts(&clean, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_putc(&clean, '?');
		else
			buf_putc(&clean, c);
	}
	buf_release(&b);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].mark = mark;
	d->v[d->n].seq = d->n;
	d->v[d->n].msg = buf_detach(&clean, NULL);
	d->n++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->mark.line != y->mark.line)
		return x->mark.line < y->mark.line ? -1 : 1;
	if (x->mark.col != y->mark.col)
		return x->mark.col < y->mark.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t
diag_print(struct diags *d)
{
	size_t i, j, printed = 0;

	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
	for (i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		int seen = 0;

		/* An aliased node is checked once per reference: say it once. */
		for (j = i; j-- > 0 && d->v[j].mark.line == x->mark.line &&
		            d->v[j].mark.col == x->mark.col;)
			if (strcmp(d->v[j].msg, x->msg) == 0)
				seen = 1;
		if (seen)
			continue;
		if (x->mark.line > 0)
			warn("%s:%d:%d: %s", d->file, x->mark.line, x->mark.col, x->msg);
		else
			warn("%s: %s", d->file, x->msg);
		printed++;
	}
	return printed;
}

void
diag_release(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
