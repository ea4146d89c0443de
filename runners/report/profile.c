/* profile.c: reading profile.json and the hot-function diff; see profile.h. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/report/profile.h"

static char *
str_or_empty(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return xstrdup(s ? s : "");
}

/* The basename of a DSO ("/usr/lib/x86_64-linux-gnu/libc.so.6": "libc.so.6"). */
static const char *
base_name(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash && slash[1] ? slash + 1 : s;
}

/* Interval [lo, hi] of key, or [v, v] when absent. */
static void
interval(json_t *f, const char *key, double v, double *lo, double *hi)
{
	json_t *iv = json_object_get(f, key);

	*lo = *hi = v;
	if (json_array_size(iv) == 2 && json_is_number(json_array_get(iv, 0)) &&
	    json_is_number(json_array_get(iv, 1))) {
		*lo = json_number_value(json_array_get(iv, 0));
		*hi = json_number_value(json_array_get(iv, 1));
	}
}

static struct profile_fn *
fn_find(const struct cell_profile *p, const char *symbol, const char *dso)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->fn[i].symbol, symbol) == 0 && strcmp(p->fn[i].dso, dso) == 0)
			return &p->fn[i];
	return NULL;
}

/* Add function object f (index i of "functions") to p, summed with the
 * same (symbol, dso) of another process. */
static int
fn_add(struct cell_profile *p, json_t *f, size_t i, const char *where)
{
	const char *sym = json_string_value(json_object_get(f, "symbol"));
	const char *dso = json_string_value(json_object_get(f, "dso"));
	json_t *self = json_object_get(f, "self");
	struct profile_fn *fn;
	json_int_t n;
	double lo, hi;

	if (!sym || !dso || !json_is_number(self))
		return error("%s: functions[%zu]: needs \"symbol\", \"dso\" and a number \"self\"",
			     where, i);
	dso = base_name(dso);
	if (!*dso) /* a mapping perf names "/": its path, not an empty column */
		dso = json_string_value(json_object_get(f, "dso_path"));
	if (!dso || !*dso)
		dso = "[unknown]";
	interval(f, "self_interval", json_number_value(self), &lo, &hi);
	fn = fn_find(p, sym, dso);
	if (!fn) {
		fn = &p->fn[p->n++];
		fn->symbol = xstrdup(sym);
		fn->dso = xstrdup(dso);
	}
	fn->stripped |= json_is_true(json_object_get(f, "stripped"));
	n = json_integer_value(json_object_get(f, "samples"));
	/* summed over processes; a count no perf can reach saturates */
	if (n > 0)
		fn->samples = fn->samples > LONG_MAX - n ? LONG_MAX : fn->samples + (long)n;
	fn->self += json_number_value(self);
	fn->self_lo += lo;
	fn->self_hi += hi;
	fn->total += json_number_value(json_object_get(f, "total"));
	return 0;
}

static int
fn_cmp(const void *x, const void *y)
{
	const struct profile_fn *a = x, *b = y;
	int c;

	if (a->self != b->self)
		return a->self < b->self ? 1 : -1;
	c = strcmp(a->symbol, b->symbol);
	return c ? c : strcmp(a->dso, b->dso);
}

int
profile_from_json(struct cell_profile *p, json_t *o, const char *where)
{
	json_t *fns = json_object_get(o, "functions"), *f;
	const char *why = json_string_value(json_object_get(o, "unavailable"));
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(o))
		return error("%s: not a profile: a JSON object expected", where);
	p->event = str_or_empty(o, "event");
	p->call_graph = str_or_empty(o, "call_graph");
	p->perf_version = str_or_empty(o, "perf_version");
	p->symfs = str_or_empty(o, "symfs");
	if (why) {
		p->unavailable = xstrdup(why);
		return 0;
	}
	if (!json_is_array(fns)) {
		profile_release(p);
		return error("%s: not a profile: neither \"functions\" nor \"unavailable\"", where);
	}
	p->repetitions = (int)json_integer_value(json_object_get(o, "repetitions"));
	p->frequency = (int)json_integer_value(json_object_get(o, "frequency"));
	p->samples = (long)json_integer_value(json_object_get(o, "samples"));
	p->fn = xcalloc(json_array_size(fns) + 1, sizeof(*p->fn));
	json_array_foreach(fns, i, f) {
		if (fn_add(p, f, i, where) < 0) {
			profile_release(p);
			return -1;
		}
	}
	qsort(p->fn, p->n, sizeof(*p->fn), fn_cmp);
	return 0;
}

