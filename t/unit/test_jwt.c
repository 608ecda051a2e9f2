/*
 * lib/jwt.c: keys made at test time (RSA-2048, a second RSA key, EC P-256,
 * a short RSA key), sign and verify, every failure word of user-api.md 6.3
 * with a token crafted for it (alg none, HS256 keyed with the public key
 * PEM, ...), the check order, session claims and their order (authz.md 9),
 * bearer checks (user-api.md 1.6), and interoperability with libjwt and
 * the openssl command.  Prints the cost of one signature and verification.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "arena.h"
#include "crypto.h"
#include "json.h"
#include "jwt.h"
#include "unit.h"

/*
 * libjwt 1.10, declared here because its <jwt.h> has the name of ours.
 * Used only to check that its decoder accepts our tokens.
 */
typedef struct jwt	libjwt_t;
int		 jwt_decode(libjwt_t **, const char *, const unsigned char *,
		    int);
const char	*jwt_get_grant(libjwt_t *, const char *);
const char	*jwt_get_header(libjwt_t *, const char *);
void		 jwt_free(libjwt_t *);

static char	 tmpdir[64];
static EVP_PKEY	*rsa, *other, *ec;
static char	*rsa_pub_pem;	/* the text, as an HS256 attacker uses it */
static long long now;

enum signer { S_RSA, S_OTHER, S_EC, S_HS_PUBPEM, S_FAKE };

static const char *
tpath(const char *name)
{
	static char	p[8][128];
	static int	i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

static void
write_keys(EVP_PKEY *k, const char *name)
{
	char	 n[64];
	FILE	*f;

	snprintf(n, sizeof(n), "%s.key", name);
	f = fopen(tpath(n), "w");
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	chmod(tpath(n), 0600);
	snprintf(n, sizeof(n), "%s.pub", name);
	f = fopen(tpath(n), "w");
	PEM_write_PUBKEY(f, k);
	fclose(f);
}

/*
 * The PKCS#1 forms Ruby's OpenSSL::PKey::RSA#to_pem writes ("BEGIN RSA
 * PRIVATE KEY", "BEGIN RSA PUBLIC KEY"), and a passphrase-protected key.
 */
static void
write_legacy_keys(EVP_PKEY *k)
{
	OSSL_ENCODER_CTX	*e;
	FILE			*f;

	f = fopen(tpath("pkcs1.key"), "w");
	e = OSSL_ENCODER_CTX_new_for_pkey(k, EVP_PKEY_KEYPAIR, "PEM",
	    "type-specific", NULL);
	OSSL_ENCODER_to_fp(e, f);
	OSSL_ENCODER_CTX_free(e);
	fclose(f);
	chmod(tpath("pkcs1.key"), 0600);
	f = fopen(tpath("pkcs1.pub"), "w");
	e = OSSL_ENCODER_CTX_new_for_pkey(k, EVP_PKEY_PUBLIC_KEY, "PEM",
	    "type-specific", NULL);
	OSSL_ENCODER_to_fp(e, f);
	OSSL_ENCODER_CTX_free(e);
	fclose(f);
	f = fopen(tpath("enc.key"), "w");
	PEM_write_PrivateKey(f, k, EVP_aes_256_cbc(),
	    (const unsigned char *)"secret", 6, NULL, NULL);
	fclose(f);
	chmod(tpath("enc.key"), 0600);
}

static char *
slurp(const char *path)
{
	static char	 buf[8192];
	FILE		*f;
	size_t		 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static int
has_text(const char *path, const char *needle)
{
	char	*t;
	int	 found;

	if ((t = slurp(path)) == NULL)
		return 0;
	found = strstr(t, needle) != NULL;
	free(t);
	return found;
}

static int
setup(void)
{
	EVP_PKEY	*shortkey;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_jwt.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	rsa = EVP_RSA_gen(2048);
	other = EVP_RSA_gen(2048);
	ec = EVP_EC_gen("P-256");
	shortkey = EVP_RSA_gen(1024);
	if (rsa == NULL || other == NULL || ec == NULL || shortkey == NULL)
		return -1;
	write_keys(rsa, "rsa");
	write_keys(other, "other");
	write_keys(ec, "ec");
	write_keys(shortkey, "short");
	write_legacy_keys(rsa);
	EVP_PKEY_free(shortkey);
	rsa_pub_pem = slurp(tpath("rsa.pub"));
	return rsa_pub_pem == NULL ? -1 : 0;
}

static void
load_rsa(void)
{
	char	err[256];

	if (jwt_keys_load(tpath("rsa.key"), NULL, err, sizeof(err)) != 0) {
		printf("\n  %s\n", err);
		CU_FAIL_FATAL("jwt_keys_load");
	}
}

/* A token with any header, payload and signer. */
static char *
forge(struct arena *a, const char *hdr, const char *payload, enum signer s)
{
	EVP_MD_CTX	*md;
	unsigned char	 sig[512];
	unsigned int	 hlen;
	size_t		 siglen = sizeof(sig);
	char		*input;
	EVP_PKEY	*k;
	ECDSA_SIG	*es;
	const BIGNUM	*r, *ss;
	const unsigned char *p;

	input = arena_printf(a, "%s.%s",
	    crypto_b64_encode(a, hdr, strlen(hdr), 1),
	    crypto_b64_encode(a, payload, strlen(payload), 1));
	switch (s) {
	case S_FAKE:
		return arena_printf(a, "%s.AAAA", input);
	case S_HS_PUBPEM:
		HMAC(EVP_sha256(), rsa_pub_pem, (int)strlen(rsa_pub_pem),
		    (unsigned char *)input, strlen(input), sig, &hlen);
		siglen = hlen;
		break;
	default:
		k = s == S_RSA ? rsa : s == S_OTHER ? other : ec;
		md = EVP_MD_CTX_new();
		EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k);
		EVP_DigestSign(md, sig, &siglen, (unsigned char *)input,
		    strlen(input));
		EVP_MD_CTX_free(md);
		if (s == S_EC) {	/* DER to JWS's r || s */
			p = sig;
			es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
			ECDSA_SIG_get0(es, &r, &ss);
			BN_bn2binpad(r, sig, 32);
			BN_bn2binpad(ss, sig + 32, 32);
			ECDSA_SIG_free(es);
			siglen = 64;
		}
		break;
	}
	return arena_printf(a, "%s.%s", input,
	    crypto_b64_encode(a, sig, siglen, 1));
}

#define RS	"{\"alg\":\"RS256\"}"

/* A confirmation token's payload with one claim replaced or removed. */
static char *
claims(struct arena *a, const char *iat, const char *exp, const char *sub,
    const char *iss, const char *aud, const char *jti)
{
	struct {
		const char	*k, *v;
	} c[] = { { "iat", iat }, { "exp", exp }, { "sub", sub },
	    { "iss", iss }, { "aud", aud }, { "jti", jti } };
	char	*p = arena_strdup(a, "{");
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i].v != NULL)
			p = arena_printf(a, "%s\"%s\":%s,", p, c[i].k, c[i].v);
	return arena_printf(a, "%s\"email\":\"a@b.io\",\"uid\":\"ID1\"}", p);
}

