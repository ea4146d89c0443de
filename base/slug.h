/* slug.h: slugs, the only names jockey puts in paths, ids and build.ninja:
 * bytes of [a-z0-9._-]. */
#ifndef JOCKEY_SLUG_H
#define JOCKEY_SLUG_H

/* s as a slug: lowercase, every byte outside [a-z0-9._-] becomes '-'
 * (whatever the locale). Fresh. */
char *slug_make(const char *s);
/* 1 when s is a slug that can be one path component: not empty, not "."
 * nor "..". */
int slug_ok(const char *s);

#endif
