/* layout.h: the paths of a results folder, relative to it: the one place
 * that spells them (docs/design.md, "The results folder", says who writes
 * and who reads each file).
 *
 * Files at fixed places are macros, for format strings and for joining to
 * a folder. Files named after a thing (a context, a base image, an image
 * key, a benchmark, a host, a cell) are kinds: PREFIX NAME SUFFIX, made
 * fresh (layout_path), appended to a buffer (layout_put: gen writes a
 * hundred thousand of them into build.ninja) or read back (layout_name).
 * A repetition's files sit in cells/ID/REP/. NAME is a slug throughout. */
#ifndef JOCKEY_LAYOUT_H
#define JOCKEY_LAYOUT_H

#include "base/buf.h"

#define LAYOUT_BUILD_NINJA  "build.ninja"
#define LAYOUT_CELLS_NINJA  "cells.ninja"          /* build.ninja and the cell:ID targets */
#define LAYOUT_MATRIX_JSON  "matrix.json"          /* the resolved matrix */
#define LAYOUT_REPO_JSON    "repo.json"            /* the Dockerfile repo and its contexts */
#define LAYOUT_REPO_COMMIT  "stamps/repo.commit"   /* the resolved commit (and "dirty") */
#define LAYOUT_RESULTS_JSON "results.json"
#define LAYOUT_RESULTS_CSV  "results.csv"
#define LAYOUT_SUMMARY_MD   "summary.md"
#define LAYOUT_REPORT_HTML  "report.html"
#define LAYOUT_HISTORY      "history.jsonl"
#define LAYOUT_REPEATS_JSON "repeats.json"         /* adaptive cells' repetitions (gen/adaptive.h) */
#define LAYOUT_AGGREGATE_CACHE "stamps/aggregate.cache" /* the aggregate's collected cells */
#define LAYOUT_RUN_JSON     "run.json"             /* what 'jockey run' ran, found fresh or failed */
#define LAYOUT_MACHINE_JSON "machine.json"         /* 'jockey run': the machine before ninja started */
#define LAYOUT_SELECT_NINJA ".jockey-select.ninja" /* 'jockey run': the cells it was asked for */
#define LAYOUT_STATUS_NINJA ".jockey-status.ninja" /* 'jockey run': what is still out of date */
#define LAYOUT_GEN_STAMP    ".jockey-gen"          /* what gen wrote, and from what (gen/stamp.h) */
#define LAYOUT_RUN_CLEAN    ".jockey-clean"        /* 'jockey run': its last run ended cleanly then */

/* Files named after one thing: the comment shows PREFIX NAME SUFFIX. */
enum layout_kind {
	LAYOUT_CTX_TREE,      /* stamps/ctx/CTX.tree: a context's git tree id */
	LAYOUT_BASE_JSON,     /* base/IMG.json: a base image on an engine */
	LAYOUT_BASE_DIGEST,   /* stamps/base/IMG.digest: its identity */
	LAYOUT_BASE_MOVED,    /* stamps/base/IMG.moved.json: its last move */
	LAYOUT_RECIPE_JSON,   /* conf/image/RECIPE.json: a context and its build args */
	LAYOUT_IMAGE_JSON,    /* images/KEY.json: one image to build or inspect */
	LAYOUT_IMAGE_ID,      /* stamps/img/KEY.id: its id */
	LAYOUT_IMAGE_LOG,     /* images/KEY.log: the engine's build output */
	LAYOUT_IMAGE_INPUTS,  /* images/KEY.inputs.json: what it was built from */
	LAYOUT_BENCH_JSON,    /* conf/bench/B.json: a benchmark's settings */
	LAYOUT_HOST_JSON,     /* conf/host/H.json: a host config's settings */
	LAYOUT_PARSE_JSON,    /* conf/parse/B.json: a benchmark's parsers */
	LAYOUT_CELL_DIR,      /* cells/ID: a cell's folder */
	LAYOUT_CELL_JSON,     /* cells/ID/cell.json: everything resolved for the cell */
	LAYOUT_CELL_RUN,      /* cells/ID/run.json: what its runs need */
	LAYOUT_CELL_PROFILE,  /* cells/ID/profile.json: its profiled repetitions' hot functions */
	LAYOUT_CELL_FOLDED,   /* cells/ID/profile.folded: their stacks, folded */
	LAYOUT_CELL_PROFILE_DIR, /* cells/ID/profile.d: their raw files, one folder each */
};

/* The files of one repetition: cells/ID/REP/FILE, REP from 1. */
enum layout_rep_file {
	LAYOUT_LOG,            /* log: the benchmark's output */
	LAYOUT_SAMPLES,        /* samples.json: its metrics, parsed */
	LAYOUT_METRICS_JSON,   /* metrics.json: exit, times and cgroup totals */
	LAYOUT_METRICS_TSV,    /* metrics.tsv: the time series */
	LAYOUT_FAILED,         /* failed.json: why it failed */
	LAYOUT_SERVER_LOG,     /* server.log: a pair's server's output */
	LAYOUT_SERVER_METRICS, /* server-metrics.tsv: its time series */
};

/* DIR/PREFIX NAME SUFFIX, or without "DIR/" when dir is NULL. Fresh. */
char *layout_path(const char *dir, enum layout_kind k, const char *name);
/* Append PREFIX NAME SUFFIX to b. */
void layout_put(struct buf *b, enum layout_kind k, const char *name);
/* The NAME of path when path is PREFIX NAME SUFFIX of kind k with NAME a
 * slug (base/slug.h: slug_ok), fresh; else NULL. */
char *layout_name(enum layout_kind k, const char *path);

/* DIR/cells/ID/REP/FILE, or without "DIR/" when dir is NULL. Fresh. */
char *layout_rep_path(const char *dir, const char *id, int rep, enum layout_rep_file f);
/* DIR/cells/ID/REP/NAME for a file named elsewhere (failed.json's "log"). */
char *layout_rep_named(const char *dir, const char *id, int rep, const char *name);
/* FILE of f alone ("log", "server.log", ...). */
const char *layout_rep_file(enum layout_rep_file f);
/* Append cells/ID/REP/FILE to b, REP as text. */
void layout_put_rep(struct buf *b, const char *id, const char *rep, enum layout_rep_file f);

#endif
