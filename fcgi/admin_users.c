/*
 * barong-admin: the users part (admin-api.md §7 users, §8 labels, §9
 * comments, §12.1-12.2 side effects): listing and showing users, changing
 * their state, 2FA, e-mail and role, the pending documents queue, data
 * storage deletion, labels and comments.
 *
 * Every handler validates its own parameters (check()) before the ability
 * check, as Barong does: besides the declarative tables it needs Grape's
 * exactly_one_of and the comments' length rule that runs between the
 * missing and blank checks, and Grape's "an empty string for a Boolean or
 * Integer is nil".  The route table therefore carries no parameters.
 *
 * Beyond Barong (barong-compat(7)): a state change away from "active",
 * a role change or a 2FA reset ends all the user's sessions at once
 * (lib/useradm.c), including state changes that labels cause.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "abilities.h"
#include "admin.h"
#include "arena.h"
#include "bearer.h"
#include "db.h"
#include "document.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "outbox.h"
#include "paginate.h"
#include "params.h"
#include "parse.h"
#include "phone.h"
#include "profile.h"
#include "user.h"
#include "useradm.h"

#define ISO(c)	"to_char(" c ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define U404	"admin.user.doesnt_exist"
#define SA422	"admin.user.superadmin_change"
#define COMMENT_TITLE_MAX	64	/* characters */
#define COMMENT_DATA_MAX	65535	/* characters */
#define LABEL_MIN		3
#define LABEL_MAX		255

/* ------------------------------------------------------------ SQL */

/* The User entity's columns; row_user() reads them in this order. */
#define USER_COLS \
	"u.id, u.uid, u.username, u.email, u.role, u.data, u.level, u.otp," \
	" u.state, r.uid, " ISO("u.created_at") ", " ISO("u.updated_at")
#define USER_FROM \
	" FROM users u LEFT JOIN users r ON r.id = u.referral_id"

/*
 * GET /users filters: $1 uid, $2 email, $3 role, $4 country (any of the
 * user's profiles), $5 level, $6 state, $7 range, $8 from, $9 to; NULL
 * means no filter.  An EXISTS keeps a user with several profiles once.
 */
#define USERS_WHERE \
	" WHERE ($1::text IS NULL OR u.uid = $1)" \
	" AND ($2::text IS NULL OR u.email = $2)" \
	" AND ($3::text IS NULL OR u.role = $3)" \
	" AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM profiles p" \
	"  WHERE p.user_id = u.id AND p.country = $4))" \
	" AND ($5::bigint IS NULL OR u.level = $5)" \
	" AND ($6::text IS NULL OR u.state = $6)" \
	" AND ($8::bigint IS NULL OR CASE WHEN $7::text = 'updated'" \
	"  THEN u.updated_at ELSE u.created_at END" \
	"  >= to_timestamp($8::bigint) AT TIME ZONE 'utc')" \
	" AND ($9::bigint IS NULL OR CASE WHEN $7::text = 'updated'" \
	"  THEN u.updated_at ELSE u.created_at END" \
	"  <= to_timestamp($9::bigint) AT TIME ZONE 'utc')"

static const struct db_stmt st_users_count = { "adm_users_count",
	"SELECT count(*) FROM users u" USERS_WHERE, 9 };

/* One statement per order_by column and direction ($10 limit, $11 offset). */
#define ORDER(c) \
	{ "adm_users_" c "_asc", "SELECT " USER_COLS USER_FROM USERS_WHERE \
	  " ORDER BY u." c " ASC, u.id ASC LIMIT $10 OFFSET $11", 11 }, \
	{ "adm_users_" c "_desc", "SELECT " USER_COLS USER_FROM USERS_WHERE \
	  " ORDER BY u." c " DESC, u.id DESC LIMIT $10 OFFSET $11", 11 }
static const char *const order_cols[] = { "id", "uid", "username", "email",
	"password_digest", "role", "data", "level", "otp", "state",
	"referral_id", "created_at", "updated_at", NULL };
static const struct db_stmt st_users_page[] = {
	ORDER("id"), ORDER("uid"), ORDER("username"), ORDER("email"),
	ORDER("password_digest"), ORDER("role"), ORDER("data"),
	ORDER("level"), ORDER("otp"), ORDER("state"), ORDER("referral_id"),
	ORDER("created_at"), ORDER("updated_at")
};

/*
 * GET /users/documents/pending: Barong joins the profiles without
 * de-duplicating, so a user with two profiles is listed twice; kept.
 */
#define PENDING_FROM \
	USER_FROM \
	" JOIN labels l ON l.user_id = u.id AND l.scope = 'private'" \
	"  AND l.key = 'document' AND l.value IN ('pending', 'replaced')" \
	" LEFT JOIN profiles p ON p.user_id = u.id"
#define PENDING_WHERE \
	" WHERE ($1::text IS NULL OR u.uid = $1)" \
	" AND ($2::text IS NULL OR u.email = $2)" \
	" AND ($3::text IS NULL OR u.role = $3)" \
	" AND ($4::text IS NULL OR p.country = $4)" \
	" AND ($5::bigint IS NULL OR u.level = $5)" \
	" AND ($6::text IS NULL OR u.state = $6)" \
	" AND ($8::bigint IS NULL OR CASE WHEN $7::text = 'updated'" \
	"  THEN u.updated_at ELSE u.created_at END" \
	"  >= to_timestamp($8::bigint) AT TIME ZONE 'utc')" \
	" AND ($9::bigint IS NULL OR CASE WHEN $7::text = 'updated'" \
	"  THEN u.updated_at ELSE u.created_at END" \
	"  <= to_timestamp($9::bigint) AT TIME ZONE 'utc')"
static const struct db_stmt st_pending_count = { "adm_pending_count",
	"SELECT count(*)" PENDING_FROM PENDING_WHERE, 9 };
