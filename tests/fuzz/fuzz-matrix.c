/* fuzz-matrix.c: libFuzzer entry for the matrix loader (tests/fuzz/run.sh
 * builds and runs it). Each input is written to a file, loaded, expanded and
 * freed; a crash, a sanitizer report, a leak or a hang is a bug. run.sh
 * passes -close_fd_mask=2: the loader's messages, its normal output here, go
 * nowhere while libFuzzer and the sanitizers still report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen/matrix.h"

static char path[] = "/tmp/jockey-fuzz-matrix.XXXXXX/m.yaml";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Leave no temporary folder behind (libFuzzer exits through exit()). */
static void
cleanup(void)
{
	char *slash = strrchr(path, '/');

	unlink(path);
	*slash = '\0';
	rmdir(path);
	*slash = '/';
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *slash = strrchr(path, '/');

	(void)argc;
	(void)argv;
	*slash = '\0';
	if (!mkdtemp(path))
		abort();
	*slash = '/';
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct matrix *m;
	struct cell *cells;
	size_t ncells;
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	m = matrix_load(path);
	if (m) {
		if (matrix_expand(m, &cells, &ncells) != 0)
			abort(); /* matrix_load already expanded it without a problem */
		cells_free(cells, ncells);
		matrix_free(m);
	}
	return 0;
}
