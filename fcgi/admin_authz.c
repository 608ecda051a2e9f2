/*
 * barong-admin: permissions, restrictions and whitelinks (admin-api.md
 * §11.1-11.4, §11.8).
 *
 * Both tables drive barong-authorize.  Barong clears its 5-minute caches
 * after each write; here the triggers of sql/002_authz.sql send NOTIFY
 * barong_authz when the write commits, and every barong-authorize reloads
 * before its next decision (lib/policy.c), so a change applies to the very
 * next request.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "abilities.h"
#include "admin.h"
#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "paginate.h"
#include "params.h"

#define ISO(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Barong's columns are string(255); longer values are refused. */
#define COLMAX		255
/* restrictions.value is varchar(64). */
#define VALUEMAX	64

/* ------------------------------------------------------------ helpers */

/* Upper-case copy, for verbs and actions as Barong stores them. */
static const char *
upper(struct req *r, const char *s)
{
	char	*u = arena_strdup(r->a, s), *p;

	for (p = u; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static int
in_ci(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

/*
 * Ruby's String#to_i, which Barong applies to the undeclared from/to:
 * leading blanks, a sign, digits; anything else ends the number (0 when
 * there is none).  Clamped to the years PostgreSQL can hold.
 */
static const char *
ruby_to_i(struct req *r, const char *s)
{
	long long	n = 0;
	int		neg = 0;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; isdigit((unsigned char)*s) && n <= PARAM_EPOCH_MAX; s++)
		n = n * 10 + (*s - '0');
	return db_int(r->a, param_epoch_clamp(neg ? -n : n));
}

/*
 * One page of rows as entities, with the pagination headers: p[0..np-1]
 * are the filters both statements take, the rows statement also takes
 * limit and offset after them (p must have room for both).
 */
static int
list(struct req *r, const struct db_stmt *count, const struct db_stmt *rows,
    const char **p, int np, json_object *(*entity)(PGresult *, int))
{
	struct page	 pg;
	PGresult	*cres, *res;
	json_object	*a;
	int		 i;

	paginate_get(r, &pg);
	p[np] = db_int(r->a, pg.limit);
	p[np + 1] = db_int(r->a, pg.offset);
	if ((cres = db_exec(r->a, count, p)) == NULL ||
	    (res = db_exec(r->a, rows, p)) == NULL)
		return err_internal(r, "could not list");
	a = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++)
		json_object_array_add(a, entity(res, i));
	paginate_headers(r, &pg, strtoll(PQgetvalue(cres, 0, 0), NULL, 10));
	return http_reply_json(r, 200, a);
}

/* -------------------------------------------------------- permissions */

#define PERM_COLS "id, action, role, verb, path, topic, " \
	ISO("created_at") ", " ISO("updated_at")

static const struct db_stmt st_perm_count = { "adm_perm_count",
	"SELECT count(*) FROM permissions", 0 };
static const struct db_stmt st_perm_list = { "adm_perm_list",
	"SELECT " PERM_COLS " FROM permissions ORDER BY id"
	" LIMIT $1 OFFSET $2", 2 };
static const struct db_stmt st_perm_role = { "adm_perm_role",
	"SELECT 1 FROM permissions WHERE role = $1 LIMIT 1", 1 };
static const struct db_stmt st_perm_insert = { "adm_perm_insert",
	"INSERT INTO permissions (role, verb, path, action, topic)"
	" VALUES ($1, $2, $3, $4, $5)", 5 };
static const struct db_stmt st_perm_find = { "adm_perm_find",
	"SELECT id FROM permissions WHERE id = $1::bigint FOR UPDATE", 1 };
static const struct db_stmt st_perm_update = { "adm_perm_update",
	"UPDATE permissions SET role = COALESCE($2, role),"
	" verb = COALESCE($3, verb), path = COALESCE($4, path),"
	" action = COALESCE($5, action), topic = COALESCE($6, topic),"
	" updated_at = now() AT TIME ZONE 'utc' WHERE id = $1::bigint", 6 };
static const struct db_stmt st_perm_delete = { "adm_perm_delete",
	"DELETE FROM permissions WHERE id = $1::bigint RETURNING id", 1 };

static const char *const verbs[] = {
	"get", "post", "delete", "put", "head", "patch", "all", NULL
};
static const char *const actions[] = { "accept", "drop", "audit", NULL };

static json_object *
permission_json(PGresult *res, int i)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", db_json_int(res, i, 0));
	json_object_object_add(o, "action", db_json_str(res, i, 1));
	json_object_object_add(o, "role", db_json_str(res, i, 2));
	json_object_object_add(o, "verb", db_json_str(res, i, 3));
	json_object_object_add(o, "path", db_json_str(res, i, 4));
	json_object_object_add(o, "topic", db_json_str(res, i, 5));
	json_object_object_add(o, "created_at", db_json_str(res, i, 6));
	json_object_object_add(o, "updated_at", db_json_str(res, i, 7));
	return o;
}

