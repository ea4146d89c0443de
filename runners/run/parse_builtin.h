/* parse_builtin.h: the built-in parsers, one per benchmark tool whose
 * output jockey knows (parse_builtin.c lists their metrics). */
#ifndef JOCKEY_RUN_PARSE_BUILTIN_H
#define JOCKEY_RUN_PARSE_BUILTIN_H

#include <jansson.h>

/* 1 if name is a built-in parser. */
int parse_builtin_exists(const char *name);
/* A NULL-terminated list of the built-in parsers' names. */
const char *const *parse_builtin_names(void);
/* Run the built-in parser name on log (NUL-terminated), appending its
 * metrics to out: how many it found, or -1 when there is no such parser. */
int parse_builtin_run(const char *name, const char *log, json_t *out);

#endif
