/*
 * Fuzz jwt_verify(), jwt_verify_bearer() and jwt_bearer_token().
 *
 * An RSA-2048 key pair is made once at start-up, written as PEM files to a
 * private directory under /tmp, loaded with jwt_keys_load() and the files
 * removed; bearer tokens must carry iss "barong" and aud "peatio".
 *
 * Input, two forms:
 *
 *	<token>			(up to a NUL) given as it is, and as the
 *				Authorization header "Bearer <token>"; the
 *				input itself is also tried as a header
 *	!<header>\n<payload>	both base64url-encoded and signed with the
 *				key, so the claim checks are reached
 *
 * Invariants for a token as given: never accepted (the fuzzer cannot sign
 * with the key, so any acceptance is a forgery); the reason is one of
 * segments, encoding, algorithm and raised, and "segments" exactly when the
 * token does not have three dot-separated parts with a non-empty last one.
 * For a token signed here: never refused as "segments" or "raised"; refused
 * as encoding or algorithm exactly when the header is not a JSON object
 * whose alg is "RS256"; when accepted, the claims are those signed, jti is
 * present and not blank, iss is "barong", aud names "peatio" or "barong",
 * sub is the expected one, exp is in the future, and a bearer token also
 * has sub "session" and a uid; any other reason is a single non-empty word
 * without white space, and one of the fixed words above only when iss, aud
 * or sub holds that text; the same token with one payload character
 * changed, or a changed or shortened signature, is refused as "raised"
 * (with a good header).  Claims are NULL
 * after a refusal.  jwt_bearer_token() returns NULL or a non-empty,
 * blank-free part of the header after "Bearer".  The arena is empty after
 * the reset.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arena.h"
#include "crypto.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "parse.h"

#define MAX_TOKEN	16384

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static EVP_PKEY		*key;
static struct arena	*a;

static void
write_pem(const char *path, int private)
{
	FILE	*f;

	CHECK((f = fopen(path, "w")) != NULL);
	if (private) {
		CHECK(chmod(path, 0600) == 0);
		CHECK(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
		    NULL) == 1);
	} else
		CHECK(PEM_write_PUBKEY(f, key) == 1);
	CHECK(fclose(f) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	dir[64], priv[96], pub[96], err[256];

	(void)argc;
	(void)argv;
	log_set_level((enum log_level)(LOG_LVL_ERR + 1));
	CHECK((key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) !=
	    NULL);
	snprintf(dir, sizeof(dir), "/tmp/fuzz_jwt.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(priv, sizeof(priv), "%s/key.pem", dir);
	snprintf(pub, sizeof(pub), "%s/pub.pem", dir);
	write_pem(priv, 1);
	write_pem(pub, 0);
	if (jwt_keys_load(priv, pub, err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_jwt: %s\n", err);
		abort();
	}
	unlink(priv);
	unlink(pub);
	rmdir(dir);
	CHECK(jwt_alg() != NULL && strcmp(jwt_alg(), "RS256") == 0);
	CHECK(jwt_set_expected("barong", "peatio") == 0);
	a = arena_new(0);
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/* Three dot-separated parts, the last non-empty (step 1). */
static int
three_parts(const char *t)
{
	size_t	dots = 0;
	const char *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '.')
			dots++;
	return dots == 2 && p > t && p[-1] != '.';
}

static void
check_word(const char *w)
{
	const char	*p;

	CHECK(w != NULL && w[0] != '\0');
	for (p = w; *p != '\0'; p++)
		CHECK(!is_blank((unsigned char)*p));
}

/* A token we did not sign: refused, for one of the early words. */
static void
check_foreign(const char *t)
{
	json_object	*claims = (json_object *)1;
	const char	*why = NULL;

	CHECK(jwt_verify(a, t, NULL, &claims, &why) == -1);
	CHECK(claims == NULL);
	CHECK(why != NULL);
	CHECK(strcmp(why, "segments") == 0 || strcmp(why, "encoding") == 0 ||
	    strcmp(why, "algorithm") == 0 || strcmp(why, "raised") == 0);
	CHECK((strcmp(why, "segments") == 0) == !three_parts(t));
	CHECK(jwt_verify(a, t, "session", NULL, NULL) == -1);
	claims = (json_object *)1;
	CHECK(jwt_verify_bearer(a, t, &claims) == -1);
	CHECK(claims == NULL);
}

