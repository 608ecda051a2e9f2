/*
 * Cryptographic primitives: see crypto.h.
 *
 * The keyring file (crypto_keyring_load, crypto_keygen_file) holds lines
 *
 *	# comment
 *	<version> <base64 of 32 random bytes>
 *	index <base64 of 32 random bytes>
 *
 * Every numbered key opens ciphertexts sealed under its version; the
 * highest version seals new ones, so rotating means appending a line with
 * a higher number and re-sealing at leisure.  The "index" key is separate
 * and never rotates: searchable columns store keyed hashes
 * (crypto_keyed_hash_hex) that must stay equal for equal values across
 * rotations, or lookups by those columns would stop matching.  It is
 * required.  The file must be a regular file that neither group nor others
 * may read or write.
 */
#include "config.h"

#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "arena.h"
#include "crypto.h"
#include "fsutil.h"
#include "log.h"

#define GCM_IV_LEN	12
#define GCM_TAG_LEN	16
#define KEY_LEN		32
#define KEYRING_MAX	64
#define KEYRING_FILE_MAX (64 * 1024)
#define SEAL_MAX	(64 * 1024 * 1024)	/* longest plaintext sealed */
#define BCRYPT_HASH_LEN	60

static const char hexdig[] = "0123456789abcdef";

/* An OpenSSL call that cannot fail without the process being broken. */
static void
fatal(const char *what)
{
	log_err("%s failed in OpenSSL", what);
	abort();
}

void
crypto_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		OPENSSL_cleanse(p, n);
}

/* Lower-case hex of n bytes into out, which holds 2 * n + 1. */
void
crypto_hex(const void *p, size_t n, char *out)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdig[s[i] >> 4];
		out[2 * i + 1] = hexdig[s[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* Fills p with n random bytes from RAND_bytes; 0, or -1 on failure. */
int
crypto_random_bytes(void *p, size_t n)
{
	unsigned char	*q = p;
	size_t		 chunk;

	while (n > 0) {
		chunk = n > INT_MAX ? INT_MAX : n;
		if (RAND_bytes(q, (int)chunk) != 1) {
			log_err("could not get random bytes");
			return -1;
		}
		q += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * Writes 2 * nbytes lower-case hex characters of fresh randomness and a NUL
 * into out (which holds 2 * nbytes + 1).  Returns 0, or -1 (out is "").
 */
int
crypto_random_hex(char *out, size_t nbytes)
{
	unsigned char	buf[64];
	size_t		done, n;

	out[0] = '\0';
	for (done = 0; done < nbytes; done += n) {
		n = nbytes - done > sizeof(buf) ? sizeof(buf) : nbytes - done;
		if (crypto_random_bytes(buf, n) == -1) {
			crypto_wipe(buf, sizeof(buf));
			out[0] = '\0';
			return -1;
		}
		crypto_hex(buf, n, out + 2 * done);
	}
	crypto_wipe(buf, sizeof(buf));
	return 0;
}

void
crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN])
{
	if (EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) != 1)
		fatal("SHA-256");
}

/* SHA-256 of p as 64 lower-case hex characters and a NUL. */
void
crypto_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char	md[CRYPTO_SHA256_LEN];

	crypto_sha256(p, n, md);
	crypto_hex(md, sizeof(md), out);
}

static void
hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	static const unsigned char	 empty[1];
	unsigned int			 olen = CRYPTO_SHA256_LEN;

	if (klen > INT_MAX)
		fatal("HMAC key length");
	if (HMAC(EVP_sha256(), klen > 0 ? key : empty, (int)klen,
	    mlen > 0 ? msg : empty, mlen, out, &olen) == NULL)
		fatal("HMAC-SHA256");
}

/*
 * Hex of HMAC-SHA256(key, msg), as the API-key signature (authz.md 4):
 * 64 lower-case characters and a NUL.
 */
void
crypto_hmac_sha256_hex(const void *key, size_t klen, const void *msg,
    size_t mlen, char out[65])
{
	unsigned char	md[CRYPTO_SHA256_LEN];

	hmac_sha256(key, klen, msg, mlen, md);
	crypto_hex(md, sizeof(md), out);
	crypto_wipe(md, sizeof(md));
}

