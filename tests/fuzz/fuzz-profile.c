/* fuzz-profile.c: libFuzzer entry for the readers of a cell's profile
 * files, which the run side writes from what perf printed: the first byte
 * picks the file, the rest is its content.
 *
 *   0 profile.folded: flame_parse, then flame_svg of what it read;
 *   1 profile.json: profile_from_json, then profile_diff against a fixed
 *     profile both ways, profile_diff_json and profile_diff_print.
 *
 * A crash, a sanitizer report, a leak or a hang is a bug; so is an SVG that
 * does not end its element, or a diff row whose change is not B - A. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/util.h"
#include "runners/report/flame.h"
#include "runners/report/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] = "{\"repetitions\": 2, \"samples\": 100, \"functions\": ["
	"{\"dso\": \"libc.so.6\", \"symbol\": \"strcmp\", \"self\": 0.4, \"self_interval\": [0.3, 0.5]},"
	"{\"dso\": \"/lib/ld-musl-x86_64.so.1\", \"symbol\": \"memcpy\", \"self\": 0.2}]}";

static void
fuzz_folded(const char *text)
{
	struct flame_node root;
	struct buf svg = BUF_INIT;

	if (flame_parse(&root, text, "profile.folded") < 0)
		return;
	flame_svg(&svg, &root, "flame-x");
	if (svg.len < 7 || strcmp(svg.data + svg.len - 7, "</svg>\n") != 0)
		abort();
	buf_release(&svg);
	flame_release(&root);
}

static void
diff_check(const struct cell_profile *a, const struct cell_profile *b)
{
	struct profile_change *c;
	size_t n = profile_diff(a, b, &c), i;
	json_t *j = profile_diff_json(c, n);
	FILE *null = fopen("/dev/null", "w");

	for (i = 0; i < n; i++)
		if (!(isnan(c[i].delta) || c[i].delta == c[i].b - c[i].a))
			abort();
	if (null) {
		profile_diff_print(null, c, n);
		fclose(null);
	}
	json_decref(j);
	free(c);
}

static void
fuzz_json(const char *text, size_t len)
{
	json_t *o = json_loadb(text, len, 0, NULL), *f = json_loads(fixed, 0, NULL);
	struct cell_profile p, q;
	char *s;

	if (o && profile_from_json(&p, o, "profile.json") == 0) {
		s = profile_text(&p);
		free(s);
		if (profile_from_json(&q, f, "fixed") == 0) {
			diff_check(&p, &q);
			diff_check(&q, &p);
			profile_release(&q);
		}
		profile_release(&p);
	}
	json_decref(o);
	json_decref(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	text = xstrndup((const char *)data + 1, size - 1);
	if (data[0] % 2 == 0)
		fuzz_folded(text);
	else
		fuzz_json(text, strlen(text));
	free(text);
	return 0;
}
