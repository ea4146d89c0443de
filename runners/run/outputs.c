/* outputs.c: what a repetition leaves in cells/ID/REP; see outputs.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/files.h"
#include "base/layout.h"
#include "base/util.h"
#include "runners/run/outputs.h"
#include "runners/run/provenance.h"
#include "runners/run/tool_error.h"

/* RFC 3339 with nanoseconds -> seconds and nanoseconds since the epoch
 * (kept apart: a double of the whole would lose the nanoseconds). */
static int
rfc3339_parse(const char *s, long long *sec, long *nsec)
{
	struct tm tm;
	long scale = 1000000000L;
	int n = 0, off = 0, h = 0, m = 0;

	memset(&tm, 0, sizeof(tm));
	*nsec = 0;
	if (!s || sscanf(s, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	s += n;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (scale > 1) {
				scale /= 10;
				*nsec += (*s - '0') * scale;
			}
	/* The engine reports UTC ("Z"); an offset would be unusual but is honoured. */
	if ((*s == '+' || *s == '-') && sscanf(s + 1, "%d:%d", &h, &m) >= 1)
		off = (*s == '+' ? 1 : -1) * (h * 3600 + m * 60);
	*sec = (long long)timegm(&tm) - off;
	return 0;
}

static double
elapsed_s(const struct proc *r)
{
	long long s, f;
	long sn, fn;
	double d;

	if (rfc3339_parse(r->started, &s, &sn) < 0 || rfc3339_parse(r->finished, &f, &fn) < 0)
		return 0;
	d = (double)(f - s) + (fn - sn) / 1e9;
	return d > 0 ? d : 0;
}

static char *
rep_file(const struct run *r, const char *name)
{
	return xasprintf("%s/%s", r->dir, name);
}

static void
unlink_rep_file(const struct run *r, const char *name)
{
	char *p = rep_file(r, name);

	if (unlink(p) < 0 && errno != ENOENT)
		warn("remove '%s':", p);
	free(p);
}

static int
rename_rep_file(const struct run *r, const char *tmp, const char *name)
{
	char *p = rep_file(r, name);
	int ret = 0;

	if (rename(tmp, p) < 0)
		ret = error("rename '%s' to '%s':", tmp, p);
	free(p);
	return ret;
}

static int
write_json(const struct run *r, const char *name, json_t *j)
{
	char *p = rep_file(r, name);
	int ret = json_write_path(p, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0);

	free(p);
	return ret;
}

/* What the benchmark's tools said about their failure in its log, as
 * "; TOOL said: '...'" (fresh), or NULL: the built-in parsers of its
 * conf/parse/B.json know where each tool writes its errors. */
static char *
tools_said(const struct run *r)
{
	const char *bench = r->rc.benchmark;
	char *path = bench ? layout_path(NULL, LAYOUT_PARSE_JSON, bench) : NULL, *log = NULL, *said = NULL;
	json_t *parse = path && path_exists(path) ? json_load_path(path, 1) : NULL;
	size_t len;

	if (parse && r->main.log_tmp && path_exists(r->main.log_tmp) && read_file(r->main.log_tmp, &log, &len) == 0)
		said = tool_errors(json_object_get(parse, "parsers"), log, len);
	free(log);
	json_decref(parse);
	free(path);
	return said;
}

static char *
failure_reason(const struct run *r)
{
	const struct proc *p = &r->main;
	char *said, *reason;

	if (r->failure)
		return xstrdup(r->failure);
	if (p->failure)
		return xstrdup(p->failure);
	if (p->oom_killed)
		return xstrdup("oom killed");
	said = tools_said(r);
	if (p->timed_out)
		reason = xasprintf("timeout after %gs%s", r->timeout_ms / 1000.0, said ? said : "");
	else
		reason = xasprintf("exit code %d%s%s%s", p->exit_code, said ? said : "",
				   r->server_gone ? "; " : "", r->server_gone ? r->server_gone : "");
	free(said);
	return reason;
}

/* A pair's server log and series: kept whatever happened (the server's log
 * says why it never became ready), not ninja outputs. */
static void
server_outputs(struct run *r)
{
	if (!r->pair)
		return;
	if (r->server.log_tmp && path_exists(r->server.log_tmp))
		rename_rep_file(r, r->server.log_tmp, layout_rep_file(LAYOUT_SERVER_LOG));
	if (r->server.tsv_tmp && path_exists(r->server.tsv_tmp))
		rename_rep_file(r, r->server.tsv_tmp, layout_rep_file(LAYOUT_SERVER_METRICS));
}

int
outputs_write_failed(struct run *r)
{
	char *reason = failure_reason(r);
	const struct proc *p = &r->main;
	int never_ran = r->failure || p->failure;
	json_t *j;
	int ret;

	unlink_rep_file(r, layout_rep_file(LAYOUT_LOG));
	unlink_rep_file(r, layout_rep_file(LAYOUT_METRICS_JSON));
	unlink_rep_file(r, layout_rep_file(LAYOUT_METRICS_TSV));
	unlink(p->tsv_tmp);
	rename_rep_file(r, p->log_tmp, "log.failed");
	server_outputs(r);
	/* exit_code is null when the benchmark never ran. */
	j = json_pack("{s:i,s:s,s:i,s:s,s:o,s:b,s:b,s:s,s:s,s:f,s:s}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "reason", reason,
		      "exit_code", never_ran ? json_null() : json_integer(p->exit_code),
		      "timed_out", p->timed_out,
		      "oom_killed", p->oom_killed, "started", p->started ? p->started : "",
		      "finished", p->finished ? p->finished : "", "elapsed_s", elapsed_s(p),
		      "log", "log.failed");
	ret = write_json(r, layout_rep_file(LAYOUT_FAILED), j);
	json_decref(j);
	error("cell '%s' rep %d failed: %s (log: %s/log.failed)", r->cell, r->rep, reason, r->dir);
	free(reason);
	return ret;
}

int
outputs_write_done(struct run *r)
{
	const struct proc *p = &r->main;
	json_t *j;
	int ret;

	j = json_pack("{s:i,s:s,s:i,s:i,s:b,s:b,s:s,s:s,s:f,s:O?,s:o}",
		      "schema", 1, "cell", r->cell, "rep", r->rep, "exit_code", p->exit_code,
		      "timed_out", 0, "oom_killed", 0, "started", p->started,
		      "finished", p->finished, "elapsed_s", elapsed_s(p),
		      "metrics", p->summary, "provenance", provenance_json(r));
	if (r->pair) {
		/* "metrics" stays the client's, so parse and aggregate read a
		 * pair as they read a plain cell. */
		json_object_set(j, "server_metrics", r->server.summary);
		json_object_set_new(j, "server", json_pack("{s:s,s:s,s:f}",
			"started", r->server.started ? r->server.started : "",
			"finished", r->server.finished ? r->server.finished : "",
			"elapsed_s", elapsed_s(&r->server)));
	}
	if (rename_rep_file(r, p->tsv_tmp, layout_rep_file(LAYOUT_METRICS_TSV)) < 0 ||
	    rename_rep_file(r, p->log_tmp, layout_rep_file(LAYOUT_LOG)) < 0) {
		json_decref(j);
		return -1;
	}
	server_outputs(r);
	ret = write_json(r, layout_rep_file(LAYOUT_METRICS_JSON), j);
	json_decref(j);
	unlink_rep_file(r, layout_rep_file(LAYOUT_FAILED));
	unlink_rep_file(r, "log.failed");
	return ret;
}
