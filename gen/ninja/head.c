/* head.c: the head of build.ninja: variables, pools, rules and the
 * regeneration edge (see writer.h). Every rule runs one command of the
 * command table (runners/commands.c) with paths only, and is named after
 * it: COMMAND, or COMMAND.QUALIFIER when the command's fixed arguments differ
 * between rules (run-cell.REP, parse.BENCHMARK), so that rule, command and
 * runners/cmd_COMMAND.c are one hop apart (tests/structure.py checks it). */
#include <stdlib.h>

#include "base/layout.h"
#include "base/util.h"
#include "gen/ninja/writer.h"

static const char *const rule_gen[] = {
	"command", "$jockey gen -o $dir $matrix", "description", "GEN build.ninja",
	"generator", "1", "restat", "1", NULL };
/* A shard regenerates itself as the same shard. */
static const char *const rule_gen_shard[] = {
	"command", "$jockey gen $shard -o $dir $matrix", "description", "GEN build.ninja",
	"generator", "1", "restat", "1", NULL };
static const char *const rule_fetch[] = {
	"command", "$jockey fetch $in", "description", "FETCH", "restat", "1", NULL };
static const char *const rule_probe[] = {
	"command", "$jockey probe $in $out", "description", "PROBE $out", "restat", "1", NULL };
static const char *const rule_build_image[] = {
	"command", "$jockey build-image $in $out", "description", "IMAGE $out", "restat", "1", NULL };
/* One edge writes images/KEY.json of the keys of one recipe: $in is the
 * recipe, then each key's base. */
static const char *const rule_images[] = {
	"command", "$jockey images $in -- $out", "description", "IMAGES $in", "restat", "1", NULL };
/* One edge writes the cell files of an image:tag and a benchmark, for each
 * host: $in is the base's and the benchmark's files, then the hosts'. */
static const char *const rule_cells[] = {
	"command", "$jockey cells $in -- $out", "description", "CELLS $in", "restat", "1", NULL };
static const char *const rule_aggregate[] = {
	"command", "$jockey aggregate .", "description", "AGGREGATE", NULL };

/* With one engine its pool goes on the rules, not on 100,000 edges. */
static const char one_pool[] = "  pool = engine_0\n";

static int
quoted_var(struct buf *b, const char *name, const char *value)
{
	struct buf q = BUF_INIT;
	int r;

	shell_quote(&q, value);
	r = ninja_var(b, 0, name, q.data);
	buf_release(&q);
	return r;
}

/* $jockey, $edge, $matrix, $dir and, for a shard, $shard. */
static int
head_vars(const struct gen *g, struct buf *b)
{
	int r = 0;

	r |= quoted_var(b, "jockey", g->o->jockey);
	r |= quoted_var(b, "edge", g->o->edge ? g->o->edge : g->o->jockey);
	r |= quoted_var(b, "matrix", g->o->matrix);
	r |= quoted_var(b, "dir", g->o->dir);
	if (g->o->shard_count > 0) {
		struct buf v = BUF_INIT;

		buf_printf(&v, "--shard %d/%d", g->o->shard_index, g->o->shard_count);
		if (g->o->durations) {
			buf_puts(&v, " --durations ");
			shell_quote(&v, g->o->durations);
		}
		r |= ninja_var(b, 0, "shard", v.data);
		buf_release(&v);
	}
	return r;
}

/* A pool per engine, its address in a comment above it. */
static int
head_pools(const struct gen *g, struct buf *b)
{
	size_t i;
	int r = 0;

	for (i = 0; i < g->nengines; i++) {
		char *name = xasprintf("engine_%zu", i);

		buf_printf(b, "# %s: ", name);
		r |= ninja_escape_value(b, g->engines[i]);
		buf_putc(b, '\n');
		ninja_pool(b, name, g->m->parallel > 0 ? g->m->parallel : 1);
		free(name);
	}
	return r;
}

