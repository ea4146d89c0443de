/* expand.c: the cells of a matrix.
 *
 * images x tags x benchmarks x hosts, less what a benchmark's images:
 * restriction leaves out, less every cell an exclude entry matches, plus the
 * cells include entries name (docs/matrix.md, "include and exclude"). Cells
 * are found again by id in a hash table (base/strmap.h), which is also what
 * catches two different cells that would share an id. */
#include <stdlib.h>
#include <string.h>

#include "base/slug.h"
#include "base/strmap.h"
#include "base/util.h"
#include "gen/matrix/expand.h"

struct expansion {
	const struct matrix *m;
	struct diags *d;
	struct cell *v;
	unsigned char *alive;   /* per cell: not excluded */
	size_t n, cap;
	struct strmap ids;      /* cell id (borrowed from the cell) -> its index */
	int failed;
	int too_many;           /* includes would pass MATRIX_MAX_CELLS */
};

static int
same_cell(const struct cell *c, const struct image *im, const char *tag,
          const struct benchmark *b, const struct host *h)
{
	return c->image == im && strcmp(c->tag, tag) == 0 && c->bench == b && c->host == h;
}

/* "IMAGE-TAG.BENCHMARK.HOST", made without printf: gen makes one per cell
 * (fresh string). */
static char *
cell_id(const char *img, const char *tag, const char *bench, const char *host)
{
	const char *part[4] = { img, tag, bench, host };
	static const char sep[4] = { '-', '.', '.', '\0' };
	size_t len[4], total = 0, k;
	char *id, *p;

	for (k = 0; k < 4; k++)
		total += (len[k] = strlen(part[k])) + 1;
	p = id = xmalloc(total);
	for (k = 0; k < 4; k++) {
		memcpy(p, part[k], len[k]);
		p += len[k];
		*p++ = sep[k];
	}
	return id;
}

/* Add the cell, or revive it if an exclude removed it. Returns 1 if the
 * matrix gained a cell, 0 if it was there, -1 on an id clash (reported). */
static int
add_cell(struct expansion *x, const struct image *im, const char *tag,
         const struct benchmark *b, const struct host *h, struct mark from)
{
	char *ts = slug_make(tag), *id = cell_id(im->slug, ts, b->name, h->name);
	size_t i;

	free(ts);
	if (!strmap_add(&x->ids, id, x->n, &i)) {
		const struct cell *c = &x->v[i];

		free(id);
		if (!same_cell(c, im, tag, b, h)) {
			diag_add(x->d, from, "cell id '%s' is made twice: by image '%s' tag '%s' and by "
			         "image '%s' tag '%s'", c->id, c->image->name, c->tag, im->name, tag);
			x->failed = 1;
			return -1;
		}
		if (x->alive[i])
			return 0;
		x->alive[i] = 1;
		return 1;
	}
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		x->v = xreallocarray(x->v, x->cap, sizeof(*x->v));
		x->alive = xrealloc(x->alive, x->cap);
	}
	x->v[x->n].image = im;
	x->v[x->n].tag = tag;
	x->v[x->n].bench = b;
	x->v[x->n].repeat = b->repeat;
	x->v[x->n].host = h;
	x->v[x->n].id = id;
	x->alive[x->n] = 1;
	x->n++;
	return 1;
}

/* Does benchmark b's images: restriction let image im at tag run it? */
static int
allowed(const struct benchmark *b, const struct image *im, const char *tag)
{
	size_t i, len = strlen(im->name);

	if (b->images.n == 0)
		return 1;
	for (i = 0; i < b->images.n; i++) {
		const char *r = b->images.v[i];

		if (!strcmp(r, im->name))
			return 1;
		if (!strncmp(r, im->name, len) && r[len] == ':' && !strcmp(r + len + 1, tag))
			return 1;
	}
	return 0;
}

static int
matches(const struct selector *s, const struct cell *c)
{
	return (!s->image || !strcmp(s->image, c->image->name)) &&
	       (!s->tag || !strcmp(s->tag, c->tag)) &&
	       (!s->benchmark || !strcmp(s->benchmark, c->bench->name)) &&
	       (!s->host || !strcmp(s->host, c->host->name));
}

static void
expand_product(struct expansion *x)
{
	const struct matrix *m = x->m;
	size_t i, j, k, l;

	for (i = 0; i < m->nimages; i++)
		for (j = 0; j < m->images[i].tags.n; j++)
			for (k = 0; k < m->nbenchmarks; k++) {
				if (!allowed(&m->benchmarks[k], &m->images[i], m->images[i].tags.v[j]))
					continue;
				for (l = 0; l < m->nhosts; l++)
					add_cell(x, &m->images[i], m->images[i].tags.v[j],
					         &m->benchmarks[k], &m->hosts[l], m->images[i].mark);
			}
}

