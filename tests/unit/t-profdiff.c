/* t-profdiff.c: profile.json read, the hot-function diff of two profiles, and
 * folded stacks to an SVG flame graph (runners/report/profile.c, flame.c),
 * on hand-written profiles whose answers are known. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/report/flame.h"
#include "runners/report/profile.h"
#include "tap.h"

/* A profile.json: fns is "symbol dso self lo hi process;..." */
static int
load(struct cell_profile *p, const char *json)
{
	json_error_t err;
	json_t *o = json_loads(json, 0, &err);
	int rc;

	if (!o) {
		printf("# bad test JSON: %s\n", err.text);
		return -1;
	}
	rc = profile_from_json(p, o, "test.json");
	json_decref(o);
	return rc;
}

#define FN(proc, dso, sym, self, lo, hi) \
	"{\"process\": \"" proc "\", \"dso\": \"" dso "\", \"symbol\": \"" sym "\", \"samples\": 10," \
	" \"self\": " #self ", \"self_interval\": [" #lo ", " #hi "], \"total\": " #self "}"

/* glibc's shell: strcmp and do_lookup_x; musl's: memcpy and printf_core,
 * and a memcpy in each C library (two rows, not one). */
static const char debian[] = "{\"cell\": \"debian\", \"event\": \"cpu-clock\", \"repetitions\": 3,"
	" \"samples\": 12345, \"functions\": ["
	FN("sh", "/usr/lib/x86_64-linux-gnu/libc.so.6", "strcmp", 0.20, 0.18, 0.22) ", "
	FN("sh", "ld-linux-x86-64.so.2", "do_lookup_x", 0.10, 0.09, 0.12) ", "
	FN("sh", "libc.so.6", "memcpy", 0.05, 0.04, 0.06) ", "
	FN("sort", "libc.so.6", "strcmp", 0.04, 0.03, 0.05) ", "
	FN("sh", "kernel", "clear_page_erms", 0.03, 0.02, 0.05) "]}";
static const char alpine[] = "{\"cell\": \"alpine\", \"event\": \"cpu-clock\", \"repetitions\": 1,"
	" \"samples\": 1, \"functions\": ["
	FN("sh", "/lib/ld-musl-x86_64.so.1", "memcpy", 0.30, 0.28, 0.33) ", "
	FN("sh", "ld-musl-x86_64.so.1", "printf_core", 0.12, 0.10, 0.13) ", "
	"{\"process\": \"sh\", \"dso\": \"/bin/busybox\", \"symbol\": \"[unknown]\", \"stripped\": true,"
	" \"self\": 0.001, \"self_interval\": [0, 0.002]}, "
	FN("sh", "kernel", "clear_page_erms", 0.035, 0.02, 0.05) "]}";

static void
test_load(void)
{
	struct cell_profile p;
	char *t;

	ok(load(&p, debian) == 0, "a profile.json loads");
	is_int(p.n, 4, "strcmp of sh and of sort are one function");
	is_str(p.fn[0].symbol, "strcmp", "sorted by self share: strcmp first");
	is_str(p.fn[0].dso, "libc.so.6", "the DSO is its basename");
	ok(fabs(p.fn[0].self - 0.24) < 1e-9 && fabs(p.fn[0].self_lo - 0.21) < 1e-9 &&
	   fabs(p.fn[0].self_hi - 0.27) < 1e-9, "its shares and intervals are summed over processes");
	is_str(p.fn[1].symbol, "do_lookup_x", "then do_lookup_x");
	t = profile_text(&p);
	is_str(t, "3 reps, 12,345 samples", "the profile in words");
	free(t);
	profile_release(&p);
	ok(load(&p, alpine) == 0, "another loads");
	t = profile_text(&p);
	is_str(t, "1 rep, 1 sample", "singular words");
	free(t);
	profile_release(&p);
	ok(load(&p, "{\"cell\": \"x\", \"unavailable\": \"perf_event_paranoid is 3 (needs <= 1, or root)\"}") == 0,
	   "an unavailable profile loads");
	t = profile_text(&p);
	is_str(t, "unavailable: perf_event_paranoid is 3 (needs <= 1, or root)", "and says why");
	free(t);
	profile_release(&p);
	ok(load(&p, "{\"functions\": [{\"dso\": \"\", \"dso_path\": \"/\", \"symbol\": \"[unknown]\", \"self\": 0.1},"
		    " {\"dso\": \"\", \"symbol\": \"f\", \"self\": 0.05}]}") == 0, "empty DSO names load");
	ok(strcmp(p.fn[0].dso, "/") == 0 && strcmp(p.fn[1].dso, "[unknown]") == 0,
	   "as their path, else [unknown] (got '%s', '%s')", p.fn[0].dso, p.fn[1].dso);
	profile_release(&p);
	ok(load(&p, "{\"repetitions\": 1, \"samples\": -9223372036854775808, \"functions\": ["
		    "{\"dso\": \"d\", \"symbol\": \"f\", \"self\": 0, \"samples\": 9223372036854775807},"
		    "{\"dso\": \"d\", \"symbol\": \"f\", \"self\": 0, \"samples\": 9223372036854775807}]}") == 0,
	   "counts at the ends of their range load");
	t = profile_text(&p);
	is_str(t, "1 rep, -9,223,372,036,854,775,808 samples", "and are printed as they are");
	free(t);
	ok(p.fn[0].samples == 9223372036854775807L, "a sum that would overflow saturates");
	profile_release(&p);
	ok(load(&p, "{\"cell\": \"x\"}") < 0, "neither functions nor unavailable: an error");
	is_str(error_last(), "test.json: not a profile: neither \"functions\" nor \"unavailable\"",
	       "which names the file");
	ok(load(&p, "{\"functions\": [{\"symbol\": \"f\"}]}") < 0, "a function without dso: an error");
	is_str(error_last(), "test.json: functions[0]: needs \"symbol\", \"dso\" and a number \"self\"",
	       "which names the entry");
}

