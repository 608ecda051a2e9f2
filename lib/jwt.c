/*
 * JSON Web Tokens: see jwt.h.
 *
 * Signing and verification use OpenSSL directly, not libjwt: libjwt 1.10
 * always writes "typ":"JWT" into the header (Barong's is exactly
 * {"alg":"RS256"}), takes the algorithm from the token it decodes, parses
 * the payload before checking the signature, answers EINVAL for every
 * failure (no failure words) and re-reads the PEM key on every call.
 *
 * Verification follows ruby-jwt 2.2 as Barong 2.7 calls it
 * (lib/barong/jwt.rb decode_and_verify; peatio-core's JWTAuthenticator for
 * bearer tokens), step by step, each failing step naming the last word of
 * ruby-jwt's message, which Barong answers as jwt.decode_and_verify.<word>:
 *
 *	1. exactly three dot-separated segments, the last non-empty	segments
 *	2. header: base64url, JSON object				encoding
 *	3. header "alg" equals the key's algorithm (RS256)	algorithm
 *	4. signature over "<header>.<payload>"				raised
 *	5. payload: base64url, JSON object				encoding
 *	6. exp, when present: exp.to_i > now				expired
 *	7. nbf, when present: nbf.to_i <= now				reached
 *	8. iss.to_s == expected iss	the received issuer, or <none>
 *	9. iat, when present: numeric and not after now			iat
 *	10. jti present and not blank					jti
 *	11. aud overlaps the expected list	the received aud, or <none>
 *	12. sub.to_s == expected sub	the received subject, or <none>
 *
 * Steps 6-12 run in that order because ruby-jwt walks its merged options
 * hash, whose verify_* keys come in DEFAULT_OPTIONS order.  For 8, 11 and
 * 12 the word is the last whitespace-separated word of "received <value>",
 * <value> being Ruby's interpolation of the claim ("<none>" for a missing,
 * null or false one), hence "received" itself for an empty string.
 * Deliberate differences, all stricter: base64 is decoded strictly (Ruby
 * skips stray characters), trailing dots after the signature are refused
 * (Ruby's split drops them), "alg" must equal the algorithm (ruby-jwt's
 * String#include? lets "RS" through to a 500), and a claim Ruby would crash
 * on (exp or nbf of a type without to_i) fails its check instead.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arena.h"
#include "buf.h"
#include "crypto.h"
#include "json.h"
#include "jwt.h"
#include "log.h"
#include "parse.h"

#define JWT_MAX_AUD	16
#define ES256_SIG_LEN	64
#define WORD_MAX	4096	/* longest rendering of a claim we build */

enum alg { ALG_UNSET, ALG_RS256, ALG_ES256 };

/* base64url of {"alg":"RS256"} and {"alg":"ES256"}, Barong's headers. */
#define HDR_RS256	"eyJhbGciOiJSUzI1NiJ9"
#define HDR_ES256	"eyJhbGciOiJFUzI1NiJ9"

static EVP_PKEY	*sign_key;	/* NULL: verification only */
static EVP_PKEY	*verify_key;
static enum alg	 key_alg;

/* Bearer checks configured by jwt_set_expected (JWT_ISSUER, JWT_AUDIENCE). */
static char	*bearer_iss;
static char	*bearer_aud[JWT_MAX_AUD + 1];

static const char *const barong_aud[] = { "peatio", "barong", NULL };

struct vopts {
	const char		*iss;	/* NULL: not checked */
	const char *const	*aud;	/* NULL-terminated; NULL: not checked */
	const char		*sub;	/* NULL: not checked */
};

/* ------------------------------------------------------------ keys */

static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static void
ossl_error(char *err, size_t errlen, const char *path, const char *what)
{
	char	msg[160];

	ERR_error_string_n(ERR_get_error(), msg, sizeof(msg));
	ERR_clear_error();
	snprintf(err, errlen, "%s: %s (%s)", path, what, msg);
}

