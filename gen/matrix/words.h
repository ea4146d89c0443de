/* words.h: the words of the loader's messages: "did you mean" and lists. */
#ifndef JOCKEY_MATRIX_WORDS_H
#define JOCKEY_MATRIX_WORDS_H

/* The closest of the NULL-terminated words to s, when close enough to be a
 * likely typo (an edit distance of 1 for short words, else 2), else NULL. */
const char *words_suggest(const char *s, const char *const *words);
/* The NULL-terminated words joined with ", ", the last two with last_sep
 * ("a, b or c"). Fresh. */
char *words_join(const char *const *words, const char *last_sep);

#endif
