/*
 * barong-admin: abilities, API keys, activities, metrics, profiles and
 * levels (admin-api.md §10, §11.5-11.7, §11.9-11.11).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "abilities.h"
#include "admin.h"
#include "apikey_scope.h"
#include "arena.h"
#include "barongyml.h"
#include "bearer.h"
#include "conf.h"
#include "db.h"
#include "document.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "paginate.h"
#include "params.h"
#include "profile.h"
#include "user.h"

#define ISO(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define COLMAX		255
/* Unix seconds PostgreSQL can turn into a timestamp: years 1..9999. */

/*
 * Barong's User entity from users u and its referrer ru (LEFT JOIN): email,
 * uid, role, level, otp, state, referral_uid, data, username.
 */
#define USER_COLS(u, ru) \
	u ".email, " u ".uid, " u ".role, " u ".level, " u ".otp, " \
	u ".state, " ru ".uid, " u ".data, " u ".username"
#define USER_NCOLS	9

/* ------------------------------------------------------------ helpers */

/* The User entity at columns col.. (USER_COLS); null when uid is null. */
static json_object *
user_entity(PGresult *res, int row, int col)
{
	json_object	*o;

	if (PQgetisnull(res, row, col + 1))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "email", db_json_str(res, row, col));
	json_object_object_add(o, "uid", db_json_str(res, row, col + 1));
	json_object_object_add(o, "role", db_json_str(res, row, col + 2));
	json_object_object_add(o, "level", db_json_int(res, row, col + 3));
	json_object_object_add(o, "otp", json_object_new_boolean(
	    strcmp(PQgetvalue(res, row, col + 4), "t") == 0));
	json_object_object_add(o, "state", db_json_str(res, row, col + 5));
	json_object_object_add(o, "referral_uid", db_json_str(res, row, col + 6));
	json_object_object_add(o, "data", db_json_str(res, row, col + 7));
	json_object_object_add(o, "username", db_json_str(res, row, col + 8));
	return o;
}

/*
 * One page of rows as entities, with the pagination headers: p[0..np-1]
 * are the filters both statements take, the rows statement also takes
 * limit and offset after them (p must have room for both).
 */
static int
list(struct req *r, const struct db_stmt *count, const struct db_stmt *rows,
    const char **p, int np, json_object *(*entity)(struct req *, PGresult *,
    int))
{
	struct page	 pg;
	PGresult	*cres, *res;
	json_object	*a, *o;
	int		 i;

	paginate_get(r, &pg);
	p[np] = db_int(r->a, pg.limit);
	p[np + 1] = db_int(r->a, pg.offset);
	if ((cres = db_exec(r->a, count, p)) == NULL ||
	    (res = db_exec(r->a, rows, p)) == NULL)
		return err_internal(r, "could not list");
	a = json_adopt(r->a, json_object_new_array());
	for (i = 0; i < PQntuples(res); i++) {
		if ((o = entity(r, res, i)) == NULL)
			return err_internal(r, "could not render row %d", i);
		json_object_array_add(a, o);
	}
	paginate_headers(r, &pg, strtoll(PQgetvalue(cres, 0, 0), NULL, 10));
	return http_reply_json(r, 200, json_object_get(a));
}

/* ---------------------------------------------------------- abilities */

/* GET /abilities: 200, the role's admin_permissions entry ({} if none). */
static int
abilities(struct req *r)
{
	struct user	*u;

	if (bearer_user(r, &u) == -1)
		return -1;
	return http_reply_json(r, 200, abilities_json(u->role));
}

/* ------------------------------------------------------------- levels */

static const struct db_stmt st_levels = { "adm_levels",
	"SELECT id, key, value FROM levels ORDER BY id", 0 };

/* GET /levels: 200 [Level], id order, not paginated. */
static int
levels(struct req *r)
{
	PGresult	*res;
	json_object	*a, *o;
	int		 i;

	if (abilities_require(r, "read", "Level") == -1)
		return -1;
	if ((res = db_exec(r->a, &st_levels, NULL)) == NULL)
		return err_internal(r, "could not list levels");
	a = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		o = json_object_new_object();
		json_object_object_add(o, "id", db_json_int(res, i, 0));
		json_object_object_add(o, "key", db_json_str(res, i, 1));
		json_object_object_add(o, "value", db_json_str(res, i, 2));
		json_object_array_add(a, o);
	}
	return http_reply_json(r, 200, a);
}

