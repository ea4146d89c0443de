/* path.h: file paths made absolute and clean, lexically: "." and ".."
 * resolved by the text alone (a symlink is not followed), no "//", no
 * trailing '/'. */
#ifndef JOCKEY_PATH_H
#define JOCKEY_PATH_H

/* path against the absolute folder dir (path itself when it is absolute),
 * cleaned. Fresh. */
char *path_clean(const char *dir, const char *path);
/* path against the current folder, cleaned. Fresh. */
char *path_absolute(const char *path);
/* path as seen from the folder dir, both absolute and clean: "../x/y",
 * "." when they are the same. Fresh. */
char *path_relative(const char *dir, const char *path);

#endif
