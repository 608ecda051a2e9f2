/*
 * barong-identity: sign-up, e-mail confirmation, password reset, login and
 * logout (user-api.md §3), and the general endpoints under /identity/.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "activity.h"
#include "arena.h"
#include "barongyml.h"
#include "captcha.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "general.h"
#include "geoip.h"
#include "http.h"
#include "json.h"
#include "jwt.h"
#include "labels.h"
#include "log.h"
#include "outbox.h"
#include "params.h"
#include "password.h"
#include "server.h"
#include "session.h"
#include "throttle.h"
#include "totp.h"
#include "user.h"

#define GEN	"identity.general"
#define SESS	"identity.session"
#define USR	"identity.user"

static const struct db_stmt st_superadmin_lock = { "first_user_lock",
	"SELECT pg_advisory_xact_lock(7242460001)", 0 };
static const struct db_stmt st_other_users = { "first_user_others",
	"SELECT EXISTS (SELECT 1 FROM users WHERE id <> $1::bigint)", 1 };
static const struct db_stmt st_jti_use = { "used_token_insert",
	"INSERT INTO used_tokens (jti, expires_at)"
	" VALUES ($1, now() + make_interval(secs => $2::bigint))"
	" ON CONFLICT (jti) DO NOTHING RETURNING jti", 2 };
static const struct db_stmt st_jti_used = { "used_token_check",
	"SELECT 1 FROM used_tokens WHERE jti = $1", 1 };
static const struct db_stmt st_reset_put = { "reset_token_put",
	"INSERT INTO reset_tokens (email, token, expires_at)"
	" VALUES ($1, $2, now() + make_interval(secs => $3::bigint))"
	" ON CONFLICT (email) DO UPDATE SET token = $2,"
	" expires_at = EXCLUDED.expires_at", 3 };
static const struct db_stmt st_reset_get = { "reset_token_get",
	"SELECT token FROM reset_tokens WHERE email = $1 AND expires_at > now()",
	1 };
static const struct db_stmt st_reset_del = { "reset_token_delete",
	"DELETE FROM reset_tokens WHERE email = $1", 1 };
static const struct db_stmt st_whitelink = { "whitelink_valid",
	"SELECT 1 FROM whitelink_tokens WHERE token = $1 AND expires_at > now()",
	1 };
static const struct db_stmt st_whitelist_ip = { "whitelist_ip_insert",
	"INSERT INTO restrictions (category, scope, value, code, state)"
	" VALUES ('whitelist', 'ip', $1, 401, 'enabled')"
	" ON CONFLICT DO NOTHING RETURNING id", 1 };

/* ------------------------------------------------------------ helpers */

/* Barong's event record {user, domain[, token]}. */
static json_object *
event_record(struct req *r, const struct user *u, const char *token)
{
	json_object	*rec = json_adopt(r->a, json_object_new_object());

	json_object_object_add(rec, "user", user_event_json(u));
	json_object_object_add(rec, "domain", json_object_new_string(
	    cfg.domain));
	if (token != NULL)
		json_object_object_add(rec, "token",
		    json_object_new_string(token));
	return rec;
}

/* A confirmation or reset JWT (user-api.md §6.3). */
static const char *
mail_token(struct req *r, const char *sub, const struct user *u,
    const char *email, const char *reset_token)
{
	json_object	*c;

	c = json_adopt(r->a, jwt_base_claims(time(NULL), cfg.jwt_expire_time,
	    sub));
	json_object_object_add(c, "email", json_object_new_string(email));
	json_object_object_add(c, "uid", json_object_new_string(u->uid));
	if (reset_token != NULL)
		json_object_object_add(c, "reset_token",
		    json_object_new_string(reset_token));
	return jwt_sign(r->a, c);
}

static int
queue_confirmation(struct req *r, const struct user *u)
{
	const char	*token = mail_token(r, "confirmation", u, u->email,
	    NULL);

	if (token == NULL)
		return -1;
	return outbox_enqueue(r->a, "user.email.confirmation.token", u->id,
	    event_record(r, u, token), NULL);
}

