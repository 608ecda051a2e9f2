/*
 * The users part of the resource family through the gateway (user-api.md
 * §5.1-5.6, 5.13, swagger_doc): users/me (GET, PUT, DELETE with password
 * and 2FA), users/password, users/activity with its filters and
 * pagination headers, labels, data_storage and the Swagger documents.
 * Every error code of these endpoints is asserted with its status and
 * exact body; entities are matched whole, key order included.
 *
 * The stack's resource family reads a barong.yml with the storage titles
 * personal, "Company Info" and user (t/stack).  2FA is switched on with
 * t/http/otp-tool and codes computed with lib/totp.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "htest.h"
#include "totp.h"

#define R	"/api/v2/barong/resource"
#define FORM	"application/x-www-form-urlencoded"
#define JSON	"application/json"
#define TS	"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
#define NEWPW	"Xu7-kaeLoh4v"		/* passes Barong's policy */

/*
 * A request as u; checks the status and, when expect is set, the body:
 * an extended regex when it starts with '^', else the exact text.
 * Returns the response (free with ht_resp_free).
 */
static void
as(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *ctype, const char *body, long status,
    const char *expect, struct ht_resp *out)
{
	struct ht_resp	 r;
	const char	*b;
	int		 ok;

	memset(&r, 0, sizeof(r));
	if (ht_as(u, method, path, ctype, body, body ? strlen(body) : 0, NULL,
	    &r) == -1) {
		ht_check(0, name, "%s %s: no response", method, path);
		if (out != NULL)
			*out = r;
		return;
	}
	b = r.body ? r.body : "";
	ok = r.status == status;
	if (ok && expect != NULL)
		ok = expect[0] == '^' ? ht_match(expect, b) :
		    strcmp(expect, b) == 0;
	ht_check(ok, name, "%s %s: %ld %s (want %ld %s)", method, path,
	    r.status, b, status, expect ? expect : "");
	if (out != NULL)
		*out = r;
	else
		ht_resp_free(&r);
}

/* as() without the response. */
static void
chk(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *ctype, const char *body, long status,
    const char *expect)
{
	as(u, name, method, path, ctype, body, status, expect, NULL);
}

static const char *
sqlf(const char *sql, const char *a, const char *b)
{
	const char	*p[2] = { a, b };

	return ht_sql(sql, p, b != NULL ? 2 : 1);
}

static const char *
id_of(const struct ht_user *u)
{
	static char	buf[4][32];
	static int	i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%lld", u->id);
	return buf[i];
}

/* ------------------------------------------------------- users/me */

