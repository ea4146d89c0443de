/* util.h: errors, allocation and files, the few helpers every module needs. */
#ifndef JOCKEY_UTIL_H
#define JOCKEY_UTIL_H

#include <stddef.h>
#include <stdarg.h>

/* Exit codes, documented in jockey(1). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,     /* the environment is broken: engine, files, network */
	EXIT_USAGE = 2,       /* bad command line or invalid matrix */
	EXIT_CELLS_FAILED = 3, /* the run finished but some cells failed */
	EXIT_BUSY = 4         /* 'jockey run --quiet-machine' refused a busy machine */
};

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Messages go to stderr as "jockey: MESSAGE". A format ending in ':' gets
 * ": strerror(errno)" appended, as samurai's fatal does. */
void warn(const char *fmt, ...) ATTR_PRINTF(1, 2);
void vwarn(const char *fmt, va_list ap);
_Noreturn void fatal(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* Print like warn() and return -1, so callers can write return error(...). */
int error(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* The message of the last error() (without "jockey: "), for a step that
 * records why it failed as well as printing it; "" before any. Static. */
const char *error_last(void);
/* Print "usage: jockey ..." to stderr and exit EXIT_USAGE. */
_Noreturn void usage(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Allocation that cannot fail: out of memory is fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Files. All return 0 on success and -1 with a message printed on failure. */
/* Read a whole file into a fresh NUL-terminated buffer; *len may be NULL. */
int read_file(const char *path, char **data, size_t *len);
/* Write data to path.tmp.PID, fsync it, rename it over path and fsync the
 * folder: readers see the old or the new file, never a half-written one, and
 * after a crash (a power cut too) the new one is there whole or not at all.
 * Creates parent folders. */
int write_file_atomic(const char *path, const void *data, size_t len);
/* fsync the file or folder at path. */
int fsync_path(const char *path);
/* fsync the folder that holds path, so that a rename into it lasts. */
int fsync_parent(const char *path);
/* As write_file_atomic, but leave the file (and its mtime) alone when it
 * already holds exactly data. Returns 1 if written, 0 if unchanged, -1 on error.
 * This is what makes restat stamps prune the graph. */
int write_file_if_changed(const char *path, const void *data, size_t len);
/* mkdir -p; 0 or -1 with a message. */
int mkdirs(const char *path);
/* mkdir -p of the folder part of path. */
int mkdirs_parent(const char *path);
/* 1 if path exists (any type), 0 if not. */
int path_exists(const char *path);

/* jockey's cache folder for WHAT ("repos", "rootfs"): $XDG_CACHE_HOME/jockey/WHAT
 * when XDG_CACHE_HOME is absolute, else $HOME/.cache/jockey/WHAT. Fresh; NULL
 * with a message when neither is set. */
char *cache_dir(const char *what);

/* The absolute path of the running jockey binary, for commands in build.ninja. */
const char *self_exe(void);

/* Name for messages; "jockey" unless a test changes it. */
extern const char *progname;

#endif
