/* profile_data.c: perf script's output counted; see profile_data.h. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "runners/run/profile_data.h"

/* Frames of one sample, leaf first. */
struct frame {
	char *sym, *dso;         /* point into the sample's line copies */
};

enum { MAX_FRAMES = 512 };

void
pdata_init(struct pdata *d, int nreps)
{
	memset(d, 0, sizeof(*d));
	d->nreps = nreps;
	d->samples = xcalloc((size_t)nreps, sizeof(*d->samples));
}

/* "ADDR SYMBOL (DSO)" in s (changed in place): 0 with its parts, or -1. */
static int
frame_parse(char *s, struct frame *f)
{
	size_t hex, len;
	char *open;

	s += strspn(s, " \t");
	hex = strspn(s, "0123456789abcdef");
	if (hex == 0 || s[hex] != ' ')
		return -1;
	s += hex + 1;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	if (len == 0 || s[len - 1] != ')')
		return -1;
	for (open = s + len - 1; open > s && !(open[0] == '(' && open[-1] == ' '); open--)
		;
	if (open == s)
		return -1;
	s[len - 1] = '\0';
	open[-1] = '\0';
	f->sym = s;
	f->dso = open + 1;
	return 0;
}

/* The name a DSO goes by in a folded frame: its file's basename; the
 * kernel's "[kernel.kallsyms]" is "[kernel]". */
static const char *
dso_short(const char *dso)
{
	const char *slash = strrchr(dso, '/');

	if (strncmp(dso, "[kernel", 7) == 0)
		return "kernel";
	if (dso[0] == '[')
		return NULL; /* [unknown], [vdso]: as they are */
	return slash ? slash + 1 : dso;
}

static void
frame_put(struct buf *b, const struct frame *f)
{
	const char *sh = dso_short(f->dso), *p;

	for (p = f->sym; *p; p++)
		buf_putc(b, *p == ';' ? ':' : *p);
	if (sh)
		buf_printf(b, " [%s]", sh);
	else
		buf_printf(b, " %s", f->dso);
}

static size_t
func_index(struct pdata *d, const char *comm, const struct frame *f)
{
	char *key = xasprintf("%s\t%s\t%s", comm, f->dso, f->sym);
	size_t i;

	if (strmap_get(&d->fmap, key, &i)) {
		free(key);
		return i;
	}
	d->f = xreallocarray(d->f, d->nf + 1, sizeof(*d->f));
	d->f[d->nf].key = key;
	d->f[d->nf].self = xcalloc((size_t)d->nreps, sizeof(long long));
	d->f[d->nf].total = xcalloc((size_t)d->nreps, sizeof(long long));
	strmap_add(&d->fmap, key, d->nf, NULL);
	return d->nf++;
}

static void
stack_add(struct pdata *d, char *folded)
{
	size_t i;

	if (strmap_get(&d->smap, folded, &i)) {
		d->s[i].count++;
		free(folded);
		return;
	}
	d->s = xreallocarray(d->s, d->ns + 1, sizeof(*d->s));
	d->s[d->ns].folded = folded;
	d->s[d->ns].count = 1;
	strmap_add(&d->smap, folded, d->ns++, NULL);
}

/* One sample: its process and frames, leaf first. */
static void
sample_add(struct pdata *d, int rep, const char *comm, struct frame *fr, size_t n)
{
	size_t idx[MAX_FRAMES], i, j;
	struct buf b = BUF_INIT;

	if (n == 0)
		return;
	d->samples[rep]++;
	for (i = 0; i < n; i++) {
		idx[i] = func_index(d, comm, &fr[i]);
		for (j = 0; j < i && idx[j] != idx[i]; j++)
			;
		if (j == i)
			d->f[idx[i]].total[rep]++;
	}
	d->f[idx[0]].self[rep]++;
	buf_puts(&b, comm);
	for (i = n; i > 0; i--) {
		buf_putc(&b, ';');
		frame_put(&b, &fr[i - 1]);
	}
	stack_add(d, buf_detach(&b, NULL));
}

/* Without call graphs: "COMM ADDR SYMBOL (DSO)" a line, COMM padded on
 * the left (a name with a space in it is cut at the space). */
static void
add_lines(struct pdata *d, int rep, char *copy)
{
	char *line, *save = NULL, *comm, *sp;
	struct frame fr;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		comm = line + strspn(line, " \t");
		sp = strpbrk(comm, " \t");
		if (!sp)
			continue;
		*sp = '\0';
		if (frame_parse(sp + 1, &fr) == 0)
			sample_add(d, rep, comm, &fr, 1);
	}
}

/* With call graphs: the process name alone on a line, then a frame per
 * indented line; strtok_r skips the blank line between samples, so a
 * sample ends where the next name (a line not indented) begins. */
static void
add_stacks(struct pdata *d, int rep, char *copy)
{
	char *line, *save = NULL, *comm = NULL;
	struct frame *fr = xcalloc(MAX_FRAMES, sizeof(*fr));
	size_t n = 0, len;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != ' ' && line[0] != '\t') {
			if (comm)
				sample_add(d, rep, comm, fr, n);
			len = strlen(line);
			while (len > 0 && line[len - 1] == ' ')
				line[--len] = '\0';
			comm = line;
			n = 0;
		} else if (comm && n < MAX_FRAMES && frame_parse(line, &fr[n]) == 0) {
			n++;
		}
	}
	if (comm)
		sample_add(d, rep, comm, fr, n);
	free(fr);
}

