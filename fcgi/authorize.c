/*
 * barong-authorize: the authorize step in front of every protected
 * request (authz.md; Barong's /api/v2/auth/ endpoints).  Not a route
 * table: every method and every path goes to authz_dispatch()
 * (lib/authz.c), in the FastCGI responder role (nginx auth_request) and
 * the authorizer role (lighttpd mode "authorizer", Apache
 * mod_authnz_fcgi) alike.
 */
#include "config.h"

#include <stdio.h>

#include "authz.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "geoip.h"
#include "jwt.h"
#include "log.h"
#include "server.h"

/*
 * Configuration, keys, the rules file, client address and GeoIP.  The
 * database is opened lazily: the permissions and restrictions are read
 * and LISTEN barong_authz is issued by each process on its first request
 * (after a --workers prefork, every worker needs its own connection).
 */
static int
start(void)
{
	char	err[512];

	if (*cfg.jwt_private_key == '\0') {
		log_err("jwt_private_key: not set (barong-authorize signs "
		    "the JWT it hands upstream)");
		return -1;
	}
	if (jwt_keys_load(cfg.jwt_private_key, *cfg.jwt_public_key ?
	    cfg.jwt_public_key : NULL, err, sizeof(err)) == -1) {
		log_err("jwt keys: %s", err);
		return -1;
	}
	if (*cfg.master_key_file == '\0')
		log_warn("master_key_file: not set; requests signed with API "
		    "keys will fail");
	else if (crypto_keyring_load(cfg.master_key_file, err,
	    sizeof(err)) == -1) {
		log_err("master_key_file: %s", err);
		return -1;
	}
	if (authz_start() == -1 || clientip_start() == -1 ||
	    geoip_open(cfg.maxminddb_path) == -1)
		return -1;
	return db_open(cfg.db_conninfo);
}

static const struct app app = {
	.prog = "barong-authorize",
	.family = "authorize",
	.routes = NULL,
	.start = start,
	.dispatch = authz_dispatch,
};

int
main(int argc, char **argv)
{
	return server_main(&app, argc, argv);
}
