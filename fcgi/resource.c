/*
 * barong-resource: the signed-in user's API (user-api.md §5).  This file
 * starts the process and joins the route tables of the parts
 * (fcgi/resource_*.c).
 */
#include "config.h"

#include "barongyml.h"
#include "bearer.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "geoip.h"
#include "log.h"
#include "resource.h"
#include "server.h"

static const struct route_part *const parts[] = {
	&resource_users,
	&resource_profiles,
	&resource_phones,
	&resource_documents,
	&resource_otp,
	&resource_apikeys,
};
#define NPARTS	(sizeof(parts) / sizeof(parts[0]))

static int
start(void)
{
	char	err[512];

	if (barongyml_load(cfg.barong_yml, err, sizeof(err)) == -1) {
		log_err("barong_yml: %s", err);
		return -1;
	}
	if (crypto_keyring_start(cfg.master_key_file) == -1 ||
	    bearer_start() == -1 || clientip_start() == -1 ||
	    geoip_open(cfg.maxminddb_path) == -1)
		return -1;
	if (router_parts_start(parts, NPARTS) == -1)
		return -1;
	return db_open(cfg.db_conninfo);
}

static struct app app = {
	.prog = "barong-resource",
	.family = "resource",
	.start = start,
	.authenticate = bearer_authenticate,
};

int
main(int argc, char **argv)
{
	return server_main_parts(&app, parts, NPARTS, argc, argv);
}