static char *
num(struct arena *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static char *
good(struct arena *a)
{
	return claims(a, num(a, now), num(a, now + 3600), "\"confirmation\"",
	    "\"barong\"", "[\"peatio\",\"barong\"]",
	    "\"0123456789abcdef0123\"");
}

static void
expect_word(struct arena *a, const char *token, const char *sub,
    const char *word)
{
	json_object	*c = (json_object *)1;
	const char	*r = NULL;

	CU_ASSERT_EQUAL(jwt_verify(a, token, sub, &c, &r), -1);
	CU_ASSERT_PTR_NULL(c);
	if (r == NULL || strcmp(r, word) != 0) {
		printf("\n    want \"%s\", got \"%s\"\n", word,
		    r == NULL ? "(null)" : r);
		CU_FAIL("failure word");
	}
}

static void
expect_ok(struct arena *a, const char *token, const char *sub)
{
	const char	*r = NULL;

	if (jwt_verify(a, token, sub, NULL, &r) != 0) {
		printf("\n    refused: %s\n", r);
		CU_FAIL("valid token refused");
	}
}

static void
test_keys(void)
{
	struct arena	*a = arena_new(0);
	char		 err[256];
	json_object	*c;

	CU_ASSERT_EQUAL(jwt_keys_load(NULL, NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("none.key"), NULL, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("short.key"), NULL, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2048"));
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("rsa.key"), tpath("other.pub"),
	    err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not match"));
	/* No passphrase prompt: an encrypted key is refused. */
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("enc.key"), NULL, err,
	    sizeof(err)), -1);
	/* Barong's PKCS#1 PEM files. */
	CU_ASSERT(has_text(tpath("pkcs1.key"), "BEGIN RSA PRIVATE KEY"));
	CU_ASSERT(has_text(tpath("pkcs1.pub"), "BEGIN RSA PUBLIC KEY"));
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("pkcs1.key"), tpath("pkcs1.pub"),
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(jwt_keys_load(NULL, tpath("pkcs1.pub"), err,
	    sizeof(err)), 0);
	expect_ok(a, forge(a, RS, good(a), S_RSA), "confirmation");
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("pkcs1.key"), tpath("rsa.pub"),
	    err, sizeof(err)), 0);
	/* A public key is not a private key, and vice versa. */
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("rsa.pub"), NULL, err,
	    sizeof(err)), -1);
	/* A private key others may read is refused. */
	chmod(tpath("rsa.key"), 0644);
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("rsa.key"), NULL, err,
	    sizeof(err)), -1);
	chmod(tpath("rsa.key"), 0640);
	CU_ASSERT_EQUAL(jwt_keys_load(tpath("rsa.key"), tpath("rsa.pub"), err,
	    sizeof(err)), 0);
	chmod(tpath("rsa.key"), 0600);
	CU_ASSERT_STRING_EQUAL(jwt_alg(), "RS256");
	/* Verification only: tokens verify, nothing signs. */
	CU_ASSERT_EQUAL(jwt_keys_load(NULL, tpath("rsa.pub"), err,
	    sizeof(err)), 0);
	c = json_adopt(a, jwt_base_claims(time(NULL), 60, "reset"));
	CU_ASSERT_PTR_NULL(jwt_sign(a, c));
	expect_ok(a, forge(a, RS, good(a), S_RSA), "confirmation");
	load_rsa();
	/* Claims must be an object. */
	CU_ASSERT_PTR_NULL(jwt_sign(a, json_adopt(a,
	    json_object_new_array())));
	arena_free(a);
}