/* Verify a mailed token; 422 jwt.decode_and_verify.<word> when bad. */
static json_object *
check_mail_token(struct req *r, const char *token, const char *sub)
{
	json_object	*claims;
	const char	*word;

	if (jwt_verify(r->a, token, sub, &claims, &word) == -1) {
		err_set(r, 422, arena_printf(r->a, "jwt.decode_and_verify.%s",
		    word), "mail token refused: %s", word);
		return NULL;
	}
	return claims;		/* the arena owns it */
}

static const char *
claim(json_object *claims, const char *name)
{
	json_object	*v;

	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Mark a token's jti used; 1 if it was already. -1 on failure. */
static int
use_jti(struct req *r, const char *jti)
{
	PGresult	*res;
	const char	*p[2];

	p[0] = jti;
	p[1] = db_int(r->a, cfg.jwt_expire_time);
	if ((res = db_exec(r->a, &st_jti_use, p)) == NULL)
		return -1;
	return PQntuples(res) == 0;
}

static int
jti_used(struct req *r, const char *jti)
{
	PGresult	*res;
	const char	*p[1] = { jti };

	if ((res = db_exec(r->a, &st_jti_used, p)) == NULL)
		return -1;
	return PQntuples(res) > 0;
}

/* Reply with the user and the new session's CSRF token. */
static int
reply_user(struct req *r, int status, long long user_id, const char *csrf)
{
	struct user	*u;

	if (user_find_by_id(r->a, user_id, &u) != 0)
		return err_internal(r, "user %lld vanished", user_id);
	return http_reply_json(r, status, user_json_full(r->a, u, csrf));
}

/* --------------------------------------------------------- sessions */

static const struct param session_params[] = {
	{ .name = "email", .type = PT_ANY, .flags = P_REQUIRED },
	{ .name = "password", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = 4096 },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT,
	  .invalid = SESS ".invalid_captcha_format" },
	{ .name = "otp_code", .type = PT_STRING, .maxlen = 64 },
	{ .name = NULL }
};

/* The refusals of a known user whose password was right (§3.3 #4-6). */
static int
state_refusal(struct req *r, const struct user *u)
{
	static const struct {
		const char	*state, *code, *reason;
	} refusals[] = {
		{ "banned", SESS ".banned", "Your account is banned" },
		{ "deleted", SESS ".deleted", "Your account is deleted" },
	};
	size_t	i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(u->state, refusals[i].state) == 0) {
			activity_record(r, u->id, "session", "login", "failed",
			    refusals[i].reason);
			return err_set(r, 401, refusals[i].code, NULL);
		}
	if (strcmp(u->state, "active") != 0 && strcmp(u->state, "pending") != 0) {
		activity_record(r, u->id, "session", "login", "failed",
		    "Your account is not active");
		return err_set(r, 401, SESS ".not_active", NULL);
	}
	return 0;
}

/*
 * POST /sessions: 200 UserWithFullInfo + csrf_token.  401 invalid_params,
 * banned, deleted, not_active, missing_otp; 403 invalid_otp; 422 totp.error;
 * 429 too_many_attempts.  Unlike Barong, the password is checked before
 * the account's state, against a dummy hash for unknown e-mails, so neither
 * the answer nor its timing tells whether an e-mail is registered.
 */
