/*
 * API keys and service accounts through the gateway (user-api.md §5.12,
 * §5.14, §6.11): a key created with a TOTP code and then used to sign
 * requests (X-Auth-Apikey, X-Auth-Nonce in ms, X-Auth-Signature = hex
 * HMAC-SHA256 of nonce + kid under the secret, authz.md §4) that reach the
 * resource API; every error code of every route, in Barong's order (the
 * parameters, the 2FA guard, the model); the list's ordering and its
 * pagination headers; PATCH clearing the scope; the secret column holding
 * a ciphertext; service accounts (made through SQL, as Barong has no API
 * for it) owned by one user and invisible to another.
 *
 * A code is accepted once per 30-second step; each change here forgets the
 * last used step through SQL first (fresh()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "crypto.h"
#include "htest.h"
#include "totp.h"

#define R	"/api/v2/barong/resource"
#define JSON	"application/json"
#define FORM	"application/x-www-form-urlencoded"

#define KEY_RE(scope, state) \
	"\\{\"kid\":\"[0-9a-f]{16}\",\"algorithm\":\"HS256\"," \
	"\"scope\":" scope ",\"state\":\"" state "\"," \
	"\"created_at\":\"[0-9-]{10}T[0-9:]{8}Z\"," \
	"\"updated_at\":\"[0-9-]{10}T[0-9:]{8}Z\"\\}"

static struct arena	*A;

/* A user with 2FA on and the base32 secret of his authenticator. */
struct tuser {
	struct ht_user	 u;
	const char	*secret;
};

/* ------------------------------------------------------------ helpers */

static const char *
lld(long long n)
{
	return arena_printf(A, "%lld", n);
}

static void
req(const struct ht_user *u, const char *method, const char *path,
    const char *body, struct ht_resp *r)
{
	if (ht_as(u, method, path, body ? JSON : NULL, body,
	    body ? strlen(body) : 0, NULL, r) == -1) {
		fprintf(stderr, "request %s %s failed\n", method, path);
		exit(2);
	}
}

static void
expect(const char *name, const struct ht_user *u, const char *method,
    const char *path, const char *body, long status, const char *want)
{
	struct ht_resp	r;

	req(u, method, path, body, &r);
	ht_check(r.status == status && strcmp(r.body, want) == 0, name,
	    "got %ld %.300s, want %ld %s", r.status, r.body, status, want);
	ht_resp_free(&r);
}

static void
expect_re(const char *name, const struct ht_user *u, const char *method,
    const char *path, const char *body, long status, const char *re)
{
	struct ht_resp	r;

	req(u, method, path, body, &r);
	ht_check(r.status == status && ht_match(re, r.body), name,
	    "got %ld %.300s, want %ld /%s/", r.status, r.body, status, re);
	ht_resp_free(&r);
}

/* The code now, after forgetting the last step the user used. */
static const char *
fresh(const struct tuser *t)
{
	char	out[TOTP_DIGITS + 1];

	ht_sql("UPDATE otp_secrets SET last_step = 0 WHERE user_id ="
	    " $1::bigint", (const char *[]){ lld(t->u.id) }, 1);
	if (totp_code_at(t->secret, time(NULL), out) == -1)
		return "";
	return arena_strdup(A, out);
}

/* A six-digit code that is accepted at no step near now. */
static const char *
wrong(const struct tuser *t)
{
	static const char *const tries[] = { "000000", "111111", "222222" };
	char	 out[TOTP_DIGITS + 1];
	size_t	 i;
	long	 s;

	for (i = 0; i < 3; i++) {
		for (s = -2; s <= 2; s++) {
			totp_code_at(t->secret, time(NULL) + s * TOTP_PERIOD,
			    out);
			if (strcmp(out, tries[i]) == 0)
				break;
		}
		if (s > 2)
			return tries[i];
	}
	return "333333";
}

/* A new user, active unless pending, with 2FA turned on through the API. */
static void
tuser_new(struct tuser *t, const char *tag, int pending)
{
	struct ht_resp	 r;
	const char	*s;
	char		 body[64];

	ht_user_new(&t->u, tag, pending);
	req(&t->u, "POST", R "/otp/generate_qrcode", NULL, &r);
	if (r.status != 201 || (s = strstr(r.body, "secret=")) == NULL) {
		fprintf(stderr, "generate_qrcode: %ld %s\n", r.status, r.body);
		exit(2);
	}
	t->secret = arena_strndup(A, s + 7, 32);
	ht_resp_free(&r);
	snprintf(body, sizeof(body), "{\"code\":\"%s\"}", fresh(t));
	req(&t->u, "POST", R "/otp/enable", body, &r);
	if (r.status != 201) {
		fprintf(stderr, "enable: %ld %s\n", r.status, r.body);
		exit(2);
	}
	ht_resp_free(&r);
}