static const struct db_stmt st_pending_page = { "adm_pending_page",
	"SELECT " USER_COLS PENDING_FROM PENDING_WHERE
	" ORDER BY l.updated_at ASC, u.id ASC, p.id ASC"
	" LIMIT $10 OFFSET $11", 11 };

static const struct db_stmt st_user_by_uid = { "adm_user_by_uid",
	"SELECT " USER_COLS USER_FROM " WHERE u.uid = $1", 1 };
static const struct db_stmt st_user_by_id = { "adm_user_by_id",
	"SELECT " USER_COLS USER_FROM " WHERE u.id = $1::bigint", 1 };

static const struct db_stmt st_label_users_count = { "adm_label_users_count",
	"SELECT count(*) FROM users u JOIN labels l ON l.user_id = u.id"
	" WHERE l.key = $1 AND l.value = $2", 2 };
static const struct db_stmt st_label_users = { "adm_label_users",
	"SELECT " USER_COLS USER_FROM " JOIN labels l ON l.user_id = u.id"
	" WHERE l.key = $1 AND l.value = $2 ORDER BY u.id, l.id"
	" LIMIT $3 OFFSET $4", 4 };
static const struct db_stmt st_label_counts = { "adm_label_counts",
	"SELECT key, value, count(*) FROM labels WHERE scope = 'private'"
	" GROUP BY key, value ORDER BY key, value", 0 };

static const struct db_stmt st_label_views = { "adm_label_views",
	"SELECT key, value, scope, description, " ISO("created_at") ", "
	ISO("updated_at") " FROM labels WHERE user_id = $1::bigint"
	" ORDER BY id", 1 };
static const struct db_stmt st_label_find = { "adm_label_find",
	"SELECT id, value, description FROM labels WHERE user_id = $1::bigint"
	" AND key = $2 AND scope = $3 FOR UPDATE", 3 };
static const struct db_stmt st_label_taken = { "adm_label_taken",
	"SELECT 1 FROM labels WHERE user_id = $1::bigint AND key = $2"
	" AND scope = $3", 3 };
static const struct db_stmt st_label_insert = { "adm_label_insert",
	"INSERT INTO labels (user_id, key, value, scope, description)"
	" VALUES ($1::bigint, $2, $3, $4, $5)"
	" ON CONFLICT (user_id, key, scope) DO NOTHING RETURNING id", 5 };
/* $4 0: keep the description; 1: set it to $3 (which may be NULL). */
static const struct db_stmt st_label_update = { "adm_label_update",
	"UPDATE labels SET value = $2, description = CASE WHEN $4::boolean"
	" THEN $3 ELSE description END,"
	" updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint RETURNING description", 4 };
static const struct db_stmt st_label_delete = { "adm_label_delete",
	"DELETE FROM labels WHERE id = $1::bigint", 1 };

static const struct db_stmt st_storages = { "adm_storages",
	"SELECT title, data, " ISO("created_at") ", " ISO("updated_at")
	" FROM data_storages WHERE user_id = $1::bigint ORDER BY id", 1 };
static const struct db_stmt st_storage_delete = { "adm_storage_delete",
	"DELETE FROM data_storages WHERE user_id = $1::bigint AND title = $2"
	" RETURNING id", 2 };

static const struct db_stmt st_comments = { "adm_comments",
	"SELECT id, author_uid, title, data, " ISO("created_at") ", "
	ISO("updated_at") " FROM comments WHERE user_id = $1::bigint"
	" ORDER BY id", 1 };
static const struct db_stmt st_comment_insert = { "adm_comment_insert",
	"INSERT INTO comments (user_id, author_uid, title, data)"
	" VALUES ($1::bigint, $2, $3, $4)", 4 };
/* NULL keeps a field; RETURNING names the user. */
static const struct db_stmt st_comment_update = { "adm_comment_update",
	"UPDATE comments SET title = COALESCE($2, title),"
	" data = COALESCE($3, data), updated_at = CASE WHEN $2::text IS NULL"
	" AND $3::text IS NULL THEN updated_at"
	" ELSE (now() AT TIME ZONE 'utc') END"
	" WHERE id = $1::bigint RETURNING user_id", 3 };
static const struct db_stmt st_comment_delete = { "adm_comment_delete",
	"DELETE FROM comments WHERE id = $1::bigint RETURNING user_id", 1 };

/* ------------------------------------------------------------ helpers */

