/*
 * TOTP two-factor authentication: see totp.h.
 *
 * Codes are computed with liboath (oath_totp_generate2) for each step of
 * the window, t - 1, t and t + 1, and all three are compared with the
 * given code in constant time; liboath's own validators stop at the first
 * match and compare with strcmp.  Of the matching steps the earliest one
 * later than otp_secrets.last_step is taken, so that a code is never
 * refused while a usable step remains.  The step is then recorded with
 *
 *	UPDATE ... SET last_step = $2 WHERE user_id = $1 AND last_step < $2
 *
 * whose row lock makes a concurrent request with the same code wait and
 * then find the condition false: exactly one of them gets TOTP_OK.
 *
 * Vault keeps the used codes themselves for a while and accepts any other
 * valid code; refusing every step up to the last used one is stricter
 * (a code older than one already used is refused too) and needs no
 * expiry.  Either way the second use answers 422 totp.error.
 *
 * The otpauth URL is built as Vault's TOTP engine builds it (it calls
 * github.com/pquerna/otp, which assembles a Go url.URL): the label
 * "<issuer>:<account>" escaped as a Go URL path (letters, digits, "-._~"
 * and "$&+,/:;=@" stay, so the '@' of an address is readable; a space is
 * %20), the query parameters sorted by name and escaped as Go's
 * url.QueryEscape does (a space is '+', '@' is %40).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <oath.h>
#include <openssl/crypto.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "totp.h"

#define SECRET_MAX	64	/* longest secret totp_code_at() reads */
#define DEFAULT_ISSUER	"Barong"

static const struct db_stmt st_upsert = { "totp_upsert",
	"INSERT INTO otp_secrets (user_id, secret_encrypted)"
	" VALUES ($1::bigint, $2)"
	" ON CONFLICT (user_id) DO UPDATE"
	" SET secret_encrypted = EXCLUDED.secret_encrypted, last_step = 0,"
	" updated_at = now()", 2 };
static const struct db_stmt st_get = { "totp_get",
	"SELECT secret_encrypted, last_step FROM otp_secrets"
	" WHERE user_id = $1::bigint", 1 };
static const struct db_stmt st_use = { "totp_use_step",
	"UPDATE otp_secrets SET last_step = $2::bigint, updated_at = now()"
	" WHERE user_id = $1::bigint AND last_step < $2::bigint"
	" RETURNING last_step", 2 };
static const struct db_stmt st_has = { "totp_has_secret",
	"SELECT 1 FROM otp_secrets WHERE user_id = $1::bigint", 1 };

static const char b32alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int
oath_ready(void)
{
	static int	done;
	int		rc;

	if (done)
		return 0;
	if ((rc = oath_init()) != OATH_OK) {
		log_err("could not initialize liboath: %s",
		    oath_strerror(rc));
		return -1;
	}
	done = 1;
	return 0;
}

/*
 * Base32 (RFC 4648 section 6, upper case) of n bytes into out, which holds
 * (8 * n + 4) / 5 + 1 characters, without padding.  Returns the length.
 */
static size_t
b32_encode(const unsigned char *p, size_t n, char *out)
{
	uint32_t	bits = 0;
	size_t		i, o = 0;
	int		nbits = 0;

	for (i = 0; i < n; i++) {
		bits = (bits << 8) | p[i];
		nbits += 8;
		while (nbits >= 5) {
			out[o++] = b32alpha[(bits >> (nbits - 5)) & 31];
			nbits -= 5;
		}
	}
	if (nbits > 0)
		out[o++] = b32alpha[(bits << (5 - nbits)) & 31];
	out[o] = '\0';
	crypto_wipe(&bits, sizeof(bits));
	return o;
}

/*
 * Decodes base32 s (either case, '=' padding optional) into out, at most
 * max bytes.  Returns 0 with *len > 0, or -1 for an empty or malformed
 * string (a length no encoder makes, a character outside the alphabet)
 * or one longer than max; out may then hold part of the value.
 */
