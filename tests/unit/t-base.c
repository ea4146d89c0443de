/* t-base.c: the small base modules gen and the runners share: slugs, the
 * string hash table, clean paths, the results folder's layout, its lock,
 * which of its outputs count and the formats of the host config and run.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/format/hostconf.h"
#include "base/format/run.h"
#include "base/layout.h"
#include "base/lock.h"
#include "base/path.h"
#include "base/slug.h"
#include "base/strmap.h"
#include "base/util.h"
#include "base/valid.h"
#include "tap.h"

static void
test_slug(void)
{
	char *s = slug_make("Debian:Bookworm 1.2_x/\xc3\xa9");

	is_str(s, "debian-bookworm-1.2_x---", "slug: lowercase, others become '-', bytewise");
	free(s);
	ok(slug_ok("a.b_c-1"), "slug_ok: a slug");
	ok(!slug_ok("") && !slug_ok(".") && !slug_ok(".."), "slug_ok: not empty, '.' or '..'");
	ok(!slug_ok("a/b") && !slug_ok("A"), "slug_ok: no '/' nor uppercase");
}

static void
test_strmap(void)
{
	struct strmap m = STRMAP_INIT;
	char keys[1000][8];
	size_t i, v = 0, bad = 0;

	ok(!strmap_get(&m, "x", &v), "strmap: an empty table holds nothing");
	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		bad += !strmap_add(&m, keys[i], i, NULL);
	}
	is_int(bad, 0, "strmap: 1000 keys added, growing the table");
	is_int(m.n, 1000, "strmap: counts them");
	ok(m.cap >= 2 * m.n && (m.cap & (m.cap - 1)) == 0, "strmap: at most half full, a power of two");
	for (i = 0; i < 1000; i++)
		bad += !strmap_get(&m, keys[i], &v) || v != i;
	is_int(bad, 0, "strmap: every key found with its value");
	ok(!strmap_add(&m, "k7", 99, &v) && v == 7, "strmap: a key added again keeps its value");
	ok(strmap_get(&m, "k999", NULL) && !strmap_get(&m, "k1000", NULL), "strmap: get without a value");
	strmap_release(&m);
	ok(m.n == 0 && !strmap_get(&m, "k1", NULL), "strmap: released is empty");
}

static void
test_path(void)
{
	static const struct {
		const char *dir, *path, *want, *what;
	} cases[] = {
		{ "/a/b", "../c/./d//e/", "/a/c/d/e", "'..', '.', '//' and a trailing '/'" },
		{ "/a", "/x/../../y", "/y", "an absolute path ignores dir; '..' stops at the root" },
		{ "/", "..", "/", "nothing left is the root" },
	};
	size_t i;
	char *p;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = path_clean(cases[i].dir, cases[i].path);
		is_str(p, cases[i].want, "path_clean: %s", cases[i].what);
		free(p);
	}
	p = path_absolute("/etc/./passwd");
	is_str(p, "/etc/passwd", "path_absolute: an absolute path, cleaned");
	free(p);
	{
		static const struct { const char *dir, *path, *want; } rel[] = {
			{ "/a/b", "/a/b/c/d", "c/d" },
			{ "/a/b", "/a/b", "." },
			{ "/a/b", "/a/bc", "../bc" },
			{ "/a/b/c", "/a/x", "../../x" },
			{ "/", "/x/y", "x/y" },
			{ "/x/y", "/", "../.." },
		};

		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			p = path_relative(rel[i].dir, rel[i].path);
			is_str(p, rel[i].want, "path_relative: %s from %s", rel[i].path, rel[i].dir);
			free(p);
		}
	}
}

static void
test_layout(void)
{
	struct buf b = BUF_INIT;
	char *p;

	p = layout_path(NULL, LAYOUT_IMAGE_ID, "sysbench.debian-bookworm");
	is_str(p, "stamps/img/sysbench.debian-bookworm.id", "layout: an image stamp");
	free(p);
	p = layout_path("/r", LAYOUT_CELL_RUN, "a.b.c");
	is_str(p, "/r/cells/a.b.c/run.json", "layout: a cell's run.json under a folder");
	free(p);
	p = layout_rep_path("d", "a.b.c", 3, LAYOUT_SAMPLES);
	is_str(p, "d/cells/a.b.c/3/samples.json", "layout: a repetition's samples");
	free(p);
	layout_put(&b, LAYOUT_BASE_DIGEST, "debian-bookworm");
	buf_putc(&b, ' ');
	layout_put_rep(&b, "x", "1", LAYOUT_LOG);
	is_str(b.data, "stamps/base/debian-bookworm.digest cells/x/1/log", "layout: appended to a buffer");
	buf_release(&b);
	p = layout_name(LAYOUT_CELL_RUN, "cells/a.b.c/run.json");
	is_str(p, "a.b.c", "layout_name: a cell's id from its run.json");
	free(p);
	p = layout_name(LAYOUT_IMAGE_JSON, "images/k.json");
	is_str(p, "k", "layout_name: an image key");
	free(p);
	ok(!layout_name(LAYOUT_CELL_RUN, "cells/a/b/run.json") && !layout_name(LAYOUT_CELL_RUN, "cells//run.json") &&
	   !layout_name(LAYOUT_BASE_JSON, "base/../x.json") && !layout_name(LAYOUT_BASE_JSON, "conf/x.json"),
	   "layout_name: NULL unless NAME is a slug between the prefix and the suffix");
	p = layout_rep_named(NULL, "a", 2, "log.failed");
	is_str(p, "cells/a/2/log.failed", "layout: a repetition's file named elsewhere");
	free(p);
	is_str(layout_rep_file(LAYOUT_SERVER_METRICS), "server-metrics.tsv", "layout: a repetition file's name");
}

/* o (taken) dumps as want. */
static void
is_dump(json_t *o, const char *want, const char *name)
{
	char *s = json_dumps(o, 0);

	is_str(s, want, "%s", name);
	free(s);
	json_decref(o);
}

