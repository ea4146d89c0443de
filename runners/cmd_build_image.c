/* cmd_build_image.c: `jockey build-image images/KEY.json stamps/img/KEY.id`
 *
 * Builds the image (or, without a context, inspects the base it runs as it
 * is) and writes its stamp: runners/run/image.h, with the context's tar from
 * the Dockerfile repo, its Dockerfile checked and maybe rebased (gen/from.h),
 * which the run layer does not reach.
 */
#include "base/util.h"
#include "runners/commands.h"
#include "runners/opts.h"
#include "gen/from.h"
#include "runners/run/image.h"

int
cmd_build_image(int argc, char **argv)
{
	int i = opts_operands(argc, argv, 2, 2, "build-image");

	argv += i - 1;
	return image_build(argv[1], argv[2], from_build) < 0 ? EXIT_RUNTIME : EXIT_OK;
}
