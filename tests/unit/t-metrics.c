/* t-metrics.c: the cgroup file parsers on real and documented fixture files
 * (tests/parse/cgroup/), making parents on fake mount tables, and, as root
 * with a writable cgroup file system, a live parent measuring a child. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/cgroup.h"
#include "runners/run/kernfile.h"
#include "runners/run/native.h"
#include "runners/run/provenance.h"
#include "runners/run/sampler.h"
#include "tap.h"

#define FIX "tests/parse/cgroup"

static char *
slurp(const char *path)
{
	char *data;

	if (read_file(path, &data, NULL) < 0)
		return xstrdup("");
	return data;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void
put(const char *path, const char *s)
{
	if (mkdirs_parent(path) < 0 || write_file_atomic(path, s, strlen(s)) < 0)
		exit(99);
}

static void
test_parsers(void)
{
	char *t;
	long long a, b;

	t = slurp(FIX "/v1/cpuacct/cpuacct.stat");
	ok(kernfile_parse_keyed(t, "user", &a) == 0 && a == 108, "cpuacct.stat user");
	ok(kernfile_parse_keyed(t, "system", &a) == 0 && a == 17, "cpuacct.stat system");
	ok(kernfile_parse_keyed(t, "nice", &a) < 0, "missing key");
	free(t);
	t = slurp(FIX "/v2/cpu.stat");
	ok(kernfile_parse_keyed(t, "usage_usec", &a) == 0 && a == 255044223, "cpu.stat usage_usec");
	ok(kernfile_parse_keyed(t, "user_usec", &a) == 0 && a == 77344799, "cpu.stat user_usec");
	ok(kernfile_parse_keyed(t, "system_usec", &a) == 0 && a == 177699424, "cpu.stat system_usec");
	free(t);

	t = slurp(FIX "/v1/blkio/blkio.throttle.io_service_bytes_recursive");
	ok(kernfile_parse_blkio(t, &a, &b) == 0 && a == 0 && b == 0, "blkio: real 'Total 0'");
	free(t);
	t = slurp(FIX "/blkio-devices");
	is_int(kernfile_parse_blkio(t, &a, &b), 2, "blkio: two devices");
	is_int(a, 1310720 + 4096, "blkio read sums devices");
	is_int(b, 4194304, "blkio write sums devices");
	free(t);
	ok(kernfile_parse_blkio("garbage\n", &a, &b) < 0, "blkio: garbage");

	t = slurp(FIX "/v2/io.stat");
	ok(kernfile_parse_iostat(t, &a, &b) == 0, "io.stat");
	is_int(a, 1310720 + 4096, "io.stat rbytes");
	is_int(b, 4194304, "io.stat wbytes");
	free(t);
	ok(kernfile_parse_iostat("", &a, &b) == 0 && a == 0 && b == 0, "io.stat empty: no I/O yet");

	t = slurp(FIX "/netdev-host");
	ok(kernfile_parse_netdev(t, &a, &b) == 0, "net/dev host");
	is_int(a, 161767213 + 11111, "net/dev rx without lo (docker0: without space)");
	is_int(b, 236325 + 10005699, "net/dev tx without lo");
	free(t);
	t = slurp(FIX "/netdev-container");
	ok(kernfile_parse_netdev(t, &a, &b) == 0 && a == 200 && b == 0, "net/dev container");
	free(t);
}

static void
test_read_fixtures(void)
{
	struct cgparent cg = { 0 };
	struct cgreading r;
	long hz = sysconf(_SC_CLK_TCK);

	cg.cpu_dir = FIX "/v1/cpuacct";
	cg.mem_dir = FIX "/v1/memory";
	cg.io_dir = FIX "/v1/blkio";
	cg.pids_dir = FIX "/v1/pids";
	cgparent_read(&cg, &r);
	ok(fabs(r.cpu_s - 1.262075181) < 1e-9, "v1 cpu_s from cpuacct.usage (%f)", r.cpu_s);
	ok(fabs(r.cpu_user_s - 108.0 / hz) < 1e-9, "v1 cpu_user_s in USER_HZ");
	ok(fabs(r.cpu_system_s - 17.0 / hz) < 1e-9, "v1 cpu_system_s in USER_HZ");
	is_int(r.mem_bytes, 2514944, "v1 memory.usage_in_bytes");
	is_int(r.mem_peak_bytes, 43569152, "v1 memory.max_usage_in_bytes");
	is_int(r.pids, 0, "v1 pids.current");
	is_int(r.pids_peak, 6, "v1 pids.peak");

	memset(&cg, 0, sizeof(cg));
	cg.v2 = 1;
	cg.cpu_dir = cg.mem_dir = cg.io_dir = cg.pids_dir = FIX "/v2";
	cgparent_read(&cg, &r);
	ok(fabs(r.cpu_s - 255.044223) < 1e-9, "v2 cpu_s from usage_usec");
	ok(fabs(r.cpu_user_s - 77.344799) < 1e-9, "v2 cpu_user_s");
	ok(fabs(r.cpu_system_s - 177.699424) < 1e-9, "v2 cpu_system_s");
	is_int(r.mem_bytes, 2514944, "v2 memory.current");
	is_int(r.mem_peak_bytes, 43569152, "v2 memory.peak");
	is_int(r.io_read_bytes, 1314816, "v2 io.stat read");
	is_int(r.pids_peak, 6, "v2 pids.peak");

	cg.cpu_dir = cg.mem_dir = cg.io_dir = cg.pids_dir = FIX "/nonexistent";
	cgparent_read(&cg, &r);
	ok(r.cpu_s == 0 && r.mem_peak_bytes == -1 && r.pids_peak == -1, "missing files: 0, peaks unknown");
}

/* A mount table from a fixture with @ROOT@ replaced by a scratch folder. */
static char *
fake_mountinfo(const char *fixture, const char *root)
{
	char *t = slurp(fixture), *p, *q, *path;
	struct buf b = BUF_INIT;

	for (p = t; (q = strstr(p, "@ROOT@")); p = q + 6) {
		buf_add(&b, p, q - p);
		buf_puts(&b, root);
	}
	buf_puts(&b, p);
	path = xasprintf("%s/mountinfo", root);
	put(path, b.data);
	buf_release(&b);
	free(t);
	return path;
}