static void
test_me(void)
{
	struct ht_user	 u, p;
	char		 re[2048], body[4096], *s;
	size_t		 i;

	ht_user_new(&u, "me", 0);
	snprintf(re, sizeof(re), "^\\{\"email\":\"%s\",\"uid\":\"%s\","
	    "\"role\":\"(member|superadmin)\",\"level\":1,\"otp\":false,"
	    "\"state\":\"active\","
	    "\"referral_uid\":null,\"data\":null,\"username\":null,"
	    "\"labels\":\\[\\{\"key\":\"email\",\"value\":\"verified\","
	    "\"scope\":\"private\",\"created_at\":\"" TS "\",\"updated_at\":\""
	    TS "\"\\}\\],\"phones\":\\[\\],\"profiles\":\\[\\],"
	    "\"data_storages\":\\[\\],\"created_at\":\"" TS "\","
	    "\"updated_at\":\"" TS "\"\\}$", u.email, u.uid);
	chk(&u, "GET users/me", "GET", R "/users/me", NULL, NULL, 200, re);
	chk(&u, "GET users/me, stripped mount", "GET",
	    "/api/v2/resource/users/me", NULL, NULL, 200, re);
	chk(&u, "HEAD users/me", "HEAD", R "/users/me", NULL, NULL, 200, NULL);
	chk(&u, "POST users/me is no route", "POST", R "/users/me", NULL, NULL,
	    404, "{\"error\":\"Route is not found\"}");
	ht_user_new(&p, "mepending", 1);
	chk(&p, "GET users/me pending", "GET", R "/users/me", NULL, NULL, 200,
	    "^\\{\"email\":\"[^\"]+\",\"uid\":\"ID[0-9A-F]{10}\",\"role\":"
	    "\"member\",\"level\":0,\"otp\":false,\"state\":\"pending\","
	    ".*\"labels\":\\[\\],");

	/* PUT: parameter and model errors */
	chk(&u, "PUT me nothing", "PUT", R "/users/me", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.missing_data\","
	    "\"resource.user.empty_data\"]}");
	chk(&u, "PUT me empty", "PUT", R "/users/me", FORM, "data=+", 422,
	    "{\"errors\":[\"resource.user.empty_data\"]}");
	chk(&u, "PUT me array", "PUT", R "/users/me", JSON, "{\"data\":[1]}",
	    422, "{\"errors\":[\"invalid\"]}");
	chk(&u, "PUT me not JSON", "PUT", R "/users/me", FORM, "data=%7Bx",
	    422, "{\"errors\":[\"data.invalid_format\"]}");
	memset(body, 'a', 1030);
	memcpy(body, "data=", 5);
	body[1030] = '\0';
	chk(&u, "PUT me long, not JSON", "PUT", R "/users/me", FORM, body,
	    422, "{\"errors\":[\"data.too_long\",\"data.invalid_format\"]}");
	/* 1025 characters of JSON text */
	s = body;
	s += sprintf(s, "{\"data\":\"\\\"");
	for (i = 0; i < 1023; i++)
		*s++ = 'b';
	sprintf(s, "\\\"\"}");
	chk(&u, "PUT me 1025 chars", "PUT", R "/users/me", JSON, body, 422,
	    "{\"errors\":[\"data.too_long\"]}");
	/* 1024 characters, 2046 bytes: the limit counts characters */
	s = body;
	s += sprintf(s, "{\"data\":\"\\\"");
	for (i = 0; i < 1022; i++)
		s += sprintf(s, "\xc3\xa9");
	sprintf(s, "\\\"\"}");
	chk(&u, "PUT me 1024 characters", "PUT", R "/users/me", JSON, body,
	    200, "^\\{\"email\":.*\"data\":\"\\\\\"\xc3\xa9\xc3\xa9");
	chk(&u, "PUT me ok", "PUT", R "/users/me", JSON,
	    "{\"data\":\"{\\\"language\\\":\\\"en\\\"}\"}", 200,
	    "^\\{\"email\":\"[^\"]+\",.*\"state\":\"active\",\"referral_uid\":"
	    "null,\"data\":\"\\{\\\\\"language\\\\\":\\\\\"en\\\\\"\\}\","
	    "\"username\":null,\"labels\":\\[");
	ht_check(strcmp(sqlf("SELECT data FROM users WHERE id = $1::bigint",
	    id_of(&u), NULL), "{\"language\":\"en\"}") == 0, "PUT me stored",
	    "%s", sqlf("SELECT data FROM users WHERE id = $1::bigint",
	    id_of(&u), NULL));
	chk(&u, "PUT me bad JSON body", "PUT", R "/users/me", JSON, "{\"data\"",
	    500, "{\"errors\":[\"server.internal_error\"]}");
}

/* Enable 2FA for u with otp-tool; the base32 secret in secret. */
static int
otp_enable(const struct ht_user *u, char *secret, size_t len)
{
	char	 cmd[1024];
	FILE	*f;
	int	 ok;

	snprintf(cmd, sizeof(cmd), "%s/t/http/otp-tool -c %s/etc/resource.conf"
	    " enable %s", getenv("top_builddir"), getenv("BARONG_VAR"),
	    u->email);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	ok = fgets(secret, (int)len, f) != NULL;
	pclose(f);
	secret[strcspn(secret, "\n")] = '\0';
	ht_check(ok && *secret != '\0', "otp-tool enable", "%s", cmd);
	return ok ? 0 : -1;
}

static void
otp_code(const char *secret, int steps, char out[TOTP_DIGITS + 1])
{
	if (totp_code_at(secret, time(NULL) + steps * TOTP_PERIOD, out) == -1)
		strcpy(out, "000000");
}

