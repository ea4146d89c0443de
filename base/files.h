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

#endif