/* ----------------------------------------------------------- API keys */

#define AK_FROM " FROM apikeys WHERE key_holder_account_type = 'User'" \
	" AND key_holder_account_id = $1::bigint"
#define AK_ROWS(col, dir) { "adm_apikeys_" col "_" dir, \
	"SELECT kid, algorithm, scope, state, " ISO("created_at") ", " \
	ISO("updated_at") AK_FROM " ORDER BY " col " " dir ", id " dir \
	" LIMIT $2 OFFSET $3", 3 }

static const struct db_stmt st_ak_count = { "adm_apikeys_count",
	"SELECT count(*)" AK_FROM, 1 };

/* The columns Barong lets a list be ordered by, each with its queries. */
static const struct {
	const char	*col;
	struct db_stmt	 asc, desc;
} ak_orders[] = {
#define AK_ORDER(col) { col, AK_ROWS(col, "ASC"), AK_ROWS(col, "DESC") }
	AK_ORDER("id"),
	AK_ORDER("key_holder_account_id"),
	AK_ORDER("key_holder_account_type"),
	AK_ORDER("kid"),
	AK_ORDER("algorithm"),
	AK_ORDER("scope"),
	AK_ORDER("secret_encrypted"),
	AK_ORDER("state"),
	AK_ORDER("created_at"),
	AK_ORDER("updated_at"),
#undef AK_ORDER
};
#define AK_NORDERS	(sizeof(ak_orders) / sizeof(ak_orders[0]))

static const char *const ak_columns[] = {
	"id", "key_holder_account_id", "key_holder_account_type", "kid",
	"algorithm", "scope", "secret_encrypted", "state", "created_at",
	"updated_at", NULL
};
static const char *const orderings[] = { "asc", "desc", NULL };


static json_object *
apikey_json(struct req *r, PGresult *res, int i)
{
	json_object	*o = json_object_new_object();

	(void)r;
	json_object_object_add(o, "kid", db_json_str(res, i, 0));
	json_object_object_add(o, "algorithm", db_json_str(res, i, 1));
	json_object_object_add(o, "scope", json_object_get(apikey_scope_json(
	    r->a, PQgetisnull(res, i, 2) ? NULL : PQgetvalue(res, i, 2))));
	json_object_object_add(o, "state", db_json_str(res, i, 3));
	json_object_object_add(o, "created_at", db_json_str(res, i, 4));
	json_object_object_add(o, "updated_at", db_json_str(res, i, 5));
	return o;
}

static const struct param apikeys_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = COLMAX },
	{ .name = "ordering", .type = PT_STRING, .values = orderings,
	  .value_err = "api_keys.ordering.invalid_ordering", .def = "asc",
	  .maxlen = COLMAX },
	{ .name = "order_by", .type = PT_STRING, .values = ak_columns,
	  .value_err = "api_keys.ordering.invalid_attribute", .def = "id",
	  .maxlen = COLMAX },
	PARAM_PAGE,
	PARAM_LIMIT,
	{ .name = NULL }
};

/*
 * GET /api_keys: 200 [APIKey] of the user's own keys (not his service
 * accounts'), without secrets; 404 admin.user.doesnt_exist.
 */
static int
apikeys(struct req *r)
{
	struct user	*u;
	const char	*p[3], *col = param_str(r, "order_by");
	size_t		 i;
	int		 rc, desc;

	if (abilities_require(r, "read", "APIKey") == -1)
		return -1;
	desc = strcmp(param_str(r, "ordering"), "desc") == 0;
	if ((rc = user_find_by_uid(r->a, param_str(r, "uid"), &u)) == -1)
		return err_internal(r, "could not look up a user");
	if (rc == 1)
		return err_set(r, 404, ADM_USER ".doesnt_exist", NULL);
	for (i = 0; i < AK_NORDERS; i++)
		if (strcmp(ak_orders[i].col, col) == 0)
			break;
	if (i == AK_NORDERS)
		return err_internal(r, "order_by %s has no query", col);
	p[0] = db_int(r->a, u->id);
	return list(r, &st_ak_count, desc ? &ak_orders[i].desc :
	    &ak_orders[i].asc, p, 1, apikey_json);
}

