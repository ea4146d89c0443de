/* cmd_images.c: the images edge, 'jockey images RECIPE_JSON BASE_JSON... --
 * IMAGE_JSON...' (an IMAGE_JSON for each BASE_JSON): write the image files
 * of one recipe from it and the bases (gen/compose.h). */
#include "base/util.h"
#include "gen/compose.h"
#include "runners/commands.h"

int
cmd_images(int argc, char **argv)
{
	size_t n = compose_pairs(argc, argv, 1);

	if (!n)
		usage("%s (an IMAGE_JSON for each BASE_JSON)", command_usage("images"));
	return compose_images(argv[1], (const char *const *)argv + 2,
			      (const char *const *)argv + 3 + n, n) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
