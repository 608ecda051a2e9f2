/*
 * barong-resource: the users part (user-api.md §5.1-5.6, 5.13): the user
 * himself, his password, his activity, his labels, data storage and the
 * Swagger documents.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "activity.h"
#include "arena.h"
#include "barongyml.h"
#include "bearer.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "general.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "log.h"
#include "outbox.h"
#include "paginate.h"
#include "params.h"
#include "parse.h"
#include "password.h"
#include "resource.h"
#include "totp.h"
#include "user.h"

#define ISO(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define LABEL_COLS "key, value, scope, " ISO("created_at") ", " \
	ISO("updated_at")
#define NOW "(now() AT TIME ZONE 'utc')"

static const struct db_stmt st_set_data = { "resu_user_set_data",
	"UPDATE users SET data = $2::text, updated_at = CASE"
	" WHEN data IS DISTINCT FROM $2::text THEN " NOW " ELSE updated_at END"
	" WHERE id = $1::bigint", 2 };
static const struct db_stmt st_private_label = { "resu_private_label",
	"SELECT 1 FROM labels WHERE user_id = $1::bigint AND key = $2"
	" AND scope = 'private'", 2 };

static const struct db_stmt st_activity_count = { "resu_activity_count",
	"SELECT count(*) FROM activities WHERE user_id = $1::bigint"
	" AND ($2::text IS NULL OR topic = $2)"
	" AND ($3::bigint IS NULL OR"
	"  created_at >= (to_timestamp($3::bigint) AT TIME ZONE 'utc'))"
	" AND ($4::bigint IS NULL OR"
	"  created_at < (to_timestamp($4::bigint) AT TIME ZONE 'utc'))"
	" AND ($5::text IS NULL OR result = $5)", 5 };
static const struct db_stmt st_activity_page = { "resu_activity_page",
	"SELECT id, user_ip, user_ip_country, user_agent, topic, action,"
	" result, data, " ISO("created_at")
	" FROM activities WHERE user_id = $1::bigint"
	" AND ($2::text IS NULL OR topic = $2)"
	" AND ($3::bigint IS NULL OR"
	"  created_at >= (to_timestamp($3::bigint) AT TIME ZONE 'utc'))"
	" AND ($4::bigint IS NULL OR"
	"  created_at < (to_timestamp($4::bigint) AT TIME ZONE 'utc'))"
	" AND ($5::text IS NULL OR result = $5)"
	" ORDER BY id DESC LIMIT $6::bigint OFFSET $7::bigint", 7 };

static const struct db_stmt st_labels_asc = { "resu_labels_asc",
	"SELECT " LABEL_COLS " FROM labels WHERE user_id = $1::bigint"
	" ORDER BY created_at ASC, id ASC", 1 };
static const struct db_stmt st_labels_desc = { "resu_labels_desc",
	"SELECT " LABEL_COLS " FROM labels WHERE user_id = $1::bigint"
	" ORDER BY created_at DESC, id DESC", 1 };
/* Barong's find_by!(key:): the first label with the key, any scope. */
static const struct db_stmt st_label_find = { "resu_label_find",
	"SELECT " LABEL_COLS ", id FROM labels WHERE user_id = $1::bigint"
	" AND key = $2 ORDER BY id LIMIT 1", 2 };
static const struct db_stmt st_label_public = { "resu_label_public",
	"SELECT 1 FROM labels WHERE user_id = $1::bigint AND key = $2"
	" AND scope = 'public'", 2 };
static const struct db_stmt st_label_insert = { "resu_label_insert",
	"INSERT INTO labels (user_id, key, value, scope)"
	" VALUES ($1::bigint, $2, $3, 'public')"
	" ON CONFLICT DO NOTHING RETURNING " LABEL_COLS, 3 };
/* The scope test: an admin may have made it private meanwhile. */
static const struct db_stmt st_label_update = { "resu_label_update",
	"UPDATE labels SET value = $2::varchar, updated_at = CASE"
	" WHEN value IS DISTINCT FROM $2::varchar THEN " NOW " ELSE updated_at END"
	" WHERE id = $1::bigint AND scope = 'public'"
	" RETURNING " LABEL_COLS ", id, description", 2 };