static EVP_PKEY *
read_key(const char *path, int private, char *err, size_t errlen)
{
	OSSL_DECODER_CTX	*dctx;
	struct stat		 st;
	EVP_PKEY		*pk = NULL;
	BIO			*bio = NULL;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (private && (st.st_mode & 007) != 0) {
		snprintf(err, errlen, "%s: private key is accessible to "
		    "others (mode %04o)", path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if ((bio = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		close(fd);
		ossl_error(err, errlen, path, "could not read key");
		return NULL;
	}
	if (private) {
		pk = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	} else {
		/* SubjectPublicKeyInfo or PKCS#1 "RSA PUBLIC KEY". */
		dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "PEM", NULL, NULL,
		    EVP_PKEY_PUBLIC_KEY, NULL, NULL);
		if (dctx == NULL || OSSL_DECODER_from_bio(dctx, bio) != 1) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
		OSSL_DECODER_CTX_free(dctx);
	}
	BIO_free(bio);
	if (pk == NULL)
		ossl_error(err, errlen, path, private ?
		    "not an unencrypted PEM private key" :
		    "not a PEM public key");
	return pk;
}

/* The algorithm a key signs with, or ALG_UNSET (err set) if unusable. */
static enum alg
key_algorithm(EVP_PKEY *pk, const char *path, char *err, size_t errlen)
{
	char	group[64];

	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (EVP_PKEY_get_bits(pk) < 2048) {
			snprintf(err, errlen, "%s: RSA key shorter than 2048 "
			    "bits", path);
			return ALG_UNSET;
		}
		return ALG_RS256;
	}
	if (EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), NULL) == 1 &&
	    (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0))
		return ALG_ES256;
	snprintf(err, errlen, "%s: key is neither RSA nor EC P-256", path);
	return ALG_UNSET;
}

/*
 * Loads the signing key (PEM private key, RSA of 2048 bits or more for
 * RS256, or EC P-256 for ES256) and the verification key, kept for the
 * process and replacing earlier ones.  Either path may be NULL: without a
 * public key it is derived from the private one; without a private key the
 * process can verify but not sign.  A private key readable by others is
 * refused, and so is a public key that does not match the private one.
 * Returns 0, or -1 with a message in err.
 */
int
jwt_keys_load(const char *private_pem_path, const char *public_pem_path,
    char *err, size_t errlen)
{
	EVP_PKEY	*priv = NULL, *pub = NULL;
	enum alg	 alg;

	if (private_pem_path == NULL && public_pem_path == NULL) {
		snprintf(err, errlen, "no JWT key configured");
		return -1;
	}
	if (private_pem_path != NULL &&
	    (priv = read_key(private_pem_path, 1, err, errlen)) == NULL)
		return -1;
	if (public_pem_path != NULL &&
	    (pub = read_key(public_pem_path, 0, err, errlen)) == NULL)
		goto fail;
	if (priv != NULL && pub != NULL && EVP_PKEY_eq(priv, pub) != 1) {
		snprintf(err, errlen, "%s: public key does not match the "
		    "private key %s", public_pem_path, private_pem_path);
		goto fail;
	}
	alg = key_algorithm(pub != NULL ? pub : priv, pub != NULL ?
	    public_pem_path : private_pem_path, err, errlen);
	if (alg == ALG_UNSET)
		goto fail;
	if (pub == NULL) {
		EVP_PKEY_up_ref(priv);
		pub = priv;
	}
	jwt_keys_free();
	sign_key = priv;
	verify_key = pub;
	key_alg = alg;
	return 0;
fail:
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	return -1;
}

void
jwt_keys_free(void)
{
	EVP_PKEY_free(sign_key);
	EVP_PKEY_free(verify_key);
	sign_key = verify_key = NULL;
	key_alg = ALG_UNSET;
}

/* "RS256" or "ES256" after jwt_keys_load, else NULL. */
const char *
jwt_alg(void)
{
	switch (key_alg) {
	case ALG_RS256:
		return "RS256";
	case ALG_ES256:
		return "ES256";
	default:
		return NULL;
	}
}

/*
 * Issuer and audiences that bearer tokens must carry, as peatio-core's
 * JWT_ISSUER and JWT_AUDIENCE (a comma-separated list; empty items are
 * dropped).  NULL or "" turns a check off (peatio-core would then refuse
 * every token for an empty JWT_AUDIENCE).  Returns 0, or -1 out of memory.
 */
