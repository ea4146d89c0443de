/* cmd_schema.c: jockey schema: print the JSON Schema of a matrix, written
 * from the loader's key tables (gen/matrix/schema.c). docs/matrix.schema.json
 * is its output, and tests/t0004-schema.sh checks that they are equal. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/util.h"
#include "gen/matrix.h"
#include "runners/commands.h"
#include "runners/opts.h"

int
cmd_schema(int argc, char **argv)
{
	json_t *s;
	char *text;

	opts_operands(argc, argv, 0, 0, "schema");
	s = matrix_schema();
	text = json_dumps(s, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(s);
	if (!text)
		return error("cannot write the schema"), EXIT_RUNTIME;
	puts(text);
	free(text);
	return EXIT_OK;
}