static const char *
val(PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

/* A struct user from a row of USER_COLS (strings stay in the result). */
static struct user *
row_user(struct req *r, PGresult *res, int row)
{
	struct user	*u = arena_alloc(r->a, sizeof(*u));

	memset(u, 0, sizeof(*u));
	u->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
	u->uid = val(res, row, 1);
	u->username = val(res, row, 2);
	u->email = val(res, row, 3);
	u->role = val(res, row, 4);
	u->data = val(res, row, 5);
	u->level = strtol(PQgetvalue(res, row, 6), NULL, 10);
	u->otp = val(res, row, 7) != NULL && *val(res, row, 7) == 't';
	u->state = val(res, row, 8);
	u->referral_uid = val(res, row, 9);
	u->created_at = val(res, row, 10);
	u->updated_at = val(res, row, 11);
	return u;
}

/* 0 found, 1 not found, -1 with r->err (500). */
static int
find_user(struct req *r, const struct db_stmt *st, const char *key,
    struct user **out)
{
	PGresult	*res;
	const char	*p[1] = { key };

	if ((res = db_exec(r->a, st, p)) == NULL)
		return err_internal(r, "could not look up a user");
	if (PQntuples(res) == 0)
		return 1;
	*out = row_user(r, res, 0);
	return 0;
}

/* The target user of uid: 0, or -1 with U404 / 500. */
static int
target(struct req *r, const char *uid, struct user **out)
{
	int	rc;

	if ((rc = find_user(r, &st_user_by_uid, uid, out)) == 1)
		return err_set(r, 404, U404, NULL);
	return rc;
}

/* U404, then SA422: only a superadmin changes a superadmin. */
static int
target_editable(struct req *r, const char *uid, struct user **out)
{
	struct user	*me;

	if (target(r, uid, out) == -1 || bearer_user(r, &me) == -1)
		return -1;
	if (strcmp((*out)->role, "superadmin") == 0 &&
	    strcmp(me->role, "superadmin") != 0)
		return err_set(r, 422, SA422, NULL);
	return 0;
}

static int
is_blank_str(json_object *j)
{
	const char	*s;

	if (!json_object_is_type(j, json_type_string))
		return 0;
	for (s = json_object_get_string(j); *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * Validate the request against params (Barong's declaration order).
 * Grape makes an empty Boolean or Integer nil first: a Boolean becomes
 * JSON null (blank, false), an optional Integer absent (its default).
 * The route is copied so that param_get() and the codes' prefix see the
 * table.  0, or -1 with the 422 codes collected so far.
 */
static int
check(struct req *r, const struct param *params)
{
	const struct param	*p;
	struct route		*rt;
	json_object		*j;

	for (p = params; p->name != NULL; p++) {
		if (!json_object_object_get_ex(r->input, p->name, &j) ||
		    j == NULL || !is_blank_str(j))
			continue;
		if (p->type == PT_BOOLEAN)
			json_object_object_add(r->input, p->name, NULL);
		else if (p->type == PT_INTEGER && !(p->flags & P_NONBLANK))
			json_object_object_del(r->input, p->name);
	}
	rt = arena_alloc(r->a, sizeof(*rt));
	*rt = *r->route;
	rt->params = params;
	r->route = rt;
	return params_validate(r);
}

/* The number of these keys the request has (Grape's exactly_one_of). */
static int
count_keys(struct req *r, const char *const *names)
{
	int	n = 0;

	for (; *names != NULL; names++)
		if (json_object_object_get_ex(r->input, *names, NULL))
			n++;
	return n;
}

/* ------------------------------------------------------------ entities */

/* Barong's User entity. */
static json_object *
user_json(const struct user *u)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "email", json_object_new_string(u->email));
	json_object_object_add(o, "uid", json_object_new_string(u->uid));
	json_object_object_add(o, "role", json_object_new_string(u->role));
	json_object_object_add(o, "level", json_object_new_int64(u->level));
	json_object_object_add(o, "otp", json_object_new_boolean(u->otp));
	json_object_object_add(o, "state", json_object_new_string(u->state));
	json_object_object_add(o, "referral_uid",
	    json_new_string_or_null(u->referral_uid));
	json_object_object_add(o, "data", json_new_string_or_null(u->data));
	json_object_object_add(o, "username",
	    json_new_string_or_null(u->username));
	return o;
}

static void
add_times(json_object *o, const struct user *u)
{
	json_object_object_add(o, "created_at",
	    json_new_string_or_null(u->created_at));
	json_object_object_add(o, "updated_at",
	    json_new_string_or_null(u->updated_at));
}

/*
 * Rows as an array of objects: names[i] is column i's key; nullable
 * columns give null.  NULL on a database failure.
 */
static json_object *
rows_json(struct req *r, const struct db_stmt *st, long long user_id,
    const char *const *names)
{
	PGresult	*res;
	json_object	*arr, *o;
	const char	*p[1];
	int		 i, c;

	p[0] = db_int(r->a, user_id);
	if ((res = db_exec(r->a, st, p)) == NULL)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		o = json_object_new_object();
		for (c = 0; names[c] != NULL; c++)
			json_object_object_add(o, names[c],
			    strcmp(names[c], "id") == 0 ?
			    json_object_new_int64(strtoll(PQgetvalue(res, i,
			    c), NULL, 10)) : json_new_string_or_null(val(res,
			    i, c)));
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *const label_view_keys[] = { "key", "value", "scope",
	"description", "created_at", "updated_at", NULL };
static const char *const storage_keys[] = { "title", "data", "created_at",
	"updated_at", NULL };
static const char *const comment_keys[] = { "id", "author_uid", "title",
	"data", "created_at", "updated_at", NULL };

/* Add key = v to o; 0, or -1 (and o freed) when v is NULL. */
static int
add_or_fail(json_object *o, const char *key, json_object *v)
{
	if (v == NULL) {
		json_object_put(o);
		return -1;
	}
	json_object_object_add(o, key, v);
	return 0;
}

/* UserWithProfile (GET /users?extended=true); NULL on failure. */
static json_object *
user_profile_json(struct req *r, const struct user *u)
{
	json_object	*o = user_json(u);

	if (add_or_fail(o, "profiles", profiles_json(r->a, u->id, 0)) == -1)
		return NULL;
	add_times(o, u);
	return o;
}

/* UserWithKYC, never masked; NULL on a database or keyring failure. */
static json_object *
user_kyc_json(struct req *r, const struct user *u)
{
	json_object	*o = user_json(u);

	if (add_or_fail(o, "profiles", profiles_json(r->a, u->id, 0)) == -1 ||
	    add_or_fail(o, "labels", rows_json(r, &st_label_views, u->id,
	    label_view_keys)) == -1 ||
	    add_or_fail(o, "phones", phones_json(r->a, u->id, 0)) == -1 ||
	    add_or_fail(o, "documents", documents_json(r->a, u->id, 1)) == -1 ||
	    add_or_fail(o, "data_storages", rows_json(r, &st_storages, u->id,
	    storage_keys)) == -1 ||
	    add_or_fail(o, "comments", rows_json(r, &st_comments, u->id,
	    comment_keys)) == -1)
		return NULL;
	add_times(o, u);
	return o;
}

/* Reply with the user (re-read by id) as UserWithKYC. */
static int
reply_kyc(struct req *r, int status, long long user_id)
{
	struct user	*u;
	json_object	*o;
	int		 rc;

	if ((rc = find_user(r, &st_user_by_id, db_int(r->a, user_id), &u)) != 0)
		return rc == 1 ? err_internal(r, "user %lld vanished",
		    user_id) : -1;
	if ((o = user_kyc_json(r, u)) == NULL)
		return err_internal(r, "could not present user %s", u->uid);
	return http_reply_json(r, status, o);
}

enum shape { SHAPE_USER, SHAPE_PROFILE, SHAPE_KYC };

/* The rows of res as an array of the shape; NULL on failure. */
static json_object *
users_array(struct req *r, PGresult *res, enum shape shape)
{
	json_object	*arr = json_object_new_array(), *o;
	struct user	*u;
	int		 i;

	for (i = 0; i < PQntuples(res); i++) {
		u = row_user(r, res, i);
		o = shape == SHAPE_USER ? user_json(u) :
		    shape == SHAPE_PROFILE ? user_profile_json(r, u) :
		    user_kyc_json(r, u);
		if (o == NULL) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Run a count and a page statement; reply with the array and headers. */
static int
reply_page(struct req *r, const struct db_stmt *count,
    const struct db_stmt *page, const char **p, int nfilter,
    enum shape shape)
{
	struct page	 pg;
	PGresult	*res;
	json_object	*arr;
	long long	 total;

	paginate_get(r, &pg);
	if ((res = db_exec(r->a, count, p)) == NULL)
		return err_internal(r, "could not count users");
	total = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	p[nfilter] = db_int(r->a, pg.limit);
	p[nfilter + 1] = db_int(r->a, pg.offset);
	if ((res = db_exec(r->a, page, p)) == NULL)
		return err_internal(r, "could not list users");
	if ((arr = users_array(r, res, shape)) == NULL)
		return err_internal(r, "could not present users");
	paginate_headers(r, &pg, total);
	return http_reply_json(r, 200, arr);
}

/* ------------------------------------------------------------ users */

static const char *const ranges[] = { "created", "updated", NULL };
static const char *const orderings[] = { "asc", "desc", NULL };

#define P_EXTENDED \
	{ .name = "extended", .type = PT_BOOLEAN, \
	  .invalid = ADM_USER ".non_boolean_extended", .def = "false" }
#define P_FILTER(n) \
	{ .name = n, .type = PT_STRING, .maxlen = 1024 }
#define P_LEVEL \
	{ .name = "level", .type = PT_INTEGER }
#define P_RANGE \
	{ .name = "range", .type = PT_STRING, .values = ranges, \
	  .value_err = ADM_USER ".invalid_range", .def = "created" }
#define P_TIME(n) \
	{ .name = n, .type = PT_INTEGER }

static const struct param users_params[] = {
	P_EXTENDED, P_FILTER("uid"), P_FILTER("email"), P_FILTER("role"),
	P_FILTER("country"), P_LEVEL, P_FILTER("state"), P_RANGE,
	{ .name = "ordering", .type = PT_STRING, .values = orderings,
	  .value_err = "user.ordering.invalid_ordering", .def = "asc" },
	{ .name = "order_by", .type = PT_STRING, .values = order_cols,
	  .value_err = "user.ordering.invalid_attribute", .def = "id" },
	P_TIME("from"), P_TIME("to"), PARAM_PAGE, PARAM_LIMIT,
	{ .name = NULL }
};

/* The nine filter parameters of USERS_WHERE / PENDING_WHERE. */
static void
filters(struct req *r, const char **p)
{
	p[0] = param_str(r, "uid");
	p[1] = param_str(r, "email");
	p[2] = param_str(r, "role");
	p[3] = param_str(r, "country");
	p[4] = param_present(r, "level") ? db_int(r->a, param_int(r, "level",
	    0)) : NULL;
	p[5] = param_str(r, "state");
	p[6] = param_str(r, "range");
	p[7] = param_epoch(r, "from");
	p[8] = param_epoch(r, "to");
}

/*
 * GET /users: 200 [User] or [UserWithProfile] (extended), paginated;
 * 422 parameter codes; 401/404 for the caller (read User).
 */
static int
users_list(struct req *r)
{
	const char	*p[11], *by;
	size_t		 i;

	if (check(r, users_params) == -1 ||
	    abilities_require(r, "read", "User") == -1)
		return -1;
	by = param_str(r, "order_by");
	for (i = 0; order_cols[i] != NULL; i++)
		if (strcmp(order_cols[i], by) == 0)
			break;
	if (order_cols[i] == NULL)
		return err_internal(r, "order_by %s slipped through", by);
	filters(r, p);
	return reply_page(r, &st_users_count, &st_users_page[2 * i +
	    (strcmp(param_str(r, "ordering"), "desc") == 0)], p, 9,
	    param_bool(r, "extended", 0) ? SHAPE_PROFILE : SHAPE_USER);
}

static const struct param uid_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = NULL }
};

/* GET /users/{uid}: 200 UserWithKYC; 404 admin.user.doesnt_exist. */
static int
user_show(struct req *r)
{
	struct user	*u;

	if (check(r, uid_params) == -1 ||
	    abilities_require(r, "read", "User") == -1 ||
	    target(r, param_str(r, "uid"), &u) == -1)
		return -1;
	return reply_kyc(r, 200, u->id);
}

static const struct param update_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "state", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "otp", .type = PT_BOOLEAN, .flags = P_NONBLANK },
	{ .name = NULL }
};
static const struct param put_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "email", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "state", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "otp", .type = PT_BOOLEAN, .flags = P_NONBLANK },
	{ .name = NULL }
};

