/*
 * Users (user-api.md §6.1).  Uniqueness is the database's: an insert that
 * hits a unique index reports Barong's "taken" code, so concurrent sign-ups
 * with one e-mail create exactly one user.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "labels.h"
#include "log.h"
#include "parse.h"
#include "password.h"
#include "phone.h"
#include "profile.h"
#include "user.h"

#define ISO(col) "to_char(" col ", 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define USER_COLUMNS \
	"u.id, u.uid, u.username, u.email, u.password_digest, u.role," \
	" u.data, u.level, u.otp, u.state, u.referral_id, r.uid," \
	" " ISO("u.created_at") ", " ISO("u.updated_at") \
	" FROM users u LEFT JOIN users r ON r.id = u.referral_id"

static const struct db_stmt st_by_email = { "user_by_email",
	"SELECT " USER_COLUMNS " WHERE u.email = $1", 1 };
static const struct db_stmt st_by_uid = { "user_by_uid",
	"SELECT " USER_COLUMNS " WHERE u.uid = $1", 1 };
static const struct db_stmt st_by_id = { "user_by_id",
	"SELECT " USER_COLUMNS " WHERE u.id = $1::bigint", 1 };
static const struct db_stmt st_role_exists = { "user_role_exists",
	"SELECT 1 FROM permissions WHERE role = $1 LIMIT 1", 1 };
static const struct db_stmt st_email_taken = { "user_email_taken",
	"SELECT 1 FROM users WHERE email = $1", 1 };
static const struct db_stmt st_username_taken = { "user_username_taken",
	"SELECT 1 FROM users WHERE username = $1", 1 };
/*
 * Nothing is inserted on any unique conflict (e-mail, username, uid) or
 * when a service account has the uid: the caller tells which it was.
 */
static const struct db_stmt st_insert = { "user_insert",
	"INSERT INTO users (uid, username, email, password_digest, data,"
	" referral_id)"
	" SELECT $1::varchar, $2::varchar, $3::varchar, $4::varchar, $5::text,"
	" $6::bigint"
	" WHERE NOT EXISTS (SELECT 1 FROM service_accounts"
	" WHERE uid = $1::varchar)"
	" ON CONFLICT DO NOTHING RETURNING id", 6 };
static const struct db_stmt st_set_role_state = { "user_set_role_state",
	"UPDATE users SET role = $2, state = $3,"
	" updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1::bigint", 3 };
static const struct db_stmt st_set_password = { "user_set_password",
	"UPDATE users SET password_digest = $2,"
	" updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1::bigint", 2 };
static const struct db_stmt st_storages = { "user_data_storages",
	"SELECT title, data, " ISO("created_at") ", " ISO("updated_at")
	" FROM data_storages WHERE user_id = $1::bigint ORDER BY id", 1 };

static const char *
col(PGresult *res, int c)
{
	return PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
}

static int
find(struct arena *a, const struct db_stmt *st, const char *key,
    struct user **out)
{
	PGresult	*res;
	struct user	*u;
	const char	*p[1] = { key };

