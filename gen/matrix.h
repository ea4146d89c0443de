/* matrix.h: the experiment matrix as jockey understands it after loading and
 * validating the YAML (docs/matrix.md is the user's reference).
 *
 * One owner: struct matrix owns every string and array below it; matrix_free
 * releases all of it. Nothing here points into libyaml's memory.
 *
 * Every node that came from the file carries its place (struct mark) so that
 * later checks (the generator's, the repo fetch's) can still report
 * FILE:LINE:COL. Lines and columns are 1-based here (libyaml's + 1).
 */
#ifndef JOCKEY_MATRIX_H
#define JOCKEY_MATRIX_H

#include <stddef.h>

#include "base/format/hostconf.h"

struct mark {
	int line, col; /* 1-based; 0 when the value was not written in the file */
};

/* An ordered string-to-string map (env, build args, sysctls, labels). Order is
 * the file's; the generator sorts where it needs determinism. */
struct kv {
	char *key, *value;
	struct mark mark;
};
struct kvlist {
	struct kv *v;
	size_t n;
};

struct strlist {
	char **v;
	size_t n;
	struct mark mark;
};

enum pull_policy { PULL_MISSING, PULL_ALWAYS, PULL_NEVER };

struct image {
	char *name;            /* repository as the engine names it: "debian", "127.0.0.1:5000/base" */
	struct strlist tags;   /* at least one; a tag may be a digest "sha256:..." (then never probed) */
	enum pull_policy pull; /* default PULL_MISSING */
	char *slug;            /* name as it appears in cell ids: "debian", "127.0.0.1-5000-base" */
	struct mark mark;
};

enum parser_kind { PARSER_NONE, PARSER_BUILTIN, PARSER_REGEX, PARSER_COMMAND };
enum better { BETTER_HIGHER, BETTER_LOWER };

struct parser {
	enum parser_kind kind;
	char *builtin;          /* PARSER_BUILTIN: "sysbench", "stress-ng", "redis-benchmark", "ab", "wrk", "fio", "iperf3", "shell" */
	char *pattern;          /* PARSER_REGEX: PCRE2 pattern; the metric is its first capture group (or named group "value") */
	char *metric;           /* PARSER_REGEX: metric name */
	char *unit;             /* PARSER_REGEX: unit, may be NULL */
	enum better better;     /* PARSER_REGEX; default BETTER_HIGHER */
	struct strlist command; /* PARSER_COMMAND: argv; gets the log path as its last argument, prints JSON */
	struct mark mark;
};

/* How a cell decides it is ready (server side of a pair, or a lifecycle
 * benchmark's container). At most one of tcp, log, command, http is set. */
struct ready {
	int tcp;                /* port, 0 if unset */
	char *log;              /* PCRE2 pattern matched against the server's log */
	struct strlist command; /* exec'd in the server container; ready when it exits 0 */
	int http_port;          /* http: GET http://ADDR:PORT/PATH answers http_status; 0 if unset */
	char *http_path;        /* "/..." */
	int http_status;        /* default 200 */
	long timeout_ms;        /* deadline; default 30000 */
	struct mark mark;
};

/* What a context's Dockerfile builds on (docs/matrix.md, 'from'). */
enum from_mode {
	FROM_BASE,    /* the target stage's chain starts FROM BASE (the default) */
	FROM_REBASE,  /* its fixed FROM (or scratch) becomes the image under test */
	FROM_KEEP,    /* its fixed FROM stays: the cells are on that one image */
	FROM_BUILD    /* a build stage uses BASE; the target runs on something else */
};

/* One container of a benchmark: the single container of a plain benchmark, or
 * the server or client of a pair. */
struct side {
	char *context;          /* build context folder in the Dockerfile repo, or NULL: run the image under test as it is */
	char *base;             /* with context: BASE for the build; NULL means the image under test */
	enum from_mode from;    /* with context: what its Dockerfile may build on */
	struct mark from_mark;  /* where 'from' is written (0:0 when it is not) */
	struct kvlist build_args;
	struct strlist command; /* argv, may be empty (the image's own CMD); may hold ${server} and ${server_port} in a client */
	struct kvlist env;      /* defaults.env already merged under it */
	struct ready ready;     /* server side only */
	struct mark mark;
};

