/*
 * Admin abilities (admin-api.md §3): Barong's abilities.yml, key
 * admin_permissions, role -> { action -> [subject...] }, read once at
 * start.  "manage" implies every action and the subject "all" every
 * subject.  A role absent from the file has no ability.
 */
#ifndef BARONG_ABILITIES_H
#define BARONG_ABILITIES_H

#include <stddef.h>
#include <json-c/json.h>

struct req;

/* Load path; 0, or -1 with err set. */
int		 abilities_load(const char *path, char *err, size_t errlen);
/* Whether role may do action ("read", "create", ...) on subject ("User"). */
int		 abilities_can(const char *role, const char *action,
		    const char *subject);
/* The role's admin_permissions entry, verbatim (a new reference); {}. */
json_object	*abilities_json(const char *role);
/*
 * The admin endpoints' check: the current user (bearer_user, so 401/404
 * as there) must have the ability, else 401 admin.ability.not_permitted.
 * 0, or -1 with r->err set.
 */
int		 abilities_require(struct req *, const char *action,
		    const char *subject);

#endif