static int
session_create(struct req *r)
{
	const struct pval	*ev = param_get(r, "email");
	const char		*email, *pw = param_str(r, "password");
	const char		*otp = param_str(r, "otp_code"), *ip, *csrf;
	const char		*action = "login";
	struct user		*u = NULL;
	json_object		*rec;
	int			 found, ok;

	if (captcha_verify(r, "session_create") == -1)
		return -1;
	email = ev->j != NULL ? json_object_get_string(ev->j) : "";
	ip = clientip_get(r);
	if (throttle_check(r, email, ip) == -1)
		return -1;
	if ((found = user_find_by_email(r->a, email, &u)) == -1)
		return err_internal(r, "could not look up a user");
	ok = crypto_bcrypt_verify(pw, strlen(pw), found == 0 ?
	    u->password_digest : crypto_bcrypt_dummy_hash((int)cfg.bcrypt_cost));
	if (found != 0 || !ok) {
		throttle_failure(r, email, ip);
		if (found == 0)
			activity_record(r, u->id, "session", "login", "failed",
			    "Invalid Email or Password");
		return err_set(r, 401, SESS ".invalid_params", NULL);
	}
	if (state_refusal(r, u) == -1)
		return -1;
	if (u->otp) {
		action = "login::2fa";
		if (otp == NULL || *otp == '\0')
			return err_set(r, 401, SESS ".missing_otp", NULL);
		switch (totp_verify(r->a, u->id, u->uid, otp)) {
		case TOTP_OK:
			break;
		case TOTP_INVALID:
			throttle_failure(r, email, ip);
			activity_record(r, u->id, "session", action, "failed",
			    "OTP code is invalid");
			return err_set(r, 403, SESS ".invalid_otp", NULL);
		default:
			return err_set(r, 422, "totp.error", NULL);
		}
	}
	throttle_success(r, email, ip);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	rec = json_adopt(r->a, json_object_new_object());
	json_object_object_add(rec, "user", user_event_json(u));
	json_object_object_add(rec, "user_ip", json_object_new_string(ip));
	json_object_object_add(rec, "user_agent", json_new_string_or_null(
	    http_user_agent(r)));
	if (session_open(r, u->id, ip, &csrf) == -1 ||
	    activity_record(r, u->id, "session", action, "succeed", NULL) ==
	    -1 || outbox_enqueue(r->a, "session.create", u->id, rec, NULL) ==
	    -1 || db_commit() == -1)
		return db_fail_tx(r, "open a session");
	return reply_user(r, 200, u->id, csrf);
}

/* DELETE /sessions: 200, body 200; 404 identity.session.not_found. */
static int
session_delete(struct req *r)
{
	struct session	*s;
	int		 rc;

	if ((rc = session_current(r, &s)) == -1)
		return err_internal(r, "could not look up a session");
	if (rc == 1)
		return err_set(r, 404, SESS ".not_found", NULL);
	activity_record(r, s->user_id, "session", "logout", "succeed", NULL);
	if (session_destroy(r->a, s->id) == -1)
		return err_internal(r, "could not end a session");
	session_clear_cookie(r);
	return http_reply_status_body(r, 200);
}

static const struct param auth0_params[] = {
	{ .name = "id_token", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 16384 },
	{ .name = NULL }
};

/*
 * POST /sessions/auth0: Auth0 login is not configured in this build's
 * deployments (no JWKS client): every token is refused as Barong refuses
 * one it cannot verify, 422 identity.session.auth0.invalid_params.
 */
static int
session_auth0(struct req *r)
{
	return err_set(r, 422, SESS ".auth0.invalid_params",
	    "auth0 login is not supported");
}

/* ------------------------------------------------------------- users */

static const struct param signup_params[] = {
	{ .name = "email", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = "username", .type = PT_STRING, .maxlen = 255 },
	{ .name = "refid", .type = PT_STRING, .maxlen = 255 },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT },
	{ .name = "data", .type = PT_STRING, .maxlen = 8192 },
	{ .name = "lang", .type = PT_STRING, .maxlen = 16 },
	{ .name = NULL }
};

/* The referrer's id from refid (§3.6); 0 without one; -1 with 422. */
static int
referral(struct req *r, long long *id)
{
	const char	*refid = param_str(r, "refid");
	struct user	*ref;
	size_t		 n = strlen(cfg.uid_prefix), i;
	int		 rc;

	*id = 0;
	if (!param_present(r, "refid"))
		return 0;
	for (i = 0; i < n; i++)
		if (refid[i] == '\0' || refid[i] != (cfg.uid_prefix[i] & ~0x20))
			return err_set(r, 422, USR ".invalid_referral_format",
			    NULL);
	if ((rc = user_find_by_uid(r->a, refid, &ref)) == -1)
		return err_internal(r, "could not look up a referrer");
	if (rc == 1)
		return err_set(r, 422, USR ".referral_doesnt_exist", NULL);
	*id = ref->id;
	return 0;
}

/*
 * The first user to register becomes an active superadmin (when
 * configured); an advisory lock makes "first" exact under concurrency.
 * Returns 1 if this user was first, 0 if not, -1 on failure.
 */
