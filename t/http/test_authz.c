/*
 * The authorize step through the web server (authz.md), black-box: every
 * rule and refusal of authz.md §10 with its status and body, as a client
 * of the gateway sees them.  t/http/run runs it once through lighttpd
 * (FastCGI authorizer role) and once through nginx (auth_request, responder
 * role); $BARONG_HTTPD says which.
 *
 * Behind the gateway, /api/v2/<service>/ is t/http/upstream, which echoes
 * the method, the path and the JWT it was handed; the JWT is verified here
 * with the stack's public key ($BARONG_JWT_PUBLIC_KEY, RS256) and every
 * claim checked.  Users, API keys, permissions and restrictions are written
 * straight into the database ($BARONG_DB); sessions come from the identity
 * API.  Everything this program adds is removed at the end, so that the
 * other test programs find the stack as fresh as they expect (the first
 * sign-up is the superadmin).
 *
 * GeoIP: t/stack builds a MaxMind DB (203.0.113.0/24 Japan, Asia;
 * 198.51.100.0/24 United Kingdom, Europe; 192.0.2.0/24 France, Europe),
 * and X-Forwarded-For from the trusted loopback peer picks the client
 * address.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "apikey.h"
#include "arena.h"
#include "crypto.h"
#include "htest.h"

#define P	"/api/v2/peatio"
#define ID	"/api/v2/barong/identity"
#define FORM	"application/x-www-form-urlencoded"
#define DOMAIN	"authz.test"
#define PW	"Chah6ahr-ei2J"
#define OTHER_UA	"curl/8.0 (another browser)"
#define POLL_MS	1000		/* changes in the database apply within */

/* A user of these tests, made in the database. */
struct who {
	const char	*name;		/* local part of the e-mail */
	const char	*role;
	int		 level;
	int		 otp;
	const char	*state;
	const char	*username;	/* NULL: none */
	struct who	*referrer;	/* NULL: none */
	const char	*xff;		/* X-Forwarded-For, NULL: none */
	long long	 id;
	char		 uid[16];
	char		 email[64];
	char		 cookie[128];	/* "" until logged in */
	char		 csrf[64];
};

static struct who bob = { "bob", "member", 1, 0, "active", NULL, NULL,
	NULL, 0, "", "", "", "" };
static struct who alice = { "alice", "member", 2, 0, "active",
	"alice_authz", &bob, NULL, 0, "", "", "", "" };
static struct who carol = { "carol", "member", 1, 0, "active", NULL, NULL,
	NULL, 0, "", "", "", "" };
static struct who frank = { "frank", "member", 1, 0, "active", NULL, NULL,
	"198.51.100.7", 0, "", "", "", "" };
static struct who root = { "root", "superadmin", 3, 0, "active", NULL,
	NULL, NULL, 0, "", "", "", "" };
static struct who dave = { "dave", "member", 2, 1, "active", "dave_keys",
	NULL, NULL, 0, "", "", "", "" };
static struct who erin = { "erin", "member", 2, 0, "active", NULL, NULL,
	NULL, 0, "", "", "", "" };
static struct who gina = { "gina", "member", 2, 1, "banned", NULL, NULL,
	NULL, 0, "", "", "", "" };
static struct who *everyone[] = { &bob, &alice, &carol, &frank, &root,
	&dave, &erin, &gina, NULL };

static struct arena	*A;
static EVP_PKEY		*pubkey;
static const char	*server;	/* lighttpd, nginx */
static const char	*jwt_from;	/* where the upstream finds the JWT */
static long		 cache_ttl = 300;	/* jwt_cache_ttl default */

/* ------------------------------------------------------------ helpers */

static const char *
jstr(json_object *o, const char *k)
{
	json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) || v == NULL)
		return "";
	return json_object_get_string(v);
}

static int
jnull(json_object *o, const char *k)
{
	json_object	*v;

	return o != NULL && json_object_object_get_ex(o, k, &v) && v == NULL;
}

/* The value of KEY = VALUE in the stack's barong.conf, or NULL. */
static const char *
conf_value(const char *key)
{
	const char	*path = getenv("BARONG_CONFIG");
	char		 line[1024], *p, *e;
	size_t		 n = strlen(key);
	FILE		*f;
	const char	*out = NULL;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return NULL;
	while (out == NULL && fgets(line, sizeof(line), f) != NULL) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (strncmp(p, key, n) != 0 || (p[n] != ' ' && p[n] != '='))
			continue;
		if ((p = strchr(p, '=')) == NULL)
			continue;
		for (p++; *p == ' '; p++)
			;
		e = p + strcspn(p, "\r\n");
		while (e > p && e[-1] == ' ')
			e--;
		out = arena_strndup(A, p, (size_t)(e - p));
	}
	fclose(f);
	return out;
}

/*
 * A request as user w (cookie, X-Forwarded-For) with csrf as X-CSRF-Token
 * (NULL: none) and more headers, NULL-terminated.
 */
static void
send_as(struct ht_resp *r, const struct who *w, const char *method,
    const char *path, const char *csrf, ...)
{
	const char	*h[16];
	const char	*x;
	va_list		 ap;
	int		 n = 0;

	if (w != NULL && w->cookie[0] != '\0')
		h[n++] = arena_printf(A, "Cookie: _barong_session=%s",
		    w->cookie);
	if (w != NULL && w->xff != NULL)
		h[n++] = arena_printf(A, "X-Forwarded-For: %s", w->xff);
	if (csrf != NULL)
		h[n++] = arena_printf(A, "X-CSRF-Token: %s", csrf);
	va_start(ap, csrf);
	while ((x = va_arg(ap, const char *)) != NULL && n < 15)
		h[n++] = x;
	va_end(ap);
	h[n] = NULL;
	if (ht_request(method, path, NULL, NULL, 0, h, r) == -1)
		r->status = -1;
}

