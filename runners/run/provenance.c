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
#include "runners/run/machine.h"
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
	/* the containers running beside this results folder's own (labelled
	 * with it): unknown (null) when the engine cannot list them, which is
	 * no reason to fail the repetition */
	if (r->info_rc == 0 && machine_other_containers(r->info_e, r->rc.dir, &r->other_containers) < 0)
		r->other_containers = -1;
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

	r->other_containers = -1;
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
xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
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


char *
provenance_not_here(const struct run *r)
{
	const char *kernel = json_string_value(json_object_get(r->info, "KernelVersion"));
	struct utsname u;

	if (!kernel || uname(&u) < 0 || strcmp(kernel, u.release) == 0)
		return NULL;
	return xasprintf("the engine at %s runs kernel %s, this machine %s: its containers' cgroups "
			 "are not this machine's, so what was sampled here is dropped (name it by "
			 "tcp:// to have them sampled on its host)", r->e->endpoint, kernel, u.release);
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

/* The machine's state before the run, the other containers beside it, and
 * whether that made the machine busy (machine.h). The state is of the
 * machine jockey runs on: "local" says whether the engine's is the same. */
static void
machine_provenance(json_t *prov, const struct run *r)
{
	json_t *m = r->machine ? json_deep_copy(r->machine) : machine_read();
	char *elsewhere = provenance_not_here(r);

	json_object_set_new(m, "other_containers",
			    r->other_containers >= 0 ? json_integer(r->other_containers) : json_null());
	/* the rule of engine_remote and provenance_not_here */
	json_object_set_new(m, "local", json_boolean(!engine_remote(r->e->endpoint) && !elsewhere));
	free(elsewhere);
	json_object_set_new(m, "busy", machine_busy(m));
	json_object_set_new(prov, "machine", m);
}

/* What produced the result. GET /info has it all on Docker and Podman;
 * the version falls back to /_ping's Server header. The kernel and the CPU
 * are the engine host's, never this machine's for a remote engine
 * (engine_remote): /info's kernel, else ours for a local engine and what
 * the remote sampler read there (metrics.json's engine_host) for a remote
 * one; /info names no CPU model: ours for a local engine (null when its
 * kernel is not ours: provenance_not_here), the sampler's (that host's
 * /proc/cpuinfo) for a remote one, null when it could not run; ncpu is
 * /info's, else the sampler's. */
json_t *
provenance_json(const struct run *r)
{
	json_t *info = r->info, *p;
	json_t *seen = json_object_get(r->main.summary, "engine_host");
	const char *kernel = json_string_value(json_object_get(info, "KernelVersion"));
	const char *version = json_string_value(json_object_get(info, "ServerVersion"));
	json_t *ncpu = json_object_get(info, "NCPU");
	struct utsname u;
	int remote = r->main.remote;
	char *elsewhere = remote ? NULL : provenance_not_here(r);
	char *model = remote ? xstrdup_or_null(json_string_value(json_object_get(seen, "cpu_model")))
			     : elsewhere ? NULL : cpu_model();

	if (!kernel && !remote && uname(&u) == 0)
		kernel = u.release;
	if (!kernel && remote)
		kernel = json_string_value(json_object_get(seen, "kernel"));
	if (!ncpu && remote)
		ncpu = json_object_get(seen, "ncpu");
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
		      "ncpu", ncpu,
		      "mem_total_bytes", json_object_get(info, "MemTotal"));
	free(model);
	free(elsewhere);
	if (remote)
		json_object_set_new(p, "sampled_on", json_string(seen ? "engine host" : "none"));
	if (r->pair)
		json_object_set_new(p, "server_image_id", json_string(r->server.image_id));
	json_object_set_new(p, "native", json_boolean(r->main.native));
	build_provenance(p, &r->main);
	machine_provenance(p, r);
	if (json_object_size(r->image_facts) > 0)
		json_object_set(p, "image_facts", r->image_facts);
	return p;
}
