/* docker_host.h: the engine of a host config that names none, found as the
 * docker CLI finds it. */
#ifndef JOCKEY_DOCKER_HOST_H
#define JOCKEY_DOCKER_HOST_H

/* Docker's own default address. */
#define ENGINE_DEFAULT "unix:///var/run/docker.sock"

/* $DOCKER_HOST when it is set and not empty, else ENGINE_DEFAULT. Borrowed. */
const char *docker_host(void);

#endif
