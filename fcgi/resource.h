/*
 * barong-resource: the signed-in user's API (user-api.md §5), one source
 * file per part, each with its own route table.  Every route but the
 * swagger ones needs the bearer JWT (lib/bearer.c); handlers get the user
 * with bearer_user().
 */
#ifndef BARONG_FCGI_RESOURCE_H
#define BARONG_FCGI_RESOURCE_H

#include "router.h"

/* Error-code prefixes (user-api.md §1.4). */
#define RES_USER	"resource.user"
#define RES_APIKEY	"resource.apikey"
#define RES_OTP		"resource.otp"
#define RES_PHONE	"resource.phone"
#define RES_DOCUMENT	"resource.document"
#define RES_ADDRESS	"resource.address"
#define RES_PROFILE	"resource.profile"
#define RES_LABEL	"resource.label"
#define RES_STORAGE	"resource.datastorage"
#define RES_SERVICE	"resource.serviceaccount"

extern const struct route_part resource_users;		/* users, labels,
							   data_storage,
							   swagger_doc */
extern const struct route_part resource_profiles;
extern const struct route_part resource_phones;
extern const struct route_part resource_documents;	/* and addresses */
extern const struct route_part resource_otp;
extern const struct route_part resource_apikeys;	/* and service
							   accounts */

#endif