/* A refusal: exactly this status and {"errors":["<code>"]}. */
static void
refused(const char *name, struct ht_resp *r, long status, const char *code)
{
	const char	*want = arena_printf(A, "{\"errors\":[\"%s\"]}", code);

	ht_check(r->status == status && strcmp(r->body, want) == 0, name,
	    "[%s] got %ld %.300s, want %ld %s", server, r->status, r->body,
	    status, want);
}

/*
 * The upstream answered this method and path: its JSON (to put), or NULL.
 * with_jwt: whether it must have been handed a JWT.
 */
static json_object *
reached(const char *name, struct ht_resp *r, const char *method,
    const char *path, int with_jwt)
{
	json_object	*o = NULL;

	if (r->status == 200)
		o = json_tokener_parse(r->body);
	ht_check(o != NULL && strcmp(jstr(o, "method"), method) == 0 &&
	    strcmp(jstr(o, "path"), path) == 0, name,
	    "[%s] upstream not reached as %s %s: %ld %.300s", server, method,
	    path, r->status, r->body);
	if (o == NULL)
		return NULL;
	if (with_jwt)
		ht_check(strcmp(jstr(o, "jwt_from"), jwt_from) == 0 &&
		    strlen(jstr(o, "jwt")) > 20, name,
		    "[%s] no JWT from %s: %.300s", server, jwt_from, r->body);
	else
		ht_check(jnull(o, "jwt"), name, "[%s] a JWT on a pass rule: "
		    "%.300s", server, r->body);
	/* The client's own Authorization header never gets through. */
	ht_check(jnull(o, "client_authorization"), name,
	    "[%s] the client's Authorization reached the upstream: %.300s",
	    server, r->body);
	return o;
}

/*
 * Poll: repeat the request until it gets status and body (NULL: any), for
 * up to POLL_MS.  Returns 1 when it did; the last response is in *r.
 */
static int
poll_for(struct ht_resp *r, const struct who *w, const char *method,
    const char *path, const char *csrf, const char *hdr, long status,
    const char *body)
{
	int	waited;

	for (waited = 0;; waited += 50) {
		send_as(r, w, method, path, csrf, hdr, (const char *)NULL);
		if (r->status == status && (body == NULL ||
		    strcmp(r->body, body) == 0))
			return 1;
		if (waited >= POLL_MS)
			return 0;
		ht_resp_free(r);
		usleep(50 * 1000);
	}
}

/* An error body. */
static const char *
errbody(const char *code)
{
	return arena_printf(A, "{\"errors\":[\"%s\"]}", code);
}

/* SQL with n text parameters (NULL: SQL NULL); see ht_sql. */
static const char *
sql(const char *q, int n, ...)
{
	const char	*p[12];
	va_list		 ap;
	int		 i;

	if (n > 12)
		abort();
	va_start(ap, n);
	for (i = 0; i < n; i++)
		p[i] = va_arg(ap, const char *);
	va_end(ap);
	return ht_sql(q, p, n);
}

static const char *
lld(long long v)
{
	return arena_printf(A, "%lld", v);
}

/* Rows this program inserted, by table, to delete at the end. */
static char	restr_ids[2048] = "0";
static char	perm_ids[512] = "0";

static const char *
restriction_add(const char *category, const char *scope, const char *value,
    const char *code)
{
	const char	*id;
	size_t		 n = strlen(restr_ids);

	id = sql("INSERT INTO restrictions (category, scope, value, code,"
	    " state) VALUES ($1, $2, $3, $4::integer, 'enabled') RETURNING id",
	    4, category, scope, value, code);
	snprintf(restr_ids + n, sizeof(restr_ids) - n, ",%s", id);
	return id;
}

static void
restriction_del(const char *id)
{
	sql("DELETE FROM restrictions WHERE id = $1::bigint", 1, id);
}

static void
cleanup(void)
{
	const char	*like = "%@" DOMAIN;

	sql("DELETE FROM restrictions WHERE id = ANY"
	    " (string_to_array($1, ',')::bigint[])", 1, restr_ids);
	sql("DELETE FROM permissions WHERE id = ANY"
	    " (string_to_array($1, ',')::bigint[])", 1, perm_ids);
	/* Sessions, labels and API keys go with the users. */
	sql("DELETE FROM activities WHERE user_id IN"
	    " (SELECT id FROM users WHERE email LIKE $1)", 1, like);
	sql("DELETE FROM outbox WHERE user_id IN"
	    " (SELECT id FROM users WHERE email LIKE $1)", 1, like);
	sql("DELETE FROM users WHERE email LIKE $1", 1, like);
	sql("DELETE FROM login_failures WHERE key LIKE $1", 1, "%" DOMAIN);
}

/* ------------------------------------------------------------- users */

static void
make_user(struct who *w, const char *digest)
{
	char		 hex[11];
	const char	*id;
	size_t		 i;

	crypto_random_hex(hex, 5);
	for (i = 0; hex[i] != '\0'; i++)
		hex[i] = (char)toupper((unsigned char)hex[i]);
	snprintf(w->uid, sizeof(w->uid), "ID%s", hex);
	snprintf(w->email, sizeof(w->email), "%s@%s", w->name, DOMAIN);
	id = sql("INSERT INTO users (uid, username, email, password_digest,"
	    " role, level, otp, state, referral_id) VALUES ($1, $2, $3, $4,"
	    " $5, $6::integer, $7::boolean, $8, $9::bigint) RETURNING id", 9,
	    w->uid, w->username, w->email, digest, w->role,
	    arena_printf(A, "%d", w->level), w->otp ? "true" : "false",
	    w->state, w->referrer ? lld(w->referrer->id) : NULL);
	w->id = strtoll(id, NULL, 10);
}

