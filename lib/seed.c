/*
 * Barong's `rake db:seed` and `rake permissions:reload` (see seed.h and
 * spec/seeding-and-ops.md 1.2 and 4.2).
 *
 * Order: levels, permissions, users, restrictions; then the "Seeded users:"
 * list.  Rows that exist already are skipped, so a second run changes
 * nothing.  An abort stops the run and keeps what was seeded before, as
 * Barong does; each user and its labels form one transaction, so an abort
 * or error in the middle of a user leaves no half-made user behind (Barong
 * would keep the user without its labels).
 *
 * Deviations, recorded in barong-compat(7):
 *  - permission verb and action must be one of Barong's values (the table
 *    has CHECK constraints), where Barong's seed would store anything;
 *  - restriction values are checked by the model's rules before insert.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "labels.h"
#include "log.h"
#include "password.h"
#include "seed.h"
#include "user.h"
#include "yamlfile.h"

#define SEED_UID_TRIES		16
#define SEED_PASSWORD_TRIES	16
#define SEED_LEVEL_MAX		1000

/* ------------------------------------------------------------- statements */

static const struct db_stmt st_level_exists = { "seed_level_exists",
	"SELECT 1 FROM levels WHERE key = $1 AND value IS NOT DISTINCT FROM $2",
	2 };
static const struct db_stmt st_level_insert = { "seed_level_insert",
	"INSERT INTO levels (id, key, value, description) "
	"VALUES ($1::bigint, $2, $3, $4)", 4 };
/* Levels get explicit ids; move the sequence past them. */
static const struct db_stmt st_level_setval = { "seed_level_setval",
	"SELECT setval(pg_get_serial_sequence('levels', 'id'), "
	"COALESCE((SELECT max(id) FROM levels), 0) + 1, false)", 0 };

static const struct db_stmt st_perm_exists = { "seed_perm_exists",
	"SELECT 1 FROM permissions WHERE role = $1 AND verb = upper($2) "
	"AND path = $3 AND action = upper($4)", 4 };
static const struct db_stmt st_perm_insert = { "seed_perm_insert",
	"INSERT INTO permissions (role, verb, path, action, topic) "
	"VALUES ($1, upper($2), $3, upper($4), $5)", 5 };
static const struct db_stmt st_perm_delete_all = { "seed_perm_delete_all",
	"DELETE FROM permissions", 0 };

static const struct db_stmt st_user_exists = { "seed_user_exists",
	"SELECT 1 FROM users WHERE email = $1", 1 };
static const struct db_stmt st_role_exists = { "seed_role_exists",
	"SELECT 1 FROM permissions WHERE role = $1 LIMIT 1", 1 };
static const struct db_stmt st_levels_upto = { "seed_levels_upto",
	"SELECT id, key, value FROM levels "
	"WHERE id BETWEEN 1 AND $1::bigint ORDER BY id", 1 };
/*
 * No row back means the uid is taken (by a user or a service account):
 * draw another.  ON CONFLICT keeps the transaction usable for the retry.
 */
static const struct db_stmt st_user_insert = { "seed_user_insert",
	"INSERT INTO users (uid, email, password_digest, role, state, "
	"username, data, otp, level) "
	"SELECT $1::varchar, $2::varchar, $3::varchar, "
	"COALESCE($4::varchar, 'member'), COALESCE($5::varchar, 'pending'), "
	"lower($6::varchar), $7::text, COALESCE($8::boolean, false), "
	"$9::integer "
	"WHERE NOT EXISTS (SELECT 1 FROM service_accounts "
	"WHERE uid = $1::varchar) "
	"ON CONFLICT (uid) DO NOTHING RETURNING id", 9 };
static const struct db_stmt st_label_insert = { "seed_label_insert",
	"INSERT INTO labels (user_id, key, value, scope) "
	"VALUES ($1::bigint, $2, $3, 'private')", 3 };

static const struct db_stmt st_restr_exists = { "seed_restr_exists",
	"SELECT 1 FROM restrictions WHERE category = $1 AND scope = $2 "
	"AND value = $3 AND state = $4", 4 };
static const struct db_stmt st_restr_insert = { "seed_restr_insert",
	"INSERT INTO restrictions (category, scope, value, state, code) "
	"VALUES ($1, $2, $3, $4, $5::integer)", 5 };