/* --------------------------------------------------------- activities */

/*
 * $1 category, $2 topic, $3 action, $4 uid, $5 email (of the acting
 * user), $6 from, $7 to, $8 target_uid.  Only rows whose user exists.
 */
#define ACT_FROM \
	" FROM activities a JOIN users u ON u.id = a.user_id" \
	" WHERE a.category = $1" \
	" AND ($2::text IS NULL OR a.topic = $2)" \
	" AND ($3::text IS NULL OR a.action = $3)" \
	" AND ($4::text IS NULL OR u.uid = $4)" \
	" AND ($5::text IS NULL OR u.email = $5)" \
	" AND ($6::bigint IS NULL OR a.created_at >=" \
	" to_timestamp($6::bigint) AT TIME ZONE 'utc')" \
	" AND ($7::bigint IS NULL OR a.created_at <=" \
	" to_timestamp($7::bigint) AT TIME ZONE 'utc')" \
	" AND ($8::text IS NULL OR a.target_uid = $8)"
#define ACT_COLS \
	"a.user_ip, a.user_ip_country, a.user_agent, a.topic, a.action," \
	" a.result, a.data, " ISO("a.created_at") ", " \
	USER_COLS("u", "ru") ", " USER_COLS("t", "tr")

static const struct db_stmt st_act_count = { "adm_activities_count",
	"SELECT count(*)" ACT_FROM, 8 };
static const struct db_stmt st_act_list = { "adm_activities_list",
	"SELECT " ACT_COLS
	" FROM (SELECT a.id" ACT_FROM " ORDER BY a.id DESC"
	" LIMIT $9 OFFSET $10) page"
	" JOIN activities a ON a.id = page.id"
	" JOIN users u ON u.id = a.user_id"
	" LEFT JOIN users ru ON ru.id = u.referral_id"
	" LEFT JOIN users t ON t.uid = a.target_uid AND a.target_uid <> ''"
	" LEFT JOIN users tr ON tr.id = t.referral_id"
	" ORDER BY a.id DESC", 10 };

static void
activity_head(json_object *o, PGresult *res, int i)
{
	static const char *const keys[] = { "user_ip", "user_ip_country",
		"user_agent", "topic", "action", "result", "data" };
	size_t	k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_object_add(o, keys[k], db_json_str(res, i, (int)k));
}

/* ActivityWithUser. */
static json_object *
activity_json(struct req *r, PGresult *res, int i)
{
	json_object	*o = json_object_new_object();

	(void)r;
	activity_head(o, res, i);
	json_object_object_add(o, "user", user_entity(res, i, 8));
	json_object_object_add(o, "created_at", db_json_str(res, i, 7));
	return o;
}

/* AdminActivity: the acting admin and the target user (null if none). */
static json_object *
admin_activity_json(struct req *r, PGresult *res, int i)
{
	json_object	*o = json_object_new_object();

	(void)r;
	activity_head(o, res, i);
	json_object_object_add(o, "admin", user_entity(res, i, 8));
	json_object_object_add(o, "target", user_entity(res, i,
	    8 + USER_NCOLS));
	json_object_object_add(o, "created_at", db_json_str(res, i, 7));
	return o;
}

#define ACT_STR(n) { .name = n, .type = PT_STRING, \
	.invalid = ADM_ACTIVITY ".non_string_" n }
#define ACT_PARAMS \
	ACT_STR("topic"), ACT_STR("action"), ACT_STR("uid"), \
	ACT_STR("email"), \
	{ .name = "from", .type = PT_INTEGER }, \
	{ .name = "to", .type = PT_INTEGER }, \
	PARAM_PAGE, PARAM_LIMIT

static const struct param activities_params[] = {
	ACT_PARAMS,
	/* undeclared in Barong, but read */
	{ .name = "target_uid", .type = PT_ANY },
	{ .name = NULL }
};

static const char *const created_only[] = { "created", NULL };

static const struct param admin_activities_params[] = {
	ACT_PARAMS,
	ACT_STR("target_uid"),
	{ .name = "range", .type = PT_STRING, .values = created_only,
	  .value_err = ADM_ACTIVITY ".invalid_range", .def = "created",
	  .maxlen = COLMAX },
	{ .name = NULL }
};