static void
test_sign_verify(void)
{
	struct arena	*a = arena_new(0);
	json_object	*c, *out = NULL, *v;
	const char	*tok, *r = NULL, *dot;
	unsigned char	*raw;
	size_t		 n;

	load_rsa();
	c = json_adopt(a, jwt_base_claims(time(NULL), 3600, "confirmation"));
	json_object_object_add(c, "email", json_object_new_string("a/b@x.io"));
	json_object_object_add(c, "uid", json_object_new_string("ID12"));
	tok = jwt_sign(a, c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(strncmp(tok, "eyJhbGciOiJSUzI1NiJ9.", 21), 0);
	/* The payload is the claims, compact, in order, '/' unescaped. */
	dot = strchr(tok + 21, '.');
	CU_ASSERT_EQUAL(crypto_b64_decode(a, tok + 21, (size_t)(dot - tok -
	    21), 1, &raw, &n), 0);
	CU_ASSERT_STRING_EQUAL((char *)raw, json_dump(a, c, NULL));
	CU_ASSERT_PTR_NOT_NULL(strstr((char *)raw, "\"email\":\"a/b@x.io\""));
	/* RSA-2048: 256 signature bytes, 342 base64url characters. */
	CU_ASSERT_EQUAL(strlen(dot + 1), 342);
	CU_ASSERT_EQUAL(jwt_verify(a, tok, "confirmation", &out, &r), 0);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT(json_object_object_get_ex(out, "uid", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "ID12");
	/* Without an expected subject any subject goes. */
	CU_ASSERT_EQUAL(jwt_verify(a, tok, NULL, NULL, NULL), 0);
	expect_word(a, tok, "reset", "confirmation");
	arena_free(a);
}

static void
test_word_segments(void)
{
	static const char *const bad[] = {
		"", "invalid token", "a.b", "a.b.c.d", "a..", "a.b.",
		"...", ".", "a.b.c.", NULL
	};
	struct arena	*a = arena_new(0);
	char		*tok;
	size_t		 i;

	load_rsa();
	for (i = 0; bad[i] != NULL; i++)
		expect_word(a, bad[i], "confirmation", "segments");
	expect_word(a, NULL, "confirmation", "segments");
	/* alg none with an empty signature: Ruby sees two segments. */
	tok = forge(a, "{\"alg\":\"none\"}", good(a), S_FAKE);
	tok[strlen(tok) - 4] = '\0';
	expect_word(a, tok, "confirmation", "segments");
	arena_free(a);
}

static void
test_word_encoding(void)
{
	struct arena	*a = arena_new(0);
	char		*tok, *p;

	load_rsa();
	expect_word(a, forge(a, "not json", good(a), S_RSA), "confirmation",
	    "encoding");
	expect_word(a, forge(a, "[\"RS256\"]", good(a), S_RSA), "confirmation",
	    "encoding");
	expect_word(a, forge(a, "\"RS256\"", good(a), S_RSA), "confirmation",
	    "encoding");
	expect_word(a, forge(a, "", good(a), S_RSA), "confirmation",
	    "encoding");
	expect_word(a, forge(a, RS "x", good(a), S_RSA), "confirmation",
	    "encoding");
	/* Not base64url. */
	expect_word(a, "e$J.eyJ.AAAA", "confirmation", "encoding");
	expect_word(a, "eyJhbGciOiJSUzI1NiJ9=.eyJ.AAAA", "confirmation",
	    "encoding");
	/* A payload that is not JSON, signed: checked after the signature. */
	expect_word(a, forge(a, RS, "not json", S_RSA), "confirmation",
	    "encoding");
	expect_word(a, forge(a, RS, "[1]", S_RSA), "confirmation", "encoding");
	expect_word(a, forge(a, RS, "", S_RSA), "confirmation", "encoding");
	/* Unsigned garbage payload: the signature fails first. */
	expect_word(a, forge(a, RS, "not json", S_OTHER), "confirmation",
	    "raised");
	tok = forge(a, RS, good(a), S_RSA);
	p = strchr(tok, '.') + 1;
	p[0] = '!';
	expect_word(a, tok, "confirmation", "raised");
	arena_free(a);
}

static void
test_word_algorithm(void)
{
	static const char *const hdrs[] = {
		"{\"alg\":\"none\"}", "{\"alg\":\"None\"}",
		"{\"alg\":\"HS256\"}", "{\"alg\":\"RS384\"}",
		"{\"alg\":\"RS512\"}", "{\"alg\":\"PS256\"}",
		"{\"alg\":\"ES256\"}", "{\"alg\":\"rs256\"}",
		"{\"alg\":\"RS\"}",
		"{\"alg\":\"RS2567\"}", "{\"alg\":\"\"}", "{\"alg\":null}",
		"{\"alg\":256}", "{\"alg\":[\"RS256\"]}", "{}",
		"{\"typ\":\"JWT\"}", "{\"alg\":\"RS256\\u0000\"}", NULL
	};
	struct arena	*a = arena_new(0);
	size_t		 i;

	load_rsa();
	for (i = 0; hdrs[i] != NULL; i++)
		expect_word(a, forge(a, hdrs[i], good(a), S_FAKE),
		    "confirmation", "algorithm");
	/* The classic confusion: HS256 keyed with our public key's PEM. */
	expect_word(a, forge(a, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good(a),
	    S_HS_PUBPEM), "confirmation", "algorithm");
	expect_word(a, forge(a, "{\"alg\":\"HS256\"}", good(a), S_HS_PUBPEM),
	    "confirmation", "algorithm");
	/* Right key, wrong label. */
	expect_word(a, forge(a, "{\"alg\":\"RS512\"}", good(a), S_RSA),
	    "confirmation", "algorithm");
	/* Other header fields do not matter; the last alg wins, as in Ruby. */
	expect_ok(a, forge(a, "{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":1}",
	    good(a), S_RSA), "confirmation");
	expect_ok(a, forge(a, "{\"alg\":\"none\",\"alg\":\"RS256\"}", good(a),
	    S_RSA), "confirmation");
	expect_word(a, forge(a, "{\"alg\":\"RS256\",\"alg\":\"none\"}", good(a),
	    S_RSA), "confirmation", "algorithm");
	arena_free(a);
}

static void
test_word_raised(void)
{
	struct arena	*a = arena_new(0);
	char		*tok, *t2;
	size_t		 n;

	load_rsa();
	expect_word(a, forge(a, RS, good(a), S_OTHER), "confirmation",
	    "raised");
	expect_word(a, forge(a, RS, good(a), S_FAKE), "confirmation",
	    "raised");
	expect_word(a, forge(a, RS, good(a), S_EC), "confirmation", "raised");
	/* Tampered payload, signature cut or not base64url. */
	tok = forge(a, RS, good(a), S_RSA);
	t2 = forge(a, RS, claims(a, num(a, now), num(a, now + 3600),
	    "\"confirmation\"", "\"barong\"", "[\"peatio\",\"barong\"]",
	    "\"0123456789abcdef0124\""), S_RSA);
	expect_word(a, arena_printf(a, "%.*s%s",
	    (int)(strchr(strchr(t2, '.') + 1, '.') - t2), t2,
	    strchr(strchr(tok, '.') + 1, '.')), "confirmation", "raised");
	n = strlen(tok);
	expect_word(a, arena_strndup(a, tok, n - 4), "confirmation", "raised");
	t2 = arena_strdup(a, tok);
	t2[n - 5] = '+';
	expect_word(a, t2, "confirmation", "raised");
	expect_word(a, arena_printf(a, "%s=", tok), "confirmation", "raised");
	arena_free(a);
}

static void
test_word_claims(void)
{
	struct arena	*a = arena_new(0);
	const char	*n0, *n1, *sub, *iss, *aud, *jti;

	load_rsa();
	n0 = num(a, now);
	n1 = num(a, now + 3600);
	sub = "\"confirmation\"";
	iss = "\"barong\"";
	aud = "[\"peatio\",\"barong\"]";
	jti = "\"0123456789abcdef0123\"";
#define W(i, e, s, is, au, j, word) expect_word(a, forge(a, RS,		\
	claims(a, i, e, s, is, au, j), S_RSA), "confirmation", word)
