/* run.c: what every module of a repetition shares: the signal flag, the
 * clock and the engine error with the cell's context; see run.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/run.h"

volatile sig_atomic_t run_signal;

static void
on_signal(int sig)
{
	run_signal = sig;
}

void
run_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking call returns EINTR and the flag is seen. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

char *
run_rfc3339_now(void)
{
	struct timespec ts;
	struct tm tm;
	char s[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%09ldZ", s, ts.tv_nsec);
}

/* The time left for a request before the deadline; 0 (no limit) without a
 * timeout. Never 0 once the time is up: that would mean no limit. */
long
run_time_left(const struct run *r, long long deadline)
{
	long long left = deadline - now_ms();

	if (!r->timeout_ms && !deadline)
		return 0;
	return left > 0 ? (long)left : 1;
}

struct sampler *
run_sampler_start(struct run *r, struct proc *p)
{
	char *name;
	struct sampler *s;

	if (!p->remote)
		return sampler_start(&p->cg, SAMPLE_MS, p->tsv_tmp);
	name = xasprintf("%s-sampler", p->name);
	s = sampler_start_remote(r->e, name, p->cg.name, r->rc.labels, p->net_mode, SAMPLE_MS, p->tsv_tmp);
	free(name);
	p->remote_started = sampler_remote_started(s);
	return s;
}

int
run_error(const struct run *r, const char *fmt, ...)
{
	struct buf what = BUF_INIT;
	va_list ap;

	if (r->e->cancelled || run_signal)
		return -1;
	va_start(ap, fmt);
	buf_vprintf(&what, fmt, ap);
	va_end(ap);
	error("run '%s' rep %d: %s: %s", r->cell, r->rep, what.data, engine_error(r->e));
	buf_release(&what);
	return -1;
}
