/* files.h: reading the small files the edges exchange: stamps and JSON. */
#ifndef JOCKEY_FILES_H
#define JOCKEY_FILES_H

#include <jansson.h>

/* Load a JSON file (new reference), or NULL with "PATH:LINE:COL: ..." printed
 * unless quiet. */
json_t *json_load_path(const char *path, int quiet);
/* The first line of a stamp file without trailing white space, fresh; NULL,
 * silently, when the file is missing or that line is empty. */
char *stamp_read(const char *path);
/* Write j (jansson's json_dumps flags) to path with write_file_atomic, plus
 * a trailing newline when newline is set. 0, or -1 with a message. */
int json_write_path(const char *path, const json_t *j, size_t flags, int newline);

#endif
