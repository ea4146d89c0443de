/* gen.h: write the results folder for a matrix (docs/design.md, "The results
 * folder"): build.ninja and every configuration file the edges read.
 *
 * Shared per-axis files carry what cells have in common (base/IMG.json for an
 * image:tag, conf/bench/B.json, conf/host/H.json, conf/parse/B.json); a
 * cell's own files cells/ID/{cell,run}.json are a pure function of its three
 * axis files. gen writes them itself for small matrices and always emits a
 * 'cells' edge per image:tag and benchmark (jockey gen --cells INPUTS -- OUTPUTS)
 * that rewrites them from the axis files, so a matrix of 100,000 cells does not
 * make gen create 200,000 files before ninja starts. */
#ifndef JOCKEY_GEN_H
#define JOCKEY_GEN_H

#include <stddef.h>

#include "gen/matrix.h"

/* Matrices with at most this many cells get their cell and image files from
 * gen itself; larger ones get them from the 'cells' and 'images' edges when
 * ninja first needs them. */
enum { GEN_EAGER_CELLS = 2000 };
/* Matrices with at most this many cells have their cell:ID targets in
 * build.ninja; larger ones have them only in cells.ninja (which includes
 * build.ninja), where the image:, benchmark: and host: targets name the
 * samples files instead: a phony per cell is a fifth of ninja's load time,
 * which at 100,000 cells would take it over a second. cells.ninja is always
 * written, so `ninja -f cells.ninja cell:ID` works at any size. */
enum { GEN_CELL_TARGETS = 20000 };
#define GEN_CELL_TARGETS_S "20,000"

struct gen_options {
	const char *dir;      /* absolute results folder */
	const char *matrix;   /* absolute path of the matrix file */
	const char *jockey;   /* absolute path of the jockey binary */
	const char *edge;       /* jockey-edge beside jockey, else jockey: the run and parse edges' */
	const char *engine;   /* engine of hosts without one: $DOCKER_HOST or the default */
	int quiet;
	/* A CI shard: cells holds only shard shard_index of shard_count (see
	 * gen_shard_filter), out of cells_total; 0: not sharded. */
	int shard_index, shard_count;
	size_t cells_total;
	const char *durations; /* absolute path of the results.json that balanced the shards, or NULL */
};

/* Check and render everything in memory, then write each file that changed.
 * Returns 0, -1 on a runtime error (files), or -2 when the matrix cannot be
 * written (a path ninja cannot hold, two names with one slug): then nothing
 * has been written. */
int gen_write(const struct matrix *m, const struct cell *cells, size_t ncells,
	      const struct gen_options *o);

/* The 'cells' edge: from the axis files (paths relative to the current
 * folder, the results folder) of one image:tag and one benchmark, and the
 * host file of each of n cells, write each cell's cells/ID/run.json (runs[i],
 * with hosts[i]) and cells/ID/cell.json beside it, where they changed. */
int gen_cells(const char *base_json, const char *bench_json, const char *const *hosts,
	      const char *const *runs, size_t n);

/* The 'images' edge: from an image recipe (conf/image/RECIPE.json) and, for
 * each of n image keys, its base file (bases[i], base/IMG.json), write
 * outs[i] = images/KEY.json where it changed. */
int gen_images(const char *recipe_json, const char *const *bases, const char *const *outs, size_t n);

/* The absolute results folder: dir (or results/NAME when NULL) made
 * absolute against the current folder, lexically ("." and ".." resolved, no
 * trailing '/'), so gen and its regeneration edge name it the same. Fresh. */
char *gen_dir(const struct matrix *m, const char *dir);
/* path made absolute and lexically clean the same way. Fresh. */
char *gen_abspath(const char *path);

/* Shards (jockey gen --shard I/N): parse "I/N" (1 <= I <= N <= 4096) into
 * *index, *count; 0, or -1 with a message. */
int gen_shard_parse(const char *s, int *index, int *count);
/* The shard (1..count) of a cell: rendezvous (highest random weight)
 * hashing of its id, so a cell's shard depends on nothing but its id and
 * count; adding or removing other cells moves no cell. */
int gen_shard_of(const char *id, int count);
/* Keep the cells of shard index of count in place (freeing the others) and
 * set *n to their number. durations (may be NULL) is a results.json of an
 * earlier run (an unsharded one, or 'jockey merge'): cells whose duration it
 * knows may move from the most loaded shard to the least loaded, a bounded
 * greedy pass that never moves a cell it does not know. Every shard must be
 * given the same file. 0, or -1 with a message when it cannot be read. */
int gen_shard_filter(struct cell *cells, size_t *n, int index, int count, const char *durations);
/* 16 hex digits identifying a file's content (FNV-1a 64 of its bytes),
 * fresh; NULL with a message when it cannot be read. */
char *gen_file_hash(const char *path);

/* Slug of s: lowercase, every byte outside [a-z0-9._-] becomes '-'. Fresh. */
char *gen_slug(const char *s);

#endif
