/*
 * barong-public: the public family (user-api.md §4), no authentication.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "conf.h"
#include "db.h"
#include "general.h"
#include "http.h"
#include "json.h"
#include "params.h"
#include "server.h"

static const struct db_stmt kyc_callback_insert = {
	"kyc_callback_insert",
	"INSERT INTO kyc_callbacks (provider, payload) VALUES ($1, $2::jsonb)",
	2
};

/* GET /configs/auth0: 200 {"auth0_domain","auth0_client_id"}. */
static int
configs_auth0(struct req *r)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "auth0_domain",
	    json_object_new_string(cfg.auth0_domain));
	json_object_object_add(o, "auth0_client_id",
	    json_object_new_string(cfg.auth0_client_id));
	return http_reply_json(r, 200, o);
}

/*
 * POST /kyc: the KYC provider's callback.  kyc_provider = local: 422, body
 * 422.  kycaid: the callback's parameters are kept in kyc_callbacks for the
 * verification worker: 200, body 200.
 */
static int
kyc_callback(struct req *r)
{
	const char	*params[2];

	if (strcmp(cfg.kyc_provider, "local") == 0)
		return http_reply_status_body(r, 422);
	params[0] = cfg.kyc_provider;
	params[1] = json_dump(r->a, r->input, NULL);
	if (db_exec(r->a, &kyc_callback_insert, params) == NULL)
		return err_internal(r, "could not store the KYC callback");
	return http_reply_status_body(r, 200);
}

static const struct db_stmt health_ready = {
	"health_ready", "SELECT 1", 0
};

/* GET /health/alive: 200, body 200 (the process answers). */
static int
health_alive(struct req *r)
{
	return http_reply_status_body(r, 200);
}

/* GET /health/ready: 200 when the database answers, else 503. */
static int
health_ready_check(struct req *r)
{
	return http_reply_status_body(r,
	    db_exec(r->a, &health_ready, NULL) != NULL ? 200 : 503);
}

#define PREFIX	"public.general"

static const struct route routes[] = {
	{ "GET", "/ping", general_ping, NULL, PREFIX, 0 },
	{ "GET", "/time", general_time, NULL, PREFIX, 0 },
	{ "GET", "/version", general_version, NULL, PREFIX, 0 },
	{ "GET", "/configs", general_configs, NULL, PREFIX, 0 },
	{ "GET", "/configs/auth0", configs_auth0, NULL, PREFIX, 0 },
	{ "POST", "/password/validate", general_password_validate,
	  general_password_params, PREFIX, 0 },
	{ "POST", "/kyc", kyc_callback, NULL, PREFIX, 0 },
	{ "GET", "/health/alive", health_alive, NULL, PREFIX, 0 },
	{ "GET", "/health/ready", health_ready_check, NULL, PREFIX, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static int
start(void)
{
	if (general_start() == -1)
		return -1;
	return db_open(cfg.db_conninfo);
}

static const struct app app = {
	.prog = "barong-public",
	.family = "public",
	.routes = routes,
	.start = start,
};

int
main(int argc, char **argv)
{
	return server_main(&app, argc, argv);
}
