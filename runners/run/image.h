/* image.h: a benchmark's image, the build-image edge's work (image.c). */
#ifndef JOCKEY_RUN_IMAGE_H
#define JOCKEY_RUN_IMAGE_H

#include "base/buf.h"

/* Append the tar of the build context whose git tree is tree, from the
 * Dockerfile repo repo_json names, to tar: 0, or -1 with a message. (gen's
 * repo_context_tar: the command passes it in.) */
typedef int image_tar_fn(const char *repo_json, const char *tree, struct buf *tar);

/* Make the image images/KEY.json (json_path) describes and write its id to
 * stamp_path, rewritten only when it changes: with a context, built from
 * its tar (context_tar), with a second, dated tag; without, the base's
 * local id. What it was made from goes to images/KEY.inputs.json, the
 * build's output to images/KEY.log. 0, or -1 with a message. */
int image_build(const char *json_path, const char *stamp_path, image_tar_fn *context_tar);
/* images/KEY.json -> images/KEY.inputs.json (caller frees). */
char *image_inputs_path(const char *image_json_path);

#endif
