/*
 * Two-factor authentication through the gateway (user-api.md §5.11, §6.6):
 * the whole flow as a browser and an authenticator app go through it
 * (generate_qrcode, the secret read out of the otpauth URL, codes computed
 * with lib/totp.c's totp_code_at), every error code with its activity, a
 * replayed code refused with totp.error, enable ending the user's other
 * sessions (an older session cookie gets 401 at the gateway) and disable
 * deactivating the user's and his service accounts' API keys.
 *
 * A code is accepted once per 30-second step; where a test needs more
 * codes than the clock gives, it forgets the last used step through SQL.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "crypto.h"
#include "htest.h"
#include "totp.h"

#define R	"/api/v2/barong/resource"
#define JSON	"application/json"

static struct arena	*A;

/* ------------------------------------------------------------ helpers */

static void
post(const struct ht_user *u, const char *path, const char *body,
    struct ht_resp *r)
{
	if (ht_as(u, "POST", path, body ? JSON : NULL, body,
	    body ? strlen(body) : 0, NULL, r) == -1) {
		fprintf(stderr, "request %s failed\n", path);
		exit(2);
	}
}

/* Check status and exact body, then free the response. */
static void
expect(const char *name, struct ht_resp *r, long status, const char *body)
{
	ht_check(r->status == status && strcmp(r->body, body) == 0, name,
	    "got %ld %.300s, want %ld %s", r->status, r->body, status, body);
	ht_resp_free(r);
}

static void
expect_post(const char *name, const struct ht_user *u, const char *path,
    const char *body, long status, const char *want)
{
	struct ht_resp	r;

	post(u, path, body, &r);
	expect(name, &r, status, want);
}

static const char *
lld(long long n)
{
	return arena_printf(A, "%lld", n);
}

static const char *
code_at(const char *secret, long steps)
{
	char	out[TOTP_DIGITS + 1];

	if (totp_code_at(secret, time(NULL) + steps * TOTP_PERIOD, out) == -1)
		return "";
	return arena_strdup(A, out);
}

/* {"code":"<the code now>"}, after forgetting the last used step. */
static const char *
fresh_code(const struct ht_user *u, const char *secret)
{
	ht_sql("UPDATE otp_secrets SET last_step = 0 WHERE user_id ="
	    " $1::bigint", (const char *[]){ lld(u->id) }, 1);
	return arena_printf(A, "{\"code\":\"%s\"}", code_at(secret, 0));
}

/* A six-digit code that is none of the accepted ones now. */
static const char *
wrong_code(const char *secret)
{
	static const char *const tries[] = { "000000", "111111", "222222",
		"333333" };
	size_t	i;
	long	s;

	for (i = 0; i < 4; i++) {
		for (s = -2; s <= 2; s++)
			if (strcmp(tries[i], code_at(secret, s)) == 0)
				break;
		if (s > 2)
			break;
	}
	return arena_printf(A, "{\"code\":\"%s\"}", tries[i % 4]);
}

/* The last otp activity of the user for action: "result|data". */
static const char *
last_activity(const struct ht_user *u, const char *action)
{
	return ht_sql("SELECT result || '|' || coalesce(data::text, '')"
	    " FROM activities WHERE user_id = $1::bigint AND topic = 'otp'"
	    " AND action = $2 ORDER BY id DESC LIMIT 1",
	    (const char *[]){ lld(u->id), action }, 2);
}

static void
expect_activity(const char *name, const struct ht_user *u,
    const char *action, const char *want)
{
	const char	*got = last_activity(u, action);

	ht_check(strcmp(got, want) == 0, name, "activity %s: got [%s], want"
	    " [%s]", action, got, want);
}

/*
 * POST generate_qrcode and check the reply's shape, the PNG inside and
 * that the database holds a ciphertext.  Returns the base32 secret.
 */