/*
 * Level and state of user $1.  Level: the id of the last level of the
 * unbroken run, in id order, whose key:value the user holds as private
 * labels (0 when the first is missing).  State: the last state_triggers
 * entry ($4 states, $5 keys, flattened in file order) one of whose keys
 * the user holds as a label of any scope; else "active" when every
 * activation requirement ($2 keys, $3 values) is a private label; else
 * "pending".  Only a changed row is written.
 */
/* ---------------------------------------------------------------- helpers */

struct seeded {
	const char	*email;
	const char	*password;
	struct seeded	*next;
};

/* A string member of o, or NULL when absent, null or not a scalar. */
static const char *
field(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_array))
		return NULL;
	return json_object_get_string(v);
}

/* The same, with "" treated as absent (Ruby's blank?). */
static const char *
field_nonblank(json_object *o, const char *key)
{
	const char	*s = field(o, key);

	return s != NULL && *s != '\0' ? s : NULL;
}

static int
parse_int(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 n;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* A readable reason for a failed statement, from its SQLSTATE. */
static const char *
db_reason(struct arena *a)
{
	const char	*s = db_sqlstate();

	if (strcmp(s, SQLSTATE_UNIQUE_VIOLATION) == 0)
		return "has already been taken";
	if (strcmp(s, "23514") == 0)
		return "is not included in the list";
	if (strncmp(s, "22", 2) == 0)
		return "is invalid";
	return arena_printf(a, "database error (SQLSTATE %s)", s);
}

static json_object *
section(json_object *doc, const char *name, int required)
{
	json_object	*v;

	if (!json_object_object_get_ex(doc, name, &v) || v == NULL) {
		if (required)
			log_err("%s missing in seeds file", name);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_array)) {
		log_err("%s in seeds file is not a list", name);
		return NULL;
	}
	return v;
}

static json_object *
entry(json_object *list, size_t i, const char *what)
{
	json_object	*e = json_object_array_get_idx(list, i);

	if (e == NULL || !json_object_is_type(e, json_type_object)) {
		log_err("%s seed entry %zu is not a mapping", what, i + 1);
		return NULL;
	}
	return e;
}