static int
b32_decode(const char *s, unsigned char *out, size_t max, size_t *len)
{
	uint32_t	bits = 0;
	size_t		n, i, o = 0;
	int		nbits = 0, v;

	*len = 0;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n == 0 || n % 8 == 1 || n % 8 == 3 || n % 8 == 6)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			v = s[i] - 'A';
		else if (s[i] >= 'a' && s[i] <= 'z')
			v = s[i] - 'a';
		else if (s[i] >= '2' && s[i] <= '7')
			v = s[i] - '2' + 26;
		else
			return -1;
		bits = (bits << 5) | (uint32_t)v;
		nbits += 5;
		if (nbits >= 8) {
			if (o == max)
				return -1;
			out[o++] = (unsigned char)(bits >> (nbits - 8));
			nbits -= 8;
		}
	}
	crypto_wipe(&bits, sizeof(bits));
	*len = o;
	return 0;
}

/* The code of one time step of a raw secret; 0 or -1. */
static int
code_of_step(const unsigned char *key, size_t len, long long step,
    char out[TOTP_DIGITS + 1])
{
	if (oath_ready() == -1)
		return -1;
	if (oath_totp_generate2((const char *)key, len,
	    (time_t)(step * TOTP_PERIOD), TOTP_PERIOD, 0, TOTP_DIGITS, 0,
	    out) != OATH_OK) {
		log_err("could not compute a TOTP code: liboath failed");
		return -1;
	}
	return 0;
}

int
totp_code_at(const char *base32_secret, time_t t, char out[TOTP_DIGITS + 1])
{
	unsigned char	key[SECRET_MAX];
	size_t		len;
	int		rc = -1;

	if (base32_secret == NULL ||
	    b32_decode(base32_secret, key, sizeof(key), &len) == -1)
		goto out;
	if (oath_ready() == -1 ||
	    oath_totp_generate2((const char *)key, len, t, TOTP_PERIOD, 0,
	    TOTP_DIGITS, 0, out) != OATH_OK)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		out[0] = '\0';
	crypto_wipe(key, sizeof(key));
	return rc;
}

/* ---------------------------------------------------------------- URL */

enum url_part { URL_PATH, URL_QUERY };

/* s escaped as Go's url package escapes a path or a query component. */
static char *
url_escape(struct arena *a, const char *s, enum url_part part)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out;
	size_t			 o = 0;

	out = arena_alloc(a, 3 * strlen(s) + 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL)
			out[o++] = (char)*p;
		else if (part == URL_PATH && strchr("$&+,/:;=@", *p) != NULL)
			out[o++] = (char)*p;
		else if (part == URL_QUERY && *p == ' ')
			out[o++] = '+';
		else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* Arena callback: wipe a string holding a secret. */
static void
wipe_string(void *p)
{
	crypto_wipe(p, strlen(p));
}

int
totp_generate(struct arena *a, long long user_id, const char *uid,
    const char *email, const char **secret, const char **url)
{
	unsigned char	 raw[TOTP_SECRET_LEN];
	const char	*issuer, *p[2];
	char		*b32, *aad, *sealed, *u;
	int		 rc = -1;

	*secret = *url = NULL;
	if (uid == NULL || email == NULL) {
		log_err("could not generate a TOTP secret: no uid or email");
		return -1;
	}
	issuer = cfg.app_name != NULL && *cfg.app_name != '\0' ?
	    cfg.app_name : DEFAULT_ISSUER;
	if (crypto_random_bytes(raw, sizeof(raw)) == -1)
		goto out;
	aad = arena_printf(a, "otp_secrets:%s", uid);
	if ((sealed = crypto_seal(a, raw, sizeof(raw), aad)) == NULL) {
		log_err("could not seal the TOTP secret of user %s: no "
		    "keyring loaded or encryption failed", uid);
		goto out;
	}
	p[0] = arena_printf(a, "%lld", user_id);
	p[1] = sealed;
	if (db_exec(a, &st_upsert, p) == NULL)
		goto out;
	b32 = arena_alloc(a, (8 * sizeof(raw) + 4) / 5 + 1);
	b32_encode(raw, sizeof(raw), b32);
	arena_defer(a, wipe_string, b32);
	u = arena_printf(a, "otpauth://totp/%s:%s?algorithm=SHA1&digits=%d"
	    "&issuer=%s&period=%d&secret=%s", url_escape(a, issuer, URL_PATH),
	    url_escape(a, email, URL_PATH), TOTP_DIGITS,
	    url_escape(a, issuer, URL_QUERY), TOTP_PERIOD, b32);
	arena_defer(a, wipe_string, u);
	*secret = b32;
	*url = u;
	rc = 0;
out:
	crypto_wipe(raw, sizeof(raw));
	return rc;
}