static const struct db_stmt st_label_delete = { "resu_label_delete",
	"DELETE FROM labels WHERE id = $1::bigint AND scope = 'public'"
	" RETURNING key", 1 };

static const struct db_stmt st_storage_taken = { "resu_storage_taken",
	"SELECT 1 FROM data_storages WHERE user_id = $1::bigint"
	" AND lower(title) = lower($2)", 2 };
static const struct db_stmt st_storage_insert = { "resu_storage_insert",
	"INSERT INTO data_storages (user_id, title, data)"
	" VALUES ($1::bigint, $2, $3) ON CONFLICT DO NOTHING RETURNING id", 3 };

/* ------------------------------------------------------------ helpers */

/* Characters (code points) of valid UTF-8, as Ruby's String#length. */
static size_t
chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Length of the white-space character at s ([[:space:]]), or 0. */
static size_t
space_at(const unsigned char *s)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||
	    (s[0] == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xa8 ||
	    s[2] == 0xa9 || s[2] == 0xaf)) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80))
		return 3;
	return 0;
}

/*
 * Label's normalize_fields: downcase and squish (white-space runs become
 * one space, none at either end).  Only ASCII letters are lowered; any
 * other letter fails the key/value format anyway.
 */
static char *
squish_lower(struct arena *a, const char *in)
{
	const unsigned char	*s = (const unsigned char *)in;
	char			*out = arena_alloc(a, strlen(in) + 1), *o = out;
	size_t			 n;
	int			 gap = 0;

	while (*s != '\0') {
		if ((n = space_at(s)) > 0) {
			gap = o != out;
			s += n;
			continue;
		}
		if (gap)
			*o++ = ' ';
		gap = 0;
		*o++ = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		s++;
	}
	*o = '\0';
	return out;
}

/* Label's key and value rule: 3..255 characters of [a-z0-9_-]. */
static void
label_field_check(struct model_err *m, const char *attr, const char *v)
{
	size_t	n = chars(v);

	if (n < 3)
		model_err_add(m, attr[0] == 'k' ? "key.too_short" :
		    "value.too_short");
	if (n > 255)
		model_err_add(m, attr[0] == 'k' ? "key.too_long" :
		    "value.too_long");
	if (*v == '\0' || v[strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-")]
	    != '\0')
		model_err_add(m, attr[0] == 'k' ? "key.invalid" :
		    "value.invalid");
}

static int
label_field_valid(const char *v)
{
	struct model_err	m = { 0 };

	label_field_check(&m, "key", v);
	return m.n == 0;
}

/* 1 if the user has a label key in scope (st), 0 if not, -1 on failure. */
static int
label_exists(struct req *r, const struct db_stmt *st, long long user_id,
    const char *key)
{
	PGresult	*res;
	const char	*p[2];

	p[0] = db_int(r->a, user_id);
	p[1] = key;
	if ((res = db_exec(r->a, st, p)) == NULL)
		return -1;
	return PQntuples(res) > 0;
}

/*
 * Barong's labels.create(scope: 'private'): nothing when the user already
 * has a private label with that key (the uniqueness validation fails
 * silently).  Inside the caller's transaction.  0 or -1.
 */
static int
private_label_create(struct req *r, long long user_id, const char *key,
    const char *value)
{
	int	rc;

	if ((rc = label_exists(r, &st_private_label, user_id, key)) != 0)
		return rc == 1 ? 0 : -1;
	return labels_set_private(r->a, user_id, key, value);
}

/* A Label entity from row i of a result whose first columns are LABEL_COLS. */
static json_object *
label_json(PGresult *res, int i)
{
	static const char *const keys[] = { "key", "value", "scope",
		"created_at", "updated_at" };
	json_object	*o = json_object_new_object();
	int		 c;

	for (c = 0; c < 5; c++)
		json_object_object_add(o, keys[c],
		    json_object_new_string(PQgetvalue(res, i, c)));
	return o;
}

/* Reply with the user as he now is. */
static int
reply_user(struct req *r, int status, long long user_id)
{
	struct user	*u;

	if (user_find_by_id(r->a, user_id, &u) != 0)
		return err_internal(r, "user %lld vanished", user_id);
	return http_reply_json(r, status, user_json_full(r->a, u, NULL));
}

/* Barong's data_is_json validation. */
static int
is_json(const char *s)
{
	json_object	*o = parse_json_body(s, strlen(s));

	if (o == NULL)
		return 0;
	json_object_put(o);
	return 1;
}

/* -------------------------------------------------------- users/me */

/* GET /users/me: 200 UserWithFullInfo (no csrf_token). */
static int
users_me(struct req *r)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	return http_reply_json(r, 200, user_json_full(r->a, u, NULL));
}

