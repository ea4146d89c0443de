/* names.h: the names gen makes for what it writes (docs/design.md, "The
 * results folder"): image references, IMG (a base image's slug), KEY (an
 * image key), RECIPE, the engine suffix and the engine's tag for a built
 * image. The cells edge makes image keys too, from the axis files, with
 * the same functions. Every result is fresh unless said otherwise. */
#ifndef JOCKEY_NAMES_H
#define JOCKEY_NAMES_H

#include <stddef.h>

#include "gen/matrix.h"

/* name:tag, or name@sha256:... when the tag is a digest. */
char *name_ref(const char *name, const char *tag);
/* Split a reference "name[:tag]" or "name@digest" (tag defaults to latest). */
void name_ref_split(const char *ref, char **name, char **tag);
/* IMG: the slug of name, '-', the slug of tag. */
char *name_img(const char *name, const char *tag);
/* 8 hex digits of FNV-1a over the build args sorted by name, or NULL when
 * there are none. */
char *name_args_hash(const struct kvlist *args);
/* A context folder made canonical: "./a//b/" is "a/b", "." is "". Fresh. */
char *name_context_path(const char *context);
/* CTX, the slug of a context folder (as written) in image keys, stamps and
 * tags; the repository's top (context ".", "./" or "") is the
 * repository's name (its last path component without ".git"), or "root"
 * when that makes no slug. */
char *name_context_slug(const char *context, const char *repo);
/* KEY: CTX.IMG[.hHASH][ENGINE_SUFFIX] ("asis" for CTX without a context). */
char *name_key(const char *ctx_slug, const char *img, const char *hash, const char *engine_suffix);
/* RECIPE: CTX[.hHASH] ("asis" without a context). */
char *name_recipe(const char *ctx_slug, const char *hash);
/* ".eN" for engine N when there are several engines, else "". */
char *name_engine_suffix(size_t nengines, int engine);
/* The engine's tag for the image KEY built from context ctx_slug for the
 * results folder dir: "jockey/CTX:REST-DIRHASH" (see names.c). */
char *name_docker_tag(const char *ctx_slug, const char *key, const char *dir);
/* "missing", "always" or "never". Static. */
const char *name_pull(enum pull_policy p);

#endif
