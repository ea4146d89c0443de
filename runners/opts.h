/* opts.h: GNU-style command lines, the same for every command: options may
 * come before or after the operands (getopt_long permutes argv: `jockey
 * run MATRIX -o DIR PATTERN`), "--" ends them (a pattern or path that
 * starts with '-' goes after it), and an unknown option or a missing value
 * is named and followed by the command's usage (exit 2). The plumbing
 * commands cells and images are the exception: their "--" separates
 * inputs from outputs. */
#ifndef JOCKEY_OPTS_H
#define JOCKEY_OPTS_H

#include <getopt.h>

/* The next option of command name's argv, as getopt_long returns it, or
 * -1 when there is none left: then optind is the first operand. */
int opts_next(int argc, char **argv, const char *shortopts, const struct option *longopts, const char *name);
/* For a command without options: parse them anyway (so "--" and a stray
 * option behave as everywhere) and check that between min and max (-1: no
 * limit) operands are left, else print the usage. Returns optind. */
int opts_operands(int argc, char **argv, int min, int max, const char *name);

#endif
