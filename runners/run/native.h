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
 * What it is not: a container. The process shares the host's PID, network,
 * IPC, UTS and user namespaces and gets no resource limits (the host
 * config's cpuset is applied as a CPU affinity, its path volumes as bind
 * mounts; memory, cpus, runtime, sysctls and ulimits are not). Its only
 * namespace is a private mount namespace, so that the /proc, /dev and /sys
 * it needs inside the chroot (and the volumes) never show up in the host's
 * mount table and vanish with the process. Writes go to the cached root file
 * system itself: a benchmark that writes files should remove them (fio's
 * --unlink=1).
 */
#ifndef JOCKEY_RUN_NATIVE_H
#define JOCKEY_RUN_NATIVE_H

#include <sched.h>
#include <sys/types.h>

#include <jansson.h>

#include "runners/run/run.h"

struct native {
	char *root;            /* the cached root file system */
	char *workdir;         /* inside root */
	json_t *config;        /* the image's Config (owned) */
	char *home;            /* the user's home, from the image's /etc/passwd */
	char **argv;           /* NULL-terminated, owned; built when it starts */
	char **envp;           /* NULL-terminated, owned; built when it starts */
	uid_t uid;
	gid_t gid;
	cpu_set_t cpus;
	int have_cpus;
	char **mnt_src, **mnt_dst; /* bind mounts: host path, path under root */
	int *mnt_flags;
	size_t nmnt;
	pid_t pid;             /* the process (and group) started, 0 when none */
	int pidfd;             /* pid's pidfd, -1 when none */
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

/* rootfs.c */
/* The cached root file system of image_id (a fresh path): made the first
 * time from the engine's export of the image, extracted into a temporary
 * folder and renamed into $XDG_CACHE_HOME/jockey/rootfs/HEX (else
 * ~/.cache/...). NULL with a message. */
char *rootfs_get(struct run *r, const char *image_id);

#endif
