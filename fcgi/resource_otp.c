/*
 * barong-resource: two-factor authentication, the /resource/otp routes
 * (user-api.md §5.11, §6.6).  Secrets, codes and their replay protection
 * are lib/totp.c's; here are the user's otp flag, the otp label, the
 * activities (topic "otp") and the QR code of the otpauth URL.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <libpq-fe.h>

#include "activity.h"
#include "apikey.h"
#include "arena.h"
#include "bearer.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "log.h"
#include "params.h"
#include "qrpng.h"
#include "resource.h"
#include "session.h"
#include "totp.h"
#include "user.h"

#define QR_SIZE		300	/* pixels, Barong's qr_size */
#define CODE_MAXLEN	64

#define WHY_ON		"2FA has been already enabled for this account"
#define WHY_OFF		"2FA has not been enabled for this account"
#define WHY_INVALID	"OTP code is invalid"

static const struct db_stmt st_set_otp = { "res_otp_set",
	"UPDATE users SET otp = $2::boolean,"
	" updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1::bigint", 2 };
static const struct db_stmt st_label_exists = { "res_otp_label_exists",
	"SELECT 1 FROM labels WHERE user_id = $1::bigint AND key = 'otp'"
	" AND scope = 'private'", 1 };
/* Barong deletes the label without callbacks: no level or state change. */
static const struct db_stmt st_label_delete = { "res_otp_label_delete",
	"DELETE FROM labels WHERE user_id = $1::bigint AND key = 'otp'"
	" AND scope = 'private'", 1 };

static const struct param code_params[] = {
	{ .name = "code", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = CODE_MAXLEN },
	{ .name = NULL }
};

/* A failed otp action: the activity, then the error. */
static int
refuse(struct req *r, const struct user *u, const char *action, int status,
    const char *code, const char *reason)
{
	activity_record(r, u->id, "otp", action, "failed", reason);
	return err_set(r, status, code, NULL);
}

/* The user's code for action: 0 accepted, -1 with r->err. */
static int
check_code(struct req *r, const struct user *u, const char *action)
{
	switch (totp_verify(r->a, u->id, u->uid, param_str(r, "code"))) {
	case TOTP_OK:
		return 0;
	case TOTP_INVALID:
		return refuse(r, u, action, 422, RES_OTP ".invalid",
		    WHY_INVALID);
	default:
		return err_set(r, 422, "totp.error", "code reused or refused");
	}
}

/* Vault's reply to a TOTP key write, which Barong hands on as it is. */
static json_object *
vault_reply(struct req *r, const char *barcode, const char *url)
{
	json_object	*o = json_object_new_object();
	json_object	*d = json_object_new_object();

	json_object_object_add(d, "barcode", json_object_new_string(barcode));
	json_object_object_add(d, "url", json_object_new_string(url));
	json_object_object_add(o, "auth", NULL);
	json_object_object_add(o, "data", d);
	json_object_object_add(o, "metadata", NULL);
	json_object_object_add(o, "lease_duration", json_object_new_int(0));
	json_object_object_add(o, "lease_id", json_object_new_string(""));
	json_object_object_add(o, "renewable", json_object_new_boolean(0));
	json_object_object_add(o, "warnings", NULL);
	json_object_object_add(o, "wrap_info", NULL);
	return o;
}

/*
 * POST /otp/generate_qrcode: 201 the secret store's reply with the
 * otpauth URL and its QR code; 400 already_enabled; 422 totp.error when
 * the secret cannot be made (no keyring, database).
 */
static int
generate_qrcode(struct req *r)
{
	struct user	*u;
	const char	*secret, *url;
	unsigned char	*png;
	size_t		 len;

	if (bearer_user(r, &u) == -1)
		return -1;
	if (u->otp)
		return refuse(r, u, "request QR code for 2FA", 400,
		    RES_OTP ".already_enabled", WHY_ON);
	if (activity_record(r, u->id, "otp", "request QR code for 2FA",
	    "succeed", NULL) == -1)
		return err_internal(r, "could not record an activity");
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (totp_generate(r->a, u->id, u->uid, u->email, &secret, &url) == -1) {
		db_rollback();
		return err_set(r, 422, "totp.error", "could not make a secret");
	}
	if (db_commit() == -1)
		return db_fail_tx(r, "store a TOTP secret");
	if (qrpng_make(r->a, url, QR_SIZE, &png, &len) == -1)
		return err_internal(r, "could not draw the QR code");
	return http_reply_json(r, 201, vault_reply(r,
	    crypto_b64_encode(r->a, png, len, 0), url));
}

