/*
 * The identity family through the web server (user-api.md §3): sign-up,
 * confirmation mail, login (with TOTP), logout, password reset, whitelink,
 * brute-force lockout, and 50 concurrent sign-ups with one e-mail.
 * The database is read and prepared through $BARONG_DB where the API has
 * no way to (banning a user, issuing a whitelink token).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "htest.h"

#define I	"/api/v2/barong/identity"
#define FORM	"application/x-www-form-urlencoded"
#define JSON	"application/json"
#define PW	"Chah6ahr-ei2J"		/* passes Barong's policy */

static const struct ht_case cases[] = {
	{ "identity ping", "GET", I "/ping", NULL, NULL, 200,
	  "{\"ping\":\"pong\"}", NULL, NULL },
	{ "identity stripped mount", "GET", "/api/v2/identity/time", NULL,
	  NULL, 200, NULL, "^\\{\"time\":[0-9]+\\}$", NULL },
	{ "identity configs", "GET", I "/configs", NULL, NULL, 200, NULL,
	  "^\\{\"session_expire_time\":1800,\"captcha_type\":\"none\",", NULL },
	{ "identity version", "GET", I "/version", NULL, NULL, 200, NULL,
	  "\"version\":\"2\\.7\\.0\"", NULL },
	{ "identity password/validate", "POST", I "/password/validate", FORM,
	  "password=Tecohvi0", 201, "{\"entropy\":15.5}", NULL, NULL },
	{ "identity password/validate missing", "POST", I "/password/validate",
	  NULL, NULL, 422, "{\"errors\":[\"identity.general.missing_password\"]}",
	  NULL, NULL },
	{ "no configs/auth0 under identity", "GET", I "/configs/auth0", NULL,
	  NULL, 404, "{\"error\":\"Route is not found\"}", NULL, NULL },
	{ "GET sessions is not a route", "GET", I "/sessions", NULL, NULL, 404,
	  "{\"error\":\"Route is not found\"}", NULL, NULL },

	/* sign-up parameter and model errors */
	{ "signup nothing", "POST", I "/users", NULL, NULL, 422,
	  "{\"errors\":[\"identity.user.missing_email\","
	  "\"identity.user.empty_email\",\"identity.user.missing_password\","
	  "\"identity.user.empty_password\"]}", NULL, NULL },
	{ "signup empty", "POST", I "/users", FORM, "email=&password=+", 422,
	  "{\"errors\":[\"identity.user.empty_email\","
	  "\"identity.user.empty_password\"]}", NULL, NULL },
	{ "signup bad email, weak password", "POST", I "/users", FORM,
	  "email=nope&password=Password1", 422,
	  "{\"errors\":[\"email.invalid\",\"password.weak\"]}", NULL, NULL },
	{ "signup password requirements", "POST", I "/users", FORM,
	  "email=a%40b.io&password=alllowercase", 422,
	  "{\"errors\":[\"password.requirements\"]}", NULL, NULL },
	{ "signup password too long", "POST", I "/users", FORM,
	  "email=a%40b.io&password=Aa1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 422,
	  "{\"errors\":[\"password.too_long\",\"password.requirements\"]}",
	  NULL, NULL },
	{ "signup empty username", "POST", I "/users", FORM,
	  "email=u1%40b.io&password=" PW "&username=", 422,
	  "{\"errors\":[\"username.too_short\",\"username.invalid\"]}", NULL,
	  NULL },
	{ "signup bad data", "POST", I "/users", JSON,
	  "{\"email\":\"u2@b.io\",\"password\":\"" PW "\",\"data\":\"{x\"}", 422,
	  "{\"errors\":[\"data.invalid_format\"]}", NULL, NULL },
	{ "signup bad refid format", "POST", I "/users", FORM,
	  "email=u3%40b.io&password=" PW "&refid=XX123", 422,
	  "{\"errors\":[\"identity.user.invalid_referral_format\"]}", NULL,
	  NULL },
	{ "signup empty refid", "POST", I "/users", FORM,
	  "email=u3%40b.io&password=" PW "&refid=", 422,
	  "{\"errors\":[\"identity.user.invalid_referral_format\"]}", NULL,
	  NULL },
	{ "signup unknown referrer", "POST", I "/users", FORM,
	  "email=u3%40b.io&password=" PW "&refid=ID0000000000", 422,
	  "{\"errors\":[\"identity.user.referral_doesnt_exist\"]}", NULL, NULL },
	{ "signup captcha of wrong type", "POST", I "/users", JSON,
	  "{\"email\":\"u4@b.io\",\"password\":\"" PW "\","
	  "\"captcha_response\":[1]}", 422, "{\"errors\":[\"invalid\"]}", NULL,
	  NULL },

	/* session parameter errors */
	{ "login nothing", "POST", I "/sessions", NULL, NULL, 422,
	  "{\"errors\":[\"identity.session.missing_email\","
	  "\"identity.session.missing_password\"]}", NULL, NULL },
	{ "login bad captcha type", "POST", I "/sessions", JSON,
	  "{\"email\":\"x@y.io\",\"password\":\"x\",\"captcha_response\":[1]}",
	  422, "{\"errors\":[\"identity.session.invalid_captcha_format\"]}",
	  NULL, NULL },
	{ "login unknown", "POST", I "/sessions", FORM,
	  "email=nobody%40nowhere.io&password=" PW, 401,
	  "{\"errors\":[\"identity.session.invalid_params\"]}", NULL, NULL },
	{ "logout without session", "DELETE", I "/sessions", NULL, NULL, 404,
	  "{\"errors\":[\"identity.session.not_found\"]}", NULL, NULL },
	{ "auth0 missing token", "POST", I "/sessions/auth0", NULL, NULL, 422,
	  "{\"errors\":[\"identity.session.missing_id_token\","
	  "\"identity.session.empty_id_token\"]}", NULL, NULL },
	{ "auth0 not configured", "POST", I "/sessions/auth0", FORM,
	  "id_token=abc", 422,
	  "{\"errors\":[\"identity.session.auth0.invalid_params\"]}", NULL,
	  NULL },

	/* tokens */
	{ "confirm missing token", "POST", I "/users/email/confirm_code", NULL,
	  NULL, 422, "{\"errors\":[\"identity.user.missing_token\","
	  "\"identity.user.empty_token\"]}", NULL, NULL },
	{ "confirm garbage token", "POST", I "/users/email/confirm_code", FORM,
	  "token=invalid+token", 422,
	  "{\"errors\":[\"jwt.decode_and_verify.segments\"]}", NULL, NULL },
	{ "confirm non-JSON token", "POST", I "/users/email/confirm_code", FORM,
	  "token=a.b.c", 422,
	  "{\"errors\":[\"jwt.decode_and_verify.encoding\"]}", NULL, NULL },
	{ "confirm alg none", "POST", I "/users/email/confirm_code", FORM,
	  "token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJjb25maXJtYXRpb24ifQ.", 422,
	  "{\"errors\":[\"jwt.decode_and_verify.segments\"]}", NULL, NULL },
	{ "confirm alg HS256", "POST", I "/users/email/confirm_code", FORM,
	  "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb25maXJtYXRpb24ifQ.c2ln",
	  422, "{\"errors\":[\"jwt.decode_and_verify.algorithm\"]}", NULL,
	  NULL },
	{ "reset all missing", "POST", I "/users/password/confirm_code", NULL,
	  NULL, 422, "{\"errors\":[\"identity.user.missing_pass_token\","
	  "\"identity.user.empty_reset_password_token\","
	  "\"identity.user.missing_password\",\"identity.user.empty_password\","
	  "\"identity.user.missing_confirm_password\","
	  "\"identity.user.empty_confirm_password\"]}", NULL, NULL },
	{ "reset all empty", "POST", I "/users/password/confirm_code", FORM,
	  "reset_password_token=&password=&confirm_password=", 422,
	  "{\"errors\":[\"identity.user.empty_reset_password_token\","
	  "\"identity.user.empty_password\","
	  "\"identity.user.empty_confirm_password\"]}", NULL, NULL },
	{ "reset mismatch before token", "POST", I "/users/password/confirm_code",
	  FORM, "reset_password_token=x&password=a&confirm_password=b", 422,
	  "{\"errors\":[\"identity.user.passwords_doesnt_match\"]}", NULL,
	  NULL },
	{ "reset bad token", "POST", I "/users/password/confirm_code", FORM,
	  "reset_password_token=x&password=a&confirm_password=a", 422,
	  "{\"errors\":[\"jwt.decode_and_verify.segments\"]}", NULL, NULL },
	{ "email code unknown user", "POST", I "/users/email/generate_code",
	  FORM, "email=ghost%40nowhere.io", 201, "201", NULL, NULL },
	{ "email code missing", "POST", I "/users/email/generate_code", NULL,
	  NULL, 422, "{\"errors\":[\"identity.user.missing_email\","
	  "\"identity.user.empty_email\"]}", NULL, NULL },
	{ "reset code unknown user", "POST", I "/users/password/generate_code",
	  FORM, "email=ghost%40nowhere.io", 201, "201", NULL, NULL },
	{ "whitelink missing", "POST", I "/users/access", NULL, NULL, 422,
	  "{\"errors\":[\"identity.user.missing_whitelink_token\","
	  "\"identity.user.empty_whitelink_token\"]}", NULL, NULL },
	{ "whitelink unknown", "POST", I "/users/access", FORM,
	  "whitelink_token=nope", 422,
	  "{\"errors\":[\"identity.user.access.invalid_token\"]}", NULL, NULL },
	{ "geetest without geetest", "GET", I "/users/register_geetest", NULL,
	  NULL, 200, "\"\"", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }
};

