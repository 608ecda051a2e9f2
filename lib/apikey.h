/*
 * API keys (authz.md §4): how their secrets are kept, and the pieces of
 * the X-Auth-* check that barong-authorize makes.
 *
 * Secrets at rest.  Barong encrypts a key's secret with Vault transit; we
 * seal it with the keyring (crypto_seal, AES-256-GCM) into
 * apikeys.secret_encrypted, with the additional authenticated data
 * "apikeys.secret:<kid>" so that a sealed secret copied to another key's
 * row does not open.  Whoever creates keys (the resource family,
 * barongctl) seals with apikey_seal_secret(); the authorize step opens
 * with apikey_open_secret().
 *
 * Signatures.  X-Auth-Signature is the lower-case hex HMAC of the string
 * X-Auth-Nonce + kid under the secret (its ASCII bytes), with the hash the
 * key's algorithm names: HS256 (the only one Barong 2.7 creates) is
 * SHA-256; HS384 and HS512 are accepted for keys imported from older
 * versions.
 *
 * Replays.  Barong lets a signed request be replayed for as long as its
 * nonce is fresh.  We record each (kid, nonce) accepted in the UNLOGGED
 * table apikey_nonces (sql/012_apikey_nonces.sql) and refuse a second use
 * with authz.nonce_reused.  The rows outlive the nonce window (twice the
 * lifetime, from the database's clock) and are purged once a minute by
 * each process that writes them.  An UNLOGGED table is emptied by a crash
 * of the database server: replays inside the window are then possible for
 * one window's length.
 */
#ifndef BARONG_APIKEY_H
#define BARONG_APIKEY_H

#include <stddef.h>
#include <time.h>

struct arena;

#define APIKEY_AAD_PREFIX	"apikeys.secret:"
#define APIKEY_NONCE_MAX	64	/* longer nonces are stored hashed */
#define APIKEY_PURGE_EVERY	60	/* seconds between purges */

/* An API key and its holder, as one query finds them. */
struct apikey {
	long long	 id;
	const char	*kid;
	const char	*algorithm;
	const char	*secret_sealed;	/* NULL when none stored */
	const char	*state;
	int		 holder_found;	/* 0: the holder row is gone */
	int		 service_account;
	long long	 holder_id;
	const char	*uid;
	const char	*email;
	const char	*role;
	long		 level;
	const char	*holder_state;
	int		 has_referral;	/* users only */
	long long	 referral_id;
	const char	*username;	/* users only; NULL when none */
	int		 otp;		/* users only: 2FA enabled */
};

/* The aad a key's secret is sealed with: "apikeys.secret:<kid>". */
const char	*apikey_secret_aad(struct arena *, const char *kid);
/* The sealed secret for apikeys.secret_encrypted; NULL without keyring. */
char		*apikey_seal_secret(struct arena *, const char *kid,
		    const char *secret);
/*
 * Open a key's sealed secret: 0 with *secret (NUL-terminated, *len bytes,
 * wiped at the arena's reset), or -1 (no keyring, tampered, wrong kid).
 */
int		 apikey_open_secret(struct arena *, const char *kid,
		    const char *sealed, char **secret, size_t *len);

/*
 * The key with this kid and its holder (a user or a service account), one
 * indexed query, on the read replica when there is one: 0 found, 1 no
 * such key, -1 database failure.
 */
int		 apikey_find(struct arena *, const char *kid,
		    struct apikey **out);

/*
 * Ruby's String#to_i of a nonce: leading blanks, an optional sign, then
 * decimal digits (single underscores between digits allowed); 0 when
 * there are none.  Saturates at LLONG_MAX / LLONG_MIN.
 */
long long	 apikey_nonce_value(const char *);
/* Whether |now_ms - nonce| < lifetime_ms (authz.md §4 #4). */
int		 apikey_nonce_fresh(long long nonce, long long now_ms,
		    long lifetime_ms);
/* Milliseconds since the epoch (CLOCK_REALTIME). */
long long	 apikey_now_ms(void);

/*
 * The signature of nonce + kid under secret with algorithm ("HS256"...)
 * as lower-case hex into out (129 bytes suffice).  0, or -1 for an
 * algorithm we do not know.
 */
int		 apikey_signature(const char *algorithm, const void *secret,
		    size_t secretlen, const char *nonce, const char *kid,
		    char *out, size_t outlen);
/* Whether signature is that signature, compared in constant time. */
int		 apikey_signature_ok(const char *algorithm, const void *secret,
		    size_t secretlen, const char *nonce, const char *kid,
		    const char *signature);

/*
 * Record the use of (kid, nonce) on the primary: 1 first use, 0 a replay,
 * -1 database failure.  The row expires after 2 * lifetime_ms.  Purges
 * expired rows first when APIKEY_PURGE_EVERY seconds have passed.
 */
int		 apikey_nonce_record(struct arena *, const char *kid,
		    const char *nonce, long lifetime_ms);

/*
 * Barong's holder rules (user-api.md §6.7, §6.11), inside the caller's
 * transaction: every active key of the user and of his service accounts
 * becomes inactive; his service accounts take state.  0 or -1.
 */
int		 apikey_deactivate_user(struct arena *, long long user_id);
int		 apikey_service_accounts_state(struct arena *,
		    long long user_id, const char *state);

#endif