#define OK(i, e, s, is, au, j) expect_ok(a, forge(a, RS,		\
	claims(a, i, e, s, is, au, j), S_RSA), "confirmation")
	OK(n0, n1, sub, iss, aud, jti);
	/* exp */
	W(n0, num(a, now - 1), sub, iss, aud, jti, "expired");
	W(n0, num(a, now), sub, iss, aud, jti, "expired");
	W(n0, "\"abc\"", sub, iss, aud, jti, "expired");
	W(n0, "null", sub, iss, aud, jti, "expired");
	W(n0, "true", sub, iss, aud, jti, "expired");
	W(n0, "{}", sub, iss, aud, jti, "expired");
	OK(n0, arena_printf(a, "\"%lld\"", now + 600), sub, iss, aud, jti);
	OK(n0, arena_printf(a, "%lld.9", now + 600), sub, iss, aud, jti);
	OK(n0, NULL, sub, iss, aud, jti);	/* exp is optional */
	/* nbf (not in Barong's tokens, but checked when present) */
	expect_word(a, forge(a, RS, arena_printf(a, "{\"nbf\":%lld,%s",
	    now + 600, good(a) + 1), S_RSA), "confirmation", "reached");
	expect_ok(a, forge(a, RS, arena_printf(a, "{\"nbf\":%lld,%s", now,
	    good(a) + 1), S_RSA), "confirmation");
	/* iss: the word is what was received */
	W(n0, n1, sub, "\"evil\"", aud, jti, "evil");
	W(n0, n1, sub, NULL, aud, jti, "<none>");
	W(n0, n1, sub, "null", aud, jti, "<none>");
	W(n0, n1, sub, "false", aud, jti, "<none>");
	W(n0, n1, sub, "\"Barong\"", aud, jti, "Barong");
	W(n0, n1, sub, "\"not barong\"", aud, jti, "barong");
	W(n0, n1, sub, "\"barong \"", aud, jti, "barong");
	W(n0, n1, sub, "\"\"", aud, jti, "received");
	W(n0, n1, sub, "5", aud, jti, "5");
	W(n0, n1, sub, "1.5", aud, jti, "1.5");
	W(n0, n1, sub, "true", aud, jti, "true");
	W(n0, n1, sub, "[\"barong\"]", aud, jti, "[\"barong\"]");
	W(n0, n1, sub, "[\"a\",\"b\"]", aud, jti, "\"b\"]");
	W(n0, n1, sub, "{\"a\":null}", aud, jti, "{\"a\"=>nil}");
	/* A NUL in the word: not a C string, so never "" (fuzz_jwt). */
	W(n0, n1, sub, "\"a \\u0000b\"", aud, jti, "received");
	W(n0, n1, sub, "\"x\\u0000\"", aud, jti, "received");
	W(n0, n1, sub, "\"\\u0000 evil\"", aud, jti, "evil");
	/* iat */
	W(num(a, now + 600), n1, sub, iss, aud, jti, "iat");
	W("\"1\"", n1, sub, iss, aud, jti, "iat");
	W("null", n1, sub, iss, aud, jti, "iat");
	OK(num(a, now - 100), n1, sub, iss, aud, jti);
	OK(arena_printf(a, "%lld.5", now - 1), n1, sub, iss, aud, jti);
	OK(NULL, n1, sub, iss, aud, jti);	/* iat is optional */
	/* jti */
	W(n0, n1, sub, iss, aud, NULL, "jti");
	W(n0, n1, sub, iss, aud, "null", "jti");
	W(n0, n1, sub, iss, aud, "\"\"", "jti");
	W(n0, n1, sub, iss, aud, "\" \\t\\n\"", "jti");
	OK(n0, n1, sub, iss, aud, "5");
	OK(n0, n1, sub, iss, aud, "false");
	/* aud */
	W(n0, n1, sub, iss, NULL, jti, "<none>");
	W(n0, n1, sub, iss, "[\"x\"]", jti, "[\"x\"]");
	W(n0, n1, sub, iss, "[]", jti, "[]");
	W(n0, n1, sub, iss, "\"peatio barong\"", jti, "barong");
	OK(n0, n1, sub, iss, "\"barong\"", jti);
	OK(n0, n1, sub, iss, "[\"x\",\"peatio\"]", jti);
	/* sub: the word is the received subject */
	W(n0, n1, "\"reset\"", iss, aud, jti, "reset");
	W(n0, n1, "\"session\"", iss, aud, jti, "session");
	W(n0, n1, NULL, iss, aud, jti, "<none>");
	W(n0, n1, "null", iss, aud, jti, "<none>");
	W(n0, n1, "\"\"", iss, aud, jti, "received");
	/* Order: exp, nbf, iss, iat, jti, aud, sub. */
	W(num(a, now + 600), num(a, now - 1), "\"x\"", "\"evil\"", "[]", NULL,
	    "expired");
	W(num(a, now + 600), n1, "\"x\"", "\"evil\"", "[]", NULL, "evil");
	W(num(a, now + 600), n1, "\"x\"", iss, "[]", NULL, "iat");
	W(n0, n1, "\"x\"", iss, "[]", NULL, "jti");
	W(n0, n1, "\"x\"", iss, "[]", jti, "[]");
	W(n0, n1, "\"x\"", iss, aud, jti, "x");
	expect_word(a, forge(a, RS, arena_printf(a, "{\"nbf\":%lld,%s",
	    now + 600, claims(a, n0, n1, "\"x\"", "\"evil\"", aud, jti) + 1),
	    S_RSA), "confirmation", "reached");