static void
rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		ok(0, "rm -rf %s", dir);
	free(cmd);
}

static void
test_create_hybrid(const char *tmp)
{
	struct cgparent cg;
	char *root = xasprintf("%s/hybrid", tmp), *mi, *p, *t;
	static const char *const ctrls[] = { "cpu", "cpuacct", "cpuset", "memory", "devices",
	                                     "freezer", "blkio", "pids", "systemd", "unified" };
	size_t i;

	for (i = 0; i < sizeof(ctrls) / sizeof(ctrls[0]); i++) {
		p = xasprintf("%s/%s/keep", root, ctrls[i]);
		put(p, "");
		free(p);
	}
	p = xasprintf("%s/cpuset/cpuset.cpus", root), put(p, "0-1\n"), free(p);
	p = xasprintf("%s/cpuset/cpuset.mems", root), put(p, "0\n"), free(p);
	/* a kernel makes these files with the folder; a scratch fs does not */
	p = xasprintf("%s/cpuset/jockey-t/cpuset.cpus", root), put(p, ""), free(p);
	p = xasprintf("%s/cpuset/jockey-t/cpuset.mems", root), put(p, ""), free(p);
	mi = fake_mountinfo(FIX "/mountinfo.hybrid", root);

	ok(cgparent_create_from(&cg, "/jockey-t", mi) == 0, "hybrid: create");
	is_str(cg.name, "/jockey-t", "hybrid: name");
	is_int(cg.v2, 0, "hybrid: the engine uses v1, so do we");
	is_int(cg.npaths, 10, "hybrid: in all ten hierarchies, as runc does");
	p = xasprintf("%s/cpuacct/jockey-t", root);
	is_str(cg.cpu_dir, p, "hybrid: cpu counters in cpuacct");
	ok(is_dir(p), "hybrid: cpuacct folder made");
	free(p);
	p = xasprintf("%s/pids/jockey-t", root);
	is_str(cg.pids_dir, p, "hybrid: pids folder");
	free(p);
	p = xasprintf("%s/cpuset/jockey-t/cpuset.cpus", root);
	t = slurp(p);
	is_str(t, "0-1\n", "hybrid: cpuset.cpus copied from the root");
	free(t), free(p);
	p = xasprintf("%s/unified/jockey-t", root);
	ok(is_dir(p), "hybrid: made in the controller-less v2 mount too (runc makes it)");
	free(p);
	p = xasprintf("%s/devices/jockey-t", root);
	ok(is_dir(p), "hybrid: made in devices, which is not read");
	free(p);
	cgparent_release(&cg);
	free(mi);
	free(root);
}