	if ((res = db_exec(a, st, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 1;
	u = arena_alloc(a, sizeof(*u));
	u->id = strtoll(col(res, 0), NULL, 10);
	u->uid = col(res, 1);
	u->username = col(res, 2);
	u->email = col(res, 3);
	u->password_digest = col(res, 4);
	u->role = col(res, 5);
	u->data = col(res, 6);
	u->level = strtol(col(res, 7), NULL, 10);
	u->otp = col(res, 8) != NULL && strcmp(col(res, 8), "t") == 0;
	u->state = col(res, 9);
	u->referral_id = col(res, 10) ? strtoll(col(res, 10), NULL, 10) : 0;
	u->referral_uid = col(res, 11);
	u->created_at = col(res, 12);
	u->updated_at = col(res, 13);
	*out = u;
	return 0;
}

int
user_find_by_email(struct arena *a, const char *email, struct user **out)
{
	return find(a, &st_by_email, email, out);
}

int
user_find_by_uid(struct arena *a, const char *uid, struct user **out)
{
	return find(a, &st_by_uid, uid, out);
}

int
user_find_by_id(struct arena *a, long long id, struct user **out)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%lld", id);
	return find(a, &st_by_id, buf, out);
}

int
user_role_exists(struct arena *a, const char *role)
{
	PGresult	*res;
	const char	*p[1] = { role };

	if ((res = db_exec(a, &st_role_exists, p)) == NULL)
		return -1;
	return PQntuples(res) > 0;
}

static int
exists(struct arena *a, const struct db_stmt *st, const char *v)
{
	PGresult	*res;
	const char	*p[1] = { v };

	if ((res = db_exec(a, st, p)) == NULL)
		return -1;
	return PQntuples(res) > 0;
}

/*
 * One or more DNS labels run together: letters, digits and inner hyphens
 * (the dots between labels are optional in Barong's pattern).
 */
static int
labels_valid(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/*
 * Barong's e-mail rule (user-api.md §6.1): after trimming, 1 to 64
 * characters without '@' or white space, '@', labels optionally separated
 * by dots, ending in 1 to 63 letters; so user@localhost is accepted.
 */
int
user_email_valid(const char *email)
{
	const char	*s = email, *e, *at, *dom, *dot, *part;
	size_t		 n, letters;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if ((at = memchr(s, '@', (size_t)(e - s))) == NULL)
		return 0;
	n = (size_t)(at - s);
	if (n < 1 || n > 64)
		return 0;
	for (part = s; part < at; part++)
		if (isspace((unsigned char)*part))
			return 0;
	dom = at + 1;
	if (dom >= e || memchr(dom, '@', (size_t)(e - dom)) != NULL)
		return 0;
	/* Every part before the last dot is a run of labels. */
	for (part = dom; (dot = memchr(part, '.', (size_t)(e - part))) != NULL;
	    part = dot + 1)
		if (!labels_valid(part, (size_t)(dot - part)))
			return 0;
	/* The last part ends in 1..63 letters after zero or more labels. */
	n = (size_t)(e - part);
	if (n == 0 || !isalpha((unsigned char)part[n - 1]))
		return 0;
	for (letters = 0; letters < n &&
	    isalpha((unsigned char)part[n - 1 - letters]); letters++)
		;
	if (letters < n && !labels_valid(part, n - (letters > 63 ? 63 :
	    letters)))
		return 0;
	return 1;
}

static void
validate_username(struct model_err *m, const char *name)
{
	size_t	n = strlen(name), i;
	int	ok = n > 0;

	if (n < 4)
		model_err_add(m, "username.too_short");
	if (n > 12)
		model_err_add(m, "username.too_long");
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]))
			ok = 0;
	if (!ok)
		model_err_add(m, "username.invalid");
}

/* Barong's data rule: JSON text of at most 1024 characters. */
static int
data_is_json(const char *data)
{
	json_object	*o = parse_json_body(data, strlen(data));

	if (o == NULL)
		return 0;
	json_object_put(o);
	return 1;
}