static json_object *
load_seeds(const char *path)
{
	json_object	*doc;
	char		 err[512];

	if ((doc = yaml_load_file(path, err, sizeof(err))) == NULL) {
		log_err("could not load seeds: %s", err);
		return NULL;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		log_err("could not load seeds: %s: not a mapping", path);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

/* --------------------------------------------------------------- levels */

static int
seed_levels(struct arena *a, json_object *list)
{
	PGresult	*res;
	json_object	*e;
	const char	*p[4];
	char		 id[32];
	size_t		 i, n = json_object_array_length(list);

	log_info("Seeding levels");
	for (i = 0; i < n; i++) {
		arena_reset(a);
		if ((e = entry(list, i, "levels")) == NULL)
			return -1;
		p[0] = field_nonblank(e, "key");
		p[1] = field(e, "value");
		if (p[0] != NULL) {
			if ((res = db_exec(a, &st_level_exists, p)) == NULL)
				return -1;
			if (PQntuples(res) > 0)
				continue;
		}
		if (p[0] == NULL) {
			log_err("Can't create level: Key can't be blank");
			return -1;
		}
		if (field_nonblank(e, "description") == NULL) {
			log_err("Can't create level: Description can't be "
			    "blank");
			return -1;
		}
		/* id = position in the file, even after skipped entries */
		snprintf(id, sizeof(id), "%zu", i + 1);
		p[0] = id;
		p[1] = field_nonblank(e, "key");
		p[2] = field(e, "value");
		p[3] = field(e, "description");
		if (db_exec(a, &st_level_insert, p) == NULL) {
			log_err("Can't create level: %s %s", p[1],
			    db_reason(a));
			return -1;
		}
	}
	return db_exec(a, &st_level_setval, NULL) == NULL ? -1 : 0;
}

/* ---------------------------------------------------------- permissions */

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
in_list_exact(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static const char *const perm_verbs[] = { "get", "post", "put", "delete",
	"patch", "head", "all", NULL };
static const char *const perm_actions[] = { "accept", "drop", "audit", NULL };

/*
 * The permission step of db:seed.  Returns the number of rows inserted,
 * or -1 (aborted, logged).
 */
static long
seed_permissions(struct arena *a, json_object *list)
{
	PGresult	*res;
	json_object	*e;
	const char	*p[5], *miss[4];
	char		 why[256];
	size_t		 i, k, nmiss, n = json_object_array_length(list);
	long		 inserted = 0;

	log_info("Seeding permissions");
	for (i = 0; i < n; i++) {
		arena_reset(a);
		if ((e = entry(list, i, "permissions")) == NULL)
			return -1;
		p[0] = field_nonblank(e, "role");
		p[1] = field_nonblank(e, "verb");
		p[2] = field_nonblank(e, "path");
		p[3] = field_nonblank(e, "action");
		p[4] = field_nonblank(e, "topic");
		nmiss = 0;
		if (p[0] == NULL)
			miss[nmiss++] = "Role can't be blank";
		if (p[1] == NULL)
			miss[nmiss++] = "Verb can't be blank";
		if (p[2] == NULL)
			miss[nmiss++] = "Path can't be blank";
		if (p[3] == NULL)
			miss[nmiss++] = "Action can't be blank";
		if (nmiss > 0) {
			why[0] = '\0';
			for (k = 0; k < nmiss; k++) {
				if (k > 0)
					strncat(why, "; ", sizeof(why) -
					    strlen(why) - 1);
				strncat(why, miss[k], sizeof(why) -
				    strlen(why) - 1);
			}
			log_err("Can't create permission: %s", why);
			return -1;
		}
		if (!in_list(p[1], perm_verbs) || !in_list(p[3],
		    perm_actions)) {
			log_err("Can't create permission: %s is not included "
			    "in the list", !in_list(p[1], perm_verbs) ?
			    "Verb" : "Action");
			return -1;
		}
		/* Compared case-insensitively: stored upper-case. */
		if ((res = db_exec(a, &st_perm_exists, p)) == NULL)
			return -1;
		if (PQntuples(res) > 0)
			continue;
		if (db_exec(a, &st_perm_insert, p) == NULL) {
			log_err("Can't create permission: %s", db_reason(a));
			return -1;
		}
		inserted++;
	}
	return inserted;
}

/* ---------------------------------------------------------------- users */

/* "ID" + 10 upper-case hex digits from 5 random bytes. */
static int
make_uid(char *out, size_t outlen, const char *prefix)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 rnd[5];
	size_t			 i, o;

	for (o = 0; prefix[o] != '\0' && o + 1 < outlen; o++)
		out[o] = (char)(prefix[o] >= 'a' && prefix[o] <= 'z' ?
		    prefix[o] - 'a' + 'A' : prefix[o]);
	if (o + 2 * sizeof(rnd) + 1 > outlen ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	for (i = 0; i < sizeof(rnd); i++) {
		out[o++] = hex[rnd[i] >> 4];
		out[o++] = hex[rnd[i] & 0xf];
	}
	out[o] = '\0';
	return 0;
}

static const char *
uid_prefix(void)
{
	const char	*p = cfg.uid_prefix;
	size_t		 i;

	if (p == NULL || *p == '\0')
		return "ID";
	for (i = 0; p[i] != '\0'; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z')))
			return NULL;
	return i >= 2 && i <= 6 ? p : NULL;
}

/* SecureRandom.base64(30): 40 characters. */
static int
random_password(char *out, size_t outlen)
{
	unsigned char	rnd[30];

	if (outlen < 41 || RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, rnd, sizeof(rnd));
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

/* A random password that the policy accepts; 0 or -1. */
static int
default_password(char *out, size_t outlen)
{
	int	i;

	for (i = 0; i < SEED_PASSWORD_TRIES; i++) {
		if (random_password(out, outlen) == -1)
			return -1;
		if (password_check(out, strlen(out)) == NULL)
			return 0;
	}
	return -1;
}


static const char *const user_keys[] = { "email", "level", "password",
	"role", "state", "username", "data", "otp", "uid", NULL };

static void
seeded_add(struct arena *keep, struct seeded ***tail, const char *email,
    const char *password)
{
	struct seeded	*s = arena_alloc(keep, sizeof(*s));

	s->email = arena_strdup(keep, email);
	s->password = arena_strdup(keep, password);
	**tail = s;
	*tail = &s->next;
}

/*
 * Create one user with its labels in one transaction.  Returns 1 when
 * created, 0 when skipped after an error (logged, the run goes on), -1 to
 * abort the run.
 */
static int
create_user(struct arena *a, json_object *e, const char *email, long level,
    const char *password, const char *prefix)
{
	PGresult	*res, *levels = NULL;
	const char	*p[9], *given_uid;
	char		 uid[32], lvl[32], idbuf[32];
	char		 digest[CRYPTO_BCRYPT_MAX];
	long long	 user_id = 0;
	int		 i, tries, rc = 0;

	if (crypto_bcrypt_hash(password, strlen(password), (int)cfg.bcrypt_cost,
	    digest) == -1)
		return -1;
	if (db_begin() == -1)
		goto out_abort;
	p[0] = field_nonblank(e, "role") != NULL ? field(e, "role") : "member";
	if ((res = db_exec(a, &st_role_exists, p)) == NULL)
		goto abort;
	if (PQntuples(res) == 0) {
		log_err("Can't create user %s: Role doesn't exist", email);
		goto skip;
	}
	snprintf(lvl, sizeof(lvl), "%ld", level);
	if (level > 0) {
		p[0] = lvl;
		if ((levels = db_exec(a, &st_levels_upto, p)) == NULL)
			goto abort;
		if (PQntuples(levels) < level) {
			log_err("No enough levels found in database to grant "
			    "the user to level %ld", level);
			goto abort;
		}
	}
	given_uid = field_nonblank(e, "uid");
	p[1] = email;
	p[2] = digest;
	p[3] = field_nonblank(e, "role");
	p[4] = field_nonblank(e, "state");
	p[5] = field(e, "username");
	p[6] = field(e, "data");
	p[7] = field(e, "otp");
	p[8] = lvl;
	for (tries = 0; tries < (given_uid != NULL ? 1 : SEED_UID_TRIES);
	    tries++) {
		if (given_uid != NULL)
			p[0] = given_uid;
		else if (make_uid(uid, sizeof(uid), prefix) == -1) {
			log_err("could not make a uid");
			goto abort;
		} else
			p[0] = uid;
		if ((res = db_exec(a, &st_user_insert, p)) == NULL) {
			log_err("Can't create user %s: %s", email,
			    strcmp(db_sqlstate(), SQLSTATE_UNIQUE_VIOLATION)
			    == 0 ? "Email or username has already been taken" :
			    db_reason(a));
			goto skip;
		}
		if (PQntuples(res) == 1) {
			user_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
			break;
		}
	}
	if (user_id == 0) {
		log_err("Can't create user %s: Uid has already been taken",
		    email);
		goto skip;
	}
	snprintf(idbuf, sizeof(idbuf), "%lld", user_id);
	for (i = 0; levels != NULL && i < level; i++) {
		p[0] = idbuf;
		p[1] = PQgetvalue(levels, i, 1);
		p[2] = PQgetisnull(levels, i, 2) ? NULL :
		    PQgetvalue(levels, i, 2);
		if (db_exec(a, &st_label_insert, p) == NULL) {
			log_err("Can't create label %s for user %s: %s",
			    p[1], email, db_reason(a));
			goto skip;
		}
	}
	if (level > 0 && labels_recompute_user(a, user_id) == -1)
		goto skip;
	if (db_commit() == -1)
		goto out_abort;
	rc = 1;
	goto out;
skip:
	db_rollback();
	rc = 0;
	goto out;
abort:
	db_rollback();
out_abort:
	rc = -1;
out:
	crypto_wipe(digest, sizeof(digest));
	return rc;
}

/*
 * The users step.  Returns 0, or -1 to abort.  Created and existing users
 * are appended to the list at *tail (allocated in keep).
 */
static int
seed_users(struct arena *a, struct arena *keep, json_object *list,
    struct seeded ***tail, const char *prefix)
{
	PGresult	*res;
	json_object	*e;
	const char	*email, *pw, *why, *p[1];
	char		 gen[64];
	size_t		 i, n = json_object_array_length(list);
	long		 level;
	int		 r, known;

	log_info("Seeding users");
	for (i = 0; i < n; i++) {
		OPENSSL_cleanse(gen, sizeof(gen));
		arena_reset(a);
		if ((e = entry(list, i, "users")) == NULL)
			return -1;
		if ((email = field_nonblank(e, "email")) == NULL) {
			log_err("Email missing in users seed");
			return -1;
		}
		if (parse_int(field(e, "level"), 0, SEED_LEVEL_MAX,
		    &level) == -1) {
			log_err("Level is missing for user %s", email);
			return -1;
		}
		p[0] = email;
		if ((res = db_exec(a, &st_user_exists, p)) == NULL)
			return -1;
		if (PQntuples(res) > 0) {
			log_info("User %s already exists", email);
			seeded_add(keep, tail, email, "");
			continue;
		}
		known = 1;
		json_object_object_foreach(e, k, v) {
			(void)v;
			if (!in_list_exact(k, user_keys)) {
				log_err("unknown attribute '%s' for User.", k);
				known = 0;
			}
		}
		if (!known)
			return -1;
		if (!user_email_valid(email)) {
			log_err("Can't create user %s: Email is invalid",
			    email);
			continue;
		}
		/*
		 * Seeded users must satisfy the password policy too.  The
		 * default password is SecureRandom.base64(30), which now and
		 * then lacks a digit or a case: draw again rather than fail.
		 */
		if ((pw = field(e, "password")) == NULL) {
			if (default_password(gen, sizeof(gen)) == -1) {
				log_err("could not make a password");
				return -1;
			}
			pw = gen;
		}
		if ((why = password_check(pw, strlen(pw))) != NULL) {
			log_err("Can't create user %s: %s", email,
			    password_reason(why) != NULL ?
			    password_reason(why) : why);
			continue;
		}
		if ((r = create_user(a, e, email, level, pw, prefix)) == 1)
			seeded_add(keep, tail, email, pw);
		if (r == -1)
			break;
	}
	OPENSSL_cleanse(gen, sizeof(gen));
	return i < n ? -1 : 0;
}

/* --------------------------------------------------------- restrictions */

static const char *const restr_categories[] = { "whitelist", "maintenance",
	"blacklist", "blocklogin", NULL };
static const char *const restr_scopes[] = { "continent", "country", "ip",
	"ip_subnet", "all", NULL };
static const char *const restr_states[] = { "enabled", "disabled", NULL };

/* Barong's value rules: dotted IPv4 for ip, a.b.c.d/n for ip_subnet. */
static int
restriction_value_valid(const char *scope, const char *value)
{
	struct in_addr	 in;
	char		 ip[32];
	const char	*slash;
	long		 bits;

	if (strlen(value) > 64)
		return 0;
	if (strcmp(scope, "ip") == 0)
		return inet_pton(AF_INET, value, &in) == 1;
	if (strcmp(scope, "ip_subnet") == 0) {
		if ((slash = strchr(value, '/')) == NULL ||
		    (size_t)(slash - value) >= sizeof(ip))
			return 0;
		memcpy(ip, value, (size_t)(slash - value));
		ip[slash - value] = '\0';
		return inet_pton(AF_INET, ip, &in) == 1 &&
		    parse_int(slash + 1, 0, 32, &bits) == 0;
	}
	return 1;
}

/*
 * Barong's code rule: a blank code, or any whitelist code, becomes 471
 * for maintenance, else the scope's default; other codes are kept.
 */
static long
restriction_code(const char *category, const char *scope, long given,
    int has_code)
{
	if (has_code && strcmp(category, "whitelist") != 0)
		return given;
	if (strcmp(category, "maintenance") == 0)
		return 471;
	if (strcmp(scope, "continent") == 0 || strcmp(scope, "country") == 0)
		return 423;
	if (strcmp(scope, "ip_subnet") == 0)
		return 403;
	return 401;
}

static int
seed_restrictions(struct arena *a, json_object *list)
{
	PGresult	*res;
	json_object	*e;
	const char	*p[5], *code;
	char		 cbuf[32];
	size_t		 i, n = json_object_array_length(list);
	long		 given = 0;

	log_info("Seeding restrictions");
	if (n == 0)
		log_warn("Restrictions seed is empty!");
	for (i = 0; i < n; i++) {
		arena_reset(a);
		if ((e = entry(list, i, "restrictions")) == NULL)
			return -1;
		p[0] = field_nonblank(e, "category");
		p[1] = field_nonblank(e, "scope");
		p[2] = field_nonblank(e, "value");
		p[3] = field_nonblank(e, "state");
		if (p[0] != NULL && p[1] != NULL && p[2] != NULL &&
		    p[3] != NULL) {
			if ((res = db_exec(a, &st_restr_exists, p)) == NULL)
				return -1;
			if (PQntuples(res) > 0)
				continue;
		}
		if (p[0] == NULL) {
			log_err("category missing in restrictions seed");
			return -1;
		}
		if (p[1] == NULL) {
			log_err("scope is missing in restrictions seed");
			return -1;
		}
		if (p[2] == NULL) {
			log_err("value is missing in restrictions seed");
			return -1;
		}
		if (p[3] == NULL) {
			log_err("state is missing in restrictions seed");
			return -1;
		}
		code = field_nonblank(e, "code");
		if (code != NULL && parse_int(code, INT_MIN, INT_MAX,
		    &given) == -1) {
			log_err("Can't create restriction: Code is not a "
			    "number");
			return -1;
		}
		if (!in_list_exact(p[0], restr_categories) ||
		    !in_list_exact(p[1], restr_scopes) ||
		    !in_list_exact(p[3], restr_states)) {
			log_err("Can't create restriction: %s is not included "
			    "in the list", !in_list_exact(p[0],
			    restr_categories) ? "Category" : !in_list_exact(
			    p[1], restr_scopes) ? "Scope" : "State");
			return -1;
		}
		if (!restriction_value_valid(p[1], p[2])) {
			log_err("Can't create restriction: Value is invalid");
			return -1;
		}
		snprintf(cbuf, sizeof(cbuf), "%ld",
		    restriction_code(p[0], p[1], given, code != NULL));
		p[4] = cbuf;
		if (db_exec(a, &st_restr_insert, p) == NULL) {
			log_err("Can't create restriction: Value %s",
			    db_reason(a));
			return -1;
		}
	}
	return 0;
}

/* ----------------------------------------------------------- public API */

int
seed_run(const char *path, FILE *out)
{
	struct arena	*a, *keep;
	json_object	*doc, *levels, *perms, *users = NULL, *restr;
	struct seeded	*list = NULL, **tail = &list, *s;
	const char	*prefix;
	int		 rc = -1;

	if ((prefix = uid_prefix()) == NULL) {
		log_err("uid_prefix must be 2 to 6 letters");
		return -1;
	}
	if ((doc = load_seeds(path)) == NULL)
		return -1;
	a = arena_new(16 * 1024);
	keep = arena_new(4096);
	if ((levels = section(doc, "levels", 1)) == NULL ||
	    (perms = section(doc, "permissions", 1)) == NULL)
		goto out;
	if (json_object_object_get_ex(doc, "users", NULL) &&
	    json_object_object_get(doc, "users") != NULL &&
	    (users = section(doc, "users", 0)) == NULL)
		goto out;
	if (seed_levels(a, levels) == -1 || seed_permissions(a, perms) == -1)
		goto out;
	if (users != NULL && seed_users(a, keep, users, &tail, prefix) == -1)
		goto out;
	if ((restr = section(doc, "restrictions", 1)) == NULL ||
	    seed_restrictions(a, restr) == -1)
		goto out;
	fprintf(out, "Seeded users:\n");
	for (s = list; s != NULL; s = s->next)
		fprintf(out, "Email: %s, password: %s\n", s->email,
		    s->password);
	fflush(out);
	rc = 0;
out:
	for (s = list; s != NULL; s = s->next)
		OPENSSL_cleanse((char *)s->password, strlen(s->password));
	arena_free(a);
	arena_free(keep);
	json_object_put(doc);
	return rc;
}

int
seed_permissions_reload(const char *path, FILE *out)
{
	struct arena	*a;
	json_object	*doc, *perms;
	long		 n = -1;

	if ((doc = load_seeds(path)) == NULL)
		return -1;
	a = arena_new(16 * 1024);
	if ((perms = section(doc, "permissions", 1)) == NULL)
		goto out;
	if (db_begin() == -1)
		goto out;
	if (db_exec(a, &st_perm_delete_all, NULL) == NULL ||
	    (n = seed_permissions(a, perms)) == -1) {
		db_rollback();
		n = -1;
		goto out;
	}
	if (db_commit() == -1) {
		n = -1;
		goto out;
	}
	fprintf(out, "Reloaded %ld permissions\n", n);
	fflush(out);
out:
	arena_free(a);
	json_object_put(doc);
	return n == -1 ? -1 : 0;
}