static int
first_user(struct req *r, const struct user *u)
{
	PGresult	*res;
	const char	*p[1];
	int		 role;

	if (!cfg.first_registration_superadmin)
		return 0;
	p[0] = db_int(r->a, u->id);
	if (db_exec(r->a, &st_superadmin_lock, NULL) == NULL ||
	    (res = db_exec(r->a, &st_other_users, p)) == NULL)
		return -1;
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
		return 0;
	/* Barong skips the role silently when it has no permissions. */
	if ((role = user_role_exists(r->a, "superadmin")) == -1 ||
	    user_set_role_state(r->a, u->id, role ? "superadmin" : u->role,
	    "active") == -1 ||
	    labels_set_private(r->a, u->id, "email", "verified") == -1)
		return -1;
	return 1;
}

/*
 * POST /users: 201 UserWithFullInfo + csrf_token; 422 parameter, referral
 * and model codes; captcha codes.
 */
static int
user_signup(struct req *r)
{
	struct user_new	 in = { 0 };
	struct user	*u;
	const char	*csrf, *lang = param_str(r, "lang");
	int		 first;

	if (captcha_verify(r, "user_create") == -1 ||
	    referral(r, &in.referral_id) == -1)
		return -1;
	in.email = param_str(r, "email");
	in.password = param_str(r, "password");
	in.username = param_str(r, "username");
	in.data = param_str(r, "data");
	if (in.data == NULL && lang != NULL && *lang != '\0') {
		json_object *d = json_adopt(r->a, json_object_new_object());

		json_object_object_add(d, "language",
		    json_object_new_string(lang));
		in.data = json_dump(r->a, d, NULL);
	}
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (user_create(r, &in, &u) == -1)
		return db_fail_tx(r, "create a user");
	if (activity_record(r, u->id, "account", "signup", "succeed", NULL) ==
	    -1 || (first = first_user(r, u)) == -1 ||
	    (!first && queue_confirmation(r, u) == -1) ||
	    session_open(r, u->id, clientip_get(r), &csrf) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "complete a sign-up");
	return reply_user(r, 201, u->id, csrf);
}

static const struct param email_params[] = {
	{ .name = "email", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT },
	{ .name = NULL }
};

/*
 * POST /users/email/generate_code: 201, body 201, whether or not the
 * e-mail is known (nothing is revealed); mails a new confirmation link to
 * a known user who is not active yet.
 */
static int
email_generate_code(struct req *r)
{
	struct user	*u;
	int		 rc;

	if (captcha_verify(r, "email_confirmation") == -1)
		return -1;
	if ((rc = user_find_by_email(r->a, param_str(r, "email"), &u)) == -1)
		return err_internal(r, "could not look up a user");
	if (rc == 0 && strcmp(u->state, "active") != 0 &&
	    queue_confirmation(r, u) == -1)
		return err_internal(r, "could not queue a confirmation");
	return http_reply_status_body(r, 201);
}

static const struct param confirm_params[] = {
	{ .name = "token", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 8192 },
	{ .name = NULL }
};

/*
 * POST /users/email/confirm_code: 201 UserWithFullInfo + csrf_token; 422
 * jwt.decode_and_verify.*, active_or_doesnt_exist, utilized_token.
 */
static int
email_confirm_code(struct req *r)
{
	json_object	*claims;
	struct user	*u;
	const char	*email, *jti, *csrf;
	int		 rc;

	if ((claims = check_mail_token(r, param_str(r, "token"),
	    "confirmation")) == NULL)
		return -1;
	email = claim(claims, "email");
	jti = claim(claims, "jti");
	if (email == NULL || (rc = user_find_by_email(r->a, email, &u)) == 1 ||
	    (rc == 0 && strcmp(u->state, "active") == 0))
		return err_set(r, 422, USR ".active_or_doesnt_exist", NULL);
	if (rc == -1)
		return err_internal(r, "could not look up a user");
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((rc = use_jti(r, jti)) == 1) {
		db_rollback();
		return err_set(r, 422, USR ".utilized_token", NULL);
	}
	if (rc == -1 ||
	    labels_set_private(r->a, u->id, "email", "verified") == -1 ||
	    session_open(r, u->id, clientip_get(r), &csrf) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "confirm an e-mail");
	return reply_user(r, 201, u->id, csrf);
}

