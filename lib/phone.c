/*
 * Phones: see phone.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "country.h"
#include "crypto.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "mask.h"
#include "phone.h"

/* Advisory lock class of phone numbers (the second key is the index). */
#define PHONE_LOCK_CLASS	"72424610"

static const struct db_stmt st_verified = { "phone_verified_anywhere",
	"SELECT 1 FROM phones WHERE number_index = $1::bigint"
	" AND validated_at IS NOT NULL LIMIT 1", 1 };
static const struct db_stmt st_find = { "phone_find",
	"SELECT id, code, validated_at IS NOT NULL FROM phones"
	" WHERE user_id = $1::bigint AND number_index = $2::bigint"
	" ORDER BY id LIMIT 1", 2 };
static const struct db_stmt st_insert = { "phone_insert",
	"INSERT INTO phones (user_id, country, code, number_encrypted,"
	" number_index) VALUES ($1::bigint, $2, $3, $4, $5::bigint)"
	" RETURNING id", 5 };
static const struct db_stmt st_validate = { "phone_validate",
	"UPDATE phones SET validated_at = (now() AT TIME ZONE 'utc'),"
	" updated_at = (now() AT TIME ZONE 'utc') WHERE id = $1::bigint", 1 };
static const struct db_stmt st_lock = { "phone_lock_number",
	"SELECT pg_advisory_xact_lock(" PHONE_LOCK_CLASS ","
	" ($1::bigint % 2147483647)::int4)", 1 };
static const struct db_stmt st_attempt = { "phone_code_attempt",
	"INSERT INTO login_failures (key, failures) VALUES ($1, 1)"
	" ON CONFLICT (key) DO UPDATE SET failures ="
	" login_failures.failures + 1 RETURNING failures", 1 };
static const struct db_stmt st_attempts_clear = { "phone_code_clear",
	"DELETE FROM login_failures WHERE key = $1", 1 };
static const struct db_stmt st_new_code = { "phone_new_code",
	"UPDATE phones SET code = $2, updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint", 2 };
static const struct db_stmt st_list = { "phones_of_user",
	"SELECT country, number_encrypted,"
	" to_char(validated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
	" FROM phones WHERE user_id = $1::bigint ORDER BY id", 1 };

const char *
phone_number_index(struct arena *a, const char *digits)
{
	const char	*index;

	if ((index = crypto_keyed_index(a, "phones.number", digits,
	    strlen(digits))) == NULL)
		log_err("phones: no keyed-hash key in the keyring");
	return index;
}

int
phone_verified_anywhere(struct arena *a, const char *index)
{
	PGresult	*res;
	const char	*p[1] = { index };

	if ((res = db_exec(a, &st_verified, p)) == NULL)
		return -1;
	return PQntuples(res) > 0;
}

int
phone_find(struct arena *a, long long user_id, const char *index,
    struct phone **out)
{
	PGresult	*res;
	struct phone	*ph;
	const char	*p[2];

