/*
 * barong-resource: API keys (user-api.md §5.12, §6.11) and service
 * accounts (§5.14).  A key belongs to a holder: the signed-in user, or one
 * of the service accounts he owns.  Every change needs his TOTP code (the
 * "2FA guard"), whose error codes differ between the two families of
 * routes, as do the spellings of the other codes (service_account,
 * service_accounts and serviceaccount are all Barong's).
 *
 * Secrets: 32 random hex characters, sealed with lib/apikey.c (aad
 * "apikeys.secret:<kid>") and shown once, in the create response.  Scopes
 * are stored as Barong's YAML (lib/apikey_scope.c).
 *
 * A change runs in one transaction that first locks the holder's rows
 * (FOR SHARE): a concurrent 2FA disable or state change, which deactivates
 * keys, waits for it or is seen by it, so that no active key is left
 * behind by a race.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "apikey.h"
#include "apikey_scope.h"
#include "arena.h"
#include "bearer.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "paginate.h"
#include "params.h"
#include "resource.h"
#include "totp.h"
#include "user.h"

#define KID_BYTES	8	/* 16 hex characters */
#define SECRET_BYTES	16	/* 32 hex characters */
#define KID_TRIES	4	/* fresh kids tried on a collision */

#define TS_SEC	"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"
#define TS_MS	"'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'"
#define KEY_COLS \
	"id, kid, algorithm, scope, state, to_char(created_at, " TS_SEC "),"  \
	" to_char(updated_at, " TS_SEC ")"

/* The order_by columns: a CASE per column type, as SQL cannot take a
 * column name as a parameter.  $3 is order_by, $4 ordering. */
#define ORDER_TYPE(cases) \
	" CASE WHEN $4::text = 'asc' THEN CASE $3::text " cases " END END ASC," \
	" CASE WHEN $4::text = 'desc' THEN CASE $3::text " cases " END END DESC,"
#define ORDER_BY \
	" ORDER BY" \
	ORDER_TYPE("WHEN 'id' THEN id" \
	    " WHEN 'key_holder_account_id' THEN key_holder_account_id") \
	ORDER_TYPE("WHEN 'key_holder_account_type' THEN key_holder_account_type"\
	    " WHEN 'kid' THEN kid WHEN 'algorithm' THEN algorithm" \
	    " WHEN 'scope' THEN scope" \
	    " WHEN 'secret_encrypted' THEN secret_encrypted" \
	    " WHEN 'state' THEN state") \
	ORDER_TYPE("WHEN 'created_at' THEN created_at" \
	    " WHEN 'updated_at' THEN updated_at") \
	" id ASC"

static const struct db_stmt st_count = { "res_apikey_count",
	"SELECT count(*) FROM apikeys WHERE key_holder_account_type = $1"
	" AND key_holder_account_id = $2::bigint", 2 };
static const struct db_stmt st_list = { "res_apikey_list",
	"SELECT " KEY_COLS " FROM apikeys WHERE key_holder_account_type = $1"
	" AND key_holder_account_id = $2::bigint" ORDER_BY
	" LIMIT $5::bigint OFFSET $6::bigint", 6 };
static const struct db_stmt st_find = { "res_apikey_find",
	"SELECT " KEY_COLS " FROM apikeys WHERE key_holder_account_type = $1"
	" AND key_holder_account_id = $2::bigint AND kid = $3 FOR UPDATE", 3 };
static const struct db_stmt st_insert = { "res_apikey_insert",
	"INSERT INTO apikeys (key_holder_account_type, key_holder_account_id,"
	" kid, algorithm, scope, secret_encrypted, state)"
	" VALUES ($1, $2::bigint, $3, $4, $5, $6, 'active')"
	" ON CONFLICT (kid) DO NOTHING RETURNING " KEY_COLS, 6 };