static const struct param me_put_params[] = {
	{ .name = "data", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = NULL }
};

/* PUT /users/me: 200 UserWithFullInfo; 422 data.too_long, invalid_format. */
static int
users_me_put(struct req *r)
{
	struct model_err	 m = { 0 };
	struct user		*u;
	const char		*data = param_str(r, "data"), *p[2];

	if (bearer_user(r, &u) == -1)
		return -1;
	if (chars(data) > 1024)
		model_err_add(&m, "data.too_long");
	if (!is_json(data))
		model_err_add(&m, "data.invalid_format");
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = data;
	if (db_exec(r->a, &st_set_data, p) == NULL)
		return err_internal(r, "could not save user data");
	return reply_user(r, 200, u->id);
}

static const struct param me_delete_params[] = {
	{ .name = "password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = "otp_code", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 64 },
	{ .name = NULL }
};

/*
 * The user's TOTP code for a sensitive change: 0 when accepted, else -1
 * with missing_otp_code, invalid_otp or totp.error (a reused code).
 */
static int
check_otp(struct req *r, const struct user *u)
{
	const char	*code = param_str(r, "otp_code");

	if (code == NULL)
		return err_set(r, 422, RES_USER ".missing_otp_code", NULL);
	switch (totp_verify(r->a, u->id, u->uid, code)) {
	case TOTP_OK:
		return 0;
	case TOTP_INVALID:
		return err_set(r, 422, RES_USER ".invalid_otp", NULL);
	default:
		return err_set(r, 422, "totp.error", NULL);
	}
}

/*
 * DELETE /users/me: 200, body 200; 422 invalid_password, missing_otp_code,
 * invalid_otp, totp.error.  The private label delete:by_user makes the
 * user "deleted" (barong.yml state_triggers), which deactivates his API
 * keys; the gateway refuses his sessions from then on.  Barong's event
 * system.user.account.deleted has no mail template: nothing is queued.
 */
static int
users_me_delete(struct req *r)
{
	struct user	*u;
	const char	*pw = param_str(r, "password");

	if (bearer_user(r, &u) == -1)
		return -1;
	if (!crypto_bcrypt_verify(pw, strlen(pw), u->password_digest))
		return err_set(r, 422, RES_USER ".invalid_password", NULL);
	if (u->otp && check_otp(r, u) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (private_label_create(r, u->id, "delete", "by_user") == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "delete a user");
	return http_reply_status_body(r, 200);
}

/* --------------------------------------------------------- password */

static const struct param password_params[] = {
	{ .name = "old_password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = "new_password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = "confirm_password", .type = PT_STRING,
	  .flags = P_REQUIRED | P_NONBLANK, .maxlen = 4096 },
	{ .name = NULL }
};

/* A refused password change: its activity, then the error. */
static int
password_refused(struct req *r, long long user_id, int status,
    const char *code, const char *reason)
{
	activity_record(r, user_id, "password", "password change", "failed",
	    reason);
	return err_set(r, status, code, NULL);
}

/*
 * PUT /users/password: 201, body 201; 422 resource.password.doesnt_match,
 * 400 prev_pass_not_correct, 400 no_change_provided, 422 password model
 * codes.  Sessions stay open, as in Barong.  Barong's event
 * system.user.password.change has no mail template: nothing is queued.
 */
static int
users_password(struct req *r)
{
	struct user	*u;
	const char	*old = param_str(r, "old_password");
	const char	*new = param_str(r, "new_password");
	const char	*reason;

	if (bearer_user(r, &u) == -1)
		return -1;
	if (strcmp(new, param_str(r, "confirm_password")) != 0)
		return password_refused(r, u->id, 422,
		    "resource.password.doesnt_match",
		    "New passwords don't match");
	if (!crypto_bcrypt_verify(old, strlen(old), u->password_digest))
		return password_refused(r, u->id, 400,
		    "resource.password.prev_pass_not_correct",
		    "Previous password is not correct");
	if (strcmp(old, new) == 0)
		return password_refused(r, u->id, 400,
		    "resource.password.no_change_provided",
		    "New password cant be the same, as old one");
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (user_set_password(r, u->id, new) == -1) {
		db_rollback();
		if (r->err.status != 422)
			return -1;
		reason = password_reason(r->err.keys[0]);
		activity_record(r, u->id, "password", "password change",
		    "failed", reason);
		return -1;
	}
	if (activity_record(r, u->id, "password", "password change",
	    "succeed", NULL) == -1 || db_commit() == -1)
		return db_fail_tx(r, "change a password");
	return http_reply_status_body(r, 201);
}

/* --------------------------------------------------------- activity */

static const char *const topics[] = { "all", "session", "otp", "password",
	"account", NULL };

static const struct param activity_params[] = {
	{ .name = "topic", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .empty = RES_USER ".empty_topic", .maxlen = 255 },
	{ .name = "time_from", .type = PT_INTEGER, .flags = P_NONBLANK,
	  .invalid = RES_USER ".non_integer_time_from",
	  .empty = RES_USER ".empty_time_from" },
	{ .name = "time_to", .type = PT_INTEGER, .flags = P_NONBLANK,
	  .invalid = RES_USER ".non_integer_time_to",
	  .empty = RES_USER ".empty_time_to" },
	{ .name = "result", .type = PT_STRING, .flags = P_NONBLANK,
	  .invalid = RES_USER ".non_string_result",
	  .empty = RES_USER ".empty_result", .maxlen = 255 },
	PARAM_PAGE,
	PARAM_LIMIT,
	{ .name = NULL }
};

static json_object *
activity_json(PGresult *res, int i)
{
	static const char *const keys[] = { "user_ip", "user_ip_country",
		"user_agent", "topic", "action", "result", "data",
		"created_at" };
	json_object	*o = json_object_new_object();
	int		 c;

	json_object_object_add(o, "id", json_object_new_int64(
	    strtoll(PQgetvalue(res, i, 0), NULL, 10)));
	for (c = 1; c <= 8; c++)
		json_object_object_add(o, keys[c - 1], PQgetisnull(res, i, c) ?
		    NULL : json_object_new_string(PQgetvalue(res, i, c)));
	return o;
}

/*
 * GET /users/activity/{topic}: 200 Activity array, newest first, with
 * pagination headers; 422 wrong_topic, no_activity (nothing matches the
 * filters), parameter codes.
 */
static int
users_activity(struct req *r)
{
	struct user	*u;
	struct page	 pg;
	PGresult	*res;
	json_object	*arr;
	const char	*topic = param_str(r, "topic"), *p[7];
	long long	 total;
	size_t		 i;
	int		 row;

	for (i = 0; topics[i] != NULL; i++)
		if (strcmp(topic, topics[i]) == 0)
			break;
	if (topics[i] == NULL)
		return err_set(r, 422, RES_USER ".wrong_topic", NULL);
	if (bearer_user(r, &u) == -1)
		return -1;
	paginate_get(r, &pg);
	p[0] = db_int(r->a, u->id);
	p[1] = strcmp(topic, "all") == 0 ? NULL : topic;
	p[2] = param_epoch(r, "time_from");
	p[3] = param_epoch(r, "time_to");
	p[4] = param_str(r, "result");
	p[5] = db_int(r->a, pg.limit);
	p[6] = db_int(r->a, pg.offset);
	if ((res = db_exec(r->a, &st_activity_count, p)) == NULL)
		return err_internal(r, "could not count activities");
	if ((total = strtoll(PQgetvalue(res, 0, 0), NULL, 10)) == 0)
		return err_set(r, 422, RES_USER ".no_activity", NULL);
	if ((res = db_exec(r->a, &st_activity_page, p)) == NULL)
		return err_internal(r, "could not list activities");
	arr = json_object_new_array();
	for (row = 0; row < PQntuples(res); row++)
		json_object_array_add(arr, activity_json(res, row));
	paginate_headers(r, &pg, total);
	return http_reply_json(r, 200, arr);
}

/* ----------------------------------------------------------- labels */

static const char *const orderings[] = { "asc", "desc", NULL };

static const struct param labels_list_params[] = {
	{ .name = "ordering", .type = PT_STRING, .values = orderings,
	  .def = "asc", .maxlen = 16 },
	{ .name = NULL }
};

/* GET /labels: 200 Label array (every scope) by creation time. */
static int
labels_list(struct req *r)
{
	struct user	*u;
	PGresult	*res;
	json_object	*arr;
	const char	*p[1];
	int		 i;

	if (bearer_user(r, &u) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	res = db_exec(r->a, strcmp(param_str(r, "ordering"), "desc") == 0 ?
	    &st_labels_desc : &st_labels_asc, p);
	if (res == NULL)
		return err_internal(r, "could not list labels");
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++)
		json_object_array_add(arr, label_json(res, i));
	return http_reply_json(r, 200, arr);
}

static const struct param label_key_params[] = {
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = NULL }
};

static const struct param label_params[] = {
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = NULL }
};

