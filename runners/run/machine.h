/* machine.h: the state of the machine a measurement runs on, and whether it
 * is busy: load average, CPU frequency governor and frequencies, swap in use,
 * memory pressure (PSI, else MemAvailable) and the other containers running
 * on the engine. Recorded in every repetition's provenance ("machine") and
 * checked by 'jockey run' before ninja starts.
 *
 * A machine is busy when any of these holds (MACHINE_LOAD_PER_CPU):
 *   - the 1-minute load average is above 0.5 x the online CPUs;
 *   - a container that is not this results folder's (its jockey.dir label
 *     names another folder, or it has none) runs on the engine;
 *   - swap is in use.
 * The load average is the kernel's decaying average of runnable tasks: read
 * before a repetition, it includes the repetitions jockey ran just before. */
#ifndef JOCKEY_RUN_MACHINE_H
#define JOCKEY_RUN_MACHINE_H

#include <jansson.h>

#include "runners/run/engine.h"

/* The load average above which a machine is busy, per online CPU. */
#define MACHINE_LOAD_PER_CPU 0.5

/* The state of this machine, from /proc and /sys (new object):
 *   load: [1, 5, 15 minutes], ncpu,
 *   cpufreq: {governor, mhz: [per CPU]} or the string "not readable",
 *   swap_total_bytes, swap_used_bytes, mem_available_bytes,
 *   pressure: {cpu, memory, io: {some_avg10, full_avg10}} or null (no PSI).
 * A file that cannot be read leaves its keys null. */
json_t *machine_read(void);

/* The number of running containers on e that are not the results folder
 * dir's (GET /containers/json): every one whose jockey.dir label is not dir,
 * so another jockey run's count too. 0, or -1 with the message in e. */
int machine_other_containers(struct engine *e, const char *dir, int *n);

/* Why the machine in state (machine_read's, with "other_containers" set or
 * not) is busy: a new array of reasons, one sentence each, empty when it is
 * quiet. */
json_t *machine_busy(const json_t *state);

/* Parsers of the kernel's text, exposed for the unit tests: 0, or -1 when
 * the text does not hold what is asked. */
int machine_parse_loadavg(const char *text, double load[3]);
/* The value of KEY in /proc/meminfo's text, in bytes. */
int machine_parse_meminfo(const char *text, const char *key, long long *bytes);
/* avg10 of the "some" and "full" lines of a /proc/pressure file (a CPU
 * file before 5.13 has no "full" line: *full is then -1). */
int machine_parse_psi(const char *text, double *some, double *full);

#endif