int
jwt_set_expected(const char *iss, const char *aud)
{
	const char	*p, *e;
	size_t		 n = 0, i;
	char		*niss = NULL, *naud[JWT_MAX_AUD + 1];

	memset(naud, 0, sizeof(naud));
	if (iss != NULL && *iss != '\0' && (niss = strdup(iss)) == NULL)
		return -1;
	for (p = aud; p != NULL && *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if (e == p)
			continue;
		if (n == JWT_MAX_AUD ||
		    (naud[n] = strndup(p, (size_t)(e - p))) == NULL) {
			free(niss);
			for (i = 0; i < n; i++)
				free(naud[i]);
			return -1;
		}
		n++;
	}
	free(bearer_iss);
	for (i = 0; bearer_aud[i] != NULL; i++)
		free(bearer_aud[i]);
	bearer_iss = niss;
	memcpy(bearer_aud, naud, sizeof(bearer_aud));
	return 0;
}

/* ------------------------------------------------------------ signing */

/* DER ECDSA signature to JWS's fixed r || s; -1 if malformed. */
static int
ecdsa_der_to_raw(const unsigned char *der, size_t len, unsigned char *raw)
{
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*sig;
	int			 rc = -1;

	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) == 32 &&
	    BN_bn2binpad(s, raw + 32, 32) == 32)
		rc = 0;
	ECDSA_SIG_free(sig);
	return rc;
}

/* JWS's r || s to DER in the arena; NULL if malformed. */
static unsigned char *
ecdsa_raw_to_der(struct arena *a, const unsigned char *raw, size_t len,
    size_t *derlen)
{
	ECDSA_SIG	*sig;
	BIGNUM		*r, *s;
	unsigned char	*der = NULL, *p;
	int		 n;

	if (len != ES256_SIG_LEN || (sig = ECDSA_SIG_new()) == NULL)
		return NULL;
	r = BN_bin2bn(raw, 32, NULL);
	s = BN_bin2bn(raw + 32, 32, NULL);
	if (r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return NULL;
	}
	if ((n = i2d_ECDSA_SIG(sig, NULL)) > 0) {
		der = p = arena_alloc(a, (size_t)n);
		if (i2d_ECDSA_SIG(sig, &p) != n)
			der = NULL;
		*derlen = (size_t)n;
	}
	ECDSA_SIG_free(sig);
	return der;
}

/*
 * Signs claims (a JSON object, serialised compact in insertion order) into
 * a compact JWS with the header {"alg":"RS256"} ({"alg":"ES256"} for an EC
 * key).  Returns the token in the arena, or NULL when no private key is
 * loaded, claims is not an object, or OpenSSL fails.
 */
char *
jwt_sign(struct arena *a, json_object *claims)
{
	EVP_MD_CTX	*md;
	const char	*payload;
	char		*input, *out = NULL;
	unsigned char	*sig, raw[ES256_SIG_LEN];
	size_t		 plen, siglen;

	if (sign_key == NULL || !json_object_is_type(claims, json_type_object))
		return NULL;
	payload = json_dump(a, claims, &plen);
	input = arena_printf(a, "%s.%s",
	    key_alg == ALG_ES256 ? HDR_ES256 : HDR_RS256,
	    crypto_b64_encode(a, payload, plen, 1));
	if ((md = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, sign_key) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	sig = arena_alloc(a, siglen);
	if (EVP_DigestSign(md, sig, &siglen, (unsigned char *)input,
	    strlen(input)) != 1)
		goto out;
	if (key_alg == ALG_ES256) {
		if (ecdsa_der_to_raw(sig, siglen, raw) == -1)
			goto out;
		sig = raw;
		siglen = sizeof(raw);
	}
	out = arena_printf(a, "%s.%s", input,
	    crypto_b64_encode(a, sig, siglen, 1));
out:
	if (out == NULL) {
		log_err("could not sign a JWT: %s",
		    ERR_reason_error_string(ERR_peek_error()) != NULL ?
		    ERR_reason_error_string(ERR_peek_error()) : "unknown");
		ERR_clear_error();
	}
	EVP_MD_CTX_free(md);
	return out;
}

/* ------------------------------------------------------------ claims */

/*
 * iat, exp, sub, iss "barong", aud ["peatio","barong"] and a jti of 20
 * random hex characters, in Barong's order (lib/barong/jwt.rb
 * merge_claims).  The caller owns the object and adds its own claims after
 * these; NULL if randomness fails.
 */
json_object *
jwt_base_claims(time_t now, long ttl, const char *sub)
{
	json_object	*o, *aud;
	char		 jti[21];

	if (crypto_random_hex(jti, 10) == -1)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "iat", json_object_new_int64(now));
	json_object_object_add(o, "exp", json_object_new_int64(now + ttl));
	json_object_object_add(o, "sub", json_new_string_or_null(sub));
	json_object_object_add(o, "iss", json_object_new_string("barong"));
	aud = json_object_new_array();
	json_object_array_add(aud, json_object_new_string("peatio"));
	json_object_array_add(aud, json_object_new_string("barong"));
	json_object_object_add(o, "aud", aud);
	json_object_object_add(o, "jti", json_object_new_string(jti));
	return o;
}