static char *
lower(struct arena *a, const char *s)
{
	char	*l = arena_strdup(a, s), *p;

	for (p = l; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

int
user_create(struct req *r, const struct user_new *in, struct user **out)
{
	struct model_err	 m = { 0 };
	const char		*codes[2], *p[6], *username = NULL;
	char			 hash[128], uid[24], hex[11];
	PGresult		*res;
	size_t			 ncodes, i;
	int			 try, taken;

	/* Barong's validation order (user-api.md §6.1). */
	ncodes = password_check_all(in->password, strlen(in->password), codes);
	if (ncodes > 0 && strcmp(codes[0], "password.too_long") == 0)
		model_err_add(&m, codes[0]);
	if (in->data != NULL && strlen(in->data) > 1024)
		model_err_add(&m, "data.too_long");
	if ((taken = user_role_exists(r->a, "member")) == -1)
		return err_internal(r, "could not check role");
	if (!taken)
		model_err_add(&m, "role.doesnt_exist");
	if (in->data != NULL && !data_is_json(in->data))
		model_err_add(&m, "data.invalid_format");
	if (!user_email_valid(in->email))
		model_err_add(&m, "email.invalid");
	else if ((taken = exists(r->a, &st_email_taken, in->email)) == -1)
		return err_internal(r, "could not check e-mail");
	else if (taken)
		model_err_add(&m, "email.taken");
	if (in->username != NULL) {
		username = lower(r->a, in->username);
		validate_username(&m, username);
		if ((taken = exists(r->a, &st_username_taken, username)) == -1)
			return err_internal(r, "could not check username");
		if (taken)
			model_err_add(&m, "username.taken");
	}
	for (i = 0; i < ncodes; i++)
		if (strcmp(codes[i], "password.too_long") != 0)
			model_err_add(&m, codes[i]);
	if (model_err_flush(r, &m, 422) == -1)
		return -1;

	if (crypto_bcrypt_hash(in->password, strlen(in->password),
	    (int)cfg.bcrypt_cost, hash) == -1)
		return err_internal(r, "could not hash a password");
	p[1] = username;
	p[2] = in->email;
	p[3] = hash;
	p[4] = in->data;
	p[5] = in->referral_id ? arena_printf(r->a, "%lld", in->referral_id) :
	    NULL;
	for (try = 0; try < 8; try++) {
		if (crypto_random_hex(hex, 5) == -1)
			break;
		for (i = 0; hex[i] != '\0'; i++)
			hex[i] = (char)toupper((unsigned char)hex[i]);
		snprintf(uid, sizeof(uid), "%.6s%s", cfg.uid_prefix, hex);
		for (i = 0; uid[i] != '\0'; i++)
			uid[i] = (char)toupper((unsigned char)uid[i]);
		p[0] = uid;
		if ((res = db_exec(r->a, &st_insert, p)) == NULL)
			break;
		if (PQntuples(res) == 1) {
			crypto_wipe(hash, sizeof(hash));
			return user_find_by_id(r->a, strtoll(PQgetvalue(res, 0,
			    0), NULL, 10), out) == 0 ? 0 :
			    err_internal(r, "new user vanished");
		}
		/* A conflict: which one? */
		if ((taken = exists(r->a, &st_email_taken, in->email)) == 1) {
			crypto_wipe(hash, sizeof(hash));
			return err_set(r, 422, "email.taken", NULL);
		}
		if (username != NULL && exists(r->a, &st_username_taken,
		    username) == 1) {
			crypto_wipe(hash, sizeof(hash));
			return err_set(r, 422, "username.taken", NULL);
		}
		/* Otherwise the uid was taken: draw another. */
	}
	crypto_wipe(hash, sizeof(hash));
	return err_internal(r, "could not insert a user");
}

int
user_set_role_state(struct arena *a, long long id, const char *role,
    const char *state)
{
	const char	*p[3];

	p[0] = arena_printf(a, "%lld", id);
	p[1] = role;
	p[2] = state;
	return db_exec(a, &st_set_role_state, p) == NULL ? -1 : 0;
}

/* Check the policy and store a new password.  -1 with 422 model codes. */
int
user_set_password(struct req *r, long long id, const char *pw)
{
	struct model_err	 m = { 0 };
	const char		*codes[2], *p[2];
	char			 hash[128];
	size_t			 n, i;

	n = password_check_all(pw, strlen(pw), codes);
	for (i = 0; i < n; i++)
		model_err_add(&m, codes[i]);
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if (crypto_bcrypt_hash(pw, strlen(pw), (int)cfg.bcrypt_cost,
	    hash) == -1)
		return err_internal(r, "could not hash a password");
	p[0] = arena_printf(r->a, "%lld", id);
	p[1] = hash;
	n = db_exec(r->a, &st_set_password, p) == NULL;
	crypto_wipe(hash, sizeof(hash));
	return n ? err_internal(r, "could not store a password") : 0;
}

static json_object *
storages_json(struct arena *a, long long id)
{
	PGresult	*res;
	json_object	*arr = json_object_new_array(), *o;
	const char	*p[1];
	int		 i, c;
	static const char *const keys[] = { "title", "data", "created_at",
		"updated_at" };

	p[0] = arena_printf(a, "%lld", id);
	if ((res = db_exec(a, &st_storages, p)) == NULL)
		return arr;
	for (i = 0; i < PQntuples(res); i++) {
		o = json_object_new_object();
		for (c = 0; c < 4; c++)
			json_object_object_add(o, keys[c],
			    json_object_new_string(PQgetvalue(res, i, c)));
		json_object_array_add(arr, o);
	}
	return arr;
}

json_object *
user_json_full(struct arena *a, const struct user *u, const char *csrf)
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
	if (csrf != NULL)
		json_object_object_add(o, "csrf_token",
		    json_object_new_string(csrf));
	json_object_object_add(o, "username",
	    json_new_string_or_null(u->username));
	json_object_object_add(o, "labels", labels_json(a, u->id));
	json_object_object_add(o, "phones", phones_json(a, u->id,
	    cfg.api_data_masking_enabled));
	json_object_object_add(o, "profiles", profiles_json(a, u->id,
	    cfg.api_data_masking_enabled));
	json_object_object_add(o, "data_storages", storages_json(a, u->id));
	json_object_object_add(o, "created_at",
	    json_object_new_string(u->created_at));
	json_object_object_add(o, "updated_at",
	    json_object_new_string(u->updated_at));
	return o;
}

json_object *
user_event_json(const struct user *u)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "uid", json_object_new_string(u->uid));
	json_object_object_add(o, "username",
	    json_new_string_or_null(u->username));
	json_object_object_add(o, "email", json_object_new_string(u->email));
	json_object_object_add(o, "role", json_object_new_string(u->role));
	json_object_object_add(o, "level", json_object_new_int64(u->level));
	json_object_object_add(o, "otp", json_object_new_boolean(u->otp));
	json_object_object_add(o, "state", json_object_new_string(u->state));
	json_object_object_add(o, "referral_uid",
	    json_new_string_or_null(u->referral_uid));
	json_object_object_add(o, "created_at",
	    json_object_new_string(u->created_at));
	json_object_object_add(o, "updated_at",
	    json_object_new_string(u->updated_at));
	return o;
}
