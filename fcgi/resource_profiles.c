/*
 * barong-resource: the profiles part (user-api.md §5).
 */
#include "config.h"

#include <stddef.h>

#include "resource.h"

/* XXX empty until this part lands (issue 5). */
static const struct route routes[] = {
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_profiles = { routes, NULL };