static void
test_me_delete(void)
{
	struct ht_user	 u, v;
	char		 body[256], secret[64], code[TOTP_DIGITS + 1], bad[8];
	const char	*st;

	ht_user_new(&u, "del", 0);
	chk(&u, "DELETE me nothing", "DELETE", R "/users/me", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.missing_password\","
	    "\"resource.user.empty_password\"]}");
	chk(&u, "DELETE me empty otp", "DELETE", R "/users/me", FORM,
	    "password=&otp_code=", 422,
	    "{\"errors\":[\"resource.user.empty_password\","
	    "\"resource.user.empty_otp_code\"]}");
	chk(&u, "DELETE me wrong password", "DELETE", R "/users/me", FORM,
	    "password=Wrong-pass1", 422,
	    "{\"errors\":[\"resource.user.invalid_password\"]}");
	/* an active API key of his, and one of his service account's */
	sqlf("INSERT INTO apikeys (key_holder_account_id, kid, algorithm)"
	    " VALUES ($1::bigint, $2, 'HS256')", id_of(&u), u.uid);
	sqlf("INSERT INTO service_accounts (uid, owner_id, email, state)"
	    " VALUES ('SI' || substr($2, 3), $1::bigint, 'sa-' || $2, 'active')",
	    id_of(&u), u.uid);
	sqlf("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm)"
	    " SELECT id, 'ServiceAccount', 'sa' || $1, 'HS256'"
	    " FROM service_accounts WHERE email = 'sa-' || $1", u.uid, NULL);
	snprintf(body, sizeof(body), "{\"password\":\"%s\"}", u.password);
	chk(&u, "DELETE me", "DELETE", R "/users/me", JSON, body, 200, "200");
	st = sqlf("SELECT state || ' ' || (SELECT string_agg(key || ':' ||"
	    " value || ':' || scope, ',') FROM labels WHERE user_id = u.id)"
	    " FROM users u WHERE id = $1::bigint", id_of(&u), NULL);
	ht_check(strcmp(st, "deleted email:verified:private,"
	    "delete:by_user:private") == 0, "deleted by label", "%s", st);
	st = sqlf("SELECT string_agg(state, ',') FROM apikeys"
	    " WHERE kid IN ($1::text, 'sa' || $1::text)", u.uid, NULL);
	ht_check(strcmp(st, "inactive,inactive") == 0, "keys deactivated",
	    "%s", st);
	st = sqlf("SELECT state FROM service_accounts WHERE email = 'sa-' || $1",
	    u.uid, NULL);
	ht_check(strcmp(st, "deleted") == 0, "service account deleted", "%s",
	    st);
	chk(&u, "deleted user refused", "GET", R "/users/me", NULL, NULL, 401,
	    "{\"errors\":[\"authz.user_not_active\"]}");

	/* with 2FA */
	ht_user_new(&v, "del2fa", 0);
	if (otp_enable(&v, secret, sizeof(secret)) == -1)
		return;
	snprintf(body, sizeof(body), "{\"password\":\"%s\"}", v.password);
	chk(&v, "DELETE me 2FA, no code", "DELETE", R "/users/me", JSON, body,
	    422, "{\"errors\":[\"resource.user.missing_otp_code\"]}");
	otp_code(secret, -1, code);
	snprintf(bad, sizeof(bad), "%06d", (atoi(code) + 1) % 1000000);
	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"otp_code\":\"%s\"}",
	    v.password, bad);
	chk(&v, "DELETE me 2FA, wrong code", "DELETE", R "/users/me", JSON,
	    body, 422, "{\"errors\":[\"resource.user.invalid_otp\"]}");
	snprintf(body, sizeof(body), "{\"password\":\"Wrong-pass1\","
	    "\"otp_code\":\"%s\"}", code);
	chk(&v, "DELETE me 2FA, wrong password first", "DELETE",
	    R "/users/me", JSON, body, 422,
	    "{\"errors\":[\"resource.user.invalid_password\"]}");
	otp_code(secret, 0, code);
	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"otp_code\":\"%s\"}",
	    v.password, code);
	chk(&v, "DELETE me 2FA", "DELETE", R "/users/me", JSON, body, 200,
	    "200");
	st = sqlf("SELECT state FROM users WHERE id = $1::bigint", id_of(&v),
	    NULL);
	ht_check(strcmp(st, "deleted") == 0, "deleted with 2FA", "%s", st);
}

/* A second user with 2FA: a reused code is totp.error. */
static void
test_me_delete_replay(void)
{
	struct ht_user	 u;
	char		 body[256], secret[64], code[TOTP_DIGITS + 1];

	ht_user_new(&u, "delreplay", 0);
	if (otp_enable(&u, secret, sizeof(secret)) == -1)
		return;
	otp_code(secret, 0, code);
	/* use the code once (login), then try it again */
	if (ht_user_login(&u, code) == -1) {
		ht_check(0, "login with 2FA", "%s", u.email);
		return;
	}
	snprintf(body, sizeof(body), "{\"password\":\"%s\",\"otp_code\":\"%s\"}",
	    u.password, code);
	chk(&u, "DELETE me reused code", "DELETE", R "/users/me", JSON, body,
	    422, "{\"errors\":[\"totp.error\"]}");
}

/* --------------------------------------------------------- password */

