/* profile_data.h: perf script's samples of a cell's profiled repetitions,
 * counted into profile.json's functions and profile.folded's stacks
 * (docs/results.md, "Profiles"; the format is fixed with the report side).
 *
 * perf script -F comm,ip,sym,dso prints a sample as its process name and
 * its frames, leaf first: with call graphs the name alone on a line and a
 * frame per indented line, "ADDR SYMBOL (DSO)", a blank line after the
 * sample; without, one line "COMM ADDR SYMBOL (DSO)", COMM padded.
 *
 * A function is (process, DSO path, symbol). Its self share is the share
 * of samples where it is the leaf, its total share that where it is
 * anywhere on the stack (counted once per sample); each also per
 * repetition, for the interval (min..max over them).
 */
#ifndef JOCKEY_RUN_PROFILE_DATA_H
#define JOCKEY_RUN_PROFILE_DATA_H

#include <jansson.h>

#include "base/buf.h"
#include "base/strmap.h"

struct pfunc {
	char *key;               /* "PROCESS\tDSO_PATH\tSYMBOL" (owned; the map's key) */
	long long *self, *total; /* per repetition (owned) */
};

struct pstack {
	char *folded;            /* "comm;SYM [DSO];..." root first (owned; the map's key) */
	long long count;
};

struct pdata {
	int nreps;
	long long *samples;      /* per repetition */
	struct pfunc *f;
	size_t nf;
	struct strmap fmap;      /* key -> index in f */
	struct pstack *s;
	size_t ns;
	struct strmap smap;      /* folded -> index in s */
};

void pdata_init(struct pdata *d, int nreps);
/* Count the samples of repetition rep (from 0) in script, perf script's
 * output; stacks: recorded with call graphs. */
void pdata_add(struct pdata *d, int rep, const char *script, int stacks);
/* All samples over the repetitions. */
long long pdata_samples(const struct pdata *d);
/* The functions by self share, at most max, as profile.json holds them
 * (a new array); symfs: the image's root, where a DSO's symbol table is
 * looked for when its symbol is unknown (may be NULL). */
json_t *pdata_functions(const struct pdata *d, const char *symfs, size_t max);
/* profile.folded: a line per distinct stack, sorted, onto b. */
void pdata_folded(const struct pdata *d, struct buf *b);
void pdata_release(struct pdata *d);
/* 1 when the ELF file path has no symbol table (.symtab), 0 when it has
 * one, -1 when it cannot be read as ELF. */
int elf_stripped(const char *path);

#endif
