/*
 * API keys: secrets at rest, signatures and nonces (see apikey.h).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "apikey.h"
#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "dbread.h"
#include "log.h"
#include "rowcache.h"
#include "shared.h"

static const struct db_stmt st_find = { "authz_apikey_find",
	"SELECT k.id, k.algorithm, k.secret_encrypted, k.state,"
	" k.key_holder_account_type = 'ServiceAccount',"
	" coalesce(u.id, s.id), coalesce(u.uid, s.uid),"
	" coalesce(u.email, s.email), coalesce(u.role, s.role),"
	" coalesce(u.level, s.level), coalesce(u.state, s.state),"
	" u.referral_id, u.username, coalesce(u.otp, false)"
	" FROM apikeys k"
	" LEFT JOIN users u ON k.key_holder_account_type = 'User'"
	"  AND u.id = k.key_holder_account_id"
	" LEFT JOIN service_accounts s"
	"  ON k.key_holder_account_type = 'ServiceAccount'"
	"  AND s.id = k.key_holder_account_id"
	" WHERE k.kid = $1", 1 };
#define APIKEY_FIND_COLS	14
static const struct db_stmt st_nonce = { "authz_apikey_nonce",
	"INSERT INTO apikey_nonces (kid, nonce, expires_at)"
	" VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')"
	" ON CONFLICT DO NOTHING RETURNING 1", 3 };
static const struct db_stmt st_purge = { "authz_apikey_nonce_purge",
	"DELETE FROM apikey_nonces WHERE expires_at < now()", 0 };

static time_t	last_purge;

/* ------------------------------------------------------------ secrets */

const char *
apikey_secret_aad(struct arena *a, const char *kid)
{
	return arena_printf(a, "%s%s", APIKEY_AAD_PREFIX, kid);
}

char *
apikey_seal_secret(struct arena *a, const char *kid, const char *secret)
{
	return crypto_seal(a, secret, strlen(secret),
	    apikey_secret_aad(a, kid));
}

int
apikey_open_secret(struct arena *a, const char *kid, const char *sealed,
    char **secret, size_t *len)
{
	unsigned char	*p;

	*secret = NULL;
	*len = 0;
	if (sealed == NULL || crypto_open(a, sealed,
	    apikey_secret_aad(a, kid), &p, len) == -1)
		return -1;
	*secret = (char *)p;
	return 0;
}

/* ------------------------------------------------------------ lookup */

static long long
to_ll(const char *s)
{
	return strtoll(s, NULL, 10);
}

/* The key from the values of a st_find row (NULL: SQL NULL). */
static struct apikey *
from_values(struct arena *a, const char *kid, const char *const *v)
{
	struct apikey	*k;

	k = arena_alloc(a, sizeof(*k));
	memset(k, 0, sizeof(*k));
	k->id = to_ll(v[0]);
	k->kid = kid;
	k->algorithm = v[1];
	k->secret_sealed = v[2];
	k->state = v[3];
	k->service_account = *v[4] == 't';
	k->holder_found = v[5] != NULL;
	if (k->holder_found) {
		k->holder_id = to_ll(v[5]);
		k->uid = v[6];
		k->email = v[7];
		k->role = v[8];
		k->level = strtol(v[9], NULL, 10);
		k->holder_state = v[10];
		k->has_referral = v[11] != NULL;
		k->referral_id = k->has_referral ? to_ll(v[11]) : 0;
		k->username = v[12];
		k->otp = *v[13] == 't';
	}
	return k;
}

