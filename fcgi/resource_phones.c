/*
 * barong-resource: the phones part (user-api.md §5.10, §6.9, §6.12): list
 * the user's phones, add one and send its code, send the code again, and
 * verify it (label phone:verified).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "bearer.h"
#include "conf.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "params.h"
#include "phone.h"
#include "resource.h"
#include "sms.h"
#include "user.h"

static const struct db_stmt st_user_lock = { "phones_user_lock",
	"SELECT 1 FROM users WHERE id = $1::bigint FOR UPDATE", 1 };
static const struct db_stmt st_phone_label = { "phones_label_exists",
	"SELECT 1 FROM labels WHERE user_id = $1::bigint AND key = 'phone'"
	" AND scope = 'private'", 1 };

static const char *const channels[] = { "sms", "call", NULL };

/*
 * Any length the body allows: a long number is invalid_num, as in Barong,
 * not the generic "invalid" of an over-long parameter.
 */
#define ANY_LEN	(256L * 1024 * 1024)

static const struct param phone_params[] = {
	{ .name = "phone_number", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = ANY_LEN },
	{ .name = "channel", .type = PT_STRING, .values = channels,
	  .value_err = RES_PHONE ".invalid_channel", .def = "sms" },
	{ .name = NULL }
};

static const struct param verify_params[] = {
	{ .name = "phone_number", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = ANY_LEN },
	{ .name = "verification_code", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = ANY_LEN },
	{ .name = NULL }
};

/*
 * Barong's validate_phone!: the normalised number and its index, or -1
 * with 400 invalid_num, 400 number_exist (verified by anyone, this user
 * included) or 500.
 */
static int
validate_phone(struct req *r, struct phonenumber *pn, const char **index)
{
	int	rc;

	if (phone_normalize(param_str(r, "phone_number"), pn) == -1)
		return err_set(r, 400, RES_PHONE ".invalid_num",
		    "invalid phone number");
	if ((*index = phone_number_index(r->a, pn->digits)) == NULL)
		return err_internal(r, "no phone number index");
	if ((rc = phone_verified_anywhere(r->a, *index)) == -1)
		return err_internal(r, "could not look up a phone");
	if (rc == 1)
		return err_set(r, 400, RES_PHONE ".number_exist",
		    "phone number verified already");
	return 0;
}

static int
reply_sent(struct req *r)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(
	    arena_printf(r->a, "Code was sent successfully via %s",
	    param_str(r, "channel"))));
	return http_reply_json(r, 201, o);
}

/* GET /phones: 200 the user's Phone entities. */
static int
phones_list(struct req *r)
{
	struct user	*u;
	json_object	*arr;

	if (bearer_user(r, &u) == -1)
		return -1;
	if ((arr = phones_json(r->a, u->id, cfg.api_data_masking_enabled)) ==
	    NULL)
		return err_internal(r, "could not list phones");
	return http_reply_json(r, 200, arr);
}

/*
 * POST /phones: 400 invalid_num, number_exist, exists; 422 from Twilio;
 * 201 {"message":"Code was sent successfully via <channel>"}.  The phone
 * is kept when sending fails, as in Barong: send_code retries.
 */
