/* files.c: reading the small files the edges exchange: stamps and JSON. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/util.h"

json_t *
json_load_path(const char *path, int quiet)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j && !quiet) {
		if (err.line < 1)
			error("%s: %s", path, err.text);
		else
			error("%s:%d:%d: %s", path, err.line, err.column, err.text);
	}
	return j;
}

char *
stamp_read(const char *path)
{
	char *data;
	size_t n;

	if (!path_exists(path) || read_file(path, &data, NULL) < 0)
		return NULL;
	n = strcspn(data, "\r\n");
	while (n > 0 && isspace((unsigned char)data[n - 1]))
		n--;
	if (n == 0) {
		free(data);
		return NULL;
	}
	data[n] = '\0';
	return data;
}

int
json_write_path(const char *path, const json_t *j, size_t flags, int newline)
{
	char *text = json_dumps(j, flags);
	size_t len;
	int ret;

	if (!text)
		fatal("out of memory");
	len = strlen(text);
	if (newline) {
		text = xrealloc(text, len + 2);
		text[len++] = '\n';
		text[len] = '\0';
	}
	ret = write_file_atomic(path, text, len);
	free(text);
	return ret;
}
