/* native.h: a side run without a container, in the image's own files: what
 * native.c (the process), native_image.c (what it takes from the image) and
 * rootfs.c (the image's files, cached) share. The rest of jockey sees only
 * native_ops (proc.h).
 *
 * The native baseline runs the same binaries and libraries as the container
 * does, without the container: jockey exports the image's root file system
 * once per image id into a cache, and runs the command chrooted into it,
 * with the image's environment, working folder and user, in a cgroup parent
 * of its own for the same metrics, with the same timeout and log handling.
 *
 * What it is not: a container. The process runs the image's code on the
 * host with the host's privileges: as the image's user (root by default),
 * in the host's PID, network, IPC, UTS and user namespaces, with /dev and
 * /sys bound in; for trusted images only. Its only namespace is a private
 * mount namespace, in which it mounts the repetition's own files (below),
 * /proc, /dev, /sys and the path volumes: nothing of it shows up in the
 * host's mount table, and all of it vanishes with the process.
 *
 * The repetition's own files (native_files.c): an overlay whose lower layer
 * is the cached export (read-only, never written) and whose upper and work
 * folders are fresh per repetition, in $XDG_CACHE_HOME/jockey/native/PID.ROLE
 * (beside the cache, on the host's file system: that is where the writes
 * land). Every repetition starts from the image's files as exported, as a
 * container does; the folder is removed after the repetition, and one left
 * by a killed jockey (its PID gone) is removed by the next native run.
 *
 * The host config's limits, as a container gets them (native_limits.c):
 * memory (no swap on top), cpus and cpuset are written into the cell's
 * cgroup parent, in which the process runs, and an OOM kill in it is the
 * cell's, as a container's is; ulimits are set with setrlimit before the
 * exec; path volumes are bind mounts. What cannot apply natively (sysctls,
 * named volumes, a runtime, a network, privileged) is refused by gen
 * (gen/matrix/host.c).
 */
#ifndef JOCKEY_RUN_NATIVE_H
#define JOCKEY_RUN_NATIVE_H

#include <sys/resource.h>
#include <sys/types.h>

#include <jansson.h>

#include "runners/run/run.h"

/* One ulimit, for setrlimit in the child. */
struct native_rlimit {
	int resource;          /* RLIMIT_* */
	struct rlimit lim;
	char *what;            /* "set ulimit 'nofile'", for the failure (owned) */
};

struct native {
	char *lower;           /* the cached export of the image's files (read-only) */
	char *dir;             /* the repetition's own folder (upper, work, root), or NULL */
	char *root;            /* dir/root: the overlay's mount point, chrooted into */
	char *ovl_opts;        /* the overlay's mount options */
	char *workdir;         /* inside root */
	json_t *config;        /* the image's Config (owned) */
	char *home;            /* the user's home, from the image's /etc/passwd */
	char **argv;           /* NULL-terminated, owned; built when it starts */
	char **envp;           /* NULL-terminated, owned; built when it starts */
	uid_t uid;
	gid_t gid;
	struct native_rlimit *rlim; /* the host config's ulimits */
	size_t nrlim;
	char **mnt_src, **mnt_dst; /* bind mounts: host path, path under root */
	int *mnt_flags;
	size_t nmnt;
	pid_t pid;             /* the process (and group) started, 0 when none */
	int pidfd;             /* pid's pidfd, -1 when none */
	int mntns;             /* its mount namespace, held from before the exec (readiness
	                        * commands join it; closing it unmounts the overlay); -1 */
	int exited;            /* reaped */
};

/* native_image.c */
/* Before anything runs (it changes the working folder for a moment): the
 * image's root file system, exported into the cache unless it is there,
 * and what the process needs from the image's config (p->nat). 0 or -1. */
int native_prepare(struct run *r, struct proc *p);
/* Free p->nat. */
void native_free(struct proc *p);
/* Image env, then the side's (winning by name), PATH and HOME when missing:
 * a fresh NULL-terminated vector. */
char **native_env(json_t *image_env, json_t *side_env, const char *home);
/* Entrypoint + (command, else the image's Cmd): a fresh NULL-terminated
 * vector; config may be NULL. */
char **native_argv(json_t *config, json_t *command);
/* Free a vector of native_env or native_argv. */
void native_argv_free(char **v);

/* native_files.c */
/* The repetition's own folder for p (n->dir, n->root, n->ovl_opts over
 * n->lower), after removing those that dead jockeys left. 0 or -1. */
int native_files_make(struct proc *p, struct native *n);
/* Remove the repetition's folder (once nothing runs in it). */
void native_files_remove(struct native *n);

/* native_limits.c */
/* The host config's memory, cpus and cpuset into p's cgroup parent, and its
 * ulimits into n->rlim. 0 or -1 with a message. */
int native_limits_apply(struct run *r, struct proc *p, struct native *n);
/* Free n->rlim. */
void native_limits_free(struct native *n);
/* 1 when the kernel OOM-killed a process in p's cgroup parent, else 0. */
int native_limits_oom_killed(const struct proc *p);

/* rootfs.c */
/* rm -rf path, staying on its file system. */
void rootfs_remove(const char *path);
/* The cached root file system of image_id (a fresh path): made the first
 * time from the engine's export of the image, extracted into a temporary
 * folder and renamed into $XDG_CACHE_HOME/jockey/rootfs/HEX (else
 * ~/.cache/...). NULL with a message. */
char *rootfs_get(struct run *r, const char *image_id);

#endif
