/*
 * KYC profiles: see profile.h.
 *
 * Barong's field rules are Ruby regular expressions over Unicode strings;
 * they are compiled here with PCRE2 (UTF mode) spelling Onigmo's classes
 * out: [[:word:]] is Letter, Mark, Decimal_Number and
 * Connector_Punctuation, and \s is ASCII whitespace only.  Lengths count
 * characters, as Ruby's String#length does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "arena.h"
#include "country.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "labels.h"
#include "log.h"
#include "mask.h"
#include "parse.h"
#include "profile.h"
#include "http.h"

#define FIELD_MAX	255	/* characters, every length rule's maximum */
#define JSON_DEPTH	100	/* Ruby's JSON.parse max_nesting */

/* ------------------------------------------------------------ fields */

static const struct {
	const char	*name;
	const char	*column;	/* as written by create and update */
	int		 sealed;
} fields[PF_N] = {
	[PF_FIRST_NAME] = { "first_name", "first_name_encrypted", 1 },
	[PF_LAST_NAME] = { "last_name", "last_name_encrypted", 1 },
	[PF_DOB] = { "dob", "dob_encrypted", 1 },
	[PF_ADDRESS] = { "address", "address_encrypted", 1 },
	[PF_POSTCODE] = { "postcode", "postcode", 0 },
	[PF_CITY] = { "city", "city", 0 },
	[PF_COUNTRY] = { "country", "country", 0 },
	[PF_METADATA] = { "metadata", "metadata", 0 },
};

/* The PROFILE_COLUMNS offset of each field's column. */
static const int field_col[PF_N] = {
	[PF_FIRST_NAME] = 1, [PF_LAST_NAME] = 2, [PF_DOB] = 3,
	[PF_ADDRESS] = 4, [PF_POSTCODE] = 5, [PF_CITY] = 6,
	[PF_COUNTRY] = 7, [PF_METADATA] = 9,
};
#define COL_USER_ID	0
#define COL_STATE	8
#define COL_CREATED	10
#define COL_UPDATED	11

static const struct {
	int		 value;
	const char	*name;
} states[] = {
	{ PROFILE_DRAFTED, "drafted" },
	{ PROFILE_SUBMITTED, "submitted" },
	{ PROFILE_VERIFIED, "verified" },
	{ PROFILE_REJECTED, "rejected" },
};
#define NSTATES	(sizeof(states) / sizeof(states[0]))

const char *
profile_state_name(int v)
{
	size_t	i;

	for (i = 0; i < NSTATES; i++)
		if (states[i].value == v)
			return states[i].name;
	return NULL;
}

int
profile_state_value(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < NSTATES; i++)
		if (strcmp(states[i].name, name) == 0)
			return states[i].value;
	return -1;
}

void
profile_fields_set(struct profile_fields *f, enum profile_field k,
    const char *v)
{
	f->v[k] = v;
	f->given |= 1u << k;
}

/* -------------------------------------------------------- characters */

/* The code point at s (len bytes left) and its length in *n. */
static unsigned long
decode(const char *s, size_t len, size_t *n)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 c;
	size_t			 i;

	if ((*n = parse_utf8_seq(u, len)) == 0) {
		*n = 1;			/* a stray byte: itself */
		return u[0];
	}
	if (*n == 1)
		return u[0];
	c = u[0] & (0xff >> (*n + 1));
	for (i = 1; i < *n; i++)
		c = (c << 6) | (u[i] & 0x3f);
	return c;
}

