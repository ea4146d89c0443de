/* t-cells-json.c: matrix.json's cells written as text (gen/cells_json.h)
 * are the bytes jansson dumps for the same list, strings that need escapes
 * included. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "gen/cells_json.h"
#include "gen/matrix.h"
#include "tap.h"

/* {"cells": LIST} as jansson dumps it with JSON_INDENT(2). */
static char *
by_jansson(const struct cell *cells, size_t n)
{
	json_t *list = json_array(), *o, *rest;
	size_t i;
	char *s;

	for (i = 0; i < n; i++) {
		const struct benchmark *bm = cells[i].bench;

		o = json_object();
		/* an adaptive benchmark's target first, as gen always wrote it */
		if (bm->repeat_max)
			json_object_set_new(o, "adaptive", json_pack("{s:i, s:i, s:s, s:f}",
				"max", bm->repeat_max, "min", bm->repeat,
				"metric", bm->precision_metric, "precision", bm->precision));
		rest = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:i}",
			"benchmark", bm->name, "host", cells[i].host->name,
			"id", cells[i].id, "image", cells[i].image->name,
			"repeat", cells[i].repeat, "tag", cells[i].tag,
			"warmup", bm->warmup);
		json_object_update(o, rest);
		json_decref(rest);
		json_array_append_new(list, o);
	}
	o = json_pack("{s:o}", "cells", list);
	s = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	return s;
}

static char *
by_text(const struct cell *cells, size_t n)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "{\n  \"cells\": ");
	cells_json_put(&b, cells, n);
	buf_puts(&b, "\n}");
	return buf_detach(&b, NULL);
}

int
main(void)
{
	static const char *const names[] = {
		"debian", "127.0.0.1:5000/base", "say \"hi\"", "back\\slash", "tab\there",
		"ctl\x01x", "del\x7fx", "caf\xc3\xa9", "snow \xe2\x98\x83", "a/b", "line\nbreak", "",
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	struct image im[N];
	struct benchmark bm[N];
	struct host h[N];
	struct cell c[N];
	size_t i;
	char *a, *b;

	memset(im, 0, sizeof(im));
	memset(bm, 0, sizeof(bm));
	memset(h, 0, sizeof(h));
	for (i = 0; i < N; i++) {
		im[i].name = (char *)names[i];
		bm[i].name = (char *)names[(i + 1) % N];
		bm[i].repeat = (int)i + 1;
		bm[i].warmup = (int)(i % 3) * 1000;
		if (i % 2) {	/* adaptive: its cells may have more than min */
			bm[i].repeat_max = 30;
			bm[i].precision = 0.02 * (double)i;
			bm[i].precision_metric = (char *)names[i % N];
		}
		h[i].name = (char *)names[(i + 2) % N];
		c[i].image = &im[i];
		c[i].tag = names[(i + 3) % N];
		c[i].bench = &bm[i];
		c[i].host = &h[i];
		c[i].id = (char *)names[(i + 4) % N];
		c[i].repeat = bm[i].repeat + (i % 2 ? (int)i : 0);
	}
	for (i = 0; i <= N; i++) {
		a = by_jansson(c, i);
		b = by_text(c, i);
		is_str(b, a, "%zu cells: the bytes jansson writes", i);
		free(a);
		free(b);
	}
	for (i = 0; i < N; i++) {
		json_t *j = json_string(names[i]);
		struct buf s = BUF_INIT;

		a = json_dumps(j, JSON_ENCODE_ANY);
		cells_json_string(&s, names[i]);
		is_str(s.data, a, "string %zu as jansson escapes it", i);
		free(a);
		buf_release(&s);
		json_decref(j);
	}
	return tap_done();
}