static void
test_create_joint(const char *tmp)
{
	struct cgparent cg;
	char *root = xasprintf("%s/joint", tmp), *mi, *p;
	static const char *const ctrls[] = { "unified", "systemd", "cpu,cpuacct", "memory", "blkio",
	                                     "pids", "net_cls,net_prio" };
	size_t i;

	for (i = 0; i < sizeof(ctrls) / sizeof(ctrls[0]); i++) {
		p = xasprintf("%s/%s/keep", root, ctrls[i]);
		put(p, "");
		free(p);
	}
	mi = fake_mountinfo(FIX "/mountinfo.v1-joint", root);
	/* the cpuset mount point is missing: the parent cannot be made */
	ok(cgparent_create_from(&cg, "jockey-j", mi) < 0, "joint: a missing mount point fails");
	p = xasprintf("%s/memory/jockey-j", root);
	ok(!is_dir(p), "joint: the failed create left no folders");
	free(p);
	cgparent_release(&cg);
	p = xasprintf("%s/cpuset/cpuset.cpus", root), put(p, "0\n"), free(p);
	p = xasprintf("%s/cpuset/cpuset.mems", root), put(p, "0\n"), free(p);
	p = xasprintf("%s/cpuset/jockey-j/cpuset.cpus", root), put(p, "1\n"), free(p);
	p = xasprintf("%s/cpuset/jockey-j/cpuset.mems", root), put(p, "0\n"), free(p);
	ok(cgparent_create_from(&cg, "jockey-j", mi) == 0, "joint: create");
	is_int(cg.npaths, 8, "joint: one folder for cpu,cpuacct, eight hierarchies");
	p = xasprintf("%s/cpu,cpuacct/jockey-j", root);
	is_str(cg.cpu_dir, p, "joint: cpu counters in the joint mount");
	free(p);
	cgparent_release(&cg);
	ok(cgparent_create_from(&cg, "../escape", mi) < 0, "a name with '..' is refused");
	cgparent_release(&cg);
	free(mi);
	free(root);
}

static void
test_create_v2(const char *tmp)
{
	struct cgparent cg;
	char *root = xasprintf("%s/v2", tmp), *mi, *p, *t;

	p = xasprintf("%s/cgroup.controllers", root), put(p, "cpuset cpu io memory pids\n"), free(p);
	p = xasprintf("%s/cgroup.subtree_control", root), put(p, "\n"), free(p);
	mi = fake_mountinfo(FIX "/mountinfo.v2", root);
	ok(cgparent_create_from(&cg, "jockey-v2", mi) == 0, "v2: create");
	is_int(cg.v2, 1, "v2: detected");
	is_int(cg.npaths, 1, "v2: one folder");
	p = xasprintf("%s/jockey-v2", root);
	is_str(cg.paths[0], p, "v2: folder");
	ok(cg.cpu_dir == cg.paths[0] && cg.mem_dir == cg.paths[0], "v2: every counter in it");
	free(p);
	p = xasprintf("%s/cgroup.subtree_control", root);
	t = slurp(p);
	ok(strstr(t, "+") != NULL, "v2: controllers enabled in the root");
	free(t), free(p);
	/* an empty child folder left by the engine goes too */
	p = xasprintf("%s/jockey-v2/0123abc", root);
	ok(mkdir(p, 0755) == 0, "v2: a leftover child");
	ok(cgparent_remove(&cg) == 0, "v2: remove");
	ok(!is_dir(p), "v2: the child is gone");
	free(p);
	p = xasprintf("%s/jockey-v2", root);
	ok(!is_dir(p), "v2: the parent is gone");
	free(p);
	cgparent_release(&cg);
	free(mi);
	free(root);
}