/*
 * Constant-time equality of two secrets of any length: the SHA-256 digests
 * of both sides are compared with CRYPTO_memcmp, so neither the position of
 * the first difference nor the lengths leak.  Returns 1 when equal, else 0.
 */
int
crypto_eq(const void *a, size_t alen, const void *b, size_t blen)
{
	unsigned char	da[CRYPTO_SHA256_LEN], db[CRYPTO_SHA256_LEN];
	int		eq;

	crypto_sha256(alen > 0 ? a : "", alen, da);
	crypto_sha256(blen > 0 ? b : "", blen, db);
	eq = CRYPTO_memcmp(da, db, sizeof(da)) == 0;
	crypto_wipe(da, sizeof(da));
	crypto_wipe(db, sizeof(db));
	return eq;
}

/* ------------------------------------------------------------ base64 */

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t
b64_len(size_t n, int url)
{
	return url ? (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1) :
	    (n + 2) / 3 * 4;
}

/* Encodes into out, which holds b64_len(n, url) + 1. */
static void
b64_encode_to(const unsigned char *s, size_t n, int url, char *out)
{
	const char	*alpha = url ? b64url : b64std;
	size_t		 i, o = 0;
	uint32_t	 v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		out[o++] = alpha[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)s[i] << 16;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		if (!url) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
}

/*
 * Base64 of n bytes, NUL-terminated, in the arena: padded with the
 * standard alphabet, or bare base64url (as in JWS) when url is set.
 */
char *
crypto_b64_encode(struct arena *a, const void *p, size_t n, int url)
{
	char	*out;

	out = arena_alloc(a, b64_len(n, url) + 1);
	b64_encode_to(p, n, url, out);
	return out;
}

static int
b64_val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes into out (room for n / 4 * 3 + 2 bytes); returns the length or
 * -1.  Strict: only the alphabet, padding exactly as the standard form
 * requires (none at all in base64url), no whitespace, and the unused bits
 * of the last character zero, so every byte string has one encoding.
 */
static ssize_t
b64_decode_to(const char *s, size_t n, int url, unsigned char *out)
{
	size_t		 i, o = 0, pad = 0, rem;
	int		 c[4], k;

	if (!url) {
		if (n % 4 != 0)
			return -1;
		while (pad < n && pad < 3 && s[n - 1 - pad] == '=')
			pad++;
		if (pad > 2)
			return -1;
		n -= pad;
	}
	rem = n % 4;
	if (rem == 1)
		return -1;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4 && i + (size_t)k < n; k++)
			if ((c[k] = b64_val((unsigned char)s[i + k], url)) < 0)
				return -1;
		if (i + 4 <= n) {
			out[o++] = (unsigned char)(c[0] << 2 | c[1] >> 4);
			out[o++] = (unsigned char)(c[1] << 4 | c[2] >> 2);
			out[o++] = (unsigned char)(c[2] << 6 | c[3]);
		} else if (rem == 2) {
			if (c[1] & 0x0f)
				return -1;
			out[o++] = (unsigned char)(c[0] << 2 | c[1] >> 4);
		} else {
			if (c[2] & 0x03)
				return -1;
			out[o++] = (unsigned char)(c[0] << 2 | c[1] >> 4);
			out[o++] = (unsigned char)(c[1] << 4 | c[2] >> 2);
		}
	}
	return (ssize_t)o;
}

/*
 * Decodes n characters of s (see b64_decode_to for the strict rules) into
 * *out, an arena buffer with a NUL after the *outlen bytes.  Returns 0, or
 * -1 with *out NULL.
 */
int
crypto_b64_decode(struct arena *a, const char *s, size_t n, int url,
    unsigned char **out, size_t *outlen)
{
	unsigned char	*p;
	ssize_t		 r;

	*out = NULL;
	*outlen = 0;
	p = arena_alloc(a, n / 4 * 3 + 3);
	if ((r = b64_decode_to(s, n, url, p)) < 0)
		return -1;
	p[r] = '\0';
	*out = p;
	*outlen = (size_t)r;
	return 0;
}

/* ------------------------------------------------------------ bcrypt */

/* A NUL-terminated copy of a password for crypt(3); wipe and free it. */
static char *
pw_copy(const char *pw, size_t len)
{
	char	*p;

	if (len >= CRYPT_MAX_PASSPHRASE_SIZE ||
	    (len > 0 && memchr(pw, '\0', len) != NULL))
		return NULL;
	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, pw, len);
	p[len] = '\0';
	return p;
}