/*
 * The claims of the session JWT that barong-authorize hands upstream
 * (authz.md 9): the base claims with sub "session", then uid, email, role,
 * level, state and, for users only, referral_id (NULL: null) and username
 * (NULL: null).  The caller owns the object; NULL if randomness fails.
 */
json_object *
jwt_session_claims(time_t now, long ttl, const char *uid, const char *email,
    const char *role, long level, const char *state,
    const long long *referral_id, const char *username,
    int is_service_account)
{
	json_object	*o;

	if ((o = jwt_base_claims(now, ttl, "session")) == NULL)
		return NULL;
	json_object_object_add(o, "uid", json_new_string_or_null(uid));
	json_object_object_add(o, "email", json_new_string_or_null(email));
	json_object_object_add(o, "role", json_new_string_or_null(role));
	json_object_object_add(o, "level", json_object_new_int64(level));
	json_object_object_add(o, "state", json_new_string_or_null(state));
	if (!is_service_account) {
		json_object_object_add(o, "referral_id", referral_id == NULL ?
		    NULL : json_object_new_int64(*referral_id));
		json_object_object_add(o, "username",
		    json_new_string_or_null(username));
	}
	return o;
}

/* ------------------------------------------------------------ Ruby */

/* String#inspect for the characters where it matters (ASCII). */
static void
ruby_inspect_str(struct buf *b, const char *s, size_t n)
{
	size_t	i;
	int	c;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		switch (c) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\f':
			buf_puts(b, "\\f");
			break;
		case '\v':
			buf_puts(b, "\\v");
			break;
		case '\b':
			buf_puts(b, "\\b");
			break;
		case '\a':
			buf_puts(b, "\\a");
			break;
		case 033:
			buf_puts(b, "\\e");
			break;
		case '#':
			if (i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '$' ||
			    s[i + 1] == '@'))
				buf_putc(b, '\\');
			buf_putc(b, '#');
			break;
		default:
			/* XXX non-ASCII is copied; Ruby escapes a few. */
			if (c < 0x20 || c == 0x7f)
				buf_printf(b, "\\u%04X", c);
			else
				buf_putc(b, c);
		}
	}
	buf_putc(b, '"');
}

static void	ruby_to_s(struct buf *, json_object *, int inspect);

static void
ruby_number(struct buf *b, json_object *o)
{
	char	f[64];

	if (json_object_is_type(o, json_type_int))
		buf_printf(b, "%lld", (long long)json_object_get_int64(o));
	else if (json_format_ruby_float(json_object_get_double(o), f,
	    sizeof(f)) == 0)
		buf_puts(b, f);
	else
		buf_puts(b, "NaN");
}

/*
 * What "#{v}" (inspect == 0) or v.inspect (inspect == 1) prints in Ruby 2
 * for a value that came out of JSON.parse.
 */