/* ------------------------------------------------------------ helpers */

/* A member as a string; "" when absent, so checks fail, not crash. */
static const char *
jstr(json_object *o, const char *k)
{
	json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, k, &v) || v == NULL)
		return "";
	return json_object_get_string(v);
}

static int
post(const char *path, const char *body, const char *cookie,
    struct ht_resp *r)
{
	char		 h[600];
	const char	*hdrs[2] = { NULL, NULL };

	if (cookie != NULL) {
		snprintf(h, sizeof(h), "Cookie: _barong_session=%s", cookie);
		hdrs[0] = h;
	}
	return ht_request("POST", path, FORM, body, strlen(body), hdrs, r);
}

static char *
esc(const char *s)
{
	char	*e = curl_easy_escape(NULL, s, 0), *d = strdup(e);

	curl_free(e);
	return d;
}

static char *
signup(const char *email, const char *extra, long want, char **cookie)
{
	struct ht_resp	 r;
	char		 body[1024], *e = esc(email), *out = NULL;

	snprintf(body, sizeof(body), "email=%s&password=%s%s", e, PW,
	    extra ? extra : "");
	post(I "/users", body, NULL, &r);
	ht_check(r.status == want, "signup", "%s: status %ld: %s", email,
	    r.status, r.body);
	if (cookie != NULL)
		*cookie = ht_set_cookie(&r, "_barong_session");
	out = strdup(r.body);
	ht_resp_free(&r);
	free(e);
	return out;
}