/* The value of a string member of a JSON object text, in the arena. */
static const char *
member(const char *json, const char *key)
{
	json_object	*o = json_tokener_parse(json), *v;
	const char	*s = "";

	if (o != NULL && json_object_object_get_ex(o, key, &v) && v != NULL)
		s = arena_strdup(A, json_object_get_string(v));
	json_object_put(o);
	return s;
}

/* The kid of the last key of a list. */
static const char *
last_kid(const char *body)
{
	const char	*p, *last = NULL;

	for (p = body; (p = strstr(p, "\"kid\":\"")) != NULL; p++)
		last = p + 7;
	return last != NULL ? arena_strndup(A, last, 16) : "";
}

struct key {
	char	kid[32];
	char	secret[64];
};

/* POST body to path as t; 201 and the key's kid and secret, or exit. */
static void
create(const struct tuser *t, const char *path, const char *body,
    struct key *k, const char *re)
{
	struct ht_resp	r;
	int		ok;

	req(&t->u, "POST", path, body, &r);
	ok = r.status == 201 && ht_match(re, r.body);
	ht_check(ok, "create key", "%ld %.300s", r.status, r.body);
	snprintf(k->kid, sizeof(k->kid), "%s", member(r.body, "kid"));
	snprintf(k->secret, sizeof(k->secret), "%s", member(r.body,
	    "secret"));
	ht_resp_free(&r);
}

static const char *
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return arena_printf(A, "%lld", (long long)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000);
}

/* GET path signed with the key, no cookie: the status. */
static long
signed_get(const struct key *k, const char *path, char **body)
{
	struct ht_resp	 r;
	const char	*h[4], *nonce = now_ms();
	char		 sig[65], *msg = arena_printf(A, "%s%s", nonce, k->kid);
	long		 s;

	crypto_hmac_sha256_hex(k->secret, strlen(k->secret), msg, strlen(msg),
	    sig);
	h[0] = arena_printf(A, "X-Auth-Apikey: %s", k->kid);
	h[1] = arena_printf(A, "X-Auth-Nonce: %s", nonce);
	h[2] = arena_printf(A, "X-Auth-Signature: %s", sig);
	h[3] = NULL;
	if (ht_request("GET", path, NULL, NULL, 0, h, &r) == -1)
		return -1;
	s = r.status;
	if (body != NULL)
		*body = arena_strdup(A, r.body);
	ht_resp_free(&r);
	return s;
}

static const char *
col(const char *column, const char *kid)
{
	return ht_sql(arena_printf(A, "SELECT coalesce(%s::text, 'NULL')"
	    " FROM apikeys WHERE kid = $1", column), (const char *[]){ kid },
	    1);
}

/* --------------------------------------------------------- user keys */