/* Unicode White_Space, Onigmo's [[:space:]]. */
static int
is_space(unsigned long c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

static size_t
char_count(const char *s)
{
	size_t	len = strlen(s), i = 0, n = 0, cl;

	while (i < len) {
		(void)decode(s + i, len - i, &cl);
		i += cl;
		n++;
	}
	return n;
}

/*
 * ActiveSupport's squish: each run of [[:space:]] becomes one space,
 * then leading and trailing spaces go.
 */
const char *
profile_squish(struct arena *a, const char *s)
{
	size_t	 len, i = 0, o = 0, cl;
	char	*out;
	int	 pending = 0;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	out = arena_alloc(a, len + 1);
	while (i < len) {
		if (is_space(decode(s + i, len - i, &cl))) {
			pending = o > 0;
		} else {
			if (pending)
				out[o++] = ' ';
			pending = 0;
			memcpy(out + o, s + i, cl);
			o += cl;
		}
		i += cl;
	}
	out[o] = '\0';
	return out;
}

int
profile_blank(const char *s)
{
	size_t	len, i = 0, cl;

	if (s == NULL)
		return 1;
	len = strlen(s);
	while (i < len) {
		if (!is_space(decode(s + i, len - i, &cl)))
			return 0;
		i += cl;
	}
	return 1;
}

/* ------------------------------------------------------------ formats */

#define WORD	"\\p{L}\\p{M}\\p{Nd}\\p{Pc}"
#define SPACE	"\\t\\n\\x{0B}\\f\\r "

enum format { FMT_NAME, FMT_CITY, FMT_POSTCODE, FMT_ADDRESS, FMT_N };

static const char *const format_re[FMT_N] = {
	[FMT_NAME] = "\\A[" WORD SPACE "\\-']+\\z",
	[FMT_CITY] = "\\A[" WORD SPACE "\\-\\x{2013}.~']+\\z",
	[FMT_POSTCODE] = "\\A[" WORD SPACE "\\-]+\\z",
	[FMT_ADDRESS] = "\\A[" WORD SPACE
	    "\\-\\x{2013},.~;/:#\"\\\\&')(]+\\z",
};

static pcre2_code		*format_code[FMT_N];
static pcre2_match_data		*format_md;

/* 1 if s matches the format, 0 if not; a compile failure aborts. */
static int
format_ok(enum format f, const char *s)
{
	PCRE2_SIZE	 off;
	int		 error;

	if (format_code[f] == NULL) {
		format_code[f] = pcre2_compile((PCRE2_SPTR)format_re[f],
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &error, &off, NULL);
		if (format_code[f] == NULL) {
			log_err("profile format %d does not compile", (int)f);
			abort();
		}
	}
	if (format_md == NULL &&
	    (format_md = pcre2_match_data_create(1, NULL)) == NULL)
		abort();
	/* Invalid UTF-8 makes pcre2_match fail, hence not match. */
	return pcre2_match(format_code[f], (PCRE2_SPTR)s, strlen(s), 0, 0,
	    format_md, NULL) >= 0;
}

/*
 * json-c reads NaN and Infinity, which Ruby's JSON.parse refuses; a
 * parsed double keeps its source text.  Depth is bounded by the parser.
 */
static int
json_ruby_ok(json_object *o)
{
	struct json_object_iterator	 it, end;
	const char			*s;
	size_t				 i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		s = json_object_get_string(o);
		return strpbrk(s, "NI") == NULL;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (!json_ruby_ok(json_object_array_get_idx(o, i)))
				return 0;
		return 1;
	case json_type_object:
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if (!json_ruby_ok(json_object_iter_peek_value(&it)))
				return 0;
		return 1;
	default:
		return 1;
	}
}