	*out = NULL;
	p[0] = arena_printf(a, "%lld", user_id);
	p[1] = index;
	if ((res = db_exec(a, &st_find, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 1;
	ph = arena_alloc(a, sizeof(*ph));
	ph->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	ph->user_id = user_id;
	ph->code = PQgetisnull(res, 0, 1) ? "" :
	    arena_strdup(a, PQgetvalue(res, 0, 1));
	ph->validated = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	*out = ph;
	return 0;
}

int
phone_new_code(char out[PHONE_CODE_LEN + 1])
{
	uint32_t	v;

	/* Uniform over 00000-99999: drop the top partial range. */
	do {
		if (crypto_random_bytes(&v, sizeof(v)) == -1)
			return -1;
	} while (v >= UINT32_MAX - UINT32_MAX % 100000);
	snprintf(out, PHONE_CODE_LEN + 1, "%05u", (unsigned)(v % 100000));
	crypto_wipe(&v, sizeof(v));
	return 0;
}

int
phone_create(struct arena *a, long long user_id, const struct phonenumber *pn,
    const char *index, struct phone **out)
{
	PGresult	*res;
	struct phone	*ph;
	const char	*p[5];
	char		 code[PHONE_CODE_LEN + 1], *sealed;

	*out = NULL;
	p[0] = arena_printf(a, "%lld", user_id);
	sealed = crypto_seal(a, pn->digits, strlen(pn->digits),
	    arena_printf(a, "phones.number:%lld", user_id));
	if (sealed == NULL) {
		log_err("phones: could not seal a number");
		return -1;
	}
	if (phone_new_code(code) == -1)
		return -1;
	p[1] = pn->region;
	p[2] = code;
	p[3] = sealed;
	p[4] = index;
	if ((res = db_exec(a, &st_insert, p)) == NULL || PQntuples(res) != 1)
		return -1;
	ph = arena_alloc(a, sizeof(*ph));
	ph->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	ph->user_id = user_id;
	ph->code = arena_strdup(a, code);
	ph->validated = 0;
	*out = ph;
	return 0;
}

int
phone_set_validated(struct arena *a, long long id)
{
	const char	*p[1];

	p[0] = arena_printf(a, "%lld", id);
	return db_exec(a, &st_validate, p) == NULL ? -1 : 0;
}

int
phone_code_failed(struct arena *a, const struct phone *ph)
{
	PGresult	*res;
	const char	*p[2];
	char		 code[PHONE_CODE_LEN + 1];

	p[0] = arena_printf(a, "phone:%lld", ph->id);
	if ((res = db_exec(a, &st_attempt, p)) == NULL ||
	    PQntuples(res) != 1)
		return -1;
	if (strtol(PQgetvalue(res, 0, 0), NULL, 10) < PHONE_MAX_ATTEMPTS)
		return 0;
	if (phone_new_code(code) == -1)
		return -1;
	p[0] = arena_printf(a, "%lld", ph->id);
	p[1] = code;
	if (db_exec(a, &st_new_code, p) == NULL)
		return -1;
	return phone_code_passed(a, ph);
}

int
phone_code_passed(struct arena *a, const struct phone *ph)
{
	const char	*p[1];

	p[0] = arena_printf(a, "phone:%lld", ph->id);
	return db_exec(a, &st_attempts_clear, p) == NULL ? -1 : 0;
}

int
phone_lock_number(struct arena *a, const char *index)
{
	const char	*p[1] = { index };

	return db_exec(a, &st_lock, p) == NULL ? -1 : 0;
}

/* One Phone entity; NULL when the number cannot be opened (logged). */
static json_object *
phone_row_json(struct arena *a, PGresult *res, int row, long long user_id,
    int masked)
{
	json_object	*o;
	unsigned char	*plain;
	size_t		 len;
	const char	*number;

	if (crypto_open(a, PQgetvalue(res, row, 1), arena_printf(a,
	    "phones.number:%lld", user_id), &plain, &len) == -1) {
		log_err("phones: could not open a number of user %lld",
		    user_id);
		return NULL;
	}
	number = arena_strndup(a, (const char *)plain, len);
	if (masked)
		number = mask_phone(a, number,
		    (size_t)country_calling_code_len(number));
	o = json_object_new_object();
	json_object_object_add(o, "country",
	    json_object_new_string(PQgetvalue(res, row, 0)));
	json_object_object_add(o, "number", json_object_new_string(number));
	json_object_object_add(o, "validated_at", PQgetisnull(res, row, 2) ?
	    NULL : json_object_new_string(PQgetvalue(res, row, 2)));
	return o;
}

json_object *
phones_json(struct arena *a, long long user_id, int masked)
{
	PGresult	*res;
	json_object	*arr, *o;
	const char	*p[1];
	int		 i;

	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_list, p)) == NULL)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		if ((o = phone_row_json(a, res, i, user_id, masked)) == NULL) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, o);
	}
	return arr;
}
