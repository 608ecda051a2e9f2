/*
 * lib/crypto.c: the API-key HMAC of authz.md 4, SHA-256 known answers,
 * random hex, constant-time equality, base64 (every length 0..64, strict
 * rejection), bcrypt (Barong's $2a$ hashes, garbage, NUL bytes) and the
 * keyring (seal/open, aad, tampering, rotation, file modes, keyed hashes,
 * adding a version, reloading a changed file).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "crypto.h"
#include "unit.h"

static int
is_lower_hex(const char *s, size_t n)
{
	size_t	i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr("0123456789abcdef", s[i]) == NULL)
			return 0;
	return 1;
}

static void
test_hmac_example(void)
{
	const char	*nonce = "1584524005143", *kid = "61d025b8573501c2";
	const char	*secret = "2d0b4979c7fe6986daa8e21d1dc0644f";
	char		 msg[64], out[65];

	snprintf(msg, sizeof(msg), "%s%s", nonce, kid);
	CU_ASSERT_STRING_EQUAL(msg, "158452400514361d025b8573501c2");
	crypto_hmac_sha256_hex(secret, strlen(secret), msg, strlen(msg), out);
	CU_ASSERT_STRING_EQUAL(out,
	    "bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13");
	/* RFC 4231 test case 2. */
	crypto_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28,
	    out);
	CU_ASSERT_STRING_EQUAL(out,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* An empty key is allowed. */
	crypto_hmac_sha256_hex("", 0, "", 0, out);
	CU_ASSERT_STRING_EQUAL(out,
	    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

static void
test_sha256(void)
{
	unsigned char	md[32];
	char		out[65];

	crypto_sha256_hex("", 0, out);
	CU_ASSERT_STRING_EQUAL(out,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex("abc", 3, out);
	CU_ASSERT_STRING_EQUAL(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256_hex(
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    out);
	CU_ASSERT_STRING_EQUAL(out,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	crypto_sha256("abc", 3, md);
	CU_ASSERT_EQUAL(md[0], 0xba);
	CU_ASSERT_EQUAL(md[31], 0xad);
}

static void
test_random_hex(void)
{
	char	a[65], b[65];

	CU_ASSERT_EQUAL(crypto_random_hex(a, 10), 0);
	CU_ASSERT(is_lower_hex(a, 20));
	CU_ASSERT_EQUAL(crypto_random_hex(b, 10), 0);
	CU_ASSERT(is_lower_hex(b, 20));
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(crypto_random_hex(a, 16), 0);
	CU_ASSERT(is_lower_hex(a, 32));
	CU_ASSERT_EQUAL(crypto_random_hex(a, 32), 0);
	CU_ASSERT(is_lower_hex(a, 64));
	CU_ASSERT_EQUAL(crypto_random_hex(b, 32), 0);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(crypto_random_hex(a, 0), 0);
	CU_ASSERT_STRING_EQUAL(a, "");
}

static void
test_eq(void)
{
	CU_ASSERT_EQUAL(crypto_eq("secret", 6, "secret", 6), 1);
	CU_ASSERT_EQUAL(crypto_eq("secret", 6, "secreT", 6), 0);
	CU_ASSERT_EQUAL(crypto_eq("secret", 6, "secret!", 7), 0);
	CU_ASSERT_EQUAL(crypto_eq("secret", 6, "secret", 5), 0);
	CU_ASSERT_EQUAL(crypto_eq("", 0, "", 0), 1);
	CU_ASSERT_EQUAL(crypto_eq(NULL, 0, "", 0), 1);
	CU_ASSERT_EQUAL(crypto_eq("", 0, "x", 1), 0);
	CU_ASSERT_EQUAL(crypto_eq("a\0b", 3, "a\0c", 3), 0);
}

static void
test_b64_vectors(void)
{
	static const char *const v[][3] = {	/* RFC 4648 section 10 */
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" },
		{ "foo", "Zm9v", "Zm9v" }, { "foob", "Zm9vYg==", "Zm9vYg" },
		{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	struct arena	*a = arena_new(0);
	unsigned char	*out;
	size_t		 i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_STRING_EQUAL(crypto_b64_encode(a, v[i][0],
		    strlen(v[i][0]), 0), v[i][1]);
		CU_ASSERT_STRING_EQUAL(crypto_b64_encode(a, v[i][0],
		    strlen(v[i][0]), 1), v[i][2]);
		CU_ASSERT_EQUAL(crypto_b64_decode(a, v[i][1], strlen(v[i][1]),
		    0, &out, &n), 0);
		CU_ASSERT(n == strlen(v[i][0]) && memcmp(out, v[i][0], n) == 0);
		CU_ASSERT_EQUAL(crypto_b64_decode(a, v[i][2], strlen(v[i][2]),
		    1, &out, &n), 0);
		CU_ASSERT(n == strlen(v[i][0]) && memcmp(out, v[i][0], n) == 0);
	}
	/* The two alphabets differ in the last two characters. */
	CU_ASSERT_STRING_EQUAL(crypto_b64_encode(a, "\xfb\xff\xbf", 3, 0),
	    "+/+/");
	CU_ASSERT_STRING_EQUAL(crypto_b64_encode(a, "\xfb\xff\xbf", 3, 1),
	    "-_-_");
	CU_ASSERT_STRING_EQUAL(crypto_b64_encode(a, "{\"alg\":\"RS256\"}", 15,
	    1), "eyJhbGciOiJSUzI1NiJ9");
	arena_free(a);
}

static void
test_b64_roundtrip(void)
{
	struct arena	*a = arena_new(0);
	unsigned char	 in[64], *out;
	char		*enc;
	size_t		 len, n, i;
	int		 url, bad = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 250);
	for (url = 0; url <= 1; url++)
		for (len = 0; len <= 64; len++) {
			enc = crypto_b64_encode(a, in, len, url);
			if (strlen(enc) != (url ? (len * 4 + 2) / 3 :
			    (len + 2) / 3 * 4))
				bad++;
			if (crypto_b64_decode(a, enc, strlen(enc), url, &out,
			    &n) != 0 || n != len || memcmp(out, in, len) != 0 ||
			    out[n] != '\0')
				bad++;
			/* The other alphabet's padding rules refuse it. */
			if (len % 3 != 0 && crypto_b64_decode(a, enc,
			    strlen(enc), !url, &out, &n) == 0)
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* Every 1- and 2-byte value. */
	for (i = 0; i < 65536; i++) {
		in[0] = (unsigned char)(i >> 8);
		in[1] = (unsigned char)i;
		for (url = 0; url <= 1; url++) {
			enc = crypto_b64_encode(a, in, 2, url);
			if (crypto_b64_decode(a, enc, strlen(enc), url, &out,
			    &n) != 0 || n != 2 || memcmp(out, in, 2) != 0)
				bad++;
			enc = crypto_b64_encode(a, in, 1, url);
			if (crypto_b64_decode(a, enc, strlen(enc), url, &out,
			    &n) != 0 || n != 1 || out[0] != in[0])
				bad++;
		}
		arena_reset(a);
	}
	CU_ASSERT_EQUAL(bad, 0);
	arena_free(a);
}

static void
test_b64_reject(void)
{
	static const char *const std_bad[] = {
		"Zg", "Zg=", "Zg===", "Z===", "====", "Zh==", "Zm9=",
		"=Zg=", "Zg==Zg==", "Zm9v\n", " Zm9v", "Zm9v YmFy", "Zm-v",
		"Zm_v", "Zm9v!", "Zm9vY", NULL
	};
	static const char *const url_bad[] = {
		"Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9", "Zm+v", "Zm/v",
		"Zm9v\n", "Zm9v.", " Zg", NULL
	};
	struct arena	*a = arena_new(0);
	unsigned char	*out;
	size_t		 n, i;

	for (i = 0; std_bad[i] != NULL; i++) {
		out = (unsigned char *)"x";
		CU_ASSERT_EQUAL(crypto_b64_decode(a, std_bad[i],
		    strlen(std_bad[i]), 0, &out, &n), -1);
		CU_ASSERT_PTR_NULL(out);
	}
	for (i = 0; url_bad[i] != NULL; i++)
		CU_ASSERT_EQUAL(crypto_b64_decode(a, url_bad[i],
		    strlen(url_bad[i]), 1, &out, &n), -1);
	/* Embedded NUL inside the given length. */
	CU_ASSERT_EQUAL(crypto_b64_decode(a, "Zm\0v", 4, 0, &out, &n), -1);
	CU_ASSERT_EQUAL(crypto_b64_decode(a, "Zm\0v", 4, 1, &out, &n), -1);
	arena_free(a);
}

static void
test_bcrypt(void)
{
	char		 h[CRYPTO_BCRYPT_MAX], h2[CRYPTO_BCRYPT_MAX];

	CU_ASSERT_EQUAL_FATAL(crypto_bcrypt_hash("Tr0ub4dor&3", 11, 4, h), 0);
	CU_ASSERT_EQUAL(strlen(h), 60);
	CU_ASSERT_EQUAL(strncmp(h, "$2b$04$", 7), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("Tr0ub4dor&3", 11, h), 1);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("Tr0ub4dor&4", 11, h), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("Tr0ub4dor&", 10, h), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("", 0, h), 0);
	/* A fresh salt each time. */
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("Tr0ub4dor&3", 11, 4, h2), 0);
	CU_ASSERT_STRING_NOT_EQUAL(h, h2);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("Tr0ub4dor&3", 11, h2), 1);
	/* The cost is written as given. */
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("pw", 2, 5, h), 0);
	CU_ASSERT_EQUAL(strncmp(h, "$2b$05$", 7), 0);
	/* Costs out of range. */
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("pw", 2, 3, h), -1);
	CU_ASSERT_STRING_EQUAL(h, "");
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("pw", 2, 32, h), -1);
	/* NUL bytes in a password are refused, not truncated. */
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("pw\0x", 4, 4, h), -1);
	CU_ASSERT_EQUAL(crypto_bcrypt_hash("pw", 2, 4, h), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("pw\0x", 4, h), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("pw", 2, h), 1);
}