/*
 * The user's first label with the route's key, any scope: the result
 * (row 0: LABEL_COLS, id), or NULL with 404 record.not_found or 500.
 */
static PGresult *
label_find(struct req *r, const struct user *u)
{
	PGresult	*res;
	const char	*p[2];

	p[0] = db_int(r->a, u->id);
	p[1] = param_str(r, "key");
	if ((res = db_exec(r->a, &st_label_find, p)) == NULL) {
		err_internal(r, "could not look up a label");
		return NULL;
	}
	if (PQntuples(res) == 0) {
		err_set(r, 404, "record.not_found", NULL);
		return NULL;
	}
	return res;
}

/* The label of label_find() when public; else 400 resource.labels.private. */
static PGresult *
label_find_public(struct req *r, const struct user *u)
{
	PGresult	*res;

	if ((res = label_find(r, u)) == NULL)
		return NULL;
	if (strcmp(PQgetvalue(res, 0, 2), "private") == 0) {
		err_set(r, 400, "resource.labels.private", NULL);
		return NULL;
	}
	return res;
}

/* GET /labels/{key}: 200 Label (any scope); 404 record.not_found. */
static int
label_get(struct req *r)
{
	struct user	*u;
	PGresult	*res;

	if (bearer_user(r, &u) == -1 || (res = label_find(r, u)) == NULL)
		return -1;
	return http_reply_json(r, 200, label_json(res, 0));
}

