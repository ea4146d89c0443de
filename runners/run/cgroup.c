/* cgroup.c: cgroup parents and their counters; see cgroup.h.
 *
 * The counters read, by layout (values in the summary's units):
 *
 *   what       v1 (per-controller folders)             v2 (one folder)
 *   cpu_s      cpuacct.usage (ns)                      cpu.stat usage_usec
 *   user/sys   cpuacct.stat user/system (USER_HZ)      cpu.stat user_usec/system_usec
 *   memory     memory.usage_in_bytes                   memory.current
 *   mem peak   memory.max_usage_in_bytes               memory.peak, else the samples' max
 *   block I/O  blkio.throttle.io_service_bytes[_recursive], else blkio.io_service_bytes
 *                                                      io.stat rbytes/wbytes
 *   pids       pids.current, pids.peak (else the samples' max)
 *   network    /proc/PID/net/dev of the container's init: not a cgroup counter
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/cgroup.h"
#include "runners/run/kernfile.h"

/* The v1 controllers the metrics know: cpuacct, memory, blkio and pids are
 * read; cpuset needs its cpus and mems set before a task can join. The
 * parent is made in every mounted hierarchy though (create_v1). */
static const char *const v1_ctrls[] = { "cpu", "cpuacct", "memory", "blkio", "pids", "cpuset" };
enum { NV1 = sizeof(v1_ctrls) / sizeof(v1_ctrls[0]) };
enum { C_CPU, C_CPUACCT, C_MEMORY, C_BLKIO, C_PIDS, C_CPUSET }; /* indexes into v1_ctrls */

/* One cgroup file system from mountinfo. */
struct cgmount {
	char *dir;  /* owned: mount point, unescaped */
	char dev[32]; /* MAJ:MIN of the file system: one per hierarchy */
	int v2;     /* cgroup2 */
	int has[NV1]; /* v1: which of v1_ctrls it carries */
};

struct cgmounts {
	struct cgmount *m;
	size_t n;
};

/* --- limits on a parent ------------------------------------------------------- */

static int
has_file(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	int has = access(path, F_OK) == 0;

	free(path);
	return has;
}

int
cgparent_limit(const struct cgparent *cg, enum cglimit what, long long v)
{
	const char *dir = what == CGLIMIT_MEMORY ? cg->mem_dir : cg->pids_dir;
	const char *file, *swap;
	char s[32];

	if (!dir) {
		errno = ENOENT;
		return -1;
	}
	snprintf(s, sizeof(s), "%lld", v);
	if (what == CGLIMIT_PIDS)
		return kernfile_write(dir, "pids.max", s);
	file = cg->v2 ? "memory.max" : "memory.limit_in_bytes";
	swap = cg->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
	if (kernfile_write(dir, file, s) < 0)
		return -1;
	return has_file(dir, swap) ? kernfile_write(dir, swap, cg->v2 ? "0" : s) : 0;
}

/* The value of key in dir/file ("key value" lines), 0 when none. */
static long long
keyed(const char *dir, const char *file, const char *key)
{
	char buf[2048];
	long long v = 0;

	if (dir && kernfile_read(dir, file, buf, sizeof(buf)) > 0)
		kernfile_parse_keyed(buf, key, &v);
	return v;
}

/* The refused forks under dir: its pids.events max and its children's (a
 * kernel may count them where the fork was tried, in a container's own
 * folder), and 1 more when its peak reached pids.max. */
static long long
pids_hits(const char *dir)
{
	long long n = keyed(dir, "pids.events", "max"), max, peak;
	struct dirent *de;
	DIR *d = opendir(dir);
	char *sub;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		sub = xasprintf("%s/%s", dir, de->d_name);
		n += keyed(sub, "pids.events", "max");
		free(sub);
	}
	if (d)
		closedir(d);
	max = kernfile_integer(dir, "pids.max");
	peak = kernfile_integer(dir, "pids.peak");
	return n + (max > 0 && peak >= max);
}

