/*
 * /resource/phones* (user-api.md §5.10) through the gateway, black-box:
 * every endpoint, the order of its checks and every error code, with the
 * stack's phone_verification = mock (sends nothing, accepts any code for
 * an owned number).  The database shows that numbers are sealed and
 * indexed, codes are 5 digits and survive a resend, and verification adds
 * the private label phone:verified (level 2) and queues its mail.  The
 * other providers (file, command, Twilio against a fake) are covered by
 * t/unit/test_sms.
 *
 * Numbers are made from the pid, so that runs do not share them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "htest.h"

#define R	"/api/v2/barong/resource"
#define JSON	"application/json"
#define FORM	"application/x-www-form-urlencoded"

static struct ht_resp	resp;

/* POST body (JSON) as u; the response is in resp. */
static void
post(const struct ht_user *u, const char *path, const char *body)
{
	ht_resp_free(&resp);
	memset(&resp, 0, sizeof(resp));
	if (ht_as(u, "POST", path, JSON, body, strlen(body), NULL, &resp) ==
	    -1)
		resp.status = -1;
}

static void
get(const struct ht_user *u, const char *path)
{
	ht_resp_free(&resp);
	memset(&resp, 0, sizeof(resp));
	if (ht_as(u, "GET", path, NULL, NULL, 0, NULL, &resp) == -1)
		resp.status = -1;
}

static void
expect(const char *name, long status, const char *body)
{
	ht_check(resp.status == status && resp.body != NULL &&
	    strcmp(resp.body, body) == 0, name, "got %ld %s, want %ld %s",
	    resp.status, resp.body ? resp.body : "", status, body);
}

static void
expect_re(const char *name, long status, const char *re)
{
	ht_check(resp.status == status && resp.body != NULL &&
	    ht_match(re, resp.body), name, "got %ld %s, want %ld /%s/",
	    resp.status, resp.body ? resp.body : "", status, re);
}

static void
expect_sql(const char *name, const char *sql, const char *arg,
    const char *want)
{
	const char	*got = ht_sql(sql, (const char *[]){ arg }, arg ? 1 : 0);

	ht_check(strcmp(got, want) == 0, name, "got '%s', want '%s'", got,
	    want);
}

static const char *
idstr(const struct ht_user *u)
{
	static char	buf[4][32];
	static int	i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%lld", u->id);
	return buf[i];
}

#define SENT_SMS	"{\"message\":\"Code was sent successfully via sms\"}"
#define SENT_CALL	"{\"message\":\"Code was sent successfully via call\"}"
#define E(code)		"{\"errors\":[\"resource.phone." code "\"]}"

