/* conditions.c: what a cell's repetitions ran under; see conditions.h. */
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/conditions.h"
#include "runners/report/warmup.h"

json_t *
conditions_rep(json_t *busy, const char *id, int rep, int measured)
{
	char *path = layout_rep_path(NULL, id, rep, LAYOUT_METRICS_JSON);
	json_t *mj = path_exists(path) ? json_load_path(path, 1) : NULL;
	json_t *prov = json_incref(json_object_get(mj, "provenance"));
	json_t *why = json_object_get(json_object_get(prov, "machine"), "busy");

	if (measured && json_array_size(why) > 0)
		json_array_append_new(busy, json_pack("{s:i, s:O}", "rep", rep, "reasons", why));
	json_decref(mj);
	free(path);
	return prov;
}

void
conditions_warmup(json_t *metric, const double *v, size_t n)
{
	const char *better = json_string_value(json_object_get(metric, "better"));
	struct warmup_trend t;

	if (warmup_trend(v, n, better && strcmp(better, "higher") == 0, &t) < 0)
		return;
	json_object_set_new(metric, "warmup_trend",
			    json_pack("{s:I, s:f, s:f, s:b, s:b}", "first", (json_int_t)t.first,
				      "change", t.change, "p", t.p, "tested", t.tested,
				      "trend", t.trend));
}

json_t *
conditions_run(void)
{
	json_t *m = path_exists(LAYOUT_MACHINE_JSON) ? json_load_path(LAYOUT_MACHINE_JSON, 1) : NULL;

	return m ? m : json_null();
}

/* s, or dflt when s is NULL (a damaged file's non-string) */
static const char *
str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static void
bytes_md(struct buf *b, json_t *v)
{
	double x = json_number_value(v);

	if (!json_is_number(v))
		buf_puts(b, "unknown");
	else if (x >= 1024 * 1024)
		buf_printf(b, "%.1f MiB", x / (1024 * 1024));
	else
		buf_printf(b, "%.0f bytes", x);
}

/* The state 'jockey run' recorded before ninja started (machine.json). */
static void
run_md(json_t *m, struct buf *b)
{
	json_t *load = json_object_get(m, "load"), *freq = json_object_get(m, "cpufreq");
	json_t *psi = json_object_get(m, "pressure"), *why = json_object_get(m, "busy"), *v;
	const char *at = json_string_value(json_object_get(m, "at"));
	size_t i;

	buf_printf(b, "The machine before the last run (%s): load average ", str_or(at, "?"));
	if (json_array_size(load) == 3)
		buf_printf(b, "%.2f / %.2f / %.2f", json_number_value(json_array_get(load, 0)),
			   json_number_value(json_array_get(load, 1)),
			   json_number_value(json_array_get(load, 2)));
	else
		buf_puts(b, "unknown");
	buf_printf(b, " on %lld CPUs, %lld other containers, swap used ",
		   (long long)json_integer_value(json_object_get(m, "ncpu")),
		   (long long)json_integer_value(json_object_get(m, "other_containers")));
	bytes_md(b, json_object_get(m, "swap_used_bytes"));
	if (json_is_string(freq))
		buf_printf(b, ", CPU frequency %s", json_string_value(freq));
	else if (json_is_string(json_object_get(freq, "governor")))
		buf_printf(b, ", CPU frequency governor %s",
			   json_string_value(json_object_get(freq, "governor")));
	if (json_is_object(psi))
		buf_printf(b, ", pressure (some, avg10) cpu %.1f%%, memory %.1f%%, io %.1f%%",
			   json_number_value(json_object_get(json_object_get(psi, "cpu"), "some_avg10")),
			   json_number_value(json_object_get(json_object_get(psi, "memory"), "some_avg10")),
			   json_number_value(json_object_get(json_object_get(psi, "io"), "some_avg10")));
	else {
		buf_puts(b, ", memory available ");
		bytes_md(b, json_object_get(m, "mem_available_bytes"));
	}
	buf_puts(b, json_array_size(why) ? ". Busy: " : ". Quiet.");
	json_array_foreach(why, i, v)
		buf_printf(b, "%s%s", i ? "; " : "", str_or(json_string_value(v), "?"));
	buf_puts(b, json_array_size(why) ? ".\n\n" : "\n\n");
}

/* One line per metric of c with a warm-up trend, one for its busy reps. */
static void
cell_md(json_t *c, struct buf *b)
{
	const char *id = json_string_value(json_object_get(c, "id")), *name;
	json_t *busy = json_object_get(c, "machine_busy"), *m, *t;

	json_object_foreach(json_object_get(c, "metrics"), name, m) {
		const char *unit = json_string_value(json_object_get(m, "unit"));

		t = json_object_get(m, "warmup_trend");
		if (!json_is_true(json_object_get(t, "trend")))
			continue;
		buf_printf(b, "- `%s`: warm-up trend: first %lld reps %.0f%% %s (%s, p = %.2g)\n", id,
			   (long long)json_integer_value(json_object_get(t, "first")),
			   100 * json_number_value(json_object_get(t, "change")),
			   unit && strcmp(unit, "bytes") == 0 ? "worse" : "slower", name,
			   json_number_value(json_object_get(t, "p")));
	}
	if (json_array_size(busy))
		buf_printf(b, "- `%s`: %zu of %lld measured repetitions ran on a busy machine (rep %lld: %s)\n",
			   id, json_array_size(busy),
			   (long long)json_array_size(json_object_get(json_object_get(json_object_get(c,
				"metrics"), "elapsed_s"), "samples")),
			   (long long)json_integer_value(json_object_get(json_array_get(busy, 0), "rep")),
			   str_or(json_string_value(json_array_get(json_object_get(json_array_get(busy, 0),
				"reasons"), 0)), "?"));
}

void
conditions_md(json_t *results, struct buf *b)
{
	json_t *m = json_object_get(results, "machine"), *c;
	size_t i, start;

	buf_puts(b, "## Measurement conditions\n\n");
	start = b->len;
	if (json_is_object(m))
		run_md(m, b);
	json_array_foreach(json_object_get(results, "cells"), i, c)
		cell_md(c, b);
	if (b->len == start) {
		b->len = start - strlen("## Measurement conditions\n\n");
		b->data[b->len] = '\0';
	} else if (b->data[b->len - 1] != '\n' || b->data[b->len - 2] != '\n') {
		buf_putc(b, '\n');
	}
}