static char *
login(const char *email, const char *pw, const char *otp, long want,
    char **cookie)
{
	struct ht_resp	 r;
	char		 body[1024], *e = esc(email), *p = esc(pw), *out;

	snprintf(body, sizeof(body), "email=%s&password=%s%s%s", e, p,
	    otp ? "&otp_code=" : "", otp ? otp : "");
	post(I "/sessions", body, NULL, &r);
	ht_check(r.status == want, "login", "%s: status %ld, want %ld: %s",
	    email, r.status, want, r.body);
	if (cookie != NULL)
		*cookie = ht_set_cookie(&r, "_barong_session");
	out = strdup(r.body);
	ht_resp_free(&r);
	free(e);
	free(p);
	return out;
}

/* ------------------------------------------------------------- tests */

/* The stack is fresh: the first sign-up is an active superadmin. */
static void
test_first_user(void)
{
	char		*body = signup("first@example.com", NULL, 201, NULL);
	json_object	*o = json_tokener_parse(body);

	ht_check(o && strcmp(jstr(o, "role"), "superadmin") == 0 &&
	    strcmp(jstr(o, "state"), "active") == 0 &&
	    strcmp(jstr(o, "level"), "1") == 0, "first user superadmin", "%s",
	    body);
	ht_check(ht_mail_wait("first@example.com", "confirmation_token=",
	    1500) == NULL, "no confirmation for the first user", "mail found");
	json_object_put(o);
	free(body);
}