/* Log w in through identity: the cookie and the CSRF token. */
static int
login(struct who *w)
{
	struct ht_resp	 r;
	json_object	*o = NULL;
	char		*e = curl_easy_escape(NULL, w->email, 0), *c;
	const char	*body, *h[2] = { NULL, NULL };

	body = arena_printf(A, "email=%s&password=%s", e, PW);
	curl_free(e);
	if (w->xff != NULL)
		h[0] = arena_printf(A, "X-Forwarded-For: %s", w->xff);
	if (ht_request("POST", ID "/sessions", FORM, body, strlen(body), h,
	    &r) == -1)
		r.status = -1;
	if (r.status == 200)
		o = json_tokener_parse(r.body);
	c = ht_set_cookie(&r, "_barong_session");
	ht_check(r.status == 200 && c != NULL && o != NULL &&
	    strlen(jstr(o, "csrf_token")) == 20, "login",
	    "[%s] %s: %ld %.300s", server, w->email, r.status, r.body);
	snprintf(w->cookie, sizeof(w->cookie), "%s", c ? c : "");
	snprintf(w->csrf, sizeof(w->csrf), "%s", jstr(o, "csrf_token"));
	free(c);
	json_object_put(o);
	ht_resp_free(&r);
	return w->cookie[0] != '\0' ? 0 : -1;
}

/* ---------------------------------------------------------------- JWT */

static int
b64url(const char *s, size_t n, unsigned char **out, size_t *len)
{
	return crypto_b64_decode(A, s, n, 1, out, len);
}

/*
 * Verify tok (RS256, the stack's public key) and check every claim for w
 * (authz.md §9): 0 when all hold.
 */
static int
check_jwt(const char *name, const char *tok, const struct who *w)
{
	const char	*d1, *d2;
	unsigned char	*hdr = NULL, *pay = NULL, *sig = NULL;
	size_t		 hl, pl, sl;
	EVP_MD_CTX	*ctx;
	json_object	*c = NULL, *v, *aud;
	long long	 iat, exp, now = (long long)time(NULL);
	int		 ok, nkeys = 0;
	const char	*jti;

	if ((d1 = strchr(tok, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL ||
	    b64url(tok, (size_t)(d1 - tok), &hdr, &hl) == -1 ||
	    b64url(d1 + 1, (size_t)(d2 - d1 - 1), &pay, &pl) == -1 ||
	    b64url(d2 + 1, strlen(d2 + 1), &sig, &sl) == -1) {
		ht_check(0, name, "[%s] not a compact JWS: %s", server, tok);
		return -1;
	}
	ht_check(strcmp((char *)hdr, "{\"alg\":\"RS256\"}") == 0, name,
	    "[%s] JWT header %s, want {\"alg\":\"RS256\"}", server, hdr);
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && pubkey != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pubkey) == 1 &&
	    EVP_DigestVerify(ctx, sig, sl, (const unsigned char *)tok,
	    (size_t)(d2 - tok)) == 1;
	EVP_MD_CTX_free(ctx);
	ht_check(ok, name, "[%s] JWT signature does not verify with %s",
	    server, getenv("BARONG_JWT_PUBLIC_KEY"));
	if ((c = json_tokener_parse((char *)pay)) == NULL) {
		ht_check(0, name, "[%s] JWT payload not JSON: %s", server, pay);
		return -1;
	}
	json_object_object_foreach(c, k, unused) {
		(void)k;
		(void)unused;
		nkeys++;
	}
	iat = json_object_object_get_ex(c, "iat", &v) &&
	    json_object_is_type(v, json_type_int) ? json_object_get_int64(v) :
	    -1;
	exp = json_object_object_get_ex(c, "exp", &v) &&
	    json_object_is_type(v, json_type_int) ? json_object_get_int64(v) :
	    -1;
	/* A token may be reused for jwt_cache_ttl seconds (DESIGN.md). */
	ht_check(iat <= now + 5 && iat >= now - cache_ttl - 5, name,
	    "[%s] iat %lld, now %lld", server, iat, now);
	ht_check(exp == iat + 3600, name, "[%s] exp %lld, iat %lld", server,
	    exp, iat);
	ht_check(strcmp(jstr(c, "sub"), "session") == 0 &&
	    strcmp(jstr(c, "iss"), "barong") == 0, name,
	    "[%s] sub/iss: %s", server, pay);
	aud = json_object_object_get_ex(c, "aud", &v) ? v : NULL;
	ht_check(aud != NULL && json_object_is_type(aud, json_type_array) &&
	    json_object_array_length(aud) == 2 &&
	    strcmp(json_object_get_string(json_object_array_get_idx(aud, 0)),
	    "peatio") == 0 &&
	    strcmp(json_object_get_string(json_object_array_get_idx(aud, 1)),
	    "barong") == 0, name, "[%s] aud: %s", server, pay);
	jti = jstr(c, "jti");
	ht_check(strlen(jti) == 20 && strspn(jti, "0123456789abcdef") == 20,
	    name, "[%s] jti %s", server, jti);
	ht_check(strcmp(jstr(c, "uid"), w->uid) == 0 &&
	    strcmp(jstr(c, "email"), w->email) == 0 &&
	    strcmp(jstr(c, "role"), w->role) == 0 &&
	    strcmp(jstr(c, "state"), w->state) == 0, name,
	    "[%s] subject claims of %s: %s", server, w->uid, pay);
	ht_check(json_object_object_get_ex(c, "level", &v) &&
	    json_object_is_type(v, json_type_int) &&
	    json_object_get_int(v) == w->level, name, "[%s] level: %s",
	    server, pay);
	if (w->referrer != NULL)
		ht_check(json_object_object_get_ex(c, "referral_id", &v) &&
		    json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) == w->referrer->id, name,
		    "[%s] referral_id %lld: %s", server, w->referrer->id, pay);
	else
		ht_check(jnull(c, "referral_id"), name,
		    "[%s] referral_id not null: %s", server, pay);
	if (w->username != NULL)
		ht_check(strcmp(jstr(c, "username"), w->username) == 0, name,
		    "[%s] username: %s", server, pay);
	else
		ht_check(jnull(c, "username"), name,
		    "[%s] username not null: %s", server, pay);
	ht_check(nkeys == 13, name, "[%s] %d claims, want 13: %s", server,
	    nkeys, pay);
	json_object_put(c);
	return 0;
}

