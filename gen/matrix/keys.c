/* keys.c: the key tables of the matrix; see keys.h. The docs are short on
 * purpose: an editor shows them on hover; docs/matrix.md says the rest. */
#include <string.h>

#include "base/util.h"
#include "gen/matrix/keys.h"

const char *const mkeys_builtin_parsers[] = {
	"sysbench", "stress-ng", "redis-benchmark", "ab", "wrk", "fio", "iperf3", "shell", NULL
};

const char *const mkeys_ulimit_names[] = {
	"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile",
	"nproc", "rss", "rtprio", "rttime", "sigpending", "stack", NULL
};

static const char *const pulls[] = { "missing", "always", "never", NULL };
static const char *const froms[] = { "base", "rebase", "keep", "build", NULL };
static const char *const betters[] = { "higher", "lower", NULL };
static const char *const applies[] = { "both", "server", "client", NULL };
static const char *const call_graphs[] = { "none", "fp", "dwarf", NULL };
static const char *const orders[] = { "interleaved", "sequential", NULL };

#define END { NULL, MT_STR, 0, 0, 0, NULL, NULL, NULL }
#define K(name, type, doc) { name, type, 0, 0, 0, NULL, NULL, doc }
#define REQ(name, type, doc) { name, type, MK_REQUIRED, 0, 0, NULL, NULL, doc }
#define RANGE(name, type, lo, hi, doc) { name, type, 0, lo, hi, NULL, NULL, doc }
#define CHOICE(name, ch, doc) { name, MT_CHOICE, 0, 0, 0, ch, NULL, doc }
#define SUB(name, type, flags, sub, doc) { name, type, flags, 0, 0, NULL, sub, doc }
#define NONEMPTY(name, type, flags, sub, doc) { name, type, (flags) | MK_NONEMPTY, 0, 0, NULL, sub, doc }
#define OR_MAP(name, ch, lo, hi, sub, doc) { name, MT_OR_MAP, 0, lo, hi, ch, sub, doc }
#define MISPLACED(name, type, doc) { name, type, MK_MISPLACED, 0, 0, NULL, NULL, doc }

/* The keys a plain benchmark and each side of a pair share, in this order. */
#define SIDE(whose)                                                                          \
	K("context", MT_STR, "a folder of the Dockerfile repo whose Dockerfile (taking ARG BASE) " \
	  "builds " whose "; without one the image under test runs as it is"),                  \
	K("base", MT_STR, "the image the context builds on, instead of the image under test"),  \
	K("build_args", MT_KV, "build arguments of the context's Dockerfile"),                   \
	CHOICE("from", froms, "what the Dockerfile may build on: base (default), rebase, keep or build"), \
	K("command", MT_COMMAND, "the command of " whose ", a list: [prog, arg, ...]"),          \
	K("env", MT_KV, "environment of " whose)

const struct mkey mkeys_dockerfiles[] = {
	K("repo", MT_STR, "the Dockerfile repo: a path (relative to the matrix) or a URL "
	  "(file://, git://, http(s)://, ssh://); default ../dockerfiles"),
	K("ref", MT_STR, "a branch, tag or commit of the repo; default: its HEAD"),
	END
};

const struct mkey mkeys_parser[] = {
	K("regex", MT_STR, "a PCRE2 pattern whose first group is the metric's value"),
	K("metric", MT_STR, "the name of what the regex measures"),
	K("unit", MT_STR, "the metric's unit, for reports"),
	CHOICE("better", betters, "which way is better: higher (default) or lower"),
	NONEMPTY("command", MT_COMMAND, 0, NULL, "a program that reads the log on stdin and prints metrics"),
	END
};

const struct mkey mkeys_repeat[] = {
	RANGE("min", MT_INT, 1, 100000, "repetitions every cell runs"),
	RANGE("max", MT_INT, 1, 100000, "the most repetitions a cell may get"),
	K("precision", MT_STR, "the target: the interval of the median within this much of it, e.g. 2%"),
	K("metric", MT_STR, "the metric the target applies to (default elapsed_s)"),
	END
};

const struct mkey mkeys_defaults[] = {
	OR_MAP("repeat", NULL, 1, 100000, mkeys_repeat, "repetitions of each cell (default 3), or "
	       "{min, max, precision}: more for a cell until its median is that precise"),
	RANGE("warmup", MT_INT, 0, 100000, "repetitions run first and left out of the statistics"),
	K("timeout", MT_DURATION, "how long one repetition may take, e.g. 120s"),
	K("parser", MT_PARSERS, "the parser of every benchmark that names none"),
	K("env", MT_KV, "environment of every benchmark"),
	RANGE("max_cv", MT_NUM, 0, 100, "coefficient of variation above which a cell is noisy (default 0.05)"),
	END
};

