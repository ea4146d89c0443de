/* commands.h: every jockey command, one file each (cmd_NAME.c), dispatched
 * by main.c from the table in commands.c.
 *
 * A command reads its usage line from command_usage (usage.c), which knows
 * the entry main.c is running: so the commands never call back into the
 * table that calls them. */
#ifndef JOCKEY_COMMANDS_H
#define JOCKEY_COMMANDS_H

#include <stdio.h>

/* Porcelain. */
int cmd_run(int argc, char **argv);        /* runners/cmd_run.c */
int cmd_gen(int argc, char **argv);        /* runners/cmd_gen.c */
int cmd_ls(int argc, char **argv);         /* runners/cmd_ls.c */
int cmd_init(int argc, char **argv);       /* runners/cmd_init.c */
int cmd_show(int argc, char **argv);       /* runners/cmd_show.c */
int cmd_clean(int argc, char **argv);      /* runners/cmd_clean.c */
int cmd_report(int argc, char **argv);     /* runners/cmd_report.c */
int cmd_compare(int argc, char **argv);    /* runners/cmd_compare.c */
int cmd_merge(int argc, char **argv);      /* runners/cmd_merge.c */
int cmd_help(int argc, char **argv);       /* runners/commands.c */
int cmd_version(int argc, char **argv);    /* runners/commands.c */

/* Plumbing: one edge of the generated build.ninja each. */
int cmd_fetch(int argc, char **argv);      /* runners/cmd_fetch.c */
int cmd_probe(int argc, char **argv);      /* runners/cmd_probe.c */
int cmd_images(int argc, char **argv);     /* runners/cmd_images.c */
int cmd_build_image(int argc, char **argv); /* runners/cmd_build_image.c */
int cmd_cells(int argc, char **argv);      /* runners/cmd_cells.c */
int cmd_run_cell(int argc, char **argv);   /* runners/cmd_run_cell.c */
int cmd_parse(int argc, char **argv);      /* runners/cmd_parse.c */
int cmd_profile(int argc, char **argv);    /* runners/cmd_profile.c */
int cmd_aggregate(int argc, char **argv);  /* runners/cmd_aggregate.c */
/* Hidden, not an edge: the matrix's JSON Schema, for docs/matrix.schema.json. */
int cmd_schema(int argc, char **argv);     /* runners/cmd_schema.c */

enum { PLUMBING = 1 }; /* hidden from 'jockey help' */

struct command {
	const char *name;
	int (*fn)(int, char **);
	int flags;
	const char *args;    /* operands and options, for usage lines */
	const char *summary; /* one line for 'jockey help' */
	const char *help;    /* more, for 'jockey help CMD' */
};

/* The command called name, or NULL. */
const struct command *command_find(const char *name);
/* The list of porcelain commands, for 'jockey help' and a bare 'jockey'. */
void help_all(FILE *f);

/* usage.c: main.c says which command runs (c, from the table) before it
 * calls it. */
void command_running(const struct command *c);
/* The usage line of the running command called name, for its own error
 * messages: "gen [-o DIR] ... MATRIX" (usage() adds "usage: jockey "). */
const char *command_usage(const char *name);

#endif