static void
pw_free(char *p)
{
	if (p != NULL) {
		crypto_wipe(p, strlen(p));
		free(p);
	}
}

static void
crypt_data_free(void *data, int size)
{
	if (data != NULL) {
		crypto_wipe(data, (size_t)size);
		free(data);
	}
}

/*
 * Hashes a password with bcrypt ($2b$) at the given cost (4..31) into out.
 * The salt is 16 bytes from RAND_bytes.  A password holding a NUL byte, or
 * too long for crypt(3), is refused.  Returns 0, or -1 (out is "").
 */
int
crypto_bcrypt_hash(const char *pw, size_t len, int cost,
    char out[CRYPTO_BCRYPT_MAX])
{
	unsigned char	 rnd[16];
	char		*setting = NULL, *pwz = NULL, *h;
	void		*data = NULL;
	int		 size = 0, rc = -1;

	out[0] = '\0';
	if (cost < CRYPTO_BCRYPT_MINCOST || cost > CRYPTO_BCRYPT_MAXCOST)
		return -1;
	if ((pwz = pw_copy(pw, len)) == NULL)
		return -1;
	if (crypto_random_bytes(rnd, sizeof(rnd)) == -1)
		goto out;
	setting = crypt_gensalt_ra("$2b$", (unsigned long)cost,
	    (const char *)rnd, (int)sizeof(rnd));
	if (setting == NULL)
		goto out;
	h = crypt_ra(pwz, setting, &data, &size);
	if (h == NULL || h[0] == '*' || strlen(h) != BCRYPT_HASH_LEN)
		goto out;
	memcpy(out, h, BCRYPT_HASH_LEN + 1);
	rc = 0;
out:
	crypto_wipe(rnd, sizeof(rnd));
	free(setting);
	pw_free(pwz);
	crypt_data_free(data, size);
	return rc;
}