static void
test_password(void)
{
	struct ht_user	 u;
	char		 body[512], re[512];
	const char	*n;

	ht_user_new(&u, "pw", 0);
	chk(&u, "password nothing", "PUT", R "/users/password", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.missing_old_password\","
	    "\"resource.user.empty_old_password\","
	    "\"resource.user.missing_new_password\","
	    "\"resource.user.empty_new_password\","
	    "\"resource.user.missing_confirm_password\","
	    "\"resource.user.empty_confirm_password\"]}");
	chk(&u, "password blanks", "PUT", R "/users/password", FORM,
	    "old_password=&new_password=+&confirm_password=x", 422,
	    "{\"errors\":[\"resource.user.empty_old_password\","
	    "\"resource.user.empty_new_password\"]}");
	chk(&u, "password mismatch", "PUT", R "/users/password", FORM,
	    "old_password=wrong&new_password=" NEWPW "&confirm_password=x",
	    422, "{\"errors\":[\"resource.password.doesnt_match\"]}");
	chk(&u, "password old wrong", "PUT", R "/users/password", FORM,
	    "old_password=wrong&new_password=" NEWPW "&confirm_password="
	    NEWPW, 400,
	    "{\"errors\":[\"resource.password.prev_pass_not_correct\"]}");
	snprintf(body, sizeof(body), "{\"old_password\":\"%s\","
	    "\"new_password\":\"%s\",\"confirm_password\":\"%s\"}",
	    u.password, u.password, u.password);
	chk(&u, "password unchanged", "PUT", R "/users/password", JSON, body,
	    400, "{\"errors\":[\"resource.password.no_change_provided\"]}");
	snprintf(body, sizeof(body), "{\"old_password\":\"%s\","
	    "\"new_password\":\"Password1\",\"confirm_password\":\"Password1\"}",
	    u.password);
	chk(&u, "password weak", "PUT", R "/users/password", JSON, body, 422,
	    "{\"errors\":[\"password.weak\"]}");
	snprintf(body, sizeof(body), "{\"old_password\":\"%s\","
	    "\"new_password\":\"alllowercase\","
	    "\"confirm_password\":\"alllowercase\"}", u.password);
	chk(&u, "password requirements", "PUT", R "/users/password", JSON,
	    body, 422, "{\"errors\":[\"password.requirements\"]}");
	n = sqlf("SELECT count(*) FROM activities WHERE user_id = $1::bigint"
	    " AND topic = 'password' AND action = 'password change'"
	    " AND result = 'failed' AND data IS NOT NULL", id_of(&u), NULL);
	ht_check(strcmp(n, "5") == 0, "password failures recorded", "%s", n);

	/* the activity entity, exactly */
	snprintf(re, sizeof(re), "^\\[\\{\"id\":[0-9]+,\"user_ip\":"
	    "\"127\\.0\\.0\\.1\",\"user_ip_country\":null,\"user_agent\":"
	    "\"Mozilla/5\\.0 [^\"]+\",\"topic\":\"password\",\"action\":"
	    "\"password change\",\"result\":\"failed\",\"data\":"
	    "\"\\{\\\\\"reason\\\\\":\\\\\"Password [^\"]+\\\\\"\\}\","
	    "\"created_at\":\"" TS "\"\\}\\]$");
	chk(&u, "activity entity", "GET", R "/users/activity/password?limit=1",
	    NULL, NULL, 200, re);
	chk(&u, "activity reasons", "GET", R "/users/activity/password", NULL,
	    NULL, 200, "^.*New password cant be the same, as old one.*"
	    "Previous password is not correct.*New passwords don't match");

	snprintf(body, sizeof(body), "{\"old_password\":\"%s\","
	    "\"new_password\":\"" NEWPW "\",\"confirm_password\":\"" NEWPW
	    "\"}", u.password);
	chk(&u, "password changed", "PUT", R "/users/password", JSON, body, 201,
	    "201");
	chk(&u, "session survives", "GET", R "/users/me", NULL, NULL, 200,
	    NULL);
	chk(&u, "change succeeded recorded", "GET",
	    R "/users/activity/password?result=succeed", NULL, NULL, 200,
	    "^\\[\\{\"id\":[0-9]+,.*\"action\":\"password change\","
	    "\"result\":\"succeed\",\"data\":null,");
	ht_check(ht_user_login(&u, NULL) == -1, "old password refused", "%s",
	    u.email);
	strcpy(u.password, NEWPW);
	ht_check(ht_user_login(&u, NULL) == 0, "new password accepted", "%s",
	    u.email);
}

/* --------------------------------------------------------- activity */