static const struct param perm_list_params[] = {
	PARAM_PAGE,
	PARAM_LIMIT,
	{ .name = NULL }
};

/* GET /permissions: 200 [Permission], id order, paginated. */
static int
perm_list(struct req *r)
{
	const char	*p[2];

	if (abilities_require(r, "read", "Permission") == -1)
		return -1;
	return list(r, &st_perm_count, &st_perm_list, p, 0, permission_json);
}

#define PERM_FIELD(n, f) { .name = n, .type = PT_STRING, .flags = f, \
	.maxlen = COLMAX }

static const struct param perm_create_params[] = {
	PERM_FIELD("role", P_REQUIRED | P_NONBLANK),
	PERM_FIELD("verb", P_REQUIRED | P_NONBLANK),
	PERM_FIELD("path", P_REQUIRED | P_NONBLANK),
	PERM_FIELD("action", P_REQUIRED | P_NONBLANK),
	PERM_FIELD("topic", P_NONBLANK),
	{ .name = NULL }
};

/* Barong's validate_params!, in its order. */
static int
perm_check(struct req *r)
{
	const char	*verb = param_str(r, "verb");
	const char	*action = param_str(r, "action");

	if (verb != NULL && !in_ci(verb, verbs))
		return err_set(r, 422, "admin.permissions.invalid_verb", NULL);
	if (action != NULL && !in_ci(action, actions))
		return err_set(r, 422, "admin.permissions.invalid_action",
		    NULL);
	return 0;
}

/*
 * POST /permissions: 200, body 200; 422 admin.permissions.invalid_verb,
 * admin.permissions.invalid_action, admin.permission.role_doesnt_exist.
 */
static int
perm_create(struct req *r)
{
	const char	*p[5];
	PGresult	*res;

	if (abilities_require(r, "create", "Permission") == -1 ||
	    perm_check(r) == -1)
		return -1;
	p[0] = param_str(r, "role");
	if ((res = db_exec(r->a, &st_perm_role, p)) == NULL)
		return err_internal(r, "could not look up a role");
	if (PQntuples(res) == 0)
		return err_set(r, 422, ADM_PERMISSION ".role_doesnt_exist",
		    NULL);
	p[1] = upper(r, param_str(r, "verb"));
	p[2] = param_str(r, "path");
	p[3] = upper(r, param_str(r, "action"));
	p[4] = param_str(r, "topic");
	if (db_exec(r->a, &st_perm_insert, p) == NULL)
		return err_internal(r, "could not create a permission");
	return http_reply_status_body(r, 200);
}

static const struct param perm_update_params[] = {
	{ .name = "id", .type = PT_INTEGER, .flags = P_REQUIRED | P_NONBLANK },
	PERM_FIELD("role", P_NONBLANK),
	PERM_FIELD("verb", P_NONBLANK),
	PERM_FIELD("path", P_NONBLANK),
	PERM_FIELD("action", P_NONBLANK),
	PERM_FIELD("topic", P_NONBLANK),
	{ .name = NULL }
};