/*
 * POST /users/password/generate_code: 201, body 201, whether or not the
 * e-mail is known; a known user gets a reset link, and only the latest
 * link works.
 */
static int
password_generate_code(struct req *r)
{
	const char	*email = param_str(r, "email"), *token, *p[3];
	char		 reset[21];
	struct user	*u;
	int		 rc;

	if (captcha_verify(r, "password_reset") == -1)
		return -1;
	if ((rc = user_find_by_email(r->a, email, &u)) == -1)
		return err_internal(r, "could not look up a user");
	if (rc == 1)
		return http_reply_status_body(r, 201);
	if (crypto_random_hex(reset, 10) == -1 ||
	    (token = mail_token(r, "reset", u, email, reset)) == NULL)
		return err_internal(r, "could not make a reset token");
	p[0] = email;
	p[1] = reset;
	p[2] = db_int(r->a, cfg.jwt_expire_time);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (db_exec(r->a, &st_reset_put, p) == NULL ||
	    activity_record(r, u->id, "password", "request password reset",
	    "succeed", NULL) == -1 ||
	    outbox_enqueue(r->a, "user.password.reset.token", u->id,
	    event_record(r, u, token), NULL) == -1 || db_commit() == -1)
		return db_fail_tx(r, "queue a password reset");
	return http_reply_status_body(r, 201);
}

static const struct param reset_params[] = {
	{ .name = "reset_password_token", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .missing = USR ".missing_pass_token",
	  .maxlen = 8192 },
	{ .name = "password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = "confirm_password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = NULL }
};

/*
 * POST /users/password/confirm_code: 201, body 201; 422
 * passwords_doesnt_match, jwt.decode_and_verify.*, utilized_token, password
 * model codes.  Ends every session of the user.
 */
static int
password_confirm_code(struct req *r)
{
	json_object	*claims;
	struct user	*u;
	const char	*pw = param_str(r, "password"), *email, *jti, *rt;
	const char	*p[1];
	PGresult	*res;
	int		 rc;

	if (strcmp(pw, param_str(r, "confirm_password")) != 0)
		return err_set(r, 422, USR ".passwords_doesnt_match", NULL);
	if ((claims = check_mail_token(r, param_str(r,
	    "reset_password_token"), "reset")) == NULL)
		return -1;
	email = claim(claims, "email");
	jti = claim(claims, "jti");
	rt = claim(claims, "reset_token");
	p[0] = email != NULL ? email : "";
	if ((res = db_exec(r->a, &st_reset_get, p)) == NULL ||
	    (rc = jti_used(r, jti)) == -1)
		return err_internal(r, "could not check a reset token");
	if (rc == 1 || rt == NULL || PQntuples(res) == 0 ||
	    !crypto_eq(PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)),
	    rt, strlen(rt)))
		return err_set(r, 422, USR ".utilized_token", NULL);
	if ((rc = user_find_by_email(r->a, email, &u)) != 0)
		return rc == 1 ? err_set(r, 422, USR ".utilized_token", NULL) :
		    err_internal(r, "could not look up a user");
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((rc = use_jti(r, jti)) == 1) {
		db_rollback();
		return err_set(r, 422, USR ".utilized_token", NULL);
	}
	if (rc == -1)
		return db_fail_tx(r, "use a reset token");
	if (user_set_password(r, u->id, pw) == -1) {
		db_rollback();
		activity_record(r, u->id, "password", "password reset",
		    "failed", password_reason(r->err.keys[0]));
		return -1;
	}
	/* Barong leaves the reset entry behind; the link dies with its use. */
	if (db_exec(r->a, &st_reset_del, p) == NULL ||
	    session_destroy_user(r->a, u->id, 0) == -1 ||
	    activity_record(r, u->id, "password", "password reset",
	    "succeed", NULL) == -1 || db_commit() == -1)
		return db_fail_tx(r, "reset a password");
	return http_reply_status_body(r, 201);
}

