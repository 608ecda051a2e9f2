/*
 * barong-resource: the users part (user-api.md §5.1-5.6, 5.13): the user
 * himself, his password, his activity, his labels, data storage and the
 * Swagger documents.
 */
#include "config.h"

#include <stddef.h>

#include "bearer.h"
#include "http.h"
#include "resource.h"
#include "user.h"

/* GET /users/me: 200 UserWithFullInfo (no csrf_token). */
static int
users_me(struct req *r)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	return http_reply_json(r, 200, user_json_full(r->a, u, NULL));
}

static const struct route routes[] = {
	{ "GET", "/users/me", users_me, NULL, RES_USER, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_users = { routes, NULL };