/* A native run's limits in a fake parent: the files runc would write, in
 * the parent itself; run.json's ulimits for setrlimit. */
static int
limits_apply(const char *cgname, const char *mi, struct proc *p, struct native *n, const char *hc)
{
	struct run r;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(p, 0, sizeof(*p));
	memset(n, 0, sizeof(*n));
	r.cell = "c";
	r.run_json = "run.json";
	r.config = json_loads(hc, 0, NULL);
	hostconf_decode(&r.rc.hc, r.config);
	if (cgparent_create_from(&p->cg, cgname, mi) < 0) {
		rc = -1;
	} else {
		p->have_cg = 1;
		rc = native_limits_apply(&r, p, n);
	}
	hostconf_release(&r.rc.hc);
	json_decref(r.config);
	return rc;
}

static void
is_file(const char *dir, const char *file, const char *want, const char *what)
{
	char *path = xasprintf("%s/%s", dir, file), *t = slurp(path);

	is_str(t, want, what);
	free(t);
	free(path);
}

static void
test_native_limits(const char *tmp)
{
	static const char *const v2files[] = { "memory.max", "memory.swap.max", "cpu.max", "cpuset.cpus" };
	static const char *const v1files[] = { "memory/jockey-n/memory.limit_in_bytes",
		"memory/jockey-n/memory.memsw.limit_in_bytes", "cpu/jockey-n/cpu.cfs_period_us",
		"cpu/jockey-n/cpu.cfs_quota_us", "cpuset/jockey-n/cpuset.cpus", "cpuset/jockey-n/cpuset.mems" };
	const char *hc = "{\"memory\": 67108864, \"cpus\": 0.5, \"cpuset\": \"1\", "
			 "\"ulimits\": [{\"name\": \"nofile\", \"soft\": 1024, \"hard\": -1}]}";
	char *root = xasprintf("%s/nv2", tmp), *mi, *p, *dir;
	struct proc pr;
	struct native n;
	size_t i;

	p = xasprintf("%s/cgroup.controllers", root), put(p, "cpuset cpu io memory pids\n"), free(p);
	p = xasprintf("%s/cgroup.subtree_control", root), put(p, "\n"), free(p);
	dir = xasprintf("%s/jockey-n", root);
	/* a kernel makes these files with the folder; a scratch fs does not */
	for (i = 0; i < sizeof(v2files) / sizeof(v2files[0]); i++)
		p = xasprintf("%s/%s", dir, v2files[i]), put(p, ""), free(p);
	p = xasprintf("%s/memory.events", dir), put(p, "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"), free(p);
	mi = fake_mountinfo(FIX "/mountinfo.v2", root);
	ok(limits_apply("jockey-n", mi, &pr, &n, hc) == 0, "native v2: limits applied");
	is_file(dir, "memory.max", "67108864", "native v2: memory.max");
	is_file(dir, "memory.swap.max", "0", "native v2: no swap on top");
	is_file(dir, "cpu.max", "50000 100000", "native v2: cpus 0.5 as a quota");
	is_file(dir, "cpuset.cpus", "1", "native v2: cpuset");
	ok(n.nrlim == 1 && n.rlim[0].resource == RLIMIT_NOFILE && n.rlim[0].lim.rlim_cur == 1024 &&
	   n.rlim[0].lim.rlim_max == RLIM_INFINITY, "native: ulimit nofile 1024:unlimited");
	is_int(native_limits_oom_killed(&pr), 1, "native v2: memory.events oom_kill counts");
	p = xasprintf("%s/memory.events", dir), put(p, "oom 0\noom_kill 0\n"), free(p);
	is_int(native_limits_oom_killed(&pr), 0, "native v2: no OOM kill");
	native_limits_free(&n);
	cgparent_release(&pr.cg);
	free(mi), free(dir), free(root);

	/* hybrid: the hybrid fixture's ten hierarchies, limits in v1's files */
	root = xasprintf("%s/hybrid", tmp);
	for (i = 0; i < sizeof(v1files) / sizeof(v1files[0]); i++)
		p = xasprintf("%s/%s", root, v1files[i]), put(p, ""), free(p);
	p = xasprintf("%s/memory/jockey-n/memory.oom_control", root);
	put(p, "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"), free(p);
	mi = fake_mountinfo(FIX "/mountinfo.hybrid", root);
	ok(limits_apply("jockey-n", mi, &pr, &n, hc) == 0, "native hybrid: limits applied");
	dir = xasprintf("%s/memory/jockey-n", root);
	is_file(dir, "memory.limit_in_bytes", "67108864", "native hybrid: memory limit");
	is_file(dir, "memory.memsw.limit_in_bytes", "67108864", "native hybrid: no swap on top");
	free(dir), dir = xasprintf("%s/cpu/jockey-n", root);
	is_file(dir, "cpu.cfs_period_us", "100000", "native hybrid: CFS period");
	is_file(dir, "cpu.cfs_quota_us", "50000", "native hybrid: CFS quota");
	free(dir), dir = xasprintf("%s/cpuset/jockey-n", root);
	is_file(dir, "cpuset.cpus", "1", "native hybrid: cpuset");
	is_int(native_limits_oom_killed(&pr), 1, "native hybrid: memory.oom_control oom_kill counts");
	native_limits_free(&n);
	cgparent_release(&pr.cg);
	free(mi), free(dir), free(root);
}