/* The session to keep when others end: the cookie's, if it is his. */
static int
current_session(struct req *r, const struct user *u, long long *keep)
{
	struct session	*s;
	int		 rc;

	*keep = 0;
	if ((rc = session_current(r, &s)) == -1)
		return -1;
	if (rc == 0 && s->user_id == u->id)
		*keep = s->id;
	return 0;
}

static int
add_otp_label(struct req *r, const struct user *u)
{
	PGresult	*res;
	const char	*p[1];

	p[0] = db_int(r->a, u->id);
	if ((res = db_exec(r->a, &st_label_exists, p)) == NULL)
		return -1;
	if (PQntuples(res) > 0)
		return 0;	/* Barong keeps a label that exists */
	return labels_set_private(r->a, u->id, "otp", "enabled");
}

/*
 * POST /otp/enable: 201 body 200; 400 already_enabled; 422 invalid,
 * totp.error.  Ends every other session of the user.
 */
static int
enable(struct req *r)
{
	struct user	*u;
	const char	*p[2];
	long long	 keep;

	if (bearer_user(r, &u) == -1)
		return -1;
	if (u->otp)
		return refuse(r, u, "enable 2FA", 400,
		    RES_OTP ".already_enabled", WHY_ON);
	if (check_code(r, u, "enable 2FA") == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = "true";
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (db_exec(r->a, &st_set_otp, p) == NULL ||
	    add_otp_label(r, u) == -1 ||
	    activity_record(r, u->id, "otp", "enable 2FA", "succeed", NULL) ==
	    -1 || current_session(r, u, &keep) == -1 ||
	    session_destroy_user(r->a, u->id, keep) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "enable 2FA");
	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, 201, "200", 3);
}

/*
 * POST /otp/disable: 200 body 200; 400 not_enabled; 422 invalid,
 * totp.error.  The user's and his service accounts' active API keys
 * become inactive.
 */
static int
disable(struct req *r)
{
	struct user	*u;
	const char	*p[2];

	if (bearer_user(r, &u) == -1)
		return -1;
	if (!u->otp)
		return refuse(r, u, "disable 2FA", 400,
		    RES_OTP ".not_enabled", WHY_OFF);
	if (check_code(r, u, "disable 2FA") == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = "false";
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (db_exec(r->a, &st_set_otp, p) == NULL ||
	    apikey_deactivate_user(r->a, u->id) == -1 ||
	    db_exec(r->a, &st_label_delete, p) == NULL ||
	    activity_record(r, u->id, "otp", "disable 2FA", "succeed", NULL) ==
	    -1 || db_commit() == -1)
		return db_fail_tx(r, "disable 2FA");
	return http_reply_status_body(r, 200);
}

/*
 * POST /otp/verify: 201 body null; 400 already_enabled (sic: Barong's
 * code when 2FA is off); 422 invalid, totp.error.
 */
static int
verify(struct req *r)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	if (!u->otp)
		return refuse(r, u, "verify 2FA code", 400,
		    RES_OTP ".already_enabled", WHY_OFF);
	if (check_code(r, u, "verify 2FA code") == -1)
		return -1;
	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, 201, "null", 4);
}

static const struct route routes[] = {
	{ "POST", "/otp/generate_qrcode", generate_qrcode, NULL, RES_OTP, 0 },
	{ "POST", "/otp/enable", enable, code_params, RES_OTP, 0 },
	{ "POST", "/otp/disable", disable, code_params, RES_OTP, 0 },
	{ "POST", "/otp/verify", verify, code_params, RES_OTP, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_otp = { routes, NULL };
