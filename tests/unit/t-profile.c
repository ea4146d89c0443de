/* t-profile.c: perf script's output counted into profile.json's functions
 * and profile.folded (runners/run/profile_data.c), from canned output of
 * perf 6.1 (perf script -F comm,ip,sym,dso) with and without call graphs. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "runners/run/profile_data.h"
#include "tap.h"

/* With call graphs (-g): three samples of sh, one of od. */
static const char stacks_rep0[] =
	"sh \n"
	"\t          16715e __strcmp_evex (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"\t            ae77 [unknown] (/usr/bin/dash)\n"
	"\t    7ffdfd0c0e90 [unknown] ([unknown])\n"
	"\n"
	"sh \n"
	"\t ffffffffa1000f8e do_syscall_64 ([kernel.kallsyms])\n"
	"\t ffffffffa120007c entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])\n"
	"\t            ae77 [unknown] (/usr/bin/dash)\n"
	"\n"
	"sh \n"
	"\t          16715e __strcmp_evex (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"\t            ae77 [unknown] (/usr/bin/dash)\n"
	"\t    7ffdfd0c0e90 [unknown] ([unknown])\n"
	"\n"
	"od \n"
	"\t           4a1b0 memcpy (/lib/ld-musl-x86_64.so.1)\n"
	"\n";
static const char stacks_rep1[] =
	"sh \n"
	"\t            ae77 [unknown] (/usr/bin/dash)\n"
	"\n";

/* Without call graphs: one line a sample, the name padded. */
static const char lines[] =
	"              sh      7fc6d27b2d9b __GI_____strtoll_l_internal (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"              sh      5568074ee442 [unknown] (/usr/bin/dash)\n"
	"              sh      7fc6d28d146f __strcmp_evex (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"       runc:[2:INIT]  ffffffffa1000f8e do_syscall_64 ([kernel.kallsyms])\n";

static json_t *
find(json_t *fns, const char *process, const char *symbol)
{
	size_t i;
	json_t *f;

	json_array_foreach(fns, i, f)
		if (strcmp(json_string_value(json_object_get(f, "process")), process) == 0 &&
		    strcmp(json_string_value(json_object_get(f, "symbol")), symbol) == 0)
			return f;
	return NULL;
}

static double
num(json_t *f, const char *key)
{
	return json_number_value(json_object_get(f, key));
}

static void
test_stacks(void)
{
	struct pdata d;
	struct buf b = BUF_INIT;
	json_t *fns, *f;

	pdata_init(&d, 2);
	pdata_add(&d, 0, stacks_rep0, 1);
	pdata_add(&d, 1, stacks_rep1, 1);
	is_int(pdata_samples(&d), 5, "stacks: 5 samples over 2 repetitions");
	pdata_folded(&d, &b);
	is_str(b.data,
	       "od;memcpy [ld-musl-x86_64.so.1] 1\n"
	       "sh;[unknown] [dash] 1\n"
	       "sh;[unknown] [dash];entry_SYSCALL_64_after_hwframe [kernel];do_syscall_64 [kernel] 1\n"
	       "sh;[unknown] [unknown];[unknown] [dash];__strcmp_evex [libc.so.6] 2\n",
	       "stacks: folded root first, DSOs by basename, the kernel as [kernel]");
	fns = pdata_functions(&d, "/nonexistent", 200);
	f = json_array_get(fns, 0);
	is_str(json_string_value(json_object_get(f, "symbol")), "__strcmp_evex", "the top function");
	is_str(json_string_value(json_object_get(f, "dso")), "libc.so.6", "its dso");
	is_str(json_string_value(json_object_get(f, "dso_path")), "/usr/lib/x86_64-linux-gnu/libc.so.6",
	       "its dso_path");
	ok(num(f, "self") == 2.0 / 5 && num(f, "total") == 2.0 / 5, "its self and total: 2 of 5");
	ok(json_real_value(json_array_get(json_object_get(f, "self_interval"), 0)) == 0.0 &&
	   json_real_value(json_array_get(json_object_get(f, "self_interval"), 1)) == 0.5,
	   "its self interval: 0 (rep 2) to 2/4 (rep 1)");
	f = find(fns, "sh", "[unknown]");
	ok(f && num(f, "self") == 1.0 / 5 && num(f, "total") == 4.0 / 5,
	   "dash's unknown frame: leaf once, on 4 stacks of 5");
	ok(f && !json_is_true(json_object_get(f, "stripped")), "not called stripped when its file is not there");
	f = find(fns, "sh", "do_syscall_64");
	is_str(f ? json_string_value(json_object_get(f, "dso")) : NULL, "[kernel]", "a kernel frame's dso");
	json_decref(fns);
	fns = pdata_functions(&d, "/nonexistent", 2);
	is_int(json_array_size(fns), 2, "at most max functions");
	json_decref(fns);
	buf_release(&b);
	pdata_release(&d);
}

static void
test_lines(void)
{
	struct pdata d;
	struct buf b = BUF_INIT;

	pdata_init(&d, 1);
	pdata_add(&d, 0, lines, 0);
	is_int(pdata_samples(&d), 4, "lines: 4 samples");
	pdata_folded(&d, &b);
	is_str(b.data,
	       "runc:[2:INIT];do_syscall_64 [kernel] 1\n"
	       "sh;[unknown] [dash] 1\n"
	       "sh;__GI_____strtoll_l_internal [libc.so.6] 1\n"
	       "sh;__strcmp_evex [libc.so.6] 1\n",
	       "lines: the padded name and the frame of each");
	buf_release(&b);
	pdata_release(&d);
}

int
main(void)
{
	test_stacks();
	test_lines();
	is_int(elf_stripped("/proc/self/exe"), 0, "this test has a symbol table");
	is_int(elf_stripped("/etc/hostname"), -1, "a file that is not ELF: unknown");
	return tap_done();
}