static void
check_header(const char *h)
{
	const char	*t, *p;

	if ((t = jwt_bearer_token(a, h)) == NULL)
		return;
	CHECK(t[0] != '\0');
	for (p = t; *p != '\0'; p++)
		CHECK(!is_blank((unsigned char)*p));
	p = strstr(h, "Bearer");
	CHECK(p != NULL && strstr(p + 6, t) != NULL);
	check_foreign(t);
}

static char *
sign(const char *input)
{
	EVP_MD_CTX	*md;
	unsigned char	 sig[512];
	size_t		 siglen = sizeof(sig);

	CHECK((md = EVP_MD_CTX_new()) != NULL);
	CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1);
	CHECK(EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input,
	    strlen(input)) == 1);
	EVP_MD_CTX_free(md);
	return crypto_b64_encode(a, sig, siglen, 1);
}

/* Ruby's "#{v}" == want, for the plain cases the oracle accepts. */
static int
str_is(json_object *o, const char *name, const char *want)
{
	json_object	*v;

	return json_object_object_get_ex(o, name, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), want) == 0 &&
	    (size_t)json_object_get_string_len(v) == strlen(want);
}

static int
aud_names(json_object *o, const char *want1, const char *want2)
{
	json_object	*v, *e;
	size_t		 i, n;

	if (str_is(o, "aud", want1) || (want2 != NULL &&
	    str_is(o, "aud", want2)))
		return 1;
	if (!json_object_object_get_ex(o, "aud", &v) ||
	    !json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string) &&
		    (strcmp(json_object_get_string(e), want1) == 0 ||
		    (want2 != NULL &&
		    strcmp(json_object_get_string(e), want2) == 0)))
			return 1;
	}
	return 0;
}

/* What every accepted token's claims must satisfy (a partial oracle). */
static void
check_accepted(json_object *claims, json_object *payload, const char *sub,
    int bearer)
{
	json_object	*v;
	const char	*s;
	size_t		 i, n;

	CHECK(claims != NULL && payload != NULL);
	CHECK(json_object_equal(claims, payload));
	CHECK(json_object_object_get_ex(claims, "jti", &v) && v != NULL);
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		for (i = 0; i < n; i++)
			if (!is_blank((unsigned char)s[i]) && s[i] != '\0')
				break;
		CHECK(i < n);
	}
	CHECK(str_is(claims, "iss", "barong"));
	if (bearer)
		CHECK(aud_names(claims, "peatio", NULL));
	else
		CHECK(aud_names(claims, "peatio", "barong"));
	if (sub != NULL)
		CHECK(str_is(claims, "sub", sub));
	if (bearer)
		CHECK(json_object_object_get_ex(claims, "uid", NULL));
	if (json_object_object_get_ex(claims, "exp", &v) &&
	    json_object_is_type(v, json_type_int))
		CHECK(json_object_get_int64(v) > (int64_t)time(NULL));
}

/* Whether iss, aud or sub holds the text w (a claim's failure word). */
static int
claim_says(json_object *payload, const char *w)
{
	static const char *const names[] = { "iss", "aud", "sub" };
	json_object	*v;
	const char	*s;
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!json_object_object_get_ex(payload, names[i], &v) ||
		    v == NULL)
			continue;
		if (json_object_is_type(v, json_type_string))
			s = json_object_get_string(v);
		else
			s = json_object_to_json_string_ext(v,
			    JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE);
		if (s != NULL && strstr(s, w) != NULL)
			return 1;
	}
	return 0;
}