static const char *
generate(const struct ht_user *u)
{
	struct ht_resp	 r;
	unsigned char	*png;
	size_t		 len;
	const char	*b64, *e, *stored;
	char		*secret;
	int		 ok;

	post(u, R "/otp/generate_qrcode", NULL, &r);
	ok = r.status == 201 && ht_match("^\\{\"auth\":null,\"data\":\\{"
	    "\"barcode\":\"iVBORw0KGgo[A-Za-z0-9+/]+=*\","
	    "\"url\":\"otpauth://totp/Barong:[^\"?]+\\?algorithm=SHA1&digits=6"
	    "&issuer=Barong&period=30&secret=[A-Z2-7]{32}\"\\},"
	    "\"metadata\":null,\"lease_duration\":0,\"lease_id\":\"\","
	    "\"renewable\":false,\"warnings\":null,\"wrap_info\":null\\}$",
	    r.body);
	ht_check(ok, "generate_qrcode 201 Vault-shaped", "%ld %.300s",
	    r.status, r.body);
	if (!ok) {
		ht_resp_free(&r);
		return "";
	}
	b64 = strstr(r.body, "\"barcode\":\"") + 11;
	e = strchr(b64, '"');
	ok = crypto_b64_decode(A, b64, (size_t)(e - b64), 0, &png, &len) == 0 &&
	    len > 33 && memcmp(png + 12, "IHDR", 4) == 0 &&
	    png[16] == 0 && png[17] == 0 && png[18] == 1 && png[19] == 44 &&
	    png[20] == 0 && png[21] == 0 && png[22] == 1 && png[23] == 44;
	ht_check(ok, "barcode is a 300x300 PNG", "%zu bytes", len);
	secret = arena_strndup(A, strstr(r.body, "secret=") + 7, 32);
	ht_check(strstr(r.body, u->email) != NULL ||
	    strstr(r.body, "%40example.com") != NULL, "url names the e-mail",
	    "%.300s", r.body);
	ht_resp_free(&r);
	stored = ht_sql("SELECT secret_encrypted FROM otp_secrets WHERE"
	    " user_id = $1::bigint", (const char *[]){ lld(u->id) }, 1);
	ht_check(*stored != '\0' && strstr(stored, secret) == NULL,
	    "secret stored sealed", "%.60s", stored);
	return secret;
}

static int
user_otp(const struct ht_user *u)
{
	return strcmp(ht_sql("SELECT otp FROM users WHERE id = $1::bigint",
	    (const char *[]){ lld(u->id) }, 1), "t") == 0;
}

static const char *
otp_label(const struct ht_user *u)
{
	return ht_sql("SELECT key || ':' || value || ':' || scope FROM labels"
	    " WHERE user_id = $1::bigint AND key = 'otp'",
	    (const char *[]){ lld(u->id) }, 1);
}

/* GET api_keys with this cookie: the status the gateway gives. */
static long
session_status(const struct ht_user *u)
{
	struct ht_resp	r;
	long		s;

	if (ht_as(u, "GET", R "/api_keys", NULL, NULL, 0, NULL, &r) == -1)
		return -1;
	s = r.status;
	ht_resp_free(&r);
	return s;
}

/* An API key row for a holder; its state can be read back by kid. */
static void
insert_key(const char *type, const char *holder_id, const char *kid)
{
	ht_sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm, state)"
	    " VALUES ($1::bigint, $2, $3, 'HS256', 'active')",
	    (const char *[]){ holder_id, type, kid }, 3);
}

static const char *
key_state(const char *kid)
{
	return ht_sql("SELECT state FROM apikeys WHERE kid = $1",
	    (const char *[]){ kid }, 1);
}

/* -------------------------------------------------------------- tests */

static void
test_params(void)
{
	struct ht_user	u;
	static const char *const paths[] = { R "/otp/enable", R "/otp/disable",
		R "/otp/verify" };
	size_t		i;

	ht_user_new(&u, "otpparams", 0);
	for (i = 0; i < 3; i++) {
		expect_post(paths[i], &u, paths[i], NULL, 422,
		    "{\"errors\":[\"resource.otp.missing_code\","
		    "\"resource.otp.empty_code\"]}");
		expect_post(paths[i], &u, paths[i], "{\"code\":\" \"}", 422,
		    "{\"errors\":[\"resource.otp.empty_code\"]}");
		expect_post(paths[i], &u, paths[i], "{\"code\":[\"1\"]}", 422,
		    "{\"errors\":[\"invalid\"]}");
		expect_post(paths[i], &u, paths[i], "{\"code\":{\"a\":1}}",
		    422, "{\"errors\":[\"invalid\"]}");
	}
	/* A long code is refused without reaching the TOTP check. */
	expect_post("code too long", &u, R "/otp/verify",
	    arena_printf(A, "{\"code\":\"%0200d\"}", 1), 422,
	    "{\"errors\":[\"invalid\"]}");
	/* The gateway answers for requests without a session. */
	{
		struct ht_resp	r;

		ht_request("POST", R "/otp/generate_qrcode", NULL, NULL, 0,
		    NULL, &r);
		ht_check(r.status == 401, "no session: 401 at the gateway",
		    "%ld %.200s", r.status, r.body);
		ht_resp_free(&r);
	}
	expect_post("unknown otp path", &u, R "/otp/generate_qrcode/x",
	    NULL, 404, "{\"error\":\"Route is not found\"}");
}

