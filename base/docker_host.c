/* docker_host.c: the default engine (see docker_host.h). */
#include <stdlib.h>

#include "base/docker_host.h"

const char *
docker_host(void)
{
	const char *dh = getenv("DOCKER_HOST");

	return dh && *dh ? dh : ENGINE_DEFAULT;
}
