/* container.h: a side run as a container of the engine: container_ops
 * (proc.h), the inspection pair.c reads a server's address from and the
 * create request lifecycle.c sends itself.
 *
 * A container is created under the side's cgroup parent, started, and its
 * logs are followed (the stream ends when it exits, so nothing polls); the
 * timeout is enforced on that stream. It is removed by name at the end, so
 * one whose create reply was lost goes too.
 */
#ifndef JOCKEY_RUN_CONTAINER_H
#define JOCKEY_RUN_CONTAINER_H

#include <jansson.h>

#include "runners/run/run.h"

/* GET /containers/NAME/json (new reference in *out). 0, or -1 with the
 * engine's error in r->e, for the caller's context (run_error). */
int container_inspect(struct run *r, const struct proc *p, json_t **out);
/* The body of POST /containers/create for side p of r: image, command, env,
 * labels, and the host config where it applies (new reference). */
json_t *container_create_body(const struct run *r, const struct proc *p);

#endif
