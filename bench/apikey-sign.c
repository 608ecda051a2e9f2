/*
 * bench/apikey-sign: API keys for bench/authz/run, which cannot compute
 * HMAC-SHA256 in wrk's Lua.
 *
 *	apikey-sign seal MASTER_KEY_FILE KID SECRET
 *		Prints SECRET sealed for apikeys.secret_encrypted, as
 *		lib/apikey.h does it (the keyring of MASTER_KEY_FILE).
 *	apikey-sign pairs KID SECRET N START_MS
 *		Prints N lines "NONCE SIGNATURE": the nonces START_MS,
 *		START_MS + 1, ... and the hex HMAC-SHA256 of NONCE + KID
 *		under SECRET, so that every request of a run can carry a
 *		nonce never used before (barong-authorize refuses replays).
 *
 * Exits 0, 1 on failure, 2 on bad usage.  Not installed.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey.h"
#include "arena.h"
#include "crypto.h"

static int
usage(void)
{
	fprintf(stderr, "usage: apikey-sign seal MASTER_KEY_FILE KID SECRET\n"
	    "       apikey-sign pairs KID SECRET N START_MS\n");
	return 2;
}

static int
seal(const char *keyfile, const char *kid, const char *secret)
{
	struct arena	*a;
	char		 err[256], *sealed;

	if (crypto_keyring_load(keyfile, err, sizeof(err)) == -1) {
		fprintf(stderr, "apikey-sign: %s: %s\n", keyfile, err);
		return 1;
	}
	a = arena_new(4096);
	if ((sealed = apikey_seal_secret(a, kid, secret)) == NULL) {
		fprintf(stderr, "apikey-sign: could not seal the secret\n");
		arena_free(a);
		return 1;
	}
	printf("%s\n", sealed);
	arena_free(a);
	return 0;
}

static int
pairs(const char *kid, const char *secret, const char *count,
    const char *start)
{
	char		 nonce[32], msg[128], sig[65];
	char		*end;
	long long	 n, t0, i;

	errno = 0;
	n = strtoll(count, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 100000000)
		return usage();
	t0 = strtoll(start, &end, 10);
	if (errno != 0 || *end != '\0' || t0 < 1 || t0 > LLONG_MAX - n)
		return usage();
	if (strlen(kid) > 64)
		return usage();
	for (i = 0; i < n; i++) {
		snprintf(nonce, sizeof(nonce), "%lld", t0 + i);
		snprintf(msg, sizeof(msg), "%s%s", nonce, kid);
		crypto_hmac_sha256_hex(secret, strlen(secret), msg,
		    strlen(msg), sig);
		if (printf("%s %s\n", nonce, sig) < 0)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	if (argc == 5 && strcmp(argv[1], "seal") == 0)
		return seal(argv[2], argv[3], argv[4]);
	if (argc == 6 && strcmp(argv[1], "pairs") == 0)
		return pairs(argv[2], argv[3], argv[4], argv[5]);
	return usage();
}