/* The upstream was reached with a valid JWT for w. */
static void
reached_as(const char *name, struct ht_resp *r, const char *method,
    const char *path, const struct who *w)
{
	json_object	*o = reached(name, r, method, path, 1);

	if (o != NULL && strlen(jstr(o, "jwt")) > 20)
		check_jwt(name, jstr(o, "jwt"), w);
	json_object_put(o);
}

/* ------------------------------------------------------------- tests */

/* authz.md §2: pass and block rules, no credentials. */
static void
test_rules(void)
{
	struct ht_resp	 r;

	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "Authorization: Bearer forged.by.client", (const char *)NULL);
	json_object_put(reached("pass rule", &r, "GET", P "/public/markets",
	    0));
	ht_resp_free(&r);
	/* Prefixes, no segment boundary: api/v2/peatio/public matches. */
	send_as(&r, NULL, "POST", P "/publicity", NULL, (const char *)NULL);
	json_object_put(reached("pass rule prefix", &r, "POST",
	    P "/publicity", 0));
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", ID "/ping", NULL, (const char *)NULL);
	ht_check(r.status == 200 && strcmp(r.body, "{\"ping\":\"pong\"}") == 0,
	    "identity passes", "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);

	send_as(&r, NULL, "GET", P "/management/deposits", NULL,
	    (const char *)NULL);
	refused("block rule peatio", &r, 401, "authz.permission_denied");
	ht_resp_free(&r);
	send_as(&r, NULL, "POST", "/api/v2/barong/management/users/get", NULL,
	    (const char *)NULL);
	refused("block rule barong", &r, 401, "authz.permission_denied");
	ht_resp_free(&r);

	send_as(&r, NULL, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	refused("no cookie", &r, 401, "authz.invalid_session");
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/account/balances", NULL,
	    "Cookie: _barong_session=0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef", (const char *)NULL);
	refused("unknown cookie", &r, 401, "authz.invalid_session");
	ht_resp_free(&r);
	send_as(&r, NULL, "DELETE", P "/market/orders/1", NULL,
	    (const char *)NULL);
	refused("no cookie, no csrf", &r, 401, "authz.missing_csrf_token");
	ht_resp_free(&r);
	/* Without a session the CSRF check fails first (§3.2 #2). */
	send_as(&r, NULL, "POST", P "/market/orders", "0123456789abcdef0123",
	    (const char *)NULL);
	refused("no cookie, csrf", &r, 401, "authz.csrf_token_mismatch");
	ht_resp_free(&r);

	/* Paths are decoded before rules apply. */
	send_as(&r, NULL, "GET", P "/public/..%2Fmanagement/x", NULL,
	    (const char *)NULL);
	ht_check(r.status == 401 || r.status == 400 || r.status == 404, "dot"
	    " segments", "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
}

/* A session: the JWT handed upstream, CSRF (authz.md §3.2, §9). */
static void
test_session(void)
{
	struct ht_resp	 r;

	if (login(&alice) == -1)
		return;
	send_as(&r, &alice, "GET", P "/account/balances?currency=btc", NULL,
	    "Authorization: Bearer forged.by.client", (const char *)NULL);
	reached_as("session GET", &r, "GET", P "/account/balances", &alice);
	ht_check(strstr(r.body, "\"query\":\"currency=btc\"") != NULL,
	    "query kept", "[%s] %.300s", server, r.body);
	ht_resp_free(&r);
	send_as(&r, &alice, "HEAD", P "/account/balances", NULL,
	    (const char *)NULL);
	ht_check(r.status == 200, "session HEAD", "[%s] %ld", server,
	    r.status);
	ht_resp_free(&r);

	send_as(&r, &alice, "POST", P "/market/orders", NULL,
	    (const char *)NULL);
	refused("POST without csrf", &r, 401, "authz.missing_csrf_token");
	ht_resp_free(&r);
	send_as(&r, &alice, "POST", P "/market/orders", "0123456789abcdef0123",
	    (const char *)NULL);
	refused("POST wrong csrf", &r, 401, "authz.csrf_token_mismatch");
	ht_resp_free(&r);
	send_as(&r, &alice, "PUT", P "/market/orders/1", alice.csrf,
	    (const char *)NULL);
	reached_as("PUT right csrf", &r, "PUT", P "/market/orders/1", &alice);
	ht_resp_free(&r);
	send_as(&r, &alice, "DELETE", P "/market/orders/1", "",
	    (const char *)NULL);
	ht_check(r.status == 401, "DELETE empty csrf", "[%s] %ld %s", server,
	    r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, &alice, "PATCH", P "/market/orders/1", alice.csrf,
	    (const char *)NULL);
	reached_as("PATCH right csrf", &r, "PATCH", P "/market/orders/1",
	    &alice);
	ht_resp_free(&r);
	send_as(&r, &alice, "POST", P "/market/orders", alice.csrf,
	    (const char *)NULL);
	reached_as("POST right csrf", &r, "POST", P "/market/orders", &alice);
	ht_resp_free(&r);
}

/* Session binding: user agent and /16 (authz.md §3.2 #5). */
static void
test_binding(void)
{
	struct ht_resp	 r;
	struct who	 f;

	if (login(&bob) == -1)
		return;
	send_as(&r, &bob, "GET", P "/account/balances", NULL,
	    "User-Agent: " OTHER_UA, (const char *)NULL);
	refused("agent changed", &r, 401, "authz.client_session_mismatch");
	ht_resp_free(&r);
	send_as(&r, &bob, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	refused("session ended", &r, 401, "authz.invalid_session");
	ht_resp_free(&r);

	/* Logged in from 198.51.100.7: 198.51.x.x is the same network. */
	if (login(&frank) == -1)
		return;
	f = frank;
	f.xff = "198.51.22.9";
	send_as(&r, &f, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	reached_as("same /16", &r, "GET", P "/account/balances", &frank);
	ht_resp_free(&r);
	f.xff = "203.0.113.5";
	send_as(&r, &f, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	refused("other network", &r, 401, "authz.client_session_mismatch");
	ht_resp_free(&r);
	send_as(&r, &frank, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	refused("other network ended it", &r, 401, "authz.invalid_session");
	ht_resp_free(&r);
}

/*
 * A ban written straight into the database (outside Barong) reaches the
 * authorize step by NOTIFY barong_subjects (sql/015): within POLL_MS.
 */
static void
test_banned(void)
{
	struct ht_resp	 r;

	if (login(&carol) == -1)
		return;
	send_as(&r, &carol, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	ht_check(r.status == 200, "before the ban", "[%s] %ld %s", server,
	    r.status, r.body);
	ht_resp_free(&r);
	sql("UPDATE users SET state = 'banned' WHERE id = $1::bigint", 1,
	    lld(carol.id));
	ht_check(poll_for(&r, &carol, "GET", P "/account/balances", NULL, NULL,
	    401, errbody("authz.user_not_active")), "banned in the database",
	    "[%s] %ld %s", server, r.status, r.body);
	ht_resp_free(&r);
	sql("UPDATE users SET state = 'pending' WHERE id = $1::bigint", 1,
	    lld(carol.id));
	ht_check(poll_for(&r, &carol, "GET", P "/account/balances", NULL, NULL,
	    200, NULL), "pending passes", "[%s] %ld %s", server, r.status,
	    r.body);
	ht_resp_free(&r);
}

/*
 * A logout through Barong ends the session for the very next request,
 * although barong-authorize holds the session in memory by then (two
 * requests before it): the identity process bumps the shared counter
 * before it answers (lib/shared.h).  The trigger that sends NOTIFY
 * barong_subjects is off meanwhile, so that only the counter can tell.
 * No polling; 20 rounds, so that a race would show.
 */
static void
test_logout_race(void)
{
	struct ht_resp	 r;
	int		 i, early = 0, late = 0;

	sql("ALTER TABLE sessions DISABLE TRIGGER sessions_subjects_notify", 0);
	for (i = 0; i < 20; i++) {
		if (login(&carol) == -1)
			return;
		send_as(&r, &carol, "GET", P "/account/balances", NULL,
		    (const char *)NULL);
		early += r.status != 200;
		ht_resp_free(&r);
		send_as(&r, &carol, "GET", P "/account/balances", NULL,
		    (const char *)NULL);
		early += r.status != 200;
		ht_resp_free(&r);
		send_as(&r, &carol, "DELETE", ID "/sessions", carol.csrf,
		    (const char *)NULL);
		early += r.status != 200;
		ht_resp_free(&r);
		send_as(&r, &carol, "GET", P "/account/balances", NULL,
		    (const char *)NULL);
		late += r.status != 401 ||
		    strcmp(r.body, errbody("authz.invalid_session")) != 0;
		ht_resp_free(&r);
	}
	sql("ALTER TABLE sessions ENABLE TRIGGER sessions_subjects_notify", 0);
	ht_check(early == 0, "logout rounds", "[%s] %d requests before the "
	    "refusal failed", server, early);
	ht_check(late == 0, "logout ends the cached session at once",
	    "[%s] %d of 20 requests right after a logout got through", server,
	    late);
}

/*
 * The admin activity rows of w with this result, topic and action, polled
 * for up to POLL_MS until there are want of them.
 */
static int
activities(const struct who *w, const char *result, const char *topic,
    const char *action, int want)
{
	const char	*n = "";
	int		 waited;

	for (waited = 0; waited <= POLL_MS; waited += 50) {
		n = sql("SELECT count(*) FROM activities WHERE user_id ="
		    " $1::bigint AND category = 'admin' AND result = $2 AND"
		    " topic = $3 AND action = $4", 4, lld(w->id), result, topic,
		    action);
		if (atoi(n) >= want)
			break;
		usleep(50 * 1000);
	}
	return atoi(n);
}

/* RBAC (authz.md §7, §8). */
static void
test_rbac(void)
{
	struct ht_resp	 r;
	const char	*path;
	int		 n;

	path = arena_printf(A, "/api/v2/barong/admin/users?uid=%s", bob.uid);
	send_as(&r, &alice, "GET", path, NULL, (const char *)NULL);
	refused("member on admin", &r, 401, "authz.invalid_permission");
	ht_resp_free(&r);
	ht_check(activities(&alice, "denied", "users", "read", 1) == 1,
	    "denial logged", "[%s]", server);
	usleep(200 * 1000);
	n = atoi(sql("SELECT count(*) FROM activities WHERE user_id ="
	    " $1::bigint AND category = 'admin' AND result = 'denied' AND"
	    " topic = 'users' AND action = 'read' AND target_uid = $2", 2,
	    lld(alice.id), bob.uid));
	ht_check(n == 1, "denial logged once, with its target", "[%s] %d rows",
	    server, n);
	send_as(&r, &alice, "GET", P "/admin/members", NULL,
	    (const char *)NULL);
	refused("member on peatio admin", &r, 401, "authz.invalid_permission");
	ht_resp_free(&r);
	ht_check(activities(&alice, "denied", "members", "read", 1) == 1,
	    "peatio denial logged", "[%s]", server);
	/* GET only for ranger. */
	send_as(&r, &alice, "POST", "/api/v2/ranger/x", alice.csrf,
	    (const char *)NULL);
	refused("member POST ranger", &r, 401, "authz.invalid_permission");
	ht_resp_free(&r);
	send_as(&r, &alice, "GET", "/api/v2/ranger/x", NULL,
	    (const char *)NULL);
	reached_as("member GET ranger", &r, "GET", "/api/v2/ranger/x", &alice);
	ht_resp_free(&r);

	/* The superadmin: everything, POST audited (topic null: general). */
	if (login(&root) == -1)
		return;
	send_as(&r, &root, "POST", P "/market/orders", root.csrf,
	    (const char *)NULL);
	reached_as("superadmin POST", &r, "POST", P "/market/orders", &root);
	ht_resp_free(&r);
	ht_check(activities(&root, "succeed", "general", "create", 1) ==
	    1, "AUDIT row", "[%s] no admin activity 'succeed' for the POST",
	    server);
	send_as(&r, &root, "GET", P "/market/orders", NULL,
	    (const char *)NULL);
	reached_as("superadmin GET", &r, "GET", P "/market/orders", &root);
	ht_resp_free(&r);
	ht_check(activities(&root, "succeed", "general", "read", 0) == 0,
	    "GET not audited", "[%s]", server);
}

/* A permission row added or removed applies within a second. */
static void
test_permission_change(void)
{
	struct ht_resp	 r;
	const char	*id;
	size_t		 n;

	id = sql("INSERT INTO permissions (role, verb, path, action) VALUES"
	    " ('member', 'ALL', 'api/v2/peatio/account/balances', 'DROP')"
	    " RETURNING id", 0);
	n = strlen(perm_ids);
	snprintf(perm_ids + n, sizeof(perm_ids) - n, ",%s", id);
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    401, errbody("authz.invalid_permission")), "DROP applies",
	    "[%s] after %d ms: %ld %.200s", server, POLL_MS, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, &alice, "GET", P "/account/history", NULL,
	    (const char *)NULL);
	ht_check(r.status == 200, "DROP is narrow", "[%s] %ld %s", server,
	    r.status, r.body);
	ht_resp_free(&r);
	sql("DELETE FROM permissions WHERE id = $1::bigint", 1, id);
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    200, NULL), "DROP removed", "[%s] after %d ms: %ld %.200s", server,
	    POLL_MS, r.status, r.body);
	ht_resp_free(&r);
}

/* Restrictions (authz.md §5), each applying within a second. */
static void
test_restrictions(void)
{
	struct ht_resp	 r;
	const char	*bl, *mt, *wl, *xff;

	/* blacklist, ip */
	bl = restriction_add("blacklist", "ip", "127.0.0.1", "433");
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    433, errbody("authz.restrict.blacklist")), "blacklist ip",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    (const char *)NULL);
	refused("blacklist before pass rules", &r, 433,
	    "authz.restrict.blacklist");
	ht_resp_free(&r);
	send_as(&r, NULL, "POST", ID "/users/access", NULL,
	    (const char *)NULL);
	ht_check(r.status == 422 && strstr(r.body, "whitelink_token") != NULL,
	    "whitelink path exempt", "[%s] %ld %.200s", server, r.status,
	    r.body);
	ht_resp_free(&r);
	restriction_del(bl);
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    200, NULL), "blacklist lifted", "[%s] %ld %.200s", server,
	    r.status, r.body);
	ht_resp_free(&r);

	/* maintenance, all; a whitelist stops the evaluation */
	mt = restriction_add("maintenance", "all", "authz-test", "471");
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    471, errbody("authz.restrict.maintenance")), "maintenance",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "POST", ID "/sessions", NULL, (const char *)NULL);
	refused("maintenance on login", &r, 471, "authz.restrict.maintenance");
	ht_resp_free(&r);
	wl = restriction_add("whitelist", "ip", "127.0.0.1", "401");
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    200, NULL), "whitelist first", "[%s] %ld %.200s", server, r.status,
	    r.body);
	ht_resp_free(&r);
	xff = "X-Forwarded-For: 198.51.100.9";
	send_as(&r, NULL, "GET", P "/public/markets", NULL, xff,
	    (const char *)NULL);
	refused("whitelist is per address", &r, 471,
	    "authz.restrict.maintenance");
	ht_resp_free(&r);
	restriction_del(wl);
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    471, errbody("authz.restrict.maintenance")), "whitelist removed",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	restriction_del(mt);
	ht_check(poll_for(&r, &alice, "GET", P "/account/balances", NULL, NULL,
	    200, NULL), "maintenance over", "[%s] %ld %.200s", server,
	    r.status, r.body);
	ht_resp_free(&r);

	/* blocklogin: the sessions path only, any method */
	bl = restriction_add("blocklogin", "all", "authz-test", "401");
	ht_check(poll_for(&r, NULL, "POST", ID "/sessions", NULL, NULL, 401,
	    errbody("authz.restrict.blocklogin")), "blocklogin",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, &alice, "DELETE", ID "/sessions", NULL,
	    (const char *)NULL);
	refused("blocklogin on logout", &r, 401, "authz.restrict.blocklogin");
	ht_resp_free(&r);
	send_as(&r, &alice, "GET", P "/account/balances", NULL,
	    (const char *)NULL);
	ht_check(r.status == 200, "blocklogin elsewhere", "[%s] %ld %.200s",
	    server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", ID "/ping", NULL, (const char *)NULL);
	ht_check(r.status == 200, "blocklogin on other identity paths",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	restriction_del(bl);
	ht_check(poll_for(&r, NULL, "POST", ID "/sessions", NULL, NULL, 422,
	    NULL), "blocklogin lifted", "[%s] %ld %.200s", server, r.status,
	    r.body);
	ht_resp_free(&r);

	/* GeoIP: country and continent names, any case; ip_subnet */
	bl = restriction_add("blacklist", "country", "japan", "423");
	ht_check(poll_for(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 203.0.113.9", 423,
	    errbody("authz.restrict.blacklist")), "country",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 198.51.100.9", (const char *)NULL);
	ht_check(r.status == 200, "other country", "[%s] %ld %.200s", server,
	    r.status, r.body);
	ht_resp_free(&r);
	/* The rightmost untrusted entry is the client; proxies skipped. */
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 198.51.100.9, 203.0.113.9, 10.1.2.3",
	    (const char *)NULL);
	refused("forwarded chain", &r, 423, "authz.restrict.blacklist");
	ht_resp_free(&r);
	restriction_del(bl);
	bl = restriction_add("blacklist", "continent", "Europe", "436");
	ht_check(poll_for(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 192.0.2.9", 436,
	    errbody("authz.restrict.blacklist")), "continent",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 203.0.113.9", (const char *)NULL);
	ht_check(r.status == 200, "other continent", "[%s] %ld %.200s",
	    server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 100.64.0.1", (const char *)NULL);
	ht_check(r.status == 200, "unknown to GeoIP", "[%s] %ld %.200s",
	    server, r.status, r.body);
	ht_resp_free(&r);
	restriction_del(bl);
	bl = restriction_add("blacklist", "ip_subnet", "198.51.100.0/24",
	    "403");
	ht_check(poll_for(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 198.51.100.77", 403,
	    errbody("authz.restrict.blacklist")), "ip_subnet",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 198.51.101.77", (const char *)NULL);
	ht_check(r.status == 200, "outside the subnet", "[%s] %ld %.200s",
	    server, r.status, r.body);
	ht_resp_free(&r);
	restriction_del(bl);
	ht_check(poll_for(&r, NULL, "GET", P "/public/markets", NULL,
	    "X-Forwarded-For: 198.51.100.77", 200, NULL), "subnet lifted",
	    "[%s] %ld %.200s", server, r.status, r.body);
	ht_resp_free(&r);
}

/* ------------------------------------------------------------ API keys */

struct key {
	char	kid[17];
	char	secret[33];
};

static void
make_key(struct key *k, const struct who *w, const char *state)
{
	char	*sealed;

	crypto_random_hex(k->kid, 8);
	crypto_random_hex(k->secret, 16);
	if ((sealed = apikey_seal_secret(A, k->kid, k->secret)) == NULL) {
		ht_check(0, "seal", "apikey_seal_secret failed (keyring?)");
		return;
	}
	sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm, secret_encrypted, state)"
	    " VALUES ($1::bigint, 'User', $2, 'HS256', $3, $4)", 4, lld(w->id),
	    k->kid, sealed, state);
}

/* The three X-Auth-* headers for kid, nonce and a signature by secret. */
static void
key_headers(const char **h, const char *kid, const char *nonce,
    const char *secret)
{
	char	sig[65], *msg = arena_printf(A, "%s%s", nonce, kid);

	crypto_hmac_sha256_hex(secret, strlen(secret), msg, strlen(msg), sig);
	h[0] = arena_printf(A, "X-Auth-Apikey: %s", kid);
	h[1] = arena_printf(A, "X-Auth-Nonce: %s", nonce);
	h[2] = arena_printf(A, "X-Auth-Signature: %s", sig);
}

static const char *
now_ms(long long offset)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return arena_printf(A, "%lld", (long long)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000 + offset);
}

static void
signed_get(struct ht_resp *r, const char *path, const char *kid,
    const char *nonce, const char *secret)
{
	const char	*h[3];

	key_headers(h, kid, nonce, secret);
	send_as(r, NULL, "GET", path, NULL, h[0], h[1], h[2],
	    (const char *)NULL);
}

static void
test_apikeys(void)
{
	struct ht_resp	 r;
	struct key	 good, off, no2fa, banned;
	const char	*h[3], *n;
	char		 upper[128];
	size_t		 i;

	make_key(&good, &dave, "active");
	make_key(&off, &dave, "inactive");
	make_key(&no2fa, &erin, "active");
	make_key(&banned, &gina, "active");

	n = now_ms(0);
	signed_get(&r, P "/account/balances", good.kid, n, good.secret);
	reached_as("API key", &r, "GET", P "/account/balances", &dave);
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, n, good.secret);
	refused("replay", &r, 401, "authz.nonce_reused");
	ht_resp_free(&r);
	/* A POST needs no CSRF token with a key. */
	key_headers(h, good.kid, now_ms(1), good.secret);
	send_as(&r, NULL, "POST", P "/market/orders", NULL, h[0], h[1], h[2],
	    (const char *)NULL);
	reached_as("API key POST", &r, "POST", P "/market/orders", &dave);
	ht_resp_free(&r);

	key_headers(h, good.kid, now_ms(2), good.secret);
	send_as(&r, NULL, "GET", P "/account/balances", NULL, h[0],
	    (const char *)NULL);
	refused("kid alone", &r, 422, "authz.invalid_api_key_headers");
	ht_resp_free(&r);
	send_as(&r, NULL, "GET", P "/account/balances", NULL, h[0],
	    "X-Auth-Nonce;", h[2], (const char *)NULL);
	refused("blank nonce", &r, 422, "authz.invalid_api_key_headers");
	ht_resp_free(&r);
	send_as(&r, &alice, "GET", P "/account/balances", NULL, h[2],
	    (const char *)NULL);
	refused("signature beside a cookie", &r, 422,
	    "authz.invalid_api_key_headers");
	ht_resp_free(&r);

	signed_get(&r, P "/account/balances", "0000000000000000", now_ms(0),
	    good.secret);
	refused("unknown kid", &r, 401, "authz.unexistent_apikey");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, "abc", good.secret);
	refused("nonce not a number", &r, 401,
	    "authz.nonce_not_valid_timestamp");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, "-5", good.secret);
	refused("nonce negative", &r, 401, "authz.nonce_not_valid_timestamp");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, now_ms(-60000),
	    good.secret);
	refused("nonce old", &r, 401, "authz.nonce_expired");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, now_ms(60000),
	    good.secret);
	refused("nonce ahead", &r, 401, "authz.nonce_expired");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", good.kid, now_ms(3),
	    no2fa.secret);
	refused("wrong secret", &r, 401, "authz.invalid_signature");
	ht_resp_free(&r);
	key_headers(h, good.kid, now_ms(4), good.secret);
	snprintf(upper, sizeof(upper), "%s", h[2]);
	for (i = strlen("X-Auth-Signature: "); upper[i] != '\0'; i++)
		upper[i] = (char)toupper((unsigned char)upper[i]);
	send_as(&r, NULL, "GET", P "/account/balances", NULL, h[0], h[1],
	    upper, (const char *)NULL);
	refused("upper-case signature", &r, 401, "authz.invalid_signature");
	ht_resp_free(&r);

	signed_get(&r, P "/account/balances", off.kid, now_ms(0), off.secret);
	refused("key inactive", &r, 401, "authz.apikey_not_active");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", banned.kid, now_ms(0),
	    banned.secret);
	refused("holder banned", &r, 401, "authz.invalid_session");
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", no2fa.kid, now_ms(0),
	    no2fa.secret);
	refused("holder without 2FA", &r, 401, "authz.disabled_2fa");
	ht_resp_free(&r);
	signed_get(&r, "/api/v2/barong/admin/users", good.kid, now_ms(5),
	    good.secret);
	refused("key on admin", &r, 401, "authz.invalid_permission");
	ht_resp_free(&r);
	ht_check(activities(&dave, "denied", "users", "read", 1) == 1,
	    "key denial logged", "[%s]", server);
}