/* The checks shared by every change of a user (§7.3 steps 1-3). */
static int
editable_other(struct req *r, struct user **u)
{
	struct user	*me;

	if (target_editable(r, param_str(r, "uid"), u) == -1 ||
	    bearer_user(r, &me) == -1)
		return -1;
	if (strcmp((*u)->uid, me->uid) == 0)
		return err_set(r, 422, ADM_USER ".update_himself", NULL);
	return 0;
}

/*
 * Change exactly one of state, otp (only to false) and email (superadmin
 * only), in Barong's order of checks (§7.3).
 */
static int
update_one(struct req *r, int with_email)
{
	struct user	*u, *me;
	const char	*state = param_str(r, "state");
	const char	*email = with_email ? param_str(r, "email") : NULL;
	const char	*same = NULL;
	int		 rc;

	if (editable_other(r, &u) == -1 || bearer_user(r, &me) == -1)
		return -1;
	if (email != NULL && strcmp(me->role, "superadmin") != 0)
		return err_set(r, 422, "superadmin.user.update_email", NULL);
	if (state == NULL && email == NULL) {
		if (param_bool(r, "otp", 0))
			return err_set(r, 422, ADM_USER ".enable_2fa", NULL);
		if (!u->otp)
			same = ADM_USER ".otp_no_change";
	} else if (state != NULL && strcmp(state, u->state) == 0)
		same = ADM_USER ".state_no_change";
	else if (email != NULL && strcmp(email, u->email) == 0)
		same = ADM_USER ".email_no_change";
	if (same != NULL)
		return err_set(r, 422, same, NULL);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	rc = state != NULL ? useradm_set_state(r, u, state) :
	    email != NULL ? useradm_set_email(r, u, email) :
	    useradm_disable_otp(r, u);
	if (rc == -1 || db_commit() == -1)
		return db_fail_tx(r, "update a user");
	return http_reply_status_body(r, 200);
}

