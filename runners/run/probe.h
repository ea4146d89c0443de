/* probe.h: a base image's identity, the probe edge's work (probe.c). */
#ifndef JOCKEY_RUN_PROBE_H
#define JOCKEY_RUN_PROBE_H

/* Resolve base/IMG.json (json_path) into its stamp: its repo digest under
 * its own name, else its local image id. 0 when the stamp is right
 * (rewritten only if it moved, and then the move recorded beside it), -1
 * with a message. offline: the last stamp stands when there is one. */
int probe_base(const char *json_path, const char *stamp_path, int offline);
/* stamps/base/IMG.digest -> stamps/base/IMG.moved.json, where a move of the
 * stamp is recorded: {ref, from, to, at} (caller frees). */
char *probe_moved_path(const char *digest_stamp_path);
/* stamps/base/IMG.digest -> stamps/base/IMG.source.json, who gave the
 * stamp: {ref, identity, registry, mirror}, registry the mirror's URL, a
 * registry host ("docker.io"), or null for the engine's copy (caller
 * frees). */
char *probe_source_path(const char *digest_stamp_path);

#endif
