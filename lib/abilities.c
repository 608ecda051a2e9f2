/*
 * Admin abilities: see abilities.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "abilities.h"
#include "bearer.h"
#include "http.h"
#include "user.h"
#include "yamlfile.h"

static json_object	*perms;		/* admin_permissions, or NULL */

int
abilities_load(const char *path, char *err, size_t errlen)
{
	json_object	*doc, *p;

	if ((doc = yaml_load_file(path, err, errlen)) == NULL)
		return -1;
	if (!json_object_object_get_ex(doc, "admin_permissions", &p) ||
	    !json_object_is_type(p, json_type_object)) {
		snprintf(err, errlen, "%s: no admin_permissions mapping", path);
		json_object_put(doc);
		return -1;
	}
	json_object_put(perms);
	perms = json_object_get(p);
	json_object_put(doc);
	return 0;
}

static int
list_has(json_object *list, const char *subject)
{
	size_t		 i, n;
	const char	*s;

	if (!json_object_is_type(list, json_type_array))
		return 0;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(list, i));
		if (s != NULL && (strcmp(s, subject) == 0 ||
		    strcmp(s, "all") == 0))
			return 1;
	}
	return 0;
}

int
abilities_can(const char *role, const char *action, const char *subject)
{
	json_object	*r, *l;

	if (perms == NULL || role == NULL ||
	    !json_object_object_get_ex(perms, role, &r) ||
	    !json_object_is_type(r, json_type_object))
		return 0;
	if (json_object_object_get_ex(r, "manage", &l) && list_has(l, subject))
		return 1;
	return json_object_object_get_ex(r, action, &l) &&
	    list_has(l, subject);
}

json_object *
abilities_json(const char *role)
{
	json_object	*r;

	if (perms != NULL && role != NULL &&
	    json_object_object_get_ex(perms, role, &r) &&
	    json_object_is_type(r, json_type_object))
		return json_object_get(r);
	return json_object_new_object();
}

int
abilities_require(struct req *r, const char *action, const char *subject)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	if (!abilities_can(u->role, action, subject))
		return err_set(r, 401, "admin.ability.not_permitted",
		    "%s may not %s %s", u->role, action, subject);
	return 0;
}