static void
test_diff(void)
{
	static const char *const want[][2] = {
		{ "memcpy", "ld-musl-x86_64.so.1" }, { "strcmp", "libc.so.6" },
		{ "printf_core", "ld-musl-x86_64.so.1" }, { "do_lookup_x", "ld-linux-x86-64.so.2" },
		{ "memcpy", "libc.so.6" }, { "clear_page_erms", "kernel" }, { "[unknown]", "busybox" },
	};
	struct cell_profile a, b;
	struct profile_change *c;
	size_t n, i;
	char *text;
	struct buf out = BUF_INIT;
	FILE *f;

	load(&a, debian);
	load(&b, alpine);
	n = profile_diff(&a, &b, &c);
	is_int(n, 7, "seven functions: memcpy of musl and memcpy of glibc are two");
	for (i = 0; i < n && i < 7; i++)
		ok(strcmp(c[i].symbol, want[i][0]) == 0 && strcmp(c[i].dso, want[i][1]) == 0,
		   "row %zu: %s [%s] (got %s [%s])", i + 1, want[i][0], want[i][1], c[i].symbol, c[i].dso);
	ok(fabs(c[0].delta - 0.30) < 1e-9 && c[0].a == 0 && c[0].beyond, "musl's memcpy: +30 points, beyond");
	ok(fabs(c[1].delta + 0.24) < 1e-9 && c[1].b == 0 && c[1].b_hi == 0, "strcmp: -24 points, absent in B");
	ok(!c[5].beyond, "clear_page_erms: +0.5 points inside both intervals: not beyond");
	ok(c[6].stripped && !c[0].stripped, "busybox is stripped, musl is not");
	f = tmpfile();
	c[1].stripped = 1; /* as if glibc had no symbol table: the DSO column says so */
	profile_diff_print(f, c, 2);
	rewind(f);
	text = xcalloc(1, 4096);
	fread(text, 1, 4095, f);
	fclose(f);
	buf_puts(&out, "function  DSO                          A         B     change  beyond both intervals\n"
		       "memcpy    ld-musl-x86_64.so.1      0.00%    30.00%  +30.00 pt  yes\n"
		       "strcmp    libc.so.6 (stripped)    24.00%     0.00%  -24.00 pt  yes\n");
	is_str(text, out.data, "the table, ImageJockey's form");
	free(text);
	buf_release(&out);
	free(c);
	profile_release(&a);
	profile_release(&b);
}

/* A list cut at PROFILE_MAX_FUNCTIONS: a function missing from it may have
 * up to the smallest share listed. */
static void
test_cut(void)
{
	struct buf j = BUF_INIT;
	struct cell_profile a, b;
	struct profile_change *c;
	size_t n, i;

	buf_puts(&j, "{\"repetitions\": 1, \"samples\": 1000, \"functions\": [");
	for (i = 0; i < PROFILE_MAX_FUNCTIONS; i++)
		buf_printf(&j, "%s{\"dso\": \"x\", \"symbol\": \"f%zu\", \"self\": 0.004}", i ? "," : "", i);
	buf_puts(&j, "]}");
	load(&a, j.data);
	load(&b, "{\"functions\": [{\"dso\": \"y\", \"symbol\": \"g\", \"self\": 0.003}]}");
	n = profile_diff(&b, &a, &c);
	is_int(n, PROFILE_MAX_FUNCTIONS + 1, "the union of both lists");
	ok(strcmp(c[n - 1].symbol, "g") == 0 && c[n - 1].b_hi == 0.004 && !c[n - 1].beyond,
	   "g, absent from a cut list, may be up to its smallest share: not beyond");
	free(c);
	buf_release(&j);
	profile_release(&a);
	profile_release(&b);
}