/* Burn cpu_s of CPU, touching mem bytes, then exit. */
static char zero4k[4096];

static void
child_work(double cpu_s, size_t mem, const char *io_path)
{
	struct rusage ru;
	char *m = malloc(mem);
	volatile unsigned long x = 0;
	double used;

	if (!m)
		_exit(2);
	/* touch every page, and use the result so the compiler keeps it */
	for (size_t i = 0; i < mem; i += 4096)
		m[i] = (char)i;
	for (size_t i = 0; i < mem; i += 4096)
		x += m[i];
	do {
		for (int i = 0; i < 1000000; i++)
			x += i;
		getrusage(RUSAGE_SELF, &ru);
		used = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
		       ru.ru_stime.tv_usec / 1e6;
	} while (used < cpu_s);
	free(m);
	/* 4 MiB to disk, so the I/O counters have something to count */
	if (io_path) {
		FILE *f = fopen(io_path, "w");
		for (int i = 0; f && i < 4 * 256; i++)
			fwrite(zero4k, 1, 4096, f);
		if (!f || fflush(f) != 0 || fsync(fileno(f)) != 0)
			_exit(4);
		fclose(f);
		unlink(io_path);
		/* /proc/PID/io is sampled: stay until the sampler has seen it */
		usleep(250 * 1000);
	}
	_exit(0);
}

static int
cgroup_writable(void)
{
	return geteuid() == 0 && access("/sys/fs/cgroup", W_OK) == 0 &&
	       getenv("JOCKEY_TEST_NO_CGROUP") == NULL;
}

