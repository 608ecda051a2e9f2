/*
 * Cryptographic primitives over OpenSSL 3 and libxcrypt: randomness, hashes,
 * constant-time comparison, base64, bcrypt passwords, and the keyring that
 * seals secrets at rest with AES-256-GCM (DESIGN.md, "Secrets at rest").
 *
 * Randomness comes from RAND_bytes only; buffers that held secrets are
 * wiped with crypto_wipe().  Nothing here logs a secret.
 */
#ifndef BARONG_CRYPTO_H
#define BARONG_CRYPTO_H

#include <stddef.h>

struct arena;

#define CRYPTO_SHA256_LEN	32
#define CRYPTO_BCRYPT_MAX	128	/* room for any crypt(3) output */
#define CRYPTO_BCRYPT_MINCOST	4
#define CRYPTO_BCRYPT_MAXCOST	31

/* Randomness, hashes, comparison. */
int		 crypto_random_bytes(void *, size_t);
int		 crypto_random_hex(char *out, size_t nbytes);
void		 crypto_sha256(const void *, size_t,
		    unsigned char out[CRYPTO_SHA256_LEN]);
void		 crypto_sha256_hex(const void *, size_t, char out[65]);
void		 crypto_hmac_sha256_hex(const void *key, size_t klen,
		    const void *msg, size_t mlen, char out[65]);
int		 crypto_eq(const void *a, size_t alen, const void *b,
		    size_t blen);
void		 crypto_wipe(void *, size_t);
void		 crypto_hex(const void *, size_t, char *out);

/* Base64 (RFC 4648 section 4, padded) and base64url (section 5, bare). */
char		*crypto_b64_encode(struct arena *, const void *, size_t,
		    int url);
int		 crypto_b64_decode(struct arena *, const char *, size_t,
		    int url, unsigned char **out, size_t *outlen);

/* bcrypt passwords. */
int		 crypto_bcrypt_hash(const char *pw, size_t len, int cost,
		    char out[CRYPTO_BCRYPT_MAX]);
int		 crypto_bcrypt_verify(const char *pw, size_t len,
		    const char *hash);
const char	*crypto_bcrypt_dummy_hash(int cost);

/*
 * Keyring: secrets at rest and keyed hashes for searchable columns.  The
 * file loaded is looked at again (at most once a second) by crypto_seal
 * and by crypto_open on an unknown version, and reloaded if it changed, so
 * a rotation (crypto_keyring_add_version, barongctl keys rotate) reaches
 * running processes.
 */
int		 crypto_keyring_load(const char *path, char *err,
		    size_t errlen);
void		 crypto_keyring_clear(void);
/* A program's start: load path unless it is empty; -1 logged. */
int		 crypto_keyring_start(const char *path);
int		 crypto_keyring_add_version(const char *path, int version,
		    char *err, size_t errlen);
int		 crypto_keyring_version(void);
int		 crypto_keyring_versions(int *out, int max);
char		*crypto_seal(struct arena *, const void *plain, size_t len,
		    const char *aad);
int		 crypto_open(struct arena *, const char *sealed,
		    const char *aad, unsigned char **plain, size_t *len);
char		*crypto_keyed_hash_hex(struct arena *, const char *purpose,
		    const void *value, size_t len);
/*
 * The keyed hash as a bigint column holds it: its first 63 bits, as
 * decimal text in the arena (searchable encrypted columns such as
 * phones.number_index).  NULL without a keyring.
 */
const char	*crypto_keyed_index(struct arena *, const char *purpose,
		    const void *value, size_t len);
int		 crypto_keygen_file(const char *path);

#endif
