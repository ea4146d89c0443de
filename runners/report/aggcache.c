/* aggcache.c: the aggregate's cache of collected cells (see aggcache.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/layout.h"
#include "base/strmap.h"
#include "base/util.h"
#include "build/version.h"
#include "runners/report/aggcache.h"

struct aggcache {
	char *data;          /* the file read, its separators made NULs */
	struct strmap ids;   /* id (in data) -> index into keys and texts */
	char **keys, **texts;
	size_t n;
	struct buf out;      /* the lines to save */
};

static const char header[] = "jockey aggregate cache 1\t";

/* " MTIME-NS:SIZE:INODE" of path, or " -" when it is not there. */
static void
stamp_put(struct buf *b, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		buf_puts(b, " -");
		return;
	}
	buf_printf(b, " %llx:%llx:%llx",
		   (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
		   (unsigned long long)st.st_mtim.tv_nsec,
		   (unsigned long long)st.st_size, (unsigned long long)st.st_ino);
}

char *
aggcache_global_key(double max_cv)
{
	struct buf b = BUF_INIT;
	char *dir = layout_path(NULL, LAYOUT_CTX_TREE, "x"), *slash = strrchr(dir, '/');
	DIR *d;
	struct dirent *e;

	/* the binary's own stamp too: a rebuilt jockey of one version may
	 * collect otherwise */
	buf_printf(&b, "%s %.17g", JOCKEY_VERSION, max_cv);
	stamp_put(&b, self_exe());
	*slash = '\0';
	stamp_put(&b, dir);
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			char *p;

			if (e->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", dir, e->d_name);
			buf_printf(&b, " %s", e->d_name);
			stamp_put(&b, p);
			free(p);
		}
		closedir(d);
	}
	free(dir);
	return buf_detach(&b, NULL);
}

char *
aggcache_cell_key(json_t *c)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	json_int_t repeat = json_integer_value(json_object_get(c, "repeat"));
	json_int_t warmup = json_integer_value(json_object_get(c, "warmup"));
	static const enum layout_rep_file files[] = { LAYOUT_SAMPLES, LAYOUT_METRICS_JSON, LAYOUT_FAILED };
	struct buf b = BUF_INIT;
	char *p;
	json_int_t rep;
	size_t k;

	buf_printf(&b, "r%lld w%lld", (long long)repeat, (long long)warmup);
	p = layout_path(NULL, LAYOUT_CELL_JSON, id);
	stamp_put(&b, p);
	free(p);
	for (rep = 1; rep <= warmup + repeat; rep++) {
		/* the folder: a file made, renamed or removed there (a log, a
		 * failed.json) moves its mtime */
		p = layout_rep_named(NULL, id, (int)rep, "");
		buf_puts(&b, " |");
		stamp_put(&b, p);
		free(p);
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			p = layout_rep_path(NULL, id, (int)rep, files[k]);
			stamp_put(&b, p);
			free(p);
		}
	}
	return buf_detach(&b, NULL);
}

/* Split the lines of c->data into c's entries; stops at a damaged line. */
static void
entries_read(struct aggcache *c, char *p)
{
	while (*p) {
		char *id = p, *key, *text, *end = strchr(p, '\n');

		if (!end || !(key = memchr(id, '\t', (size_t)(end - id))) ||
		    !(text = memchr(key + 1, '\t', (size_t)(end - key - 1))))
			return;
		*key++ = '\0';
		*text++ = '\0';
		*end = '\0';
		p = end + 1;
		c->keys = xreallocarray(c->keys, c->n + 1, sizeof(*c->keys));
		c->texts = xreallocarray(c->texts, c->n + 1, sizeof(*c->texts));
		c->keys[c->n] = key;
		c->texts[c->n] = text;
		if (strmap_add(&c->ids, id, c->n, NULL))
			c->n++;
	}
}

struct aggcache *
aggcache_load(const char *path, const char *global)
{
	struct aggcache *c = xcalloc(1, sizeof(*c));
	size_t hlen = strlen(header), glen = strlen(global);
	char *data;

	c->ids = (struct strmap)STRMAP_INIT;
	buf_init(&c->out);
	buf_puts(&c->out, header);
	buf_puts(&c->out, global);
	buf_putc(&c->out, '\n');
	if (!path_exists(path) || read_file(path, &data, NULL) < 0)
		return c;
	c->data = data;
	/* the first line: the header and the global key, as they are now */
	if (strncmp(data, header, hlen) != 0 || strncmp(data + hlen, global, glen) != 0 ||
	    data[hlen + glen] != '\n')
		return c;
	entries_read(c, data + hlen + glen + 1);
	return c;
}

static void
line_put(struct aggcache *c, const char *id, const char *key, const char *text)
{
	buf_puts(&c->out, id);
	buf_putc(&c->out, '\t');
	buf_puts(&c->out, key);
	buf_putc(&c->out, '\t');
	buf_puts(&c->out, text);
	buf_putc(&c->out, '\n');
}

json_t *
aggcache_get(struct aggcache *c, const char *id, const char *key)
{
	size_t i;
	json_t *cell;

	if (!strmap_get(&c->ids, id, &i) || strcmp(c->keys[i], key) != 0)
		return NULL;
	cell = json_loads(c->texts[i], 0, NULL);
	if (!json_is_object(cell)) {
		json_decref(cell);
		return NULL;
	}
	line_put(c, id, key, c->texts[i]);
	return cell;
}

void
aggcache_put(struct aggcache *c, const char *id, const char *key, json_t *cell)
{
	/* REAL_PRECISION(17): a sample read back is the double it was */
	char *text = json_dumps(cell, JSON_COMPACT | JSON_REAL_PRECISION(17));

	if (!text || strchr(id, '\t') || strchr(id, '\n') || strchr(key, '\n')) {
		free(text);
		return;
	}
	line_put(c, id, key, text);
	free(text);
}

int
aggcache_save(struct aggcache *c, const char *path)
{
	return write_file_atomic(path, c->out.data, c->out.len);
}

void
aggcache_free(struct aggcache *c)
{
	if (!c)
		return;
	strmap_release(&c->ids);
	free(c->keys);
	free(c->texts);
	free(c->data);
	buf_release(&c->out);
	free(c);
}
