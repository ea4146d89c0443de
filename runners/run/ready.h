/* ready.h: is a running side ready? The checks of a pair's server and of a
 * lifecycle benchmark's container (ready.c), from run.json's "ready": a TCP
 * port that accepts a connection, a line of its log (PCRE2), a command that
 * exits 0 in it, or an HTTP GET that answers the expected status; each
 * polled until the check's timeout.
 */
#ifndef JOCKEY_RUN_READY_H
#define JOCKEY_RUN_READY_H

#include <stddef.h>

#include <jansson.h>

#include "runners/run/run.h"

/* How a wait ended. */
enum ready_end {
	READY_ERROR = -1,      /* printed, or a signal */
	READY_OK = 0,          /* ready, or spec holds no check */
	READY_NEVER = 1,       /* still not ready at the timeout */
	READY_EXITED = 2,      /* the side exited first */
	READY_UNREACHABLE = 3  /* a tcp or http check, and the host has no address for it */
};

/* How to wait. */
struct ready_how {
	long poll_ms;          /* check every poll_ms */
	size_t log_from;       /* a log pattern is matched past these bytes of its output (a restart's new lines) */
	int exit_ok;           /* a side that exited after it logged the line was ready (a command
	                        * that prints hello and ends): else READY_EXITED */
};

/* Wait until p is ready by spec (borrowed), reached from the host at addr
 * (NULL: unreachable). *what gets how it was checked ("tcp 6379", "log
 * 'PATTERN'", "command", "http 80/PATH"), fresh, or NULL when spec holds no
 * check. */
enum ready_end ready_wait(struct run *r, struct proc *p, json_t *spec, const char *addr,
			  const struct ready_how *how, char **what);
/* spec's timeout in ms (default 30000). */
long ready_timeout_ms(json_t *spec);
/* The last line of p's output that says something, as ": 'LINE'" (fresh),
 * or "" when it said nothing. */
char *ready_last_line(struct run *r, struct proc *p);
/* Sleep ms milliseconds (a signal cuts it short). */
void ready_sleep_ms(long ms);

#endif