/*
 * PUT /permissions: 200, body 200; 404 admin.permission.doesnt_exist.
 * Barong stores any verb or action on update, which its authorization then
 * never matches; we refuse them with the codes of the create endpoint.
 */
static int
perm_update(struct req *r)
{
	const char	*p[6], *v;
	PGresult	*res;

	if (abilities_require(r, "update", "Permission") == -1)
		return -1;
	p[0] = db_int(r->a, param_int(r, "id", 0));
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_perm_find, p)) == NULL)
		return db_fail_tx(r, "find a permission");
	if (PQntuples(res) == 0) {
		db_rollback();
		return err_set(r, 404, ADM_PERMISSION ".doesnt_exist", NULL);
	}
	if (perm_check(r) == -1) {
		db_rollback();
		return -1;
	}
	p[1] = param_str(r, "role");
	p[2] = (v = param_str(r, "verb")) != NULL ? upper(r, v) : NULL;
	p[3] = param_str(r, "path");
	p[4] = (v = param_str(r, "action")) != NULL ? upper(r, v) : NULL;
	p[5] = param_str(r, "topic");
	if (db_exec(r->a, &st_perm_update, p) == NULL || db_commit() == -1)
		return db_fail_tx(r, "update a permission");
	return http_reply_status_body(r, 200);
}

static const struct param id_params[] = {
	{ .name = "id", .type = PT_INTEGER, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = NULL }
};

/* DELETE /permissions: 200, body 200; 404 admin.permission.doesnt_exist. */
static int
perm_delete(struct req *r)
{
	const char	*p[1];
	PGresult	*res;

	if (abilities_require(r, "destroy", "Permission") == -1)
		return -1;
	p[0] = db_int(r->a, param_int(r, "id", 0));
	if ((res = db_exec(r->a, &st_perm_delete, p)) == NULL)
		return err_internal(r, "could not delete a permission");
	if (PQntuples(res) == 0)
		return err_set(r, 404, ADM_PERMISSION ".doesnt_exist", NULL);
	return http_reply_status_body(r, 200);
}

/* ------------------------------------------------------- restrictions */

#define RESTR_COLS "id, category, scope, value, code, state, " \
	ISO("created_at") ", " ISO("updated_at")
/* $1 category, $2 scope, $3 range, $4 from, $5 to. */
#define RESTR_WHERE \
	" WHERE ($1::text IS NULL OR category = $1)" \
	" AND ($2::text IS NULL OR scope = $2)" \
	" AND ($4::bigint IS NULL OR (CASE WHEN $3 = 'updated' THEN" \
	" updated_at ELSE created_at END) >=" \
	" to_timestamp($4::bigint) AT TIME ZONE 'utc')" \
	" AND ($5::bigint IS NULL OR (CASE WHEN $3 = 'updated' THEN" \
	" updated_at ELSE created_at END) <=" \
	" to_timestamp($5::bigint) AT TIME ZONE 'utc')"

static const struct db_stmt st_restr_count = { "adm_restr_count",
	"SELECT count(*) FROM restrictions" RESTR_WHERE, 5 };
static const struct db_stmt st_restr_list = { "adm_restr_list",
	"SELECT " RESTR_COLS " FROM restrictions" RESTR_WHERE
	" ORDER BY id LIMIT $6 OFFSET $7", 7 };
static const struct db_stmt st_restr_find = { "adm_restr_find",
	"SELECT category, scope, value, code, state FROM restrictions"
	" WHERE id = $1::bigint FOR UPDATE", 1 };
static const struct db_stmt st_restr_taken = { "adm_restr_taken",
	"SELECT 1 FROM restrictions WHERE category = $1 AND scope = $2"
	" AND value = $3 AND id <> $4::bigint", 4 };
static const struct db_stmt st_restr_insert = { "adm_restr_insert",
	"INSERT INTO restrictions (category, scope, value, code, state)"
	" VALUES ($1, $2, $3, $4::integer, $5)", 5 };
