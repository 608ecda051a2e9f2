/*
 * The bearer JWT of the resource and admin families (user-api.md §1.6,
 * admin-api.md §1.2): the token barong-authorize signed for this request,
 * read from "Authorization: Bearer <jwt>" or, behind a FastCGI authorizer
 * (lighttpd, Apache mod_authnz_fcgi), from the parameter
 * BARONG_AUTHORIZATION that the authorizer's Variable- header set.
 *
 * Checks: the configured algorithm only (jwt.c pins it), exp, nbf, iat,
 * jti, sub "session", iss == jwt_issuer and aud containing jwt_audience
 * when those keys are non-empty, and a "uid" claim.  Any failure is 401
 * jwt.decode_and_verify.
 */
#ifndef BARONG_BEARER_H
#define BARONG_BEARER_H

struct req;
struct user;

/* Load the JWT public key and the expected iss/aud from the configuration;
 * call once at start.  0, or -1 logged. */
int	bearer_start(void);
/* struct app.authenticate: fills r->auth_claims and r->auth_uid. */
int	bearer_authenticate(struct req *);
/*
 * The users row of the token's uid, loaded once per request: 0 with *out,
 * or -1 with r->err (404 record.not_found for an unknown uid, including
 * a service account's; 500 on a database failure).
 */
int	bearer_user(struct req *, struct user **out);

#endif