static void
test_signup_confirm_login_logout(void)
{
	char		*body, *bob, *cookie = NULL, *cookie2 = NULL, *token;
	const char	*mail;
	char		 req[4096];
	json_object	*o;
	struct ht_resp	 r;

	body = signup("alice@example.com", "&username=Alice1&data=%7B%22language"
	    "%22%3A%22ru%22%7D", 201, &cookie);
	o = json_tokener_parse(body);
	ht_check(o && ht_match("^\\{\"email\":\"alice@example.com\","
	    "\"uid\":\"ID[0-9A-F]{10}\",\"role\":\"member\",\"level\":0,"
	    "\"otp\":false,\"state\":\"pending\",\"referral_uid\":null,"
	    "\"data\":\"\\{\\\\\"language\\\\\":\\\\\"ru\\\\\"\\}\","
	    "\"csrf_token\":\"[0-9a-f]{20}\",\"username\":\"alice1\","
	    "\"labels\":\\[\\],\"phones\":\\[\\],\"profiles\":\\[\\],"
	    "\"data_storages\":\\[\\],\"created_at\":\"[0-9T:-]+Z\","
	    "\"updated_at\":\"[0-9T:-]+Z\"\\}$", body), "signup body", "%s",
	    body);
	ht_check(cookie != NULL && strlen(cookie) == 64, "signup cookie",
	    "%s", cookie ? cookie : "(none)");

	/* Referral by the new user's uid. */
	snprintf(req, sizeof(req), "&refid=%s", jstr(o, "uid"));
	free(signup("bob@example.com", req, 201, NULL));
	bob = login("bob@example.com", PW, NULL, 200, NULL);
	ht_check(ht_match("\"referral_uid\":\"ID", bob), "referral kept",
	    "%s", bob);
	free(bob);

	/* The confirmation mail (Russian, as data.language says). */
	mail = ht_mail_wait("alice@example.com", "confirmation_token=", 3000);
	ht_check(mail != NULL, "confirmation mail", "no mail in %s",
	    getenv("BARONG_MAIL_DIR"));
	if (mail == NULL)
		return;
	ht_check(strstr(mail, "=?UTF-8?") != NULL || strstr(mail,
	    "Подтверждение") != NULL, "confirmation mail in Russian", "%.400s",
	    mail);
	token = ht_link_param(mail, "confirmation_token");
	snprintf(req, sizeof(req), "token=%s", token);
	post(I "/users/email/confirm_code", req, NULL, &r);
	ht_check(r.status == 201 && ht_match("\"level\":1,\"otp\":false,"
	    "\"state\":\"active\"", r.body) && ht_match("\"labels\":\\[\\{"
	    "\"key\":\"email\",\"value\":\"verified\",\"scope\":\"private\"",
	    r.body) && ht_match("\"csrf_token\":\"[0-9a-f]{20}\"", r.body),
	    "confirm", "status %ld %s", r.status, r.body);
	ht_resp_free(&r);
	post(I "/users/email/confirm_code", req, NULL, &r);
	ht_check(r.status == 422 && strcmp(r.body, "{\"errors\":[\"identity."
	    "user.active_or_doesnt_exist\"]}") == 0, "confirm twice",
	    "status %ld %s", r.status, r.body);
	ht_resp_free(&r);
	free(token);

	/* Login: wrong password, right password, fresh token each time. */
	free(login("alice@example.com", "Wrong-pass1", NULL, 401, NULL));
	free(login("alice@example.com", PW, NULL, 200, &cookie2));
	ht_check(cookie2 != NULL && cookie != NULL &&
	    strcmp(cookie, cookie2) != 0, "new token at login", "same cookie");
	ht_check(ht_mail_wait("alice@example.com", "New", 3000) != NULL ||
	    ht_mail_wait("alice@example.com", "session", 10) != NULL,
	    "new login mail", "none");
	ht_check(strcmp(ht_sql("SELECT count(*) FROM activities a JOIN users u"
	    " ON u.id = a.user_id WHERE u.email = 'alice@example.com' AND"
	    " topic = 'session' AND action = 'login'", NULL, 0), "2") == 0,
	    "login activities", "count differs");

	/* Logout with the cookie, then again. */
	snprintf(req, sizeof(req), "Cookie: _barong_session=%s", cookie2);
	ht_request("DELETE", I "/sessions", NULL, NULL, 0,
	    (const char *[]){ req, NULL }, &r);
	ht_check(r.status == 200 && strcmp(r.body, "200") == 0 &&
	    ht_match("Set-Cookie: _barong_session=;", r.headers), "logout",
	    "status %ld %s %s", r.status, r.body, r.headers);
	ht_resp_free(&r);
	ht_request("DELETE", I "/sessions", NULL, NULL, 0,
	    (const char *[]){ req, NULL }, &r);
	ht_check(r.status == 404, "logout twice", "status %ld", r.status);
	ht_resp_free(&r);
	json_object_put(o);
	free(body);
	free(cookie);
	free(cookie2);
}