static const struct db_stmt st_restr_update = { "adm_restr_update",
	"UPDATE restrictions SET category = $2, scope = $3, value = $4,"
	" code = $5::integer, state = $6,"
	" updated_at = now() AT TIME ZONE 'utc' WHERE id = $1::bigint", 6 };
static const struct db_stmt st_restr_delete = { "adm_restr_delete",
	"DELETE FROM restrictions WHERE id = $1::bigint RETURNING id", 1 };
static const struct db_stmt st_sessions_end = { "adm_sessions_end_all",
	"DELETE FROM sessions", 0 };
static const struct db_stmt st_whitelink_put = { "adm_whitelink_put",
	"INSERT INTO whitelink_tokens (token, expires_at)"
	" VALUES ($1, now() + make_interval(hours => $2::integer))", 2 };

static const char *const scopes[] = {
	"continent", "country", "ip", "ip_subnet", "all", NULL
};
static const char *const categories[] = {
	"whitelist", "maintenance", "blacklist", "blocklogin", NULL
};
static const char *const states[] = { "enabled", "disabled", NULL };
static const char *const ranges[] = { "created", "updated", NULL };
static const char *const link_ranges[] = { "day", "hour", NULL };

struct restriction {
	const char	*category, *scope, *value, *state;
	long long	 code;		/* 0: none */
};

static json_object *
restriction_json(PGresult *res, int i)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", db_json_int(res, i, 0));
	json_object_object_add(o, "category", db_json_str(res, i, 1));
	json_object_object_add(o, "scope", db_json_str(res, i, 2));
	json_object_object_add(o, "value", db_json_str(res, i, 3));
	json_object_object_add(o, "code", db_json_int(res, i, 4));
	json_object_object_add(o, "state", db_json_str(res, i, 5));
	json_object_object_add(o, "created_at", db_json_str(res, i, 6));
	json_object_object_add(o, "updated_at", db_json_str(res, i, 7));
	return o;
}

#define RESTR_ENUM(n, l, f) { .name = n, .type = PT_STRING, .flags = f, \
	.values = l, .value_err = ADM_RESTRICTION ".invalid_" n, \
	.maxlen = COLMAX }

static const struct param restr_list_params[] = {
	RESTR_ENUM("scope", scopes, P_NONBLANK),
	RESTR_ENUM("category", categories, P_NONBLANK),
	{ .name = "range", .type = PT_STRING, .values = ranges,
	  .value_err = ADM_RESTRICTION ".invalid_range", .def = "created",
	  .maxlen = COLMAX },
	PARAM_PAGE,
	PARAM_LIMIT,
	/* undeclared in Barong, but read (String#to_i) */
	{ .name = "from", .type = PT_ANY },
	{ .name = "to", .type = PT_ANY },
	{ .name = NULL }
};

/* The raw text of an undeclared parameter, NULL when absent or not text. */
static const char *
raw(struct req *r, const char *name)
{
	const struct pval	*v = param_get(r, name);

	if (v == NULL || v->j == NULL ||
	    json_object_is_type(v->j, json_type_object) ||
	    json_object_is_type(v->j, json_type_array))
		return v != NULL ? "" : NULL;
	return json_object_get_string(v->j);
}

/* GET /restrictions: 200 [Restriction], filtered, id order, paginated. */
static int
restr_list(struct req *r)
{
	const char	*p[7];

	if (abilities_require(r, "read", "Restriction") == -1)
		return -1;
	p[0] = param_str(r, "category");
	p[1] = param_str(r, "scope");
	p[2] = param_str(r, "range");
	p[3] = ruby_to_i(r, raw(r, "from"));
	p[4] = ruby_to_i(r, raw(r, "to"));
	return list(r, &st_restr_count, &st_restr_list, p, 5,
	    restriction_json);
}

/* One decimal octet 0..255 without leading zeros; advances *s. */
static int
octet(const char **s)
{
	const char	*p = *s;
	int		 n = 0, d = 0;

	while (isdigit((unsigned char)*p) && d < 4) {
		n = n * 10 + (*p++ - '0');
		d++;
	}
	if (d == 0 || d > 3 || n > 255 || (d > 1 && **s == '0'))
		return -1;
	*s = p;
	return 0;
}

