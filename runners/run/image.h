/* image.h: a benchmark's image, the build-image edge's work (image.c). */
#ifndef JOCKEY_RUN_IMAGE_H
#define JOCKEY_RUN_IMAGE_H

#include <jansson.h>

#include "base/buf.h"

/* Append the tar of the build context whose git tree is tree, from the
 * Dockerfile repo repo_json names, to tar, its Dockerfile checked against
 * image (images/KEY.json: its "from", "build_args" and "base") and, for
 * 'from: rebase', rewritten to build on base_ref; *note (new, may stay
 * NULL) says what the Dockerfile builds on. 0, or -1 with a message.
 * (gen's from_build: the command passes it in.) */
typedef int image_tar_fn(const char *repo_json, const char *tree, const json_t *image, const char *base_ref,
			 struct buf *tar, json_t **note);

/* Make the image images/KEY.json (json_path) describes and write its id to
 * stamp_path, rewritten only when it changes: with a context, built from
 * its tar (context_tar), with a second, dated tag; without, the base's
 * local id. A built image must descend from its base, the image under
 * test (the base's RootFS layers a prefix of its own), unless its
 * Dockerfile says 'from: build'. What it was made from goes to
 * images/KEY.inputs.json (the base's id among it), the build's output to
 * images/KEY.log; why it failed to images/KEY.failed.json ({reason}, for
 * the cells that need it), removed once it succeeds. 0, or -1 with a
 * message. */
int image_build(const char *json_path, const char *stamp_path, image_tar_fn *context_tar);
/* images/KEY.json -> images/KEY.inputs.json (caller frees). */
char *image_inputs_path(const char *image_json_path);
/* images/KEY.json -> images/KEY.failed.json (caller frees). */
char *image_failed_path(const char *image_json_path);
/* 1 when the layers (RootFS.Layers) of base are the first of image's. */
int image_descends(const json_t *base_layers, const json_t *image_layers);

#endif