static int
activities_of(struct req *r, const char *category,
    json_object *(*entity)(struct req *, PGresult *, int))
{
	const struct pval	*t;
	const char		*p[10];

	if (abilities_require(r, "read", "Activity") == -1)
		return -1;
	p[0] = category;
	p[1] = param_str(r, "topic");
	p[2] = param_str(r, "action");
	p[3] = param_str(r, "uid");
	p[4] = param_str(r, "email");
	p[5] = param_epoch(r, "from");
	p[6] = param_epoch(r, "to");
	p[7] = NULL;
	if ((t = param_get(r, "target_uid")) != NULL)
		p[7] = t->j == NULL ? "" : json_object_get_string(t->j);
	return list(r, &st_act_count, &st_act_list, p, 8, entity);
}

/* GET /activities: 200 [ActivityWithUser], newest first. */
static int
activities(struct req *r)
{
	return activities_of(r, "user", activity_json);
}

/* GET /activities/admin: 200 [AdminActivity], newest first. */
static int
admin_activities(struct req *r)
{
	return activities_of(r, "admin", admin_activity_json);
}

/* ------------------------------------------------------------ metrics */

static const struct db_stmt st_metrics = { "adm_metrics",
	"SELECT CASE WHEN topic = 'account' THEN 'signups'"
	" WHEN result = 'succeed' THEN 'sucessful_logins'"
	" ELSE 'failed_logins' END,"
	" to_char(created_at, 'YYYY-MM-DD'), count(*) FROM activities"
	" WHERE ((topic, action, result) IN (('account', 'signup', 'succeed'),"
	" ('session', 'login', 'succeed'), ('session', 'login', 'failed')))"
	" AND created_at IS NOT NULL"
	" GROUP BY 1, 2 ORDER BY 2, 1", 0 };
static const struct db_stmt st_pending = { "adm_metrics_pending",
	"SELECT count(*) FROM labels WHERE key = 'document'"
	" AND value = 'pending' AND scope = 'private'", 0 };

static const struct param metrics_params[] = {
	/* accepted and, as in Barong, ignored: the counts are all-time */
	{ .name = "created_from", .type = PT_ANY },
	{ .name = "created_to", .type = PT_ANY },
	{ .name = NULL }
};

/*
 * GET /metrics: 200 {"signups":{date:n},"sucessful_logins":{...},
 * "failed_logins":{...},"pending_applications":n}, by UTC date.
 */
static int
metrics(struct req *r)
{
	static const char *const keys[] = { "signups", "sucessful_logins",
		"failed_logins" };
	PGresult	*res, *pend;
	json_object	*o, *g;
	size_t		 k;
	int		 i;

	if (abilities_require(r, "read", "User") == -1)
		return -1;
	if ((res = db_exec(r->a, &st_metrics, NULL)) == NULL ||
	    (pend = db_exec(r->a, &st_pending, NULL)) == NULL)
		return err_internal(r, "could not count activities");
	o = json_object_new_object();
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_object_add(o, keys[k], json_object_new_object());
	for (i = 0; i < PQntuples(res); i++)
		if (json_object_object_get_ex(o, PQgetvalue(res, i, 0), &g))
			json_object_object_add(g, PQgetvalue(res, i, 1),
			    db_json_int(res, i, 2));
	json_object_object_add(o, "pending_applications",
	    db_json_int(pend, 0, 0));
	return http_reply_json(r, 200, o);
}

/* ----------------------------------------------------------- profiles */

/* profiles.state: 0 drafted, 1 submitted, 3 verified, 4 rejected. */
static const struct {
	const char	*name;
	const char	*code;
} profile_states[] = {
	{ "drafted", "0" }, { "submitted", "1" }, { "verified", "3" },
	{ "rejected", "4" },
};
#define NPROFILE_STATES	(sizeof(profile_states) / sizeof(profile_states[0]))

static const struct db_stmt st_prof_count = { "adm_profiles_count",
	"SELECT count(*) FROM profiles", 0 };
static const struct db_stmt st_prof_list = { "adm_profiles_list",
	"SELECT " PROFILE_COLUMNS " FROM profiles p ORDER BY p.id"
	" LIMIT $1 OFFSET $2", 2 };