/* Ruby's Resolv::IPv4::Regex: four dotted octets, nothing else. */
static int
valid_ipv4(const char *s, const char **end)
{
	int	i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return 0;
		if (octet(&s) == -1)
			return 0;
	}
	if (end != NULL)
		*end = s;
	else if (*s != '\0')
		return 0;
	return 1;
}

/*
 * a.b.c.d/n, n 0..32.  Barong's pattern takes any 1-3 digits per octet
 * (999.1.1.1/8), which authorization can never match; octets must be
 * 0..255 here.
 */
static int
valid_subnet(const char *s)
{
	const char	*e;
	int		 n = 0, d = 0;

	if (!valid_ipv4(s, &e) || *e++ != '/')
		return 0;
	for (; isdigit((unsigned char)*e) && d < 3; e++, d++)
		n = n * 10 + (*e - '0');
	return d > 0 && *e == '\0' && n <= 32 && !(d == 2 && e[-2] == '0');
}

/* Barong's assign_code: blank code or a whitelist gets the default. */
static void
assign_code(struct restriction *x)
{
	static const struct { const char *scope; int code; } defaults[] = {
		{ "continent", 423 }, { "country", 423 }, { "ip_subnet", 403 },
		{ "ip", 401 }, { "all", 401 },
	};
	size_t	i;

	if (x->code != 0 && strcmp(x->category, "whitelist") != 0)
		return;
	if (strcmp(x->category, "maintenance") == 0) {
		x->code = 471;
		return;
	}
	x->code = 0;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(x->scope, defaults[i].scope) == 0)
			x->code = defaults[i].code;
}

/*
 * The model's validations on the merged record (id 0: a new one):
 * value.taken, value.invalid, value.too_long (Barong has no length check
 * and lets the database fail).  0, or -1 with r->err.
 */
static int
restr_validate(struct req *r, const struct restriction *x, long long id)
{
	struct model_err	 me = { 0 };
	const char		*p[4];
	PGresult		*res;

	p[0] = x->category;
	p[1] = x->scope;
	p[2] = x->value;
	p[3] = db_int(r->a, id);
	if ((res = db_exec(r->a, &st_restr_taken, p)) == NULL)
		return err_internal(r, "could not check a restriction");
	if (PQntuples(res) > 0)
		model_err_add(&me, "value.taken");
	if ((strcmp(x->scope, "ip") == 0 && !valid_ipv4(x->value, NULL)) ||
	    (strcmp(x->scope, "ip_subnet") == 0 && !valid_subnet(x->value)))
		model_err_add(&me, "value.invalid");
	if (strlen(x->value) > VALUEMAX)
		model_err_add(&me, "value.too_long");
	return model_err_flush(r, &me, 422);
}

/* A unique violation at insert/update: a concurrent twin won. */
static int
restr_write_failed(struct req *r, const char *what)
{
	const char	*state = db_sqlstate();

	db_rollback();
	if (state != NULL && strcmp(state, SQLSTATE_UNIQUE_VIOLATION) == 0)
		return err_set(r, 422, "value.taken", NULL);
	return err_internal(r, "could not %s a restriction", what);
}

/*
 * Saving an enabled blocklogin restriction that is new or whose state
 * changed logs everybody out (Barong deletes every session key).
 */
static int
blocklogin_sessions(struct req *r, const struct restriction *x,
    const char *old_state)
{
	if (strcmp(x->category, "blocklogin") != 0 ||
	    strcmp(x->state, "enabled") != 0 ||
	    (old_state != NULL && strcmp(old_state, x->state) == 0))
		return 0;
	return db_exec(r->a, &st_sessions_end, NULL) == NULL ? -1 : 0;
}