static void
test_flow(void)
{
	struct ht_user	 u, old, other;
	const char	*secret, *secret2, *c, *sa, *p[1];
	char		 kid_u[17], kid_sa[17], kid_other[17];

	ht_user_new(&u, "otpflow", 0);
	ht_user_new(&other, "otpother", 0);
	/* A second session of the same user, opened before 2FA. */
	old = u;
	old.cookie[0] = '\0';
	ht_check(ht_user_login(&old, NULL) == 0, "second session", "login");
	ht_check(session_status(&old) == 200 && session_status(&u) == 200,
	    "both sessions work", "before enable");

	/* 2FA off: verify's code is Barong's sic already_enabled. */
	expect_post("verify while off", &u, R "/otp/verify",
	    "{\"code\":\"123456\"}", 400,
	    "{\"errors\":[\"resource.otp.already_enabled\"]}");
	expect_activity("verify while off activity", &u, "verify 2FA code",
	    "failed|{\"reason\":\"2FA has not been enabled for this account\"}");
	expect_post("disable while off", &u, R "/otp/disable",
	    "{\"code\":\"123456\"}", 400,
	    "{\"errors\":[\"resource.otp.not_enabled\"]}");
	expect_activity("disable while off activity", &u, "disable 2FA",
	    "failed|{\"reason\":\"2FA has not been enabled for this account\"}");
	/* No secret yet: every code is invalid. */
	expect_post("enable without a secret", &u, R "/otp/enable",
	    "{\"code\":\"123456\"}", 422,
	    "{\"errors\":[\"resource.otp.invalid\"]}");
	expect_activity("enable invalid activity", &u, "enable 2FA",
	    "failed|{\"reason\":\"OTP code is invalid\"}");

	secret = generate(&u);
	expect_activity("generate activity", &u, "request QR code for 2FA",
	    "succeed|");
	/* generate_qrcode replaces the secret. */
	secret2 = generate(&u);
	ht_check(*secret2 != '\0' && strcmp(secret, secret2) != 0,
	    "a new secret each time", "%s %s", secret, secret2);
	secret = secret2;
	ht_check(!user_otp(&u), "still off after generate", "otp");

	expect_post("enable wrong code", &u, R "/otp/enable",
	    wrong_code(secret), 422, "{\"errors\":[\"resource.otp.invalid\"]}");
	c = fresh_code(&u, secret);
	expect_post("enable", &u, R "/otp/enable", c, 201, "200");
	ht_check(user_otp(&u), "otp on", "users.otp");
	ht_check(strcmp(otp_label(&u), "otp:enabled:private") == 0,
	    "label otp:enabled", "%s", otp_label(&u));
	expect_activity("enable activity", &u, "enable 2FA", "succeed|");
	ht_check(session_status(&u) == 200, "current session kept",
	    "%ld", session_status(&u));
	ht_check(session_status(&old) == 401, "other session ended",
	    "%ld", session_status(&old));
	ht_check(session_status(&other) == 200, "other user's session kept",
	    "%ld", session_status(&other));

	expect_post("enable again", &u, R "/otp/enable", c, 400,
	    "{\"errors\":[\"resource.otp.already_enabled\"]}");
	expect_activity("enable again activity", &u, "enable 2FA",
	    "failed|{\"reason\":\"2FA has been already enabled for this "
	    "account\"}");
	expect_post("generate while on", &u, R "/otp/generate_qrcode", NULL,
	    400, "{\"errors\":[\"resource.otp.already_enabled\"]}");
	expect_activity("generate while on activity", &u,
	    "request QR code for 2FA", "failed|{\"reason\":\"2FA has been "
	    "already enabled for this account\"}");

	/* verify: the code enable used is spent; a new one works once. */
	expect_post("verify replayed enable code", &u, R "/otp/verify", c,
	    422, "{\"errors\":[\"totp.error\"]}");
	c = fresh_code(&u, secret);
	expect_post("verify", &u, R "/otp/verify", c, 201, "null");
	expect_post("verify replay", &u, R "/otp/verify", c, 422,
	    "{\"errors\":[\"totp.error\"]}");
	expect_post("verify wrong", &u, R "/otp/verify", wrong_code(secret),
	    422, "{\"errors\":[\"resource.otp.invalid\"]}");
	expect_activity("verify wrong activity", &u, "verify 2FA code",
	    "failed|{\"reason\":\"OTP code is invalid\"}");
	/* A code two steps away is outside the window. */
	expect_post("verify code of a minute ago", &u, R "/otp/verify",
	    arena_printf(A, "{\"code\":\"%s\"}", code_at(secret, -3)), 422,
	    "{\"errors\":[\"resource.otp.invalid\"]}");

	/* Keys that disable must deactivate, and one it must not touch. */
	crypto_random_hex(kid_u, 8);
	crypto_random_hex(kid_sa, 8);
	crypto_random_hex(kid_other, 8);
	p[0] = lld(u.id);
	sa = ht_sql("INSERT INTO service_accounts (uid, owner_id, email,"
	    " state) VALUES ('SI' || upper(substr(md5(random()::text), 1, 10)),"
	    " $1::bigint, 'sa' || $1 || '@example.com', 'active') RETURNING id",
	    p, 1);
	insert_key("User", lld(u.id), kid_u);
	insert_key("ServiceAccount", sa, kid_sa);
	insert_key("User", lld(other.id), kid_other);

	expect_post("disable wrong code", &u, R "/otp/disable",
	    wrong_code(secret), 422, "{\"errors\":[\"resource.otp.invalid\"]}");
	ht_check(strcmp(key_state(kid_u), "active") == 0, "keys kept on "
	    "a failed disable", "%s", key_state(kid_u));
	c = fresh_code(&u, secret);
	expect_post("disable", &u, R "/otp/disable", c, 200, "200");
	ht_check(!user_otp(&u), "otp off", "users.otp");
	ht_check(*otp_label(&u) == '\0', "otp label gone", "%s",
	    otp_label(&u));
	expect_activity("disable activity", &u, "disable 2FA", "succeed|");
	ht_check(strcmp(key_state(kid_u), "inactive") == 0,
	    "user's key inactive", "%s", key_state(kid_u));
	ht_check(strcmp(key_state(kid_sa), "inactive") == 0,
	    "service account's key inactive", "%s", key_state(kid_sa));
	ht_check(strcmp(key_state(kid_other), "active") == 0,
	    "another user's key untouched", "%s", key_state(kid_other));
	ht_check(*ht_sql("SELECT 1 FROM otp_secrets WHERE user_id ="
	    " $1::bigint", p, 1) != '\0', "secret kept after disable", "row");
	expect_post("disable again", &u, R "/otp/disable", c, 400,
	    "{\"errors\":[\"resource.otp.not_enabled\"]}");

	/* Enabled again with the kept secret, a label already there. */
	ht_sql("INSERT INTO labels (user_id, key, value, scope) VALUES"
	    " ($1::bigint, 'otp', 'custom', 'private')", p, 1);
	expect_post("re-enable", &u, R "/otp/enable", fresh_code(&u, secret),
	    201, "200");
	ht_check(strcmp(otp_label(&u), "otp:custom:private") == 0,
	    "existing otp label kept", "%s", otp_label(&u));
	ht_sql("DELETE FROM service_accounts WHERE id = $1::bigint",
	    (const char *[]){ sa }, 1);
	ht_sql("DELETE FROM apikeys WHERE kid = $1", (const char *[]){
	    kid_other }, 1);
}

/* A pending user can use 2FA too; the label does not activate him. */
static void
test_pending(void)
{
	struct ht_user	 u;
	const char	*secret;

	ht_user_new(&u, "otppending", 1);
	secret = generate(&u);
	expect_post("pending enable", &u, R "/otp/enable",
	    fresh_code(&u, secret), 201, "200");
	ht_check(strcmp(ht_sql("SELECT state FROM users WHERE id = $1::bigint",
	    (const char *[]){ lld(u.id) }, 1), "pending") == 0,
	    "still pending", "state");
}

int
main(void)
{
	ht_init();
	A = arena_new(0);
	test_params();
	test_flow();
	test_pending();
	arena_free(A);
	return ht_done();
}