static const struct param access_params[] = {
	{ .name = "whitelink_token", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 256 },
	{ .name = NULL }
};

/*
 * POST /users/access: 201, body 1; 422 identity.user.access.invalid_token,
 * value.taken, value.invalid.  Whitelists the caller's IPv4 address.
 */
static int
user_access(struct req *r)
{
	PGresult	*res;
	const char	*p[1], *ip = clientip_get(r);

	p[0] = param_str(r, "whitelink_token");
	if ((res = db_exec(r->a, &st_whitelink, p)) == NULL)
		return err_internal(r, "could not check a whitelink token");
	if (PQntuples(res) == 0)
		return err_set(r, 422, USR ".access.invalid_token", NULL);
	if (strchr(ip, ':') != NULL)
		return err_set(r, 422, "value.invalid", NULL);
	p[0] = ip;
	if ((res = db_exec(r->a, &st_whitelist_ip, p)) == NULL)
		return err_internal(r, "could not whitelist %s", ip);
	if (PQntuples(res) == 0)
		return err_set(r, 422, "value.taken", NULL);
	return http_reply(r, 201, "1", 1);
}

/*
 * GET /users/register_geetest: 200 {"gt","challenge"}, or "" on failure
 * (and at once, without asking Geetest, when Geetest is not configured).
 */
static int
register_geetest(struct req *r)
{
	json_object	*o = NULL;

	if (strcmp(cfg.captcha, "geetest") == 0)
		o = captcha_geetest_register(r);
	if (o == NULL) {
		http_add_header(r, "Content-Type", "application/json");
		return http_reply(r, 200, "\"\"", 2);
	}
	return http_reply_json(r, 200, o);
}

static const struct route routes[] = {
	{ "GET", "/ping", general_ping, NULL, GEN, 0 },
	{ "GET", "/time", general_time, NULL, GEN, 0 },
	{ "GET", "/version", general_version, NULL, GEN, 0 },
	{ "GET", "/configs", general_configs, NULL, GEN, 0 },
	{ "POST", "/password/validate", general_password_validate,
	  general_password_params, GEN, 0 },
	{ "POST", "/sessions", session_create, session_params, SESS, 0 },
	{ "DELETE", "/sessions", session_delete, NULL, SESS, 0 },
	{ "POST", "/sessions/auth0", session_auth0, auth0_params, SESS, 0 },
	{ "POST", "/users", user_signup, signup_params, USR, 0 },
	{ "GET", "/users/register_geetest", register_geetest, NULL, USR, 0 },
	{ "POST", "/users/access", user_access, access_params, USR, 0 },
	{ "POST", "/users/email/generate_code", email_generate_code,
	  email_params, USR, 0 },
	{ "POST", "/users/email/confirm_code", email_confirm_code,
	  confirm_params, USR, 0 },
	{ "POST", "/users/password/generate_code", password_generate_code,
	  email_params, USR, 0 },
	{ "POST", "/users/password/confirm_code", password_confirm_code,
	  reset_params, USR, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static int
start(void)
{
	char	err[512];

	if (general_start() == -1)
		return -1;
	if (barongyml_load(cfg.barong_yml, err, sizeof(err)) == -1) {
		log_err("barong_yml: %s", err);
		return -1;
	}
	captcha_set_protected(byml.captcha_endpoints.v,
	    byml.captcha_endpoints.n);
	if (jwt_keys_load(cfg.jwt_private_key, *cfg.jwt_public_key ?
	    cfg.jwt_public_key : NULL, err, sizeof(err)) == -1) {
		log_err("jwt keys: %s", err);
		return -1;
	}
	if (crypto_keyring_start(cfg.master_key_file) == -1)
		return -1;
	if (clientip_start() == -1 || captcha_start() == -1 ||
	    geoip_open(cfg.maxminddb_path) == -1)
		return -1;
	return db_open(cfg.db_conninfo);
}

static const struct app app = {
	.prog = "barong-identity",
	.family = "identity",
	.routes = routes,
	.start = start,
};

int
main(int argc, char **argv)
{
	return server_main(&app, argc, argv);
}