/* The host config's JSON: decoding what gen writes and encoding it again
 * gives the same text; defaults; the apply_to rule. */
static void
test_hostconf(void)
{
	static const char *const text =
		"{\"network\": \"host\", \"cpuset\": \"0-1\", \"cpus\": 1.5, \"memory\": 268435456, "
		"\"runtime\": null, \"volumes\": [{\"source\": \"/data\", \"target\": \"/d\", "
		"\"readonly\": true}], \"privileged\": false, \"sysctls\": {\"net.core.somaxconn\": \"1024\"}, "
		"\"ulimits\": [{\"name\": \"nofile\", \"soft\": 1024, \"hard\": -1}]}";
	json_t *in = json_loads(text, 0, NULL);
	struct hostconf hc;

	hostconf_decode(&hc, in);
	is_str(hc.network, "host", "hostconf: network");
	is_str(hc.cpuset, "0-1", "hostconf: cpuset");
	ok(hc.cpus == 1.5 && hc.memory == 268435456 && !hc.runtime && !hc.privileged, "hostconf: limits");
	ok(hc.nvolumes == 1 && hc.volumes[0].readonly && strcmp(hc.volumes[0].target, "/d") == 0,
	   "hostconf: a volume");
	ok(hc.nulimits == 1 && hc.ulimits[0].soft == 1024 && hc.ulimits[0].hard == -1, "hostconf: a ulimit");
	is_dump(hostconf_encode(&hc), text, "hostconf: encode(decode(x)) is x, key order included");
	hostconf_release(&hc);
	json_decref(in);
	hostconf_decode(&hc, NULL);
	ok(strcmp(hc.network, "bridge") == 0 && !hc.cpuset && hc.nvolumes == 0 && !hc.sysctls,
	   "hostconf: none decodes to the engine's defaults");
	hostconf_release(&hc);
	ok(apply_to_side(APPLY_BOTH, "server") && apply_to_side(APPLY_BOTH, "client") &&
	   apply_to_side(APPLY_SERVER, "server") && !apply_to_side(APPLY_SERVER, "client") &&
	   !apply_to_side(APPLY_CLIENT, "server") && apply_to_side(APPLY_CLIENT, "client") &&
	   apply_to_side(APPLY_SERVER, "main") && apply_to_side(APPLY_CLIENT, "main"),
	   "apply_to_side: the host config's sides");
	ok(apply_to_parse(NULL) == APPLY_BOTH && apply_to_parse("client") == APPLY_CLIENT &&
	   strcmp(apply_to_name(apply_to_parse("server")), "server") == 0, "apply_to: names both ways");
}