/* Every exclude is matched against the product before any exclude applies,
 * so the order of the entries does not matter. */
static void
apply_excludes(struct expansion *x)
{
	const struct matrix *m = x->m;
	size_t e, c, base = x->n;
	unsigned char *hit = xcalloc(base + 1, 1);

	for (e = 0; e < m->nexcludes; e++) {
		size_t found = 0;

		for (c = 0; c < base; c++)
			if (matches(&m->excludes[e], &x->v[c]))
				hit[c] = 1, found++;
		if (!found) {
			diag_add(x->d, m->excludes[e].mark, "this exclude matches no cell of the matrix");
			x->failed = 1;
		}
	}
	for (c = 0; c < base; c++)
		if (hit[c])
			x->alive[c] = 0;
	free(hit);
}

static void
apply_include(struct expansion *x, const struct selector *s)
{
	const struct matrix *m = x->m;
	size_t i, j, k, l, named = 0;

	for (i = 0; i < m->nimages; i++) {
		const struct image *im = &m->images[i];

		if (s->image && strcmp(s->image, im->name))
			continue;
		for (j = 0; j < (s->tag ? 1 : im->tags.n); j++) {
			const char *tag = s->tag ? s->tag : im->tags.v[j];
			int known = 0;

			for (k = 0; k < im->tags.n && !known; k++)
				known = !strcmp(im->tags.v[k], tag);
			if (!known && !s->image)
				continue;
			for (k = 0; k < m->nbenchmarks; k++) {
				const struct benchmark *b = &m->benchmarks[k];

				if (s->benchmark ? strcmp(s->benchmark, b->name) != 0 : !allowed(b, im, tag))
					continue;
				for (l = 0; l < m->nhosts; l++) {
					if (s->host && strcmp(s->host, m->hosts[l].name))
						continue;
					named++;
					if (x->n >= MATRIX_MAX_CELLS) {
						x->too_many = 1;
						continue;
					}
					add_cell(x, im, tag, b, &m->hosts[l], s->mark);
				}
			}
		}
	}
	if (!named) {
		diag_add(x->d, s->mark, "this include names no cell (a benchmark's 'images' leaves "
		         "them out; name the benchmark to override it)");
		x->failed = 1;
	}
}

static int
cell_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cell *)a)->id, ((const struct cell *)b)->id);
}

int
matrix_expand_diag(const struct matrix *m, struct cell **cells, size_t *ncells, struct diags *d)
{
	struct expansion x;
	struct mark none = { 0, 0 };
	double product = 0;
	size_t i, n;

	memset(&x, 0, sizeof(x));
	x.m = m;
	x.d = d;
	*cells = NULL;
	*ncells = 0;
	for (i = 0; i < m->nimages; i++)
		product += (double)m->images[i].tags.n * m->nbenchmarks * m->nhosts;
	if (product > MATRIX_MAX_CELLS) {
		diag_add(d, none, "the matrix has %.0f cells (images x tags x benchmarks x hosts); "
		         "more than %d is surely a mistake", product, MATRIX_MAX_CELLS);
		return -1;
	}
	expand_product(&x);
	apply_excludes(&x);
	for (i = 0; i < m->nincludes; i++)
		apply_include(&x, &m->includes[i]);
	for (i = n = 0; i < x.n; i++) {
		if (x.alive[i])
			x.v[n++] = x.v[i];
		else
			free(x.v[i].id);
	}
	free(x.alive);
	strmap_release(&x.ids);
	if (x.too_many) {
		diag_add(d, none, "the matrix has more than %d cells; that is surely a mistake",
		         MATRIX_MAX_CELLS);
		x.failed = 1;
	} else if (n == 0 && !x.failed) {
		diag_add(d, none, "the matrix has no cells: every combination is left out");
		x.failed = 1;
	}
	if (x.failed) {
		cells_free(x.v, n);
		return -1;
	}
	if (n)
		qsort(x.v, n, sizeof(*x.v), cell_cmp);
	*cells = x.v;
	*ncells = n;
	return 0;
}

int
matrix_expand(const struct matrix *m, struct cell **cells, size_t *ncells)
{
	struct diags d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.file = m->path;
	ret = matrix_expand_diag(m, cells, ncells, &d);
	diag_print(&d);
	diag_release(&d);
	return ret;
}

void
cells_free(struct cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cells[i].id);
	free(cells);
}