/* As ActiveRecord, updated_at moves only when something changed. */
static const struct db_stmt st_update = { "res_apikey_update",
	"UPDATE apikeys SET scope = $2::varchar, state = $3::varchar,"
	" updated_at = CASE WHEN scope IS DISTINCT FROM $2::varchar"
	"  OR state IS DISTINCT FROM $3::varchar"
	"  THEN (now() AT TIME ZONE 'utc')"
	"  ELSE updated_at END"
	" WHERE id = $1::bigint RETURNING " KEY_COLS, 3 };
static const struct db_stmt st_delete = { "res_apikey_delete",
	"DELETE FROM apikeys WHERE key_holder_account_type = $1"
	" AND key_holder_account_id = $2::bigint AND kid = $3 RETURNING id", 3 };
static const struct db_stmt st_lock_user = { "res_apikey_lock_user",
	"SELECT otp, state FROM users WHERE id = $1::bigint FOR SHARE", 1 };
static const struct db_stmt st_lock_sa = { "res_apikey_lock_sa",
	"SELECT state FROM service_accounts WHERE id = $1::bigint FOR SHARE",
	1 };
static const struct db_stmt st_sa_list = { "res_sa_list",
	"SELECT id, uid, owner_id, email, role, level, state,"
	" to_char(created_at, " TS_MS "), to_char(updated_at, " TS_MS ")"
	" FROM service_accounts WHERE owner_id = $1::bigint ORDER BY id", 1 };
static const struct db_stmt st_sa_find = { "res_sa_find",
	"SELECT id, state FROM service_accounts WHERE owner_id = $1::bigint"
	" AND uid = $2", 2 };

/* Who holds the keys a route works on. */
struct holder {
	const char	*type;		/* "User", "ServiceAccount" */
	long long	 id;
	const char	*state;
};

/* The 2FA guard's codes, per family of routes. */
struct guard {
	const char	*disabled;	/* 400 */
	const char	*missing;	/* 422 */
	const char	*invalid;	/* 422 */
};

static const struct guard user_guard = {
	"resource.api_key.2fa_disabled",
	"resource.api_key.missing_totp",
	"resource.api_key.invalid_totp",
};
static const struct guard sa_guard = {
	"resource.service_accounts.2fa_disabled",
	"resource.service_accounts.missing_totp",
	"resource.service_accounts.invalid_totp",
};

/* ------------------------------------------------------------ helpers */

static long long
to_ll(const char *s)
{
	return strtoll(s, NULL, 10);
}

/* Barong's APIKey entity from a KEY_COLS row; secret NULL leaves it out. */
static json_object *
key_json(struct req *r, PGresult *res, int row, const char *secret)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "kid", json_object_new_string(
	    PQgetvalue(res, row, 1)));
	json_object_object_add(o, "algorithm", json_object_new_string(
	    PQgetvalue(res, row, 2)));
	json_object_object_add(o, "scope", json_object_get(apikey_scope_json(
	    r->a, PQgetisnull(res, row, 3) ? NULL : PQgetvalue(res, row, 3))));
	json_object_object_add(o, "state", json_object_new_string(
	    PQgetvalue(res, row, 4)));
	if (secret != NULL)
		json_object_object_add(o, "secret",
		    json_object_new_string(secret));
	json_object_object_add(o, "created_at", json_object_new_string(
	    PQgetvalue(res, row, 5)));
	json_object_object_add(o, "updated_at", json_object_new_string(
	    PQgetvalue(res, row, 6)));
	return o;
}

/*
 * The 2FA guard (Barong's otp_protected!): 2FA on, a code given, the code
 * right.  A reused code or a TOTP failure is 422 totp.error.
 */
static int
guard(struct req *r, const struct user *u, const struct guard *g)
{
	const char	*code = param_str(r, "totp_code");

	if (!u->otp)
		return err_set(r, 400, g->disabled, NULL);
	if (code == NULL || code[strspn(code, " \t\r\n\f\v")] == '\0')
		return err_set(r, 422, g->missing, NULL);
	switch (totp_verify(r->a, u->id, u->uid, code)) {
	case TOTP_OK:
		return 0;
	case TOTP_INVALID:
		return err_set(r, 422, g->invalid, NULL);
	default:
		return err_set(r, 422, "totp.error", "code reused or refused");
	}
}