static void
test_activity(void)
{
	struct ht_user	 u;
	struct ht_resp	 r;
	char		*h, path[256];
	int		 i;

	ht_user_new(&u, "act", 0);
	chk(&u, "activity none of a topic", "GET", R "/users/activity/session",
	    NULL, NULL, 422, "{\"errors\":[\"resource.user.no_activity\"]}");
	chk(&u, "activity wrong topic", "GET", R "/users/activity/trade", NULL,
	    NULL, 422, "{\"errors\":[\"resource.user.wrong_topic\"]}");
	chk(&u, "activity blank topic", "GET", R "/users/activity/%20", NULL,
	    NULL, 422, "{\"errors\":[\"resource.user.empty_topic\"]}");
	chk(&u, "activity bad params first", "GET",
	    R "/users/activity/trade?time_from=x&time_to=1.5&result[]=a"
	    "&page=0&limit=101", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.non_integer_time_from\","
	    "\"resource.user.non_integer_time_to\","
	    "\"resource.user.non_string_result\",\"non_positive_page\","
	    "\"invalid_limit\"]}");
	chk(&u, "activity blank filters", "GET",
	    R "/users/activity/all?time_from=&time_to=&result=+", NULL, NULL,
	    422, "{\"errors\":[\"resource.user.empty_time_from\","
	    "\"resource.user.empty_time_to\",\"resource.user.empty_result\"]}");
	chk(&u, "activity page not integer", "GET",
	    R "/users/activity/all?page=x&limit=y", NULL, NULL, 422,
	    "{\"errors\":[\"non_integer_page\",\"non_positive_page\","
	    "\"non_integer_limit\",\"invalid_limit\"]}");
	chk(&u, "activity huge time", "GET",
	    R "/users/activity/all?time_from=99999999999999", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.no_activity\"]}");
	chk(&u, "activity time_to in the past", "GET",
	    R "/users/activity/all?time_to=-99999999999999", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.no_activity\"]}");
	chk(&u, "activity result filter", "GET",
	    R "/users/activity/all?result=failed", NULL, NULL, 422,
	    "{\"errors\":[\"resource.user.no_activity\"]}");
	chk(&u, "activity signup", "GET",
	    R "/users/activity/account?time_from=1&time_to=99999999999",
	    NULL, NULL, 200, "^\\[\\{\"id\":[0-9]+,\"user_ip\":\"127\\.0\\.0\\.1"
	    "\",\"user_ip_country\":null,\"user_agent\":\"Mozilla[^\"]+\","
	    "\"topic\":\"account\",\"action\":\"signup\",\"result\":"
	    "\"succeed\",\"data\":null,\"created_at\":\"" TS "\"\\}\\]$");

	/* five logins: six activities in all */
	for (i = 0; i < 5; i++)
		if (ht_user_login(&u, NULL) == -1)
			ht_check(0, "login", "%s", u.email);
	as(&u, "activity page 1", "GET", R "/users/activity/all?limit=2", NULL,
	    NULL, 200, "^\\[\\{\"id\":[0-9]+,[^]]*\"topic\":\"session\","
	    "\"action\":\"login\",.*\\},\\{\"id\":[0-9]+,.*\\}\\]$", &r);
	h = ht_header(&r, "Total");
	ht_check(h && strcmp(h, "6") == 0, "Total", "%s", h ? h : "");
	free(h);
	h = ht_header(&r, "Per-Page");
	ht_check(h && strcmp(h, "2") == 0, "Per-Page", "%s", h ? h : "");
	free(h);
	h = ht_header(&r, "Page");
	ht_check(h && strcmp(h, "1") == 0, "Page", "%s", h ? h : "");
	free(h);
	h = ht_header(&r, "Link");
	ht_check(h && ht_match("^<http://127\\.0\\.0\\.1(:[0-9]+)?/api/v2/barong/"
	    "resource/users/activity/all\\?limit=2&page=3>; rel=\"last\", "
	    "<http://[^>]+/users/activity/all\\?limit=2&page=2>; "
	    "rel=\"next\"$", h), "Link page 1", "%s", h ? h : "");
	free(h);
	ht_resp_free(&r);
	as(&u, "activity page 2", "GET",
	    R "/users/activity/all?page=2&limit=2&result=succeed", NULL, NULL,
	    200, NULL, &r);
	h = ht_header(&r, "Link");
	ht_check(h && ht_match("^<[^>]+/users/activity/all\\?limit=2&page=1"
	    "&result=succeed>; rel=\"first\", <[^>]+\\?limit=2&page=1&result="
	    "succeed>; rel=\"prev\", <[^>]+\\?limit=2&page=3&result=succeed>; "
	    "rel=\"last\", <[^>]+\\?limit=2&page=3&result=succeed>; "
	    "rel=\"next\"$", h), "Link page 2", "%s", h ? h : "");
	free(h);
	ht_resp_free(&r);
	as(&u, "activity last page", "GET",
	    R "/users/activity/all?page=3&limit=2", NULL, NULL, 200,
	    "^\\[\\{.*\"action\":\"login\".*\\},\\{.*\"action\":\"signup\","
	    ".*\\}\\]$", &r);
	h = ht_header(&r, "Link");
	ht_check(h && ht_match("rel=\"first\", .*rel=\"prev\"$", h),
	    "Link last page", "%s", h ? h : "");
	free(h);
	ht_resp_free(&r);
	chk(&u, "activity past the end", "GET",
	    R "/users/activity/all?page=9&limit=2", NULL, NULL, 200, "[]");
	chk(&u, "activity topic session", "GET",
	    R "/users/activity/session?limit=100", NULL, NULL, 200,
	    "^\\[(\\{[^{}]*\"topic\":\"session\"[^{}]*\\},){4}\\{[^{}]*\\}\\]$");
	/* newest first */
	snprintf(path, sizeof(path), R "/users/activity/all?limit=1&page=6");
	chk(&u, "activity oldest last", "GET", path, NULL, NULL, 200,
	    "^\\[\\{[^{}]*\"action\":\"signup\"[^{}]*\\}\\]$");
}