int
main(void)
{
	struct ht_user	 a, b, c;
	char		 uk[16], uk_fmt[64], ru[16], us[16], body[2048];
	char		*big;
	unsigned	 n = (unsigned)getpid() % 10000;
	const char	*code;

	ht_init();
	/* 07418 0xxxxx: UK mobile numbers. */
	snprintf(uk, sizeof(uk), "4474180%05u", n);
	snprintf(uk_fmt, sizeof(uk_fmt), "+44 (0) 7418-0%02u %03u", n / 1000,
	    n % 1000);
	snprintf(ru, sizeof(ru), "7922555%04u", n);
	snprintf(us, sizeof(us), "1415555%04u", n);
	ht_user_new(&a, "phones-a", 0);
	ht_user_new(&b, "phones-b", 0);
	ht_user_new(&c, "phones-c", 0);

	/* ------------------------------------------------ authentication */
	ht_resp_free(&resp);
	memset(&resp, 0, sizeof(resp));
	ht_request("GET", R "/phones", NULL, NULL, 0, NULL, &resp);
	ht_check(resp.status == 401, "GET /phones without a session",
	    "got %ld", resp.status);

	/* ------------------------------------------------------ list */
	get(&a, R "/phones");
	expect("GET /phones: none yet", 200, "[]");

	/* ------------------------------------------- parameter errors */
	post(&a, R "/phones", "{}");
	expect("POST /phones: no number", 422, "{\"errors\":["
	    "\"resource.phone.missing_phone_number\","
	    "\"resource.phone.empty_phone_number\"]}");
	post(&a, R "/phones", "{\"phone_number\":\" \"}");
	expect("POST /phones: blank number", 422,
	    E("empty_phone_number"));
	post(&a, R "/phones", "{\"channel\":\"fax\"}");
	expect("POST /phones: no number, bad channel", 422, "{\"errors\":["
	    "\"resource.phone.missing_phone_number\","
	    "\"resource.phone.empty_phone_number\","
	    "\"resource.phone.invalid_channel\"]}");
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"channel\":\"SMS\"}", uk);
	post(&a, R "/phones", body);
	expect("POST /phones: channel is case-sensitive", 422,
	    E("invalid_channel"));
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"channel\":\"\"}", uk);
	post(&a, R "/phones", body);
	expect("POST /phones: empty channel", 422, E("invalid_channel"));
	post(&a, R "/phones", "{\"phone_number\":[\"447418084106\"]}");
	expect("POST /phones: number as an array", 422,
	    "{\"errors\":[\"invalid\"]}");
	post(&a, R "/phones/send_code", "{\"channel\":\"x\"}");
	expect("send_code: no number, bad channel", 422, "{\"errors\":["
	    "\"resource.phone.missing_phone_number\","
	    "\"resource.phone.empty_phone_number\","
	    "\"resource.phone.invalid_channel\"]}");
	post(&a, R "/phones/verify", "{}");
	expect("verify: nothing", 422, "{\"errors\":["
	    "\"resource.phone.missing_phone_number\","
	    "\"resource.phone.empty_phone_number\","
	    "\"resource.phone.missing_verification_code\","
	    "\"resource.phone.empty_verification_code\"]}");
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"\"}", uk);
	post(&a, R "/phones/verify", body);
	expect("verify: empty code", 422, E("empty_verification_code"));

	/* ------------------------------------------------ invalid numbers */
	post(&a, R "/phones", "{\"phone_number\":\"12345\"}");
	expect("POST /phones: too short", 400, E("invalid_num"));
	post(&a, R "/phones", "{\"phone_number\":\"phone\"}");
	expect("POST /phones: no digits", 400, E("invalid_num"));
	post(&a, R "/phones", "{\"phone_number\":\"07418084106\"}");
	expect("POST /phones: national format", 400, E("invalid_num"));
	post(&a, R "/phones", "{\"phone_number\":\"+999 123456789\"}");
	expect("POST /phones: unknown country code", 400, E("invalid_num"));
	post(&a, R "/phones/send_code", "{\"phone_number\":\"+1\"}");
	expect("send_code: invalid", 400, E("invalid_num"));
	post(&a, R "/phones/verify", "{\"phone_number\":\"+1\","
	    "\"verification_code\":\"1\"}");
	expect("verify: invalid", 400, E("invalid_num"));
	big = malloc(200001);
	memset(big, '7', 200000);
	big[200000] = '\0';
	{
		char *b2 = malloc(200100);

		snprintf(b2, 200100, "{\"phone_number\":\"%s\"}", big);
		post(&a, R "/phones", b2);
		expect("POST /phones: 200000 digits", 400, E("invalid_num"));
		free(b2);
	}
	free(big);

	/* ------------------------------------------------------- add */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\"}", uk_fmt);
	post(&a, R "/phones", body);
	expect("POST /phones: added", 201, SENT_SMS);
	expect_sql("one phone row", "SELECT count(*) FROM phones"
	    " WHERE user_id = $1", idstr(&a), "1");
	expect_sql("country from the number", "SELECT country FROM phones"
	    " WHERE user_id = $1", idstr(&a), "GB");
	code = ht_sql("SELECT code FROM phones WHERE user_id = $1",
	    (const char *[]){ idstr(&a) }, 1);
	ht_check(ht_match("^[0-9]{5}$", code), "a 5-digit code", "got '%s'",
	    code);
	code = strdup(code);
	{
		const char *sealed = ht_sql("SELECT (number_encrypted ~ "
		    "'^v[0-9]+:[A-Za-z0-9+/=]+$' AND position('7418' in "
		    "number_encrypted) = 0 AND number_index <> 0"
		    " AND validated_at IS NULL)::text FROM phones"
		    " WHERE user_id = $1", (const char *[]){ idstr(&a) }, 1);

		ht_check(strcmp(sealed, "true") == 0,
		    "sealed number, index set, not validated", "got '%s'",
		    sealed);
	}
	get(&a, R "/phones");
	snprintf(body, sizeof(body), "[{\"country\":\"GB\",\"number\":"
	    "\"44******%.4s\",\"validated_at\":null}]", uk + 8);
	expect("GET /phones: masked", 200, body);

	/* The same number in any form: exists. */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\"}", uk);
	post(&a, R "/phones", body);
	expect("POST /phones: same number again", 400, E("exists"));
	snprintf(body, sizeof(body), "{\"phone_number\":\"%.2s0%s\"}", uk,
	    uk + 2);
	post(&a, R "/phones", body);
	expect("POST /phones: with the trunk prefix", 400, E("exists"));
	/* Form bodies and numbers as JSON numbers work too. */
	snprintf(body, sizeof(body), "phone_number=%s&channel=call", ru);
	ht_resp_free(&resp);
	memset(&resp, 0, sizeof(resp));
	ht_as(&a, "POST", R "/phones", FORM, body, strlen(body), NULL, &resp);
	expect("POST /phones: form, call", 201, SENT_CALL);
	snprintf(body, sizeof(body), "{\"phone_number\":%s}", us);
	post(&a, R "/phones", body);
	expect("POST /phones: a JSON number", 201, SENT_SMS);
	get(&a, R "/phones");
	snprintf(body, sizeof(body), "^\\[\\{\"country\":\"GB\",[^]]*\\},"
	    "\\{\"country\":\"RU\",\"number\":\"7\\*\\*\\*\\*\\*\\*%.4s\","
	    "\"validated_at\":null\\},\\{\"country\":\"US\",\"number\":"
	    "\"1\\*\\*\\*\\*\\*\\*%.4s\",\"validated_at\":null\\}\\]$",
	    ru + 7, us + 7);
	expect_re("GET /phones: three, in order", 200, body);

	/* -------------------------------------------------- send_code */
	snprintf(body, sizeof(body), "{\"phone_number\":\"+%s\"}", uk);
	post(&a, R "/phones/send_code", body);
	expect("send_code: resent", 201, SENT_SMS);
	snprintf(body, sizeof(body), "{\"phone_number\":\"+%s\","
	    "\"channel\":\"call\"}", uk);
	post(&a, R "/phones/send_code", body);
	expect("send_code: by call", 201, SENT_CALL);
	expect_sql("send_code keeps the code", "SELECT code FROM phones"
	    " WHERE user_id = $1 AND country = 'GB'", idstr(&a), code);
	post(&b, R "/phones/send_code", body);
	expect("send_code: another user's number", 404, E("doesnt_exist"));

	/* ----------------------------------------------------- verify */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"00000\"}", uk);
	post(&b, R "/phones/verify", body);
	expect("verify: another user's number", 404, E("doesnt_exist"));
	/* Mock: any code is accepted for an owned number. */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"not the code\"}", uk);
	post(&a, R "/phones/verify", body);
	snprintf(body, sizeof(body), "^\\{\"email\":\"%s\",\"uid\":\"%s\","
	    "\"role\":\"member\",\"level\":2,\"otp\":false,\"state\":\"active\","
	    "\"referral_uid\":null,\"data\":null,\"username\":null,"
	    "\"labels\":\\[\\{\"key\":\"email\",\"value\":\"verified\","
	    "\"scope\":\"private\",[^}]*\\},\\{\"key\":\"phone\","
	    "\"value\":\"verified\",\"scope\":\"private\",[^}]*\\}\\],"
	    "\"phones\":\\[\\{\"country\":\"GB\",\"number\":\"44\\*{6}%.4s\","
	    "\"validated_at\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	    "[0-9]{2}\\.[0-9]{3}Z\"\\},\\{\"country\":\"RU\",[^}]*\"validated_at\":"
	    "null\\},\\{\"country\":\"US\",[^}]*\\}\\],\"profiles\":\\[\\],"
	    "\"data_storages\":\\[\\],\"created_at\":\"[^\"]+Z\","
	    "\"updated_at\":\"[^\"]+Z\"\\}$", a.email, a.uid, uk + 8);
	expect_re("verify: 201 UserWithFullInfo, level 2", 201, body);
	expect_sql("validated_at set", "SELECT count(*) FROM phones"
	    " WHERE user_id = $1 AND validated_at IS NOT NULL", idstr(&a),
	    "1");
	expect_sql("phone:verified private label", "SELECT value || scope"
	    " FROM labels WHERE user_id = $1 AND key = 'phone'", idstr(&a),
	    "verifiedprivate");
	expect_sql("level 2", "SELECT level FROM users WHERE id = $1",
	    idstr(&a), "2");
	expect_sql("Phone verified mail queued", "SELECT count(*) FROM outbox"
	    " WHERE user_id = $1 AND event = 'label.created'"
	    " AND payload->>'key' = 'phone'", idstr(&a), "1");

	/* Verified: nobody can add, resend or verify it any more. */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\"}", uk);
	post(&a, R "/phones", body);
	expect("POST /phones: verified by him", 400, E("number_exist"));
	post(&b, R "/phones", body);
	expect("POST /phones: verified by another", 400, E("number_exist"));
	post(&a, R "/phones/send_code", body);
	expect("send_code: verified by him", 400, E("number_exist"));
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"1\"}", uk);
	post(&a, R "/phones/verify", body);
	expect("verify: verified already", 400, E("number_exist"));
	/* number_exist comes before doesnt_exist. */
	post(&b, R "/phones/verify", body);
	expect("verify: verified by another", 400, E("number_exist"));

	/* Two users with one unverified number: the first to verify wins. */
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\"}", ru);
	post(&b, R "/phones", body);
	expect("POST /phones: a number another user has unverified", 201,
	    SENT_SMS);
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"12345\"}", ru);
	post(&b, R "/phones/verify", body);
	expect_re("verify: b verifies it", 201, "\"level\":2,");
	post(&a, R "/phones/verify", body);
	expect("verify: a is too late", 400, E("number_exist"));
	expect_sql("one verified row for the number", "SELECT count(*)"
	    " FROM phones WHERE validated_at IS NOT NULL AND number_index ="
	    " (SELECT number_index FROM phones WHERE user_id = $1"
	    " AND country = 'RU')", idstr(&b), "1");

	/* An existing private phone label is left alone (Barong's
	 * labels.create fails on it). */
	ht_sql("INSERT INTO labels (user_id, key, value, scope)"
	    " VALUES ($1, 'phone', 'rejected', 'private')",
	    (const char *[]){ idstr(&c) }, 1);
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\"}", us);
	post(&c, R "/phones", body);
	expect("POST /phones: c adds a's unverified number", 201, SENT_SMS);
	snprintf(body, sizeof(body), "{\"phone_number\":\"%s\","
	    "\"verification_code\":\"x\"}", us);
	post(&c, R "/phones/verify", body);
	expect_re("verify: c, label kept", 201, "\"key\":\"phone\","
	    "\"value\":\"rejected\",\"scope\":\"private\"");
	expect_sql("c's label unchanged", "SELECT value FROM labels"
	    " WHERE user_id = $1 AND key = 'phone'", idstr(&c), "rejected");
	expect_sql("c stays at level 1", "SELECT level FROM users"
	    " WHERE id = $1", idstr(&c), "1");

	/* users/me shows the phones too. */
	get(&a, R "/users/me");
	snprintf(body, sizeof(body), "\"phones\":\\[\\{\"country\":\"GB\","
	    "\"number\":\"44\\*{6}%.4s\",\"validated_at\":\"[^\"]+\\.[0-9]{3}Z\"",
	    uk + 8);
	expect_re("users/me: phones", 200, body);

	/* Methods that do not exist. */
	ht_resp_free(&resp);
	memset(&resp, 0, sizeof(resp));
	ht_as(&a, "DELETE", R "/phones", NULL, NULL, 0, NULL, &resp);
	expect("DELETE /phones: no route", 404,
	    "{\"error\":\"Route is not found\"}");
	get(&a, R "/phones/verify");
	expect("GET /phones/verify: no route", 404,
	    "{\"error\":\"Route is not found\"}");

	free((char *)code);
	ht_resp_free(&resp);
	return ht_done();
}