/* PUT /users: 200, body 200; 404, 422 (§7.3); update User. */
static int
users_put(struct req *r)
{
	static const char *const keys[] = { "state", "otp", "email", NULL };

	check(r, put_params);
	if (count_keys(r, keys) != 1)
		err_add_key(r, 422, ADM_USER ".one_of_state_otp_email");
	if (err_is_set(r) || abilities_require(r, "update", "User") == -1)
		return -1;
	return update_one(r, 1);
}

/* POST /users/update: 200, body 200; as PUT /users without email. */
static int
users_update(struct req *r)
{
	static const char *const keys[] = { "state", "otp", NULL };

	check(r, update_params);
	if (count_keys(r, keys) != 1)
		err_add_key(r, 422, ADM_USER ".one_of_state_otp");
	if (err_is_set(r) || abilities_require(r, "update", "User") == -1)
		return -1;
	return update_one(r, 0);
}

static const struct param role_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "role", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = NULL }
};

/* POST /users/role: 200, body 200; 404, 422 (§7.5); update User. */
static int
users_role(struct req *r)
{
	struct user	*u;
	const char	*role;

	if (check(r, role_params) == -1 ||
	    abilities_require(r, "update", "User") == -1 ||
	    editable_other(r, &u) == -1)
		return -1;
	role = param_str(r, "role");
	if (strcmp(role, u->role) == 0)
		return err_set(r, 422, ADM_USER ".role_no_change", NULL);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (useradm_set_role(r, u, role) == -1 || db_commit() == -1)
		return db_fail_tx(r, "change a role");
	return http_reply_status_body(r, 200);
}

static const struct param pending_params[] = {
	P_EXTENDED, P_FILTER("uid"), P_FILTER("email"), P_FILTER("role"),
	P_FILTER("first_name"), P_FILTER("last_name"), P_FILTER("country"),
	P_LEVEL, P_FILTER("state"), P_RANGE, P_TIME("from"), P_TIME("to"),
	PARAM_PAGE, PARAM_LIMIT,
	{ .name = NULL }
};

/*
 * GET /users/documents/pending: 200 [User] or [UserWithKYC] of users
 * whose private document label is pending or replaced, oldest label
 * first (first_name and last_name are accepted and ignored, as Barong).
 */
static int
users_pending(struct req *r)
{
	const char	*p[11];

	if (check(r, pending_params) == -1 ||
	    abilities_require(r, "read", "User") == -1)
		return -1;
	filters(r, p);
	return reply_page(r, &st_pending_count, &st_pending_page, p, 9,
	    param_bool(r, "extended", 0) ? SHAPE_KYC : SHAPE_USER);
}

static const struct param storage_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "title", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = NULL }
};

/*
 * DELETE /users/data_storage: 200 UserWithKYC without the storage; 404
 * admin.user.doesnt_exist, admin.storage.doesnt_exist (destroy User).
 */
static int
storage_delete(struct req *r)
{
	struct user	*u;
	PGresult	*res;
	const char	*p[2];

	if (check(r, storage_params) == -1 ||
	    abilities_require(r, "destroy", "User") == -1 ||
	    target(r, param_str(r, "uid"), &u) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = param_str(r, "title");
	if ((res = db_exec(r->a, &st_storage_delete, p)) == NULL)
		return err_internal(r, "could not delete a data storage");
	if (PQntuples(res) == 0)
		return err_set(r, 404, "admin.storage.doesnt_exist", NULL);
	return reply_kyc(r, 200, u->id);
}

/* ------------------------------------------------------------ labels */

/*
 * Ruby's String#inspect for the label counts' keys: quotes, backslash,
 * "#{", "#$", "#@" and control characters escaped.
 */
static void
ruby_inspect(struct buf *b, const char *s)
{
	unsigned char	c;

	buf_putc(b, '"');
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '#' && (s[1] == '{' || s[1] == '$' ||
		    s[1] == '@'))
			buf_puts(b, "\\#");
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c == 0x1b)
			buf_puts(b, "\\e");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04X", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
}

/*
 * GET /users/labels/list: 200 {"[\"key\", \"value\"]": count, ...} of
 * private labels, by key then value (read User).
 */
