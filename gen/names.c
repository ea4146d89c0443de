/* names.c: the names gen makes (see names.h). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/slug.h"
#include "base/util.h"
#include "gen/names.h"

char *
name_ref(const char *name, const char *tag)
{
	return xasprintf("%s%c%s", name, strncmp(tag, "sha256:", 7) == 0 ? '@' : ':', tag);
}

void
name_ref_split(const char *ref, char **name, char **tag)
{
	const char *at = strchr(ref, '@'), *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');

	if (at) {
		*name = xstrndup(ref, at - ref);
		*tag = xstrdup(at + 1);
	} else if (colon && (!slash || colon > slash)) {
		*name = xstrndup(ref, colon - ref);
		*tag = xstrdup(colon + 1);
	} else {
		*name = xstrdup(ref);
		*tag = xstrdup("latest");
	}
}

char *
name_img(const char *name, const char *tag)
{
	char *n = slug_make(name), *t = slug_make(tag), *r = xasprintf("%s-%s", n, t);

	free(n);
	free(t);
	return r;
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct kv *const *)a)->key, (*(const struct kv *const *)b)->key);
}

char *
name_args_hash(const struct kvlist *args)
{
	const struct kv **v;
	uint64_t h = HASH_INIT;
	size_t i;

	if (args->n == 0)
		return NULL;
	v = xreallocarray(NULL, args->n, sizeof(*v));
	for (i = 0; i < args->n; i++)
		v[i] = &args->v[i];
	qsort(v, args->n, sizeof(*v), kv_cmp);
	for (i = 0; i < args->n; i++) {
		/* each with its NUL, so "ab"+"c" and "a"+"bc" differ */
		h = hash_bytes(h, v[i]->key, strlen(v[i]->key) + 1);
		h = hash_bytes(h, v[i]->value, strlen(v[i]->value) + 1);
	}
	free(v);
	return xasprintf("%08x", (unsigned)((h ^ (h >> 32)) & 0xffffffffu));
}

char *
name_context_path(const char *context)
{
	const char *p = context;
	char *out = xcalloc(strlen(context) + 1, 1);
	size_t n, len = 0;

	while (*p) {
		n = strcspn(p, "/");
		if (n && !(n == 1 && *p == '.')) {
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
		p += strspn(p, "/");
	}
	return out;
}

char *
name_context_slug(const char *context, const char *repo)
{
	char *clean = name_context_path(context), *name, *slug;
	const char *end, *start;

	if (*clean) {
		/* as written: "tools/" stays "tools-", the key it always had */
		free(clean);
		return slug_make(context);
	}
	free(clean);
	end = repo ? repo + strlen(repo) : "";
	while (repo && end > repo && end[-1] == '/')
		end--;
	start = end;
	while (repo && start > repo && start[-1] != '/' && start[-1] != ':')
		start--;
	if (end - start > 4 && strncmp(end - 4, ".git", 4) == 0)
		end -= 4;
	name = xstrndup(start, (size_t)(end - start));
	slug = slug_make(name);
	free(name);
	if (!slug_ok(slug) || !isalnum((unsigned char)slug[0])) {
		free(slug);
		slug = xstrdup("root");
	}
	return slug;
}

char *
name_key(const char *ctx_slug, const char *img, const char *hash, const char *engine_suffix)
{
	return xasprintf("%s.%s%s%s%s", ctx_slug ? ctx_slug : "asis", img,
			 hash ? ".h" : "", hash ? hash : "", engine_suffix);
}

char *
name_recipe(const char *ctx_slug, const char *hash)
{
	return xasprintf("%s%s%s", ctx_slug ? ctx_slug : "asis", hash ? ".h" : "", hash ? hash : "");
}

char *
name_engine_suffix(size_t nengines, int engine)
{
	return nengines > 1 ? xasprintf(".e%d", engine) : xstrdup("");
}

/* The engine's tag for a built image: "jockey/CTX:REST-DIRHASH" where KEY is
 * CTX.REST and DIRHASH 8 hex of the results folder (each folder builds its
 * own image: two folders sharing a tag would leave the first one's image
 * untagged, for `docker image prune` to delete under its stamp). Docker wants
 * the repository part to start and end with [a-z0-9] and the tag part to be
 * at most 128 of [A-Za-z0-9_.-], not starting with '.' or '-': a slug can
 * break either (a context "bench/" slugs to "bench-", a digest tag makes a
 * long key), so trim the one and hash the other. */
char *
name_docker_tag(const char *ctx_slug, const char *key, const char *dir)
{
	const char *c = ctx_slug, *rest = key + strlen(ctx_slug) + 1;
	uint64_t dh = hash_bytes(HASH_INIT, dir ? dir : "", dir ? strlen(dir) : 0);
	size_t n;
	char *repo, *tag;

	while (*c && !isalnum((unsigned char)*c))
		c++;
	n = strlen(c);
	while (n && !isalnum((unsigned char)c[n - 1]))
		n--;
	repo = n ? xstrndup(c, n) : xstrdup("context");
	if (strlen(rest) <= 128 - 9 && rest[0] != '.' && rest[0] != '-') {
		tag = xasprintf("jockey/%s:%s-%08llx", repo, rest, (unsigned long long)(dh & 0xffffffffULL));
	} else {
		uint64_t h = hash_bytes(dh, rest, strlen(rest));

		tag = xasprintf("jockey/%s:x%.110s-%016llx", repo, rest, (unsigned long long)h);
	}
	free(repo);
	return tag;
}

const char *
name_pull(enum pull_policy p)
{
	return p == PULL_ALWAYS ? "always" : p == PULL_NEVER ? "never" : "missing";
}
