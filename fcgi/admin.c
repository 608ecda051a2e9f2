/*
 * barong-admin: the operators' API (admin-api.md).  This file starts the
 * process and joins the route tables of the parts (fcgi/admin_*.c).
 */
#include "config.h"

#include "abilities.h"
#include "admin.h"
#include "barongyml.h"
#include "bearer.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "server.h"

static const struct route_part *const parts[] = {
	&admin_users,
	&admin_authz,
	&admin_misc,
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
	if (abilities_load(cfg.abilities_file, err, sizeof(err)) == -1) {
		log_err("abilities_file: %s", err);
		return -1;
	}
	if (crypto_keyring_start(cfg.master_key_file) == -1 ||
	    bearer_start() == -1 || clientip_start() == -1)
		return -1;
	if (router_parts_start(parts, NPARTS) == -1)
		return -1;
	return db_open(cfg.db_conninfo);
}

static struct app app = {
	.prog = "barong-admin",
	.family = "admin",
	.start = start,
	.authenticate = bearer_authenticate,
};

int
main(int argc, char **argv)
{
	return server_main_parts(&app, parts, NPARTS, argc, argv);
}
