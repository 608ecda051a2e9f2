/*
 * Barong's barong.yml (data-model.md §5.4): activation requirements, state
 * triggers, document types, storage titles, captcha-protected endpoints and
 * profile verification roles.  Read once at start-up; absent keys take
 * Barong's defaults.
 */
#ifndef BARONG_BARONGYML_H
#define BARONG_BARONGYML_H

#include <stddef.h>

struct strlist {
	const char	**v;
	size_t		  n;
};

struct barong_yml {
	struct strlist	activation_keys;	/* with activation_values */
	struct strlist	activation_values;
	struct strlist	trigger_states;		/* one entry per trigger key */
	struct strlist	trigger_keys;
	struct strlist	document_types;
	struct strlist	storage_titles;
	struct strlist	captcha_endpoints;
	struct strlist	profile_verification_roles;
};

extern struct barong_yml byml;

/* Load path (NULL or "": defaults only).  0, or -1 with err set. */
int	barongyml_load(const char *path, char *err, size_t errlen);
int	strlist_has(const struct strlist *, const char *);
/* PostgreSQL array literal of the list, e.g. {"email"} (malloc'd once). */
const char *strlist_pg_array(const struct strlist *);

#endif
