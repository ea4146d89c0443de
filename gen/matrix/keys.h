/* keys.h: the keys of every map in a matrix, one table per kind of map, with
 * what each holds: the one place that says which keys exist. The loader
 * checks keys, ranges and choices against these tables (map_check_keys,
 * value_*_key) and schema.c writes docs/matrix.schema.json from them, so the
 * editor's schema and the validator cannot drift apart. Within gen/matrix/
 * only; other modules see matrix.h. */
#ifndef JOCKEY_MATRIX_KEYS_H
#define JOCKEY_MATRIX_KEYS_H

enum mtype {
	MT_STR,      /* any scalar but null: its text */
	MT_NAME,     /* a slug name: [a-z0-9._-] */
	MT_INT,      /* a whole number in [min, max] */
	MT_NUM,      /* a number above min, at most max */
	MT_BOOL,     /* true or false */
	MT_CHOICE,   /* one of choices */
	MT_DURATION, /* 90s, 5m, 1h30m, 500ms; a bare number counts seconds */
	MT_SIZE,     /* 512m, 2g or bytes */
	MT_STRLIST,  /* a list of strings */
	MT_COMMAND,  /* a list of strings, never split */
	MT_KV,       /* a map of names to strings */
	MT_MAP,      /* a map of the keys in sub */
	MT_MAPLIST,  /* a list of maps of the keys in sub */
	MT_PARSERS,  /* a parser (a built-in name or a map of parser keys) or a list of them */
	MT_VOLUMES,  /* a list of SOURCE:TARGET[:ro] or maps of volume keys */
	MT_ULIMITS,  /* a map of ulimit names to N, SOFT:HARD or {soft, hard} */
	MT_PROFILE,  /* true, false or a map of mkeys_profile */
	MT_OR_MAP,   /* one of choices, or without choices a whole number in [min, max];
	              * or a map of the keys in sub */
};

enum {
	MK_REQUIRED = 1, /* the map needs it */
	MK_MISPLACED = 2, /* known only to say where it goes instead: never valid here */
	MK_NONEMPTY = 4   /* a list that must not be empty */
};

struct mkey {
	const char *name;
	enum mtype type;
	int flags;                    /* MK_* */
	double min, max;              /* MT_INT (inclusive), MT_NUM (min exclusive) */
	const char *const *choices;   /* MT_CHOICE: NULL-terminated */
	const struct mkey *sub;       /* MT_MAP, MT_MAPLIST: its keys */
	const char *doc;              /* one line, for the schema's descriptions */
};

/* Each table ends with an entry whose name is NULL. */
extern const struct mkey mkeys_top[], mkeys_dockerfiles[], mkeys_defaults[], mkeys_image[],
	mkeys_bench[], mkeys_side[], mkeys_ready[], mkeys_parser[], mkeys_host[],
	mkeys_volume[], mkeys_ulimit[], mkeys_selector[], mkeys_baseline[], mkeys_http[],
	mkeys_stop[], mkeys_density[], mkeys_push[], mkeys_lifecycle[], mkeys_profile[], mkeys_order[],
	mkeys_repeat[];
/* The built-in parsers' names and the ulimits' names, NULL-terminated. */
extern const char *const mkeys_builtin_parsers[], *const mkeys_ulimit_names[];

/* Entry name of table t; a missing one is a bug (fatal). */
const struct mkey *mkey(const struct mkey *t, const char *name);
/* The names of table t, a fresh NULL-terminated array (the strings are t's). */
const char **mkey_names(const struct mkey *t);

#endif
