/* proc.c: a side's life cycle, container or native; see proc.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/layout.h"
#include "base/util.h"
#include "runners/run/conf.h"
#include "runners/run/proc.h"
#include "runners/run/rsampler.h"

int
proc_load(struct run *r, struct proc *p, const char *role, int host_settings)
{
	int server = strcmp(role, "server") == 0;

	p->role = role;
	/* runconf_decode made sure the side and its stamp's path are there */
	p->side = server ? &r->rc.server : strcmp(role, "client") == 0 ? &r->rc.client : &r->rc.main;
	p->image_id = conf_stamp(p->side->image_stamp);
	if (!p->image_id)
		return -1;
	p->host_settings = host_settings;
	p->native = host_settings && r->rc.native;
	p->remote = !p->native && engine_remote(r->rc.engine);
	p->ops = p->native ? &native_ops : &container_ops;
	if (p->native)
		p->net_mode = "host";
	else if (host_settings)
		p->net_mode = r->rc.hc.network;
	else
		p->net_mode = "bridge";
	p->name = xasprintf("jockey-%s-%d-%ld%s%s", r->cell, r->rep, (long)getpid(),
			    strcmp(role, "main") ? "-" : "", strcmp(role, "main") ? role : "");
	p->log_tmp = xasprintf("%s/%s.tmp.%ld", r->dir, layout_rep_file(server ? LAYOUT_SERVER_LOG : LAYOUT_LOG),
			       (long)getpid());
	p->tsv_tmp = xasprintf("%s/%s.tmp.%ld", r->dir,
			       layout_rep_file(server ? LAYOUT_SERVER_METRICS : LAYOUT_METRICS_TSV), (long)getpid());
	return 0;
}

int
proc_open(struct proc *p)
{
	p->log = fopen(p->log_tmp, "w");
	if (!p->log)
		return error("open '%s':", p->log_tmp);
	/* a remote engine makes the parent on its host (runc does, as it makes
	 * the container's folder); only its name is ours, and a clean-up
	 * container removes it there (remote_parent_remove) */
	if (p->remote)
		p->cg.name = xasprintf("/%s", p->name);
	else if (cgparent_create(&p->cg, p->name) < 0)
		return -1;
	p->have_cg = 1;
	return 0;
}

int
proc_prepare(struct run *r, struct proc *p)
{
	return p->ops->prepare ? p->ops->prepare(r, p) : 0;
}

enum outcome
proc_start(struct run *r, struct proc *p)
{
	return p->ops->start(r, p);
}

enum proc_wait
proc_wait(struct run *r, struct proc *p, long long deadline)
{
	return p->ops->wait(r, p, deadline);
}

void
proc_kill(struct run *r, struct proc *p)
{
	p->timed_out = 1;
	p->ops->kill(r, p);
}

int
proc_finish(struct run *r, struct proc *p, long long deadline)
{
	return p->ops->finish ? p->ops->finish(r, p, deadline) : 0;
}

int
proc_running(struct run *r, struct proc *p)
{
	return p->ops->running(r, p);
}

int
proc_exit_code(struct run *r, struct proc *p, int *code)
{
	return p->ops->exit_code(r, p, code);
}

int
proc_output(struct run *r, struct proc *p, struct buf *b)
{
	buf_reset(b);
	return p->ops->output(r, p, b);
}

int
proc_ready_exec(struct run *r, struct proc *p, json_t *argv, long long deadline)
{
	return p->ops->ready_exec(r, p, argv, deadline);
}

int
proc_stop(struct run *r, struct proc *p)
{
	return p->ops->stop(r, p);
}

int
proc_run(struct run *r, struct proc *p)
{
	long long deadline;

	switch (proc_start(r, p)) {
	case OUTCOME_ERROR:
		return -1;
	case OUTCOME_FAILED:
		return 0;
	case OUTCOME_OK:
		break;
	}
	/* The benchmark's time starts when it runs, not when its runtime is set up. */
	deadline = r->timeout_ms ? now_ms() + r->timeout_ms : 0;
	switch (proc_wait(r, p, deadline)) {
	case PROC_WAIT_ERROR:
		return -1;
	case PROC_DEADLINE:
		proc_kill(r, p);
		break;
	case PROC_EXITED:
		break;
	}
	return proc_finish(r, p, deadline);
}

/* A remote engine's parent, on its host: when its sampler could start
 * there, so can the clean-up; after a signal too. */
static void
remote_parent_remove(struct run *r, struct proc *p)
{
	char *name, *why = NULL;

	if (!p->remote_started)
		return;
	name = xasprintf("%s-cgclean", p->name);
	/* quiet after a signal, as run_error: the edge's output may be gone */
	if (rsampler_remove_parent(r->e, name, p->cg.name, r->rc.labels, &why) < 0 && !run_signal)
		warn("run '%s' rep %d: cannot remove cgroup parent '%s' from the engine's host: %s",
		     r->cell, r->rep, p->cg.name, why);
	free(why);
	free(name);
}

void
proc_cleanup(struct run *r, struct proc *p)
{
	if (p->ops && p->ops->halt)
		p->ops->halt(r, p);
	if (p->sampler) {
		json_decref(p->summary);
		p->summary = sampler_stop(p->sampler);
		p->sampler = NULL;
	}
	if (p->ops && p->ops->remove)
		p->ops->remove(r, p);
	if (p->have_cg) {
		if (p->remote)
			remote_parent_remove(r, p);
		else
			cgparent_remove(&p->cg);
		cgparent_release(&p->cg);
		p->have_cg = 0;
	}
}

int
proc_close_log(struct proc *p)
{
	int ret = 0;

	if (p->log && fclose(p->log) != 0)
		ret = error("write '%s':", p->log_tmp);
	p->log = NULL;
	return ret;
}

void
proc_release(struct proc *p)
{
	if (p->log)
		fclose(p->log);
	if (p->log_tmp)
		unlink(p->log_tmp);
	if (p->tsv_tmp)
		unlink(p->tsv_tmp);
	json_decref(p->summary);
	json_decref(p->stopped);
	free(p->started);
	free(p->finished);
	free(p->failure);
	free(p->log_tmp);
	free(p->tsv_tmp);
	free(p->name);
	free(p->image_id);
	if (p->ops && p->ops->release)
		p->ops->release(p);
}