static void
test_params(void)
{
	struct tuser	 t;
	struct ht_user	 plain;

	tuser_new(&t, "akparams", 0);
	ht_user_new(&plain, "akplain", 0);
	expect("create nothing", &t.u, "POST", R "/api_keys", NULL, 422,
	    "{\"errors\":[\"resource.apikey.missing_algorithm\","
	    "\"resource.apikey.empty_algorithm\","
	    "\"resource.api_key.missing_totp\","
	    "\"resource.apikey.empty_totp_code\"]}");
	expect("create blanks", &t.u, "POST", R "/api_keys",
	    "{\"algorithm\":\" \",\"scope\":\"\",\"totp_code\":\"\"}", 422,
	    "{\"errors\":[\"resource.apikey.empty_algorithm\","
	    "\"resource.apikey.empty_scope\","
	    "\"resource.apikey.empty_totp_code\"]}");
	expect("create algorithm array", &t.u, "POST", R "/api_keys",
	    "{\"algorithm\":[\"HS256\"],\"totp_code\":\"1\"}", 422,
	    "{\"errors\":[\"invalid\"]}");
	/* Parameters first, then the guard. */
	expect("create without 2FA, no code", &plain, "POST", R "/api_keys",
	    "{\"algorithm\":\"HS256\"}", 422,
	    "{\"errors\":[\"resource.api_key.missing_totp\","
	    "\"resource.apikey.empty_totp_code\"]}");
	expect("create without 2FA", &plain, "POST", R "/api_keys",
	    "{\"algorithm\":\"HS256\",\"totp_code\":\"123456\"}", 400,
	    "{\"errors\":[\"resource.api_key.2fa_disabled\"]}");
	expect("patch without 2FA", &plain, "PATCH",
	    R "/api_keys/0123456789abcdef", "{\"totp_code\":\"123456\"}", 400,
	    "{\"errors\":[\"resource.api_key.2fa_disabled\"]}");
	expect("delete without 2FA", &plain, "DELETE",
	    R "/api_keys/0123456789abcdef?totp_code=123456", NULL, 400,
	    "{\"errors\":[\"resource.api_key.2fa_disabled\"]}");
	expect("create wrong code", &t.u, "POST", R "/api_keys",
	    arena_printf(A, "{\"algorithm\":\"HS256\",\"totp_code\":\"%s\"}",
	    wrong(&t)), 422, "{\"errors\":[\"resource.api_key.invalid_totp\"]}");
	expect("create model errors", &t.u, "POST", R "/api_keys",
	    arena_printf(A, "{\"algorithm\":\"RS256\",\"totp_code\":\"%s\"}",
	    fresh(&t)), 422, "{\"errors\":[\"kid.blank\","
	    "\"algorithm.inclusion\"]}");
	expect("create HS512", &t.u, "POST", R "/api_keys",
	    arena_printf(A, "{\"algorithm\":\"HS512\",\"totp_code\":\"%s\"}",
	    fresh(&t)), 422, "{\"errors\":[\"algorithm.inclusion\"]}");
	expect("patch no code", &t.u, "PATCH", R "/api_keys/0123456789abcdef",
	    "{\"state\":\"\"}", 422,
	    "{\"errors\":[\"resource.apikey.empty_state\","
	    "\"resource.apikey.missing_totp_code\","
	    "\"resource.apikey.empty_totp_code\"]}");
	expect("delete no code", &t.u, "DELETE", R "/api_keys/0123456789abcdef",
	    NULL, 422, "{\"errors\":[\"resource.apikey.missing_totp_code\","
	    "\"resource.apikey.empty_totp_code\"]}");
	expect("patch unknown kid", &t.u, "PATCH",
	    R "/api_keys/0123456789abcdef", arena_printf(A,
	    "{\"totp_code\":\"%s\"}", fresh(&t)), 404,
	    "{\"errors\":[\"record.not_found\"]}");
	expect("delete unknown kid", &t.u, "DELETE", arena_printf(A,
	    R "/api_keys/0123456789abcdef?totp_code=%s", fresh(&t)), NULL,
	    404, "{\"errors\":[\"record.not_found\"]}");
	expect("list bad ordering", &t.u, "GET",
	    R "/api_keys?ordering=up&order_by=secret", NULL, 422,
	    "{\"errors\":[\"resource.api_key.invalid_ordering\","
	    "\"resource.api_key.invalid_attribute\"]}");
	expect("list bad order_by array", &t.u, "GET",
	    R "/api_keys?order_by[]=id", NULL, 422,
	    "{\"errors\":[\"resource.api_key.invalid_attribute\"]}");
	expect("list bad page", &t.u, "GET", R "/api_keys?page=x&limit=101",
	    NULL, 422, "{\"errors\":[\"non_integer_page\","
	    "\"non_positive_page\",\"invalid_limit\"]}");
	expect("list page 0", &t.u, "GET", R "/api_keys?page=0", NULL, 422,
	    "{\"errors\":[\"non_positive_page\"]}");
	expect("unknown route", &t.u, "PUT", R "/api_keys/0123456789abcdef",
	    NULL, 404, "{\"error\":\"Route is not found\"}");
}

