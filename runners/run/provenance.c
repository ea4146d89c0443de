/* provenance.c: what produced a result, metrics.json's "provenance": the
 * image, the engine and its version, the kernel, the machine; see
 * provenance.h. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/run/imagefacts.h"
#include "runners/run/provenance.h"

/* /info is provenance only, and the engine takes ~8 ms to answer it (more
 * on a busy engine): it is asked, and then the image's facts (imagefacts.h:
 * the engine's and its registry's), on a connection of its own (r->info_e)
 * while the containers are removed, so that it is off the critical path,
 * and not while the benchmark runs, so that it does not disturb it. */
static void *
info_main(void *arg)
{
	struct run *r = arg;

	r->info_rc = engine_get_json(r->info_e, "/info", &r->info);
	/* the facts of the image under test; the registry is asked too */
	if (!run_signal)
		r->image_facts = image_facts(r->info_e, r->rc.image ? r->rc.image : r->main.image_id,
					     r->info);
	return NULL;
}

static int
info_end(struct run *r)
{
	int rc = r->info_rc;

	if (rc < 0 && !run_signal && !r->info_e->cancelled)
		error("run '%s' rep %d: %s", r->cell, r->rep, engine_error(r->info_e));
	engine_free(r->info_e);
	r->info_e = NULL;
	return rc;
}

int
provenance_begin(struct run *r)
{
	sigset_t all, old;
	int rc;

	r->info_e = engine_dup(r->e);
	if (!r->info_e)
		return -1;
	/* Signals are the main thread's; the copy shares r->e's cancel flag, so
	 * a signal stops this transfer too. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->info_thread, NULL, info_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 0;
	info_main(r);
	return info_end(r);
}

int
provenance_join(struct run *r)
{
	if (!r->info_e)
		return 0;
	pthread_join(r->info_thread, NULL);
	return info_end(r);
}

static char *
cpu_model(void)
{
	char *data, *p, *model = NULL;

	if (read_file("/proc/cpuinfo", &data, NULL) < 0)
		return xstrdup("unknown");
	p = strstr(data, "model name");
	if (p && (p = strchr(p, ':'))) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		model = xstrndup(p, strcspn(p, "\n"));
	}
	free(data);
	return model ? model : xstrdup("unknown");
}

/* The engine runs on this machine: a unix socket, or TCP to a loopback
 * address. Only then is our /proc/cpuinfo its CPU's. */
static int
engine_local(const struct engine *e)
{
	const char *h = strstr(e->base_url, "://");

	if (e->socket_path)
		return 1;
	h = h ? h + 3 : e->base_url;
	return strncmp(h, "localhost", 9) == 0 || strncmp(h, "127.", 4) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

/* What the image of side p was built on, from its images/KEY.inputs.json
 * (the build-image edge's): the base's stamp and the registry that gave it
 * (a mirror's URL, a registry's host), its image id, and what its Dockerfile
 * builds on (with the original and the rewrite of a rebased FROM). */
static void
build_provenance(json_t *prov, const struct proc *p)
{
	const char *stamp = p->side->image_stamp;
	char *key = stamp ? layout_name(LAYOUT_IMAGE_ID, stamp) : NULL;
	char *path = key ? layout_path(NULL, LAYOUT_IMAGE_INPUTS, key) : NULL;
	json_t *in = path && path_exists(path) ? json_load_path(path, 1) : NULL;

	if (json_object_get(in, "base_id"))
		json_object_set(prov, "base_image_id", json_object_get(in, "base_id"));
	if (json_is_string(json_object_get(in, "base_digest")))
		json_object_set(prov, "base_digest", json_object_get(in, "base_digest"));
	if (json_object_get(in, "base_registry"))
		json_object_set(prov, "base_registry", json_object_get(in, "base_registry"));
	if (json_object_get(in, "dockerfile"))
		json_object_set(prov, "dockerfile", json_object_get(in, "dockerfile"));
	json_decref(in);
	free(path);
	free(key);
}

/* What produced the result. GET /info has it all on Docker and Podman;
 * the kernel falls back to ours (a local engine's), the version to /_ping's
 * Server header. /info names no CPU model: it is ours for a local engine,
 * null for a remote one, whose machine ncpu, mem_total_bytes, architecture
 * and operating_system (all from /info) describe. */
json_t *
provenance_json(const struct run *r)
{
	json_t *info = r->info, *p;
	const char *kernel = json_string_value(json_object_get(info, "KernelVersion"));
	const char *version = json_string_value(json_object_get(info, "ServerVersion"));
	struct utsname u;
	char *model = engine_local(r->e) ? cpu_model() : NULL;

	if (!kernel && uname(&u) == 0)
		kernel = u.release;
	if (!version && r->e->server[0])
		version = r->e->server;
	p = json_pack("{s:s,s:s?,s:s,s:s?,s:s,s:s?,s:s?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?}",
		      "image_id", r->main.image_id,
		      "image", r->rc.image,
		      "engine", r->e->endpoint,
		      "engine_version", version,
		      "api_version", r->e->api_version,
		      "kernel", kernel,
		      "cpu_model", model,
		      "os_type", json_object_get(info, "OSType"),
		      "cgroup_driver", json_object_get(info, "CgroupDriver"),
		      "engine_host", json_object_get(info, "Name"),
		      "operating_system", json_object_get(info, "OperatingSystem"),
		      "architecture", json_object_get(info, "Architecture"),
		      "ncpu", json_object_get(info, "NCPU"),
		      "mem_total_bytes", json_object_get(info, "MemTotal"));
	free(model);
	if (r->pair)
		json_object_set_new(p, "server_image_id", json_string(r->server.image_id));
	json_object_set_new(p, "native", json_boolean(r->main.native));
	build_provenance(p, &r->main);
	if (json_object_size(r->image_facts) > 0)
		json_object_set(p, "image_facts", r->image_facts);
	return p;
}