const struct mkey mkeys_image[] = {
	REQ("name", MT_STR, "the image's name, as for docker pull: debian, nginx, registry/x"),
	NONEMPTY("tags", MT_STRLIST, MK_REQUIRED, NULL, "its tags (or sha256: digests), each a column of the matrix"),
	CHOICE("pull", pulls, "when to ask the registry: missing (default), always or never"),
	END
};

const struct mkey mkeys_http[] = {
	{ "port", MT_INT, MK_REQUIRED, 1, 65535, NULL, NULL, "the port to send GET to" },
	K("path", MT_STR, "the path, starting with / (default /)"),
	RANGE("status", MT_INT, 100, 599, "the status that means ready (default 200)"),
	END
};

const struct mkey mkeys_ready[] = {
	RANGE("tcp", MT_INT, 1, 65535, "ready once this port accepts a connection"),
	K("log", MT_STR, "ready once the server's log matches this regex"),
	NONEMPTY("command", MT_COMMAND, 0, NULL, "ready once this command, run in the server, exits 0"),
	SUB("http", MT_MAP, 0, mkeys_http, "ready once an HTTP GET answers the expected status"),
	K("timeout", MT_DURATION, "how long to wait (default 30s)"),
	END
};

const struct mkey mkeys_stop[] = {
	K("signal", MT_STR, "the stop signal, e.g. SIGTERM (default: the image's)"),
	K("timeout", MT_DURATION, "how long the engine waits before SIGKILL (default 10s)"),
	END
};

const struct mkey mkeys_density[] = {
	{ "containers", MT_INT, MK_REQUIRED, 1, 10000, NULL, NULL, "how many containers to start" },
	RANGE("concurrency", MT_INT, 1, 256, "how many start at once (default 1: serially)"),
	K("hold", MT_DURATION, "how long to hold them all running once ready"),
	RANGE("pids", MT_INT, 1, 4194304, "at most this many processes in all the containers together "
	      "(pids.max of the cell's cgroup parent)"),
	END
};

const struct mkey mkeys_push[] = {
	K("registry", MT_STR, "the registry to push to, HOST[:PORT] (default: the engine's first registry mirror)"),
	END
};

const struct mkey mkeys_lifecycle[] = {
	NONEMPTY("phases", MT_STRLIST, 0, NULL, "the phases to time: push, pull, create, start, ready, "
		 "first_response, restart, commit, stop, remove (create, start and remove always run)"),
	SUB("push", MT_MAP, 0, mkeys_push, "where the push phase pushes: registry"),
	SUB("ready", MT_MAP, 0, mkeys_ready, "when the container is ready: one of tcp, log, command, http"),
	SUB("stop", MT_MAP, 0, mkeys_stop, "how the container is stopped: signal and timeout"),
	SUB("density", MT_MAP, 0, mkeys_density, "start many containers of the image: containers, concurrency, hold"),
	END
};

const struct mkey mkeys_profile[] = {
	RANGE("frequency", MT_INT, 1, 100000, "samples per second asked of perf record -F (default 999)"),
	CHOICE("call_graph", call_graphs, "stacks: none, fp (frame pointers, the default) or dwarf"),
	RANGE("repeat", MT_INT, 1, 1000, "profiled repetitions, run after the timed ones (default 3)"),
	END
};

#define PROFILE K("profile", MT_PROFILE, "run extra repetitions under perf record: true, or " \
		  "{frequency, call_graph, repeat}; they are never among the timed samples")

const struct mkey mkeys_side[] = {
	SIDE("this side"),
	SUB("ready", MT_MAP, 0, mkeys_ready, "(server) when the server is ready: one of tcp, log, command, http"),
	END
};

const struct mkey mkeys_bench[] = {
	REQ("name", MT_NAME, "the benchmark's name, a slug"),
	SIDE("the benchmark"),
	OR_MAP("repeat", NULL, 1, 100000, mkeys_repeat, "repetitions of each cell, or {min, max, "
	       "precision}: more for a cell until its median is that precise"),
	RANGE("warmup", MT_INT, 0, 100000, "repetitions run first and left out of the statistics"),
	K("timeout", MT_DURATION, "how long one repetition may take, e.g. 120s"),
	K("parser", MT_PARSERS, "how to read the log: a built-in name, {regex, metric} or {command}"),
	NONEMPTY("images", MT_STRLIST, 0, NULL, "only these images (name or name:tag)"),
	SUB("server", MT_MAP, 0, mkeys_side, "a pair benchmark's server side"),
	SUB("client", MT_MAP, 0, mkeys_side, "a pair benchmark's client side"),
	MISPLACED("ready", MT_MAP, "goes inside 'server'"),
	SUB("lifecycle", MT_MAP, 0, mkeys_lifecycle, "drive the engine through the container's life "
	    "and time each phase, instead of a command whose log is parsed"),
	PROFILE,
	END
};