/* The phases of a lifecycle benchmark, in the order they run. */
enum lc_phase {
	LC_PUSH, LC_PULL, LC_CREATE, LC_START, LC_READY, LC_FIRST_RESPONSE, LC_RESTART,
	LC_COMMIT, LC_STOP, LC_REMOVE, LC_NPHASES
};

/* A lifecycle benchmark: no command's log is parsed; jockey drives the
 * engine through the phases on the image under test and times each. */
struct lifecycle {
	unsigned phases;        /* bit 1u << LC_X for each phase run (create, start, remove always) */
	struct ready ready;     /* the check of 'ready' and 'restart'; no key set: none */
	char *stop_signal;      /* the container's StopSignal, "SIGTERM" by default */
	int stop_timeout_s;     /* before SIGKILL; default 10 */
	char *push_registry;    /* push: the registry's HOST[:PORT], or NULL: the engine's first mirror */
	int density;            /* 0, or density: how many containers to start (the phases are then
	                         * create, start and ready of each, and remove) */
	int concurrency;        /* density: at most this many being started at once; default 1 */
	long hold_ms;           /* density: how long all are held running once ready; default 0 */
	int pids;               /* density: pids.max of the cell's cgroup parent, 0: none */
	struct mark mark;
};

/* profile: a cell's extra repetitions run under perf record (docs/matrix.md). */
enum call_graph { CG_NONE, CG_FP, CG_DWARF };

struct profile {
	int set;                /* written here (on or off); 0: not written, the other's applies */
	int on;                 /* profile: true or a map; 0 for profile: false */
	int frequency;          /* Hz for perf record -F; default 999 */
	enum call_graph call_graph; /* default CG_FP */
	int repeat;             /* profiled repetitions, beside the timed ones; default 3 */
	struct mark mark;
};

struct benchmark {
	char *name;             /* slug-safe: [a-z0-9._-] */
	struct lifecycle *lifecycle; /* NULL: a command's benchmark; else main is its container */
	struct side main;       /* plain form: context, command, ... */
	int is_pair;            /* 1: server + client form; main is unused */
	struct side server, client; /* complete: keys written beside them (context, base,
	                         * build_args, env) are already folded in */
	int repeat;             /* measured repetitions, >= 1; default from defaults, else 3;
	                         * adaptive (repeat: {min, max, precision}): the min */
	int repeat_max;         /* adaptive: the most a cell may get; 0: fixed repeat */
	double precision;       /* adaptive: the target half-width of the median's
	                         * interval over the median, e.g. 0.02 */
	char *precision_metric; /* adaptive: the metric it applies to (owned) */
	int warmup;             /* repetitions before those, not counted; default 0 */
	long timeout_ms;        /* per repetition; default 600000 */
	struct parser *parsers; /* may be empty: the cell still gets its elapsed time */
	size_t nparsers;
	struct strlist images;  /* restriction: "name" or "name:tag"; empty means all */
	struct profile profile; /* wins over the host's when set */
	struct mark mark;
};

struct ulimit {
	char *name;
	long long soft, hard;   /* -1: unlimited */
	struct mark mark;
};

struct volume {
	char *source;  /* host path (absolute) or named volume */
	char *target;  /* path in the container */
	int readonly;
	struct mark mark;
};

struct host {
	char *name;             /* slug-safe */
	int native;             /* run chrooted in the image's files, no container */
	char *network;          /* "bridge" (default), "host", "none" or a network's name; never NULL */
	char *cpuset;           /* "0-1", "1", NULL */
	double cpus;            /* 0: unlimited */
	long long memory;       /* bytes, 0: unlimited */
	char *runtime;          /* NULL: the engine's default */
	struct volume *volumes;
	size_t nvolumes;
	int privileged;
	struct kvlist env;
	struct kvlist sysctls;
	struct ulimit *ulimits;
	size_t nulimits;
	char *engine;           /* "unix:///path" or "tcp://host:port"; NULL: DOCKER_HOST at gen time */
	enum apply_to apply_to; /* pairs: which side the settings apply to */
	struct profile profile; /* for its cells whose benchmark says nothing */
	struct mark mark;
};

