/* flame.h: a flame graph of a cell's profile.folded (Brendan Gregg's folded
 * stacks: "proc;SYM [DSO];SYM [DSO] COUNT" a line), drawn as SVG by jockey
 * itself for report.html: the root at the bottom, each frame as wide as its
 * samples, coloured by the kind of its DSO (kernel, glibc, musl, the
 * program and its other libraries, unresolved), so the C library a cell
 * spends its time in shows at a glance. */
#ifndef JOCKEY_FLAME_H
#define JOCKEY_FLAME_H

#include <stddef.h>

#include "base/buf.h"

#define FLAME_MIN_SHARE 0.005 /* frames below this share of all samples are left out */
#define FLAME_WIDTH 1200      /* the SVG's width in pixels */
#define FLAME_FRAME_H 16      /* one frame's height */

/* A frame of the merged stacks: children share their parent's prefix. */
struct flame_node {
	char *name;               /* "SYM [DSO]", the process name, or "all" */
	long value;               /* samples of the stacks through this frame */
	struct flame_node *child; /* owned, in order of first appearance */
	size_t nchild, cap;
};

/* Parse folded text (NUL-terminated) into *root ("all"); a run of the
 * same unresolved frame ("[unknown] [DSO]" or "[unknown]") is one frame. Lines that are not
 * "STACK COUNT" are errors: -1 with "where:LINE: ..." printed; 0 otherwise. */
int flame_parse(struct flame_node *root, const char *text, const char *where);
void flame_release(struct flame_node *root);
/* The kind of frame name's DSO: "kernel", "glibc", "musl", "unknown",
 * "proc" (a process name, the first frame) or "other". Static. */
const char *flame_kind(const char *name, int depth);
/* Append root as an <svg> to b, leaving out frames below FLAME_MIN_SHARE;
 * id names the SVG (HTML id, escaped here). Returns the frames drawn. */
size_t flame_svg(struct buf *b, const struct flame_node *root, const char *id);

#endif
