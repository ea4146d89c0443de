/* load.c: load the matrix YAML into struct matrix and check all of it:
 * the top level, defaults and dockerfiles, the names across entries; then
 * matrix_load prints every problem in file order and returns NULL if there
 * was any (see load.h for the parts). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/path.h"
#include "base/slug.h"
#include "base/util.h"
#include "gen/matrix/load.h"
#include "gen/matrix/expand.h"

/* Bounds that keep a hostile file (alias bombs, deep nesting) from taking
 * unbounded time or stack: a real matrix is far below both. */
enum { MAX_DEPTH = 64, MAX_NODES = 100000 };

/* Walk the graph once: find alias cycles, and bound the nesting and the size
 * that aliases expand to, so that the schema walk below cannot recurse or
 * loop without end. */
static int
doc_walk(struct ld *ld, int idx, int depth)
{
	yaml_node_t *n = nd(ld, idx);
	size_t size = 1;
	int height = 0, i;

	if (!n)
		return -1;
	i = idx - 1;
	if (ld->state[i] == 1) {
		ERR(ld, n, "an alias refers to a node that contains it");
		return -1;
	}
	if (ld->state[i] == 0) {
		int kids[2];
		ld->state[i] = 1;
		if (depth + 1 > MAX_DEPTH) {
			ERR(ld, n, "nesting deeper than %d levels", MAX_DEPTH);
			return -1;
		}
		if (n->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *it;

			for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
				if (doc_walk(ld, *it, depth + 1) < 0)
					return -1;
				size += ld->size[*it - 1];
				if (ld->height[*it - 1] + 1 > height)
					height = ld->height[*it - 1] + 1;
				if (size > MAX_NODES)
					size = MAX_NODES + 1;
			}
		} else if (n->type == YAML_MAPPING_NODE) {
			yaml_node_pair_t *p;

			for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
				int k;

				kids[0] = p->key;
				kids[1] = p->value;
				for (k = 0; k < 2; k++) {
					if (doc_walk(ld, kids[k], depth + 1) < 0)
						return -1;
					size += ld->size[kids[k] - 1];
					if (ld->height[kids[k] - 1] + 1 > height)
						height = ld->height[kids[k] - 1] + 1;
					if (size > MAX_NODES)
						size = MAX_NODES + 1;
				}
			}
		}
		ld->state[i] = 2;
		ld->size[i] = size;
		ld->height[i] = height;
	}
	if (depth + ld->height[i] > MAX_DEPTH) {
		ERR(ld, n, "nesting deeper than %d levels", MAX_DEPTH);
		return -1;
	}
	return 0;
}


static int
load_defaults(struct ld *ld, yaml_node_t *v)
{
	struct map mp;
	yaml_node_t *x;
	char t[64];
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'defaults' must be a map, not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_defaults, "'defaults'");
	if ((x = map_get(&mp, "repeat")) && load_repeat(ld, x, &ld->def.repeat, &ld->def.repeat_max,
							&ld->def.precision, &ld->def.precision_metric) < 0)
		ret = -1;
	if ((x = map_get(&mp, "warmup")) && value_int_key(ld, x, mkey(mkeys_defaults, "warmup"), &ld->def.warmup) < 0)
		ret = -1;
	if ((x = map_get(&mp, "timeout")) && value_duration(ld, x, "timeout", &ld->def.timeout_ms) < 0)
		ret = -1;
	if ((x = map_get(&mp, "parser"))) {
		ld->def.has_parser = 1;
		if (load_parsers(ld, x, &ld->def.parsers, &ld->def.nparsers) < 0)
			ret = -1;
	}
	if ((x = map_get(&mp, "env")) && value_kvlist(ld, x, "env", &ld->def.env) < 0)
		ret = -1;
	if ((x = map_get(&mp, "max_cv")) && value_double_key(ld, x, mkey(mkeys_defaults, "max_cv"), &ld->m->max_cv) < 0)
		ret = -1;
	map_release(&mp);
	return ret;
}