static void
test_live(const char *tmp)
{
	struct cgparent cg;
	struct sampler *s;
	char *name, *tsv, *t, *iopath;
	int go[2], status;
	char c = 'g';
	pid_t pid;
	json_t *j;
	size_t i, rows = 0;
	char **paths;

	if (!cgroup_writable()) {
		ok(1, "# SKIP live cgroup test: needs root and a writable /sys/fs/cgroup");
		return;
	}
	name = xasprintf("jockey-tmetrics-%ld", (long)getpid());
	if (!ok(cgparent_create(&cg, name) == 0, "live: create %s", name))
		return;
	if (pipe(go) < 0)
		exit(99);
	/* on disk, not tmpfs: /var/tmp */
	iopath = xasprintf("/var/tmp/t-metrics-io.%ld", (long)getpid());
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(3);
		child_work(0.3, 50 << 20, iopath);
	}
	close(go[0]);
	ok(cgparent_attach(&cg, pid) == 0, "live: attach the child");
	tsv = xasprintf("%s/metrics.tsv", tmp);
	s = sampler_start(&cg, 50, tsv);
	ok(s != NULL, "live: sampler started");
	sampler_set_pid(s, pid);
	if (write(go[1], &c, 1) != 1)
		exit(99);
	close(go[1]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "live: child done");
	j = sampler_stop(s);
	t = json_dumps(j, JSON_SORT_KEYS);
	printf("# %s\n", t);
	free(t);
	ok(fabs(json_real_value(json_object_get(j, "cpu_s")) - 0.3) <= 0.15, "live: cpu_s ~ 0.3");
	ok(json_integer_value(json_object_get(j, "mem_peak_bytes")) >= 50 << 20, "live: mem_peak >= 50 MiB");
	ok(json_integer_value(json_object_get(j, "pids_peak")) >= 1, "live: pids_peak");
	ok(json_integer_value(json_object_get(j, "samples")) >= 3, "live: samples taken");
	is_str(json_string_value(json_object_get(j, "net_scope")), "host", "live: a native process sees the host's network");
	is_str(json_string_value(json_object_get(j, "cgroup")), cg.v2 ? "v2" : "v1", "live: cgroup version");
	ok(json_integer_value(json_object_get(j, "io_write_bytes")) >= 4 << 20, "live: io_write_bytes >= 4 MiB (from %s)",
	   json_string_value(json_object_get(j, "io_source")));
	json_decref(j);
	t = slurp(tsv);
	ok(strncmp(t, "t_s\tcpu_s\tcpu_user_s\tcpu_system_s\tmem_bytes\t", 44) == 0, "live: tsv header");
	for (i = 0; t[i]; i++)
		rows += t[i] == '\n';
	ok(rows >= 4, "live: tsv rows (%zu lines)", rows);
	free(t);
	paths = xcalloc(cg.npaths, sizeof(*paths));
	for (i = 0; i < cg.npaths; i++)
		paths[i] = xstrdup(cg.paths[i]);
	ok(cgparent_remove(&cg) == 0, "live: remove");
	for (i = 0; i < cg.npaths; i++) {
		ok(!is_dir(paths[i]), "live: %s is gone", paths[i]);
		free(paths[i]);
	}
	free(paths);
	cgparent_release(&cg);
	free(tsv);
	free(iopath);
	free(name);
}

/* A unix:// engine whose /info kernel is not ours is not this machine. */
static void
test_not_here(void)
{
	struct engine e;
	struct run r;
	struct utsname u;
	char *why;

	memset(&r, 0, sizeof(r));
	memset(&e, 0, sizeof(e));
	e.endpoint = "unix:///run/vm.sock";
	r.e = &e;
	ok(provenance_not_here(&r) == NULL, "not_here: no /info says nothing");
	uname(&u);
	r.info = json_pack("{s:s}", "KernelVersion", u.release);
	ok(provenance_not_here(&r) == NULL, "not_here: our kernel");
	json_decref(r.info);
	r.info = json_pack("{s:s}", "KernelVersion", "6.6.0-linuxkit");
	why = provenance_not_here(&r);
	ok(why && strstr(why, "the engine at unix:///run/vm.sock runs kernel 6.6.0-linuxkit, this machine ") == why,
	   "not_here: another kernel");
	free(why);
	json_decref(r.info);
}