static const struct param restr_create_params[] = {
	RESTR_ENUM("scope", scopes, P_REQUIRED | P_NONBLANK),
	{ .name = "value", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	  .maxlen = COLMAX },
	RESTR_ENUM("category", categories, P_REQUIRED | P_NONBLANK),
	{ .name = "state", .type = PT_STRING, .flags = P_NONBLANK,
	  .values = states, .value_err = ADM_RESTRICTION ".invalid_state",
	  .def = "enabled", .maxlen = COLMAX },
	{ .name = "code", .type = PT_INTEGER, .flags = P_NONBLANK,
	  .min = -2147483648LL, .max = 2147483647LL, .value_err = "invalid" },
	{ .name = NULL }
};

/* POST /restrictions: 200, body 200; 422 value.taken, value.invalid. */
static int
restr_create(struct req *r)
{
	struct restriction	 x;
	const char		*p[5];

	if (abilities_require(r, "create", "Restriction") == -1)
		return -1;
	x.category = param_str(r, "category");
	x.scope = param_str(r, "scope");
	x.value = param_str(r, "value");
	x.state = param_str(r, "state");
	x.code = param_int(r, "code", 0);
	assign_code(&x);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (restr_validate(r, &x, 0) == -1)
		return db_fail_tx(r, "validate a restriction");
	p[0] = x.category;
	p[1] = x.scope;
	p[2] = x.value;
	p[3] = x.code != 0 ? db_int(r->a, x.code) : NULL;
	p[4] = x.state;
	if (db_exec(r->a, &st_restr_insert, p) == NULL)
		return restr_write_failed(r, "create");
	if (blocklogin_sessions(r, &x, NULL) == -1 || db_commit() == -1)
		return db_fail_tx(r, "create a restriction");
	return http_reply_status_body(r, 200);
}

static const struct param restr_update_params[] = {
	{ .name = "id", .type = PT_INTEGER, .flags = P_REQUIRED | P_NONBLANK },
	RESTR_ENUM("scope", scopes, P_NONBLANK),
	RESTR_ENUM("category", categories, P_NONBLANK),
	{ .name = "value", .type = PT_STRING, .flags = P_NONBLANK,
	  .maxlen = COLMAX },
	{ .name = "state", .type = PT_STRING, .flags = P_NONBLANK,
	  .values = states, .value_err = ADM_RESTRICTION ".invalid_state",
	  .maxlen = COLMAX },
	{ .name = "code", .type = PT_INTEGER, .flags = P_NONBLANK,
	  .min = -2147483648LL, .max = 2147483647LL, .value_err = "invalid" },
	{ .name = NULL }
};

static const char *
given_or(const char *given, const char *stored)
{
	return given != NULL ? given : stored;
}

/*
 * PUT /restrictions: 200, body 200; 404 admin.restriction.doesnt_exist;
 * 422 value.taken, value.invalid on the merged record.
 */
static int
restr_update(struct req *r)
{
	struct restriction	 x;
	PGresult		*res;
	const char		*p[6], *old_state;
	long long		 id = param_int(r, "id", 0);

	if (abilities_require(r, "update", "Restriction") == -1)
		return -1;
	p[0] = db_int(r->a, id);
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((res = db_exec(r->a, &st_restr_find, p)) == NULL)
		return db_fail_tx(r, "find a restriction");
	if (PQntuples(res) == 0) {
		db_rollback();
		return err_set(r, 404, ADM_RESTRICTION ".doesnt_exist", NULL);
	}
	x.category = given_or(param_str(r, "category"),
	    PQgetvalue(res, 0, 0));
	x.scope = given_or(param_str(r, "scope"), PQgetvalue(res, 0, 1));
	x.value = given_or(param_str(r, "value"), PQgetvalue(res, 0, 2));
	x.code = PQgetisnull(res, 0, 3) ? 0 :
	    strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	if (param_present(r, "code"))
		x.code = param_int(r, "code", 0);
	old_state = PQgetvalue(res, 0, 4);
	x.state = given_or(param_str(r, "state"), old_state);
	assign_code(&x);
	if (restr_validate(r, &x, id) == -1)
		return db_fail_tx(r, "validate a restriction");
	p[1] = x.category;
	p[2] = x.scope;
	p[3] = x.value;
	p[4] = x.code != 0 ? db_int(r->a, x.code) : NULL;
	p[5] = x.state;
	if (db_exec(r->a, &st_restr_update, p) == NULL)
		return restr_write_failed(r, "update");
	if (blocklogin_sessions(r, &x, old_state) == -1 || db_commit() == -1)
		return db_fail_tx(r, "update a restriction");
	return http_reply_status_body(r, 200);
}