static int
labels_list(struct req *r)
{
	static const struct param none[] = { { .name = NULL } };
	PGresult	*res;
	json_object	*o;
	struct buf	 b;
	int		 i;

	if (check(r, none) == -1 || abilities_require(r, "read", "User") == -1)
		return -1;
	if ((res = db_exec(r->a, &st_label_counts, NULL)) == NULL)
		return err_internal(r, "could not count labels");
	o = json_object_new_object();
	for (i = 0; i < PQntuples(res); i++) {
		buf_init(&b, r->a, 2048);
		buf_putc(&b, '[');
		ruby_inspect(&b, PQgetvalue(res, i, 0));
		buf_puts(&b, ", ");
		ruby_inspect(&b, PQgetvalue(res, i, 1));
		buf_putc(&b, ']');
		if (buf_cstr(&b) == NULL)
			continue;	/* a label past any sane size */
		json_object_object_add(o, buf_cstr(&b), json_object_new_int64(
		    strtoll(PQgetvalue(res, i, 2), NULL, 10)));
	}
	return http_reply_json(r, 200, o);
}

static const struct param label_users_params[] = {
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = 1024 },
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = 1024 },
	PARAM_PAGE, PARAM_LIMIT,
	{ .name = NULL }
};

/*
 * GET /users/labels: 200 [User] having a label key=value in any scope
 * (a user with both scopes appears twice), paginated (read User).
 */
static int
labels_users(struct req *r)
{
	const char	*p[4];

	if (check(r, label_users_params) == -1 ||
	    abilities_require(r, "read", "User") == -1)
		return -1;
	p[0] = param_str(r, "key");
	p[1] = param_str(r, "value");
	return reply_page(r, &st_label_users_count, &st_label_users, p, 2,
	    SHAPE_USER);
}

/* Label's normalisation: lower case, blanks squished (Rails' squish). */
static char *
squish_lower(struct req *r, const char *s)
{
	char	*out = arena_alloc(r->a, strlen(s) + 1), *o = out;

	while (isspace((unsigned char)*s))
		s++;
	while (*s != '\0') {
		if (isspace((unsigned char)*s)) {
			while (isspace((unsigned char)*s))
				s++;
			if (*s != '\0')
				*o++ = ' ';
			continue;
		}
		*o++ = (char)tolower((unsigned char)*s++);
	}
	*o = '\0';
	return out;
}

/* Characters of valid UTF-8 text. */
static size_t
utf8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* [a-z0-9_-]+ */
static int
label_format_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static void
label_field(struct model_err *m, const char *attr, const char *v)
{
	size_t	n = utf8_chars(v);

	if (n < LABEL_MIN)
		model_err_add(m, attr[0] == 'k' ? "key.too_short" :
		    "value.too_short");
	if (n > LABEL_MAX)
		model_err_add(m, attr[0] == 'k' ? "key.too_long" :
		    "value.too_long");
	if (!label_format_ok(v))
		model_err_add(m, attr[0] == 'k' ? "key.invalid" :
		    "value.invalid");
}

/*
 * Barong's Label validations in their order: scope inclusion; key
 * length, format, uniqueness per (user, scope) when new; value length
 * and format.  -1 with 422 codes, or on a database failure.
 */
static int
label_validate(struct req *r, long long user_id, const char *key,
    const char *value, const char *scope, int is_new)
{
	struct model_err	 m = { 0 };
	PGresult		*res;
	const char		*p[3];
	int			 scope_ok;

	scope_ok = strcmp(scope, "public") == 0 ||
	    strcmp(scope, "private") == 0;
	if (!scope_ok)
		model_err_add(&m, "scope.inclusion");
	if (key != NULL) {
		label_field(&m, "key", key);
		if (is_new && scope_ok) {
			p[0] = db_int(r->a, user_id);
			p[1] = key;
			p[2] = scope;
			if ((res = db_exec(r->a, &st_label_taken, p)) == NULL)
				return err_internal(r, "could not check a "
				    "label");
			if (PQntuples(res) > 0)
				model_err_add(&m, "key.taken");
		}
	}
	label_field(&m, "value", value);
	return model_err_flush(r, &m, 422);
}

/*
 * After a label of u was written (inside the transaction): recompute his
 * level and state when it is private (ending his sessions when the state
 * leaves "active"), and queue the label event Barong's mailer knows
 * (label.created only for the phone label, as lib/labels.c does).
 */
static int
label_written(struct req *r, const struct user *u, long long label_id,
    const char *key, const char *value, const char *description,
    const char *scope, const char *event)
{
	struct user	*now;
	json_object	*rec;

	if (strcmp(scope, "private") == 0 &&
	    (labels_recompute_user(r->a, u->id) == -1 ||
	    useradm_state_changed(r->a, u->id, u->state) == -1))
		return -1;
	if (event == NULL ||
	    (strcmp(event, "label.created") == 0 && strcmp(key, "phone") != 0))
		return 0;
	if (find_user(r, &st_user_by_id, db_int(r->a, u->id), &now) != 0)
		return -1;
	rec = json_adopt(r->a, json_object_new_object());
	json_object_object_add(rec, "id", json_object_new_int64(label_id));
	json_object_object_add(rec, "key", json_object_new_string(key));
	json_object_object_add(rec, "value", json_object_new_string(value));
	json_object_object_add(rec, "description",
	    json_new_string_or_null(description));
	json_object_object_add(rec, "user", user_event_json(now));
	return outbox_enqueue(r->a, event, u->id, rec, NULL);
}

