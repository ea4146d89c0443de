/* syntax.h: every escape jockey needs to write a build.ninja, and a small
 * writer on top of them, so the generator never concatenates escapes by hand.
 *
 * Three kinds of text end up in a build.ninja, each with its own escape:
 * - paths on build lines: '$' first, then ' ' and ':' get a '$' in front;
 *   '|' and newline cannot be written at all (ninja has no escape for a
 *   newline, and "$|" is not an escape), so they are rejected;
 * - variable values: only '$' needs escaping; a newline is rejected;
 * - shell words inside a command: shell_quote first, then the value escape
 *   (ninja_var does the second step).
 * Rule commands are built only from constants and $variables, so the writer
 * takes them verbatim (ninja_rule).
 *
 * The escape functions append to a struct buf and return 0, or -1 with the
 * buf unchanged when the text cannot be written (no message: the caller knows
 * what the text was and reports it). */
#ifndef JOCKEY_NINJA_SYNTAX_H
#define JOCKEY_NINJA_SYNTAX_H

#include <stddef.h>

#include "base/buf.h"

int ninja_escape_path(struct buf *out, const char *path);
int ninja_escape_value(struct buf *out, const char *value);
/* Append s as one POSIX shell word: 'it'\''s' style, always quoted. */
void shell_quote(struct buf *out, const char *s);

/* "name = value\n" at the top level (indent 0) or inside a rule or build
 * (indent 1: two spaces). The value is escaped; -1 if it holds a newline. */
int ninja_var(struct buf *b, int indent, const char *name, const char *value);
/* "pool NAME\n  depth = N\n" */
void ninja_pool(struct buf *b, const char *name, int depth);
/* "rule NAME\n" and then each (name, value) of vars as a verbatim "  name =
 * value" line: vars is NULL-terminated pairs of constant ninja text. */
void ninja_rule(struct buf *b, const char *name, const char *const *vars);

/* One build statement. Every path is escaped; vars are (name, value) pairs
 * whose values are escaped as variable values. */
struct ninja_edge {
	const char *rule;
	const char *const *outs;     /* at least one */
	size_t nouts;
	const char *const *ins;      /* explicit inputs ($in) */
	size_t nins;
	const char *const *implicit; /* after '|': inputs not in $in */
	size_t nimplicit;
	const char *const *vars;     /* 2 * nvars strings: name, value, ... */
	size_t nvars;
};

/* Append the build statement; -1 (buf unchanged, message printed naming the
 * bad path) if a path or value cannot be written. */
int ninja_build(struct buf *b, const struct ninja_edge *e);
/* "default TARGET\n" */
int ninja_default(struct buf *b, const char *target);

#endif