/* "!<header>\n<payload>": sign it, then verify every way. */
static void
signed_token(const char *s, size_t n)
{
	static const char *const subs[] = { NULL, "confirmation", "session" };
	const char	*nl, *hb, *pb, *why;
	char		*input, *tok, *bad;
	json_object	*hdr, *payload, *claims;
	size_t		 hlen, i, plen64;
	int		 rc, alg_ok;

	if ((nl = memchr(s, '\n', n)) == NULL)
		return;
	hlen = (size_t)(nl - s);
	hb = crypto_b64_encode(a, s, hlen, 1);
	pb = crypto_b64_encode(a, nl + 1, n - hlen - 1, 1);
	input = arena_printf(a, "%s.%s", hb, pb);
	tok = arena_printf(a, "%s.%s", input, sign(input));

	/* The oracle's reading of the header and payload. */
	hdr = parse_json_body(s, hlen);
	if (hdr != NULL)
		json_adopt(a, hdr);
	alg_ok = hdr != NULL && json_object_is_type(hdr, json_type_object) &&
	    str_is(hdr, "alg", "RS256");
	payload = parse_json_body(nl + 1, n - hlen - 1);
	if (payload != NULL)
		json_adopt(a, payload);

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		claims = (json_object *)1;
		why = NULL;
		rc = jwt_verify(a, tok, subs[i], &claims, &why);
		CHECK(rc == 0 || rc == -1);
		if (rc == 0) {
			CHECK(alg_ok);
			check_accepted(claims, payload, subs[i], 0);
			continue;
		}
		CHECK(claims == NULL);
		check_word(why);
		if (!alg_ok)
			CHECK(strcmp(why, "encoding") == 0 ||
			    strcmp(why, "algorithm") == 0);
		else if (payload == NULL ||
		    !json_object_is_type(payload, json_type_object))
			CHECK(strcmp(why, "encoding") == 0);
		else if (strcmp(why, "segments") == 0 ||
		    strcmp(why, "raised") == 0 ||
		    strcmp(why, "algorithm") == 0 ||
		    strcmp(why, "encoding") == 0 ||
		    strcmp(why, "available") == 0)
			/* Only a claim's own text can say that. */
			CHECK(claim_says(payload, why));
	}
	claims = (json_object *)1;
	rc = jwt_verify_bearer(a, tok, &claims);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		CHECK(alg_ok);
		check_accepted(claims, payload, "session", 1);
	} else
		CHECK(claims == NULL);

	if (!alg_ok)
		return;
	/* One payload character changed: the signature no longer holds. */
	plen64 = strlen(pb);
	if (plen64 > 0) {
		bad = arena_strdup(a, tok);
		i = strlen(hb) + 1 + (plen64 - 1) / 2;
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		why = NULL;
		CHECK(jwt_verify(a, bad, NULL, NULL, &why) == -1);
		CHECK(why != NULL && strcmp(why, "raised") == 0);
	}
	/* The signature's first character changed. */
	bad = arena_strdup(a, tok);
	i = strlen(input) + 1;
	bad[i] = bad[i] == 'A' ? 'B' : 'A';
	why = NULL;
	CHECK(jwt_verify(a, bad, NULL, NULL, &why) == -1);
	CHECK(why != NULL && strcmp(why, "raised") == 0);
	/* The signature cut short. */
	bad = arena_strdup(a, tok);
	bad[strlen(bad) - 4] = '\0';
	why = NULL;
	CHECK(jwt_verify(a, bad, NULL, NULL, &why) == -1);
	CHECK(why != NULL && strcmp(why, "raised") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		*t;
	size_t		 n;

	if (key == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > MAX_TOKEN)
		return 0;
	if (size > 0 && s[0] == '!')
		signed_token(s + 1, size - 1);
	else {
		n = strnlen(s, size);
		t = arena_strndup(a, s, n);
		check_foreign(t);
		check_header(t);
		check_header(arena_printf(a, "Bearer %s", t));
	}
	arena_reset(a);
	CHECK(arena_used(a) == 0);
	return 0;
}