/* Insert a label; -1 with key.taken when it appeared meanwhile. */
static int
label_insert(struct req *r, const struct user *u, const char *key,
    const char *value, const char *scope, const char *description)
{
	PGresult	*res;
	const char	*p[5];

	p[0] = db_int(r->a, u->id);
	p[1] = key;
	p[2] = value;
	p[3] = scope;
	p[4] = description;
	if ((res = db_exec(r->a, &st_label_insert, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return err_set(r, 422, "key.taken", NULL);
	return label_written(r, u, strtoll(PQgetvalue(res, 0, 0), NULL, 10),
	    key, value, description, scope, "label.created");
}

/* Create a label after validating it, in a transaction; reply 200. */
static int
label_create(struct req *r, const struct user *u, const char *rawkey,
    const char *rawvalue, const char *scope, const char *description)
{
	const char	*key = squish_lower(r, rawkey);
	const char	*value = squish_lower(r, rawvalue);

	if (label_validate(r, u->id, key, value, scope, 1) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (label_insert(r, u, key, value, scope, description) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "create a label");
	return http_reply_status_body(r, 200);
}

static const struct param label_post_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "description", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "scope", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = NULL }
};

/* POST /users/labels: 200, body 200; 404, 422 (§8.3); create Label. */
static int
labels_create(struct req *r)
{
	struct user	*u;
	const char	*scope;

	if (check(r, label_post_params) == -1 ||
	    abilities_require(r, "create", "Label") == -1 ||
	    target_editable(r, param_str(r, "uid"), &u) == -1)
		return -1;
	scope = param_present(r, "scope") ? param_str(r, "scope") : "public";
	return label_create(r, u, param_str(r, "key"), param_str(r, "value"),
	    scope, param_str(r, "description"));
}

/*
 * Find the label (raw key, user, raw scope) for update, inside the
 * transaction: 0 with *id and *old, 1 when missing, -1 on failure.
 */
static int
label_find(struct req *r, const struct user *u, long long *id)
{
	PGresult	*res;
	const char	*p[3];

	p[0] = db_int(r->a, u->id);
	p[1] = param_str(r, "key");
	p[2] = param_str(r, "scope");
	if ((res = db_exec(r->a, &st_label_find, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 1;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return 0;
}

/*
 * Set an existing label's value, and its description when set_desc (to
 * desc, which may be NULL), then its side effects.
 */
static int
label_update(struct req *r, const struct user *u, long long id,
    const char *value, int set_desc, const char *desc)
{
	PGresult	*res;
	const char	*p[4];

	p[0] = db_int(r->a, id);
	p[1] = value;
	p[2] = desc;
	p[3] = set_desc ? "true" : "false";
	if ((res = db_exec(r->a, &st_label_update, p)) == NULL ||
	    PQntuples(res) != 1)
		return -1;
	return label_written(r, u, id, param_str(r, "key"), value,
	    val(res, 0, 0), param_str(r, "scope"), "label.updated");
}

static const struct param label_update_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "scope", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "description", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "replace", .type = PT_BOOLEAN,
	  .invalid = ADM_USER ".non_boolean_replace", .def = "true" },
	{ .name = NULL }
};

/*
 * Update (or, for POST /users/labels/update with replace, create) the
 * label (key, user, scope): value always, description as upsert says
 * (set, even to null) or only when sent.
 */
static int
label_change(struct req *r, const struct param *params, int upsert)
{
	struct user	*u;
	const char	*value;
	long long	 id;
	int		 rc;

	if (check(r, params) == -1 || abilities_require(r, "update",
	    "Label") == -1 || target_editable(r, param_str(r, "uid"), &u) == -1)
		return -1;
	value = squish_lower(r, param_str(r, "value"));
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((rc = label_find(r, u, &id)) == -1)
		return db_fail_tx(r, "find a label");
	if (rc == 1) {
		db_rollback();
		if (!upsert || !param_bool(r, "replace", 1))
			return err_set(r, 404, "admin.label.doesnt_exist",
			    NULL);
		return label_create(r, u, param_str(r, "key"),
		    param_str(r, "value"), param_str(r, "scope"),
		    param_str(r, "description"));
	}
	if (label_validate(r, u->id, NULL, value, param_str(r, "scope"), 0) ==
	    -1) {
		db_rollback();
		return -1;
	}
	if (label_update(r, u, id, value, upsert || param_present(r,
	    "description"), param_str(r, "description")) == -1 ||
	    db_commit() == -1)
		return db_fail_tx(r, "update a label");
	return http_reply_status_body(r, 200);
}

/* POST /users/labels/update: 200, body 200; 404, 422 (§8.4). */
static int
labels_upsert(struct req *r)
{
	return label_change(r, label_update_params, 1);
}

static const struct param label_put_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "scope", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "description", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = 255 },
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = NULL }
};

/* PUT /users/labels: 200, body 200; 404, 422 (§8.5); update Label. */
static int
labels_put(struct req *r)
{
	return label_change(r, label_put_params, 0);
}

static const struct param label_delete_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 1024 },
	{ .name = "scope", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = 255 },
	{ .name = NULL }
};