/*
 * Inside a transaction: lock the user's row (and the service account's)
 * and read them again, so that the guard and the holder's state hold
 * until commit.  -1 with r->err when 2FA went off meanwhile.
 */
static int
lock_holder(struct req *r, const struct user *u, struct holder *h,
    const struct guard *g)
{
	PGresult	*res;
	const char	*p[1];

	p[0] = db_int(r->a, u->id);
	if ((res = db_exec(r->a, &st_lock_user, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(r, 404, "record.not_found", "user vanished");
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		return err_set(r, 400, g->disabled, "2FA went off");
	if (strcmp(h->type, "User") == 0) {
		h->state = PQgetvalue(res, 0, 1);
		return 0;
	}
	p[0] = db_int(r->a, h->id);
	if ((res = db_exec(r->a, &st_lock_sa, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(r, 404, "resource.service_account.doesnt_exist",
		    "service account vanished");
	h->state = PQgetvalue(res, 0, 0);
	return 0;
}

static int
holder_active(const struct holder *h)
{
	return strcmp(h->state, "active") == 0;
}

/* ------------------------------------------------------- operations */

/* The holder's keys, ordered and paginated, without secrets. */
static int
list_keys(struct req *r, const struct holder *h)
{
	PGresult	*res;
	struct page	 pg;
	json_object	*arr;
	const char	*p[6];
	long long	 total;
	int		 i;

	paginate_get(r, &pg);
	p[0] = h->type;
	p[1] = db_int(r->a, h->id);
	p[2] = param_str(r, "order_by");
	p[3] = param_str(r, "ordering");
	p[4] = db_int(r->a, pg.limit);
	p[5] = db_int(r->a, pg.offset);
	if ((res = db_exec(r->a, &st_count, p)) == NULL)
		return err_internal(r, "could not count API keys");
	total = to_ll(PQgetvalue(res, 0, 0));
	if ((res = db_exec(r->a, &st_list, p)) == NULL)
		return err_internal(r, "could not list API keys");
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++)
		json_object_array_add(arr, key_json(r, res, i, NULL));
	paginate_headers(r, &pg, total);
	return http_reply_json(r, 200, arr);
}

/* Insert a key with a fresh kid and secret; the row, or NULL. */
static PGresult *
insert_key(struct req *r, const struct holder *h, const char *scope,
    char secret[2 * SECRET_BYTES + 1])
{
	PGresult	*res;
	const char	*p[6];
	char		 kid[2 * KID_BYTES + 1];
	int		 i;

	p[0] = h->type;
	p[1] = db_int(r->a, h->id);
	p[2] = kid;
	p[3] = param_str(r, "algorithm");
	p[4] = scope;
	for (i = 0; i < KID_TRIES; i++) {
		if (crypto_random_hex(kid, KID_BYTES) == -1 ||
		    crypto_random_hex(secret, SECRET_BYTES) == -1) {
			err_internal(r, "no randomness");
			return NULL;
		}
		/* The aad names the kid: seal again for each one. */
		if ((p[5] = apikey_seal_secret(r->a, kid, secret)) == NULL) {
			err_set(r, 422, "api_key.could_not_save_secret",
			    "no keyring to seal a secret");
			return NULL;
		}
		if ((res = db_exec(r->a, &st_insert, p)) == NULL)
			return NULL;
		if (PQntuples(res) == 1)
			return res;
	}
	err_internal(r, "no free kid after %d tries", KID_TRIES);
	return NULL;
}

/*
 * Create a key (Barong's APIKey validations: the holder active, a kid
 * only for HS algorithms, HS256 only).  201 the key with its secret.
 */
static int
create_key(struct req *r, const struct user *u, struct holder *h,
    const struct guard *g)
{
	struct model_err	 me = { 0 };
	const char		*alg = param_str(r, "algorithm");
	PGresult		*res;
	json_object		*o;
	char			 secret[2 * SECRET_BYTES + 1];

	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (lock_holder(r, u, h, g) == -1)
		return db_fail_tx(r, "lock the key holder");
	if (!holder_active(h))
		model_err_add(&me, "key_holder_account.invalid");
	if (strstr(alg, "HS") == NULL)
		model_err_add(&me, "kid.blank");
	if (strcmp(alg, "HS256") != 0)
		model_err_add(&me, "algorithm.inclusion");
	if (model_err_flush(r, &me, 422) == -1) {
		db_rollback();
		return -1;
	}
	res = insert_key(r, h, apikey_scope_yaml(r->a, param_str(r, "scope")),
	    secret);
	if (res == NULL || db_commit() == -1) {
		crypto_wipe(secret, sizeof(secret));
		return db_fail_tx(r, "create an API key");
	}
	o = key_json(r, res, 0, secret);
	crypto_wipe(secret, sizeof(secret));
	return http_reply_json(r, 201, o);
}

/*
 * Update a key's scope (cleared when absent, as Barong does) and state
 * (kept when absent).  A key is made active only for an active holder.
 * 200 the key without its secret; 404 record.not_found.
 */
static int
update_key(struct req *r, const struct user *u, struct holder *h,
    const struct guard *g)
{
	PGresult	*res;
	const char	*p[3], *state = param_str(r, "state");

	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (lock_holder(r, u, h, g) == -1)
		return db_fail_tx(r, "lock the key holder");
	p[0] = h->type;
	p[1] = db_int(r->a, h->id);
	p[2] = param_str(r, "kid");
	if ((res = db_exec(r->a, &st_find, p)) == NULL)
		return db_fail_tx(r, "find an API key");
	if (PQntuples(res) == 0) {
		db_rollback();
		return err_set(r, 404, "record.not_found", NULL);
	}
	if (state == NULL)
		state = PQgetvalue(res, 0, 4);
	if (strcmp(state, "active") == 0 && !holder_active(h)) {
		db_rollback();
		return err_set(r, 422, "state.invalid", NULL);
	}
	p[0] = PQgetvalue(res, 0, 0);
	p[1] = apikey_scope_yaml(r->a, param_str(r, "scope"));
	p[2] = state;
	if ((res = db_exec(r->a, &st_update, p)) == NULL ||
	    PQntuples(res) != 1 || db_commit() == -1)
		return db_fail_tx(r, "update an API key");
	return http_reply_json(r, 200, key_json(r, res, 0, NULL));
}

/* 204; 404 record.not_found. */
static int
delete_key(struct req *r, const struct holder *h)
{
	PGresult	*res;
	const char	*p[3];

	p[0] = h->type;
	p[1] = db_int(r->a, h->id);
	p[2] = param_str(r, "kid");
	if ((res = db_exec(r->a, &st_delete, p)) == NULL)
		return err_internal(r, "could not delete an API key");
	if (PQntuples(res) == 0)
		return err_set(r, 404, "record.not_found", NULL);
	return http_reply(r, 204, "", 0);
}

/* ---------------------------------------------------------- api_keys */

static const char *const orderings[] = { "asc", "desc", NULL };
/* apikeys' columns, Barong's APIKey.new.attributes.keys. */
static const char *const columns[] = { "id", "key_holder_account_id",
	"key_holder_account_type", "kid", "algorithm", "scope",
	"secret_encrypted", "state", "created_at", "updated_at", NULL };

#define P_ALGORITHM \
	{ .name = "algorithm", .type = PT_STRING, \
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 255 }
#define P_SCOPE \
	{ .name = "scope", .type = PT_STRING, .flags = P_NONBLANK, \
	  .maxlen = 4096 }
#define P_STATE \
	{ .name = "state", .type = PT_STRING, .flags = P_NONBLANK, \
	  .maxlen = 255 }
#define P_KID \
	{ .name = "kid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK, \
	  .maxlen = 255 }
#define P_TOTP(code_) \
	{ .name = "totp_code", .type = PT_STRING, \
	  .flags = P_REQUIRED | P_NONBLANK, .missing = (code_), \
	  .maxlen = 64 }
#define P_ORDERING(err) \
	{ .name = "ordering", .type = PT_ANY, .values = orderings, \
	  .value_err = (err), .def = "asc", .maxlen = 64 }
#define P_ORDER_BY(err) \
	{ .name = "order_by", .type = PT_ANY, .values = columns, \
	  .value_err = (err), .def = "id", .maxlen = 64 }
#define P_SA_UID \
	{ .name = "service_account_uid", .type = PT_STRING, \
	  .flags = P_REQUIRED, \
	  .invalid = "resource.service_account.non_string_service_account_uid", \
	  .maxlen = 255 }

static const struct param list_params[] = {
	P_ORDERING("resource.api_key.invalid_ordering"),
	P_ORDER_BY("resource.api_key.invalid_attribute"),
	PARAM_PAGE,
	PARAM_LIMIT,
	{ .name = NULL }
};
static const struct param create_params[] = {
	P_ALGORITHM,
	P_SCOPE,
	P_TOTP("resource.api_key.missing_totp"),
	{ .name = NULL }
};
static const struct param update_params[] = {
	P_KID,
	P_SCOPE,
	P_STATE,
	P_TOTP(NULL),
	{ .name = NULL }
};
static const struct param delete_params[] = {
	P_KID,
	P_TOTP(NULL),
	{ .name = NULL }
};

static int
user_holder(struct req *r, struct user **u, struct holder *h)
{
	if (bearer_user(r, u) == -1)
		return -1;
	h->type = "User";
	h->id = (*u)->id;
	h->state = (*u)->state;
	return 0;
}

/* GET /api_keys: 200 the user's keys, paginated.  No 2FA needed. */
static int
keys_index(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (user_holder(r, &u, &h) == -1)
		return -1;
	return list_keys(r, &h);
}

/* POST /api_keys: 201; 400 2fa_disabled; 422 guard and model codes. */
static int
keys_create(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (user_holder(r, &u, &h) == -1 || guard(r, u, &user_guard) == -1)
		return -1;
	return create_key(r, u, &h, &user_guard);
}

/* PATCH /api_keys/{kid}: 200; 400; 404; 422. */
static int
keys_update(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (user_holder(r, &u, &h) == -1 || guard(r, u, &user_guard) == -1)
		return -1;
	return update_key(r, u, &h, &user_guard);
}

/* DELETE /api_keys/{kid}: 204; 400; 404; 422. */
static int
keys_delete(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (user_holder(r, &u, &h) == -1 || guard(r, u, &user_guard) == -1)
		return -1;
	return delete_key(r, &h);
}

/* --------------------------------------------------- service accounts */

static const struct param sa_list_params[] = {
	P_ORDERING("resource.service_accounts.invalid_ordering"),
	P_ORDER_BY("resource.service_accounts.invalid_attribute"),
	PARAM_PAGE,
	PARAM_LIMIT,
	P_SA_UID,
	{ .name = NULL }
};
static const struct param sa_create_params[] = {
	P_SA_UID,
	P_ALGORITHM,
	P_SCOPE,
	P_TOTP("resource.service_accounts.missing_totp"),
	{ .name = NULL }
};
static const struct param sa_update_params[] = {
	P_SA_UID,
	P_KID,
	P_SCOPE,
	P_STATE,
	P_TOTP(NULL),
	{ .name = NULL }
};
static const struct param sa_delete_params[] = {
	P_SA_UID,
	P_KID,
	P_TOTP(NULL),
	{ .name = NULL }
};

/* GET /service_accounts: 200 the user's service accounts, raw rows. */
static int
sa_index(struct req *r)
{
	struct user	*u;
	PGresult	*res;
	json_object	*arr, *o;
	const char	*p[1];
	int		 i;

	if (bearer_user(r, &u) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	if ((res = db_exec(r->a, &st_sa_list, p)) == NULL)
		return err_internal(r, "could not list service accounts");
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(
		    to_ll(PQgetvalue(res, i, 0))));
		json_object_object_add(o, "uid", json_object_new_string(
		    PQgetvalue(res, i, 1)));
		json_object_object_add(o, "owner_id", PQgetisnull(res, i, 2) ?
		    NULL : json_object_new_int64(to_ll(PQgetvalue(res, i, 2))));
		json_object_object_add(o, "email", json_object_new_string(
		    PQgetvalue(res, i, 3)));
		json_object_object_add(o, "role", json_object_new_string(
		    PQgetvalue(res, i, 4)));
		json_object_object_add(o, "level", json_object_new_int64(
		    to_ll(PQgetvalue(res, i, 5))));
		json_object_object_add(o, "state", json_object_new_string(
		    PQgetvalue(res, i, 6)));
		json_object_object_add(o, "created_at",
		    json_object_new_string(PQgetvalue(res, i, 7)));
		json_object_object_add(o, "updated_at",
		    json_object_new_string(PQgetvalue(res, i, 8)));
		json_object_array_add(arr, o);
	}
	return http_reply_json(r, 200, arr);
}

/* The user's service account named by service_account_uid, else 404. */
static int
sa_holder(struct req *r, struct user **u, struct holder *h)
{
	PGresult	*res;
	const char	*p[2];

	if (bearer_user(r, u) == -1)
		return -1;
	p[0] = db_int(r->a, (*u)->id);
	p[1] = param_str(r, "service_account_uid");
	if ((res = db_exec(r->a, &st_sa_find, p)) == NULL)
		return err_internal(r, "could not find a service account");
	if (PQntuples(res) == 0)
		return err_set(r, 404, "resource.service_account.doesnt_exist",
		    NULL);
	h->type = "ServiceAccount";
	h->id = to_ll(PQgetvalue(res, 0, 0));
	h->state = PQgetvalue(res, 0, 1);
	return 0;
}

/* GET /service_accounts/api_keys: 200 paginated; 404 doesnt_exist. */
static int
sa_keys_index(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (sa_holder(r, &u, &h) == -1)
		return -1;
	return list_keys(r, &h);
}

/* POST /service_accounts/api_keys: 201; 400; 404; 422. */
static int
sa_keys_create(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (sa_holder(r, &u, &h) == -1 || guard(r, u, &sa_guard) == -1)
		return -1;
	return create_key(r, u, &h, &sa_guard);
}

/* PUT /service_accounts/api_keys/{kid}: 200; 400; 404; 422. */
static int
sa_keys_update(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (sa_holder(r, &u, &h) == -1 || guard(r, u, &sa_guard) == -1)
		return -1;
	return update_key(r, u, &h, &sa_guard);
}

/* DELETE /service_accounts/api_keys/{kid}: 204; 400; 404; 422. */
static int
sa_keys_delete(struct req *r)
{
	struct user	*u;
	struct holder	 h;

	if (sa_holder(r, &u, &h) == -1 || guard(r, u, &sa_guard) == -1)
		return -1;
	return delete_key(r, &h);
}

static const struct route routes[] = {
	{ "GET", "/api_keys", keys_index, list_params, RES_APIKEY, 0 },
	{ "POST", "/api_keys", keys_create, create_params, RES_APIKEY, 0 },
	{ "PATCH", "/api_keys/{kid}", keys_update, update_params, RES_APIKEY,
	  0 },
	{ "DELETE", "/api_keys/{kid}", keys_delete, delete_params, RES_APIKEY,
	  0 },
	{ "GET", "/service_accounts", sa_index, NULL, RES_SERVICE, 0 },
	{ "GET", "/service_accounts/api_keys", sa_keys_index, sa_list_params,
	  RES_SERVICE, 0 },
	{ "POST", "/service_accounts/api_keys", sa_keys_create,
	  sa_create_params, RES_SERVICE, 0 },
	{ "PUT", "/service_accounts/api_keys/{kid}", sa_keys_update,
	  sa_update_params, RES_SERVICE, 0 },
	{ "DELETE", "/service_accounts/api_keys/{kid}", sa_keys_delete,
	  sa_delete_params, RES_SERVICE, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_apikeys = { routes, NULL };
