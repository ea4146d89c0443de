/* clean.h: what a results folder left in its engines and cgroups (clean.c). */
#ifndef JOCKEY_RUN_CLEAN_H
#define JOCKEY_RUN_CLEAN_H

/* Clean the results folder dir (an absolute path: the jockey.dir label's
 * value) in every engine its images and cells name, else $DOCKER_HOST:
 * remove the containers and networks labelled with it; with all, its
 * images too; with keep >= 0, all but the newest keep of the images that
 * rebuilds left behind, per image key. Then remove its cells' empty cgroup
 * parents. Prints what it removes; 0, or -1 when an engine failed. */
int clean_dir(const char *dir, int all, long keep);

/* At the start of a run that holds dir's lock (base/lock.h), so that no
 * live run owns them: remove, quietly, the containers and networks labelled
 * with dir (absolute) on one engine, which a killed run or a crashed engine
 * left. How many of each, and when the oldest was made (seconds since the
 * epoch, 0 when none); 0, or -1 with a message. */
int clean_orphans(const char *endpoint, const char *dir, int *ncontainers, int *nnetworks,
		  long long *oldest);

#endif