static int
phones_create(struct req *r)
{
	struct user		*u;
	struct phone		*ph;
	struct phonenumber	 pn;
	const char		*index, *p[1];
	int			 rc;

	if (bearer_user(r, &u) == -1 || validate_phone(r, &pn, &index) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	/* One user's concurrent requests add a number once. */
	p[0] = arena_printf(r->a, "%lld", u->id);
	if (db_exec(r->a, &st_user_lock, p) == NULL)
		return db_fail_tx(r, "lock the user");
	if ((rc = phone_find(r->a, u->id, index, &ph)) == -1)
		return db_fail_tx(r, "look up the phone");
	if (rc == 0) {
		db_rollback();
		return err_set(r, 400, RES_PHONE ".exists",
		    "the user has this phone already");
	}
	if (phone_create(r->a, u->id, &pn, index, &ph) == -1)
		return db_fail_tx(r, "create the phone");
	if (db_commit() == -1)
		return err_internal(r, "could not commit the phone");
	if (sms_send(r, pn.digits, ph->code, param_str(r, "channel")) == -1)
		return -1;
	return reply_sent(r);
}

/* POST /phones/send_code: 400 invalid_num, number_exist; 404
 * doesnt_exist; 422 from Twilio; 201 as POST /phones. */
static int
phones_send_code(struct req *r)
{
	struct user		*u;
	struct phone		*ph;
	struct phonenumber	 pn;
	const char		*index;
	int			 rc;

	if (bearer_user(r, &u) == -1 || validate_phone(r, &pn, &index) == -1)
		return -1;
	if ((rc = phone_find(r->a, u->id, index, &ph)) == -1)
		return err_internal(r, "could not look up the phone");
	if (rc == 1)
		return err_set(r, 404, RES_PHONE ".doesnt_exist",
		    "no such phone");
	if (sms_send(r, pn.digits, ph->code, param_str(r, "channel")) == -1)
		return -1;
	return reply_sent(r);
}

/*
 * POST /phones/verify: 400 invalid_num, number_exist; 404 doesnt_exist,
 * verification_invalid; 201 UserWithFullInfo.  The number is locked and
 * checked again before it is marked verified, so two users cannot both
 * verify it.  An existing private phone label is left as it is (Barong's
 * labels.create fails on it).  Wrong codes are counted (phone.h).
 */
static int
phones_verify(struct req *r)
{
	struct user		*u;
	struct phone		*ph;
	struct phonenumber	 pn;
	PGresult		*res;
	const char		*index, *p[1];
	int			 rc;

	if (bearer_user(r, &u) == -1 || validate_phone(r, &pn, &index) == -1)
		return -1;
	if ((rc = phone_find(r->a, u->id, index, &ph)) == -1)
		return err_internal(r, "could not look up the phone");
	if (rc == 1)
		return err_set(r, 404, RES_PHONE ".doesnt_exist",
		    "no such phone");
	if ((rc = sms_verify(r, pn.digits, ph->code,
	    param_str(r, "verification_code"))) == -1)
		return -1;
	if (rc == 0) {
		if (sms_checks_stored_code() &&
		    phone_code_failed(r->a, ph) == -1)
			return err_internal(r, "could not count a failure");
		return err_set(r, 404, RES_PHONE ".verification_invalid",
		    "verification code refused");
	}
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (phone_lock_number(r->a, index) == -1)
		return db_fail_tx(r, "lock the number");
	if ((rc = phone_verified_anywhere(r->a, index)) == -1)
		return db_fail_tx(r, "look up the number");
	if (rc == 1) {
		db_rollback();
		return err_set(r, 400, RES_PHONE ".number_exist",
		    "phone number verified meanwhile");
	}
	if (phone_set_validated(r->a, ph->id) == -1 ||
	    phone_code_passed(r->a, ph) == -1)
		return db_fail_tx(r, "validate the phone");
	p[0] = arena_printf(r->a, "%lld", u->id);
	if ((res = db_exec(r->a, &st_phone_label, p)) == NULL)
		return db_fail_tx(r, "look up the phone label");
	if (PQntuples(res) == 0 &&
	    labels_set_private(r->a, u->id, "phone", "verified") == -1)
		return db_fail_tx(r, "add the phone label");
	if (db_commit() == -1)
		return err_internal(r, "could not commit the verification");
	if (user_find_by_id(r->a, u->id, &u) != 0)
		return err_internal(r, "user %s vanished", r->auth_uid);
	return http_reply_json(r, 201, user_json_full(r->a, u, NULL));
}

static const struct route routes[] = {
	{ "GET", "/phones", phones_list, NULL, RES_PHONE, 0 },
	{ "POST", "/phones", phones_create, phone_params, RES_PHONE, 0 },
	{ "POST", "/phones/send_code", phones_send_code, phone_params,
	  RES_PHONE, 0 },
	{ "POST", "/phones/verify", phones_verify, verify_params, RES_PHONE,
	  0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_phones = { routes, sms_start };