static void
ruby_to_s(struct buf *b, json_object *o, int inspect)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;
	int				 first = 1;

	switch (json_object_get_type(o)) {
	case json_type_null:
		if (inspect)
			buf_puts(b, "nil");
		break;
	case json_type_boolean:
		buf_puts(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		ruby_number(b, o);
		break;
	case json_type_string:
		if (inspect)
			ruby_inspect_str(b, json_object_get_string(o),
			    (size_t)json_object_get_string_len(o));
		else
			buf_add(b, json_object_get_string(o),
			    (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		buf_putc(b, '[');
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_puts(b, ", ");
			ruby_to_s(b, json_object_array_get_idx(o, i), 1);
		}
		buf_putc(b, ']');
		break;
	case json_type_object:
		buf_putc(b, '{');
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			if (!first)
				buf_puts(b, ", ");
			first = 0;
			ruby_inspect_str(b, json_object_iter_peek_name(&it),
			    strlen(json_object_iter_peek_name(&it)));
			buf_puts(b, "=>");
			ruby_to_s(b, json_object_iter_peek_value(&it), 1);
		}
		buf_putc(b, '}');
		break;
	}
}

static int
ruby_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/*
 * The failure word for a claim check: the last whitespace-separated word of
 * "received #{claim || '<none>'}" (ruby-jwt's message, split by Barong).
 */
static const char *
claim_word(struct arena *a, json_object *payload, const char *name)
{
	struct buf	 b;
	json_object	*v = NULL;
	const char	*s, *e, *w;

	buf_init(&b, a, WORD_MAX);
	buf_puts(&b, "received ");
	if (!json_object_object_get_ex(payload, name, &v) || v == NULL ||
	    (json_object_is_type(v, json_type_boolean) &&
	    !json_object_get_boolean(v)))
		buf_puts(&b, "<none>");
	else
		ruby_to_s(&b, v, 0);
	if ((s = buf_cstr(&b)) == NULL)
		return "received";	/* XXX a huge claim; Ruby differs */
	e = s + b.len;
	while (e > s && ruby_space((unsigned char)e[-1]))
		e--;
	for (w = e; w > s && !ruby_space((unsigned char)w[-1]); w--)
		continue;
	/* XXX a NUL would cut the word short, to "" at worst; Ruby differs. */
	if (memchr(w, '\0', (size_t)(e - w)) != NULL)
		return "received";
	return arena_strndup(a, w, (size_t)(e - w));
}

/* Ruby's v.to_s == want. */
static int
to_s_eq(struct arena *a, json_object *v, const char *want)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b, a, WORD_MAX);
	ruby_to_s(&b, v, 0);
	if ((s = buf_cstr(&b)) == NULL)
		return 0;
	return b.len == strlen(want) && memcmp(s, want, b.len) == 0;
}

/*
 * Ruby's to_i for a claim: integers as they are, floats truncated (and
 * clamped), strings by their leading integer ("12abc" 12, "x" 0), null 0.
 * Returns -1 for booleans, arrays and objects, where Ruby raises.
 */
static int
ruby_to_i(json_object *v, long long *out)
{
	const char	*s;
	long long	 n = 0;
	double		 d;
	int		 neg = 0, digit = 0;

	*out = 0;
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_int:
		*out = (long long)json_object_get_int64(v);
		return 0;
	case json_type_double:
		d = json_object_get_double(v);
		if (isnan(d))
			return -1;
		*out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN :
		    (long long)d;
		return 0;
	case json_type_string:
		s = json_object_get_string(v);
		while (ruby_space((unsigned char)*s))
			s++;
		if (*s == '+' || *s == '-')
			neg = *s++ == '-';
		for (; *s != '\0'; s++) {
			if (*s == '_' && digit && s[1] >= '0' && s[1] <= '9')
				continue;
			if (*s < '0' || *s > '9')
				break;
			digit = 1;
			n = n > (INT64_MAX - 9) / 10 ? INT64_MAX :
			    n * 10 + (*s - '0');
		}
		*out = neg ? -n : n;
		return 0;
	default:
		return -1;
	}
}

/* Ruby's jti.to_s.strip.empty? */
static int
blank_jti(json_object *v)
{
	const char	*s;
	size_t		 i, n;

	if (v == NULL || json_object_is_type(v, json_type_null))
		return 1;
	if (!json_object_is_type(v, json_type_string))
		return 0;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	for (i = 0; i < n; i++)
		if (!ruby_space((unsigned char)s[i]) && s[i] != '\0')
			return 0;
	return 1;
}