/* conf/host/H.json: decodes and encodes to the same text; not a host file. */
static void
test_hostfile(void)
{
	static const char *const text =
		"{\"schema\": 1, \"name\": \"h\", \"native\": true, \"engine\": \"tcp://e:2375\", "
		"\"engine_suffix\": \".e1\", \"pool\": \"engine_1\", \"env\": {\"X\": \"1\"}, "
		"\"apply_to\": \"server\", \"hostconfig\": {\"network\": \"host\", \"cpuset\": \"1\", "
		"\"cpus\": 2, \"memory\": 0, \"runtime\": \"runc\", \"volumes\": [], \"privileged\": true, "
		"\"sysctls\": {}, \"ulimits\": []}, \"matrix\": \"m\", \"dir\": \"/r\"}";
	json_t *in = json_loads(text, 0, NULL);
	struct hostfile h;

	ok(hostfile_decode(&h, in, "h.json") == 0 && h.native && h.apply_to == APPLY_SERVER &&
	   strcmp(h.pool, "engine_1") == 0 && h.hc.cpus == 2 && h.hc.privileged,
	   "hostfile: the fields");
	is_dump(hostfile_encode(&h), text, "hostfile: encode(decode(x)) is x, key order included");
	hostfile_release(&h);
	json_object_del(in, "matrix");
	ok(hostfile_decode(&h, in, "h.json") < 0, "hostfile: an object without a matrix is not one");
	hostfile_release(&h);
	json_decref(in);
}

/* run.json: a pair's file decodes and encodes to the same text; what the
 * decoder refuses. */
static void
test_runconf(void)
{
	static const char *const text =
		"{\"schema\": 1, \"cell\": \"nginx-1.27.http.bridge\", \"matrix\": \"m\", "
		"\"engine\": \"unix:///run/docker.sock\", \"image\": \"nginx:1.27\", \"benchmark\": \"http\", "
		"\"host\": \"bridge\", \"native\": false, \"timeout_ms\": 120000, \"repeat\": 3, \"warmup\": 1, "
		"\"hostconfig\": {\"network\": \"bridge\", \"cpuset\": null, \"cpus\": 0, \"memory\": 0, "
		"\"runtime\": null, \"volumes\": [], \"privileged\": false, \"sysctls\": {}, \"ulimits\": []}, "
		"\"labels\": {\"jockey\": \"1\", \"jockey.matrix\": \"m\", \"jockey.cell\": \"nginx-1.27.http.bridge\", "
		"\"jockey.dir\": \"/r\"}, "
		"\"server\": {\"image_stamp\": \"stamps/img/asis.nginx-1.27.id\", \"image_id\": \"sha256:ab\", "
		"\"command\": null, \"env\": {}, \"ready\": {\"tcp\": 80}}, "
		"\"client\": {\"image_stamp\": \"stamps/img/wrk.nginx-1.27.id\", \"image_id\": null, "
		"\"command\": [\"wrk\", \"http://${server}/\"], \"env\": {\"A\": \"1\"}}, \"apply_to\": \"client\"}";
	json_t *in = json_loads(text, 0, NULL);
	struct runconf rc;

	ok(runconf_decode(&rc, in, "run.json") == 0, "runconf: a pair's run.json decodes");
	ok(rc.pair && rc.apply_to == APPLY_CLIENT && rc.timeout_ms == 120000 && rc.warmup == 1 &&
	   strcmp(rc.dir, "/r") == 0 && !rc.client.image_id && rc.server.ready,
	   "runconf: the fields and the sides");
	is_dump(runconf_encode(&rc), text, "runconf: encode(decode(x)) is x, key order included");
	runconf_release(&rc);
	json_object_del(json_object_get(in, "client"), "image_stamp");
	ok(runconf_decode(&rc, in, "run.json") < 0, "runconf: a side without its image stamp is refused");
	runconf_release(&rc);
	json_object_del(in, "cell");
	ok(runconf_decode(&rc, in, "run.json") < 0, "runconf: a file without a cell is refused");
	runconf_release(&rc);
	json_decref(in);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);

	write_file_atomic(p, text, strlen(text));
	free(p);
}