static void
test_duplicates(void)
{
	free(signup("dup@example.com", NULL, 201, NULL));
	{
		char *b = signup("dup@example.com", NULL, 422, NULL);

		ht_check(strcmp(b, "{\"errors\":[\"email.taken\"]}") == 0,
		    "email taken", "%s", b);
		free(b);
	}
	{
		char *b = signup("dup2@example.com", "&username=alice1", 422,
		    NULL);

		ht_check(strcmp(b, "{\"errors\":[\"username.taken\"]}") == 0,
		    "username taken", "%s", b);
		free(b);
	}
}

/* Banned, deleted and locked users, refused only with the right password. */
static void
test_states(void)
{
	static const struct {
		const char *state, *code;
	} t[] = {
		{ "banned", "identity.session.banned" },
		{ "deleted", "identity.session.deleted" },
		{ "locked", "identity.session.not_active" },
	};
	const char	*p[2];
	char		 email[64], want[128], *b;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(email, sizeof(email), "%s@example.com", t[i].state);
		free(signup(email, NULL, 201, NULL));
		p[0] = t[i].state;
		p[1] = email;
		ht_sql("UPDATE users SET state = $1 WHERE email = $2", p,
		    2);
		b = login(email, "Wrong-pass1", NULL, 401, NULL);
		ht_check(strcmp(b, "{\"errors\":[\"identity.session.invalid_"
		    "params\"]}") == 0, "state hidden without password", "%s",
		    b);
		free(b);
		b = login(email, PW, NULL, 401, NULL);
		snprintf(want, sizeof(want), "{\"errors\":[\"%s\"]}", t[i].code);
		ht_check(strcmp(b, want) == 0, "state refusal", "%s: %s",
		    t[i].state, b);
		free(b);
	}
}

