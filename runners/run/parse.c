/* parse.c: turn a benchmark's log into metrics with one parser: a built-in
 * (parse_builtin.c), a user's regex (PCRE2) or a user's command; see
 * parse.h. Nothing here prints: in this file -1 with *failure set means
 * that the parser failed, which is the repetition's failure (outcome.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/run/metric.h"
#include "runners/run/parse.h"
#include "runners/run/parse_builtin.h"
#include "runners/run/tool_error.h"

/* --- regex ----------------------------------------------------------------------- */

/* The factor that turns unit u into its family's base (s or bytes), with
 * the family in *fam; 0 when u is not a known time or size unit. */
static double
unit_factor(const char *u, size_t n, int *fam)
{
	static const struct { const char *u; int fam; double f; } t[] = {
		{ "ns", 1, 1e-9 }, { "us", 1, 1e-6 }, { "\xc2\xb5s", 1, 1e-6 }, { "ms", 1, 1e-3 },
		{ "s", 1, 1 }, { "sec", 1, 1 }, { "min", 1, 60 }, { "h", 1, 3600 },
		{ "B", 2, 1 }, { "bytes", 2, 1 }, { "KB", 2, 1e3 }, { "MB", 2, 1e6 }, { "GB", 2, 1e9 },
		{ "KiB", 2, 1024.0 }, { "MiB", 2, 1048576.0 }, { "GiB", 2, 1073741824.0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i].u) == n && strncmp(t[i].u, u, n) == 0)
			return *fam = t[i].fam, t[i].f;
	return *fam = 0, 0;
}

/* The number in text (len bytes): "12.5", "12.5 ms", "3MiB". When text has
 * a time or size suffix and the metric's unit is of the same family, the
 * value is converted to the metric's unit; any other suffix is ignored. */
static int
regex_value(const char *text, size_t len, const char *unit, double *v)
{
	char buf[128];
	const char *suffix;
	double fs, fu;
	int fams, famu;
	size_t n;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (metric_number(buf, v, &suffix) < 0)
		return -1;
	while (*suffix == ' ')
		suffix++;
	n = strcspn(suffix, " \t/");
	if (!unit || n == 0)
		return 0;
	fs = unit_factor(suffix, n, &fams);
	fu = unit_factor(unit, strlen(unit), &famu);
	if (fams && fams == famu)
		*v = *v * fs / fu;
	return 0;
}

static int
parse_regex(const json_t *p, const char *log, size_t len, json_t *out, char **failure)
{
	const char *pattern = json_string_value(json_object_get(p, "pattern"));
	const char *metric = json_string_value(json_object_get(p, "metric"));
	const char *unit = json_string_value(json_object_get(p, "unit"));
	const char *better = json_string_value(json_object_get(p, "better"));
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff, start = 0, *ov, vs = 0, ve = 0;
	pcre2_match_data *md;
	pcre2_code *re;
	int err, rc, group, found = 0;
	uint32_t ncap;

	if (!pattern || !metric)
		return *failure = xstrdup("regex parser needs 'pattern' and 'metric'"), -1;
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE, &err, &erroff, NULL);
	if (!re) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		*failure = xasprintf("regex '%s' at offset %zu: %s", pattern, (size_t)erroff, (char *)msg);
		return -1;
	}
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	/* the value: the group named "value", else the first group, else the match */
	group = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "value");
	if (group < 0)
		group = ncap > 0 ? 1 : 0;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	/* every match; the last one counts */
	while (start <= len &&
	       (rc = pcre2_match(re, (PCRE2_SPTR)log, len, start, 0, md, NULL)) > 0) {
		ov = pcre2_get_ovector_pointer(md);
		if (group < rc && ov[2 * group] != PCRE2_UNSET)
			vs = ov[2 * group], ve = ov[2 * group + 1], found = 1;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (found) {
		double v;
		if (regex_value(log + vs, ve - vs, unit, &v) < 0) {
			*failure = xasprintf("regex '%s' matched '%.*s', which is not a number", pattern,
			                     (int)(ve - vs > 60 ? 60 : ve - vs), log + vs);
			return -1;
		}
		metric_add(out, metric, v, unit, better && strcmp(better, "lower") == 0 ? "lower" : "higher");
		return 1;
	}
	return 0;
}

/* --- command ------------------------------------------------------------------- */