/* A profile rule per distinct setting of the profiled cells: the settings
 * are in the command, not in run.json, so that a change of them reruns
 * the profile edges only (ninja reruns an edge whose command changed),
 * never the timed repetitions that read run.json. */
static void
head_profile_rules(const struct gen *g, struct buf *b)
{
	const struct profile **seen = NULL;
	size_t i, j, n = 0;

	for (i = 0; i < g->ncells; i++) {
		const struct profile *p = cell_profile(&g->cells[i]);

		if (!p)
			continue;
		for (j = 0; j < n && !(seen[j]->frequency == p->frequency &&
				       seen[j]->call_graph == p->call_graph && seen[j]->repeat == p->repeat); j++)
			;
		if (j < n)
			continue;
		seen = xreallocarray(seen, n + 1, sizeof(*seen));
		seen[n++] = p;
		buf_printf(b, "rule profile.%s\n  command = $jockey profile $in %d %s %d\n"
			   "  description = PROFILE $in\n", ninja_profile_rule(p), p->frequency,
			   call_graph_name(p->call_graph), p->repeat);
		if (g->nengines == 1)
			buf_puts(b, one_pool);
	}
	free(seen);
}

static void
head_rules(const struct gen *g, struct buf *b)
{
	size_t i;

	ninja_rule(b, "gen", g->o->shard_count > 0 ? rule_gen_shard : rule_gen);
	ninja_rule(b, "fetch", rule_fetch);
	ninja_rule(b, "probe", rule_probe);
	ninja_rule(b, "images", rule_images);
	ninja_rule(b, "build-image", rule_build_image);
	if (g->nengines == 1)
		buf_puts(b, one_pool);
	/* Cell edges share the engine's pool too: with 100,000 cells they would
	 * otherwise run beside the measurements. */
	ninja_rule(b, "cells", rule_cells);
	if (g->nengines == 1)
		buf_puts(b, one_pool);
	/* A run rule per repetition number rather than a "rep" variable on each
	 * edge: ninja makes a scope for every edge that has one, and with
	 * 100,000 cells that is a third of its load time. */
	for (i = 1; i <= (size_t)plan_reps_max(g); i++) {
		buf_printf(b, "rule run-cell.%zu\n  command = $edge run-cell $in %zu\n"
			   "  description = RUN $in %zu\n", i, i, i);
		if (g->nengines == 1)
			buf_puts(b, one_pool);
	}
	/* A parse rule per benchmark names its parsers file and their hash:
	 * a new parser changes the command, and ninja reruns every edge whose
	 * command changed, so the edges need not read the file as an input
	 * (one path fewer per repetition). */
	for (i = 0; i < g->m->nbenchmarks; i++) {
		buf_printf(b, "rule parse.%s\n  command = $edge parse $in ", g->m->benchmarks[i].name);
		layout_put(b, LAYOUT_PARSE_JSON, g->m->benchmarks[i].name);
		buf_printf(b, " # parsers %s\n  description = PARSE $out\n", g->parse_hash[i]);
	}
	head_profile_rules(g, b);
	ninja_rule(b, "aggregate", rule_aggregate);
}

int
ninja_head(const struct gen *g, struct buf *b)
{
	const char *gin[] = { g->o->matrix };
	const char *gimp[2] = { g->o->jockey };
	const char *gout[] = { LAYOUT_BUILD_NINJA, LAYOUT_CELLS_NINJA };
	const char *always[] = { "always" };
	int r = 0;

	buf_puts(b, "# generated by jockey gen; do not edit: edit the matrix instead\n");
	buf_puts(b, "ninja_required_version = 1.7\n");
	r |= head_vars(g, b);
	r |= head_pools(g, b);
	head_rules(g, b);
	buf_putc(b, '\n');
	if (g->o->durations)
		gimp[1] = g->o->durations;
	r |= ninja_edge(b, "gen", gout, 2, gin, 1, gimp, g->o->durations ? 2 : 1, NULL, 0);
	r |= ninja_edge(b, "phony", always, 1, NULL, 0, NULL, 0, NULL, 0);
	return r ? -1 : 0;
}