/* DELETE /users/labels: 200, body 200; 404 (§8.6); destroy Label. */
static int
labels_delete(struct req *r)
{
	struct user	*u;
	const char	*p[1];
	long long	 id;
	int		 rc;

	if (check(r, label_delete_params) == -1 ||
	    abilities_require(r, "destroy", "Label") == -1 ||
	    target_editable(r, param_str(r, "uid"), &u) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((rc = label_find(r, u, &id)) == -1)
		return db_fail_tx(r, "find a label");
	if (rc == 1) {
		db_rollback();
		return err_set(r, 404, "admin.label.doesnt_exist", NULL);
	}
	p[0] = db_int(r->a, id);
	if (db_exec(r->a, &st_label_delete, p) == NULL ||
	    label_written(r, u, id, param_str(r, "key"), NULL, NULL,
	    param_str(r, "scope"), NULL) == -1 || db_commit() == -1)
		return db_fail_tx(r, "delete a label");
	return http_reply_status_body(r, 200);
}

/* ------------------------------------------------------------ comments */

/*
 * A comment's title or data: Grape's order for these is missing, then
 * the length rule (which also fails on a missing value), then blank.
 * Sets *out to the text (NULL when absent).  Adds codes to r->err.
 */
static void
comment_field(struct req *r, const char *name, int required, size_t max,
    const char *too_long, const char **out)
{
	json_object	*j;

	*out = NULL;
	if (!json_object_object_get_ex(r->input, name, &j)) {
		if (!required)
			return;
		err_add_key(r, 422, arena_printf(r->a, ADM_USER ".missing_%s",
		    name));
		err_add_key(r, 422, too_long);
		err_add_key(r, 422, arena_printf(r->a, ADM_USER ".empty_%s",
		    name));
		return;
	}
	if (j != NULL && (json_object_is_type(j, json_type_array) ||
	    json_object_is_type(j, json_type_object) ||
	    !parse_utf8_valid(json_object_get_string(j),
	    strlen(json_object_get_string(j))))) {
		err_add_key(r, 422, "invalid");
		return;
	}
	if (j == NULL) {		/* nil: no length, blank */
		err_add_key(r, 422, too_long);
		err_add_key(r, 422, arena_printf(r->a, ADM_USER ".empty_%s",
		    name));
		return;
	}
	*out = json_object_get_string(j);
	if (utf8_chars(*out) > max)
		err_add_key(r, 422, too_long);
	if (is_blank_str(j))
		err_add_key(r, 422, arena_printf(r->a, ADM_USER ".empty_%s",
		    name));
}

/* POST /users/comments: 201 UserWithKYC; 404 U404; 422 (§9.1). */
static int
comments_create(struct req *r)
{
	struct user	*u, *me;
	const char	*title, *data, *p[4];

	check(r, uid_params);
	comment_field(r, "title", 1, COMMENT_TITLE_MAX,
	    "admin.comments.title_too_long", &title);
	comment_field(r, "data", 1, COMMENT_DATA_MAX,
	    "admin.comments.data_too_long", &data);
	if (err_is_set(r) || bearer_user(r, &me) == -1 ||
	    target(r, param_str(r, "uid"), &u) == -1)
		return -1;
	p[0] = db_int(r->a, u->id);
	p[1] = me->uid;
	p[2] = title;
	p[3] = data;
	if (db_exec(r->a, &st_comment_insert, p) == NULL)
		return err_internal(r, "could not add a comment");
	return reply_kyc(r, 201, u->id);
}

static const struct param id_params[] = {
	{ .name = "id", .type = PT_INTEGER, .flags = P_REQUIRED },
	{ .name = NULL }
};

/* PUT /users/comments: 200 UserWithKYC; 404 record.not_found (§9.2). */
static int
comments_update(struct req *r)
{
	struct user	*me;
	PGresult	*res;
	const char	*title, *data, *p[3];

	check(r, id_params);
	comment_field(r, "title", 0, COMMENT_TITLE_MAX,
	    "admin.comments.title_too_long", &title);
	comment_field(r, "data", 0, COMMENT_DATA_MAX,
	    "admin.comments.data_too_long", &data);
	if (err_is_set(r) || bearer_user(r, &me) == -1)
		return -1;
	p[0] = db_int(r->a, param_int(r, "id", 0));
	p[1] = title;
	p[2] = data;
	if ((res = db_exec(r->a, &st_comment_update, p)) == NULL)
		return err_internal(r, "could not update a comment");
	if (PQntuples(res) == 0)
		return err_set(r, 404, "record.not_found", NULL);
	return reply_kyc(r, 200, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
}

/* DELETE /users/comments: 200 UserWithKYC; 404 record.not_found (§9.3). */
static int
comments_delete(struct req *r)
{
	struct user	*me;
	PGresult	*res;
	const char	*p[1];

	if (check(r, id_params) == -1 || bearer_user(r, &me) == -1)
		return -1;
	p[0] = db_int(r->a, param_int(r, "id", 0));
	if ((res = db_exec(r->a, &st_comment_delete, p)) == NULL)
		return err_internal(r, "could not delete a comment");
	if (PQntuples(res) == 0)
		return err_set(r, 404, "record.not_found", NULL);
	return reply_kyc(r, 200, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
}

/*
 * The literal /users/... routes come before /users/{uid}, for their own
 * method only: GET /users/comments is the user "comments" (404).
 */
static const struct route routes[] = {
	{ "GET", "/users", users_list, NULL, ADM_USER, 0 },
	{ "PUT", "/users", users_put, NULL, ADM_USER, 0 },
	{ "POST", "/users/update", users_update, NULL, ADM_USER, 0 },
	{ "POST", "/users/role", users_role, NULL, ADM_USER, 0 },
	{ "GET", "/users/documents/pending", users_pending, NULL, ADM_USER, 0 },
	{ "DELETE", "/users/data_storage", storage_delete, NULL, ADM_USER, 0 },
	{ "GET", "/users/labels/list", labels_list, NULL, ADM_USER, 0 },
	{ "GET", "/users/labels", labels_users, NULL, ADM_USER, 0 },
	{ "POST", "/users/labels", labels_create, NULL, ADM_USER, 0 },
	{ "POST", "/users/labels/update", labels_upsert, NULL, ADM_USER, 0 },
	{ "PUT", "/users/labels", labels_put, NULL, ADM_USER, 0 },
	{ "DELETE", "/users/labels", labels_delete, NULL, ADM_USER, 0 },
	{ "POST", "/users/comments", comments_create, NULL, ADM_USER, 0 },
	{ "PUT", "/users/comments", comments_update, NULL, ADM_USER, 0 },
	{ "DELETE", "/users/comments", comments_delete, NULL, ADM_USER, 0 },
	{ "GET", "/users/{uid}", user_show, NULL, ADM_USER, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part admin_users = { routes, NULL };