/*
 * An API key held in memory stops working with the very next request
 * after an operator's ban through barongctl (another process, no NOTIFY:
 * the triggers are off meanwhile), which makes the holder's keys
 * inactive.  Last of the key tests: dave stays banned until cleanup().
 */
static void
test_apikey_change(void)
{
	struct ht_resp	 r;
	struct key	 k;
	char		 cmd[1024];
	int		 rc;

	if (getenv("top_builddir") == NULL || getenv("BARONG_CONFIG") == NULL) {
		ht_check(0, "barongctl environment", "no top_builddir");
		return;
	}
	make_key(&k, &dave, "active");
	signed_get(&r, P "/account/balances", k.kid, now_ms(0), k.secret);
	reached_as("key before the ban", &r, "GET", P "/account/balances",
	    &dave);
	ht_resp_free(&r);
	signed_get(&r, P "/account/balances", k.kid, now_ms(1), k.secret);
	reached_as("key held in memory", &r, "GET", P "/account/balances",
	    &dave);
	ht_resp_free(&r);
	sql("ALTER TABLE users DISABLE TRIGGER users_subjects_notify", 0);
	sql("ALTER TABLE apikeys DISABLE TRIGGER apikeys_subjects_notify", 0);
	snprintf(cmd, sizeof(cmd), "%s/tools/barongctl -c %s user set --uid %s"
	    " --state banned >/dev/null 2>&1", getenv("top_builddir"),
	    getenv("BARONG_CONFIG"), dave.uid);
	rc = system(cmd);
	ht_check(rc == 0, "barongctl user set --state banned", "exit %d", rc);
	signed_get(&r, P "/account/balances", k.kid, now_ms(2), k.secret);
	refused("key of a holder banned a moment ago", &r, 401,
	    "authz.apikey_not_active");
	ht_resp_free(&r);
	sql("ALTER TABLE users ENABLE TRIGGER users_subjects_notify", 0);
	sql("ALTER TABLE apikeys ENABLE TRIGGER apikeys_subjects_notify", 0);
}

