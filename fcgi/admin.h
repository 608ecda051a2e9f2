/*
 * barong-admin: the operators' API (admin-api.md), one source file per
 * part, each with its own route table.  Every route needs the bearer JWT
 * (lib/bearer.c); handlers check abilities with abilities_require().
 */
#ifndef BARONG_FCGI_ADMIN_H
#define BARONG_FCGI_ADMIN_H

#include "router.h"

/* Error-code prefixes (admin-api.md §2.1): admin.<class>. */
#define ADM_USER	"admin.user"
#define ADM_APIKEY	"admin.apikey"
#define ADM_PERMISSION	"admin.permission"
#define ADM_ACTIVITY	"admin.activity"
#define ADM_RESTRICTION	"admin.restriction"
#define ADM_PROFILE	"admin.profile"
#define ADM_METRIC	"admin.metric"
#define ADM_LEVEL	"admin.level"
#define ADM_ABILITY	"admin.ability"

extern const struct route_part admin_users;	/* users, labels, comments,
						   data storage, documents */
extern const struct route_part admin_authz;	/* permissions, restrictions,
						   whitelink */
extern const struct route_part admin_misc;	/* abilities, api_keys,
						   profiles, levels, metrics,
						   activities */

#endif