/*
 * Barong's hashes come from bcrypt-ruby, which embeds Openwall's
 * crypt_blowfish and writes $2a$; these are crypt_blowfish's own test
 * vectors (wrapper.c), so exactly what Ruby stores.
 */
static void
test_bcrypt_ruby(void)
{
	static const char *const v[][2] = {
		{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC."
		    "E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		    "U*U" },
		{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC."
		    "VGOzA784oUp/Z0DY336zx7pLYAy0lwK",
		    "U*U*" },
		{ "$2a$05$XXXXXXXXXXXXXXXXXXXXXO"
		    "AcXxm9kjPGEMsLznoKqmqw7tc8WCx4a",
		    "U*U*U" },
		{ "$2a$05$abcdefghijklmnopqrstuu"
		    "5s2v8.iXieOjg/.AySBTTZIIVFJeBui",
		    "0123456789abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		    "chars after 72 are ignored" },
		{ "$2a$05$CCCCCCCCCCCCCCCCCCCCC."
		    "7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy",
		    "" },
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(crypto_bcrypt_verify(v[i][1], strlen(v[i][1]),
		    v[i][0]), 1);
		CU_ASSERT_EQUAL(crypto_bcrypt_verify("U*U*U*", 6, v[i][0]), 0);
	}
	/* bcrypt reads 72 bytes, as bcrypt-ruby does. */
	CU_ASSERT_EQUAL(crypto_bcrypt_verify(v[3][1], 72, v[3][0]), 1);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify(v[3][1], 71, v[3][0]), 0);
}

static void
test_bcrypt_garbage(void)
{
	static const char *const bad[] = {
		"", "garbage", "$2a$", "$2a$05$", "$2a$05$short",
		"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
		"$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeWx",
		"$2a$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		"$2a$0x$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		"$2a$05$!!!!!!!!!!!!!!!!!!!!!.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		"$2c$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
		"$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",	/* md5crypt of "U*U" */
		"CCNf8Sbh3HDfQ",			/* DES */
		"*0", "*1", NULL
	};
	size_t	i;

	for (i = 0; bad[i] != NULL; i++)
		CU_ASSERT_EQUAL(crypto_bcrypt_verify("U*U", 3, bad[i]), 0);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("U*U", 3, NULL), 0);
}

