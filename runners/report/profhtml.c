/* profhtml.c: the CPU profiles of report.html; see profhtml.h. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/files.h"
#include "base/util.h"
#include "runners/report/flame.h"
#include "runners/report/profhtml.h"
#include "runners/report/profile.h"

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Cell id's profile, quietly: 0 when there is a readable profile.json
 * (which may say the profile is unavailable), -1 when there is none. */
static int
load_quiet(struct cell_profile *p, const char *id)
{
	char *path = profile_path(NULL, id);
	json_t *o = path ? json_load_path(path, 1) : NULL;
	int rc = o ? profile_from_json(p, o, path) : -1;

	json_decref(o);
	free(path);
	return rc;
}

static json_t *
profile_summary(const struct cell_profile *p)
{
	char *text = profile_text(p);
	json_t *o = json_pack("{s:s, s:s}", "text", text, "event", p->event);

	if (p->unavailable)
		json_object_set_new(o, "unavailable", json_string(p->unavailable));
	free(text);
	return o;
}

/* The cell a profiled cell c is compared with: its baseline cell when that
 * is profiled, else its benchmark's first profiled cell; NULL for itself. */
static const char *
reference_of(json_t *c, json_t *cells, json_t *ok)
{
	const char *id = str(c, "id"), *bl = str(c, "baseline_cell");
	json_t *o;
	size_t i;

	if (*bl && strcmp(bl, id) != 0 && json_object_get(ok, bl))
		return bl;
	json_array_foreach(cells, i, o) {
		const char *oid = str(o, "id");

		if (strcmp(str(o, "benchmark"), str(c, "benchmark")) != 0 || !json_object_get(ok, oid))
			continue;
		return strcmp(oid, id) != 0 ? oid : NULL;
	}
	return NULL;
}

static void
attach_diff(json_t *c, const char *ref)
{
	struct cell_profile a, b;
	struct profile_change *ch;
	size_t n;

	if (load_quiet(&a, ref) < 0)
		return;
	if (load_quiet(&b, str(c, "id")) < 0) {
		profile_release(&a);
		return;
	}
	n = profile_diff(&a, &b, &ch);
	json_object_set_new(c, "profile_diff", json_pack("{s:s, s:o}", "against", ref, "functions",
		profile_diff_json(ch, n < PROFHTML_TOP ? n : PROFHTML_TOP)));
	free(ch);
	profile_release(&a);
	profile_release(&b);
}

void
profhtml_attach(json_t *cells)
{
	json_t *ok = json_object(), *c;
	size_t i;

	json_array_foreach(cells, i, c) {
		struct cell_profile p;

		if (load_quiet(&p, str(c, "id")) < 0)
			continue;
		json_object_set_new(c, "profile", profile_summary(&p));
		if (!p.unavailable)
			json_object_set_new(ok, str(c, "id"), json_true());
		profile_release(&p);
	}
	json_array_foreach(cells, i, c) {
		const char *ref;

		if (!json_object_get(ok, str(c, "id")))
			continue;
		ref = reference_of(c, cells, ok);
		if (ref)
			attach_diff(c, ref);
	}
	json_decref(ok);
}

/* The flame graph of cell id from its profile.folded, or a line saying why
 * there is none. */
static void
cell_flame(struct buf *html, const char *id)
{
	char *path = profile_file(NULL, id, PROFILE_FOLDED), *text = NULL, *svgid;
	struct flame_node root;

	svgid = xasprintf("flame-%s", id);
	if (!path_exists(path) || read_file(path, &text, NULL) < 0) {
		buf_puts(html, "<p class=\"sub\">No " PROFILE_FOLDED ": no flame graph.</p>\n");
	} else if (flame_parse(&root, text, path) < 0) {
		buf_puts(html, "<p class=\"sub\">");
		buf_put_html(html, error_last());
		buf_puts(html, "</p>\n");
	} else {
		flame_svg(html, &root, svgid);
		flame_release(&root);
	}
	free(svgid);
	free(text);
	free(path);
}

static const char legend[] =
	"<p class=\"flame-legend\">Frames by DSO: <span class=\"f kernel\">kernel</span> "
	"<span class=\"f glibc\">glibc</span> <span class=\"f musl\">musl</span> "
	"<span class=\"f other\">the program and other libraries</span> "
	"<span class=\"f unknown\">unresolved</span>. The root is at the bottom; a frame is "
	"as wide as its share of the cell's samples; frames below %.1f%% are left out, and a run of the same unresolved "
	"frame is drawn as one. "
	"Search: <input type=\"search\" id=\"flame-search\" placeholder=\"function or DSO\"> "
	"<span id=\"flame-matched\"></span></p>\n";

void
profhtml_section(struct buf *html, json_t *cells)
{
	json_t *c, *p;
	size_t i;
	int any = 0;

	json_array_foreach(cells, i, c) {
		if (!(p = json_object_get(c, "profile")))
			continue;
		if (!any++) {
			buf_puts(html, "<section id=\"profiles\">\n<h2>CPU profiles</h2>\n");
			buf_printf(html, legend, FLAME_MIN_SHARE * 100);
		}
		buf_puts(html, "<div class=\"profile\" data-cell=\"");
		buf_put_html(html, str(c, "id"));
		buf_puts(html, "\">\n<h3>");
		buf_put_html(html, str(c, "id"));
		buf_puts(html, "</h3>\n<p>profile: ");
		buf_put_html(html, str(p, "text"));
		if (!json_object_get(p, "unavailable")) {
			buf_puts(html, " (");
			buf_put_html(html, str(p, "event"));
			buf_puts(html, ")</p>\n");
			cell_flame(html, str(c, "id"));
		} else {
			buf_puts(html, "</p>\n");
		}
		buf_puts(html, "</div>\n");
	}
	if (any)
		buf_puts(html, "</section>\n");
}
