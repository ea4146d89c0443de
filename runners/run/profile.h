/* profile.h: the profile edge's work: a cell's profiled repetitions, extra
 * ones run after its timed repetitions and never among their samples,
 * each under perf record scoped to the main side's cgroup parent (perf.h),
 * their symbols resolved against the image's own exported root file
 * system (rootfs.c), counted into cells/ID/profile.json and
 * profile.folded (profile_data.h). Their raw files are in
 * cells/ID/profile.d/REP/ (log, metrics.json with perf in its provenance).
 *
 * When no profile can be made (no perf, perf_event_paranoid, no perf_event
 * controller, perf failing, a profiled repetition failing) profile.json
 * says why under "unavailable", profile.folded is removed, and the edge
 * succeeds: the cell keeps its timed numbers.
 */
#ifndef JOCKEY_RUN_PROFILE_H
#define JOCKEY_RUN_PROFILE_H

struct profile_settings {
	int frequency;          /* Hz, perf record -F */
	const char *call_graph; /* "none", "fp" or "dwarf" */
	int repeat;             /* profiled repetitions */
};

/* Profile the cell whose run.json is run_json: 0 once profile.json is
 * written (a profile or the reason there is none); -1 with a message on
 * an error or a signal (run_signal). */
int profile_cell(const char *run_json, const struct profile_settings *ps);

#endif
