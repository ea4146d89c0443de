/* conf.h: what the run layer's edges read: the JSON files gen wrote for
 * them (cells/ID/run.json, images/KEY.json, base/IMG.json) and the stamps
 * of the edges before them. The edges trust what gen validated; these
 * only refuse what is not there at all. */
#ifndef JOCKEY_RUN_CONF_H
#define JOCKEY_RUN_CONF_H

#include <jansson.h>

/* Load the JSON object file path (a new reference); NULL with a message. */
json_t *conf_load(const char *path);
/* The first line of a stamp file (caller frees); NULL with a message when
 * the file is missing or empty. */
char *conf_stamp(const char *path);
/* A string member of a config, NULL when absent or not a string. */
const char *conf_str(json_t *config, const char *key);
/* The path of the file beside path that an edge writes or reads with it:
 * path's suffix old (when it ends so) replaced by new (caller frees). */
char *conf_sibling(const char *path, const char *old, const char *new);

#endif