/* Run argv + log_path with stdout into out; the exit status or -1. */
static int
command_output(const json_t *cmd, const char *log_path, struct buf *out, char **failure)
{
	size_t n = json_array_size(cmd), i;
	char **argv = xcalloc(n + 2, sizeof(*argv)), chunk[4096];
	int fd[2], status;
	ssize_t got;
	pid_t pid;

	for (i = 0; i < n; i++)
		argv[i] = (char *)json_string_value(json_array_get(cmd, i));
	argv[n] = (char *)log_path;
	if (pipe(fd) < 0) {
		free(argv);
		return *failure = xasprintf("cannot make a pipe: %s", strerror(errno)), -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]), close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run '%s': %s\n", progname, argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	free(argv);
	if (pid < 0) {
		close(fd[0]);
		return *failure = xasprintf("cannot fork: %s", strerror(errno)), -1;
	}
	while ((got = read(fd[0], chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		buf_add(out, chunk, got);
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* One metric from a command's JSON; 0 or -1 with *failure. */
static int
command_metric(json_t *out, const char *name, json_t *value, json_t *unit, json_t *better,
               const char *cmdname, char **failure)
{
	char slug[128];

	metric_slug(slug, sizeof(slug), name ? name : "");
	if (!name || !*slug || strcmp(slug, name) != 0)
		return *failure = xasprintf("parser command '%s' printed an invalid metric name '%s' "
		                            "(want [a-z0-9_])", cmdname, name ? name : "(none)"), -1;
	if (!json_is_number(value))
		return *failure = xasprintf("parser command '%s' printed a metric '%s' whose value is not a number",
		                            cmdname, name), -1;
	metric_add(out, name, json_number_value(value), json_string_value(unit),
	           json_is_string(better) && strcmp(json_string_value(better), "lower") == 0 ? "lower" : "higher");
	return 0;
}

static int
parse_command(const json_t *p, const char *log_path, json_t *out, char **failure)
{
	const json_t *cmd = json_object_get(p, "command");
	const char *cmdname = json_string_value(json_array_get(cmd, 0));
	struct buf o = BUF_INIT;
	json_error_t err;
	json_t *root = NULL, *list, *m, *v;
	const char *k;
	size_t i;
	int rc, n = 0;

	if (!cmdname)
		return *failure = xstrdup("command parser needs a non-empty 'command' list"), -1;
	rc = command_output(cmd, log_path, &o, failure);
	if (rc != 0) {
		if (rc > 0)
			*failure = xasprintf("parser command '%s' exited with status %d", cmdname, rc);
		rc = -1;
		goto out;
	}
	root = json_loadb(o.data, o.len, 0, &err);
	if (!json_is_object(root)) {
		*failure = xasprintf("parser command '%s' printed no JSON object: %s", cmdname,
		                     root ? "not an object" : err.text);
		rc = -1;
		goto out;
	}
	/* {"metrics": [{name, value, unit, better}]} or {"name": value, ...} */
	if ((list = json_object_get(root, "metrics")) && json_is_array(list)) {
		json_array_foreach(list, i, m) {
			if ((rc = command_metric(out, json_string_value(json_object_get(m, "name")),
			                         json_object_get(m, "value"), json_object_get(m, "unit"),
			                         json_object_get(m, "better"), cmdname, failure)) < 0)
				goto out;
			n++;
		}
	} else {
		json_object_foreach(root, k, v) {
			if ((rc = command_metric(out, k, v, NULL, NULL, cmdname, failure)) < 0)
				goto out;
			n++;
		}
	}
	rc = n;
out:
	json_decref(root);
	buf_release(&o);
	return rc;
}

/* --- one parser ------------------------------------------------------------------ */

int
parse_run(const json_t *parser, const char *log, size_t len, const char *log_path,
          json_t *out, char **failure)
{
	const char *kind = json_string_value(json_object_get(parser, "kind"));
	const char *label;
	int n;

	*failure = NULL;
	if (!kind)
		return *failure = xstrdup("a parser in the parsers file has no 'kind'"), 0;
	if (strcmp(kind, "builtin") == 0) {
		label = json_string_value(json_object_get(parser, "name"));
		if (!label || !parse_builtin_exists(label))
			return *failure = xasprintf("unknown built-in parser '%s'", label ? label : "(none)"), 0;
		n = parse_builtin_run(label, log, out);
	} else if (strcmp(kind, "regex") == 0) {
		label = json_string_value(json_object_get(parser, "metric"));
		n = parse_regex(parser, log, len, out, failure);
	} else if (strcmp(kind, "command") == 0) {
		label = json_string_value(json_array_get(json_object_get(parser, "command"), 0));
		n = parse_command(parser, log_path, out, failure);
	} else {
		return *failure = xasprintf("unknown parser kind '%s'", kind), 0;
	}
	if (n < 0)
		return 0;
	if (n == 0) {
		/* the tool's own words, when it wrote its error where its parser looks */
		char *said = strcmp(kind, "builtin") == 0 ? tool_error(label, log, len) : NULL;

		*failure = xasprintf("parser '%s' found no metric in %s%s%s%s%s%s", label ? label : kind, log_path,
				     said ? "; " : "", said ? label : "", said ? " said: '" : "", said ? said : "",
				     said ? "'" : "");
		free(said);
	}
	return n;
}