/* ----------------------------------------------------------- labels */

#define LABEL(k, v, s) "\\{\"key\":\"" k "\",\"value\":\"" v "\",\"scope\":\"" \
	s "\",\"created_at\":\"" TS "\",\"updated_at\":\"" TS "\"\\}"

static void
test_labels(void)
{
	struct ht_user	 u, v;
	char		 body[1024];
	const char	*st;

	ht_user_new(&u, "lbl", 0);
	ht_user_new(&v, "lblp", 1);
	chk(&v, "labels none", "GET", R "/labels", NULL, NULL, 200, "[]");
	chk(&u, "labels", "GET", R "/labels", NULL, NULL, 200,
	    "^\\[" LABEL("email", "verified", "private") "\\]$");
	chk(&u, "labels bad ordering", "GET", R "/labels?ordering=up", NULL,
	    NULL, 422, "{\"errors\":[\"value\"]}");
	chk(&u, "label create nothing", "POST", R "/labels", NULL, NULL, 422,
	    "{\"errors\":[\"resource.label.missing_key\","
	    "\"resource.label.empty_key\",\"resource.label.missing_value\","
	    "\"resource.label.empty_value\"]}");
	chk(&u, "label create blank", "POST", R "/labels", FORM,
	    "key=+&value=", 422, "{\"errors\":[\"resource.label.empty_key\","
	    "\"resource.label.empty_value\"]}");
	chk(&u, "label create short", "POST", R "/labels", FORM,
	    "key=ab&value=x", 422,
	    "{\"errors\":[\"key.too_short\",\"value.too_short\"]}");
	chk(&u, "label create invalid", "POST", R "/labels", FORM,
	    "key=a+b+c&value=x%2Fy%21", 422,
	    "{\"errors\":[\"key.invalid\",\"value.invalid\"]}");
	chk(&u, "label create unicode", "POST", R "/labels", JSON,
	    "{\"key\":\"\xc3\xa9t\xc3\xa9\",\"value\":\"ok_value\"}", 422,
	    "{\"errors\":[\"key.invalid\"]}");
	memset(body, 'k', sizeof(body));
	memcpy(body, "key=", 4);
	snprintf(body + 260, sizeof(body) - 260, "&value=%s", "vvv");
	chk(&u, "label create long", "POST", R "/labels", FORM, body, 422,
	    "{\"errors\":[\"key.too_long\"]}");
	chk(&u, "label create array", "POST", R "/labels", JSON,
	    "{\"key\":[\"a\"],\"value\":{\"a\":1}}", 422,
	    "{\"errors\":[\"invalid\"]}");
	chk(&u, "label create", "POST", R "/labels", FORM,
	    "key=+My_Key++&value=%09VaLue-1+", 201,
	    "^" LABEL("my_key", "value-1", "public") "$");
	chk(&u, "label create taken", "POST", R "/labels", FORM,
	    "key=MY_KEY&value=x", 422,
	    "{\"errors\":[\"key.taken\",\"value.too_short\"]}");
	chk(&u, "label create public twin of a private", "POST", R "/labels",
	    JSON, "{\"key\":\"email\",\"value\":\"mine\"}", 201,
	    "^" LABEL("email", "mine", "public") "$");
	chk(&u, "labels asc", "GET", R "/labels", NULL, NULL, 200,
	    "^\\[" LABEL("email", "verified", "private") ","
	    LABEL("my_key", "value-1", "public") ","
	    LABEL("email", "mine", "public") "\\]$");
	chk(&u, "labels desc", "GET", R "/labels?ordering=desc", NULL, NULL,
	    200, "^\\[" LABEL("email", "mine", "public") ","
	    LABEL("my_key", "value-1", "public") ","
	    LABEL("email", "verified", "private") "\\]$");
	chk(&u, "label get first of a key", "GET", R "/labels/email", NULL,
	    NULL, 200, "^" LABEL("email", "verified", "private") "$");
	chk(&u, "label get", "GET", R "/labels/my_key", NULL, NULL, 200,
	    "^" LABEL("my_key", "value-1", "public") "$");
	chk(&u, "label get exact key", "GET", R "/labels/MY_KEY", NULL, NULL,
	    404, "{\"errors\":[\"record.not_found\"]}");
	chk(&u, "label get blank key", "GET", R "/labels/%20", NULL, NULL,
	    422, "{\"errors\":[\"resource.label.empty_key\"]}");
	chk(&v, "label of another user", "GET", R "/labels/my_key", NULL, NULL,
	    404, "{\"errors\":[\"record.not_found\"]}");
	chk(&u, "label patch private", "PATCH", R "/labels/email", FORM,
	    "value=other", 400, "{\"errors\":[\"resource.labels.private\"]}");
	chk(&u, "label delete private", "DELETE", R "/labels/email", NULL,
	    NULL, 400, "{\"errors\":[\"resource.labels.private\"]}");
	chk(&u, "label patch no value", "PATCH", R "/labels/my_key", NULL,
	    NULL, 422, "{\"errors\":[\"resource.label.missing_value\","
	    "\"resource.label.empty_value\"]}");
	chk(&u, "label patch unknown", "PATCH", R "/labels/nope", FORM,
	    "value=abc", 404, "{\"errors\":[\"record.not_found\"]}");
	chk(&u, "label patch invalid value", "PATCH", R "/labels/my_key", FORM,
	    "value=no+good", 422, "{\"errors\":[\"value.invalid\"]}");
	chk(&u, "label patch short value", "PATCH", R "/labels/my_key", FORM,
	    "value=ab", 422, "{\"errors\":[\"value.too_short\"]}");
	chk(&u, "label kept after refused patch", "GET", R "/labels/my_key",
	    NULL, NULL, 200, "^" LABEL("my_key", "value-1", "public") "$");
	chk(&u, "label patch", "PATCH", R "/labels/my_key", JSON,
	    "{\"value\":\" New_V \",\"key\":\"ignored\"}", 200,
	    "^" LABEL("my_key", "new_v", "public") "$");
	chk(&u, "label patched", "GET", R "/labels/my_key", NULL, NULL, 200,
	    "^" LABEL("my_key", "new_v", "public") "$");
	chk(&u, "label patch, same value", "PATCH", R "/labels/my_key", FORM,
	    "value=NEW_V", 200, "^" LABEL("my_key", "new_v", "public") "$");
	st = sqlf("SELECT count(*) || ' ' || min(payload->>'value')"
	    " FROM outbox WHERE user_id = $1::bigint AND event = 'label.updated'",
	    id_of(&u), NULL);
	ht_check(strcmp(st, "1 new_v") == 0, "one label.updated queued", "%s",
	    st);
	ht_check(ht_mail_wait(u.email, "my_key is now new_v", 15000) != NULL,
	    "Label Updated mailed", "%s", u.email);
	chk(&u, "label delete unknown", "DELETE", R "/labels/nope", NULL, NULL,
	    404, "{\"errors\":[\"record.not_found\"]}");
	chk(&u, "label delete", "DELETE", R "/labels/my_key", NULL, NULL, 204,
	    "");
	chk(&u, "label deleted", "GET", R "/labels/my_key", NULL, NULL, 404,
	    "{\"errors\":[\"record.not_found\"]}");
	st = sqlf("SELECT state || ' ' || level FROM users WHERE id = $1::bigint",
	    id_of(&u), NULL);
	ht_check(strcmp(st, "active 1") == 0, "public labels leave the state",
	    "%s", st);

	/* a public label with a state-trigger key applies at once */
	chk(&v, "label trigger key", "POST", R "/labels", FORM,
	    "key=lock&value=please", 201,
	    "^" LABEL("lock", "please", "public") "$");
	st = sqlf("SELECT state FROM users WHERE id = $1::bigint", id_of(&v),
	    NULL);
	ht_check(strcmp(st, "locked") == 0, "trigger label locks", "%s", st);
	chk(&v, "locked user refused", "GET", R "/labels", NULL, NULL, 401,
	    "{\"errors\":[\"authz.user_not_active\"]}");
}