static const struct db_stmt st_prof_submitted = { "adm_profile_submitted",
	"SELECT p.id, p.author, u.id, u.role FROM users u"
	" JOIN profiles p ON p.user_id = u.id"
	" WHERE u.uid = $1 AND p.state = 1 ORDER BY p.id LIMIT 1"
	" FOR UPDATE OF p", 1 };
static const struct db_stmt st_prof_set_state = { "adm_profile_set_state",
	"UPDATE profiles SET state = $2::smallint,"
	" updated_at = now() AT TIME ZONE 'utc' WHERE id = $1::bigint", 2 };
static const struct db_stmt st_prof_get = { "adm_profile_get",
	"SELECT " PROFILE_COLUMNS " FROM profiles p WHERE p.id = $1::bigint",
	1 };

static json_object *
profile_entity(struct req *r, PGresult *res, int i)
{
	return profile_row_json(r->a, res, i, 0, 0);
}

static const struct param prof_list_params[] = {
	PARAM_PAGE,
	PARAM_LIMIT,
	{ .name = NULL }
};

/* GET /profiles: 200 [Profile] (unmasked), id order, paginated. */
static int
profiles_list(struct req *r)
{
	const char	*p[2];

	if (abilities_require(r, "read", "Profile") == -1)
		return -1;
	return list(r, &st_prof_count, &st_prof_list, p, 0, profile_entity);
}

static const struct param prof_update_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = COLMAX },
	{ .name = "state", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = COLMAX },
	{ .name = NULL }
};

/* The reply: the profile as it now is. */
static int
reply_profile(struct req *r, int status, const char *id)
{
	PGresult	*res;
	json_object	*o;

	if ((res = db_exec(r->a, &st_prof_get, &id)) == NULL ||
	    PQntuples(res) != 1 ||
	    (o = profile_row_json(r->a, res, 0, 0, 0)) == NULL)
		return err_internal(r, "could not read profile %s", id);
	return http_reply_json(r, status, o);
}

/*
 * PUT /profiles: 200 Profile; 404 admin.profiles.doesnt_exist_or_not_editable
 * (no submitted profile), 422 admin.profiles.superadmin_change,
 * admin.profiles.second_admin_approval; 500 for a state that is not one of
 * drafted, submitted, verified, rejected.  The user's profile label takes
 * the new state, and his level and state are recomputed.
 */
static int
profiles_update(struct req *r)
{
	struct user	*me;
	PGresult	*res;
	const char	*p[2], *state = param_str(r, "state"), *code = NULL;
	size_t		 i;

	if (abilities_require(r, "update", "Profile") == -1 ||
	    bearer_user(r, &me) == -1)
		return -1;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	p[0] = param_str(r, "uid");
	if ((res = db_exec(r->a, &st_prof_submitted, p)) == NULL) {
		db_rollback();
		return err_internal(r, "could not find a profile");
	}
	if (PQntuples(res) == 0) {
		db_rollback();
		return err_set(r, 404,
		    "admin.profiles.doesnt_exist_or_not_editable", NULL);
	}
	if (strcmp(PQgetvalue(res, 0, 3), "superadmin") == 0 &&
	    strcmp(me->role, "superadmin") != 0) {
		db_rollback();
		return err_set(r, 422, "admin.profiles.superadmin_change",
		    NULL);
	}
	/*
	 * Barong's BARONG_PROFILE_DOUBLE_VERIFICATION: the admin who
	 * submitted a profile may not decide it himself unless his role is
	 * one of barong.yml's profile_verification_roles.
	 */
	if (cfg.profile_double_verification && !PQgetisnull(res, 0, 1) &&
	    strcmp(PQgetvalue(res, 0, 1), me->uid) == 0 &&
	    !strlist_has(&byml.profile_verification_roles, me->role)) {
		db_rollback();
		return err_set(r, 422, "admin.profiles.second_admin_approval",
		    NULL);
	}
	for (i = 0; i < NPROFILE_STATES; i++)
		if (strcmp(state, profile_states[i].name) == 0)
			code = profile_states[i].code;
	if (code == NULL) {
		/* Barong's enum raises (500); an empty state too, here. */
		db_rollback();
		return err_internal(r, "profile state \"%.32s\"", state);
	}
	p[0] = PQgetvalue(res, 0, 0);
	p[1] = code;
	if (db_exec(r->a, &st_prof_set_state, p) == NULL ||
	    labels_set_private(r->a, strtoll(PQgetvalue(res, 0, 2), NULL, 10),
	    "profile", state) == -1 || db_commit() == -1) {
		db_rollback();
		return err_internal(r, "could not update a profile");
	}
	/* XXX kyc_provider kycaid: no KYCAID client; submitted stays so. */
	return reply_profile(r, 200, p[0]);
}

