/* conf.c: the edges' configuration files and stamps; see conf.h. */
#include <string.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/run/conf.h"

json_t *
conf_load(const char *path)
{
	json_t *j = json_load_path(path, 0);

	if (j && !json_is_object(j)) {
		json_decref(j);
		error("%s: not a JSON object", path);
		return NULL;
	}
	return j;
}

char *
conf_stamp(const char *path)
{
	char *s;

	if (!path_exists(path)) {
		error("stamp '%s' is missing", path);
		return NULL;
	}
	s = stamp_read(path);
	if (!s)
		error("stamp '%s' is empty", path);
	return s;
}

const char *
conf_str(json_t *config, const char *key)
{
	return json_string_value(json_object_get(config, key));
}

char *
conf_sibling(const char *path, const char *old, const char *new)
{
	size_t n = strlen(path), o = strlen(old);

	if (n >= o && strcmp(path + n - o, old) == 0)
		n -= o;
	return xasprintf("%.*s%s", (int)n, path, new);
}
