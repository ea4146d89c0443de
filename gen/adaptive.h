/* adaptive.h: the repetitions of the cells of adaptive benchmarks (repeat:
 * {min, max, precision}). 'jockey run' gives a cell more after a round
 * (runners/report/adaptive.h) by writing repeats.json in the results folder,
 *
 *   {"schema": 1, "cells": {"ID": N, ...}}    N: measured repetitions
 *
 * and gen reads it: the cell gets N run edges, so an interrupted round
 * resumes and a run after the last round is a no-op. */
#ifndef JOCKEY_GEN_ADAPTIVE_H
#define JOCKEY_GEN_ADAPTIVE_H

#include <stddef.h>

#include "gen/matrix.h"

/* Set the repeat of each adaptive cell from dir's repeats.json (kept within
 * [min, max]; cells it does not name keep min). No file: 0. 0, or -1 with a
 * message when it cannot be read. */
int adaptive_apply(const char *dir, struct cell *cells, size_t n);

#endif
