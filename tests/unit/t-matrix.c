/* t-matrix.c: the matrix loader, its error messages and the cell expansion.
 *
 * Every tests/matrix/bad/NN-what.yaml is loaded from inside that folder (so
 * FILE in a message is the bare name) with stderr sent to a file, which must
 * equal NN-what.err exactly. The good matrices are checked field by field. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen/matrix.h"
#include "tap.h"
#include "base/util.h"

static char top[PATH_MAX];

/* The top of the tree: argv[0] is TOP/tests/unit/t-matrix. */
static void
find_top(const char *argv0)
{
	char *p;

	if (!realpath(argv0, top) || !(p = strstr(top, "/tests/unit/")))
		fatal("cannot find the source tree from '%s'", argv0);
	*p = '\0';
}

/* Load path (relative to the current folder) with stderr captured into *err. */
static struct matrix *
load_quiet(const char *path, char **err)
{
	char tmp[] = "/tmp/jockey-t-matrix.XXXXXX";
	int fd = mkstemp(tmp), saved = dup(2);
	struct matrix *m;

	if (fd < 0 || saved < 0)
		fatal("mkstemp:");
	fflush(stderr);
	dup2(fd, 2);
	m = matrix_load(path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	if (read_file(tmp, err, NULL) < 0)
		*err = xstrdup("");
	unlink(tmp);
	return m;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_bad_corpus(void)
{
	char *dir = xasprintf("%s/tests/matrix/bad", top), **names = NULL, cwd[PATH_MAX];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;

	if (!getcwd(cwd, sizeof(cwd)) || chdir(dir) < 0 || !(d = opendir(".")))
		fatal("open '%s':", dir);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	ok(n >= 45, "the bad corpus has %zu matrices (at least 45)", n);
	for (i = 0; i < n; i++) {
		char *errpath = xasprintf("%.*s.err", (int)(strlen(names[i]) - 5), names[i]);
		char *want = NULL, *got = NULL;
		struct matrix *m = load_quiet(names[i], &got);

		ok(m == NULL, "%s is rejected", names[i]);
		matrix_free(m);
		if (read_file(errpath, &want, NULL) < 0)
			want = xstrdup("(missing .err file)");
		is_str(got, want, "%s: the messages are exactly %s", names[i], errpath);
		free(want);
		free(got);
		free(errpath);
		free(names[i]);
	}
	free(names);
	if (chdir(cwd) < 0)
		fatal("chdir '%s':", cwd);
	free(dir);
}

static void
test_durations_sizes(void)
{
	is_int(parse_duration_ms("120s"), 120000, "120s");
	is_int(parse_duration_ms("2m"), 120000, "2m");
	is_int(parse_duration_ms("1h30m"), 5400000, "1h30m");
	is_int(parse_duration_ms("500ms"), 500, "500ms");
	is_int(parse_duration_ms("1m30s250ms"), 90250, "1m30s250ms");
	is_int(parse_duration_ms("90"), 90000, "a bare number counts seconds");
	is_int(parse_duration_ms("0s"), 0, "0s parses (the loader rejects a zero timeout)");
	is_int(parse_duration_ms("12x"), -1, "12x is invalid");
	is_int(parse_duration_ms(""), -1, "the empty string is invalid");
	is_int(parse_duration_ms(NULL), -1, "NULL is invalid");
	is_int(parse_duration_ms("s"), -1, "a unit without a number is invalid");
	is_int(parse_duration_ms("1h30"), -1, "a number without a unit after another part is invalid");
	is_int(parse_duration_ms("-5s"), -1, "negative is invalid");
	is_int(parse_duration_ms("1.5s"), -1, "fractions are invalid");
	is_int(parse_duration_ms("1 s"), -1, "spaces are invalid");
	is_int(parse_duration_ms("5S"), -1, "units are lowercase");
	is_int(parse_duration_ms("99999999999999999999s"), -1, "overflow is invalid");
	is_int(parse_duration_ms("9223372036854776s"), -1, "overflow in the unit product is invalid");

	is_int(parse_size("123"), 123, "a bare number counts bytes");
	is_int(parse_size("0"), 0, "0");
	is_int(parse_size("1024k"), 1048576, "1024k");
	is_int(parse_size("512m"), 536870912LL, "512m");
	is_int(parse_size("512MiB"), 536870912LL, "512MiB, any case");
	is_int(parse_size("2g"), 2147483648LL, "2g");
	is_int(parse_size("2GB"), 2147483648LL, "2GB is binary too, as docker's");
	is_int(parse_size("1t"), 1099511627776LL, "1t");
	is_int(parse_size("10b"), 10, "10b");
	is_int(parse_duration_ms("9223372036854775s"), 9223372036854775000L, "the largest duration");
	is_int(parse_size("12q"), -1, "12q is invalid");
	is_int(parse_size("m"), -1, "a unit without a number is invalid");
	is_int(parse_size(""), -1, "the empty string is invalid");
	is_int(parse_size("-1"), -1, "negative is invalid");
	is_int(parse_size("1.5g"), -1, "fractions are invalid");
	is_int(parse_size("1 g"), -1, "spaces are invalid");
	is_int(parse_size("9999999999999999999"), -1, "overflow is invalid");
	is_int(parse_size("9999999999t"), -1, "overflow in the unit is invalid");
}

/* Load TOP/rel, expand it, and compare the ids with want (NULL-terminated). */
static struct matrix *
load_good(const char *rel, const char *const *want, struct cell **cells, size_t *ncells)
{
	char *path = xasprintf("%s/%s", top, rel), *err = NULL;
	struct matrix *m = load_quiet(path, &err);
	size_t i, n;

	ok(m != NULL, "%s loads", rel);
	is_str(err, "", "%s: no message", rel);
	free(err);
	free(path);
	*cells = NULL;
	*ncells = 0;
	if (!m)
		return NULL;
	is_int(matrix_expand(m, cells, ncells), 0, "%s expands", rel);
	for (n = 0; want && want[n]; n++)
		;
	if (want) {
		is_int(*ncells, n, "%s: %zu cells", rel, n);
		for (i = 0; i < n && i < *ncells; i++)
			is_str((*cells)[i].id, want[i], "%s: cell %zu", rel, i);
	}
	return m;
}

static const struct benchmark *
bench(const struct matrix *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nbenchmarks; i++)
		if (!strcmp(m->benchmarks[i].name, name))
			return &m->benchmarks[i];
	return NULL;
}

static const char *
kv(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			return l->v[i].value;
	return NULL;
}

static void
test_quickstart(void)
{
	static const char *const want[] = {
		"busybox-latest.shell.bridge", "busybox-latest.shell.host-net",
		"debian-bookworm.shell.bridge", "debian-bookworm.shell.host-net",
		"debian-bookworm.sysbench-cpu.bridge", "debian-bookworm.sysbench-cpu.host-net", NULL
	};
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("matrix/quickstart.yaml", want, &c, &n);
	char *repo = xasprintf("%s/dockerfiles", top);

	if (!m)
		return;
	is_str(m->name, "quickstart", "quickstart: name");
	is_str(m->repo, repo, "quickstart: a relative repo resolves from the matrix's folder");
	ok(m->ref == NULL, "quickstart: no ref");
	is_int(m->images[0].pull, PULL_NEVER, "quickstart: pull never");
	is_int(m->benchmarks[0].repeat, 3, "quickstart: repeat from defaults");
	is_int(m->benchmarks[0].timeout_ms, 120000, "quickstart: timeout from defaults");
	is_int(m->benchmarks[0].nparsers, 1, "quickstart: one parser");
	is_str(m->benchmarks[0].parsers[0].builtin, "sysbench", "quickstart: builtin parser");
	is_str(m->hosts[0].network, "bridge", "quickstart: network defaults to bridge");
	is_str(m->hosts[1].cpuset, "0", "quickstart: cpuset");
	ok(c[0].image == &m->images[1] && !strcmp(c[0].tag, "latest") &&
	   c[0].bench == &m->benchmarks[1] && c[0].host == &m->hosts[0],
	   "quickstart: a cell points at its axes");
	free(repo);
	cells_free(c, n);
	matrix_free(m);
}

static void
test_anchors(void)
{
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("tests/matrix/good/anchors.yaml", NULL, &c, &n);
	const struct benchmark *b;

	if (!m)
		return;
	is_int(n, 24, "anchors: 4 image-tags x 3 benchmarks x 2 hosts = 24 cells");
	is_str(c[0].id, "127.0.0.1-5000-base-1.20.merged.bridge", "anchors: image names slug for ids");
	is_int(m->images[0].tags.n, 2, "anchors: tags from an alias");
	is_str(m->images[0].tags.v[1], "bullseye", "anchors: the aliased list's items");
	is_str(m->images[1].tags.v[1], "1.20", "anchors: a float-looking tag keeps its text");
	is_str(m->images[1].slug, "127.0.0.1-5000-base", "anchors: image slug");
	is_int(m->images[1].pull, PULL_ALWAYS, "anchors: pull always");
	is_int(m->parallel, 2, "anchors: parallel");
	ok(m->max_cv > 0.0999 && m->max_cv < 0.1001, "anchors: max_cv from defaults");

	b = bench(m, "quick");
	is_int(b->repeat, 1, "anchors: a merged key (repeat)");
	is_int(b->warmup, 1, "anchors: warmup from defaults");
	is_int(b->timeout_ms, 30000, "anchors: a merged duration");
	is_int(b->nparsers, 1, "anchors: the default parser");
	is_str(b->parsers[0].builtin, "shell", "anchors: ... is shell");
	is_str(kv(&b->main.env, "MODE"), "default", "anchors: env from defaults");
	is_int(b->main.command.n, 3, "anchors: command");
	is_str(b->main.command.v[2], "echo 1", "anchors: a command item is never split");

	b = bench(m, "merged");
	is_int(b->repeat, 1, "anchors: in a merged list, the first map wins");
	is_int(b->warmup, 2, "anchors: later maps of the list fill what the first lacks");
	is_int(b->timeout_ms, 45000, "anchors: an explicit key beats the merge");
	is_str(kv(&b->main.env, "MODE"), "fast", "anchors: the benchmark's env beats the defaults'");
	is_str(kv(&b->main.env, "LANG"), "C", "anchors: the defaults' env fills the rest");
	is_str(kv(&b->main.env, "LEVEL"), "1", "anchors: merged env");
	is_int(b->nparsers, 3, "anchors: a list of parsers");
	is_int(b->parsers[0].kind, PARSER_BUILTIN, "anchors: builtin");
	is_int(b->parsers[1].kind, PARSER_REGEX, "anchors: regex");
	is_str(b->parsers[1].pattern, "ops: (\\d+)", "anchors: the pattern as written");
	is_str(b->parsers[1].metric, "ops", "anchors: metric");
	is_str(b->parsers[1].unit, "op/s", "anchors: unit");
	is_int(b->parsers[1].better, BETTER_HIGHER, "anchors: better defaults to higher");
	is_int(b->parsers[2].kind, PARSER_COMMAND, "anchors: command parser");
	is_str(b->parsers[2].command.v[0], "./p.sh", "anchors: command parser argv");

	b = bench(m, "plain");
	is_int(b->main.command.n, 0, "anchors: an empty command is the image's CMD");
	is_int(b->repeat, 4, "anchors: repeat from defaults");
	is_int(b->timeout_ms, 300000, "anchors: timeout from defaults");

	is_str(m->hosts[1].name, "pinned", "anchors: an explicit key beats the merged host's");
	is_str(m->hosts[1].cpuset, "0", "anchors: a host merged from an anchored one");
	cells_free(c, n);
	matrix_free(m);
}

static void
test_pair(void)
{
	static const char *const want[] = {
		"redis-7.cmdready.bridge", "redis-7.logready.bridge", "redis-7.redis.bridge", NULL
	};
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("tests/matrix/good/pair.yaml", want, &c, &n);
	const struct benchmark *b;

	if (!m)
		return;
	is_str(m->repo, "git://127.0.0.1/dockerfiles.git", "pair: a URL repo is kept as written");
	is_str(m->ref, "v1", "pair: ref");
	b = bench(m, "redis");
	ok(b->is_pair, "pair: server and client make a pair");
	is_str(b->server.context, "redis", "pair: a shared context reaches the server");
	is_str(b->client.context, "redis-client", "pair: the side's own context wins");
	is_str(b->server.base, "debian:bookworm", "pair: shared base");
	is_str(kv(&b->client.build_args, "VERSION"), "7.2", "pair: shared build_args");
	is_int(b->server.command.n, 3, "pair: server command");
	is_str(b->server.command.v[2], "", "pair: an empty argument stays");
	is_str(b->client.command.v[2], "${server}", "pair: ${server} is kept for the runner");
	is_int(b->server.ready.tcp, 6379, "pair: ready tcp");
	is_int(b->server.ready.timeout_ms, 30000, "pair: ready timeout defaults to 30s");
	is_str(kv(&b->server.env, "A"), "from-defaults", "pair: env from defaults");
	is_str(kv(&b->server.env, "B"), "from-bench", "pair: the benchmark's env beats the defaults'");
	is_str(kv(&b->server.env, "C"), "from-server", "pair: the side's env beats the benchmark's");
	is_str(kv(&b->client.env, "C"), "from-bench", "pair: the other side keeps the benchmark's");
	is_int(b->repeat, 2, "pair: repeat");
	is_int(b->timeout_ms, 600000, "pair: timeout defaults to 600s");
	b = bench(m, "logready");
	is_str(b->server.ready.log, "Ready to accept connections", "pair: ready log");
	is_int(b->server.ready.timeout_ms, 60000, "pair: ready timeout");
	ok(b->server.context == NULL, "pair: no context: the image under test runs as it is");
	b = bench(m, "cmdready");
	is_int(b->server.ready.command.n, 3, "pair: ready command");
	cells_free(c, n);
	matrix_free(m);
}

static void
test_hosts(void)
{
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("tests/matrix/good/hosts.yaml", NULL, &c, &n);
	const struct host *h;
	char *p;

	if (!m)
		return;
	h = &m->hosts[0];
	is_int(h->native, 0, "hosts: native false");
	is_str(h->network, "host", "hosts: network");
	is_str(h->cpuset, "0-1,3", "hosts: cpuset");
	ok(h->cpus == 1.5, "hosts: cpus");
	is_int(h->memory, 512LL << 20, "hosts: memory");
	is_str(h->runtime, "runc", "hosts: runtime");
	is_int(h->nvolumes, 4, "hosts: volumes");
	is_str(h->volumes[0].source, "/srv/data", "hosts: volume source");
	is_str(h->volumes[0].target, "/data", "hosts: volume target");
	is_int(h->volumes[0].readonly, 1, "hosts: ro");
	p = xasprintf("%s/tests/matrix/good/cache", top);
	is_str(h->volumes[1].source, p, "hosts: ./ resolves from the matrix's folder");
	free(p);
	is_int(h->volumes[1].readonly, 0, "hosts: rw by default");
	is_str(h->volumes[2].source, "named-vol", "hosts: a named volume");
	p = xasprintf("%s/tests/matrix/up", top);
	is_str(h->volumes[3].source, p, "hosts: the map form, ../ resolved");
	free(p);
	is_int(h->volumes[3].readonly, 1, "hosts: readonly: true");
	is_int(h->privileged, 1, "hosts: privileged");
	is_str(kv(&h->env, "EMPTY"), "", "hosts: an empty env value");
	is_str(kv(&h->sysctls, "net.core.somaxconn"), "1024", "hosts: sysctls keep the text");
	is_int(h->nulimits, 4, "hosts: ulimits");
	is_str(h->ulimits[0].name, "nofile", "hosts: ulimit name");
	ok(h->ulimits[0].soft == 65536 && h->ulimits[0].hard == 65536, "hosts: N is soft and hard");
	ok(h->ulimits[1].soft == 100 && h->ulimits[1].hard == 200, "hosts: SOFT:HARD");
	ok(h->ulimits[2].soft == 0 && h->ulimits[2].hard == -1, "hosts: {soft, hard}, unlimited is -1");
	ok(h->ulimits[3].soft == -1 && h->ulimits[3].hard == -1, "hosts: unlimited");
	is_str(h->engine, "unix:///var/run/docker.sock", "hosts: engine");
	is_int(h->apply_to, APPLY_CLIENT, "hosts: apply_to");
	is_int(m->hosts[1].native, 1, "hosts: native true");
	is_int(m->hosts[1].apply_to, APPLY_BOTH, "hosts: apply_to defaults to both");
	is_int(m->hosts[2].memory, 2LL << 30, "hosts: 2g");
	p = xasprintf("%s/tests/matrix/good/dockerfiles", top);
	is_str(m->repo, p, "hosts: ./dockerfiles resolves from the matrix's folder");
	free(p);
	cells_free(c, n);
	matrix_free(m);
}

static void
test_selectors(void)
{
	static const char *const want[] = {
		"busybox-latest.shell.bridge", "busybox-latest.shell.native",
		"debian-bookworm.cpu.bridge", "debian-bookworm.shell.bridge",
		"debian-bullseye.cpu.bridge", "debian-bullseye.cpu.native",
		"debian-bullseye.shell.bridge", "debian-sid.cpu.bridge", NULL
	};
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("tests/matrix/good/include-exclude.yaml", want, &c, &n);

	if (!m)
		return;
	is_str(m->baseline.image, "debian", "selectors: baseline image");
	is_str(m->baseline.tag, "bookworm", "selectors: baseline tag");
	ok(m->baseline.host == NULL, "selectors: no baseline host");
	is_int(m->nexcludes, 2, "selectors: excludes");
	is_int(m->nincludes, 4, "selectors: includes");
	is_str(c[7].tag, "sid", "selectors: an include's new tag");
	ok(c[7].image == &m->images[0], "selectors: ... of the declared image");
	cells_free(c, n);
	matrix_free(m);
}

static void
test_design(void)
{
	struct cell *c;
	size_t n;
	struct matrix *m = load_good("tests/matrix/good/design.yaml", NULL, &c, &n);

	if (!m)
		return;
	is_int(n, 21, "design: 21 cells");
	is_str(c[0].id, "debian-bookworm.redis.bridge", "design: sorted by id");
	is_str(c[20].id, "nginx-1.27.http.native", "design: the last id");
	cells_free(c, n);
	matrix_free(m);
}

static void
test_missing_file(void)
{
	char *err = NULL;
	struct matrix *m = load_quiet("/nonexistent/m.yaml", &err);

	ok(m == NULL, "a missing file is an error");
	ok(strstr(err, "'/nonexistent/m.yaml'") != NULL, "which names the file");
	free(err);
}

int
main(int argc, char **argv)
{
	(void)argc;
	find_top(argv[0]);
	test_durations_sizes();
	test_quickstart();
	test_anchors();
	test_pair();
	test_hosts();
	test_selectors();
	test_design();
	test_missing_file();
	test_bad_corpus();
	return tap_done();
}