/* ----------------------------------------------------- data storage */

static void
test_storage(void)
{
	struct ht_user	 u;
	char		 body[6000], *s;
	const char	*st;
	size_t		 i;

	ht_user_new(&u, "store", 0);
	chk(&u, "storage nothing", "POST", R "/data_storage", NULL, NULL, 422,
	    "{\"errors\":[\"resource.datastorage.missing_title\","
	    "\"resource.datastorage.empty_title\","
	    "\"resource.datastorage.missing_data\","
	    "\"resource.datastorage.empty_data\"]}");
	chk(&u, "storage unknown title, bad data", "POST", R "/data_storage",
	    FORM, "title=bogus&data=x", 422,
	    "{\"errors\":[\"data.invalid_format\",\"title.inclusion\"]}");
	chk(&u, "storage reserved title", "POST", R "/data_storage", FORM,
	    "title=user&data=%7B%7D", 422, "{\"errors\":[\"title.exclusion\"]}");
	s = body;
	s += sprintf(s, "title=personal&data=%%22");
	for (i = 0; i < 5120; i++)
		*s++ = 'd';
	sprintf(s, "%%22");
	chk(&u, "storage data too long", "POST", R "/data_storage", FORM, body,
	    422, "{\"errors\":[\"data.too_long\"]}");
	chk(&u, "storage", "POST", R "/data_storage", JSON,
	    "{\"title\":\"personal\",\"data\":\"{\\\"a\\\":1}\"}", 201, "201");
	chk(&u, "storage taken", "POST", R "/data_storage", JSON,
	    "{\"title\":\"personal\",\"data\":\"{}\"}", 422,
	    "{\"errors\":[\"title.taken\"]}");
	chk(&u, "storage taken, any case", "POST", R "/data_storage", JSON,
	    "{\"title\":\"PERSONAL\",\"data\":\"{}\"}", 422,
	    "{\"errors\":[\"title.taken\",\"title.inclusion\"]}");
	chk(&u, "storage no label for its title", "POST", R "/data_storage",
	    FORM, "title=Company+Info&data=%5B1%2C2%5D", 201, "201");
	chk(&u, "storage in users/me", "GET", R "/users/me", NULL, NULL, 200,
	    "^.*\"labels\":\\[" LABEL("email", "verified", "private") ","
	    LABEL("personal", "recorded", "private") "\\],.*"
	    "\"data_storages\":\\[\\{\"title\":\"personal\",\"data\":"
	    "\"\\{\\\\\"a\\\\\":1\\}\",\"created_at\":\"" TS "\",\"updated_at\":"
	    "\"" TS "\"\\},\\{\"title\":\"Company Info\",\"data\":\"\\[1,2\\]\","
	    "\"created_at\":\"" TS "\",\"updated_at\":\"" TS "\"\\}\\],");
	st = sqlf("SELECT state || ' ' || level FROM users WHERE id = $1::bigint",
	    id_of(&u), NULL);
	ht_check(strcmp(st, "active 1") == 0, "storage label keeps state",
	    "%s", st);
}

