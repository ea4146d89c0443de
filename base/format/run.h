/* run.h: cells/ID/run.json, what one cell's run edges read (docs/design.md,
 * "The results folder"), written down once: gen and the cells edge encode
 * it (gen/compose.c: runconf_encode), the run-cell edge decodes it
 * (runners/run/cell.c: runconf_decode) and reads the struct.
 *
 * The JSON, keys in this order:
 *   {"schema": 1, "cell": ID, "matrix": NAME, "engine": URL, "image": REF,
 *    "benchmark": B, "host": H, "native": false, "timeout_ms": MS, "repeat": N,
 *    "warmup": N, "hostconfig": {base/format/hostconf.h},
 *    "labels": {"jockey": "1", "jockey.matrix", "jockey.cell", "jockey.dir"},
 *    "main": SIDE  |  "server": SIDE, "client": SIDE, "apply_to": "both"}
 * SIDE: {"image_stamp": "stamps/img/KEY.id", "image_id": ID | null,
 *        "command": [...] | null, "env": {...}, "ready": {...} (a server's)}
 */
#ifndef JOCKEY_FORMAT_RUN_H
#define JOCKEY_FORMAT_RUN_H

#include <jansson.h>

#include "base/format/hostconf.h"

/* One side. Everything is borrowed: from the caller when encoding, from
 * the decoded object when decoding. */
struct runconf_side {
	const char *image_stamp; /* stamps/img/KEY.id: the image it runs */
	const char *image_id;    /* the id in that stamp when run.json was written; NULL: not built yet */
	json_t *command;         /* ["arg", ...], or null or NULL: the image's own */
	json_t *env;             /* {NAME: VALUE}: the benchmark's, the host's on top where it applies */
	json_t *ready;           /* a pair's server: when it is ready ({tcp|log|command, timeout_ms}); else NULL */
	json_t *json;            /* decoded: the side's object itself (pair.c fills ${server} in there) */
};

/* Strings, labels and the sides' JSON are borrowed (see above); hc's
 * arrays belong to the struct after a decode (runconf_release). */
struct runconf {
	const char *cell;        /* ID */
	const char *matrix;      /* the matrix's name */
	const char *engine;      /* the engine's URL */
	const char *image;       /* the image under test, "debian:bookworm" */
	const char *benchmark, *host; /* their names */
	const char *dir;         /* the results folder (a label of everything it makes) */
	int native;              /* the host runs the image's files without a container */
	long long timeout_ms;    /* per repetition */
	int repeat, warmup;
	struct hostconf hc;
	json_t *labels;          /* decoded: {"jockey": "1", ...}, the engine objects' labels */
	int pair;                /* server and client, else main */
	enum apply_to apply_to;  /* a pair's: the sides the host config applies to */
	struct runconf_side main, server, client;
};

/* run.json of rc, a new object. */
json_t *runconf_encode(const struct runconf *rc);
/* Fill rc from o, the content of the file path: 0, or -1 with a message
 * when it has no cell or a side or a side's image stamp is missing. */
int runconf_decode(struct runconf *rc, json_t *o, const char *path);
/* Free what runconf_decode allocated. */
void runconf_release(struct runconf *rc);

#endif