static int
load_dockerfiles(struct ld *ld, yaml_node_t *v)
{
	static const char *const schemes[] = { "file", "git", "http", "https", "ssh", NULL };
	struct matrix *m = ld->m;
	struct map mp;
	yaml_node_t *x;
	char t[64], *repo = NULL;
	const char *sep;
	int ret = 0;

	if (map_load(ld, v, &mp) < 0) {
		ERR(ld, v, "'dockerfiles' must be a map {repo, ref}, not %s", node_describe(v, t, sizeof(t)));
		return -1;
	}
	map_check_keys(ld, &mp, mkeys_dockerfiles, "'dockerfiles'");
	if ((x = map_get(&mp, "ref")) && !(m->ref = value_str(ld, x, "ref", 0)))
		ret = -1;
	if ((x = map_get(&mp, "repo")) && (repo = value_str(ld, x, "repo", 0))) {
		m->repo_mark = nmark(x);
		if ((sep = strstr(repo, "://"))) {
			size_t i, len = sep - repo;

			for (i = 0; schemes[i]; i++)
				if (strlen(schemes[i]) == len && !strncmp(repo, schemes[i], len))
					break;
			if (schemes[i]) {
				m->repo = xstrdup(repo);
			} else {
				ERR(ld, x, "'repo' has an unsupported URL scheme '%.*s' (use a path, file://, "
				    "git://, http://, https:// or ssh://)", (int)(len > 20 ? 20 : len), repo);
				ret = -1;
			}
		} else {
			m->repo = path_clean(m->dir, repo);
		}
	} else if (x) {
		ret = -1;
	}
	free(repo);
	map_release(&mp);
	return ret;
}

/* Load a list key into a calloc'ed array, one element per item. */
#define LOAD_LIST(ld, v, key, arr, n, fn)                                            \
	do {                                                                         \
		yaml_node_item_t *it_;                                               \
		char t_[64];                                                         \
		if ((v)->type != YAML_SEQUENCE_NODE) {                               \
			ERR(ld, v, "'%s' must be a list, not %s", key,               \
			    node_describe(v, t_, sizeof(t_)));                            \
			break;                                                       \
		}                                                                    \
		if ((v)->data.sequence.items.top == (v)->data.sequence.items.start) \
			ERR(ld, v, "'%s' must not be empty", key);                   \
		(arr) = xcalloc((v)->data.sequence.items.top -                       \
		                (v)->data.sequence.items.start + 1, sizeof(*(arr))); \
		for (it_ = (v)->data.sequence.items.start;                           \
		     it_ < (v)->data.sequence.items.top; it_++)                      \
			fn(ld, nd(ld, *it_), &(arr)[(n)++]);                         \
	} while (0)

static void
check_all_names(struct ld *ld)
{
	struct matrix *m = ld->m;
	struct named *nv;
	size_t i, j, k, before;
	int clash;

	nv = xcalloc(m->nimages + 1, sizeof(*nv));
	for (i = k = 0; i < m->nimages; i++)
		if (m->images[i].name) {
			nv[k].id = xstrdup(m->images[i].slug);
			nv[k].name = m->images[i].name;
			nv[k].mark = m->images[i].mark;
			nv[k].seq = k;
			k++;
		}
	before = ld->d.n;
	check_names(ld, nv, k, "image", "", 1);
	clash = ld->d.n != before;
	nv = xcalloc(m->nbenchmarks + 1, sizeof(*nv));
	for (i = k = 0; i < m->nbenchmarks; i++)
		if (m->benchmarks[i].name) {
			nv[k].id = xstrdup(m->benchmarks[i].name);
			nv[k].name = m->benchmarks[i].name;
			nv[k].mark = m->benchmarks[i].mark;
			nv[k].seq = k;
			k++;
		}
	check_names(ld, nv, k, "benchmark", "", 1);
	nv = xcalloc(m->nhosts + 1, sizeof(*nv));
	for (i = k = 0; i < m->nhosts; i++)
		if (m->hosts[i].name) {
			nv[k].id = xstrdup(m->hosts[i].name);
			nv[k].name = m->hosts[i].name;
			nv[k].mark = m->hosts[i].mark;
			nv[k].seq = k;
			k++;
		}
	check_names(ld, nv, k, "host", "", 1);

	/* image-tag prefixes of cell ids across images: "a-b" + "c" vs "a" + "b-c"
	 * (images whose own names collide were just reported) */
	if (clash)
		return;
	for (i = k = 0; i < m->nimages; i++)
		k += m->images[i].tags.n;
	nv = xcalloc(k + 1, sizeof(*nv));
	for (i = k = 0; i < m->nimages; i++) {
		const struct image *im = &m->images[i];

		for (j = 0; im->name && j < im->tags.n; j++) {
			char *ts = slug_make(im->tags.v[j]);

			nv[k].id = xasprintf("%s-%s", im->slug, ts);
			nv[k].name = im->name;
			nv[k].mark = im->mark;
			nv[k].seq = k;
			free(ts);
			k++;
		}
	}
	check_names(ld, nv, k, "image", " with its tag", 0);
}