/*
 * A public label whose key is a state trigger (barong.yml state_triggers)
 * decides the user's state as a private one does: recompute it at once,
 * where Barong waits for the next private-label change (barong-compat(7)).
 */
static int
public_label_changed(struct req *r, long long user_id, const char *key)
{
	if (!strlist_has(&byml.trigger_keys, key))
		return 0;
	return labels_recompute_user(r->a, user_id);
}

/*
 * POST /labels: 201 Label, a public label (key and value lower-cased and
 * squished); 422 key.* and value.* model codes, key.taken when the user
 * has a public label with that key.
 */
static int
label_create(struct req *r)
{
	struct model_err	 m = { 0 };
	struct user		*u;
	PGresult		*res;
	const char		*key, *value, *p[3];
	int			 rc;

	if (bearer_user(r, &u) == -1)
		return -1;
	key = squish_lower(r->a, param_str(r, "key"));
	value = squish_lower(r->a, param_str(r, "value"));
	/* Rails' order: presence of both, then key's rules, value's. */
	if (*key == '\0')
		model_err_add(&m, "key.blank");
	if (*value == '\0')
		model_err_add(&m, "value.blank");
	label_field_check(&m, "key", key);
	if ((rc = label_exists(r, &st_label_public, u->id, key)) == -1)
		return err_internal(r, "could not check a label");
	if (rc == 1)
		model_err_add(&m, "key.taken");
	label_field_check(&m, "value", value);
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = key;
	p[2] = value;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_label_insert, p)) == NULL)
		return db_fail_tx(r, "create a label");
	if (PQntuples(res) == 0) {	/* a concurrent twin won */
		db_rollback();
		return err_set(r, 422, "key.taken", NULL);
	}
	if (public_label_changed(r, u->id, key) == -1 || db_commit() == -1)
		return db_fail_tx(r, "create a label");
	return http_reply_json(r, 201, label_json(res, 0));
}