static const char folded[] =
	"sh;__libc_start_main [libc.so.6];main [dash];strcmp [libc.so.6] 57\n"
	"sh;__libc_start_main [libc.so.6];main [dash];evaltree [dash] 40\n"
	"sh;[unknown] [busybox] 100\n"
	"sh;entry_SYSCALL_64 [kernel];do_syscall_64 [kernel] 2\n"
	"sort;<odd> & \"name\" [ld-musl-x86_64.so.1] 1\n"
	"\n";

static void
test_flame(void)
{
	struct flame_node root, bad;
	struct buf svg = BUF_INIT;
	size_t frames;

	ok(flame_parse(&root, folded, "p.folded") == 0, "folded stacks parse");
	is_int(root.value, 200, "the root holds all samples");
	is_int(root.nchild, 2, "two processes");
	is_int(root.child[0].value, 199, "sh: 199 samples");
	is_int(root.child[0].child[0].child[0].nchild, 2, "main has strcmp and evaltree");
	is_str(flame_kind("strcmp [libc.so.6]", 3), "glibc", "libc.so.6: glibc");
	is_str(flame_kind("memcpy [ld-musl-x86_64.so.1]", 3), "musl", "ld-musl: musl");
	is_str(flame_kind("do_syscall_64 [kernel]", 3), "kernel", "kernel");
	is_str(flame_kind("[unknown] [busybox]", 3), "other", "the program");
	is_str(flame_kind("[unknown] [unknown]", 3), "unknown", "unresolved DSO");
	is_str(flame_kind("sh", 1), "proc", "a process");
	frames = flame_svg(&svg, &root, "flame-a<b");
	/* all, sh, __libc_start_main, main, strcmp, evaltree, [unknown], entry, do_syscall_64,
	 * sort and its one frame: one sample is 0.5%, not below the cut */
	is_int(frames, 11, "every frame at or above 0.5%% drawn");
	ok(strstr(svg.data, "<svg class=\"flame\" id=\"flame-a&lt;b\"") != NULL, "an <svg>, its id escaped");
	ok(strstr(svg.data, "<g class=\"f glibc\" data-n=\"strcmp [libc.so.6]\" data-v=\"57\"><title>strcmp "
			    "[libc.so.6] (57 samples, 28.50%)</title><rect x=\"0.0\"") != NULL,
	   "strcmp: glibc, 57 samples, 28.5%%, at the left");
	ok(strstr(svg.data, "data-n=\"&lt;odd&gt; &amp; &quot;name&quot; [ld-musl-x86_64.so.1]\"") != NULL,
	   "names are escaped");
	ok(strstr(svg.data, "<text x=\"585.0\" y=\"") != NULL,
	   "[unknown] [busybox] starts after __libc_start_main's 97 of 200 samples");
	buf_release(&svg);
	flame_release(&root);
	ok(flame_parse(&root, "sh;a [b] 29\nsh;a [b] 1\nsh;c [d] 996\nx;tiny [t] 4\n", "p") == 0,
	   "a graph with a tiny frame");
	frames = flame_svg(&svg, &root, "t");
	is_int(frames, 4, "frames below 0.5%% (x: 4 of 1030) are left out: all, sh, a, c");
	ok(!strstr(svg.data, "tiny"), "tiny is not drawn");
	buf_release(&svg);
	flame_release(&root);
	ok(flame_parse(&root, "sh;[unknown] [unknown];[unknown] [unknown];[unknown] [unknown];f [x] 2\n"
			   "sh;[unknown] [unknown];g [x] 1\n"
			   "sh;[unknown];[unknown];[unknown] [busybox];[unknown] [busybox];h [x] 1\n"
			   "sh;r [x];r [x] 1\n", "p") == 0, "unresolved frames in a row");
	is_int(root.child[0].nchild, 3, "sh: three frames");
	is_int(root.child[0].child[0].nchild, 2, "a run of [unknown] [unknown] is one, holding f and g");
	ok(strcmp(root.child[0].child[1].name, "[unknown]") == 0 &&
	   strcmp(root.child[0].child[1].child[0].name, "[unknown] [busybox]") == 0 &&
	   strcmp(root.child[0].child[1].child[0].child[0].name, "h [x]") == 0,
	   "so is a run of [unknown] without DSO, and one of [unknown] [busybox]");
	is_int(root.child[0].child[2].nchild, 1, "a resolved recursion keeps its depth");
	flame_release(&root);
	ok(flame_parse(&bad, "a 9223372036854775807\nb 1\n", "p.folded") < 0, "counts that overflow fail");
	is_str(error_last(), "p.folded:2: the sample counts add up to more than 9223372036854775807", "at their line");
	ok(flame_parse(&bad, "sh;a [b] 3\nsh;a [b]\n", "p.folded") < 0, "a line without a count fails");
	is_str(error_last(), "p.folded:2: not a folded stack: 'STACK COUNT' expected", "at its line");
}

int
main(void)
{
	test_load();
	test_diff();
	test_cut();
	test_flame();
	return tap_done();
}