#undef W
#undef OK
	arena_free(a);
}

static void
test_session_claims(void)
{
	struct arena	*a = arena_new(0);
	static const char *const keys[] = { "iat", "exp", "sub", "iss", "aud",
	    "jti", "uid", "email", "role", "level", "state", "referral_id",
	    "username", NULL };
	struct json_object_iterator	 it, end;
	json_object	*c, *v;
	const char	*s, *jti;
	long long	 ref = 42;
	size_t		 i = 0;
	char		*want;

	c = json_adopt(a, jwt_session_claims(1600000000, 3600, "ID0123456789",
	    "a@b.io", "member", 1, "active", NULL, NULL, 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	it = json_object_iter_begin(c);
	end = json_object_iter_end(c);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(keys[i]);
		CU_ASSERT_STRING_EQUAL(json_object_iter_peek_name(&it),
		    keys[i]);
		i++;
	}
	CU_ASSERT_PTR_NULL(keys[i]);
	CU_ASSERT(json_object_object_get_ex(c, "jti", &v));
	jti = json_object_get_string(v);
	CU_ASSERT_EQUAL(strlen(jti), 20);
	CU_ASSERT_EQUAL(strspn(jti, "0123456789abcdef"), 20);
	want = arena_printf(a, "{\"iat\":1600000000,\"exp\":1600003600,"
	    "\"sub\":\"session\",\"iss\":\"barong\",\"aud\":[\"peatio\","
	    "\"barong\"],\"jti\":\"%s\",\"uid\":\"ID0123456789\","
	    "\"email\":\"a@b.io\",\"role\":\"member\",\"level\":1,"
	    "\"state\":\"active\",\"referral_id\":null,\"username\":null}",
	    jti);
	CU_ASSERT_STRING_EQUAL(json_dump(a, c, NULL), want);
	/* Referrer and username. */
	c = json_adopt(a, jwt_session_claims(1600000000, 60, "ID1", "a@b.io",
	    "admin", 3, "active", &ref, "alice", 0));
	s = json_dump(a, c, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ",\"level\":3,\"state\":\"active\","
	    "\"referral_id\":42,\"username\":\"alice\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"exp\":1600000060,"));
	/* Service accounts stop at state. */
	c = json_adopt(a, jwt_session_claims(1600000000, 60, "SI0123456789",
	    "a+SI0123456789@b.io", "service_account", 1, "active", &ref,
	    "x", 1));
	s = json_dump(a, c, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ",\"uid\":\"SI0123456789\","
	    "\"email\":\"a+SI0123456789@b.io\",\"role\":\"service_account\","
	    "\"level\":1,\"state\":\"active\"}"));
	CU_ASSERT_EQUAL(json_object_object_length(c), 11);
	/* Two tokens never share a jti. */
	CU_ASSERT_STRING_NOT_EQUAL(jti, json_object_get_string(
	    json_object_object_get(json_adopt(a, jwt_base_claims(0, 0, "x")),
	    "jti")));
	arena_free(a);
}