static void
test_lifecycle(void)
{
	struct tuser	 t, other;
	struct key	 k, k2, k3, ko;
	struct ht_resp	 r;
	char		*h, *body;
	const char	*sealed;
	long		 st;

	tuser_new(&t, "aklife", 0);
	tuser_new(&other, "akother", 0);
	expect("list empty", &t.u, "GET", R "/api_keys", NULL, 200, "[]");

	create(&t, R "/api_keys", arena_printf(A, "{\"algorithm\":\"HS256\","
	    "\"scope\":\"trade, read\",\"totp_code\":\"%s\"}", fresh(&t)), &k,
	    "^\\{\"kid\":\"[0-9a-f]{16}\",\"algorithm\":\"HS256\","
	    "\"scope\":\\[\"trade\",\" read\"\\],\"state\":\"active\","
	    "\"secret\":\"[0-9a-f]{32}\",\"created_at\":\"[0-9-]{10}T[0-9:]{8}Z\","
	    "\"updated_at\":\"[0-9-]{10}T[0-9:]{8}Z\"\\}$");
	ht_check(strcmp(col("scope", k.kid), "---\n- trade\n- \" read\"\n") == 0,
	    "scope stored as YAML", "%s", col("scope", k.kid));
	sealed = col("secret_encrypted", k.kid);
	ht_check(strlen(k.secret) == 32 && strlen(sealed) > 32 &&
	    strstr(sealed, k.secret) == NULL, "secret stored sealed", "%.80s",
	    sealed);
	ht_check(strcmp(col("key_holder_account_type || ':' ||"
	    " key_holder_account_id", k.kid), arena_printf(A, "User:%lld",
	    t.u.id)) == 0, "holder is the user", "%s",
	    col("key_holder_account_type", k.kid));

	/* The code just used is spent. */
	req(&t.u, "POST", R "/api_keys", arena_printf(A, "{\"algorithm\":"
	    "\"HS256\",\"totp_code\":\"%s\"}", fresh(&t)), &r);
	ht_resp_free(&r);
	{
		char	out[TOTP_DIGITS + 1];

		totp_code_at(t.secret, time(NULL), out);
		expect("replayed code", &t.u, "POST", R "/api_keys",
		    arena_printf(A, "{\"algorithm\":\"HS256\","
		    "\"totp_code\":\"%s\"}", out), 422,
		    "{\"errors\":[\"totp.error\"]}");
	}

	/* Signed requests reach the resource API as the user. */
	body = "";
	st = signed_get(&k, R "/api_keys", &body);
	ht_check(st == 200 &&
	    strstr(body, k.kid) != NULL && strstr(body, "secret") == NULL,
	    "signed request", "%.200s", body);
	ht_check(signed_get(&k, "/api/v2/resource/api_keys", NULL) == 200,
	    "signed request, stripped mount", "%s", k.kid);
	snprintf(ko.kid, sizeof(ko.kid), "%s", k.kid);
	snprintf(ko.secret, sizeof(ko.secret), "%032d", 0);
	ht_check(signed_get(&ko, R "/api_keys", NULL) == 401,
	    "signed with a wrong secret", "%s", k.kid);

	create(&t, R "/api_keys", arena_printf(A, "{\"algorithm\":\"HS256\","
	    "\"scope\":\",\",\"totp_code\":\"%s\"}", fresh(&t)), &k2,
	    "^" KEY_RE("\\[\\]", "active") "$" "|\"secret\"");
	ht_check(strcmp(col("scope", k2.kid), "--- []\n") == 0,
	    "empty scope stored", "%s", col("scope", k2.kid));
	create(&t, R "/api_keys", arena_printf(A, "{\"algorithm\":\"HS256\","
	    "\"totp_code\":\"%s\"}", fresh(&t)), &k3, "\"scope\":\\[\\]");
	ht_check(strcmp(col("scope", k3.kid), "NULL") == 0,
	    "no scope stored as NULL", "%s", col("scope", k3.kid));
	/* Another user's key. */
	create(&other, R "/api_keys", arena_printf(A, "{\"algorithm\":"
	    "\"HS256\",\"totp_code\":\"%s\"}", fresh(&other)), &ko,
	    "\"secret\"");

	/* The list: four keys (one from the replay test), paginated. */
	req(&t.u, "GET", R "/api_keys?limit=2", NULL, &r);
	h = ht_header(&r, "Link");
	ht_check(r.status == 200 && ht_match("^\\[" KEY_RE("[^}]*", "[a-z]+")
	    "," KEY_RE("[^}]*", "[a-z]+") "\\]$", r.body) &&
	    strstr(r.body, ko.kid) == NULL, "list page 1", "%ld %.400s",
	    r.status, r.body);
	ht_check(h != NULL && ht_match("^<http://[^>]*/api_keys\\?limit=2&"
	    "page=2>; rel=\"last\", <http://[^>]*/api_keys\\?limit=2&page=2>; "
	    "rel=\"next\"$", h), "Link page 1", "%s", h ? h : "(none)");
	free(h);
	h = ht_header(&r, "Total");
	ht_check(h != NULL && strcmp(h, "4") == 0, "Total", "%s",
	    h ? h : "(none)");
	free(h);
	h = ht_header(&r, "Per-Page");
	ht_check(h != NULL && strcmp(h, "2") == 0, "Per-Page", "%s",
	    h ? h : "(none)");
	free(h);
	ht_check(ht_match(arena_printf(A, "^\\[\\{\"kid\":\"%s\"", k.kid),
	    r.body) && strstr(r.body, k2.kid) == NULL, "ordered by id",
	    "%.300s", r.body);
	ht_resp_free(&r);
	req(&t.u, "GET", R "/api_keys?limit=2&page=2&ordering=desc", NULL, &r);
	h = ht_header(&r, "Page");
	ht_check(r.status == 200 && h != NULL && strcmp(h, "2") == 0 &&
	    strcmp(last_kid(r.body), k.kid) == 0 &&
	    strstr(r.body, k3.kid) == NULL, "desc page 2",
	    "%ld %.300s", r.status, r.body);
	free(h);
	h = ht_header(&r, "Link");
	ht_check(h != NULL && ht_match("rel=\"first\", .*page=1.*rel=\"prev\"",
	    h) && strstr(h, "ordering=desc") != NULL && strstr(h, "next") ==
	    NULL, "Link page 2", "%s", h ? h : "(none)");
	free(h);
	ht_resp_free(&r);
	req(&t.u, "GET", R "/api_keys?order_by=kid&ordering=desc", NULL, &r);
	{
		json_object	*a = json_tokener_parse(r.body);
		size_t		 i, n = a ? json_object_array_length(a) : 0;
		int		 sorted = n == 4;
		const char	*prev = NULL, *kid;

		for (i = 0; i < n; i++) {
			kid = json_object_get_string(json_object_object_get(
			    json_object_array_get_idx(a, i), "kid"));
			if (prev != NULL && strcmp(prev, kid) <= 0)
				sorted = 0;
			prev = kid;
		}
		ht_check(sorted, "order_by kid desc", "%.300s", r.body);
		json_object_put(a);
	}
	ht_resp_free(&r);

	/* PATCH: state off, scope cleared as it is omitted. */
	expect_re("patch state", &t.u, "PATCH", arena_printf(A,
	    R "/api_keys/%s", k.kid), arena_printf(A, "{\"state\":\"inactive\","
	    "\"totp_code\":\"%s\"}", fresh(&t)), 200,
	    "^" KEY_RE("\\[\\]", "inactive") "$");
	ht_check(strcmp(col("scope", k.kid), "NULL") == 0, "scope cleared",
	    "%s", col("scope", k.kid));
	ht_check(signed_get(&k, R "/api_keys", NULL) == 401,
	    "inactive key refused at the gateway", "%s", k.kid);
	expect_re("patch scope and state", &t.u, "PATCH", arena_printf(A,
	    R "/api_keys/%s", k.kid), arena_printf(A, "{\"state\":\"active\","
	    "\"scope\":\"a,b\",\"totp_code\":\"%s\"}", fresh(&t)), 200,
	    "^" KEY_RE("\\[\"a\",\"b\"\\]", "active") "$");
	ht_check(signed_get(&k, R "/api_keys", NULL) == 200,
	    "key active again", "%s", k.kid);
	expect("patch another user's key", &t.u, "PATCH", arena_printf(A,
	    R "/api_keys/%s", ko.kid), arena_printf(A, "{\"totp_code\":\"%s\"}",
	    fresh(&t)), 404, "{\"errors\":[\"record.not_found\"]}");
	expect("delete another user's key", &t.u, "DELETE", arena_printf(A,
	    R "/api_keys/%s?totp_code=%s", ko.kid, fresh(&t)), NULL, 404,
	    "{\"errors\":[\"record.not_found\"]}");
	ht_check(*col("kid", ko.kid) != '\0', "other key still there", "%s",
	    ko.kid);

	/* DELETE: 204, then gone. */
	expect("delete", &t.u, "DELETE", arena_printf(A,
	    R "/api_keys/%s?totp_code=%s", k.kid, fresh(&t)), NULL, 204, "");
	ht_check(*col("kid", k.kid) == '\0', "deleted", "%s", k.kid);
	expect("delete again", &t.u, "DELETE", arena_printf(A,
	    R "/api_keys/%s?totp_code=%s", k.kid, fresh(&t)), NULL, 404,
	    "{\"errors\":[\"record.not_found\"]}");
	ht_check(signed_get(&k, R "/api_keys", NULL) == 401,
	    "deleted key refused", "%s", k.kid);

	/* A user leaving "active": no new key, no reactivation. */
	ht_sql("UPDATE users SET state = 'pending' WHERE id = $1::bigint",
	    (const char *[]){ lld(t.u.id) }, 1);
	expect("create while pending", &t.u, "POST", R "/api_keys",
	    arena_printf(A, "{\"algorithm\":\"HS256\",\"totp_code\":\"%s\"}",
	    fresh(&t)), 422, "{\"errors\":[\"key_holder_account.invalid\"]}");
	expect("model errors in order", &t.u, "POST", R "/api_keys",
	    arena_printf(A, "{\"algorithm\":\"RS256\",\"totp_code\":\"%s\"}",
	    fresh(&t)), 422, "{\"errors\":[\"key_holder_account.invalid\","
	    "\"kid.blank\",\"algorithm.inclusion\"]}");
	ht_sql("UPDATE apikeys SET state = 'inactive' WHERE kid = $1",
	    (const char *[]){ k2.kid }, 1);
	expect("reactivate while pending", &t.u, "PATCH", arena_printf(A,
	    R "/api_keys/%s", k2.kid), arena_printf(A, "{\"state\":\"active\","
	    "\"totp_code\":\"%s\"}", fresh(&t)), 422,
	    "{\"errors\":[\"state.invalid\"]}");
	expect_re("other state while pending", &t.u, "PATCH", arena_printf(A,
	    R "/api_keys/%s", k2.kid), arena_printf(A, "{\"state\":\"off\","
	    "\"totp_code\":\"%s\"}", fresh(&t)), 200,
	    "^" KEY_RE("\\[\\]", "off") "$");
	ht_sql("DELETE FROM apikeys WHERE key_holder_account_type = 'User'"
	    " AND key_holder_account_id = $1::bigint",
	    (const char *[]){ lld(other.u.id) }, 1);
}