/* ([*aud] & expected).empty? is false */
static int
aud_overlaps(json_object *v, const char *const *want)
{
	json_object	*e;
	size_t		 i, n;
	int		 k;

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		for (k = 0; want[k] != NULL; k++)
			if (strcmp(json_object_get_string(v), want[k]) == 0 &&
			    strlen(want[k]) ==
			    (size_t)json_object_get_string_len(v))
				return 1;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (e != NULL && json_object_is_type(e, json_type_string) &&
		    aud_overlaps(e, want))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ verifying */

static json_object *
decode_segment(struct arena *a, const char *s, size_t n)
{
	unsigned char	*raw;
	size_t		 len;
	json_object	*o;

	if (crypto_b64_decode(a, s, n, 1, &raw, &len) == -1 ||
	    (o = parse_json_body((const char *)raw, len)) == NULL)
		return NULL;
	json_adopt(a, o);
	return json_object_is_type(o, json_type_object) ? o : NULL;
}

static int
check_signature(struct arena *a, const char *input, size_t inlen,
    const char *sig64, size_t siglen64)
{
	EVP_MD_CTX	*md;
	unsigned char	*sig;
	size_t		 siglen;
	int		 ok;

	if (crypto_b64_decode(a, sig64, siglen64, 1, &sig, &siglen) == -1)
		return 0;
	if (key_alg == ALG_ES256 &&
	    (sig = ecdsa_raw_to_der(a, sig, siglen, &siglen)) == NULL)
		return 0;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return 0;
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
	    verify_key) == 1 && EVP_DigestVerify(md, sig, siglen,
	    (const unsigned char *)input, inlen) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

static double
now_real(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Steps 1-12 of the table at the top; 0 or -1 with *reason. */
static int
verify_token(struct arena *a, const char *token, const struct vopts *vo,
    json_object **claims_out, const char **reason)
{
	const char	*d1, *d2, *alg;
	json_object	*hdr, *payload, *v;
	long long	 t;
	time_t		 now;
	double		 iat;

	*claims_out = NULL;
	if (token == NULL || (d1 = strchr(token, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL ||
	    d2[1] == '\0') {
		*reason = "segments";
		return -1;
	}
	if ((hdr = decode_segment(a, token, (size_t)(d1 - token))) == NULL) {
		*reason = "encoding";
		return -1;
	}
	/* Pinned before any signature math: no none, no HS256 with our key. */
	if (!json_object_object_get_ex(hdr, "alg", &v) || v == NULL ||
	    !json_object_is_type(v, json_type_string) ||
	    (alg = jwt_alg()) == NULL || strcmp(json_object_get_string(v),
	    alg) != 0 || (size_t)json_object_get_string_len(v) != strlen(alg)) {
		*reason = jwt_alg() == NULL ? "available" : "algorithm";
		return -1;
	}
	if (!check_signature(a, token, (size_t)(d2 - token), d2 + 1,
	    strlen(d2 + 1))) {
		*reason = "raised";
		return -1;
	}
	if ((payload = decode_segment(a, d1 + 1, (size_t)(d2 - d1 - 1))) ==
	    NULL) {
		*reason = "encoding";
		return -1;
	}
	now = time(NULL);
	if (json_object_object_get_ex(payload, "exp", &v) &&
	    (ruby_to_i(v, &t) == -1 || t <= (long long)now)) {
		*reason = "expired";
		return -1;
	}
	if (json_object_object_get_ex(payload, "nbf", &v) &&
	    (ruby_to_i(v, &t) == -1 || t > (long long)now)) {
		*reason = "reached";
		return -1;
	}
	if (vo->iss != NULL) {
		if (!json_object_object_get_ex(payload, "iss", &v))
			v = NULL;
		if (!to_s_eq(a, v, vo->iss)) {
			*reason = claim_word(a, payload, "iss");
			return -1;
		}
	}
	if (json_object_object_get_ex(payload, "iat", &v)) {
		if (v == NULL || !(json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double))) {
			*reason = "iat";
			return -1;
		}
		iat = json_object_is_type(v, json_type_int) ?
		    (double)json_object_get_int64(v) :
		    json_object_get_double(v);
		if (iat > now_real()) {
			*reason = "iat";
			return -1;
		}
	}
	if (!json_object_object_get_ex(payload, "jti", &v) || blank_jti(v)) {
		*reason = "jti";
		return -1;
	}
	if (vo->aud != NULL &&
	    (!json_object_object_get_ex(payload, "aud", &v) ||
	    !aud_overlaps(v, vo->aud))) {
		*reason = claim_word(a, payload, "aud");
		return -1;
	}
	if (vo->sub != NULL) {
		if (!json_object_object_get_ex(payload, "sub", &v))
			v = NULL;
		if (!to_s_eq(a, v, vo->sub)) {
			*reason = claim_word(a, payload, "sub");
			return -1;
		}
	}
	*claims_out = payload;
	return 0;
}

/*
 * Decodes and verifies a token Barong issued (confirmation and reset
 * tokens, user-api.md 6.3) as Barong::JWT#decode_and_verify does: RS256
 * signature, exp, nbf, iss "barong", iat, jti, aud overlapping
 * ["peatio","barong"], and sub equal to expect_sub unless that is NULL.
 * Returns 0 with the claims in *claims_out (owned by the arena; may be
 * NULL), or -1 with *reason (may be NULL) set to the failure word for
 * jwt.decode_and_verify.<word>: segments, encoding, algorithm, raised,
 * expired, reached, the received issuer or <none>, iat, jti, the received
 * audience or <none>, the received subject or <none>.  The word lives in
 * the arena or is static.
 */
int
jwt_verify(struct arena *a, const char *token, const char *expect_sub,
    json_object **claims_out, const char **reason)
{
	struct vopts	 vo = { "barong", barong_aud, expect_sub };
	json_object	*claims;
	const char	*why = NULL;
	int		 rc;

	rc = verify_token(a, token, &vo, &claims, &why);
	if (claims_out != NULL)
		*claims_out = claims;
	if (reason != NULL)
		*reason = why;
	return rc;
}

/*
 * Verifies the Bearer JWT of a resource or admin request (user-api.md
 * 1.6) as peatio-core's JWTAuthenticator does: the checks of jwt_verify
 * with iss and aud only as set by jwt_set_expected, sub "session", and a
 * "uid" key in the payload.  Returns 0 with the claims (owned by the
 * arena) in *claims_out (may be NULL), or -1: the caller answers 401
 * jwt.decode_and_verify.  The reason goes to the debug log.
 */
int
jwt_verify_bearer(struct arena *a, const char *token,
    json_object **claims_out)
{
	struct vopts	 vo = { bearer_iss,
	    bearer_aud[0] != NULL ? (const char *const *)bearer_aud : NULL,
	    "session" };
	json_object	*claims;
	const char	*why = NULL;

	if (claims_out != NULL)
		*claims_out = NULL;
	if (verify_token(a, token, &vo, &claims, &why) == -1) {
		log_debug("bearer JWT refused: %s", why);
		return -1;
	}
	if (!json_object_object_get_ex(claims, "uid", NULL)) {
		log_debug("bearer JWT refused: no uid");
		return -1;
	}
	if (claims_out != NULL)
		*claims_out = claims;
	return 0;
}

/*
 * The token of an Authorization header as peatio-core splits it: the
 * header's whitespace-separated words, the first exactly "Bearer", the
 * second the token (further words ignored).  Returns an arena copy of the
 * token, or NULL.
 */
const char *
jwt_bearer_token(struct arena *a, const char *h)
{
	const char	*w, *e;

	if (h == NULL)
		return NULL;
	while (ruby_space((unsigned char)*h))
		h++;
	if (strncmp(h, "Bearer", 6) != 0 || !(ruby_space((unsigned char)h[6])))
		return NULL;
	for (w = h + 6; ruby_space((unsigned char)*w); w++)
		continue;
	for (e = w; *e != '\0' && !ruby_space((unsigned char)*e); e++)
		continue;
	if (e == w)
		return NULL;
	return arena_strndup(a, w, (size_t)(e - w));
}