static void
test_bearer(void)
{
	struct arena	*a = arena_new(0);
	json_object	*c, *out, *v;
	const char	*tok;

	load_rsa();
	c = json_adopt(a, jwt_session_claims(time(NULL), 3600, "ID1",
	    "a@b.io", "member", 1, "active", NULL, NULL, 0));
	tok = jwt_sign(a, c);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, &out), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT(json_object_object_get_ex(out, "uid", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "ID1");
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), 0);
	/* A confirmation token is not a session. */
	out = (json_object *)1;
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS, good(a), S_RSA),
	    &out), -1);
	CU_ASSERT_PTR_NULL(out);
	/* No uid; uid null is present (Barong's has_key?). */
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS, arena_printf(a,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"exp\":%lld}", now + 600),
	    S_RSA), NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS, arena_printf(a,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":null}"), S_RSA),
	    NULL), 0);
	/* exp optional, but when present in the future; jti required. */
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS, arena_printf(a,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\","
	    "\"exp\":%lld}", now - 1), S_RSA), NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS,
	    "{\"sub\":\"session\",\"uid\":\"ID1\"}", S_RSA), NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS, arena_printf(a,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\","
	    "\"iat\":%lld}", now + 600), S_RSA), NULL), -1);
	/* iss and aud are free unless configured. */
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\","
	    "\"iss\":\"x\",\"aud\":\"y\"}", S_RSA), NULL), 0);
	CU_ASSERT_EQUAL(jwt_set_expected("barong", "peatio,barong"), 0);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), 0);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\","
	    "\"iss\":\"x\",\"aud\":\"peatio\"}", S_RSA), NULL), -1);
	CU_ASSERT_EQUAL(jwt_set_expected(NULL, ",applogic,,"), 0);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, RS,
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\","
	    "\"aud\":[\"applogic\"]}", S_RSA), NULL), 0);
	CU_ASSERT_EQUAL(jwt_set_expected("other", NULL), 0);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), -1);
	CU_ASSERT_EQUAL(jwt_set_expected(NULL, NULL), 0);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), 0);
	/* Algorithm confusion is refused here too. */
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, "{\"alg\":\"HS256\"}",
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\"}",
	    S_HS_PUBPEM), NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, forge(a, "{\"alg\":\"none\"}",
	    "{\"sub\":\"session\",\"jti\":\"x\",\"uid\":\"ID1\"}", S_FAKE),
	    NULL), -1);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, NULL, NULL), -1);
	arena_free(a);
}