/* ------------------------------------------------------------- verify */

/*
 * code without surrounding white space into out if it is TOTP_DIGITS
 * ASCII digits; 0 or -1.
 */
static int
normalize_code(const char *code, char out[TOTP_DIGITS + 1])
{
	static const char	 space[] = " \t\n\v\f\r";
	size_t			 n, i;

	if (code == NULL)
		return -1;
	while (*code != '\0' && strchr(space, *code) != NULL)
		code++;
	n = strlen(code);
	while (n > 0 && strchr(space, code[n - 1]) != NULL)
		n--;
	if (n != TOTP_DIGITS)
		return -1;
	for (i = 0; i < n; i++) {
		if (code[i] < '0' || code[i] > '9')
			return -1;
		out[i] = code[i];
	}
	out[n] = '\0';
	return 0;
}

/* totp_verify at unix time now (the tests choose it). */
static enum totp_result
verify_at(struct arena *a, long long user_id, const char *uid,
    const char *code, time_t now)
{
	char			 given[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
	const char		*p[2];
	unsigned char		*key = NULL;
	size_t			 keylen = 0;
	long long		 step, last, chosen = -1;
	PGresult		*res;
	enum totp_result	 rc = TOTP_ERROR;
	int			 i, matched = 0, eq;

	if (normalize_code(code, given) == -1)
		return TOTP_INVALID;
	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_get, p)) == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		rc = TOTP_INVALID;
		goto out;
	}
	last = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	if (uid == NULL || crypto_open(a, PQgetvalue(res, 0, 0),
	    arena_printf(a, "otp_secrets:%s", uid), &key, &keylen) == -1) {
		log_err("could not open the TOTP secret of user %s: wrong "
		    "keyring or damaged value", uid != NULL ? uid : "?");
		goto out;
	}
	/* Every step of the window is computed and compared. */
	for (i = -TOTP_SKEW; i <= TOTP_SKEW; i++) {
		step = (long long)(now / TOTP_PERIOD) + i;
		if (code_of_step(key, keylen, step, want) == -1)
			goto out;
		eq = CRYPTO_memcmp(want, given, TOTP_DIGITS) == 0;
		matched |= eq;
		if (eq && step > last && chosen == -1)
			chosen = step;
	}
	if (!matched) {
		rc = TOTP_INVALID;
		goto out;
	}
	if (chosen == -1) {
		log_info("TOTP code of user %s refused: its time step was "
		    "already used", uid);
		rc = TOTP_REUSED;
		goto out;
	}
	p[1] = arena_printf(a, "%lld", chosen);
	if ((res = db_exec(a, &st_use, p)) == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		log_info("TOTP code of user %s refused: its time step was "
		    "used concurrently", uid);
		rc = TOTP_REUSED;
		goto out;
	}
	rc = TOTP_OK;
out:
	crypto_wipe(given, sizeof(given));
	crypto_wipe(want, sizeof(want));
	crypto_wipe(key, keylen);
	return rc;
}

enum totp_result
totp_verify(struct arena *a, long long user_id, const char *uid,
    const char *code)
{
	return verify_at(a, user_id, uid, code, time(NULL));
}

int
totp_has_secret(struct arena *a, long long user_id)
{
	const char	*p[1];
	PGresult	*res;

	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_has, p)) == NULL)
		return -1;
	return PQntuples(res) > 0 ? 1 : 0;
}