/* A filter entry of include/exclude: any field may be NULL (matches all). */
struct selector {
	char *image, *tag, *benchmark, *host;
	struct mark mark;
};

struct baseline {
	char *host;             /* baseline is a host ... */
	char *image, *tag;      /* ... or an image:tag */
	struct mark mark;
};

struct matrix {
	char *path;             /* the file as given */
	char *dir;              /* absolute folder of the file: relative paths resolve here */
	char *name;             /* slug-safe; results land in results/NAME */
	char *repo;             /* dockerfiles.repo as written, resolved: absolute path or URL;
	                         * never NULL (default: the matrix's folder/../dockerfiles) */
	char *ref;              /* dockerfiles.ref or NULL (a local path: the work tree; a URL: HEAD) */
	struct mark repo_mark;  /* 0:0 when repo was not written */
	struct image *images;
	size_t nimages;
	struct benchmark *benchmarks;
	size_t nbenchmarks;
	struct host *hosts;
	size_t nhosts;
	struct selector *includes, *excludes;
	size_t nincludes, nexcludes;
	struct baseline baseline;  /* both NULL: none */
	double max_cv;          /* noisy above this coefficient of variation; default 0.05 */
	int parallel;           /* ninja pool depth per engine; default 1 */
	int sequential;         /* order: sequential: a cell's repetitions back to back */
	long seed;              /* the interleaved order's shuffles: order.seed, else
	                         * from the name (gen/order.h) */
};

/* Load and validate path. On success return a matrix the caller frees with
 * matrix_free. On failure print every problem as "jockey: FILE:LINE:COL: ..."
 * and return NULL. */
struct matrix *matrix_load(const char *path);
/* matrix_load, and the cells it expanded to check the matrix put in *cells
 * and *ncells (as matrix_expand gives them), so that a caller that needs
 * them does not expand a 100,000-cell matrix twice. */
struct cell;
struct matrix *matrix_load_cells(const char *path, struct cell **cells, size_t *ncells);
void matrix_free(struct matrix *m);
/* The JSON Schema of a matrix, from the loader's key tables (a new
 * jansson object; gen/matrix/schema.c). */
struct json_t;
struct json_t *matrix_schema(void);

/* Parse "120s", "2m", "1h30m", "500ms" into milliseconds; -1 if invalid. */
long parse_duration_ms(const char *s);
/* Parse "512m", "2g", "1024k", "123" (bytes) into bytes; -1 if invalid. */
long long parse_size(const char *s);

/* One cell of the expanded matrix: pointers into the matrix that owns it. */
struct cell {
	const struct image *image;
	const char *tag;        /* may be a tag that only an include adds: then it is
	                         * not in image->tags (so list bases from the cells) */
	const struct benchmark *bench;
	const struct host *host;
	char *id;               /* owned: "debian-bookworm.sysbench-cpu.bridge" */
	int repeat;             /* its measured repetitions: bench->repeat, or for an
	                         * adaptive benchmark more from repeats.json (gen.h) */
};

/* Expand images x tags x benchmarks x hosts, apply images: restrictions,
 * exclude then include. Cells come sorted by id. Return 0, or -1 with every
 * problem reported (an include or exclude that matches nothing). matrix_load
 * has already expanded the matrix once to check it, so for a matrix it
 * returned this does not fail. */
int matrix_expand(const struct matrix *m, struct cell **cells, size_t *ncells);
void cells_free(struct cell *cells, size_t n);
/* The profile settings of c: its benchmark's when written, else its
 * host's; NULL when its repetitions are not profiled. */
const struct profile *cell_profile(const struct cell *c);
/* "none", "fp" or "dwarf". */
const char *call_graph_name(enum call_graph cg);

#endif