int
main(void)
{
	const char	*keyfile, *mk, *ttl;
	char		 digest[CRYPTO_BCRYPT_MAX], err[256];
	FILE		*f;
	struct who	**w;

	setvbuf(stdout, NULL, _IONBF, 0);
	ht_init();
	A = arena_new(64 * 1024);
	server = getenv("BARONG_HTTPD") ? getenv("BARONG_HTTPD") : "lighttpd";
	jwt_from = strcmp(server, "nginx") == 0 ? "Authorization" :
	    "BARONG_AUTHORIZATION";
	keyfile = getenv("BARONG_JWT_PUBLIC_KEY");
	if (keyfile == NULL || (f = fopen(keyfile, "r")) == NULL ||
	    (pubkey = PEM_read_PUBKEY(f, NULL, NULL, NULL)) == NULL) {
		fprintf(stderr, "test_authz: cannot read the public key %s\n",
		    keyfile ? keyfile : "(BARONG_JWT_PUBLIC_KEY unset)");
		return 2;
	}
	fclose(f);
	if ((mk = conf_value("master_key_file")) == NULL ||
	    crypto_keyring_load(mk, err, sizeof(err)) == -1) {
		fprintf(stderr, "test_authz: master key: %s\n",
		    mk ? err : "not in $BARONG_CONFIG");
		return 2;
	}
	if ((ttl = conf_value("jwt_cache_ttl")) != NULL)
		cache_ttl = atol(ttl);

	/* A fresh start: leftovers of an interrupted run, and the
	 * whitelist test_identity may have left for 127.0.0.1. */
	cleanup();
	sql("DELETE FROM restrictions WHERE category = 'whitelist' AND"
	    " value = '127.0.0.1'", 0);
	if (crypto_bcrypt_hash(PW, strlen(PW), 4, digest) == -1) {
		fprintf(stderr, "test_authz: bcrypt failed\n");
		return 2;
	}
	for (w = everyone; *w != NULL; w++)
		make_user(*w, digest);

	test_rules();
	test_session();
	test_binding();
	test_banned();
	test_logout_race();
	test_rbac();
	test_permission_change();
	test_restrictions();
	test_apikeys();
	test_apikey_change();

	cleanup();
	EVP_PKEY_free(pubkey);
	arena_free(A);
	return ht_done();
}