static int
load_top(struct ld *ld, yaml_node_t *root)
{
	struct matrix *m = ld->m;
	struct map mp, known;
	yaml_node_t *x;
	char t[64];
	size_t i;

	if (map_load(ld, root, &mp) < 0) {
		ERR(ld, root, "a matrix must be a map with 'name', 'images', 'benchmarks' and 'hosts', "
		    "not %s", node_describe(root, t, sizeof(t)));
		return -1;
	}
	/* "x-..." keys are the user's, e.g. to hold anchors; ignore them. */
	memset(&known, 0, sizeof(known));
	known.node = root;
	for (i = 0; i < mp.n; i++)
		if (strncmp(mp.v[i].key, "x-", 2) != 0)
			map_push(&known, mp.v[i].key, mp.v[i].knode, mp.v[i].val);
	map_check_keys(ld, &known, mkeys_top, "the matrix");
	map_release(&known);

	if (!(x = map_get(&mp, "name")))
		ERR(ld, root, "the matrix needs a 'name' (its results go to results/NAME)");
	else if ((m->name = value_str(ld, x, "name", 0)))
		check_slug_name(ld, x, "matrix", m->name);
	if ((x = map_get(&mp, "dockerfiles")))
		load_dockerfiles(ld, x);
	if (!m->repo)
		m->repo = path_clean(m->dir, "../dockerfiles");
	if ((x = map_get(&mp, "parallel")))
		value_int_key(ld, x, mkey(mkeys_top, "parallel"), &m->parallel);
	load_order(ld, map_get(&mp, "order"));
	if ((x = map_get(&mp, "defaults")))
		load_defaults(ld, x);
	if (!(x = map_get(&mp, "images")))
		ERR(ld, root, "the matrix needs 'images': the images under test");
	else
		LOAD_LIST(ld, x, "images", m->images, m->nimages, load_image);
	if (!(x = map_get(&mp, "hosts")))
		ERR(ld, root, "the matrix needs 'hosts', e.g. hosts: [{name: bridge}]");
	else
		LOAD_LIST(ld, x, "hosts", m->hosts, m->nhosts, load_host);
	if (!(x = map_get(&mp, "benchmarks")))
		ERR(ld, root, "the matrix needs 'benchmarks'");
	else
		LOAD_LIST(ld, x, "benchmarks", m->benchmarks, m->nbenchmarks, load_benchmark);
	check_all_names(ld);
	if ((x = map_get(&mp, "exclude")))
		load_selectors(ld, x, "exclude", &m->excludes, &m->nexcludes);
	if ((x = map_get(&mp, "include")))
		load_selectors(ld, x, "include", &m->includes, &m->nincludes);
	if ((x = map_get(&mp, "baseline")))
		load_baseline(ld, x);
	map_release(&mp);
	return 0;
}

/* libyaml's reader reports a byte offset only: count lines up to it. */
static struct mark
offset_mark(const char *data, size_t len, size_t offset)
{
	struct mark mk = { 1, 1 };
	size_t i;

	for (i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			mk.line++;
			mk.col = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			mk.col++;       /* columns count characters, as libyaml's do */
		}
	}
	return mk;
}

static void
yaml_problem(struct ld *ld, yaml_parser_t *p, const char *data, size_t len)
{
	struct mark mk = { (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1 };
	const char *problem = p->problem ? p->problem : "cannot parse";

	if (p->error == YAML_READER_ERROR) {
		diag_add(&ld->d, offset_mark(data, len, p->problem_offset), "invalid YAML: %s",
		         problem);
	} else if (p->context) {
		diag_add(&ld->d, mk, "invalid YAML: %s (%s at line %d)", problem, p->context,
		         (int)p->context_mark.line + 1);
	} else {
		diag_add(&ld->d, mk, "invalid YAML: %s", problem);
	}
}

static char *
abs_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	char *real = realpath(dir, NULL), *cwd;

	if (!real) {
		cwd = getcwd(NULL, 0);
		real = path_clean(cwd ? cwd : "/", dir);
		free(cwd);
	}
	free(dir);
	return real;
}