int
profile_load(struct cell_profile *p, const char *path)
{
	json_t *o = json_load_path(path, 0);
	int rc;

	memset(p, 0, sizeof(*p));
	if (!o)
		return -1;
	rc = profile_from_json(p, o, path);
	json_decref(o);
	return rc;
}

void
profile_release(struct cell_profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->fn[i].symbol);
		free(p->fn[i].dso);
	}
	free(p->fn);
	free(p->unavailable);
	free(p->event);
	free(p->call_graph);
	free(p->perf_version);
	free(p->symfs);
	memset(p, 0, sizeof(*p));
}

char *
profile_file(const char *dir, const char *id, const char *name)
{
	char *cell = layout_path(dir, LAYOUT_CELL_DIR, id), *path = xasprintf("%s/%s", cell, name);

	free(cell);
	return path;
}

char *
profile_path(const char *dir, const char *id)
{
	char *path = profile_file(dir, id, PROFILE_JSON);

	if (!path_exists(path)) {
		free(path);
		return NULL;
	}
	return path;
}

char *
profile_read_text(const char *dir, const char *id)
{
	char *path = profile_path(dir, id), *text;
	json_error_t err;
	json_t *o;
	struct cell_profile p;

	if (!path)
		return NULL;
	o = json_load_file(path, 0, &err);
	if (!o)
		text = xasprintf("unreadable: %s:%d: %s", path, err.line, err.text);
	else if (profile_from_json(&p, o, path) < 0)
		text = xasprintf("unreadable: %s", error_last());
	else {
		text = profile_text(&p);
		profile_release(&p);
	}
	json_decref(o);
	free(path);
	return text;
}

/* n with a comma every three digits: 12345 is "12,345". */
static void
put_thousands(struct buf *b, long n)
{
	char digits[32];
	size_t len, i;

	if (n < 0)
		buf_putc(b, '-');
	/* as unsigned, so that even LONG_MIN has a magnitude */
	len = (size_t)snprintf(digits, sizeof(digits), "%lu",
			       n < 0 ? 0UL - (unsigned long)n : (unsigned long)n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, digits[i]);
	}
}

char *
profile_text(const struct cell_profile *p)
{
	struct buf b = BUF_INIT;

	if (p->unavailable)
		return xasprintf("unavailable: %s", p->unavailable);
	buf_printf(&b, "%d rep%s, ", p->repetitions, p->repetitions == 1 ? "" : "s");
	put_thousands(&b, p->samples);
	buf_printf(&b, " sample%s", p->samples == 1 ? "" : "s");
	return buf_detach(&b, NULL);
}

/* The largest share a function left out of p's list can have. */
static double
cut_share(const struct cell_profile *p)
{
	return p->n >= PROFILE_MAX_FUNCTIONS ? p->fn[p->n - 1].self : 0;
}

static void
side(const struct profile_fn *f, double cut, double *v, double *lo, double *hi)
{
	if (!f) {
		*v = *lo = 0;
		*hi = cut;
		return;
	}
	*v = f->self;
	*lo = f->self_lo;
	*hi = f->self_hi;
}

static int
change_cmp(const void *x, const void *y)
{
	const struct profile_change *a = x, *b = y;
	double da = fabs(a->delta), db = fabs(b->delta);
	int c;

	if (da != db)
		return da < db ? 1 : -1;
	c = strcmp(a->symbol, b->symbol);
	return c ? c : strcmp(a->dso, b->dso);
}

