/*
 * The bearer JWT of the resource and admin families: see bearer.h.
 */
#include "config.h"

#include <string.h>

#include "bearer.h"
#include "conf.h"
#include "http.h"
#include "jwt.h"
#include "log.h"
#include "user.h"

int
bearer_start(void)
{
	char	err[512];

	/* Only the public key is needed; jwt.c derives it from the private
	 * one when jwt_public_key is not set. */
	if (jwt_keys_load(*cfg.jwt_public_key ? NULL : cfg.jwt_private_key,
	    *cfg.jwt_public_key ? cfg.jwt_public_key : NULL, err,
	    sizeof(err)) == -1) {
		log_err("jwt keys: %s", err);
		return -1;
	}
	if (jwt_set_expected(cfg.jwt_issuer, cfg.jwt_audience) == -1) {
		log_err("jwt_issuer/jwt_audience: out of memory or too many "
		    "audiences");
		return -1;
	}
	return 0;
}

int
bearer_authenticate(struct req *r)
{
	const char	*h, *token;
	json_object	*claims, *uid;

	/*
	 * A FastCGI authorizer's variable wins: behind lighttpd the client's
	 * own Authorization header is dropped, but a web server that forgot
	 * to must not let the client choose the token.
	 */
	if ((h = http_env(r, "BARONG_AUTHORIZATION")) == NULL || *h == '\0')
		h = http_header(r, "Authorization");
	token = jwt_bearer_token(r->a, h);
	if (token == NULL || jwt_verify_bearer(r->a, token, &claims) == -1)
		return err_set(r, 401, "jwt.decode_and_verify",
		    "bearer token missing or refused");
	if (!json_object_object_get_ex(claims, "uid", &uid) ||
	    !json_object_is_type(uid, json_type_string))
		return err_set(r, 401, "jwt.decode_and_verify",
		    "bearer token without a string uid");
	r->auth_claims = claims;
	r->auth_uid = json_object_get_string(uid);
	return 0;
}

int
bearer_user(struct req *r, struct user **out)
{
	int	rc;

	if (r->auth_user != NULL) {
		*out = r->auth_user;
		return 0;
	}
	if (r->auth_uid == NULL)
		return err_set(r, 401, "jwt.decode_and_verify",
		    "no bearer token checked");
	rc = user_find_by_uid(r->a, r->auth_uid, &r->auth_user);
	if (rc == -1)
		return err_internal(r, "user lookup failed");
	if (rc == 1)
		return err_set(r, 404, "record.not_found",
		    "no user for the token's uid");
	*out = r->auth_user;
	return 0;
}