/* ---------------------------------------------------------- swagger */

static void
test_swagger(void)
{
	struct ht_user	 u;
	struct ht_resp	 r;
	char		*h;

	ht_user_new(&u, "swag", 1);
	as(&u, "swagger_doc", "GET", R "/swagger_doc", NULL, NULL, 200,
	    "^\\{\"info\":\\{\"title\":\"Barong\",.*\"swagger\":\"2\\.0\",.*"
	    "\"securityDefinitions\":\\{\"BearerToken\":.*\"basePath\":"
	    "\"/api/v2/barong\",.*\"/api/v2/barong/resource/users/me\":.*"
	    "\"definitions\":\\{", &r);
	ht_check(r.body && !ht_match("/identity/|/public/|swagger_doc",
	    r.body), "swagger_doc resource paths only", "%.200s",
	    r.body ? r.body : "");
	h = ht_header(&r, "Access-Control-Allow-Origin");
	ht_check(h && strcmp(h, "*") == 0, "swagger CORS", "%s", h ? h : "");
	free(h);
	ht_resp_free(&r);
	as(&u, "swagger_doc/labels", "GET", R "/swagger_doc/labels", NULL,
	    NULL, 200, "^.*\"paths\":\\{\"/api/v2/barong/resource/labels/\\{key\\}"
	    "\":", &r);
	ht_check(r.body && !ht_match("resource/users|resource/phones",
	    r.body), "swagger_doc/labels only labels", "%.200s",
	    r.body ? r.body : "");
	ht_resp_free(&r);
	chk(&u, "swagger_doc unknown", "GET", R "/swagger_doc/nope", NULL, NULL,
	    400, "{\"error\":\"named resource not exist\"}");
	chk(&u, "swagger_doc of itself", "GET", R "/swagger_doc/swagger_doc",
	    NULL, NULL, 400, "{\"error\":\"named resource not exist\"}");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	ht_init();
	test_me();
	test_me_delete();
	test_me_delete_replay();
	test_password();
	test_activity();
	test_labels();
	test_storage();
	test_swagger();
	return ht_done();
}