int
profile_json_text_valid(const char *s)
{
	json_tokener	*tok;
	json_object	*o;
	size_t		 len = strlen(s), end;
	int		 ok;

	if (len >= INT32_MAX || (tok = json_tokener_new_ex(JSON_DEPTH)) ==
	    NULL)
		return 0;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The terminating NUL ends a bare number or literal. */
	o = json_tokener_parse_ex(tok, s, (int)len + 1);
	ok = json_tokener_get_error(tok) == json_tokener_success &&
	    json_ruby_ok(o);
	/* Only whitespace may follow the value. */
	for (end = ok ? json_tokener_get_parse_end(tok) : len; end < len;
	    end++)
		if (strchr(" \t\r\n", s[end]) == NULL) {
			ok = 0;
			break;
		}
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

/* ------------------------------------------------------------ validation */

/* Barong's `validates f, length: min..255, format:` when f is present. */
static void
check_text(struct arena *a, const char *name, const char *v, size_t min,
    enum format f, struct model_err *me)
{
	size_t	n;

	if (profile_blank(v))
		return;
	n = char_count(v);
	if (n < min)
		model_err_add(me, arena_printf(a, "%s.too_short", name));
	if (n > FIELD_MAX)
		model_err_add(me, arena_printf(a, "%s.too_long", name));
	if (!format_ok(f, v))
		model_err_add(me, arena_printf(a, "%s.invalid", name));
}

void
profile_validate(struct arena *a, struct profile_fields *f, int open_exists,
    const char *today, struct model_err *me)
{
	static const enum profile_field squished[] = { PF_FIRST_NAME,
		PF_LAST_NAME, PF_CITY, PF_POSTCODE };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(squished) / sizeof(squished[0]); i++)
		f->v[squished[i]] = profile_squish(a, f->v[squished[i]]);
	check_text(a, "first_name", f->v[PF_FIRST_NAME], 1, FMT_NAME, me);
	check_text(a, "last_name", f->v[PF_LAST_NAME], 1, FMT_NAME, me);
	check_text(a, "city", f->v[PF_CITY], 1, FMT_CITY, me);
	v = f->v[PF_COUNTRY];
	if (!profile_blank(v) && country_find(v) == NULL)
		model_err_add(me, "country.must have alpha2 or alpha3 format");
	check_text(a, "postcode", f->v[PF_POSTCODE], 2, FMT_POSTCODE, me);
	check_text(a, "address", f->v[PF_ADDRESS], 1, FMT_ADDRESS, me);
	/*
	 * Barong skips the rules of a blank address, and its database then
	 * refuses one of more than 1024 bytes; we keep the length rule.
	 */
	v = f->v[PF_ADDRESS];
	if (v != NULL && profile_blank(v) && char_count(v) > FIELD_MAX)
		model_err_add(me, "address.too_long");
	v = f->v[PF_METADATA];
	if (v != NULL && !profile_json_text_valid(v))
		model_err_add(me, "metadata.invalid_format");
	if (open_exists)
		model_err_add(me, "state.exists");
	v = f->v[PF_DOB];
	if (v != NULL && today != NULL && strcmp(v, today) > 0)
		model_err_add(me, "dob.invalid");
}

/* ------------------------------------------------------------ sealing */

static const char *
field_aad(struct arena *a, enum profile_field k, long long user_id)
{
	return arena_printf(a, "profiles.%s:%lld", fields[k].name, user_id);
}

/*
 * The plaintext of a sealed column (NULL when the column is NULL);
 * -1 when it does not open (logged).
 */
static int
open_col(struct arena *a, PGresult *res, int row, int col,
    enum profile_field k, long long user_id, const char **out)
{
	unsigned char	*plain;
	size_t		 len;

	*out = NULL;
	if (PQgetisnull(res, row, col))
		return 0;
	if (crypto_open(a, PQgetvalue(res, row, col), field_aad(a, k,
	    user_id), &plain, &len) == -1 || memchr(plain, '\0', len) != NULL) {
		log_err("profiles.%s of user %lld does not open",
		    fields[k].name, user_id);
		return -1;
	}
	*out = (const char *)plain;	/* NUL-terminated by crypto_open */
	return 0;
}