/*
 * Barong's label.updated event mails "Label Updated" (for public labels
 * too): queue it with its record {id, key, value, description, user}
 * from row 0 of the update (LABEL_COLS, id, description).
 */
static int
label_updated_mail(struct req *r, const struct user *u, PGresult *res)
{
	json_object	*rec = json_adopt(r->a, json_object_new_object());

	json_object_object_add(rec, "id", json_object_new_int64(
	    strtoll(PQgetvalue(res, 0, 5), NULL, 10)));
	json_object_object_add(rec, "key",
	    json_object_new_string(PQgetvalue(res, 0, 0)));
	json_object_object_add(rec, "value",
	    json_object_new_string(PQgetvalue(res, 0, 1)));
	json_object_object_add(rec, "description", PQgetisnull(res, 0, 6) ?
	    NULL : json_object_new_string(PQgetvalue(res, 0, 6)));
	json_object_object_add(rec, "user", user_event_json(u));
	return outbox_enqueue(r->a, "label.updated", u->id, rec, NULL);
}

/*
 * PATCH /labels/{key}: 200 Label with the new (normalised) value; 404
 * record.not_found; 400 resource.labels.private; 422 value.* model codes.
 * A changed value mails "Label Updated", as Barong's mailer does.
 * Barong answers 200 with the refused value as if it had been saved; we
 * answer 422 (barong-compat(7)).
 */
static int
label_update(struct req *r)
{
	struct model_err	 m = { 0 };
	struct user		*u;
	PGresult		*res;
	const char		*value, *p[2];
	int			 changed;

	if (bearer_user(r, &u) == -1 || (res = label_find_public(r, u)) == NULL)
		return -1;
	value = squish_lower(r->a, param_str(r, "value"));
	if (*value == '\0')
		model_err_add(&m, "value.blank");
	label_field_check(&m, "value", value);
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	p[0] = PQgetvalue(res, 0, 5);
	p[1] = value;
	changed = strcmp(PQgetvalue(res, 0, 1), value) != 0;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_label_update, p)) == NULL)
		return db_fail_tx(r, "update a label");
	if (PQntuples(res) == 0) {	/* made private or deleted meanwhile */
		db_rollback();
		return err_set(r, 404, "record.not_found", NULL);
	}
	if ((changed && label_updated_mail(r, u, res) == -1) ||
	    db_commit() == -1)
		return db_fail_tx(r, "update a label");
	return http_reply_json(r, 200, label_json(res, 0));
}

/* DELETE /labels/{key}: 204; 404 record.not_found; 400 labels.private. */
static int
label_delete(struct req *r)
{
	struct user	*u;
	PGresult	*res;
	const char	*p[1];

	if (bearer_user(r, &u) == -1 || (res = label_find_public(r, u)) == NULL)
		return -1;
	p[0] = PQgetvalue(res, 0, 5);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_label_delete, p)) == NULL)
		return db_fail_tx(r, "delete a label");
	if (PQntuples(res) == 0) {
		db_rollback();
		return err_set(r, 404, "record.not_found", NULL);
	}
	if (public_label_changed(r, u->id, PQgetvalue(res, 0, 0)) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "delete a label");
	return http_reply(r, 204, "", 0);
}

/* ----------------------------------------------------- data storage */

static const struct param storage_params[] = {
	{ .name = "title", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "data", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 65536 },
	{ .name = NULL }
};

static const char *const storage_reserved[] = { "document", "label",
	"profile", "phone", "user", NULL };

/*
 * POST /data_storage: 201, body 201; 422 data.too_long, data.invalid_format,
 * title.taken, title.inclusion (titles of barong.yml user_storage_titles),
 * title.exclusion.  Adds the private label <title>:recorded when the title
 * makes a valid label key (silently not otherwise, as Barong).
 */