/* DELETE /restrictions: 200, body 200; 404 admin.restriction.doesnt_exist. */
static int
restr_delete(struct req *r)
{
	const char	*p[1];
	PGresult	*res;

	if (abilities_require(r, "destroy", "Restriction") == -1)
		return -1;
	p[0] = db_int(r->a, param_int(r, "id", 0));
	if ((res = db_exec(r->a, &st_restr_delete, p)) == NULL)
		return err_internal(r, "could not delete a restriction");
	if (PQntuples(res) == 0)
		return err_set(r, 404, ADM_RESTRICTION ".doesnt_exist", NULL);
	return http_reply_status_body(r, 200);
}

static const struct param whitelink_params[] = {
	{ .name = "expire_time", .type = PT_INTEGER,
	  .flags = P_NONBLANK | P_BADTYPE_VALUE, .def = "1", .min = 1,
	  .max = 30, .value_err = "invalid_expire" },
	{ .name = "range", .type = PT_STRING, .flags = P_NONBLANK,
	  .values = link_ranges, .value_err = "invalid_range", .def = "day",
	  .maxlen = COLMAX },
	{ .name = NULL }
};

/*
 * POST /restrictions/whitelink: 201 {"whitelink_token":"<64 hex>"}.  The
 * token (256 random bits, where Barong hashes 80) lets whoever holds it
 * whitelist his address through POST /identity/users/access until it
 * expires, expire_time days or hours from now.
 */
static int
restr_whitelink(struct req *r)
{
	char		 token[65];
	const char	*p[2];
	long long	 hours = param_int(r, "expire_time", 1);
	json_object	*o;

	if (abilities_require(r, "create", "Restriction") == -1)
		return -1;
	if (strcmp(param_str(r, "range"), "day") == 0)
		hours *= 24;
	if (crypto_random_hex(token, 32) == -1)
		return err_internal(r, "could not make a whitelink token");
	p[0] = token;
	p[1] = db_int(r->a, hours);
	if (db_exec(r->a, &st_whitelink_put, p) == NULL)
		return err_internal(r, "could not store a whitelink token");
	o = json_object_new_object();
	json_object_object_add(o, "whitelink_token",
	    json_object_new_string(token));
	crypto_wipe(token, sizeof(token));
	return http_reply_json(r, 201, o);
}

static const struct route routes[] = {
	{ "GET", "/permissions", perm_list, perm_list_params, ADM_PERMISSION,
	  0 },
	{ "POST", "/permissions", perm_create, perm_create_params,
	  ADM_PERMISSION, 0 },
	{ "PUT", "/permissions", perm_update, perm_update_params,
	  ADM_PERMISSION, 0 },
	{ "DELETE", "/permissions", perm_delete, id_params, ADM_PERMISSION,
	  0 },
	{ "GET", "/restrictions", restr_list, restr_list_params,
	  ADM_RESTRICTION, 0 },
	{ "POST", "/restrictions/whitelink", restr_whitelink,
	  whitelink_params, ADM_RESTRICTION, 0 },
	{ "POST", "/restrictions", restr_create, restr_create_params,
	  ADM_RESTRICTION, 0 },
	{ "PUT", "/restrictions", restr_update, restr_update_params,
	  ADM_RESTRICTION, 0 },
	{ "DELETE", "/restrictions", restr_delete, id_params, ADM_RESTRICTION,
	  0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part admin_authz = { routes, NULL };