static void
change_fill(struct profile_change *c, const struct profile_fn *fa, const struct profile_fn *fb,
	    double cut_a, double cut_b)
{
	const struct profile_fn *f = fa ? fa : fb;

	c->symbol = f->symbol;
	c->dso = f->dso;
	side(fa, cut_a, &c->a, &c->a_lo, &c->a_hi);
	side(fb, cut_b, &c->b, &c->b_lo, &c->b_hi);
	c->stripped = (fa && fa->stripped) || (fb && fb->stripped);
	c->delta = c->b - c->a;
	c->beyond = (c->b < c->a_lo || c->b > c->a_hi) && (c->a < c->b_lo || c->a > c->b_hi);
}

size_t
profile_diff(const struct cell_profile *a, const struct cell_profile *b, struct profile_change **out)
{
	struct profile_change *c = xcalloc(a->n + b->n + 1, sizeof(*c));
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		change_fill(&c[n++], &a->fn[i],
			    fn_find(b, a->fn[i].symbol, a->fn[i].dso),
			    cut_share(a), cut_share(b));
	for (i = 0; i < b->n; i++)
		if (!fn_find(a, b->fn[i].symbol, b->fn[i].dso))
			change_fill(&c[n++], NULL, &b->fn[i], cut_share(a), cut_share(b));
	qsort(c, n, sizeof(*c), change_cmp);
	*out = c;
	return n;
}

json_t *
profile_diff_json(const struct profile_change *c, size_t n)
{
	json_t *rows = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:b, s:f, s:f, s:f, s:[f,f], s:[f,f], s:b}",
			"symbol", c[i].symbol, "dso", c[i].dso, "stripped", c[i].stripped, "a", c[i].a,
			"b", c[i].b, "delta", c[i].delta, "a_interval", c[i].a_lo, c[i].a_hi,
			"b_interval", c[i].b_lo, c[i].b_hi, "beyond", c[i].beyond));
	return rows;
}

/* "12.34%" of a share. */
static char *
share_text(double v)
{
	return xasprintf("%.2f%%", v * 100);
}

/* The DSO column: "busybox (stripped)" says why its functions are [unknown]. */
static char *
dso_label(const struct profile_change *c)
{
	return c->stripped ? xasprintf("%s (stripped)", c->dso) : xstrdup(c->dso);
}

void
profile_diff_print(FILE *out, const struct profile_change *c, size_t n)
{
	size_t w[2] = { 8, 3 }, i;

	for (i = 0; i < n; i++) {
		char *d = dso_label(&c[i]);

		if (strlen(c[i].symbol) > w[0])
			w[0] = strlen(c[i].symbol);
		if (strlen(d) > w[1])
			w[1] = strlen(d);
		free(d);
	}
	fprintf(out, "%-*s  %-*s  %8s  %8s  %9s  %s\n", (int)w[0], "function", (int)w[1], "DSO",
		"A", "B", "change", "beyond both intervals");
	for (i = 0; i < n; i++) {
		char *a = share_text(c[i].a), *b = share_text(c[i].b), *d = dso_label(&c[i]);

		fprintf(out, "%-*s  %-*s  %8s  %8s  %+6.2f pt  %s\n", (int)w[0], c[i].symbol,
			(int)w[1], d, a, b, c[i].delta * 100, c[i].beyond ? "yes" : "no");
		free(a);
		free(b);
		free(d);
	}
}

int
profile_open(struct cell_profile *p, const char *dir, const char *cell, char **label)
{
	char *cdir = dir ? layout_path(dir, LAYOUT_CELL_DIR, cell) : xstrdup(cell);
	char *path = xasprintf("%s/" PROFILE_JSON, cdir);
	int rc = -1;

	memset(p, 0, sizeof(*p));
	*label = cdir;
	if (!path_exists(cdir) && dir)
		error("no cell '%s' in '%s'; see 'jockey ls'", cell, dir);
	else if (!path_exists(cdir))
		error("no cell folder '%s'", cell);
	else if (!path_exists(path))
		error("cell '%s' has no profile: no %s (it ran without 'profile:'; see docs/matrix.md)",
		      cdir, PROFILE_JSON);
	else if (profile_load(p, path) < 0)
		;
	else if (p->unavailable)
		error("cell '%s' has no profile: %s", cdir, p->unavailable);
	else
		rc = 0;
	free(path);
	if (rc < 0)
		profile_release(p);
	return rc;
}