static int
storage_create(struct req *r)
{
	struct model_err	 m = { 0 };
	struct user		*u;
	PGresult		*res;
	const char		*title = param_str(r, "title");
	const char		*data = param_str(r, "data"), *p[3], *key;
	size_t			 i;

	if (bearer_user(r, &u) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = title;
	p[2] = data;
	if (chars(data) > 5120)
		model_err_add(&m, "data.too_long");
	if (!is_json(data))
		model_err_add(&m, "data.invalid_format");
	if ((res = db_exec(r->a, &st_storage_taken, p)) == NULL)
		return err_internal(r, "could not check a storage title");
	if (PQntuples(res) > 0)
		model_err_add(&m, "title.taken");
	if (!strlist_has(&byml.storage_titles, title))
		model_err_add(&m, "title.inclusion");
	for (i = 0; storage_reserved[i] != NULL; i++)
		if (strcmp(title, storage_reserved[i]) == 0)
			model_err_add(&m, "title.exclusion");
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_storage_insert, p)) == NULL)
		return db_fail_tx(r, "store data");
	if (PQntuples(res) == 0) {	/* a concurrent twin won */
		db_rollback();
		return err_set(r, 422, "title.taken", NULL);
	}
	key = squish_lower(r->a, title);
	if ((label_field_valid(key) &&
	    private_label_create(r, u->id, key, "recorded") == -1) ||
	    db_commit() == -1)
		return db_fail_tx(r, "store data");
	return http_reply_status_body(r, 201);
}

/* ---------------------------------------------------------- swagger */

#define SWAGGER_FILE	"user_api.json"
#define SWAGGER_PREFIX	"/api/v2/barong/resource/"
#define SWAGGER_NAMES	32

/*
 * The resource family's Swagger documents, made once at start from
 * data_dir/user_api.json (Barong's 2.7 user API): the whole family, and
 * one per resource name as grape-swagger's swagger_doc/{name} gives it.
 */
static char	*swagger_all;
static struct {
	char	*name;
	char	*doc;
} swagger_named[SWAGGER_NAMES];
static size_t	 swagger_nnamed;

/* The resource name of a documented path, in buf; NULL when not ours. */
static const char *
swagger_path_name(const char *path, char *buf, size_t len)
{
	size_t	n;

	if (strncmp(path, SWAGGER_PREFIX, strlen(SWAGGER_PREFIX)) != 0)
		return NULL;
	path += strlen(SWAGGER_PREFIX);
	n = strcspn(path, "/");
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, path, n);
	buf[n] = '\0';
	/* grape-swagger hides its own documentation paths. */
	return strcmp(buf, "swagger_doc") == 0 ? NULL : buf;
}

/*
 * The document with only the paths of resource name (NULL: every
 * resource path) and Barong's bearer security definition, serialised.
 */
static char *
swagger_render(json_object *doc, const char *name)
{
	json_object	*out = json_object_new_object(), *paths, *sec, *bt;
	const char	*s;
	char		 buf[64], *str;

	json_object_object_foreach(doc, k, v) {
		if (strcmp(k, "paths") == 0) {
			paths = json_object_new_object();
			json_object_object_foreach(v, path, ops) {
				s = swagger_path_name(path, buf, sizeof(buf));
				if (s == NULL || (name != NULL &&
				    strcmp(s, name) != 0))
					continue;
				json_object_object_add(paths, path,
				    json_object_get(ops));
			}
			json_object_object_add(out, k, paths);
			continue;
		}
		json_object_object_add(out, k, json_object_get(v));
		if (strcmp(k, "produces") == 0) {
			bt = json_object_new_object();
			json_object_object_add(bt, "description",
			    json_object_new_string(
			    "Bearer Token authentication"));
			json_object_object_add(bt, "type",
			    json_object_new_string("basic"));
			json_object_object_add(bt, "name",
			    json_object_new_string("Authorization"));
			json_object_object_add(bt, "in",
			    json_object_new_string("header"));
			sec = json_object_new_object();
			json_object_object_add(sec, "BearerToken", bt);
			json_object_object_add(out, "securityDefinitions", sec);
		}
	}
	s = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	str = s != NULL ? strdup(s) : NULL;
	json_object_put(out);
	return str;
}

/*
 * Load and render the documents.  A missing or broken file is logged and
 * leaves the swagger routes answering 500: documentation is no reason to
 * keep the API down.
 */