long long
cgparent_limit_hits(const struct cgparent *cg, enum cglimit what)
{
	if (what == CGLIMIT_PIDS)
		return cg->pids_dir ? pids_hits(cg->pids_dir) : 0;
	/* v2's memory.events count the whole subtree; v1's failcnt each time
	 * the usage met the limit, oom_kill the kills. A kernel may count
	 * neither at the parent (v1 here: a container's start failed at the
	 * parent's limit with both 0), so a peak within 10% of the limit counts
	 * too. */
	long long n, peak, max;

	if (!cg->mem_dir)
		return 0;
	if (cg->v2) {
		n = keyed(cg->mem_dir, "memory.events", "max") + keyed(cg->mem_dir, "memory.events", "oom_kill");
		peak = kernfile_integer(cg->mem_dir, "memory.peak");
		max = kernfile_integer(cg->mem_dir, "memory.max");
	} else {
		n = keyed(cg->mem_dir, "memory.oom_control", "oom_kill");
		if ((peak = kernfile_integer(cg->mem_dir, "memory.failcnt")) > 0)
			n += peak;
		peak = kernfile_integer(cg->mem_dir, "memory.max_usage_in_bytes");
		max = kernfile_integer(cg->mem_dir, "memory.limit_in_bytes");
	}
	/* no limit reads as "max" (-1) or a huge number */
	return n + (max > 0 && max < (1LL << 50) && peak >= max - max / 10);
}

/* --- reading a parent -------------------------------------------------------- */

static void
read_v1(const struct cgparent *cg, struct cgreading *r)
{
	char buf[4096];
	long long v;
	long hz = sysconf(_SC_CLK_TCK);

	if ((v = kernfile_integer(cg->cpu_dir, "cpuacct.usage")) >= 0)
		r->cpu_s = v / 1e9;
	if (kernfile_read(cg->cpu_dir, "cpuacct.stat", buf, sizeof(buf)) > 0 && hz > 0) {
		if (kernfile_parse_keyed(buf, "user", &v) == 0)
			r->cpu_user_s = (double)v / hz;
		if (kernfile_parse_keyed(buf, "system", &v) == 0)
			r->cpu_system_s = (double)v / hz;
	}
	if ((v = kernfile_integer(cg->mem_dir, "memory.usage_in_bytes")) >= 0)
		r->mem_bytes = v;
	r->mem_peak_bytes = kernfile_integer(cg->mem_dir, "memory.max_usage_in_bytes");
	/* the _recursive files include the running containers' own folders */
	if (kernfile_read(cg->io_dir, "blkio.throttle.io_service_bytes_recursive", buf, sizeof(buf)) <= 0 &&
	    kernfile_read(cg->io_dir, "blkio.throttle.io_service_bytes", buf, sizeof(buf)) <= 0 &&
	    kernfile_read(cg->io_dir, "blkio.io_service_bytes_recursive", buf, sizeof(buf)) <= 0 &&
	    kernfile_read(cg->io_dir, "blkio.io_service_bytes", buf, sizeof(buf)) <= 0)
		buf[0] = '\0';
	r->io_counted = kernfile_parse_blkio(buf, &r->io_read_bytes, &r->io_write_bytes) > 0;
}

