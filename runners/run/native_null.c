/* native_null.c: native_ops for jockey-edge, which links neither libarchive
 * nor rootfs.c: it hands a native cell to the jockey beside it before
 * anything runs (runners/edge/main.c), so these only say so. jockey links
 * native.c instead (configure). */
#include "base/util.h"
#include "runners/run/proc.h"

static int
no_native(void)
{
	return error("jockey-edge does not run native cells: jockey does");
}

static int
null_prepare(struct run *r, struct proc *p)
{
	return no_native();
}

static enum outcome
null_start(struct run *r, struct proc *p)
{
	no_native();
	return OUTCOME_ERROR;
}

static enum proc_wait
null_wait(struct run *r, struct proc *p, long long deadline)
{
	no_native();
	return PROC_WAIT_ERROR;
}

static void
null_kill(struct run *r, struct proc *p)
{
}

static int
null_running(struct run *r, struct proc *p)
{
	return 0;
}

static int
null_exit_code(struct run *r, struct proc *p, int *code)
{
	return no_native();
}

static int
null_output(struct run *r, struct proc *p, struct buf *b)
{
	return no_native();
}

static int
null_ready_exec(struct run *r, struct proc *p, json_t *argv, long long deadline)
{
	return no_native();
}

static int
null_stop(struct run *r, struct proc *p)
{
	return no_native();
}

const struct proc_ops native_ops = {
	.prepare = null_prepare,
	.start = null_start,
	.wait = null_wait,
	.kill = null_kill,
	.running = null_running,
	.exit_code = null_exit_code,
	.output = null_output,
	.ready_exec = null_ready_exec,
	.stop = null_stop,
};
