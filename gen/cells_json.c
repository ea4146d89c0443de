/* cells_json.c: matrix.json's "cells" list as text (see cells_json.h). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gen/cells_json.h"

void
cells_json_string(struct buf *b, const char *s)
{
	const unsigned char *p;
	char *dumped;
	json_t *j;

	/* Printable ASCII but '"' and '\\' is dumped as it is; anything else
	 * goes through jansson, so that its escapes are the ones used. */
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			break;
	if (!*p) {
		buf_putc(b, '"');
		buf_add(b, s, (size_t)(p - (const unsigned char *)s));
		buf_putc(b, '"');
		return;
	}
	j = json_string(s);
	dumped = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	buf_puts(b, dumped ? dumped : "null");
	free(dumped);
	json_decref(j);
}

/* "      KEY": the indent and key of a cell's member. */
static void
key_put(struct buf *b, const char *key)
{
	buf_puts(b, "      \"");
	buf_puts(b, key);
	buf_puts(b, "\": ");
}

/* An adaptive benchmark's "adaptive" member, its keys in the order gen
 * has always written them (max, min, metric, precision). */
static void
adaptive_put(struct buf *b, const struct benchmark *bm)
{
	json_t *p = json_real(bm->precision);
	char *dumped = p ? json_dumps(p, JSON_ENCODE_ANY) : NULL;

	key_put(b, "adaptive");
	buf_printf(b, "{\n        \"max\": %d,\n        \"min\": %d,\n        \"metric\": ",
		   bm->repeat_max, bm->repeat);
	cells_json_string(b, bm->precision_metric);
	buf_printf(b, ",\n        \"precision\": %s\n      },\n", dumped ? dumped : "null");
	free(dumped);
	json_decref(p);
}

void
cells_json_put(struct buf *b, const struct cell *cells, size_t n)
{
	size_t i;

	if (n == 0) {
		buf_puts(b, "[]");
		return;
	}
	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		const struct cell *c = &cells[i];

		buf_puts(b, i ? ",\n    {\n" : "\n    {\n");
		if (c->bench->repeat_max)
			adaptive_put(b, c->bench);
		key_put(b, "benchmark");
		cells_json_string(b, c->bench->name);
		buf_puts(b, ",\n");
		key_put(b, "host");
		cells_json_string(b, c->host->name);
		buf_puts(b, ",\n");
		key_put(b, "id");
		cells_json_string(b, c->id);
		buf_puts(b, ",\n");
		key_put(b, "image");
		cells_json_string(b, c->image->name);
		buf_puts(b, ",\n");
		key_put(b, "repeat");
		buf_printf(b, "%d,\n", c->repeat);
		key_put(b, "tag");
		cells_json_string(b, c->tag);
		buf_puts(b, ",\n");
		key_put(b, "warmup");
		buf_printf(b, "%d\n    }", c->bench->warmup);
	}
	buf_puts(b, "\n  ]");
}
