/* fuzz-parse.c: libFuzzer entry for the built-in log parsers
 * (runners/run/parse_builtin.c). The first byte of an input picks the parser
 * (its index in parse_builtin_names(), modulo their number), the rest is the
 * log, NUL-terminated as the parse edge passes it. A crash, a sanitizer
 * report, a leak or a hang is a bug; so is a parser that says it found a
 * different number of metrics than it added, or a metric that is not a
 * finite number. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runners/run/parse_builtin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *names = parse_builtin_names();
	size_t n = 0, i;
	json_t *out, *m;
	char *log;
	int found;

	while (names[n])
		n++;
	if (size < 1)
		return 0;
	log = malloc(size);
	if (!log)
		abort();
	memcpy(log, data + 1, size - 1);
	log[size - 1] = '\0';
	out = json_array();
	found = parse_builtin_run(names[data[0] % n], log, out);
	if (found < 0 || (size_t)found != json_array_size(out))
		abort();
	json_array_foreach(out, i, m)
		if (!isfinite(json_number_value(json_object_get(m, "value"))))
			abort();
	json_decref(out);
	free(log);
	return 0;
}
