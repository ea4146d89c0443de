/* show.h: one cell of a results folder, readable (`jockey show`): its axes,
 * its state and why, each repetition's numbers or failure, its metrics over
 * time as sparklines, the tail of its log and the paths of its files. */
#ifndef JOCKEY_SHOW_H
#define JOCKEY_SHOW_H

#include <stdio.h>

#include <jansson.h>

/* What results folder dir holds for the cell mcell (an entry of
 * matrix.json's "cells"), as a new object (docs/results.md, "jockey show");
 * tail: how many lines of the log to keep. */
json_t *show_cell(const char *dir, const json_t *mcell, int tail);
/* Print a show_cell object for people. */
void show_print(FILE *f, const json_t *shown);
/* A sparkline of the n values v, at most width characters (each the mean
 * of its share of v), into a fresh UTF-8 string: "▁▂▄█". */
char *show_sparkline(const double *v, size_t n, size_t width);

#endif
