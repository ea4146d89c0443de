/* imagefacts.c: an image's sizes and layers; see imagefacts.h.
 *
 * The compressed size is the manifest's config and layers' sizes: what a
 * pull of the image with none of its layers present fetches. A tag naming
 * an index (a multi-platform image) is followed to the manifest of the
 * engine's platform (linux and its architecture in Go's words).
 *
 * A digest's manifest never changes: the registry's facts are kept in
 * FACTS_DIR/HEX.json of the results folder (the run edge's working folder)
 * and asked once per image, not in every repetition (Docker Hub counts
 * manifest requests against a rate limit).
 */
#include <stdlib.h>
#include <string.h>

#include "base/files.h"
#include "base/util.h"
#include "runners/run/imagefacts.h"
#include "runners/run/regauth.h"
#include "runners/run/registry.h"

/* The engine's architecture (GET /info's, uname's words) in Go's words, as
 * an index's platform names it. */
static const char *
go_arch(json_t *info)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" }, { "armv7l", "arm" }, { "i686", "386" },
		{ "ppc64le", "ppc64le" }, { "s390x", "s390x" }, { "riscv64", "riscv64" },
	};
	const char *a = json_string_value(json_object_get(info, "Architecture"));
	size_t i;

	for (i = 0; a && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(a, map[i][0]) == 0)
			return map[i][1];
	return a ? a : "amd64";
}

/* The registry's URL and the repository of name there (both fresh). */
static void
where_from(const char *name, json_t *info, char **url, char **repo)
{
	char *host = regauth_host(name);
	const char *m;

	if (strcmp(host, "docker.io") == 0) {
		m = json_string_value(json_array_get(json_object_get(json_object_get(info, "RegistryConfig"),
								    "Mirrors"), 0));
		*url = xstrdup(m && *m ? m : "https://registry-1.docker.io");
		*repo = registry_hub_repo(name);
	} else {
		/* the engine's own default: a loopback registry is plain HTTP */
		*url = xasprintf("%s://%s", strncmp(host, "127.", 4) == 0 ||
				 strncmp(host, "localhost", 9) == 0 ? "http" : "https", host);
		*repo = xstrdup(name + strlen(host) + 1);
	}
	free(host);
}

/* The manifest of digest in repo at url, an index followed to the entry for
 * linux/arch (fresh), or NULL. */
static json_t *
platform_manifest(const char *url, const char *repo, const char *digest, const char *arch)
{
	struct registry_answer a;
	json_t *m = NULL, *list, *e, *plat;
	const char *d = NULL;
	size_t i;

	if (registry_manifest(url, repo, digest, &m, &a) < 0) {
		registry_answer_release(&a);
		return NULL;
	}
	registry_answer_release(&a);
	list = json_object_get(m, "manifests");
	if (!json_is_array(list))
		return m;
	json_array_foreach(list, i, e) {
		plat = json_object_get(e, "platform");
		if (!d && json_string_value(json_object_get(plat, "os")) &&
		    strcmp(json_string_value(json_object_get(plat, "os")), "linux") == 0 &&
		    json_string_value(json_object_get(plat, "architecture")) &&
		    strcmp(json_string_value(json_object_get(plat, "architecture")), arch) == 0)
			d = json_string_value(json_object_get(e, "digest"));
	}
	e = d ? platform_manifest(url, repo, d, arch) : NULL;
	json_decref(m);
	return e;
}

#define FACTS_DIR "stamps/facts"

/* The registry's facts kept for a digest ("sha256:HEX"), or NULL. */
static json_t *
facts_kept(const char *digest, char **path)
{
	const char *hex = strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : NULL;

	*path = hex && strspn(hex, "0123456789abcdef") == strlen(hex) ?
		xasprintf(FACTS_DIR "/%s.json", hex) : NULL;
	return *path && path_exists(*path) ? json_load_path(*path, 1) : NULL;
}

/* Keep the registry's facts in out for the next repetitions (no message:
 * they are asked again when this fails). */
static void
facts_keep(const char *path, json_t *out)
{
	json_t *k = json_pack("{s:O?, s:O?, s:O?}", "compressed_bytes", json_object_get(out, "compressed_bytes"),
			      "registry_layers", json_object_get(out, "registry_layers"),
			      "registry", json_object_get(out, "registry"));
	char *text = k ? json_dumps(k, JSON_SORT_KEYS) : NULL;

	if (path && text && mkdirs_parent(path) == 0)
		write_file_atomic(path, text, strlen(text));
	free(text);
	json_decref(k);
}

/* The registry's facts of the image whose repo digest is rd. */
static void
registry_facts(json_t *out, const char *rd, json_t *info)
{
	const char *at = strchr(rd, '@');
	char *name, *url, *repo, *path;
	json_t *m, *layers, *l;
	double bytes;
	size_t i;

	if (!at)
		return;
	if ((m = facts_kept(at + 1, &path))) {
		json_object_update(out, m);
		json_decref(m);
		free(path);
		return;
	}
	name = xstrndup(rd, (size_t)(at - rd));
	where_from(name, info, &url, &repo);
	m = platform_manifest(url, repo, at + 1, go_arch(info));
	layers = json_object_get(m, "layers");
	if (json_is_array(layers)) {
		bytes = json_number_value(json_object_get(json_object_get(m, "config"), "size"));
		json_array_foreach(layers, i, l)
			bytes += json_number_value(json_object_get(l, "size"));
		json_object_set_new(out, "compressed_bytes", json_real(bytes));
		json_object_set_new(out, "registry_layers", json_integer((json_int_t)json_array_size(layers)));
		json_object_set_new(out, "registry", json_string(url));
		facts_keep(path, out);
	}
	free(path);
	json_decref(m);
	free(repo);
	free(url);
	free(name);
}

json_t *
image_facts(struct engine *e, const char *image, json_t *info)
{
	json_t *out = json_object(), *img = NULL;
	const char *rd;

	if (!image || engine_image_inspect(e, image, &img) != 0)
		return out;
	json_object_set_new(out, "size_bytes", json_real(json_number_value(json_object_get(img, "Size"))));
	json_object_set_new(out, "layers", json_integer((json_int_t)json_array_size(
		json_object_get(json_object_get(img, "RootFS"), "Layers"))));
	rd = json_string_value(json_array_get(json_object_get(img, "RepoDigests"), 0));
	if (rd)
		registry_facts(out, rd, info);
	json_decref(img);
	return out;
}