void
pdata_add(struct pdata *d, int rep, const char *script, int stacks)
{
	char *copy = xstrdup(script);

	if (stacks)
		add_stacks(d, rep, copy);
	else
		add_lines(d, rep, copy);
	free(copy);
}

long long
pdata_samples(const struct pdata *d)
{
	long long t = 0;
	int i;

	for (i = 0; i < d->nreps; i++)
		t += d->samples[i];
	return t;
}

int
elf_stripped(const char *path)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	int i, ret = -1;

	if (!f)
		return -1;
	if (fread(&eh, sizeof(eh), 1, f) == 1 && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_shentsize == sizeof(sh)) {
		ret = 1;
		for (i = 0; i < eh.e_shnum && ret == 1; i++) {
			if (fseek(f, (long)(eh.e_shoff + (Elf64_Off)i * sizeof(sh)), SEEK_SET) < 0 ||
			    fread(&sh, sizeof(sh), 1, f) != 1) {
				ret = -1;
				break;
			}
			if (sh.sh_type == SHT_SYMTAB)
				ret = 0;
		}
	}
	fclose(f);
	return ret;
}

static long long
sum(const long long *v, int n)
{
	long long t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += v[i];
	return t;
}

/* For qsort: the functions by self samples, then total, then key. */
static const struct pdata *sort_d;

static int
func_cmp(const void *a, const void *b)
{
	const struct pfunc *x = &sort_d->f[*(const size_t *)a], *y = &sort_d->f[*(const size_t *)b];
	long long sx = sum(x->self, sort_d->nreps), sy = sum(y->self, sort_d->nreps);
	long long tx = sum(x->total, sort_d->nreps), ty = sum(y->total, sort_d->nreps);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* [min, max] of v[i] / samples[i] over the repetitions with samples. */
static json_t *
interval(const struct pdata *d, const long long *v)
{
	double lo = 0, hi = 0, s;
	int i, first = 1;

	for (i = 0; i < d->nreps; i++) {
		if (d->samples[i] == 0)
			continue;
		s = (double)v[i] / (double)d->samples[i];
		if (first || s < lo)
			lo = s;
		if (first || s > hi)
			hi = s;
		first = 0;
	}
	return json_pack("[f, f]", lo, hi);
}

/* "stripped": an unknown symbol in a file of the image without a symbol
 * table; never guessed otherwise. */
static int
stripped(const char *symfs, const char *dso, const char *sym)
{
	char *path;
	int r;

	if (strcmp(sym, "[unknown]") != 0 || dso[0] != '/')
		return 0;
	path = xasprintf("%s%s", symfs ? symfs : "", dso);
	r = elf_stripped(path);
	free(path);
	return r == 1;
}

static json_t *
func_json(const struct pdata *d, const struct pfunc *f, const char *symfs, double all)
{
	char *copy = xstrdup(f->key), *dso = strchr(copy, '\t'), *sym;
	const char *sh;
	long long self = sum(f->self, d->nreps), total = sum(f->total, d->nreps);
	json_t *o;

	*dso++ = '\0';
	sym = strchr(dso, '\t');
	*sym++ = '\0';
	sh = dso_short(dso);
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:f, s:o, s:f, s:o}", "process", copy,
		      "dso", sh ? (strcmp(sh, "kernel") == 0 ? "[kernel]" : sh) : dso, "dso_path", dso,
		      "symbol", sym, "stripped", stripped(symfs, dso, sym), "samples", (json_int_t)self,
		      "self", all > 0 ? self / all : 0.0, "self_interval", interval(d, f->self),
		      "total", all > 0 ? total / all : 0.0, "total_interval", interval(d, f->total));
	free(copy);
	return o;
}

json_t *
pdata_functions(const struct pdata *d, const char *symfs, size_t max)
{
	size_t *order = xcalloc(d->nf + 1, sizeof(*order)), i;
	double all = (double)pdata_samples(d);
	json_t *a = json_array();

	for (i = 0; i < d->nf; i++)
		order[i] = i;
	sort_d = d;
	qsort(order, d->nf, sizeof(*order), func_cmp);
	for (i = 0; i < d->nf && i < max; i++)
		json_array_append_new(a, func_json(d, &d->f[order[i]], symfs, all));
	free(order);
	return a;
}

static int
stack_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pstack *)a)->folded, ((const struct pstack *)b)->folded);
}

void
pdata_folded(const struct pdata *d, struct buf *b)
{
	struct pstack *v = xcalloc(d->ns + 1, sizeof(*v));
	size_t i;

	memcpy(v, d->s, d->ns * sizeof(*v));
	qsort(v, d->ns, sizeof(*v), stack_cmp);
	for (i = 0; i < d->ns; i++)
		buf_printf(b, "%s %lld\n", v[i].folded, v[i].count);
	free(v);
}

void
pdata_release(struct pdata *d)
{
	size_t i;

	for (i = 0; i < d->nf; i++) {
		free(d->f[i].key);
		free(d->f[i].self);
		free(d->f[i].total);
	}
	for (i = 0; i < d->ns; i++)
		free(d->s[i].folded);
	free(d->f);
	free(d->s);
	free(d->samples);
	strmap_release(&d->fmap);
	strmap_release(&d->smap);
	memset(d, 0, sizeof(*d));
}
