/* words.c: "did you mean" (Levenshtein distance over short words) and word
 * lists, for the loader's messages (see words.h). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/matrix/words.h"

static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, ret;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j], best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	ret = row[lb];
	free(row);
	return ret;
}

const char *
words_suggest(const char *s, const char *const *words)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, limit = strlen(s) < 4 ? 1 : 2;

	for (; *words; words++) {
		size_t d = edit_distance(s, *words);

		if (d < bestd) {
			bestd = d;
			best = *words;
		}
	}
	return bestd <= limit ? best : NULL;
}

char *
words_join(const char *const *words, const char *last_sep)
{
	struct buf b = BUF_INIT;
	size_t i, n;

	for (n = 0; words[n]; n++)
		;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, i + 1 == n ? last_sep : ", ");
		buf_puts(&b, words[i]);
	}
	return buf_detach(&b, NULL);
}