static void
test_password_reset(void)
{
	struct ht_resp	 r;
	char		*token, *old = NULL, req[4096];
	const char	*mail;
	const char	*p[1] = { "carol@example.com" };

	free(signup("carol@example.com", NULL, 201, NULL));
	free(login("carol@example.com", PW, NULL, 200, &old));
	post(I "/users/password/generate_code", "email=carol%40example.com",
	    NULL, &r);
	ht_check(r.status == 201 && strcmp(r.body, "201") == 0, "reset code",
	    "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	/* A second request: only the newest link works. */
	mail = ht_mail_wait("carol@example.com", "reset_token=", 3000);
	ht_check(mail != NULL, "reset mail", "none");
	if (mail == NULL)
		return;
	token = ht_link_param(mail, "reset_token");
	snprintf(req, sizeof(req), "reset_password_token=%s&password=weak&"
	    "confirm_password=weak", token);
	post(I "/users/password/confirm_code", req, NULL, &r);
	ht_check(r.status == 422 && strcmp(r.body,
	    "{\"errors\":[\"password.requirements\"]}") == 0, "reset weak",
	    "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	snprintf(req, sizeof(req), "reset_password_token=%s&password=New-"
	    "pass-42x&confirm_password=New-pass-42x", token);
	post(I "/users/password/confirm_code", req, NULL, &r);
	ht_check(r.status == 201 && strcmp(r.body, "201") == 0, "reset",
	    "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	post(I "/users/password/confirm_code", req, NULL, &r);
	ht_check(r.status == 422 && strcmp(r.body,
	    "{\"errors\":[\"identity.user.utilized_token\"]}") == 0,
	    "reset token reused", "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	ht_check(strcmp(ht_sql("SELECT count(*) FROM sessions s JOIN users u"
	    " ON u.id = s.user_id WHERE u.email = $1", p, 1), "0") == 0,
	    "reset ends sessions", "sessions left");
	free(login("carol@example.com", PW, NULL, 401, NULL));
	free(login("carol@example.com", "New-pass-42x", NULL, 200, NULL));
	free(token);
	free(old);
}

