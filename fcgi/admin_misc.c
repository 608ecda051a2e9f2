/*
 * barong-admin: the misc part (admin-api.md).
 */
#include "config.h"

#include <stddef.h>

#include "admin.h"

/* XXX empty until this part lands (issue 6). */
static const struct route routes[] = {
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part admin_misc = { routes, NULL };
