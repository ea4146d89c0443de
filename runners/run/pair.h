/* pair.h: a repetition of a server and a client (pair.c). */
#ifndef JOCKEY_RUN_PAIR_H
#define JOCKEY_RUN_PAIR_H

#include "runners/run/run.h"

/* Run the server, wait until it is ready, run the client (r->main), stop
 * the server. 0 when the outcome is known (a failure is recorded in
 * r->failure or in the client's state: outcome.h), -1 on an error. */
int pair_run(struct run *r);
/* Remove the cell's private network, if any. */
void pair_cleanup(struct run *r);

#endif
