/* lock.h: one writer per results folder.
 *
 * The commands that change a results folder ('run', 'clean', 'merge' into
 * it, 'report') hold an flock on DIR/.lock for their whole life; the file
 * holds the holder's PID and command line so that a second one can say who
 * has it. The kernel drops the lock when the last process holding the open
 * file goes: the descriptor is inherited by ninja and the edges under a run
 * (which therefore never lock themselves), so a run killed on its own still
 * covers the edges it left running, and a crashed holder leaves no stale
 * lock behind. Readers ('ls', 'compare') take no lock: every file is written
 * to a temporary name and renamed into place, so they see old or new files,
 * never half-written ones. Base layer.
 */
#ifndef JOCKEY_LOCK_H
#define JOCKEY_LOCK_H

#define LOCK_FILE ".lock"

/* Lock the results folder dir (made if missing) for this process and its
 * children: the descriptor (kept open until exit), or -1 with a message
 * "results folder 'DIR' is in use by pid PID (COMMAND LINE)" when another
 * process holds it, or another message when the file cannot be opened. */
int lock_dir(const char *dir);

#endif