static void
test_whitelink(void)
{
	struct ht_resp	r;

	ht_sql("INSERT INTO whitelink_tokens (token, expires_at) VALUES"
	    " ('wl-test-token', now() + interval '1 hour')", NULL, 0);
	post(I "/users/access", "whitelink_token=wl-test-token", NULL, &r);
	ht_check(r.status == 201 && strcmp(r.body, "1") == 0, "whitelink",
	    "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	post(I "/users/access", "whitelink_token=wl-test-token", NULL, &r);
	ht_check(r.status == 422 && strcmp(r.body,
	    "{\"errors\":[\"value.taken\"]}") == 0, "whitelink twice",
	    "%ld %s", r.status, r.body);
	ht_resp_free(&r);
	ht_check(strcmp(ht_sql("SELECT count(*) FROM restrictions WHERE"
	    " category = 'whitelist' AND scope = 'ip' AND value = '127.0.0.1'",
	    NULL, 0), "1") == 0, "whitelist row", "missing");
}

/* Past login_max_failures the account is refused for a while: 429. */
static void
test_lockout(void)
{
	char	*b;
	int	 i;

	free(signup("dave@example.com", NULL, 201, NULL));
	for (i = 0; i < 10; i++)
		free(login("dave@example.com", "Wrong-pass1", NULL, 401, NULL));
	b = login("dave@example.com", PW, NULL, 429, NULL);
	ht_check(strcmp(b, "{\"errors\":[\"identity.session."
	    "too_many_attempts\"]}") == 0, "lockout", "%s", b);
	free(b);
	b = login("nobody-locked@example.com", "x", NULL, 401, NULL);
	free(b);
}

/* TOTP at login: missing, wrong, right, replayed. */
static void
test_totp(void)
{
	char	 cmd[1024], secret[64] = "", code[16] = "", *b;
	FILE	*f;

	free(signup("erin@example.com", NULL, 201, NULL));
	snprintf(cmd, sizeof(cmd), "%s/t/http/otp-tool -c %s/etc/identity.conf"
	    " enable erin@example.com", getenv("top_builddir"),
	    getenv("BARONG_VAR"));
	if ((f = popen(cmd, "r")) == NULL || fgets(secret, sizeof(secret),
	    f) == NULL) {
		ht_check(0, "otp-tool enable", "%s", cmd);
		return;
	}
	pclose(f);
	secret[strcspn(secret, "\n")] = '\0';
	b = login("erin@example.com", PW, NULL, 401, NULL);
	ht_check(strcmp(b, "{\"errors\":[\"identity.session.missing_otp\"]}") ==
	    0, "otp missing", "%s", b);
	free(b);
	b = login("erin@example.com", PW, "000000", 403, NULL);
	ht_check(strcmp(b, "{\"errors\":[\"identity.session.invalid_otp\"]}") ==
	    0, "otp wrong", "%s", b);
	free(b);
	snprintf(cmd, sizeof(cmd), "%s/t/http/otp-tool code %s",
	    getenv("top_builddir"), secret);
	if ((f = popen(cmd, "r")) == NULL || fgets(code, sizeof(code), f) ==
	    NULL) {
		ht_check(0, "otp-tool code", "%s", cmd);
		return;
	}
	pclose(f);
	code[strcspn(code, "\n")] = '\0';
	b = login("erin@example.com", PW, code, 200, NULL);
	ht_check(ht_match("\"otp\":true", b), "otp login", "%s", b);
	free(b);
	b = login("erin@example.com", PW, code, 422, NULL);
	ht_check(strcmp(b, "{\"errors\":[\"totp.error\"]}") == 0,
	    "otp replay", "%s", b);
	free(b);
}

/* 50 concurrent sign-ups with one e-mail: one 201, 49 email.taken. */
static void
test_signup_race(void)
{
	enum { N = 50 };
	CURLM		*m = curl_multi_init();
	CURL		*h[N];
	char		 url[512];
	const char	*body = "email=race%40example.com&password=" PW;
	int		 running, i, created = 0, taken = 0;
	long		 code;

	snprintf(url, sizeof(url), "%s" I "/users", ht_url());
	for (i = 0; i < N; i++) {
		h[i] = curl_easy_init();
		curl_easy_setopt(h[i], CURLOPT_URL, url);
		curl_easy_setopt(h[i], CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h[i], CURLOPT_WRITEFUNCTION,
		    (size_t (*)(char *, size_t, size_t, void *))fwrite);
		curl_easy_setopt(h[i], CURLOPT_WRITEDATA, stderr);
		curl_easy_setopt(h[i], CURLOPT_TIMEOUT, 60L);
		curl_multi_add_handle(m, h[i]);
	}
	do {
		curl_multi_perform(m, &running);
		curl_multi_poll(m, NULL, 0, 100, NULL);
	} while (running > 0);
	fputc('\n', stderr);
	for (i = 0; i < N; i++) {
		curl_easy_getinfo(h[i], CURLINFO_RESPONSE_CODE, &code);
		created += code == 201;
		taken += code == 422;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
	}
	curl_multi_cleanup(m);
	ht_check(created == 1 && taken == N - 1, "signup race",
	    "%d created, %d taken", created, taken);
	ht_check(strcmp(ht_sql("SELECT count(*) FROM users WHERE email ="
	    " 'race@example.com'", NULL, 0), "1") == 0, "one race user",
	    "count differs");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	ht_init();
	test_first_user();
	ht_run_all(cases);
	test_signup_confirm_login_logout();
	test_duplicates();
	test_states();
	test_password_reset();
	test_whitelink();
	test_lockout();
	test_totp();
	test_signup_race();
	return ht_done();
}
