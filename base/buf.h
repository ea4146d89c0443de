/* buf.h: a growable byte string.
 *
 * Invariants: after buf_init (or BUF_INIT), data is never NULL and
 * data[len] == '\0', so data can always be used as a C string (it may also
 * hold NUL bytes, for binary content such as a tar stream). cap counts the
 * bytes allocated, not including the terminating NUL. */
#ifndef JOCKEY_BUF_H
#define JOCKEY_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/util.h"

struct buf {
	char *data;  /* owned; points at buf_empty until the first growth */
	size_t len;  /* bytes used, not counting the trailing NUL */
	size_t cap;  /* bytes allocated for content; 0 while data is buf_empty */
};

extern char buf_empty[1];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
/* Free the content and leave b as after buf_init. */
void buf_release(struct buf *b);
/* Make room for n more bytes. */
void buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Set len to 0, keeping the allocation. */
void buf_reset(struct buf *b);
/* Hand the content to the caller (who frees it) and leave b empty. */
char *buf_detach(struct buf *b, size_t *len);
/* Append s with HTML's special characters (<, >, &, ") as entities: text
 * or an attribute value of report.html. */
void buf_put_html(struct buf *b, const char *s);

#endif