static void
load_document(struct ld *ld, yaml_parser_t *parser, const char *data, size_t len)
{
	yaml_node_t *root = yaml_document_get_root_node(&ld->doc);
	yaml_document_t next;
	size_t nnodes;

	if (!root) {
		struct mark none = { 0, 0 };

		diag_add(&ld->d, none, "the file holds no matrix (it is empty)");
		return;
	}
	if (!yaml_parser_load(parser, &next)) {
		yaml_problem(ld, parser, data, len);
	} else {
		yaml_node_t *r2 = yaml_document_get_root_node(&next);

		if (r2)
			ERR(ld, r2, "a matrix file holds one YAML document; this is a second one");
		yaml_document_delete(&next);
	}
	nnodes = ld->doc.nodes.top - ld->doc.nodes.start;
	ld->state = xcalloc(nnodes, 1);
	ld->size = xcalloc(nnodes, sizeof(*ld->size));
	ld->height = xcalloc(nnodes, sizeof(*ld->height));
	if (doc_walk(ld, 1, 0) < 0)
		return;
	if (ld->size[0] > MAX_NODES) {
		ERR(ld, root, "the matrix expands to more than %d YAML nodes (through aliases?)",
		    MAX_NODES);
		return;
	}
	load_top(ld, root);
}

struct matrix *
matrix_load(const char *path)
{
	return matrix_load_cells(path, NULL, NULL);
}

struct matrix *
matrix_load_cells(const char *path, struct cell **keep, size_t *nkeep)
{
	struct matrix *m;
	struct ld ld;
	yaml_parser_t parser;
	char *data;
	size_t len;

	if (keep) {
		*keep = NULL;
		*nkeep = 0;
	}
	if (read_file(path, &data, &len) < 0)
		return NULL;
	memset(&ld, 0, sizeof(ld));
	m = ld.m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	m->dir = abs_dir(path);
	m->max_cv = 0.05;
	m->parallel = 1;
	ld.d.file = m->path;
	ld.def.repeat = 3;
	ld.def.warmup = 0;
	ld.def.timeout_ms = 600000;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		yaml_problem(&ld, &parser, data, len);
	} else {
		load_document(&ld, &parser, data, len);
		yaml_document_delete(&ld.doc);
	}
	yaml_parser_delete(&parser);
	free(data);
	if (ld.d.n == 0) {
		struct cell *cells = NULL;
		size_t ncells = 0;

		if (matrix_expand_diag(m, &cells, &ncells, &ld.d) == 0 && keep && ld.d.n == 0) {
			*keep = cells;
			*nkeep = ncells;
		} else {
			cells_free(cells, ncells);
		}
	}
	if (ld.d.n > 0) {
		diag_print(&ld.d);
		matrix_free(m);
		m = NULL;
	}
	diag_release(&ld.d);
	parsers_free(ld.def.parsers, ld.def.nparsers);
	kvlist_release(&ld.def.env);
	free(ld.def.precision_metric);
	free(ld.state);
	free(ld.size);
	free(ld.height);
	return m;
}

void
matrix_free(struct matrix *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nimages; i++) {
		free(m->images[i].name);
		free(m->images[i].slug);
		strlist_release(&m->images[i].tags);
	}
	free(m->images);
	for (i = 0; i < m->nbenchmarks; i++) {
		struct benchmark *b = &m->benchmarks[i];

		free(b->name);
		side_release(&b->main);
		side_release(&b->server);
		side_release(&b->client);
		lifecycle_free(b->lifecycle);
		free(b->precision_metric);
		parsers_free(b->parsers, b->nparsers);
		strlist_release(&b->images);
	}
	free(m->benchmarks);
	for (i = 0; i < m->nhosts; i++) {
		struct host *h = &m->hosts[i];

		free(h->name);
		free(h->network);
		free(h->cpuset);
		free(h->runtime);
		for (j = 0; j < h->nvolumes; j++) {
			free(h->volumes[j].source);
			free(h->volumes[j].target);
		}
		free(h->volumes);
		kvlist_release(&h->env);
		kvlist_release(&h->sysctls);
		for (j = 0; j < h->nulimits; j++)
			free(h->ulimits[j].name);
		free(h->ulimits);
		free(h->engine);
	}
	free(m->hosts);
	for (i = 0; i < m->nincludes + m->nexcludes; i++) {
		struct selector *s = i < m->nincludes ? &m->includes[i] : &m->excludes[i - m->nincludes];

		free(s->image);
		free(s->tag);
		free(s->benchmark);
		free(s->host);
	}
	free(m->includes);
	free(m->excludes);
	free(m->baseline.host);
	free(m->baseline.image);
	free(m->baseline.tag);
	free(m->path);
	free(m->dir);
	free(m->name);
	free(m->repo);
	free(m->ref);
	free(m);
}

