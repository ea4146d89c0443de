/* machine_check.h: 'jockey run' looks at the machine before ninja starts
 * (runners/run/machine.h): its state and the containers running on each
 * engine that answered, written to machine.json in the results folder for
 * the reports, and one warning on stderr per reason it is busy. */
#ifndef JOCKEY_MACHINE_CHECK_H
#define JOCKEY_MACHINE_CHECK_H

#include <stddef.h>

#include "runners/engine_use.h"

/* Check and warn; with refuse, say why as an error instead and write
 * nothing. dir is the results folder as named, labeldir its absolute path
 * (its containers' jockey.dir label: they are not counted). 1 when the
 * machine is busy, 0 when it is quiet. */
int machine_check(const char *dir, const char *labeldir, const struct engine_use *eng, size_t neng,
		  int refuse);

#endif