static const struct param prof_create_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = COLMAX },
	{ .name = "first_name", .type = PT_STRING },
	{ .name = "last_name", .type = PT_STRING },
	{ .name = "dob", .type = PT_DATE },
	{ .name = "address", .type = PT_STRING },
	{ .name = "postcode", .type = PT_STRING },
	{ .name = "city", .type = PT_STRING },
	{ .name = "country", .type = PT_STRING },
	{ .name = "metadata", .type = PT_STRING },
	{ .name = NULL }
};

/*
 * POST /profiles (no ability check, as in Barong): 201 Profile with state
 * submitted and author = the current admin; an unknown uid is 500, as in
 * Barong; 422 state.exists and the field codes of lib/profile.c.
 */
static int
profiles_create(struct req *r)
{
	static const struct {
		const char		*name;
		enum profile_field	 field;
	} texts[] = {
		{ "first_name", PF_FIRST_NAME }, { "last_name", PF_LAST_NAME },
		{ "dob", PF_DOB }, { "address", PF_ADDRESS },
		{ "postcode", PF_POSTCODE }, { "city", PF_CITY },
		{ "country", PF_COUNTRY }, { "metadata", PF_METADATA },
	};
	struct profile_fields	 f;
	const struct pval	*v;
	struct user		*me, *u;
	long long		 id;
	size_t			 i;
	int			 rc;

	if (bearer_user(r, &me) == -1)
		return -1;
	if ((rc = user_find_by_uid(r->a, param_str(r, "uid"), &u)) == -1)
		return err_internal(r, "could not look up a user");
	if (rc == 1)
		return err_internal(r, "no user %s for a profile",
		    param_str(r, "uid"));
	memset(&f, 0, sizeof(f));
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if ((v = param_get(r, texts[i].name)) != NULL && v->present &&
		    v->j != NULL)
			profile_fields_set(&f, texts[i].field, v->s);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (profile_create(r, u->id, &f, PROFILE_SUBMITTED, me->uid,
	    &id) == -1) {
		db_rollback();
		return -1;
	}
	if (db_commit() == -1) {
		db_rollback();
		return err_internal(r, "could not commit a profile");
	}
	return reply_profile(r, 201, arena_printf(r->a, "%lld", id));
}

/*
 * GET /documents/{id}/file (our extension, the admin entity's upload.url):
 * any user's uploaded file, to whoever may read users.
 */
static int
document_file(struct req *r)
{
	if (abilities_require(r, "read", "User") == -1)
		return -1;
	return document_serve_file(r, r->route_vars[0], 0);
}

static const struct route routes[] = {
	{ "GET", "/abilities", abilities, NULL, ADM_ABILITY, 0 },
	{ "GET", "/levels", levels, NULL, ADM_LEVEL, 0 },
	{ "GET", "/api_keys", apikeys, apikeys_params, ADM_APIKEY, 0 },
	{ "GET", "/activities", activities, activities_params, ADM_ACTIVITY,
	  0 },
	{ "GET", "/activities/admin", admin_activities,
	  admin_activities_params, ADM_ACTIVITY, 0 },
	{ "GET", "/metrics", metrics, metrics_params, ADM_METRIC, 0 },
	{ "GET", "/profiles", profiles_list, prof_list_params, ADM_PROFILE,
	  0 },
	{ "PUT", "/profiles", profiles_update, prof_update_params,
	  ADM_PROFILE, 0 },
	{ "POST", "/profiles", profiles_create, prof_create_params,
	  ADM_PROFILE, 0 },
	{ "GET", "/documents/{id}/file", document_file, NULL, ADM_USER, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part admin_misc = { routes, NULL };
