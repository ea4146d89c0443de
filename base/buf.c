/* buf.c: a growable byte string; see buf.h for its invariants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t want;

	if (b->cap - b->len >= n)
		return;
	want = b->cap ? b->cap : 64;
	while (want - b->len < n)
		want *= 2;
	if (b->cap) {
		b->data = xrealloc(b->data, want + 1);
	} else {
		b->data = xmalloc(want + 1);
		b->data[0] = '\0';
	}
	b->cap = want;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len + 1, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatal("vsnprintf failed");
	if ((size_t)n > b->cap - b->len) {
		buf_grow(b, n);
		vsnprintf(b->data + b->len, b->cap - b->len + 1, fmt, ap);
	}
	b->len += n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->cap ? b->data : xstrdup("");
	buf_init(b);
	return p;
}

void
buf_put_html(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
}