/* ---------------------------------------------------- service accounts */

static const char *
make_sa(const struct ht_user *owner, const char *state)
{
	const char	*uid;

	uid = ht_sql("SELECT 'SI' || upper(substr(md5(random()::text), 1,"
	    " 10))", NULL, 0);
	uid = arena_strdup(A, uid);
	ht_sql("INSERT INTO service_accounts (uid, owner_id, email, state)"
	    " VALUES ($1::varchar, $2::bigint, lower($1::varchar) ||"
	    " '@sa.example.com', $3)",
	    (const char *[]){ uid, lld(owner->id), state }, 3);
	return uid;
}

static void
test_service_accounts(void)
{
	struct tuser	 t, other;
	struct ht_user	 plain;
	struct key	 k, kp;
	const char	*sa, *sa_pending, *sa_other, *sa_plain, *p;
	struct ht_resp	 r;
	char		*h;

	tuser_new(&t, "saown", 0);
	tuser_new(&other, "saother", 0);
	ht_user_new(&plain, "saplain", 0);
	expect("no service accounts", &t.u, "GET", R "/service_accounts",
	    NULL, 200, "[]");
	sa = make_sa(&t.u, "active");
	sa_pending = make_sa(&t.u, "pending");
	sa_other = make_sa(&other.u, "active");
	sa_plain = make_sa(&plain, "active");

	expect_re("list service accounts", &t.u, "GET", R "/service_accounts",
	    NULL, 200, arena_printf(A, "^\\[\\{\"id\":[0-9]+,\"uid\":\"%s\","
	    "\"owner_id\":%lld,\"email\":\"%s@sa\\.example\\.com\","
	    "\"role\":\"service_account\",\"level\":0,\"state\":\"active\","
	    "\"created_at\":\"[0-9-]{10}T[0-9:]{8}\\.[0-9]{3}Z\","
	    "\"updated_at\":\"[0-9-]{10}T[0-9:]{8}\\.[0-9]{3}Z\"\\},"
	    "\\{\"id\":[0-9]+,\"uid\":\"%s\",[^]]*\"state\":\"pending\"[^]]*\\}"
	    "\\]$", sa, t.u.id, arena_strdup(A, ht_sql("SELECT lower($1)",
	    (const char *[]){ sa }, 1)), sa_pending));

	p = R "/service_accounts/api_keys";
	expect("keys without uid", &t.u, "GET", p, NULL, 422,
	    "{\"errors\":[\"resource.serviceaccount.missing_service_account_uid\"]}");
	expect("keys uid array", &t.u, "GET", arena_printf(A,
	    "%s?service_account_uid[]=x&ordering=x&order_by=x", p), NULL, 422,
	    "{\"errors\":[\"resource.service_accounts.invalid_ordering\","
	    "\"resource.service_accounts.invalid_attribute\","
	    "\"resource.service_account.non_string_service_account_uid\"]}");
	expect("keys of another's account", &t.u, "GET", arena_printf(A,
	    "%s?service_account_uid=%s", p, sa_other), NULL, 404,
	    "{\"errors\":[\"resource.service_account.doesnt_exist\"]}");
	expect("keys of a blank uid", &t.u, "GET", arena_printf(A,
	    "%s?service_account_uid=", p), NULL, 404,
	    "{\"errors\":[\"resource.service_account.doesnt_exist\"]}");
	req(&t.u, "GET", arena_printf(A, "%s?service_account_uid=%s", p, sa),
	    NULL, &r);
	h = ht_header(&r, "Total");
	ht_check(r.status == 200 && strcmp(r.body, "[]") == 0 && h != NULL &&
	    strcmp(h, "0") == 0, "no keys yet", "%ld %s", r.status, r.body);
	free(h);
	ht_resp_free(&r);

	expect("create nothing", &t.u, "POST", p, NULL, 422,
	    "{\"errors\":[\"resource.serviceaccount.missing_service_account_uid\","
	    "\"resource.serviceaccount.missing_algorithm\","
	    "\"resource.serviceaccount.empty_algorithm\","
	    "\"resource.service_accounts.missing_totp\","
	    "\"resource.serviceaccount.empty_totp_code\"]}");
	/* The account is looked up before the guard. */
	expect("create for another's account", &t.u, "POST", p, arena_printf(A,
	    "{\"service_account_uid\":\"%s\",\"algorithm\":\"HS256\","
	    "\"totp_code\":\"%s\"}", sa_other, wrong(&t)), 404,
	    "{\"errors\":[\"resource.service_account.doesnt_exist\"]}");
	expect("create without 2FA", &plain, "POST", p, arena_printf(A,
	    "{\"service_account_uid\":\"%s\",\"algorithm\":\"HS256\","
	    "\"totp_code\":\"123456\"}", sa_plain), 400,
	    "{\"errors\":[\"resource.service_accounts.2fa_disabled\"]}");
	expect("create wrong code", &t.u, "POST", p, arena_printf(A,
	    "{\"service_account_uid\":\"%s\",\"algorithm\":\"HS256\","
	    "\"totp_code\":\"%s\"}", sa, wrong(&t)), 422,
	    "{\"errors\":[\"resource.service_accounts.invalid_totp\"]}");
	expect("create for a pending account", &t.u, "POST", p, arena_printf(A,
	    "{\"service_account_uid\":\"%s\",\"algorithm\":\"HS256\","
	    "\"totp_code\":\"%s\"}", sa_pending, fresh(&t)), 422,
	    "{\"errors\":[\"key_holder_account.invalid\"]}");
	create(&t, p, arena_printf(A, "{\"service_account_uid\":\"%s\","
	    "\"algorithm\":\"HS256\",\"scope\":\"read\",\"totp_code\":\"%s\"}",
	    sa, fresh(&t)), &k, "^\\{\"kid\":\"[0-9a-f]{16}\",\"algorithm\":"
	    "\"HS256\",\"scope\":\\[\"read\"\\],\"state\":\"active\","
	    "\"secret\":\"[0-9a-f]{32}\",");
	ht_check(strcmp(col("key_holder_account_type", k.kid),
	    "ServiceAccount") == 0, "held by the service account", "%s",
	    col("key_holder_account_type", k.kid));
	expect_re("list the account's keys", &t.u, "GET", arena_printf(A,
	    "%s?service_account_uid=%s", p, sa), NULL, 200,
	    arena_printf(A, "^\\[\\{\"kid\":\"%s\",[^}]*\\}\\]$", k.kid));
	expect("user's own list excludes it", &t.u, "GET", R "/api_keys",
	    NULL, 200, "[]");

	/* PUT and DELETE. */
	expect("put no code, blanks", &t.u, "PUT", arena_printf(A, "%s/%s", p,
	    k.kid), arena_printf(A, "{\"service_account_uid\":\"%s\","
	    "\"scope\":\"\",\"state\":\" \"}", sa), 422,
	    "{\"errors\":[\"resource.serviceaccount.empty_scope\","
	    "\"resource.serviceaccount.empty_state\","
	    "\"resource.serviceaccount.missing_totp_code\","
	    "\"resource.serviceaccount.empty_totp_code\"]}");
	expect("put for another's account", &t.u, "PUT", arena_printf(A,
	    "%s/%s", p, k.kid), arena_printf(A, "{\"service_account_uid\":"
	    "\"%s\",\"totp_code\":\"1\"}", sa_other), 404,
	    "{\"errors\":[\"resource.service_account.doesnt_exist\"]}");
	expect("put unknown kid", &t.u, "PUT", arena_printf(A, "%s/%s", p,
	    "0123456789abcdef"), arena_printf(A, "{\"service_account_uid\":"
	    "\"%s\",\"totp_code\":\"%s\"}", sa, fresh(&t)), 404,
	    "{\"errors\":[\"record.not_found\"]}");
	expect_re("put state", &t.u, "PUT", arena_printf(A, "%s/%s", p,
	    k.kid), arena_printf(A, "{\"service_account_uid\":\"%s\","
	    "\"state\":\"inactive\",\"totp_code\":\"%s\"}", sa, fresh(&t)), 200,
	    "^" KEY_RE("\\[\\]", "inactive") "$");
	/* A key of the pending account cannot be made active. */
	snprintf(kp.kid, sizeof(kp.kid), "%s", "00000000000000aa");
	ht_sql("DELETE FROM apikeys WHERE kid = $1", (const char *[]){
	    kp.kid }, 1);
	ht_sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm, state) SELECT id,"
	    " 'ServiceAccount', $2, 'HS256', 'inactive' FROM service_accounts"
	    " WHERE uid = $1", (const char *[]){ sa_pending, kp.kid }, 2);
	expect("activate a pending account's key", &t.u, "PUT", arena_printf(A,
	    "%s/%s", p, kp.kid), arena_printf(A, "{\"service_account_uid\":"
	    "\"%s\",\"state\":\"active\",\"totp_code\":\"%s\"}", sa_pending,
	    fresh(&t)), 422, "{\"errors\":[\"state.invalid\"]}");
	expect("delete no code", &t.u, "DELETE", arena_printf(A,
	    "%s/%s?service_account_uid=%s", p, k.kid, sa), NULL, 422,
	    "{\"errors\":[\"resource.serviceaccount.missing_totp_code\","
	    "\"resource.serviceaccount.empty_totp_code\"]}");
	expect("delete no uid", &t.u, "DELETE", arena_printf(A,
	    "%s/%s?totp_code=1", p, k.kid), NULL, 422,
	    "{\"errors\":[\"resource.serviceaccount.missing_service_account_uid\"]}");
	expect("delete wrong account", &t.u, "DELETE", arena_printf(A,
	    "%s/%s?service_account_uid=%s&totp_code=%s", p, k.kid, sa_pending,
	    fresh(&t)), NULL, 404, "{\"errors\":[\"record.not_found\"]}");
	expect("delete", &t.u, "DELETE", arena_printf(A,
	    "%s/%s?service_account_uid=%s&totp_code=%s", p, k.kid, sa,
	    fresh(&t)), NULL, 204, "");
	ht_check(*col("kid", k.kid) == '\0', "deleted", "%s", k.kid);
	ht_check(signed_get(&k, R "/api_keys", NULL) == 401,
	    "deleted service account key refused", "%s", k.kid);

	ht_sql("DELETE FROM service_accounts WHERE owner_id IN ($1::bigint,"
	    " $2::bigint, $3::bigint)", (const char *[]){ lld(t.u.id),
	    lld(other.u.id), lld(plain.id) }, 3);
}

int
main(void)
{
	ht_init();
	A = arena_new(0);
	test_params();
	test_lifecycle();
	test_service_accounts();
	arena_free(A);
	return ht_done();
}
