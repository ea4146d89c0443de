/* metrics.c: cgroup parents, their counters and the sampler thread.
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
 *
 * A sample is a handful of open/read/close calls into a stack buffer: no
 * allocation, no stdio on the read side, so the thread stays far below 1% of
 * a core at the run-cell's 200 ms interval (bench/sampler measures it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "runners/run/metrics.h"
#include "base/util.h"

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

/* --- small file helpers: no messages, the sampler calls them ------------- */

/* Read dir/file into buf (NUL-terminated); its length, or -1. */
static ssize_t
file_slurp(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n, got = 0;
	int fd;

	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

/* A file holding one integer; -1 when missing or unreadable. */
static long long
file_integer(const char *dir, const char *file)
{
	char buf[64], *end;
	long long v;

	if (file_slurp(dir, file, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf)
		return -1;
	return v;
}

/* Write s to dir/file; 0 or -1 with errno set. */
static int
file_put(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX];
	size_t len = strlen(s);
	ssize_t n;
	int fd, saved;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return errno = ENAMETOOLONG, -1;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, s, len);
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

/* --- parsers ---------------------------------------------------------------- */

int
metrics_parse_keyed(const char *text, const char *key, long long *val)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
			*val = strtoll(p + klen + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int
metrics_parse_blkio(const char *text, long long *rd, long long *wr)
{
	const char *p = text;
	char op[16];
	long long v;
	int found = 0, devices = 0;

	*rd = *wr = 0;
	while (p && *p) {
		/* "8:0 Read 4096"; the "Total N" line has no device and is skipped */
		if (sscanf(p, "%*u:%*u %15s %lld", op, &v) == 2) {
			found = 1;
			if (strcmp(op, "Read") == 0)
				*rd += v, devices++;
			else if (strcmp(op, "Write") == 0)
				*wr += v;
		} else if (strncmp(p, "Total", 5) == 0) {
			found = 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found ? devices : -1;
}

int
metrics_parse_iostat(const char *text, long long *rd, long long *wr)
{
	const char *p = text, *eol, *f;
	int found = 0;

	*rd = *wr = 0;
	while (p && *p) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		/* "259:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
		for (f = p; f < eol; f++) {
			if (f != p && f[-1] != ' ')
				continue;
			if (strncmp(f, "rbytes=", 7) == 0)
				*rd += strtoll(f + 7, NULL, 10), found = 1;
			else if (strncmp(f, "wbytes=", 7) == 0)
				*wr += strtoll(f + 7, NULL, 10), found = 1;
		}
		p = *eol ? eol + 1 : eol;
	}
	return found || !*text ? 0 : -1;
}

int
metrics_parse_netdev(const char *text, long long *rx, long long *tx)
{
	const char *p = text, *colon, *name;
	long long v[9];
	int found = 0;

	*rx = *tx = 0;
	while (p && *p) {
		colon = strchr(p, ':');
		if (!colon)
			break;
		/* the two header lines have '|' before any ':' */
		if (!memchr(p, '|', colon - p) && !memchr(p, '\n', colon - p)) {
			for (name = p; *name == ' '; name++)
				;
			if (sscanf(colon + 1, "%lld %lld %lld %lld %lld %lld %lld %lld %lld",
			           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
				found = 1;
				if (!(colon - name == 2 && strncmp(name, "lo", 2) == 0)) {
					*rx += v[0];
					*tx += v[8];
				}
			}
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return found ? 0 : -1;
}

/* --- reading a parent -------------------------------------------------------- */

static void
read_v1(const struct cgparent *cg, struct cgreading *r)
{
	char buf[4096];
	long long v;
	long hz = sysconf(_SC_CLK_TCK);

	if ((v = file_integer(cg->cpu_dir, "cpuacct.usage")) >= 0)
		r->cpu_s = v / 1e9;
	if (file_slurp(cg->cpu_dir, "cpuacct.stat", buf, sizeof(buf)) > 0 && hz > 0) {
		if (metrics_parse_keyed(buf, "user", &v) == 0)
			r->cpu_user_s = (double)v / hz;
		if (metrics_parse_keyed(buf, "system", &v) == 0)
			r->cpu_system_s = (double)v / hz;
	}
	if ((v = file_integer(cg->mem_dir, "memory.usage_in_bytes")) >= 0)
		r->mem_bytes = v;
	r->mem_peak_bytes = file_integer(cg->mem_dir, "memory.max_usage_in_bytes");
	/* the _recursive files include the running containers' own folders */
	if (file_slurp(cg->io_dir, "blkio.throttle.io_service_bytes_recursive", buf, sizeof(buf)) <= 0 &&
	    file_slurp(cg->io_dir, "blkio.throttle.io_service_bytes", buf, sizeof(buf)) <= 0 &&
	    file_slurp(cg->io_dir, "blkio.io_service_bytes_recursive", buf, sizeof(buf)) <= 0 &&
	    file_slurp(cg->io_dir, "blkio.io_service_bytes", buf, sizeof(buf)) <= 0)
		buf[0] = '\0';
	r->io_counted = metrics_parse_blkio(buf, &r->io_read_bytes, &r->io_write_bytes) > 0;
}

static void
read_v2(const struct cgparent *cg, struct cgreading *r)
{
	char buf[4096];
	long long v;

	if (file_slurp(cg->cpu_dir, "cpu.stat", buf, sizeof(buf)) > 0) {
		if (metrics_parse_keyed(buf, "usage_usec", &v) == 0)
			r->cpu_s = v / 1e6;
		if (metrics_parse_keyed(buf, "user_usec", &v) == 0)
			r->cpu_user_s = v / 1e6;
		if (metrics_parse_keyed(buf, "system_usec", &v) == 0)
			r->cpu_system_s = v / 1e6;
	}
	if ((v = file_integer(cg->mem_dir, "memory.current")) >= 0)
		r->mem_bytes = v;
	r->mem_peak_bytes = file_integer(cg->mem_dir, "memory.peak");
	if (file_slurp(cg->io_dir, "io.stat", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	metrics_parse_iostat(buf, &r->io_read_bytes, &r->io_write_bytes);
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
	if ((v = file_integer(cg->pids_dir, "pids.current")) >= 0)
		r->pids = v;
	r->pids_peak = file_integer(cg->pids_dir, "pids.peak");
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
		if (file_slurp(ms->m[i].dir, "cgroup.controllers", buf, sizeof(buf)) <= 0 ||
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
		if (file_slurp(dir, files[i], cur, sizeof(cur)) > 0 && cur[0] != '\n')
			continue;
		if (file_slurp(mountdir, files[i], buf, sizeof(buf)) < 0)
			return error("cannot read '%s/%s':", mountdir, files[i]);
		if (file_put(dir, files[i], buf) < 0)
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
		    file_slurp(dir, "memory.use_hierarchy", buf, sizeof(buf)) > 0 && buf[0] == '0' &&
		    file_put(dir, "memory.use_hierarchy", "1") < 0)
			return error("cannot set '%s/memory.use_hierarchy':", dir);
	}
	cg->cpu_dir = dirs[C_CPUACCT];
	cg->mem_dir = dirs[C_MEMORY];
	cg->io_dir = dirs[C_BLKIO];
	cg->pids_dir = dirs[C_PIDS];
	return 0;
}

static int
create_v2(struct cgparent *cg, const struct cgmount *m, const char *rel)
{
	static const char *const ctrls[] = { "+cpu", "+memory", "+io", "+pids" };
	char *dir;
	size_t i;

	/* Enable what the root allows, one at a time so that one missing
	 * controller does not keep the others off. The parent's own
	 * subtree_control stays empty: a native run's process lives in it, and
	 * the no-internal-processes rule would forbid that; runc enables the
	 * controllers there itself when it makes the container's folder. */
	for (i = 0; i < 4; i++)
		file_put(m->dir, "cgroup.subtree_control", ctrls[i]);
	dir = xasprintf("%s/%s", m->dir, rel);
	cg_add_path(cg, dir);
	if (cg_mkdir(dir) < 0)
		return -1;
	cg->cpu_dir = cg->mem_dir = cg->io_dir = cg->pids_dir = dir;
	return 0;
}

int
cgparent_create_from(struct cgparent *cg, const char *name, const char *mountinfo)
{
	struct cgmounts ms;
	const struct cgmount *m2;
	const char *rel;
	int rc;

	memset(cg, 0, sizeof(*cg));
	for (rel = name; *rel == '/'; rel++)
		;
	if (!*rel || strstr(rel, "..") || strchr(rel, '/'))
		return error("invalid cgroup parent name '%s'", name);
	cg->name = xasprintf("/%s", rel);
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
		error("cannot make cgroup parent '%s'", cg->name);
	}
	return rc;
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
		if (file_put(cg->paths[i], "cgroup.procs", s) < 0)
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

/* --- the sampler ----------------------------------------------------------- */

struct sampler {
	const struct cgparent *cg;
	int interval_ms;
	FILE *tsv;
	char *tsv_path;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;              /* under lock */
	pid_t pid;             /* under lock: 0 until sampler_set_pid */
	const char *net_scope; /* under lock */
	struct timespec start;
	/* owned by the thread until it is joined, then by sampler_stop */
	struct cgreading last;
	long long mem_max, pids_max, net_rx, net_tx;
	long long pio_read, pio_write; /* /proc/PID/io of the pid, last read */
	const char *io_source;         /* "cgroup", or "proc" once that stood in */
	long samples;
	int write_failed;
	double thread_cpu_s;
};

static double
ts_since(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
sampler_sample(struct sampler *s)
{
	struct cgreading *r = &s->last;
	struct timespec now;
	char buf[8192], dir[64];
	long long rx, tx;
	pid_t pid;

	cgparent_read(s->cg, r);
	pthread_mutex_lock(&s->lock);
	pid = s->pid;
	pthread_mutex_unlock(&s->lock);
	/* the last reading stands once the process is gone */
	if (pid > 0) {
		snprintf(dir, sizeof(dir), "/proc/%ld/net", (long)pid);
		if (file_slurp(dir, "dev", buf, sizeof(buf)) > 0 &&
		    metrics_parse_netdev(buf, &rx, &tx) == 0)
			s->net_rx = rx, s->net_tx = tx;
		snprintf(dir, sizeof(dir), "/proc/%ld", (long)pid);
		if (file_slurp(dir, "io", buf, sizeof(buf)) > 0 &&
		    metrics_parse_keyed(buf, "read_bytes:", &rx) == 0 &&
		    metrics_parse_keyed(buf, "write_bytes:", &tx) == 0)
			s->pio_read = rx, s->pio_write = tx;
	}
	/* v1 blkio on recent kernels lists no device, whatever the I/O: then
	 * the storage I/O of the container's init, which the kernel adds its
	 * reaped descendants' to, stands in (sampled, so the last interval's
	 * I/O of processes still running at exit is missed) */
	if (!r->io_counted && pid > 0) {
		r->io_read_bytes = s->pio_read;
		r->io_write_bytes = s->pio_write;
		s->io_source = "proc";
	}
	if (r->mem_bytes > s->mem_max)
		s->mem_max = r->mem_bytes;
	if (r->pids > s->pids_max)
		s->pids_max = r->pids;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->samples++;
	if (fprintf(s->tsv, "%.3f\t%.6f\t%.6f\t%.6f\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n",
	            ts_since(&s->start, &now), r->cpu_s, r->cpu_user_s, r->cpu_system_s,
	            r->mem_bytes, r->io_read_bytes, r->io_write_bytes, s->net_rx, s->net_tx,
	            r->pids) < 0 || fflush(s->tsv) == EOF)
		s->write_failed = 1;
}

static void
ts_add_ms(struct timespec *t, int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static void *
sampler_main(void *arg)
{
	struct sampler *s = arg;
	struct timespec next = s->start, now;
	struct rusage ru;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		pthread_mutex_unlock(&s->lock);
		sampler_sample(s);
		/* absolute deadlines: the series does not drift; after a stall
		 * (a stopped VM, a swapped-out thread) skip the missed ticks */
		ts_add_ms(&next, s->interval_ms);
		clock_gettime(CLOCK_MONOTONIC, &now);
		while (ts_since(&next, &now) > 0)
			ts_add_ms(&next, s->interval_ms);
		pthread_mutex_lock(&s->lock);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		s->thread_cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		                  ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return NULL;
}

static void
sampler_free(struct sampler *s)
{
	if (s->tsv)
		fclose(s->tsv);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s->tsv_path);
	free(s);
}

struct sampler *
sampler_start(const struct cgparent *cg, int interval_ms, const char *tsv_path)
{
	struct sampler *s = xcalloc(1, sizeof(*s));
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	s->cg = cg;
	s->interval_ms = interval_ms > 0 ? interval_ms : 200;
	s->net_scope = "none";
	s->io_source = "cgroup";
	s->tsv_path = xstrdup(tsv_path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	s->tsv = fopen(tsv_path, "w");
	if (!s->tsv) {
		error("cannot write '%s':", tsv_path);
		sampler_free(s);
		return NULL;
	}
	fputs("t_s\tcpu_s\tcpu_user_s\tcpu_system_s\tmem_bytes\tio_read_bytes\tio_write_bytes\t"
	      "net_rx_bytes\tnet_tx_bytes\tpids\n", s->tsv);
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	/* signals are the caller's business (timeouts, ^C): keep them off this thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, sampler_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		error("cannot start the sampler thread:");
		sampler_free(s);
		return NULL;
	}
	return s;
}

void
sampler_set_pid(struct sampler *s, pid_t pid)
{
	char path[64];
	struct stat self, other;
	const char *scope = "container";

	snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
	/* same network namespace as jockey: host networking or a native run,
	 * and the counters are the whole host's */
	if (stat("/proc/self/ns/net", &self) == 0 && stat(path, &other) == 0 &&
	    self.st_ino == other.st_ino && self.st_dev == other.st_dev)
		scope = "host";
	pthread_mutex_lock(&s->lock);
	s->pid = pid;
	s->net_scope = scope;
	pthread_mutex_unlock(&s->lock);
}

/* An exact peak when the kernel keeps one, else the largest sample. */
static long long
peak_of(long long exact, long long sampled)
{
	return exact >= 0 ? exact : sampled;
}

json_t *
sampler_stop(struct sampler *s)
{
	struct cgreading *r = &s->last;
	json_t *j;

	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	sampler_sample(s); /* the final, exact reading: also the series' last row */
	if (s->write_failed || fclose(s->tsv) == EOF)
		warn("cannot write '%s': the time series is incomplete", s->tsv_path);
	s->tsv = NULL;
	j = json_pack("{s:s, s:f, s:f, s:f, s:I, s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:i, s:i, s:f}",
	              "cgroup", s->cg->v2 ? "v2" : "v1",
	              "cpu_s", r->cpu_s,
	              "cpu_user_s", r->cpu_user_s,
	              "cpu_system_s", r->cpu_system_s,
	              "mem_peak_bytes", (json_int_t)peak_of(r->mem_peak_bytes, s->mem_max),
	              "io_read_bytes", (json_int_t)r->io_read_bytes,
	              "io_write_bytes", (json_int_t)r->io_write_bytes,
	              "io_source", s->io_source,
	              "net_rx_bytes", (json_int_t)s->net_rx,
	              "net_tx_bytes", (json_int_t)s->net_tx,
	              "net_scope", s->net_scope,
	              "pids_peak", (json_int_t)peak_of(r->pids_peak, s->pids_max),
	              "samples", (int)s->samples,
	              "interval_ms", s->interval_ms,
	              "sampler_cpu_s", s->thread_cpu_s);
	sampler_free(s);
	return j;
}
