/* gen.h: write the results folder for a matrix (docs/design.md, "The results
 * folder"): build.ninja and every configuration file the edges read.
 *
 * Shared per-axis files carry what cells have in common (base/IMG.json for an
 * image:tag, conf/bench/B.json, conf/host/H.json, conf/parse/B.json); a
 * cell's own files cells/ID/{cell,run}.json are a pure function of its three
 * axis files (compose.h). gen writes them itself for small matrices and
 * always emits a 'cells' edge per image:tag and benchmark (jockey cells
 * INPUTS -- OUTPUTS) that rewrites them from the axis files, so a matrix of
 * 100,000 cells does not make gen create 200,000 files before ninja starts.
 *
 * Two steps: gen_render checks and renders everything in memory, so that a
 * matrix that cannot be written leaves the folder untouched; gen_write then
 * writes each file that changed. */
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
	char *dir;            /* owned: the absolute results folder */
	char *matrix;         /* owned: the absolute path of the matrix file */
	const char *jockey;   /* the absolute path of the jockey binary (self_exe) */
	char *edge;           /* owned: jockey-edge beside jockey, else jockey: the run and parse edges' */
	const char *engine;   /* engine of hosts without one: $DOCKER_HOST or the default */
	int quiet;            /* say nothing when all went well */
	/* A CI shard: the cells are only shard shard_index of shard_count (see
	 * shard.h), out of cells_total; shard_count 0: not sharded. */
	int shard_index, shard_count;
	size_t cells_total;
	char *durations;      /* owned: absolute path of the results.json that balanced the shards, or NULL */
};

/* What gen generates from: a matrix, its cells and the options. */
struct gen_input {
	struct matrix *m;
	struct cell *cells;     /* a shard's, when sharded */
	size_t ncells;
	struct gen_options o;
};

/* Load, check and expand the matrix at path, to be written to dir (NULL:
 * results/NAME); with count > 0 keep only the cells of shard index of
 * count, balanced by the results.json at durations when not NULL (see
 * shard.h; messages name it as given). 0, or -1 after every problem is
 * printed: the matrix is invalid. */
int gen_input_load(struct gen_input *in, const char *path, const char *dir, int index, int count,
		   const char *durations);
void gen_input_release(struct gen_input *in);

/* The results folder rendered in memory. */
struct gen;

/* Check and render every file in memory. NULL, after every problem is
 * printed, when the matrix cannot be written (a path ninja cannot hold,
 * two names with one slug): then nothing has been written. m, cells and o
 * must outlive the result. */
struct gen *gen_render(const struct matrix *m, const struct cell *cells, size_t ncells,
		       const struct gen_options *o);
/* Write every rendered file that changed, build.ninja last: an interrupted
 * gen leaves the old graph, and the new one never names a file that is not
 * there yet. Says how many it wrote unless quiet. 0, or -1 with a message. */
int gen_write(struct gen *g);
void gen_free(struct gen *g);

/* The absolute results folder: dir (or results/NAME when NULL) made
 * absolute against the current folder, lexically ("." and ".." resolved, no
 * trailing '/'), so gen and its regeneration edge name it the same. Fresh. */
char *gen_dir(const struct matrix *m, const char *dir);

#endif