static void
test_bcrypt_dummy(void)
{
	const char	*d, *d2;

	d = crypto_bcrypt_dummy_hash(4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(strlen(d), 60);
	CU_ASSERT_EQUAL(strncmp(d, "$2b$04$", 7), 0);
	d2 = crypto_bcrypt_dummy_hash(4);
	CU_ASSERT_PTR_EQUAL(d, d2);
	CU_ASSERT_EQUAL(crypto_bcrypt_verify("password", 8, d), 0);
	d2 = crypto_bcrypt_dummy_hash(5);
	CU_ASSERT_EQUAL(strncmp(d2, "$2b$05$", 7), 0);
}

/* ------------------------------------------------------------ keyring */

static char	tmpdir[64];

static const char *
tpath(const char *name)
{
	static char	p[4][128];
	static int	i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE	*f;

	unlink(path);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *
read_text(const char *path)
{
	static char	 text[4096];
	FILE		*f;
	size_t		 n;

	text[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return text;
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void
test_keygen(void)
{
	struct stat	 st;
	char		 err[256], *text;
	const char	*kf = tpath("keys");

	unlink(kf);
	CU_ASSERT_EQUAL_FATAL(crypto_keygen_file(kf), 0);
	CU_ASSERT_EQUAL(stat(kf, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	text = read_text(kf);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\nindex "));
	/* Never overwrites. */
	CU_ASSERT_EQUAL(crypto_keygen_file(kf), -1);
	CU_ASSERT_EQUAL(errno, EEXIST);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 1);
}

static void
test_seal_open(void)
{
	struct arena	*a = arena_new(0);
	char		 err[256], *s, *s2, *t;
	unsigned char	*p;
	size_t		 n, i;
	int		 fails = 0;

	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(tpath("keys"), err,
	    sizeof(err)), 0);
	s = crypto_seal(a, "2d0b4979c7fe6986daa8e21d1dc0644f", 32,
	    "apikeys.secret:61d025b8573501c2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(strncmp(s, "v1:", 3), 0);
	/* 12 + 32 + 16 bytes in base64. */
	CU_ASSERT_EQUAL(strlen(s), 3 + 80);
	CU_ASSERT_EQUAL(crypto_open(a, s, "apikeys.secret:61d025b8573501c2",
	    &p, &n), 0);
	CU_ASSERT(n == 32 && memcmp(p, "2d0b4979c7fe6986daa8e21d1dc0644f",
	    32) == 0 && p[32] == '\0');
	/* A fresh IV: the same value seals differently. */
	s2 = crypto_seal(a, "2d0b4979c7fe6986daa8e21d1dc0644f", 32,
	    "apikeys.secret:61d025b8573501c2");
	CU_ASSERT_STRING_NOT_EQUAL(s, s2);
	/* Wrong aad: another row or column. */
	CU_ASSERT_EQUAL(crypto_open(a, s, "apikeys.secret:61d025b8573501c3",
	    &p, &n), -1);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(crypto_open(a, s, "", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, s, NULL, &p, &n), -1);
	/* Any changed character of the base64 part fails. */
	for (i = 3; i < strlen(s); i++) {
		t = arena_strdup(a, s);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (crypto_open(a, t, "apikeys.secret:61d025b8573501c2", &p,
		    &n) != -1)
			fails++;
	}
	CU_ASSERT_EQUAL(fails, 0);
	/* Unknown version and bad formats. */
	t = arena_strdup(a, s);
	t[1] = '7';
	CU_ASSERT_EQUAL(crypto_open(a, t, "apikeys.secret:61d025b8573501c2",
	    &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, arena_printf(a, "v01:%s", s + 3),
	    "apikeys.secret:61d025b8573501c2", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, s + 1, "apikeys.secret:61d025b8573501c2",
	    &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, "v1:", "", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, "v1", "", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, "", "", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, NULL, "", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, "v1:AAAA", "", &p, &n), -1);
	/* Truncated: drop the tag. */
	t = arena_strndup(a, s, strlen(s) - 24);
	CU_ASSERT_EQUAL(crypto_open(a, t, "apikeys.secret:61d025b8573501c2",
	    &p, &n), -1);
	/* Empty and binary values. */
	s = crypto_seal(a, "", 0, NULL);
	CU_ASSERT_EQUAL(crypto_open(a, s, NULL, &p, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	s = crypto_seal(a, "a\0b\xff", 4, "x");
	CU_ASSERT_EQUAL(crypto_open(a, s, "x", &p, &n), 0);
	CU_ASSERT(n == 4 && memcmp(p, "a\0b\xff", 4) == 0);
	/* Plaintexts are wiped when the arena is reset. */
	s = crypto_seal(a, "JBSWY3DPEHPK3PXP", 16, "otp");
	CU_ASSERT_EQUAL(crypto_open(a, s, "otp", &p, &n), 0);
	arena_reset(a);
	CU_ASSERT(memcmp(p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0);
	arena_free(a);
}

static void
test_rotation(void)
{
	struct arena	*a = arena_new(0);
	char		 err[256], text[4096], *old, *h1, *h2, *s;
	unsigned char	*p;
	size_t		 n;
	const char	*kf = tpath("keys");

	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	old = crypto_seal(a, "+15551234567", 12, "phones.number:1");
	h1 = crypto_keyed_hash_hex(a, "phones.number", "+15551234567", 12);
	CU_ASSERT(is_lower_hex(h1, 64));
	/* Stable, and separate per purpose and per value. */
	CU_ASSERT_STRING_EQUAL(h1, crypto_keyed_hash_hex(a, "phones.number",
	    "+15551234567", 12));
	CU_ASSERT_STRING_NOT_EQUAL(h1, crypto_keyed_hash_hex(a,
	    "profiles.last_name", "+15551234567", 12));
	CU_ASSERT_STRING_NOT_EQUAL(h1, crypto_keyed_hash_hex(a,
	    "phones.number", "+15551234568", 12));
	/* Add version 2 with a new key. */
	snprintf(text, sizeof(text), "%s# rotated\n2 %s\n", read_text(kf),
	    "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=");
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 2);
	s = crypto_seal(a, "+15551234567", 12, "phones.number:1");
	CU_ASSERT_EQUAL(strncmp(s, "v2:", 3), 0);
	CU_ASSERT_EQUAL(crypto_open(a, s, "phones.number:1", &p, &n), 0);
	CU_ASSERT_EQUAL(crypto_open(a, old, "phones.number:1", &p, &n), 0);
	CU_ASSERT(n == 12 && memcmp(p, "+15551234567", 12) == 0);
	h2 = crypto_keyed_hash_hex(a, "phones.number", "+15551234567", 12);
	CU_ASSERT_STRING_EQUAL(h1, h2);
	/* A v2 value claimed to be v1 does not open. */
	CU_ASSERT_EQUAL(crypto_open(a, arena_printf(a, "v1:%s", s + 3),
	    "phones.number:1", &p, &n), -1);
	arena_free(a);
}

static void
test_keyring_errors(void)
{
	static const char	 k1[] =
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	struct arena		*a = arena_new(0);
	char			 err[256], text[512];
	const char		*kf = tpath("bad");

	snprintf(text, sizeof(text), "1 %s\nindex %s\n", k1, k1);
	write_file(kf, text, 0640);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0640"));
	chmod(kf, 0604);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	chmod(kf, 0602);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	chmod(kf, 0400);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 1);
	/* Missing file, directory, symlink. */
	CU_ASSERT_EQUAL(crypto_keyring_load(tpath("nope"), err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(crypto_keyring_load(tmpdir, err, sizeof(err)), -1);
	unlink(tpath("link"));
	CU_ASSERT_EQUAL(symlink(kf, tpath("link")), 0);
	CU_ASSERT_EQUAL(crypto_keyring_load(tpath("link"), err, sizeof(err)),
	    -1);
	/* Content errors, with the line number and never the key. */
	snprintf(text, sizeof(text), "# c\n\n1 %s\n", k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no index key"));
	snprintf(text, sizeof(text), "index %s\n", k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no versioned key"));
	snprintf(text, sizeof(text), "1 %s\n1 %s\nindex %s\n", k1, k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: duplicate version"));
	snprintf(text, sizeof(text), "1 %s\nindex %s\nindex %s\n", k1, k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	snprintf(text, sizeof(text), "1 %.40s\nindex %s\n", k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: "));
	CU_ASSERT_PTR_NULL(strstr(err, "AAEC"));
	snprintf(text, sizeof(text), "0 %s\nindex %s\n", k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	snprintf(text, sizeof(text), "v1 %s\nindex %s\n", k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	snprintf(text, sizeof(text), "1 %s extra\nindex %s\n", k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	/* Blank lines, comments, CRLF and tabs are fine. */
	snprintf(text, sizeof(text), "# keys\r\n\r\n\t3\t%s \r\n  index %s\n"
	    "# end", k1, k1);
	write_file(kf, text, 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 3);
	/* A failed load keeps the keyring that was loaded. */
	write_file(kf, "garbage\n", 0600);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 3);
	/* Without a keyring nothing seals. */
	crypto_keyring_clear();
	CU_ASSERT_EQUAL(crypto_keyring_version(), 0);
	CU_ASSERT_PTR_NULL(crypto_seal(a, "x", 1, NULL));
	CU_ASSERT_PTR_NULL(crypto_keyed_hash_hex(a, "p", "x", 1));
	arena_free(a);
}

static long long
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps past the keyring's once-a-second look at its file. */
static void
past_recheck(void)
{
	usleep(1100 * 1000);
}

/*
 * crypto_keyring_add_version: appended atomically with mode and owner
 * kept; a lower or equal version, a bad file or a bad number refused
 * with the file untouched.
 */
static void
test_add_version(void)
{
	static const char	 k1[] =
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	struct stat		 st, st2;
	char			 err[256], text[512], before[4096];
	const char		*kf = tpath("added");

	/* No newline at the end: one is added before the new line. */
	snprintf(text, sizeof(text), "# c\n3 %s\nindex %s", k1, k1);
	write_file(kf, text, 0400);
	CU_ASSERT_EQUAL_FATAL(stat(kf, &st), 0);
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 4, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL_FATAL(stat(kf, &st2), 0);
	CU_ASSERT_NOT_EQUAL(st.st_ino, st2.st_ino);	/* renamed over */
	CU_ASSERT_EQUAL(st2.st_mode & 07777, 0400);
	CU_ASSERT_EQUAL(st2.st_uid, st.st_uid);
	CU_ASSERT_EQUAL(st2.st_gid, st.st_gid);
	CU_ASSERT_EQUAL(strncmp(read_text(kf), text, strlen(text)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(read_text(kf), "index " ));
	CU_ASSERT_PTR_NOT_NULL(strstr(read_text(kf), "\n4 "));
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 4);
	/* Two additions make two different keys. */
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 9, err, sizeof(err)),
	    0);
	CU_ASSERT_EQUAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 9);
	snprintf(before, sizeof(before), "%s", read_text(kf));
	CU_ASSERT_PTR_NOT_NULL(strstr(before, "\n9 "));
	CU_ASSERT_NOT_EQUAL(strncmp(strstr(before, "\n4 ") + 3,
	    strstr(before, "\n9 ") + 3, 44), 0);
	/* Refusals leave the file as it was. */
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 9, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "already has version 9"));
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 5, err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 0, err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 1000000000, err,
	    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(read_text(kf), before);
	CU_ASSERT_PTR_NULL(strstr(err, "AAEC"));
	write_file(kf, "garbage\n", 0600);
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 10, err, sizeof(err)),
	    -1);
	CU_ASSERT_STRING_EQUAL(read_text(kf), "garbage\n");
	chmod(kf, 0644);
	snprintf(text, sizeof(text), "1 %s\nindex %s\n", k1, k1);
	write_file(kf, text, 0644);
	CU_ASSERT_EQUAL(crypto_keyring_add_version(kf, 2, err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0644"));
	CU_ASSERT_EQUAL(crypto_keyring_add_version(tpath("nope"), 2, err,
	    sizeof(err)), -1);
	crypto_keyring_clear();
}

/*
 * A running process meets a value sealed under a version its keyring
 * lacks (another process saw the rotated file): crypto_open reloads the
 * file at once, crypto_seal looks at most once a second; a file that no longer loads keeps the keys in memory.
 */
static void
test_reload(void)
{
	struct arena	*a = arena_new(0);
	char		 err[256], v1only[4096], v12[4096], *s1, *s2, *s3;
	unsigned char	*p;
	size_t		 n;
	long long	 t0;
	const char	*kf = tpath("reload"), *aad = "phones.number:7";

	unlink(kf);
	CU_ASSERT_EQUAL_FATAL(crypto_keygen_file(kf), 0);
	snprintf(v1only, sizeof(v1only), "%s", read_text(kf));
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_add_version(kf, 2, err,
	    sizeof(err)), 0);
	snprintf(v12, sizeof(v12), "%s", read_text(kf));
	/* A value under version 2, sealed by "another process". */
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	s2 = crypto_seal(a, "+33612345678", 12, aad);
	CU_ASSERT_EQUAL_FATAL(strncmp(s2, "v2:", 3), 0);

	/* This process loaded version 1 only; then the file gains 2. */
	write_file(kf, v1only, 0600);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	t0 = mono_ms();
	CU_ASSERT_EQUAL(crypto_keyring_version(), 1);
	write_file(kf, v12, 0600);
	s1 = crypto_seal(a, "+33612345678", 12, aad);
	if (mono_ms() - t0 < 900) {	/* else too slow a machine to tell */
		/* Sealing within the second: no look at the file yet. */
		CU_ASSERT_EQUAL(strncmp(s1, "v1:", 3), 0);
		CU_ASSERT_EQUAL(crypto_keyring_version(), 1);
	}
	/* Opening a version not loaded looks at once. */
	CU_ASSERT_EQUAL(crypto_open(a, s2, aad, &p, &n), 0);
	CU_ASSERT(n == 12 && memcmp(p, "+33612345678", 12) == 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 2);
	CU_ASSERT_EQUAL(crypto_open(a, s1, aad, &p, &n), 0);
	s3 = crypto_seal(a, "+33612345678", 12, aad);
	CU_ASSERT_EQUAL(strncmp(s3, "v2:", 3), 0);
	/* A wrong aad or an unknown version still fails (after a look). */
	CU_ASSERT_EQUAL(crypto_open(a, s2, "phones.number:8", &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_open(a, arena_printf(a, "v7:%s", s2 + 3), aad,
	    &p, &n), -1);

	/* crypto_seal looks at the file too: version 3 within a second. */
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_add_version(kf, 3, err,
	    sizeof(err)), 0);
	past_recheck();
	s3 = crypto_seal(a, "+33612345678", 12, aad);
	CU_ASSERT_EQUAL(strncmp(s3, "v3:", 3), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 3);

	/* A file that no longer loads: the keys in memory stay. */
	write_file(kf, "garbage\n", 0600);
	past_recheck();
	CU_ASSERT_EQUAL(crypto_open(a, arena_printf(a, "v4:%s", s3 + 3), aad,
	    &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 3);
	CU_ASSERT_EQUAL(crypto_open(a, s1, aad, &p, &n), 0);
	CU_ASSERT_EQUAL(crypto_open(a, s2, aad, &p, &n), 0);
	CU_ASSERT_EQUAL(crypto_open(a, s3, aad, &p, &n), 0);
	s3 = crypto_seal(a, "x", 1, aad);
	CU_ASSERT_EQUAL(strncmp(s3, "v3:", 3), 0);
	/* Removed: same. */
	unlink(kf);
	past_recheck();
	CU_ASSERT_EQUAL(crypto_open(a, s2, aad, &p, &n), 0);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 3);
	/* After clear, no file is remembered: nothing reloads. */
	write_file(kf, v12, 0600);
	crypto_keyring_clear();
	past_recheck();
	CU_ASSERT_EQUAL(crypto_open(a, s2, aad, &p, &n), -1);
	CU_ASSERT_EQUAL(crypto_keyring_version(), 0);
	arena_free(a);
}

static void
test_cleanup(void)
{
	static const char *const names[] = { "keys", "bad", "link", "added",
	    "reload", NULL };
	size_t	i;

	for (i = 0; names[i] != NULL; i++)
		unlink(tpath(names[i]));
	CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
}

static const struct unit_test tests[] = {
	{ "API-key HMAC example (authz.md 4)", test_hmac_example },
	{ "SHA-256 known answers", test_sha256 },
	{ "random hex", test_random_hex },
	{ "constant-time equality", test_eq },
	{ "base64 vectors", test_b64_vectors },
	{ "base64 round trips", test_b64_roundtrip },
	{ "base64 strict rejection", test_b64_reject },
	{ "bcrypt hash and verify", test_bcrypt },
	{ "bcrypt Ruby $2a$ hashes", test_bcrypt_ruby },
	{ "bcrypt garbage stored hashes", test_bcrypt_garbage },
	{ "bcrypt dummy hash", test_bcrypt_dummy },
	{ "keyring generation", test_keygen },
	{ "seal and open", test_seal_open },
	{ "rotation and keyed hash", test_rotation },
	{ "keyring file errors", test_keyring_errors },
	{ "keyring add_version", test_add_version },
	{ "keyring reload when the file changes", test_reload },
	{ "cleanup", test_cleanup },
	{ NULL, NULL }
};

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_crypto.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	return unit_run("crypto", tests);
}
