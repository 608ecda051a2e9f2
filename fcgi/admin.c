/*
 * barong-admin: the operators' API (admin-api.md).  This file starts the
 * process and joins the route tables of the parts (fcgi/admin_*.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "abilities.h"
#include "admin.h"
#include "barongyml.h"
#include "bearer.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "jwt.h"
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
	size_t	i;

	if (barongyml_load(cfg.barong_yml, err, sizeof(err)) == -1) {
		log_err("barong_yml: %s", err);
		return -1;
	}
	if (abilities_load(cfg.abilities_file, err, sizeof(err)) == -1) {
		log_err("abilities_file: %s", err);
		return -1;
	}
	if (jwt_keys_load(*cfg.jwt_public_key ? NULL : cfg.jwt_private_key,
	    *cfg.jwt_public_key ? cfg.jwt_public_key : NULL, err,
	    sizeof(err)) == -1) {
		log_err("jwt keys: %s", err);
		return -1;
	}
	if (*cfg.master_key_file != '\0' &&
	    crypto_keyring_load(cfg.master_key_file, err, sizeof(err)) == -1) {
		log_err("master_key_file: %s", err);
		return -1;
	}
	if (bearer_start() == -1 || clientip_start() == -1)
		return -1;
	for (i = 0; i < NPARTS; i++)
		if (parts[i]->start != NULL && parts[i]->start() == -1)
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
	if ((app.routes = router_join(parts, NPARTS)) == NULL) {
		fprintf(stderr, "barong-admin: out of memory\n");
		return 1;
	}
	return server_main(&app, argc, argv);
}