int
apikey_find(struct arena *a, const char *kid, struct apikey **out)
{
	PGresult	*res;
	const char	*p[1], **v;
	double		 now = rowcache_clock();
	uint64_t	 gen = shared_counter(SHARED_SUBJECTS);
	int		 cache = rowcache_enabled();
	int		 n;

	*out = NULL;
	if (cache && (v = rowcache_get(a, ROWCACHE_APIKEY, kid, strlen(kid),
	    gen, now, &n)) != NULL && n == APIKEY_FIND_COLS) {
		*out = from_values(a, kid, v);
		return 0;
	}
	p[0] = kid;
	if ((res = dbread_find(a, &st_find, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 1;
	v = db_row(a, res, 0);
	if (cache)
		rowcache_put(ROWCACHE_APIKEY, kid, strlen(kid), res, gen,
		    now + (double)cfg.authz_cache_ttl);
	*out = from_values(a, kid, v);
	return 0;
}

/* ------------------------------------------------------------ nonces */

long long
apikey_nonce_value(const char *s)
{
	unsigned long long	 v = 0, lim;
	int			 neg = 0, over = 0;

	if (s == NULL)
		return 0;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	while (isdigit((unsigned char)*s)) {
		if (!over) {
			if (v > (lim - (unsigned long long)(*s - '0')) / 10) {
				over = 1;
				v = lim;
			} else
				v = v * 10 + (unsigned long long)(*s - '0');
		}
		s++;
		/* One underscore between two digits is part of the number. */
		if (*s == '_' && isdigit((unsigned char)s[1]))
			s++;
	}
	if (neg)
		return v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)v;
	return (long long)v;
}

int
apikey_nonce_fresh(long long nonce, long long now_ms, long lifetime_ms)
{
	long long	d;

	/* Both are positive here (nonce > 0 is checked first). */
	if (nonce <= 0 || now_ms < 0)
		return 0;
	d = now_ms >= nonce ? now_ms - nonce : nonce - now_ms;
	return d < lifetime_ms;
}

long long
apikey_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A nonce's tag in the shared table: SHA-256 of kid, NUL, nonce. */
static uint64_t
nonce_tag(struct arena *a, const char *kid, const char *nonce)
{
	unsigned char	 md[CRYPTO_SHA256_LEN];
	uint64_t	 tag = 0;
	size_t		 klen = strlen(kid), nlen = strlen(nonce), i;
	char		*buf = arena_alloc(a, klen + 1 + nlen);

	memcpy(buf, kid, klen + 1);
	memcpy(buf + klen + 1, nonce, nlen);
	crypto_sha256(buf, klen + 1 + nlen, md);
	for (i = 0; i < 8; i++)
		tag = tag << 8 | md[i];
	return tag;
}

int
apikey_nonce_record(struct arena *a, const char *kid, const char *nonce,
    long lifetime_ms)
{
	PGresult	*res;
	const char	*p[3];
	char		 hex[65];
	time_t		 now = time(NULL);
	long long	 now_ms, n, until;
	int		 rc;

	if (strcmp(cfg.apikey_nonce_store, "shared") == 0 &&
	    shared_available()) {
		/* Fresh while |now - nonce| < lifetime: kept until then. */
		now_ms = apikey_now_ms();
		n = apikey_nonce_value(nonce);
		until = n < now_ms ? now_ms + lifetime_ms : n > LLONG_MAX -
		    lifetime_ms ? LLONG_MAX : n + lifetime_ms;
		rc = shared_nonce_record(nonce_tag(a, kid, nonce), until,
		    now_ms);
		if (rc == 0)
			return 0;
		if (rc == 1 && now_ms >= shared_nonce_db_until())
			return 1;
		/* No room, or nonces of the last window went there too. */
	}
	if (now - last_purge >= APIKEY_PURGE_EVERY) {
		last_purge = now;
		if (db_exec(a, &st_purge, NULL) == NULL)
			log_warn("could not purge expired API key nonces");
	}
	p[0] = kid;
	if (strlen(nonce) > APIKEY_NONCE_MAX) {
		crypto_sha256_hex(nonce, strlen(nonce), hex);
		p[1] = arena_printf(a, "sha256:%s", hex);
	} else
		p[1] = nonce;
	p[2] = arena_printf(a, "%ld", 2 * lifetime_ms);
	if ((res = db_exec(a, &st_nonce, p)) == NULL)
		return -1;
	return PQntuples(res) == 1 ? 1 : 0;
}

/* ------------------------------------------------------------ signatures */

static const char *
hmac_digest(const char *algorithm)
{
	if (algorithm == NULL)
		return NULL;
	if (strcmp(algorithm, "HS256") == 0)
		return "SHA256";
	if (strcmp(algorithm, "HS384") == 0)
		return "SHA384";
	if (strcmp(algorithm, "HS512") == 0)
		return "SHA512";
	return NULL;
}

int
apikey_signature(const char *algorithm, const void *secret,
    size_t secretlen, const char *nonce, const char *kid, char *out,
    size_t outlen)
{
	static EVP_MAC	*mac;
	const char	*digest = hmac_digest(algorithm);
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 mdlen = 0;
	EVP_MAC_CTX	*ctx;
	OSSL_PARAM	 params[2];
	int		 ok;

	if (digest == NULL)
		return -1;
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* The message is nonce + kid, fed in two parts. */
	ok = EVP_MAC_init(ctx, secretlen > 0 ? secret : (const void *)"",
	    secretlen, params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)nonce,
	    strlen(nonce)) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)kid, strlen(kid)) == 1 &&
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) == 1 &&
	    outlen >= 2 * mdlen + 1;
	EVP_MAC_CTX_free(ctx);
	if (ok)
		crypto_hex(md, mdlen, out);
	crypto_wipe(md, sizeof(md));
	return ok ? 0 : -1;
}

int
apikey_signature_ok(const char *algorithm, const void *secret,
    size_t secretlen, const char *nonce, const char *kid,
    const char *signature)
{
	char	want[2 * EVP_MAX_MD_SIZE + 1];
	int	ok;

	if (apikey_signature(algorithm, secret, secretlen, nonce, kid, want,
	    sizeof(want)) == -1)
		return 0;
	ok = crypto_eq(want, strlen(want), signature, strlen(signature));
	crypto_wipe(want, sizeof(want));
	return ok;
}

static const struct db_stmt st_keys_off = { "apikey_keys_off",
	"UPDATE apikeys SET state = 'inactive',"
	" updated_at = (now() AT TIME ZONE 'utc') "
	"WHERE state = 'active' AND ("
	" (key_holder_account_type = 'User'"
	"  AND key_holder_account_id = $1::bigint) OR"
	" (key_holder_account_type = 'ServiceAccount'"
	"  AND key_holder_account_id IN"
	"  (SELECT id FROM service_accounts WHERE owner_id = $1::bigint)))",
	1 };
static const struct db_stmt st_sa_state = { "apikey_sa_state",
	"UPDATE service_accounts SET state = $2,"
	" updated_at = (now() AT TIME ZONE 'utc') "
	"WHERE owner_id = $1::bigint AND state IS DISTINCT FROM $2", 2 };

int
apikey_deactivate_user(struct arena *a, long long user_id)
{
	const char	*p[1] = { arena_printf(a, "%lld", user_id) };

	return db_exec(a, &st_keys_off, p) == NULL ? -1 : 0;
}

int
apikey_service_accounts_state(struct arena *a, long long user_id,
    const char *state)
{
	const char	*p[2] = { arena_printf(a, "%lld", user_id), state };

	return db_exec(a, &st_sa_state, p) == NULL ? -1 : 0;
}