static int
there(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int r = path_exists(p);

	free(p);
	return r;
}

static void
test_lock_valid(void)
{
	char tmpl[] = "/tmp/t-base.XXXXXX", *dir = mkdtemp(tmpl), *why = NULL, *cmd;
	int fd;

	if (!dir) {
		ok(0, "mkdtemp");
		return;
	}
	fd = lock_dir(dir);
	ok(fd >= 0, "lock_dir: a free folder is locked");
	/* a second open file description conflicts even in the same process */
	ok(lock_dir(dir) < 0, "lock_dir: a held folder is refused");
	ok(strstr(error_last(), "is in use by pid ") != NULL, "lock_dir: the message names the holder: %s",
	   error_last());
	close(fd);

	is_int(valid_rep(dir, "c", 1, NULL), VALID_MISSING, "valid_rep: no samples.json: missing");
	put(dir, "cells/c/1/samples.json", "");
	is_int(valid_rep(dir, "c", 1, &why), VALID_INVALID, "valid_rep: an empty samples.json is not done");
	ok(why && strncmp(why, "samples.json is unreadable", 26) == 0, "valid_rep: says why: %s", why);
	free(why);
	put(dir, "cells/c/1/samples.json", "{\"metrics\": []}");
	put(dir, "cells/c/1/metrics.json", "{\"sch");
	is_int(valid_rep(dir, "c", 1, NULL), VALID_INVALID, "valid_rep: a torn metrics.json: not done");
	put(dir, "cells/c/1/metrics.json", "{\"schema\": 1}");
	put(dir, "cells/c/1/log", "x");
	is_int(valid_rep(dir, "c", 1, NULL), VALID_DONE, "valid_rep: all three readable: done");
	is_int(valid_sweep_rep(dir, "c", 1), 0, "valid_sweep_rep: a finished repetition keeps its files");

	put(dir, "cells/c/1/samples.json", "{\"metr");
	put(dir, "cells/c/1/log.tmp.1", "x");
	is_int(valid_sweep_rep(dir, "c", 1), 1, "valid_sweep_rep: a torn samples.json goes");
	ok(!there(dir, "cells/c/1/samples.json") && there(dir, "cells/c/1/log") && !there(dir, "cells/c/1/log.tmp.1"),
	   "valid_sweep_rep: ... and the leftovers, the log stays (parse again)");
	put(dir, "cells/c/1/samples.json", "{\"metrics\": []}");
	put(dir, "cells/c/1/metrics.json", "[");
	is_int(valid_sweep_rep(dir, "c", 1), 2, "valid_sweep_rep: a torn metrics.json takes the log and samples");
	ok(!there(dir, "cells/c/1/log") && !there(dir, "cells/c/1/metrics.json"), "valid_sweep_rep: run again");
	put(dir, "stamps/img/k.id", "");
	put(dir, "results.json", "{");
	is_int(valid_sweep_cell(dir, NULL), 2, "valid_sweep_cell: an empty stamp and a torn results.json go");
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok(0, "remove %s", dir);
	free(cmd);
}

int
main(void)
{
	test_slug();
	test_strmap();
	test_path();
	test_layout();
	test_hostconf();
	test_hostfile();
	test_runconf();
	test_lock_valid();
	return tap_done();
}