const struct mkey mkeys_volume[] = {
	REQ("source", MT_STR, "a path on the host (relative to the matrix) or a volume's name"),
	REQ("target", MT_STR, "an absolute path in the container"),
	K("readonly", MT_BOOL, "mount it read-only"),
	END
};

const struct mkey mkeys_ulimit[] = {
	REQ("soft", MT_STR, "the soft limit: a whole number or unlimited"),
	REQ("hard", MT_STR, "the hard limit: a whole number or unlimited"),
	END
};

const struct mkey mkeys_host[] = {
	REQ("name", MT_NAME, "the host config's name, a slug"),
	K("native", MT_BOOL, "run the image's files without namespaces or cgroups"),
	K("network", MT_STR, "bridge (default), host, none or a network's name"),
	K("cpuset", MT_STR, "CPUs to pin to: \"0\", \"0-3\", \"0,2\""),
	RANGE("cpus", MT_NUM, 0, 4096, "CPU quota in cores, e.g. 1.5"),
	K("memory", MT_SIZE, "memory limit: 512m, 2g or bytes"),
	K("runtime", MT_STR, "the engine's runtime, e.g. runc"),
	K("volumes", MT_VOLUMES, "mounts: SOURCE:TARGET[:ro] or {source, target, readonly}"),
	K("privileged", MT_BOOL, "run privileged"),
	K("env", MT_KV, "environment added on this host"),
	K("sysctls", MT_KV, "namespaced sysctls, e.g. net.core.somaxconn: \"1024\""),
	K("ulimits", MT_ULIMITS, "ulimits: nofile: 1024, or SOFT:HARD, or {soft, hard}"),
	K("engine", MT_STR, "another Docker engine: unix:///PATH or tcp://HOST:PORT"),
	CHOICE("apply_to", applies, "which side of a pair these settings apply to: both (default), server, client"),
	PROFILE,
	END
};

const struct mkey mkeys_selector[] = {
	K("image", MT_STR, "an image's name"),
	K("tag", MT_STR, "a tag"),
	K("benchmark", MT_STR, "a benchmark's name"),
	K("host", MT_STR, "a host config's name"),
	END
};

const struct mkey mkeys_baseline[] = {
	K("host", MT_STR, "compare every host config against this one"),
	K("image", MT_STR, "compare every image against this NAME:TAG"),
	END
};

const struct mkey mkeys_order[] = {
	RANGE("seed", MT_INT, 0, 2147483647, "the seed of the shuffle of each round (default: from the matrix's name)"),
	END
};

const struct mkey mkeys_top[] = {
	REQ("name", MT_NAME, "the matrix's name: its results go to results/NAME"),
	SUB("dockerfiles", MT_MAP, 0, mkeys_dockerfiles, "the Dockerfile repo, fetched with libgit2"),
	NONEMPTY("images", MT_MAPLIST, MK_REQUIRED, mkeys_image, "the images under test"),
	NONEMPTY("benchmarks", MT_MAPLIST, MK_REQUIRED, mkeys_bench, "what runs on each image"),
	NONEMPTY("hosts", MT_MAPLIST, MK_REQUIRED, mkeys_host, "how a cell is run"),
	SUB("include", MT_MAPLIST, 0, mkeys_selector, "cells to add: {image, tag, benchmark, host}"),
	SUB("exclude", MT_MAPLIST, 0, mkeys_selector, "cells to leave out: {image, tag, benchmark, host}"),
	SUB("baseline", MT_MAP, 0, mkeys_baseline, "what the reports compare against: {host} or {image}"),
	SUB("defaults", MT_MAP, 0, mkeys_defaults, "settings of every benchmark that does not say otherwise"),
	RANGE("parallel", MT_INT, 1, 1024, "benchmarks run at once on one engine (default 1)"),
	OR_MAP("order", orders, 0, 0, mkeys_order, "the repetitions' order: interleaved (default: "
	       "round by round across the cells, shuffled), sequential, or {seed: N}"),
	END
};

const struct mkey *
mkey(const struct mkey *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	fatal("no key '%s' in the key tables", name);
}

const char **
mkey_names(const struct mkey *t)
{
	size_t n = 0, i;
	const char **v;

	while (t[n].name)
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = t[i].name;
	return v;
}