/* The stored form of field k's value v: sealed when the field is. */
static int
stored(struct arena *a, enum profile_field k, const char *v,
    long long user_id, const char **out)
{
	*out = v;
	if (v == NULL || !fields[k].sealed)
		return 0;
	if ((*out = crypto_seal(a, v, strlen(v), field_aad(a, k, user_id))) ==
	    NULL) {
		log_err("could not seal profiles.%s", fields[k].name);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ entity */

static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static json_object *
col_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL :
	    json_object_new_string(PQgetvalue(res, row, col));
}

json_object *
profile_row_json(struct arena *a, PGresult *res, int row, int col0,
    int masked)
{
	static const enum profile_field sealed[] = { PF_FIRST_NAME,
		PF_LAST_NAME, PF_DOB, PF_ADDRESS };
	const char	*v[PF_N] = { NULL };
	long long	 uid;
	json_object	*o;
	size_t		 i;

	uid = strtoll(PQgetvalue(res, row, col0 + COL_USER_ID), NULL, 10);
	for (i = 0; i < sizeof(sealed) / sizeof(sealed[0]); i++)
		if (open_col(a, res, row, col0 + field_col[sealed[i]],
		    sealed[i], uid, &v[sealed[i]]) == -1)
			return NULL;
	if (masked) {
		v[PF_LAST_NAME] = mask_last_name(a, v[PF_LAST_NAME]);
		v[PF_DOB] = mask_dob(a, v[PF_DOB]);
	}
	o = json_object_new_object();
	json_object_object_add(o, "first_name", str_or_null(v[PF_FIRST_NAME]));
	json_object_object_add(o, "last_name", str_or_null(v[PF_LAST_NAME]));
	json_object_object_add(o, "dob", str_or_null(v[PF_DOB]));
	json_object_object_add(o, "address", str_or_null(v[PF_ADDRESS]));
	json_object_object_add(o, "postcode", col_or_null(res, row,
	    col0 + field_col[PF_POSTCODE]));
	json_object_object_add(o, "city", col_or_null(res, row,
	    col0 + field_col[PF_CITY]));
	json_object_object_add(o, "country", col_or_null(res, row,
	    col0 + field_col[PF_COUNTRY]));
	json_object_object_add(o, "state", PQgetisnull(res, row,
	    col0 + COL_STATE) ? NULL : str_or_null(profile_state_name(
	    atoi(PQgetvalue(res, row, col0 + COL_STATE)))));
	json_object_object_add(o, "metadata", col_or_null(res, row,
	    col0 + field_col[PF_METADATA]));
	json_object_object_add(o, "created_at", col_or_null(res, row,
	    col0 + COL_CREATED));
	json_object_object_add(o, "updated_at", col_or_null(res, row,
	    col0 + COL_UPDATED));
	return o;
}

static const struct db_stmt st_of_user = { "profiles_of_user",
	"SELECT " PROFILE_COLUMNS " FROM profiles p"
	" WHERE p.user_id = $1::bigint ORDER BY p.id", 1 };
static const struct db_stmt st_by_id = { "profile_by_id",
	"SELECT " PROFILE_COLUMNS " FROM profiles p WHERE p.id = $1::bigint",
	1 };

static json_object *
rows_json(struct arena *a, const struct db_stmt *st, long long id,
    int masked, int one)
{
	PGresult	*res;
	json_object	*arr, *o;
	const char	*p[1];
	int		 i;

	p[0] = arena_printf(a, "%lld", id);
	if ((res = db_exec(a, st, p)) == NULL)
		return NULL;
	if (one)
		return PQntuples(res) == 1 ? profile_row_json(a, res, 0, 0,
		    masked) : NULL;
	arr = json_object_new_array();
	for (i = 0; i < PQntuples(res); i++) {
		if ((o = profile_row_json(a, res, i, 0, masked)) == NULL) {
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, o);
	}
	return arr;
}

json_object *
profiles_json(struct arena *a, long long user_id, int masked)
{
	return rows_json(a, &st_of_user, user_id, masked, 0);
}

json_object *
profile_json(struct arena *a, long long id, int masked)
{
	return rows_json(a, &st_by_id, id, masked, 1);
}

/* ------------------------------------------------------------ writes */

static const struct db_stmt st_open_exists = { "profile_open_exists",
	"SELECT EXISTS (SELECT 1 FROM profiles WHERE user_id = $1::bigint"
	" AND state IN (0, 1))", 1 };
static const struct db_stmt st_insert = { "profile_insert",
	"INSERT INTO profiles (user_id, first_name_encrypted,"
	" last_name_encrypted, dob_encrypted, address_encrypted, postcode,"
	" city, country, metadata, state, author)"
	" VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8, $9, $10::smallint,"
	" $11) RETURNING id", 11 };
/* The drafted profile, locked: a concurrent confirm makes it vanish. */
static const struct db_stmt st_drafted = { "profile_drafted",
	"SELECT p.id, " PROFILE_COLUMNS " FROM profiles p"
	" WHERE p.user_id = $1::bigint AND p.state = 0 ORDER BY p.id LIMIT 1"
	" FOR UPDATE", 1 };
static const struct db_stmt st_update = { "profile_update",
	"UPDATE profiles SET first_name_encrypted = $2,"
	" last_name_encrypted = $3, dob_encrypted = $4, address_encrypted = $5,"
	" postcode = $6, city = $7, country = $8, metadata = $9,"
	" state = $10::smallint, updated_at = now() AT TIME ZONE 'utc'"
	" WHERE id = $1::bigint", 10 };

static void
today_utc(char out[11])
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Params $2..$9 (the fields, stored form) and $10 (state). */
static int
write_params(struct req *r, const struct profile_fields *f, int state,
    long long user_id, const char **p)
{
	int	k;

	for (k = 0; k < PF_N; k++)
		if (stored(r->a, k, f->v[k], user_id, &p[1 + k]) == -1)
			return err_internal(r, "could not seal a profile");
	p[1 + PF_N] = arena_printf(r->a, "%d", state);
	return 0;
}

static int
set_label(struct req *r, long long user_id, int state)
{
	if (labels_set_private(r->a, user_id, "profile",
	    profile_state_name(state)) == -1)
		return err_internal(r, "could not set the profile label");
	return 0;
}

int
profile_create(struct req *r, long long user_id,
    const struct profile_fields *in, int state, const char *author,
    long long *id)
{
	struct profile_fields	 f = *in;
	struct model_err	 me = { 0 };
	PGresult		*res;
	const char		*p[11];
	char			 today[11];
	int			 open;

	p[0] = arena_printf(r->a, "%lld", user_id);
	if ((res = db_exec(r->a, &st_open_exists, p)) == NULL)
		return err_internal(r, "could not look up profiles");
	/* Barong's rule binds drafted and submitted creates only. */
	open = (state == PROFILE_DRAFTED || state == PROFILE_SUBMITTED) &&
	    strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	today_utc(today);
	profile_validate(r->a, &f, open, today, &me);
	if (model_err_flush(r, &me, 422) == -1)
		return -1;
	if (write_params(r, &f, state, user_id, p) == -1)
		return -1;
	p[10] = author;
	if ((res = db_exec(r->a, &st_insert, p)) == NULL) {
		/* index_profiles_open_on_user_id: a concurrent create won. */
		if (strcmp(db_sqlstate(), SQLSTATE_UNIQUE_VIOLATION) == 0)
			return err_set(r, 422, "state.exists",
			    "concurrent profile create");
		return err_internal(r, "could not insert a profile");
	}
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	return set_label(r, user_id, state);
}

int
profile_update_drafted(struct req *r, long long user_id,
    const struct profile_fields *in, int state, long long *id)
{
	struct profile_fields	 f = { { NULL }, 0 };
	struct model_err	 me = { 0 };
	PGresult		*res;
	const char		*p[10];
	char			 today[11];
	int			 k;

	p[0] = arena_printf(r->a, "%lld", user_id);
	if ((res = db_exec(r->a, &st_drafted, p)) == NULL)
		return err_internal(r, "could not look up profiles");
	if (PQntuples(res) == 0)
		return 1;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	/* The record as it will be: stored values, the given ones over. */
	for (k = 0; k < PF_N; k++) {
		if (in->given & (1u << k))
			f.v[k] = in->v[k];
		else if (fields[k].sealed) {
			if (open_col(r->a, res, 0, 1 + field_col[k], k,
			    user_id, &f.v[k]) == -1)
				return err_internal(r, "profile %lld does not"
				    " open", *id);
		} else if (!PQgetisnull(res, 0, 1 + field_col[k]))
			f.v[k] = PQgetvalue(res, 0, 1 + field_col[k]);
	}
	if (state == -1)
		state = PROFILE_DRAFTED;
	today_utc(today);
	profile_validate(r->a, &f, 0, today, &me);
	if (model_err_flush(r, &me, 422) == -1)
		return -1;
	p[0] = arena_printf(r->a, "%lld", *id);
	if (write_params(r, &f, state, user_id, p) == -1)
		return -1;
	if (db_exec(r->a, &st_update, p) == NULL)
		return err_internal(r, "could not update profile %lld", *id);
	return set_label(r, user_id, state);
}