static void
swagger_load(void)
{
	json_object	*doc, *paths;
	char		 path[4096], buf[64];
	const char	*name;
	size_t		 i;
	int		 n;

	n = snprintf(path, sizeof(path), "%s/%s", cfg.data_dir, SWAGGER_FILE);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_warn("data_dir too long; swagger_doc answers 500");
		return;
	}
	doc = json_object_from_file(path);
	if (doc == NULL || !json_object_object_get_ex(doc, "paths", &paths) ||
	    !json_object_is_type(paths, json_type_object)) {
		log_warn("%s: not loaded (%s); swagger_doc answers 500",
		    path, json_util_get_last_err() ?
		    json_util_get_last_err() : "no paths");
		json_object_put(doc);
		return;
	}
	swagger_all = swagger_render(doc, NULL);
	json_object_object_foreach(paths, k, v) {
		(void)v;
		if ((name = swagger_path_name(k, buf, sizeof(buf))) == NULL)
			continue;
		for (i = 0; i < swagger_nnamed; i++)
			if (strcmp(swagger_named[i].name, name) == 0)
				break;
		if (i < swagger_nnamed || swagger_nnamed == SWAGGER_NAMES)
			continue;
		if ((swagger_named[i].name = strdup(name)) == NULL)
			break;
		swagger_named[i].doc = swagger_render(doc, name);
		swagger_nnamed++;
	}
	json_object_put(doc);
}

static int
swagger_reply(struct req *r, const char *doc)
{
	if (doc == NULL)
		return err_internal(r, "no swagger document (see start-up log)");
	http_add_header(r, "Access-Control-Allow-Origin", "*");
	http_add_header(r, "Access-Control-Request-Method", "*");
	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, 200, doc, strlen(doc));
}

/* GET /swagger_doc: 200 the resource family's Swagger 2.0 document. */
static int
swagger_doc(struct req *r)
{
	return swagger_reply(r, swagger_all);
}

/*
 * GET /swagger_doc/{name}: 200 the document of one resource (users,
 * labels, ...); 400 {"error":"named resource not exist"} for another name.
 */
static int
swagger_doc_named(struct req *r)
{
	static const char	 unknown[] = "{\"error\":\"named resource not exist\"}";
	const char		*name = r->route_vars[0];
	size_t			 i;

	if (swagger_all == NULL)
		return swagger_reply(r, NULL);
	for (i = 0; i < swagger_nnamed; i++)
		if (name != NULL && strcmp(swagger_named[i].name, name) == 0)
			return swagger_reply(r, swagger_named[i].doc);
	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, 400, unknown, sizeof(unknown) - 1);
}

/* ------------------------------------------------------------ start */

static const struct route routes[] = {
	{ "GET", "/users/me", users_me, NULL, RES_USER, 0 },
	{ "PUT", "/users/me", users_me_put, me_put_params, RES_USER, 0 },
	{ "DELETE", "/users/me", users_me_delete, me_delete_params, RES_USER,
	  0 },
	{ "GET", "/users/activity/{topic}", users_activity, activity_params,
	  RES_USER, 0 },
	{ "PUT", "/users/password", users_password, password_params, RES_USER,
	  0 },
	{ "GET", "/labels", labels_list, labels_list_params, RES_LABEL, 0 },
	{ "POST", "/labels", label_create, label_params, RES_LABEL, 0 },
	{ "GET", "/labels/{key}", label_get, label_key_params, RES_LABEL, 0 },
	{ "PATCH", "/labels/{key}", label_update, label_params, RES_LABEL, 0 },
	{ "DELETE", "/labels/{key}", label_delete, label_key_params, RES_LABEL,
	  0 },
	{ "POST", "/data_storage", storage_create, storage_params, RES_STORAGE,
	  0 },
	{ "GET", "/swagger_doc", swagger_doc, NULL, RES_USER, ROUTE_NOAUTH },
	{ "GET", "/swagger_doc/{name}", swagger_doc_named, NULL, RES_USER,
	  ROUTE_NOAUTH },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

/* The password policy (PUT /users/password) and the Swagger documents. */
static int
start(void)
{
	if (general_start() == -1)
		return -1;
	swagger_load();
	return 0;
}

const struct route_part resource_users = { routes, start };