static void
test_bearer_header(void)
{
	struct arena	*a = arena_new(0);

	CU_ASSERT_STRING_EQUAL(jwt_bearer_token(a, "Bearer abc.def.ghi"),
	    "abc.def.ghi");
	CU_ASSERT_STRING_EQUAL(jwt_bearer_token(a, "  Bearer \t x  y"), "x");
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, "Bearer"));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, "Bearer   "));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, "bearer x"));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, "Bearerx y"));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, "Basic x"));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, ""));
	CU_ASSERT_PTR_NULL(jwt_bearer_token(a, NULL));
	arena_free(a);
}

static void
test_es256(void)
{
	struct arena	*a = arena_new(0);
	char		 err[256];
	json_object	*c;
	const char	*tok;

	CU_ASSERT_EQUAL_FATAL(jwt_keys_load(tpath("ec.key"), tpath("ec.pub"),
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(jwt_alg(), "ES256");
	c = json_adopt(a, jwt_session_claims(time(NULL), 60, "ID1", "a@b.io",
	    "member", 1, "active", NULL, NULL, 0));
	tok = jwt_sign(a, c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(strncmp(tok, "eyJhbGciOiJFUzI1NiJ9.", 21), 0);
	/* r || s: 64 bytes, 86 characters. */
	CU_ASSERT_EQUAL(strlen(strrchr(tok, '.') + 1), 86);
	CU_ASSERT_EQUAL(jwt_verify_bearer(a, tok, NULL), 0);
	expect_word(a, forge(a, RS, good(a), S_RSA), NULL, "algorithm");
	expect_word(a, forge(a, "{\"alg\":\"ES256\"}", good(a), S_FAKE), NULL,
	    "raised");
	expect_ok(a, forge(a, "{\"alg\":\"ES256\"}", good(a), S_EC), NULL);
	load_rsa();
	arena_free(a);
}

static int
run(const char *cmd)
{
	int	st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_interop(void)
{
	struct arena	*a = arena_new(0);
	libjwt_t	*j = NULL;
	json_object	*c;
	const char	*tok, *dot;
	unsigned char	*sig;
	size_t		 n;
	FILE		*f;
	int		 rc;

	load_rsa();
	c = json_adopt(a, jwt_session_claims(time(NULL), 3600, "ID1",
	    "a@b.io", "member", 1, "active", NULL, NULL, 0));
	tok = jwt_sign(a, c);
	/* libjwt checks the RS256 signature against the public key. */
	CU_ASSERT_EQUAL(jwt_decode(&j, tok, (unsigned char *)rsa_pub_pem,
	    (int)strlen(rsa_pub_pem)), 0);
	if (j != NULL) {
		CU_ASSERT_STRING_EQUAL(jwt_get_header(j, "alg"), "RS256");
		CU_ASSERT_STRING_EQUAL(jwt_get_grant(j, "sub"), "session");
		CU_ASSERT_STRING_EQUAL(jwt_get_grant(j, "uid"), "ID1");
		jwt_free(j);
	}
	/* And refuses it with the other key. */
	j = NULL;
	rc = jwt_decode(&j, forge(a, RS, good(a), S_OTHER),
	    (unsigned char *)rsa_pub_pem, (int)strlen(rsa_pub_pem));
	CU_ASSERT_NOT_EQUAL(rc, 0);
	jwt_free(j);
	/* The openssl command, when there is one. */
	dot = strrchr(tok, '.');
	CU_ASSERT_EQUAL(crypto_b64_decode(a, dot + 1, strlen(dot + 1), 1, &sig,
	    &n), 0);
	f = fopen(tpath("sig"), "w");
	fwrite(sig, 1, n, f);
	fclose(f);
	f = fopen(tpath("input"), "w");
	fwrite(tok, 1, (size_t)(dot - tok), f);
	fclose(f);
	rc = run(arena_printf(a, "openssl dgst -sha256 -verify %s -signature "
	    "%s %s >/dev/null 2>&1", tpath("rsa.pub"), tpath("sig"),
	    tpath("input")));
	if (rc == 127)
		printf("\n    (no openssl command; skipped)\n");
	else
		CU_ASSERT_EQUAL(rc, 0);
	arena_free(a);
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e6 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e3;
}

static void
test_cost(void)
{
	struct arena	*a = arena_new(0), *v = arena_new(0);
	struct timespec	 t0;
	json_object	*c;
	const char	*tok = NULL;
	int		 i, bad = 0;
	double		 us_sign, us_verify;

	load_rsa();
	c = json_adopt(a, jwt_session_claims(time(NULL), 3600, "ID1",
	    "a@b.io", "member", 1, "active", NULL, NULL, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 200; i++)
		if ((tok = jwt_sign(a, c)) == NULL)
			bad++;
	us_sign = elapsed(&t0) / 200;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 2000; i++) {
		if (jwt_verify_bearer(v, tok, NULL) != 0)
			bad++;
		if (i % 100 == 0)
			arena_reset(v);
	}
	us_verify = elapsed(&t0) / 2000;
	CU_ASSERT_EQUAL(bad, 0);
	printf("\n    RS256-2048: sign %.0f us, verify %.0f us\n", us_sign,
	    us_verify);
	arena_free(v);
	arena_free(a);
}

static void
test_cleanup(void)
{
	static const char *const names[] = { "rsa.key", "rsa.pub",
	    "other.key", "other.pub", "ec.key", "ec.pub", "short.key",
	    "short.pub", "pkcs1.key", "pkcs1.pub", "enc.key", "sig", "input",
	    NULL };
	size_t	i;

	for (i = 0; names[i] != NULL; i++)
		unlink(tpath(names[i]));
	CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
	jwt_keys_free();
	jwt_set_expected(NULL, NULL);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(other);
	EVP_PKEY_free(ec);
	free(rsa_pub_pem);
}

static const struct unit_test tests[] = {
	{ "key loading", test_keys },
	{ "sign and verify", test_sign_verify },
	{ "word: segments", test_word_segments },
	{ "word: encoding", test_word_encoding },
	{ "word: algorithm (none, HS256 with the public key)",
	    test_word_algorithm },
	{ "word: raised", test_word_raised },
	{ "words of the claims, and their order", test_word_claims },
	{ "session claims (authz.md 9)", test_session_claims },
	{ "bearer verification (user-api.md 1.6)", test_bearer },
	{ "bearer header", test_bearer_header },
	{ "ES256", test_es256 },
	{ "libjwt and openssl accept our tokens", test_interop },
	{ "cost", test_cost },
	{ "cleanup", test_cleanup },
	{ NULL, NULL }
};

int
main(void)
{
	if (setup() == -1) {
		fprintf(stderr, "test_jwt: could not make test keys\n");
		return 2;
	}
	now = (long long)time(NULL);
	return unit_run("jwt", tests);
}