static void
read_v2(const struct cgparent *cg, struct cgreading *r)
{
	char buf[4096];
	long long v;

	if (kernfile_read(cg->cpu_dir, "cpu.stat", buf, sizeof(buf)) > 0) {
		if (kernfile_parse_keyed(buf, "usage_usec", &v) == 0)
			r->cpu_s = v / 1e6;
		if (kernfile_parse_keyed(buf, "user_usec", &v) == 0)
			r->cpu_user_s = v / 1e6;
		if (kernfile_parse_keyed(buf, "system_usec", &v) == 0)
			r->cpu_system_s = v / 1e6;
	}
	if ((v = kernfile_integer(cg->mem_dir, "memory.current")) >= 0)
		r->mem_bytes = v;
	r->mem_peak_bytes = kernfile_integer(cg->mem_dir, "memory.peak");
	if (kernfile_read(cg->io_dir, "io.stat", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	kernfile_parse_iostat(buf, &r->io_read_bytes, &r->io_write_bytes);
	r->io_counted = 1; /* io.stat lists a device once it has I/O */
}

void
cgparent_read(const struct cgparent *cg, struct cgreading *r)
{
	long long v;

	memset(r, 0, sizeof(*r));
	if (cg->v2)
		read_v2(cg, r);
	else
		read_v1(cg, r);
	if ((v = kernfile_integer(cg->pids_dir, "pids.current")) >= 0)
		r->pids = v;
	r->pids_peak = kernfile_integer(cg->pids_dir, "pids.peak");
}

int
cgreading_row(FILE *f, double t_s, const struct cgreading *r, long long net_rx, long long net_tx)
{
	return fprintf(f, "%.3f\t%.6f\t%.6f\t%.6f\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", t_s,
		       r->cpu_s, r->cpu_user_s, r->cpu_system_s, r->mem_bytes, r->io_read_bytes,
		       r->io_write_bytes, net_rx, net_tx, r->pids);
}

/* --- the mount table ----------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *
mount_unescape(const char *s)
{
	char *out = xstrdup(s), *o = out;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

/* Parse one mountinfo line; 1 if it is a cgroup file system (added to ms). */
static int
mounts_add_line(struct cgmounts *ms, char *line)
{
	char *field[12], *sep, *tok, *save;
	struct cgmount m = { 0 };
	int n = 0, i;

	/* "36 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:16 - cgroup cgroup rw,memory" */
	sep = strstr(line, " - ");
	if (!sep)
		return 0;
	*sep = '\0';
	for (tok = strtok_r(line, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
		field[n++] = tok;
	if (n < 5)
		return 0;
	n = 0;
	for (tok = strtok_r(sep + 3, " ", &save); tok && n < 3; tok = strtok_r(NULL, " ", &save))
		field[5 + n++] = tok;
	if (n < 3)
		return 0;
	if (strcmp(field[5], "cgroup2") == 0) {
		m.v2 = 1;
	} else if (strcmp(field[5], "cgroup") == 0) {
		for (tok = strtok_r(field[7], ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			for (i = 0; i < NV1; i++)
				if (strcmp(tok, v1_ctrls[i]) == 0)
					m.has[i] = 1;
	} else {
		return 0;
	}
	snprintf(m.dev, sizeof(m.dev), "%s", field[2]);
	m.dir = mount_unescape(field[4]);
	ms->m = xreallocarray(ms->m, ms->n + 1, sizeof(*ms->m));
	ms->m[ms->n++] = m;
	return 1;
}

static int
mounts_load(struct cgmounts *ms, const char *mountinfo)
{
	char *data, *line, *save;

	ms->m = NULL;
	ms->n = 0;
	if (read_file(mountinfo, &data, NULL) < 0)
		return -1;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		mounts_add_line(ms, line);
	free(data);
	return 0;
}

static void
mounts_release(struct cgmounts *ms)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		free(ms->m[i].dir);
	free(ms->m);
}

/* The first v1 mount carrying controller index c, or NULL. */
static const struct cgmount *
mounts_find_v1(const struct cgmounts *ms, int c)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (!ms->m[i].v2 && ms->m[i].has[c])
			return &ms->m[i];
	return NULL;
}

/* The cgroup2 mount to use: the one with controllers, preferring /sys/fs/cgroup. */
static const struct cgmount *
mounts_find_v2(const struct cgmounts *ms)
{
	const struct cgmount *best = NULL;
	char buf[512];
	size_t i;

	for (i = 0; i < ms->n; i++) {
		if (!ms->m[i].v2)
			continue;
		if (kernfile_read(ms->m[i].dir, "cgroup.controllers", buf, sizeof(buf)) <= 0 ||
		    buf[0] == '\n')
			continue;
		if (!best || strcmp(ms->m[i].dir, "/sys/fs/cgroup") == 0)
			best = &ms->m[i];
	}
	return best;
}

/* --- making and removing parents ------------------------------------------ */

static int
cg_mkdir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return error("cannot make cgroup '%s':", dir);
	return 0;
}

/* A new v1 cpuset folder has empty cpus and mems, and no task can join it
 * until they are set: copy the mount root's. */
static int
cpuset_inherit(const char *mountdir, const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char buf[4096], cur[4096];
	size_t i;

	for (i = 0; i < 2; i++) {
		if (kernfile_read(dir, files[i], cur, sizeof(cur)) > 0 && cur[0] != '\n')
			continue;
		if (kernfile_read(mountdir, files[i], buf, sizeof(buf)) < 0)
			return error("cannot read '%s/%s':", mountdir, files[i]);
		if (kernfile_write(dir, files[i], buf) < 0)
			return error("cannot write '%s/%s':", dir, files[i]);
	}
	return 0;
}

static void
cg_add_path(struct cgparent *cg, char *dir)
{
	cg->paths = xreallocarray(cg->paths, cg->npaths + 1, sizeof(*cg->paths));
	cg->paths[cg->npaths++] = dir;
}

/* Where each counter and limit lives on v1, from the folder per controller. */
static void
set_v1_dirs(struct cgparent *cg, const char *const dirs[NV1])
{
	cg->cpu_dir = dirs[C_CPUACCT];
	cg->mem_dir = dirs[C_MEMORY];
	cg->io_dir = dirs[C_BLKIO];
	cg->pids_dir = dirs[C_PIDS];
	cg->quota_dir = dirs[C_CPU];
	cg->cpuset_dir = dirs[C_CPUSET];
}

/* v1 and hybrid: the parent in every cgroup hierarchy, not only those read.
 * runc makes the container's folder in every mounted hierarchy (devices,
 * freezer, name=systemd, the controller-less cgroup2 one...), creating the
 * parent there as needed, and removes only its own folder: so the parent must
 * be ours everywhere, or cgparent_remove would leave it behind. A native
 * run's process lands in the same places as a container's. */
static int
create_v1(struct cgparent *cg, const struct cgmounts *ms, const char *rel)
{
	const char *dirs[NV1] = { 0 };
	size_t i, j;
	char buf[16], *dir;
	int c;

	for (i = 0; i < ms->n; i++) {
		/* the same hierarchy mounted twice: one folder */
		for (j = 0; j < i && strcmp(ms->m[j].dev, ms->m[i].dev) != 0; j++)
			;
		if (j < i)
			continue;
		dir = xasprintf("%s/%s", ms->m[i].dir, rel);
		cg_add_path(cg, dir);
		if (cg_mkdir(dir) < 0)
			return -1;
		for (c = 0; c < NV1; c++)
			if (ms->m[i].has[c] && !dirs[c])
				dirs[c] = dir;
		if (dirs[C_CPUSET] == dir && cpuset_inherit(ms->m[i].dir, dir) < 0)
			return -1;
		/* without hierarchy (old kernels' default) the parent would not
		 * count its children's memory; it can only be set while empty */
		if (dirs[C_MEMORY] == dir &&
		    kernfile_read(dir, "memory.use_hierarchy", buf, sizeof(buf)) > 0 && buf[0] == '0' &&
		    kernfile_write(dir, "memory.use_hierarchy", "1") < 0)
			return error("cannot set '%s/memory.use_hierarchy':", dir);
	}
	set_v1_dirs(cg, dirs);
	return 0;
}

static int
create_v2(struct cgparent *cg, const struct cgmount *m, const char *rel)
{
	static const char *const ctrls[] = { "+cpu", "+memory", "+io", "+pids", "+cpuset" };
	char *dir;
	size_t i;

	/* Enable what the root allows, one at a time so that one missing
	 * controller does not keep the others off. The parent's own
	 * subtree_control stays empty: a native run's process lives in it, and
	 * the no-internal-processes rule would forbid that; runc enables the
	 * controllers there itself when it makes the container's folder. */
	for (i = 0; i < sizeof(ctrls) / sizeof(ctrls[0]); i++)
		kernfile_write(m->dir, "cgroup.subtree_control", ctrls[i]);
	dir = xasprintf("%s/%s", m->dir, rel);
	cg_add_path(cg, dir);
	if (cg_mkdir(dir) < 0)
		return -1;
	cg->cpu_dir = cg->mem_dir = cg->io_dir = cg->pids_dir = dir;
	cg->quota_dir = cg->cpuset_dir = dir;
	return 0;
}

/* name without its leading '/', a folder's name, with cg->name set; NULL
 * with a message when it is not one folder. */
static const char *
parent_rel(struct cgparent *cg, const char *name)
{
	const char *rel;

	for (rel = name; *rel == '/'; rel++)
		;
	if (!*rel || strstr(rel, "..") || strchr(rel, '/')) {
		error("invalid cgroup parent name '%s'", name);
		return NULL;
	}
	cg->name = xasprintf("/%s", rel);
	return rel;
}

int
cgparent_create_from(struct cgparent *cg, const char *name, const char *mountinfo)
{
	struct cgmounts ms;
	const struct cgmount *m2;
	const char *rel;
	int rc;

	memset(cg, 0, sizeof(*cg));
	if (!(rel = parent_rel(cg, name)))
		return -1;
	if (mounts_load(&ms, mountinfo) < 0)
		return -1;
	/* hybrid systems have a controller-less cgroup2 mount beside v1: the
	 * engine uses v1 as soon as v1 has the cpuacct or memory controller */
	if (mounts_find_v1(&ms, C_CPUACCT) || mounts_find_v1(&ms, C_MEMORY)) {
		rc = create_v1(cg, &ms, rel);
	} else if ((m2 = mounts_find_v2(&ms))) {
		cg->v2 = 1;
		rc = create_v2(cg, m2, rel);
	} else {
		rc = error("no cgroup file system with controllers in '%s'", mountinfo);
	}
	mounts_release(&ms);
	if (rc < 0) {
		/* leave nothing behind: undo the folders made so far */
		while (cg->npaths > 0) {
			rmdir(cg->paths[cg->npaths - 1]);
			free(cg->paths[--cg->npaths]);
		}
		cg->cpu_dir = cg->mem_dir = cg->io_dir = cg->pids_dir = NULL;
		cg->quota_dir = cg->cpuset_dir = NULL;
		error("cannot make cgroup parent '%s'", cg->name);
	}
	return rc;
}

/* A folder of root (a bound cgroup mount point) exists. */
static int
root_has(const char *root, const char *what)
{
	char *path = xasprintf("%s/%s", root, what);
	struct stat st;
	int ok = stat(path, &st) == 0 && S_ISDIR(st.st_mode);

	free(path);
	return ok;
}

int
cgparent_locate(struct cgparent *cg, const char *name, const char *root)
{
	const char *dirs[NV1] = { 0 };
	char buf[512];
	const char *rel;
	int c;

	memset(cg, 0, sizeof(*cg));
	if (!(rel = parent_rel(cg, name)))
		return -1;
	/* the engine's choice, as in cgparent_create_from: v1 as soon as it
	 * has the cpuacct or memory controller (hybrid included) */
	if (root_has(root, "cpuacct") || root_has(root, "memory")) {
		for (c = 0; c < NV1; c++) {
			if (!root_has(root, v1_ctrls[c]))
				continue;
			cg_add_path(cg, xasprintf("%s/%s/%s", root, v1_ctrls[c], rel));
			dirs[c] = cg->paths[cg->npaths - 1];
		}
		set_v1_dirs(cg, dirs);
		return 0;
	}
	if (kernfile_read(root, "cgroup.controllers", buf, sizeof(buf)) > 0 && buf[0] != '\n') {
		cg->v2 = 1;
		cg_add_path(cg, xasprintf("%s/%s", root, rel));
		cg->cpu_dir = cg->mem_dir = cg->io_dir = cg->pids_dir = cg->paths[0];
		cg->quota_dir = cg->cpuset_dir = cg->paths[0];
		return 0;
	}
	return error("no cgroup file system with controllers in '%s'", root);
}

int
cgparent_create(struct cgparent *cg, const char *name)
{
	return cgparent_create_from(cg, name, "/proc/self/mountinfo");
}

int
cgparent_attach(const struct cgparent *cg, pid_t pid)
{
	char s[32];
	size_t i;

	snprintf(s, sizeof(s), "%ld", (long)pid);
	for (i = 0; i < cg->npaths; i++)
		if (kernfile_write(cg->paths[i], "cgroup.procs", s) < 0)
			return error("cannot move process %ld into cgroup '%s':", (long)pid, cg->paths[i]);
	return 0;
}

/* rmdir dir, retrying while it is busy: the engine may still be tearing the
 * container's folder down, or a process may still be exiting. */
static int
cg_rmdir(const char *dir)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int tries;

	for (tries = 0; tries < 150; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	return -1;
}

/* Remove dir's child cgroup folders (deepest first), then dir. */
static int
cg_remove_tree(const char *dir, int depth)
{
	struct dirent *e;
	struct buf sub = BUF_INIT;
	DIR *d;
	int rc = 0;

	if (depth < 8 && (d = opendir(dir))) {
		while ((e = readdir(d))) {
			if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			buf_reset(&sub);
			buf_printf(&sub, "%s/%s", dir, e->d_name);
			if (cg_remove_tree(sub.data, depth + 1) < 0)
				rc = -1;
		}
		closedir(d);
	}
	buf_release(&sub);
	if (cg_rmdir(dir) < 0) {
		error("cannot remove cgroup '%s':", dir);
		rc = -1;
	}
	return rc;
}

int
cgparent_remove(struct cgparent *cg)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < cg->npaths; i++)
		if (cg_remove_tree(cg->paths[i], 0) < 0)
			rc = -1;
	return rc;
}

/* Add dir (taken) to cg's folders when it is one. */
static void
add_if_dir(struct cgparent *cg, char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		cg_add_path(cg, dir);
	else
		free(dir);
}

int
cgparent_remove_under(const char *root, const char *name)
{
	struct cgparent cg;
	struct dirent *e;
	struct stat st, seen[64];
	size_t nseen = 0, i;
	char *dir;
	const char *rel;
	DIR *d;
	int rc;

	memset(&cg, 0, sizeof(cg));
	if (!(rel = parent_rel(&cg, name)))
		return -1;
	/* v2: root is the hierarchy; v1: each folder of root is one, some
	 * twice (cpuacct -> cpu,cpuacct): each folder once */
	add_if_dir(&cg, xasprintf("%s/%s", root, rel));
	if ((d = opendir(root))) {
		while ((e = readdir(d)) && nseen < 64) {
			dir = xasprintf("%s/%s", root, e->d_name);
			if (e->d_name[0] != '.' && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
				for (i = 0; i < nseen && (seen[i].st_dev != st.st_dev ||
							       seen[i].st_ino != st.st_ino); i++)
					;
				if (i == nseen) {
					seen[nseen++] = st;
					add_if_dir(&cg, xasprintf("%s/%s", dir, rel));
				}
			}
			free(dir);
		}
		closedir(d);
	}
	rc = cgparent_remove(&cg);
	cgparent_release(&cg);
	return rc;
}

void
cgparent_release(struct cgparent *cg)
{
	size_t i;

	for (i = 0; i < cg->npaths; i++)
		free(cg->paths[i]);
	free(cg->paths);
	free(cg->name);
	memset(cg, 0, sizeof(*cg));
}
