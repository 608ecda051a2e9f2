/*
 * TOTP two-factor authentication (user-api.md 6.6), in place of Barong's
 * Vault TOTP engine: RFC 6238 over HMAC-SHA1, 6 digits, 30 s steps, codes
 * of one step before and after the current one accepted.  One secret of
 * 20 random bytes per user, kept in otp_secrets sealed by the keyring
 * (crypto_seal, aad "otp_secrets:<uid>").  The last accepted step is
 * stored with the secret: a code is accepted once, and never a code of
 * that step or an older one afterwards, even by concurrent requests.
 * Nothing here logs a secret or a code.
 */
#ifndef BARONG_TOTP_H
#define BARONG_TOTP_H

#include <time.h>

struct arena;

#define TOTP_DIGITS		6
#define TOTP_PERIOD		30	/* seconds per step */
#define TOTP_SKEW		1	/* steps accepted either side */
#define TOTP_SECRET_LEN		20	/* bytes */

enum totp_result {
	TOTP_OK,	/* accepted, and its step recorded */
	TOTP_INVALID,	/* wrong or malformed code, or no secret */
	TOTP_REUSED,	/* right code of a step already used */
	TOTP_ERROR	/* database or keyring failure (logged) */
};

/*
 * Makes a new secret for the user, replacing any (and forgetting the last
 * used step, which belonged to the old secret), stored sealed.  *secret is
 * its base32 (RFC 4648, upper case, no padding) and *url the otpauth URL
 * exactly as Vault's TOTP engine makes it (user-api.md 5.11) with issuer
 * cfg.app_name and account email.  Both are in the arena and are wiped
 * when it is reset.  Call inside the caller's transaction.  Returns 0, or
 * -1 (logged) when the keyring is missing or the database fails.
 */
int		 totp_generate(struct arena *, long long user_id,
		    const char *uid, const char *email, const char **secret,
		    const char **url);

/*
 * Checks code against the user's secret at the current time and, when it
 * matches a step later than the last one used, records that step in the
 * same statement that checks it.  Surrounding white space is ignored, as
 * Vault does; anything but 6 digits is TOTP_INVALID.  May be called inside
 * or outside a transaction.
 */
enum totp_result totp_verify(struct arena *, long long user_id,
		    const char *uid, const char *code);

/* 1 if the user has a secret, 0 if not, -1 on a database failure. */
int		 totp_has_secret(struct arena *, long long user_id);

/*
 * The 6-digit code of a base32 secret (case and padding ignored) at unix
 * time t, NUL-terminated in out.  Returns 0, or -1 for a malformed or
 * empty secret.  For tests and tools.
 */
int		 totp_code_at(const char *base32_secret, time_t t,
		    char out[TOTP_DIGITS + 1]);

#endif