/* A bcrypt hash as Barong and we write it: $2a$, $2b$ or $2y$, 60 chars. */
static int
is_bcrypt(const char *h)
{
	return strlen(h) == BCRYPT_HASH_LEN && h[0] == '$' && h[1] == '2' &&
	    (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$';
}

/*
 * Checks a password against a stored bcrypt hash ($2a$ from Barong, or
 * ours).  The recomputed hash is compared in constant time.  Returns 1 on
 * a match; 0 otherwise, including for a stored value that is not a bcrypt
 * hash and for a password holding a NUL byte.
 */
int
crypto_bcrypt_verify(const char *pw, size_t len, const char *hash)
{
	char	*pwz, *h;
	void	*data = NULL;
	int	 size = 0, ok = 0;

	if (hash == NULL || !is_bcrypt(hash))
		return 0;
	if ((pwz = pw_copy(pw, len)) == NULL)
		return 0;
	h = crypt_ra(pwz, hash, &data, &size);
	if (h != NULL && h[0] != '*')
		ok = crypto_eq(h, strlen(h), hash, strlen(hash));
	pw_free(pwz);
	crypt_data_free(data, size);
	return ok;
}

/*
 * A valid bcrypt hash of a random password, made once per process (again
 * if the cost changes), for checking a password against when the user does
 * not exist, so that an unknown user costs the same time as a wrong
 * password.  Static storage; NULL on failure.
 */
const char *
crypto_bcrypt_dummy_hash(int cost)
{
	static char	hash[CRYPTO_BCRYPT_MAX];
	static int	hash_cost;
	char		pw[33];

	if (hash[0] != '\0' && hash_cost == cost)
		return hash;
	hash[0] = '\0';
	if (crypto_random_hex(pw, 16) == -1)
		return NULL;
	if (crypto_bcrypt_hash(pw, strlen(pw), cost, hash) == -1) {
		crypto_wipe(pw, sizeof(pw));
		return NULL;
	}
	crypto_wipe(pw, sizeof(pw));
	hash_cost = cost;
	return hash;
}

/* ------------------------------------------------------------ keyring */

struct kr_key {
	int		version;
	unsigned char	key[KEY_LEN];
};

struct keyring {
	struct kr_key	keys[KEYRING_MAX];
	size_t		nkeys;
	int		current;	/* highest version; 0: not loaded */
	unsigned char	index[KEY_LEN];
	int		has_index;
};

static struct keyring	kr;

/*
 * Where the keyring came from, for reloading it when a rotation
 * (barongctl keys rotate) adds a version while we run: the path, the
 * identity of the file as last seen, and when we last looked.
 */
static struct {
	char		path[PATH_MAX];
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtim;
	long long	checked_ms;	/* monotonic; 0: never */
} krsrc;

#define KEYRING_RECHECK_MS	1000

void
crypto_keyring_clear(void)
{
	crypto_wipe(&kr, sizeof(kr));
	memset(&kr, 0, sizeof(kr));
	memset(&krsrc, 0, sizeof(krsrc));
}

/* The version that seals new values; 0 when no keyring is loaded. */
int
crypto_keyring_version(void)
{
	return kr.current;
}

/* The loaded versions, ascending, into out (up to max); their number. */
int
crypto_keyring_versions(int *out, int max)
{
	size_t	i, j;
	int	n = 0, v, t;

	for (i = 0; i < kr.nkeys && n < max; i++) {
		v = kr.keys[i].version;
		for (j = (size_t)n; j > 0 && out[j - 1] > v; j--) {
			t = out[j - 1];
			out[j] = t;
		}
		out[j] = v;
		n++;
	}
	return n;
}

static const unsigned char *
kr_find(int version)
{
	size_t	i;

	for (i = 0; i < kr.nkeys; i++)
		if (kr.keys[i].version == version)
			return kr.keys[i].key;
	return NULL;
}

/* A decimal version 1..999999999 without sign or leading zero, or -1. */
static int
parse_version(const char *s, size_t n)
{
	int	v = 0;
	size_t	i;

	if (n == 0 || n > 9 || s[0] == '0')
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line of the key file into *k (the temporary keyring). */
static int
kr_parse_line(struct keyring *k, char *line, const char **why)
{
	char		*name, *val, *end;
	size_t		 nlen, vlen, i;
	unsigned char	 raw[KEY_LEN + 3];
	ssize_t		 r;
	int		 version;

	while (is_blank(*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	name = line;
	while (*line != '\0' && !is_blank(*line))
		line++;
	nlen = (size_t)(line - name);
	while (is_blank(*line))
		line++;
	val = line;
	while (*line != '\0' && !is_blank(*line))
		line++;
	vlen = (size_t)(line - val);
	end = line;
	while (is_blank(*end))
		end++;
	if (vlen == 0 || *end != '\0') {
		*why = "expected \"<version> <base64 key>\" or "
		    "\"index <base64 key>\"";
		return -1;
	}
	if (vlen != 44 || (r = b64_decode_to(val, vlen, 0, raw)) != KEY_LEN) {
		*why = "key is not the base64 of 32 bytes";
		crypto_wipe(raw, sizeof(raw));
		return -1;
	}
	if (nlen == 5 && memcmp(name, "index", 5) == 0) {
		if (k->has_index) {
			*why = "duplicate index key";
			crypto_wipe(raw, sizeof(raw));
			return -1;
		}
		memcpy(k->index, raw, KEY_LEN);
		k->has_index = 1;
		crypto_wipe(raw, sizeof(raw));
		return 0;
	}
	if ((version = parse_version(name, nlen)) == -1) {
		*why = "version is not a number from 1 to 999999999";
		crypto_wipe(raw, sizeof(raw));
		return -1;
	}
	for (i = 0; i < k->nkeys; i++)
		if (k->keys[i].version == version) {
			*why = "duplicate version";
			crypto_wipe(raw, sizeof(raw));
			return -1;
		}
	if (k->nkeys == KEYRING_MAX) {
		*why = "too many versions";
		crypto_wipe(raw, sizeof(raw));
		return -1;
	}
	k->keys[k->nkeys].version = version;
	memcpy(k->keys[k->nkeys].key, raw, KEY_LEN);
	k->nkeys++;
	if (version > k->current)
		k->current = version;
	crypto_wipe(raw, sizeof(raw));
	return 0;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
same_file(const struct stat *st)
{
	return st->st_dev == krsrc.dev && st->st_ino == krsrc.ino &&
	    st->st_size == krsrc.size &&
	    st->st_mtim.tv_sec == krsrc.mtim.tv_sec &&
	    st->st_mtim.tv_nsec == krsrc.mtim.tv_nsec;
}

static void
kr_remember(const char *path, const struct stat *st)
{
	int	n;

	n = snprintf(krsrc.path, sizeof(krsrc.path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(krsrc.path))
		krsrc.path[0] = '\0';	/* too long to reload (open took it) */
	krsrc.dev = st->st_dev;
	krsrc.ino = st->st_ino;
	krsrc.size = st->st_size;
	krsrc.mtim = st->st_mtim;
	krsrc.checked_ms = now_ms();
}

/*
 * Reloads the keyring file when it changed (another inode, size or mtime:
 * keys rotate replaces it by rename), looking at most once per
 * KEYRING_RECHECK_MS when sealing, and at once (force) when opening a
 * value of a version not loaded, which only another process's newer
 * keyring explains (values come from our database).  A file that no longer loads is logged once
 * per change and the keys in memory stay in use: a bad edit must not stop
 * a running process from opening what it could open before.
 */
static void
kr_maybe_reload(int force)
{
	struct stat	st;
	char		err[PATH_MAX + 128], path[PATH_MAX];
	long long	now;

	if (krsrc.path[0] == '\0')
		return;
	now = now_ms();
	if (!force && krsrc.checked_ms != 0 &&
	    now - krsrc.checked_ms < KEYRING_RECHECK_MS)
		return;
	krsrc.checked_ms = now;
	if (stat(krsrc.path, &st) == -1 || same_file(&st))
		return;
	memcpy(path, krsrc.path, sizeof(path));
	if (crypto_keyring_load(path, err, sizeof(err)) == -1) {
		log_err("keyring not reloaded, keeping version %d: %s",
		    kr.current, err);
		kr_remember(path, &st);
		return;
	}
	log_info("keyring reloaded: sealing with version %d", kr.current);
}

/*
 * Reads the key file at path into *text (malloc'd, KEYRING_FILE_MAX + 1
 * bytes, NUL-terminated; wipe and free it) with its fstat in *st.  Refuses
 * what crypto_keyring_load refuses about the file itself.  Returns 0, or
 * -1 with a message in err.
 */
static int
kr_read(const char *path, struct stat *st, char **text, char *err,
    size_t errlen)
{
	char	*t = NULL;
	size_t	 len = 0;
	ssize_t	 r;
	int	 fd, rc = -1;

	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((st->st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: mode %04o gives access to group or "
		    "others; chmod 600 it", path,
		    (unsigned)(st->st_mode & 07777));
		goto out;
	}
	if (st->st_size > KEYRING_FILE_MAX) {
		snprintf(err, errlen, "%s: file too large", path);
		goto out;
	}
	if ((t = malloc(KEYRING_FILE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while ((r = read(fd, t + len, KEYRING_FILE_MAX + 1 - len)) > 0)
		if ((len += (size_t)r) > KEYRING_FILE_MAX)
			break;
	if (r == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (len > KEYRING_FILE_MAX) {
		snprintf(err, errlen, "%s: file too large", path);
		goto out;
	}
	t[len] = '\0';
	if (memchr(t, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: NUL byte in file", path);
		goto out;
	}
	*text = t;
	t = NULL;
	rc = 0;
out:
	if (t != NULL) {
		crypto_wipe(t, KEYRING_FILE_MAX + 1);
		free(t);
	}
	close(fd);
	return rc;
}

static void
kr_text_free(char *text)
{
	if (text != NULL) {
		crypto_wipe(text, KEYRING_FILE_MAX + 1);
		free(text);
	}
}

/*
 * Parses a key file's text (kr_read) into *k; the text is cut into lines
 * in place.  Returns 0, or -1 with a message naming path and line in err.
 */
static int
kr_parse(struct keyring *k, const char *path, char *text, char *err,
    size_t errlen)
{
	char		*line, *nl;
	const char	*why = NULL;
	size_t		 lineno = 0;

	for (line = text; line != NULL && *line != '\0'; line = nl) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		if (kr_parse_line(k, line, &why) == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			return -1;
		}
	}
	if (k->nkeys == 0) {
		snprintf(err, errlen, "%s: no versioned key", path);
		return -1;
	}
	if (!k->has_index) {
		snprintf(err, errlen, "%s: no index key", path);
		return -1;
	}
	return 0;
}

/*
 * Loads the keyring from path (format at the top of this file), replacing
 * any loaded before.  Refuses a file that group or others may access, one
 * without a numbered key or without an index key.  Returns 0, or -1 with a
 * message in err (never key material).
 */
int
crypto_keyring_load(const char *path, char *err, size_t errlen)
{
	struct keyring	*k = NULL;
	struct stat	 st;
	char		*text = NULL;
	int		 rc = -1;

	if (kr_read(path, &st, &text, err, errlen) == -1)
		return -1;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (kr_parse(k, path, text, err, errlen) == -1)
		goto out;
	crypto_keyring_clear();
	memcpy(&kr, k, sizeof(kr));
	kr_remember(path, &st);
	rc = 0;
out:
	kr_text_free(text);
	if (k != NULL) {
		crypto_wipe(k, sizeof(*k));
		free(k);
	}
	return rc;
}

/*
 * Replaces path by a file holding text, atomically: a temporary file in
 * the same directory with the old file's mode and owner, fsync'd, renamed
 * over path, and the directory fsync'd, so that a crash leaves either the
 * old file or the new one, never a part.
 */
static int
kr_replace(const char *path, const struct stat *old, const char *text,
    size_t len, char *err, size_t errlen)
{
	char		 tmp[PATH_MAX], dir[PATH_MAX];
	const char	*slash;
	int		 fd, dfd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.new.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, old->st_mode & 07700) == -1 ||
	    (fchown(fd, old->st_uid, old->st_gid) == -1 &&
	    (errno != EPERM || getuid() != old->st_uid)) ||
	    fs_write_all(fd, text, len) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

/*
 * Appends key version (fresh from RAND_bytes) to the key file at path,
 * which must load and whose versions must all be lower; the file is
 * replaced atomically (kr_replace) keeping its mode and owner.  The
 * keyring in memory is not touched: load it again to seal under the new
 * version.  Returns 0, or -1 with a message in err (never key material).
 */
int
crypto_keyring_add_version(const char *path, int version, char *err,
    size_t errlen)
{
	struct keyring	*k = NULL;
	struct stat	 st;
	unsigned char	 raw[KEY_LEN];
	char		*text = NULL, *copy = NULL, b64[48];
	size_t		 len, i;
	int		 n, rc = -1;

	if (version < 1 || version > 999999999) {
		snprintf(err, errlen, "%s: bad version %d", path, version);
		return -1;
	}
	if (kr_read(path, &st, &text, err, errlen) == -1)
		return -1;
	len = strlen(text);
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (copy = malloc(KEYRING_FILE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	memcpy(copy, text, len + 1);
	if (kr_parse(k, path, copy, err, errlen) == -1)
		goto out;
	for (i = 0; i < k->nkeys; i++)
		if (k->keys[i].version >= version) {
			snprintf(err, errlen, "%s: already has version %d, not "
			    "below %d", path, k->keys[i].version, version);
			goto out;
		}
	if (k->nkeys == KEYRING_MAX) {
		snprintf(err, errlen, "%s: too many versions; remove those "
		    "nothing is sealed under any more", path);
		goto out;
	}
	if (crypto_random_bytes(raw, sizeof(raw)) == -1) {
		snprintf(err, errlen, "%s: no randomness", path);
		goto out;
	}
	b64_encode_to(raw, KEY_LEN, 0, b64);
	n = snprintf(text + len, KEYRING_FILE_MAX + 1 - len, "%s%d %s\n",
	    len > 0 && text[len - 1] != '\n' ? "\n" : "", version, b64);
	if (n < 0 || len + (size_t)n > KEYRING_FILE_MAX) {
		snprintf(err, errlen, "%s: file too large", path);
		goto out;
	}
	if (kr_replace(path, &st, text, len + (size_t)n, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	crypto_wipe(raw, sizeof(raw));
	crypto_wipe(b64, sizeof(b64));
	kr_text_free(text);
	kr_text_free(copy);
	if (k != NULL) {
		crypto_wipe(k, sizeof(*k));
		free(k);
	}
	return rc;
}

/*
 * Seals len bytes of plain with AES-256-GCM under the current key and a
 * fresh random 96-bit IV, binding aad (e.g. "apikeys.secret:<kid>"; NULL
 * is "") as additional authenticated data.  Returns
 * "v<version>:<base64(IV || ciphertext || tag)>" in the arena, or NULL
 * when no keyring is loaded or OpenSSL fails.
 */
char *
crypto_seal(struct arena *a, const void *plain, size_t len, const char *aad)
{
	const unsigned char	*key;
	EVP_CIPHER_CTX		*ctx = NULL;
	unsigned char		*buf;
	char			*b64, *out = NULL;
	int			 n, fin;

	/* A rotation added a version: seal under it within a second. */
	kr_maybe_reload(0);
	if ((key = kr_find(kr.current)) == NULL || len > SEAL_MAX)
		return NULL;
	if (aad == NULL)
		aad = "";
	buf = arena_alloc(a, GCM_IV_LEN + len + GCM_TAG_LEN);
	if (crypto_random_bytes(buf, GCM_IV_LEN) == -1)
		return NULL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		fatal("EVP_CIPHER_CTX_new");
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, buf + GCM_IV_LEN, &n, plain,
	    (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + GCM_IV_LEN + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN,
	    buf + GCM_IV_LEN + len) != 1) {
		log_err("could not seal a value: AES-256-GCM failed");
		goto out;
	}
	b64 = crypto_b64_encode(a, buf, GCM_IV_LEN + len + GCM_TAG_LEN, 0);
	out = arena_printf(a, "v%d:%s", kr.current, b64);
out:
	EVP_CIPHER_CTX_free(ctx);
	return out;
}

/* Plaintexts from crypto_open are wiped when the arena is reset. */
struct secret {
	size_t		len;
	unsigned char	data[];
};

static void
secret_wipe(void *p)
{
	struct secret	*s = p;

	crypto_wipe(s->data, s->len);
}

/*
 * Opens a value made by crypto_seal with the key of its version and the
 * same aad.  On success *plain is an arena buffer of *len bytes plus a NUL,
 * wiped at the arena's reset, and 0 is returned.  Returns -1 (*plain NULL)
 * for a malformed value, an unknown version or failed authentication (wrong
 * key, wrong aad, tampering).
 */
int
crypto_open(struct arena *a, const char *sealed, const char *aad,
    unsigned char **plain, size_t *len)
{
	const unsigned char	*key;
	const char		*colon;
	EVP_CIPHER_CTX		*ctx = NULL;
	unsigned char		*raw;
	struct secret		*sec;
	size_t			 rawlen, clen;
	int			 version, n, fin, rc = -1;

	*plain = NULL;
	*len = 0;
	if (sealed == NULL || sealed[0] != 'v' ||
	    (colon = strchr(sealed, ':')) == NULL)
		return -1;
	if ((version = parse_version(sealed + 1,
	    (size_t)(colon - sealed - 1))) == -1)
		return -1;
	if ((key = kr_find(version)) == NULL) {
		/*
		 * Sealed by a process that saw a newer keyring file: look
		 * now, whatever the last check (a stat; values come from
		 * our database, not from clients).
		 */
		kr_maybe_reload(1);
		if ((key = kr_find(version)) == NULL)
			return -1;
	}
	if (crypto_b64_decode(a, colon + 1, strlen(colon + 1), 0, &raw,
	    &rawlen) == -1 || rawlen < GCM_IV_LEN + GCM_TAG_LEN ||
	    rawlen - GCM_IV_LEN - GCM_TAG_LEN > SEAL_MAX)
		return -1;
	if (aad == NULL)
		aad = "";
	clen = rawlen - GCM_IV_LEN - GCM_TAG_LEN;
	sec = arena_alloc(a, sizeof(*sec) + clen + 1);
	sec->len = clen;
	arena_defer(a, secret_wipe, sec);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		fatal("EVP_CIPHER_CTX_new");
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(ctx, sec->data, &n, raw + GCM_IV_LEN,
	    (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LEN,
	    raw + GCM_IV_LEN + clen) != 1 ||
	    EVP_DecryptFinal_ex(ctx, sec->data + n, &fin) != 1) {
		crypto_wipe(sec->data, clen);
		goto out;
	}
	sec->data[clen] = '\0';
	*plain = sec->data;
	*len = clen;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * Keyed hash of a searchable value: hex of HMAC-SHA256 under a key derived
 * with HKDF-SHA256 from the keyring's index key, the info string being
 * "barong keyed hash " followed by purpose (e.g. "phones.number"), so the
 * same value hashes differently per column.  It does not change when the
 * sealing key rotates.  Returns 64 hex characters in the arena, or NULL
 * when no keyring is loaded.
 */
char *
crypto_keyed_hash_hex(struct arena *a, const char *purpose,
    const void *value, size_t len)
{
	static EVP_KDF	*hkdf;
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 params[4];
	unsigned char	 k[KEY_LEN], md[CRYPTO_SHA256_LEN];
	char		*info, *out;

	if (!kr.has_index)
		return NULL;
	if (purpose == NULL)
		purpose = "";
	info = arena_printf(a, "barong keyed hash %s", purpose);
	if (hkdf == NULL && (hkdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL)
		fatal("EVP_KDF_fetch(HKDF)");
	if ((ctx = EVP_KDF_CTX_new(hkdf)) == NULL)
		fatal("EVP_KDF_CTX_new");
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    kr.index, KEY_LEN);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    info, strlen(info));
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, k, sizeof(k), params) != 1)
		fatal("HKDF-SHA256");
	EVP_KDF_CTX_free(ctx);
	hmac_sha256(k, sizeof(k), value, len, md);
	crypto_wipe(k, sizeof(k));
	out = arena_alloc(a, 2 * sizeof(md) + 1);
	crypto_hex(md, sizeof(md), out);
	return out;
}

/*
 * Writes a new key file at path, mode 0600, with version 1 and an index
 * key, both fresh from RAND_bytes.  Never overwrites: an existing path is
 * an error (EEXIST).  Returns 0, or -1 with errno set.
 */
int
crypto_keygen_file(const char *path)
{
	static const char	 head[] =
	    "# barong keyring (barong-security(7)).  Keep it mode 0600.\n"
	    "# \"<version> <base64>\": AES-256-GCM keys for secrets at rest;"
	    " the highest\n"
	    "# version seals, every listed version opens.  To rotate, add a"
	    " line with a\n"
	    "# higher version; remove a version only once nothing is sealed"
	    " under it.\n"
	    "# \"index <base64>\": key of the searchable keyed hashes; never"
	    " change it.\n";
	unsigned char		 raw[2][KEY_LEN];
	char			 b64[2][48], text[sizeof(head) + 160];
	int			 fd, n, saved, rc = -1;

	if (crypto_random_bytes(raw, sizeof(raw)) == -1) {
		errno = EIO;
		return -1;
	}
	b64_encode_to(raw[0], KEY_LEN, 0, b64[0]);
	b64_encode_to(raw[1], KEY_LEN, 0, b64[1]);
	n = snprintf(text, sizeof(text), "%s1 %s\nindex %s\n", head, b64[0],
	    b64[1]);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		errno = EOVERFLOW;
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		goto out;
	if (fchmod(fd, 0600) == -1 || fs_write_all(fd, text, (size_t)n) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		goto out;
	}
	if (close(fd) == -1) {
		saved = errno;
		unlink(path);
		errno = saved;
		goto out;
	}
	rc = 0;
out:
	saved = errno;
	crypto_wipe(raw, sizeof(raw));
	crypto_wipe(b64, sizeof(b64));
	crypto_wipe(text, sizeof(text));
	errno = saved;
	return rc;
}

const char *
crypto_keyed_index(struct arena *a, const char *purpose, const void *value,
    size_t len)
{
	const char	*hex;

	if ((hex = crypto_keyed_hash_hex(a, purpose, value, len)) == NULL)
		return NULL;
	return arena_printf(a, "%lld", (long long)(strtoull(arena_strndup(a,
	    hex, 16), NULL, 16) >> 1));
}

int
crypto_keyring_start(const char *path)
{
	char	err[PATH_MAX + 128];

	if (*path == '\0')
		return 0;
	if (crypto_keyring_load(path, err, sizeof(err)) == -1) {
		log_err("master_key_file: %s", err);
		return -1;
	}
	return 0;
}