/* The remote sampler's view: a host's /sys/fs/cgroup bound elsewhere. */
static void
test_locate(const char *tmp)
{
	struct cgparent cg;
	char *root = xasprintf("%s/bound-v1", tmp), *p;

	p = xasprintf("%s/memory", root), ok(mkdirs(p) == 0, "locate: a v1 root"), free(p);
	p = xasprintf("%s/cpuacct", root), mkdirs(p), free(p);
	p = xasprintf("%s/pids", root), mkdirs(p), free(p);
	ok(cgparent_locate(&cg, "/jockey-r", root) == 0, "locate: v1");
	is_int(cg.v2, 0, "locate: v1 detected");
	p = xasprintf("%s/cpuacct/jockey-r", root);
	is_str(cg.cpu_dir, p, "locate: v1 cpuacct folder, not made");
	ok(!is_dir(p), "locate: makes nothing");
	free(p);
	p = xasprintf("%s/memory/jockey-r", root);
	is_str(cg.mem_dir, p, "locate: v1 memory folder");
	free(p);
	ok(cg.io_dir == NULL, "locate: no blkio folder, no io counter");
	cgparent_release(&cg);
	/* the clean-up: the parent and an empty child in every hierarchy */
	p = xasprintf("%s/memory/jockey-r/0123abc", root), mkdirs(p), free(p);
	p = xasprintf("%s/pids/jockey-r", root), mkdirs(p), free(p);
	p = xasprintf("%s/pids/other", root), mkdirs(p), free(p);
	ok(cgparent_remove_under(root, "/jockey-r") == 0, "remove_under: v1");
	p = xasprintf("%s/memory/jockey-r", root), ok(!is_dir(p), "remove_under: memory's gone"), free(p);
	p = xasprintf("%s/pids/jockey-r", root), ok(!is_dir(p), "remove_under: pids' gone"), free(p);
	p = xasprintf("%s/pids/other", root), ok(is_dir(p), "remove_under: others stay"), free(p);
	free(root);
	root = xasprintf("%s/bound-v2", tmp);
	p = xasprintf("%s/cgroup.controllers", root), put(p, "cpu io memory pids\n"), free(p);
	ok(cgparent_locate(&cg, "jockey-r", root) == 0, "locate: v2");
	is_int(cg.v2, 1, "locate: v2 detected");
	p = xasprintf("%s/jockey-r", root);
	ok(cg.cpu_dir && strcmp(cg.cpu_dir, p) == 0 && cg.pids_dir == cg.cpu_dir, "locate: v2 one folder");
	free(p);
	cgparent_release(&cg);
	free(root);
	root = xasprintf("%s/bound-none", tmp);
	mkdirs(root);
	ok(cgparent_locate(&cg, "jockey-r", root) < 0, "locate: no hierarchy is an error");
	cgparent_release(&cg);
	ok(cgparent_locate(&cg, "a/b", tmp) < 0, "locate: a name with a '/' is refused");
	cgparent_release(&cg);
	free(root);
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/t-metrics.XXXXXX";
	char *tmp, *top, *chdir_to;

	/* the fixtures are relative to the top of the tree: tests/run runs
	 * there; from elsewhere, find it from argv[0] (tests/unit/t-metrics) */
	if (access(FIX, R_OK) < 0 && argc > 0) {
		top = xstrdup(argv[0]);
		chdir_to = xasprintf("%s/../..", dirname(top));
		free(top);
		top = chdir_to;
		if (chdir(top) < 0 || access(FIX, R_OK) < 0)
			return printf("Bail out! cannot find %s\n", FIX), 1;
		free(top);
	}
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 99;
	test_parsers();
	test_read_fixtures();
	test_create_hybrid(tmp);
	test_create_joint(tmp);
	test_create_v2(tmp);
	test_locate(tmp);
	test_not_here();
	test_native_limits(tmp);
	test_live(tmp);
	rm_rf(tmp);
	return tap_done();
}
