/* commands.h: every jockey command, one file each (cmd_NAME.c), dispatched by main.c. */
#ifndef JOCKEY_COMMANDS_H
#define JOCKEY_COMMANDS_H

/* Porcelain. */
int cmd_run(int argc, char **argv);        /* runners/cmd_run.c */
int cmd_gen(int argc, char **argv);        /* gen/cmd_gen.c */
int cmd_ls(int argc, char **argv);         /* gen/cmd_ls.c */
int cmd_clean(int argc, char **argv);      /* runners/cmd_clean.c */
int cmd_help(int argc, char **argv);       /* gen/main.c */
int cmd_version(int argc, char **argv);    /* gen/main.c */

/* Plumbing: one edge of the generated build.ninja each. */
int cmd_fetch(int argc, char **argv);      /* gen/cmd_fetch.c */
int cmd_probe(int argc, char **argv);      /* runners/cmd_probe.c */
int cmd_build_image(int argc, char **argv); /* runners/cmd_build_image.c */
int cmd_run_cell(int argc, char **argv);   /* runners/cmd_run_cell.c */
int cmd_parse(int argc, char **argv);      /* runners/cmd_parse.c */
int cmd_aggregate(int argc, char **argv);  /* runners/cmd_aggregate.c */

/* The usage line of a command, for its own error messages: "jockey gen MATRIX [-o DIR]". */
const char *command_usage(const char *name);

#endif
