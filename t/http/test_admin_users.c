/*
 * The admin users part through the gateway (admin-api.md §7-9, §12):
 * every endpoint with its filters and error codes, the refusals per role
 * as a client sees them (the gateway's permission table first, then the
 * admin API's abilities), the side effects of a ban, a role change and a
 * 2FA reset (sessions end at once, API keys and service accounts follow),
 * label recomputation of level and state, comments, and barongctl user.
 *
 * Users are made by sign-up (ht_user_new) and given roles through SQL.
 * Everything this program adds is removed at the end, so that the other
 * programs find the stack as fresh as they expect.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "htest.h"

#define A	"/api/v2/barong/admin"
#define R	"/api/v2/barong/resource"
#define FORM	"application/x-www-form-urlencoded"
#define JSON	"application/json"
#define TAG	"admu"
#define POLL_MS	1500	/* permission changes reach the gateway within */
#define AF(fmt, ...)	f(A fmt, __VA_ARGS__)

static struct ht_user sa, adm, comp, sup, tech, acc, mem, nobody;

/* printf into one of a ring of buffers (valid for a few calls). */
static const char *
f(const char *fmt, ...)
{
	static char	ring[16][4096];
	static int	i;
	va_list		ap;
	char		*b = ring[i++ % 16];

	va_start(ap, fmt);
	vsnprintf(b, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return b;
}

/*
 * A request as u: a form body for anything but GET.  Checks the status,
 * and the body exactly (expect) or by regex (re) when given.  Returns the
 * response body (malloc'd, caller frees) for further checks.
 */
static char *
req(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *body, long status, const char *expect,
    const char *re)
{
	struct ht_resp	 r;
	char		*out;
	int		 ok;

	if (ht_as(u, method, path, body ? FORM : NULL, body,
	    body ? strlen(body) : 0, NULL, &r) == -1) {
		ht_check(0, name, "request failed");
		return strdup("");
	}
	ok = r.status == status &&
	    (expect == NULL || (r.body && strcmp(r.body, expect) == 0)) &&
	    (re == NULL || (r.body && ht_match(re, r.body)));
	ht_check(ok, name, "%s %s: %ld %s", method, path, r.status,
	    r.body ? r.body : "");
	out = strdup(r.body ? r.body : "");
	ht_resp_free(&r);
	return out;
}

static void
t(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *body, long status, const char *expect,
    const char *re)
{
	free(req(u, name, method, path, body, status, expect, re));
}

static const char *
sql1(const char *q, const char *a1)
{
	return ht_sql(q, (const char *[]){ a1 }, a1 ? 1 : 0);
}

static void
role(struct ht_user *u, const char *r)
{
	ht_sql("UPDATE users SET role = $1 WHERE uid = $2",
	    (const char *[]){ r, u->uid }, 2);
}

static void
mkuser(struct ht_user *u, const char *tag, const char *r)
{
	ht_user_new(u, tag, 0);
	role(u, r);
}

/* ------------------------------------------------------------ roles */

static void
test_roles(void)
{
	struct ht_user	v;

	mkuser(&v, TAG "rv", "member");
	/* The gateway's table: members have no admin path at all. */
	t(&mem, "member: gateway refuses", "GET", A "/users", NULL, 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	/* A role the gateway lets in but abilities.yml does not know. */
	t(&nobody, "unknown role: ability refused", "GET", A "/users", NULL,
	    401, "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	t(&nobody, "unknown role: user", "GET", A "/users/" "ID0", NULL, 401,
	    "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	t(&nobody, "unknown role: labels list", "GET", A "/users/labels/list",
	    NULL, 401, "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	t(&nobody, "unknown role: put users", "PUT", A "/users",
	    f("uid=%s&state=banned", v.uid), 401,
	    "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	t(&nobody, "unknown role: create label", "POST", A "/users/labels",
	    f("uid=%s&key=abc&value=def", v.uid), 401,
	    "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	t(&nobody, "unknown role: delete storage", "DELETE",
	    A "/users/data_storage", f("uid=%s&title=x", v.uid), 401,
	    "{\"errors\":[\"admin.ability.not_permitted\"]}", NULL);
	/* validation comes before the ability check */
	t(&nobody, "unknown role: validation first", "PUT", A "/users",
	    "uid=", 422, "{\"errors\":[\"admin.user.empty_uid\","
	    "\"admin.user.one_of_state_otp_email\"]}", NULL);
	/* comments have no ability check at all */
	t(&nobody, "unknown role: comments allowed", "POST",
	    A "/users/comments", f("uid=%s&title=t&data=d", v.uid), 201, NULL,
	    "\"comments\":\\[\\{\"id\":[0-9]+,\"author_uid\":\"");

	t(&acc, "accountant reads users", "GET", A "/users?limit=1", NULL,
	    200, NULL, "^\\[\\{\"email\":");
	t(&acc, "accountant: no pending documents (gateway)", "GET",
	    A "/users/documents/pending", NULL, 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&acc, "accountant: no writes (gateway)", "PUT", A "/users",
	    f("uid=%s&state=banned", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&tech, "technical reads a user", "GET", AF("/users/%s", v.uid),
	    NULL, 200, NULL, "^\\{\"email\":");
	t(&tech, "technical: no label writes (gateway)", "POST",
	    A "/users/labels", f("uid=%s&key=abc&value=def", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&tech, "technical: no pending documents (gateway)", "GET",
	    A "/users/documents/pending", NULL, 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&sup, "support: labels list", "GET", A "/users/labels/list", NULL,
	    200, NULL, "^\\{");
	t(&sup, "support: no label writes (gateway)", "POST",
	    A "/users/labels", f("uid=%s&key=abc&value=def", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&sup, "support may lock (users/update)", "POST", A "/users/update",
	    f("uid=%s&state=locked", v.uid), 200, "200", NULL);
	t(&sup, "support may not change a superadmin", "POST",
	    A "/users/update", f("uid=%s&state=locked", sa.uid), 422,
	    "{\"errors\":[\"admin.user.superadmin_change\"]}", NULL);
	t(&sup, "support: PUT users is not his (gateway)", "PUT", A "/users",
	    f("uid=%s&state=active", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&comp, "compliance: role change dropped (gateway)", "POST",
	    A "/users/role", f("uid=%s&role=admin", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&comp, "compliance creates a label", "POST", A "/users/labels",
	    f("uid=%s&key=kyc-note&value=checked", v.uid), 200, "200", NULL);
	t(&comp, "compliance: pending documents", "GET",
	    A "/users/documents/pending?limit=1", NULL, 200, NULL, "^\\[");
	t(&comp, "compliance may not label a superadmin", "POST",
	    A "/users/labels", f("uid=%s&key=abc&value=def", sa.uid), 422,
	    "{\"errors\":[\"admin.user.superadmin_change\"]}", NULL);
	t(&adm, "admin: role change dropped (gateway)", "POST",
	    A "/users/role", f("uid=%s&role=support", v.uid), 401,
	    "{\"errors\":[\"authz.invalid_permission\"]}", NULL);
	t(&adm, "admin may not change e-mails", "PUT", A "/users",
	    f("uid=%s&email=x%s", v.uid, v.email), 422,
	    "{\"errors\":[\"superadmin.user.update_email\"]}", NULL);
	t(&adm, "admin may not ban a superadmin", "PUT", A "/users",
	    f("uid=%s&state=banned", sa.uid), 422,
	    "{\"errors\":[\"admin.user.superadmin_change\"]}", NULL);
	t(&adm, "admin may delete a label", "DELETE", A "/users/labels",
	    f("uid=%s&key=kyc-note&scope=public", v.uid), 200, "200", NULL);
}

/* ------------------------------------------------------------ users */

static void
test_list(void)
{
	struct ht_user	 u1, u2, u3;
	struct ht_resp	 r;
	char		*b, *h;
	const char	*st = "admu-ord";

	ht_user_new(&u1, TAG "l1", 0);
	ht_user_new(&u2, TAG "l2", 0);
	ht_user_new(&u3, TAG "l3", 1);
	ht_sql("UPDATE users SET state = $1, level = 7 WHERE uid IN ($2, $3,"
	    " $4)", (const char *[]){ st, u1.uid, u2.uid, u3.uid }, 4);
	ht_sql("UPDATE users SET updated_at = '2001-01-01', created_at ="
	    " '2000-01-01' WHERE uid = $1", (const char *[]){ u2.uid }, 1);

	b = req(&sa, "list by state, email desc", "GET",
	    AF("/users?state=%s&order_by=email&ordering=desc", st), NULL, 200,
	    NULL, NULL);
	ht_check(strstr(b, u3.email) && strstr(b, u1.email) &&
	    strstr(b, u3.email) < strstr(b, u2.email) &&
	    strstr(b, u2.email) < strstr(b, u1.email), "desc order", "%s", b);
	free(b);
	b = req(&sa, "list by state, id asc", "GET",
	    AF("/users?state=%s", st), NULL, 200, NULL, NULL);
	ht_check(strstr(b, u1.email) && strstr(b, u3.email) &&
	    strstr(b, u1.email) < strstr(b, u3.email), "id order", "%s", b);
	free(b);
	t(&sa, "filter uid", "GET", AF("/users?uid=%s", u1.uid), NULL, 200,
	    f("[{\"email\":\"%s\",\"uid\":\"%s\",\"role\":\"member\","
	    "\"level\":7,\"otp\":false,\"state\":\"%s\",\"referral_uid\":null,"
	    "\"data\":null,\"username\":null}]", u1.email, u1.uid, st), NULL);
	t(&sa, "filter email", "GET", AF("/users?email=%s", u2.email), NULL,
	    200, NULL, f("^\\[\\{\"email\":\"%s\",[^]]*\\}\\]$", u2.email));
	t(&sa, "filter email + role miss", "GET",
	    AF("/users?email=%s&role=admin", u2.email), NULL, 200, "[]",
	    NULL);
	t(&sa, "filter level", "GET", AF("/users?state=%s&level=7", st),
	    NULL, 200, NULL, "^\\[\\{.*\\},\\{.*\\},\\{.*\\}\\]$");
	t(&sa, "filter level miss", "GET", AF("/users?state=%s&level=8", st),
	    NULL, 200, "[]", NULL);
	t(&sa, "filter created range", "GET",
	    AF("/users?state=%s&to=978307300", st), NULL, 200, NULL,
	    f("^\\[\\{\"email\":\"%s\"[^]]*\\}\\]$", u2.email));
	t(&sa, "filter updated range", "GET",
	    AF("/users?state=%s&range=updated&from=978307200&to=978307200",
	    st), NULL, 200, NULL, f("^\\[\\{\"email\":\"%s\"[^]]*\\}\\]$",
	    u2.email));
	t(&sa, "filter from excludes old", "GET",
	    AF("/users?state=%s&from=1000000000&order_by=created_at", st),
	    NULL, 200, NULL, "^\\[\\{[^]]*\\},\\{[^]]*\\}\\]$");
	/* a user with two profiles in the country is listed once */
	ht_sql("INSERT INTO profiles (user_id, country, state) SELECT id,"
	    " 'ZW', 3 FROM users WHERE uid = $1",
	    (const char *[]){ u1.uid }, 1);
	ht_sql("INSERT INTO profiles (user_id, country, state) SELECT id,"
	    " 'ZW', 0 FROM users WHERE uid = $1",
	    (const char *[]){ u1.uid }, 1);
	t(&sa, "filter country, no duplicates", "GET",
	    AF("/users?state=%s&country=ZW", st), NULL, 200, NULL,
	    f("^\\[\\{\"email\":\"%s\"[^]]*\\}\\]$", u1.email));
	t(&sa, "extended", "GET", AF("/users?uid=%s&extended=true", u1.uid),
	    NULL, 200, NULL, f("^\\[\\{\"email\":\"%s\",\"uid\":\"%s\","
	    "\"role\":\"member\",\"level\":7,\"otp\":false,\"state\":\"%s\","
	    "\"referral_uid\":null,\"data\":null,\"username\":null,"
	    "\"profiles\":\\[\\{\"first_name\":null,.*\"country\":\"ZW\","
	    "\"state\":\"verified\".*\\},\\{.*\"state\":\"drafted\".*\\}\\],"
	    "\"created_at\":\"[0-9T:-]+Z\","
	    "\"updated_at\":\"[0-9T:-]+Z\"\\}\\]$", u1.email, u1.uid, st));
	t(&sa, "extended blank is false", "GET",
	    AF("/users?uid=%s&extended=", u1.uid), NULL, 200, NULL,
	    "\"username\":null\\}\\]$");

	/* pagination */
	if (ht_as(&sa, "GET", AF("/users?state=%s&limit=2&page=2", st), NULL,
	    NULL, 0, NULL, &r) == 0) {
		h = ht_header(&r, "Total");
		ht_check(r.status == 200 && h && strcmp(h, "3") == 0 &&
		    ht_match("^\\[\\{[^]]*\\}\\]$", r.body), "page 2 of 2",
		    "%ld %s %s", r.status, h ? h : "-", r.body);
		free(h);
		h = ht_header(&r, "Link");
		ht_check(h &&
		    strstr(h, "page=1&state=admu-ord>; rel=\"first\"") &&
		    strstr(h, "rel=\"prev\"") && !strstr(h, "rel=\"next\""),
		    "Link header", "%s", h ? h : "-");
		free(h);
		ht_resp_free(&r);
	}
	t(&sa, "page beyond the end", "GET",
	    AF("/users?state=%s&limit=2&page=9", st), NULL, 200, "[]", NULL);

	/* parameter errors, in declaration order */
	t(&sa, "list: every bad parameter", "GET", A "/users?extended=maybe"
	    "&level=x&range=y&ordering=up&order_by=nope&from=z&to=w&page=0"
	    "&limit=abc", NULL, 422, "{\"errors\":["
	    "\"admin.user.non_boolean_extended\",\"invalid\","
	    "\"admin.user.invalid_range\",\"user.ordering.invalid_ordering\","
	    "\"user.ordering.invalid_attribute\",\"non_positive_page\","
	    "\"non_integer_limit\",\"invalid_limit\"]}", NULL);
	t(&sa, "list: page not integer", "GET", A "/users?page=x&limit=101",
	    NULL, 422, "{\"errors\":[\"non_integer_page\","
	    "\"non_positive_page\",\"invalid_limit\"]}", NULL);
	t(&sa, "list: order by password_digest accepted", "GET",
	    AF("/users?state=%s&order_by=password_digest", st), NULL, 200,
	    NULL, "^\\[\\{.*\\}\\]$");
	t(&sa, "list: unknown params ignored", "GET",
	    AF("/users?uid=%s&first_name=x&field=bazz", u1.uid), NULL, 200,
	    NULL, u1.uid);
	t(&sa, "NUL in a value", "PUT", A "/users", "uid=a%00b&state=x", 422,
	    "{\"errors\":[\"invalid\"]}", NULL);
	t(&sa, "list: quote in filter", "GET",
	    A "/users?uid=%27%20OR%201%3D1--", NULL, 200, "[]", NULL);
	t(&sa, "stripped mount", "GET", "/api/v2/admin/users?uid=nobody",
	    NULL, 200, "[]", NULL);
}

static void
test_show(void)
{
	struct ht_user	u;
	char		*b;

	ht_user_new(&u, TAG "show", 0);
	ht_sql("UPDATE users SET referral_id = (SELECT id FROM users WHERE"
	    " uid = $1), data = '{\"language\":\"en\"}' WHERE uid = $2",
	    (const char *[]){ sa.uid, u.uid }, 2);
	ht_sql("INSERT INTO data_storages (user_id, title, data) SELECT id,"
	    " 'notes', '{\"a\":1}' FROM users WHERE uid = $1",
	    (const char *[]){ u.uid }, 1);
	/* KYC data through the user's own API: the admin sees it unmasked. */
	{
		struct ht_resp	r;
		const char	*pb = "first_name=Jane&last_name=Smith"
		    "&dob=1990-05-12&country=FR";
		const char	*ph = "phone_number=%2B447418084106";

		ht_check(ht_as(&u, "POST", "/api/v2/barong/resource/profiles",
		    "application/x-www-form-urlencoded", pb, strlen(pb), NULL,
		    &r) == 0 && r.status == 201, "KYC: profile", "%ld %s",
		    r.status, r.body);
		ht_resp_free(&r);
		ht_check(ht_as(&u, "POST", "/api/v2/barong/resource/phones",
		    "application/x-www-form-urlencoded", ph, strlen(ph), NULL,
		    &r) == 0 && r.status == 201, "KYC: phone", "%ld %s",
		    r.status, r.body);
		ht_resp_free(&r);
	}
	b = req(&sa, "user with KYC", "GET", AF("/users/%s", u.uid), NULL,
	    200, NULL, f("^\\{\"email\":\"%s\",\"uid\":\"%s\",\"role\":"
	    "\"member\",\"level\":1,\"otp\":false,\"state\":\"active\","
	    "\"referral_uid\":\"%s\",\"data\":\"\\{\\\\\"language\\\\\":"
	    "\\\\\"en\\\\\"\\}\",\"username\":null,\"profiles\":\\[\\{"
	    "\"first_name\":\"Jane\",\"last_name\":\"Smith\",\"dob\":"
	    "\"1990-05-12\",\"address\":null,\"postcode\":null,\"city\":null,"
	    "\"country\":\"FR\",\"state\":\"drafted\",\"metadata\":null,"
	    "\"created_at\":\"[0-9T:-]+Z\",\"updated_at\":\"[0-9T:-]+Z\"\\}\\],"
	    "\"labels\":\\[\\{\"key\":\"email\",\"value\":\"verified\","
	    "\"scope\":\"private\",\"description\":null,\"created_at\":\""
	    "[0-9T:-]+Z\",\"updated_at\":\"[0-9T:-]+Z\"\\}.*\\],\"phones\":\\["
	    "\\{\"country\":\"GB\",\"number\":\"447418084106\","
	    "\"validated_at\":null\\}\\],\"documents\":\\[.*\\],"
	    "\"data_storages\":\\[\\{\"title\":"
	    "\"notes\",\"data\":\"\\{\\\\\"a\\\\\":1\\}\",\"created_at\":\""
	    "[0-9T:-]+Z\",\"updated_at\":\"[0-9T:-]+Z\"\\}\\],\"comments\":"
	    "\\[\\],\"created_at\":\"[0-9T:-]+Z\",\"updated_at\":\""
	    "[0-9T:-]+Z\"\\}$", u.email, u.uid, sa.uid));
	free(b);
	t(&sa, "unknown user", "GET", A "/users/ID0000000000", NULL, 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "GET comments is a uid", "GET", A "/users/comments", NULL, 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "no PATCH route", "PATCH", A "/users", "uid=x", 404,
	    "{\"error\":\"Route is not found\"}", NULL);

	/* data storage */
	t(&sa, "storage: params", "DELETE", A "/users/data_storage", NULL, 422,
	    "{\"errors\":[\"admin.user.missing_uid\",\"admin.user.empty_uid\","
	    "\"admin.user.missing_title\",\"admin.user.empty_title\"]}", NULL);
	t(&sa, "storage: unknown user", "DELETE", A "/users/data_storage",
	    "uid=ID0000000000&title=notes", 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "storage: unknown title", "DELETE", A "/users/data_storage",
	    f("uid=%s&title=other", u.uid), 404,
	    "{\"errors\":[\"admin.storage.doesnt_exist\"]}", NULL);
	t(&sa, "storage: deleted", "DELETE", A "/users/data_storage",
	    f("uid=%s&title=notes", u.uid), 200, NULL,
	    f("^\\{\"email\":\"%s\".*\"data_storages\":\\[\\],", u.email));
	t(&sa, "storage: gone", "DELETE", A "/users/data_storage",
	    f("uid=%s&title=notes", u.uid), 404,
	    "{\"errors\":[\"admin.storage.doesnt_exist\"]}", NULL);

	/* pending documents */
	ht_sql("INSERT INTO labels (user_id, key, value, scope) SELECT id,"
	    " 'document', 'pending', 'private' FROM users WHERE uid = $1",
	    (const char *[]){ u.uid }, 1);
	t(&sa, "pending: listed", "GET",
	    AF("/users/documents/pending?uid=%s", u.uid), NULL, 200, NULL,
	    f("^\\[\\{\"email\":\"%s\",[^]]*\"username\":null\\}\\]$",
	    u.email));
	t(&sa, "pending: extended", "GET",
	    AF("/users/documents/pending?uid=%s&extended=1&first_name=x",
	    u.uid), NULL, 200, NULL, "^\\[\\{\"email\":.*\"profiles\":\\[.*"
	    "\"labels\":\\[.*\"documents\":\\[.*\"comments\":\\[\\]");
	t(&sa, "pending: filter miss", "GET",
	    AF("/users/documents/pending?uid=%s&role=admin", u.uid), NULL,
	    200, "[]", NULL);
	t(&sa, "pending: bad range", "GET",
	    A "/users/documents/pending?range=x&extended=x", NULL, 422,
	    "{\"errors\":[\"admin.user.non_boolean_extended\","
	    "\"admin.user.invalid_range\"]}", NULL);
	ht_sql("UPDATE labels SET value = 'verified' WHERE key = 'document'"
	    " AND user_id = (SELECT id FROM users WHERE uid = $1)",
	    (const char *[]){ u.uid }, 1);
	t(&sa, "pending: verified not listed", "GET",
	    AF("/users/documents/pending?uid=%s", u.uid), NULL, 200, "[]",
	    NULL);
}

/* ------------------------------------------------------------ changes */

static int
status_of(const struct ht_user *u, const char *path)
{
	struct ht_resp	r;
	int		s;

	if (ht_as(u, "GET", path, NULL, NULL, 0, NULL, &r) == -1)
		return -1;
	s = (int)r.status;
	ht_resp_free(&r);
	return s;
}

static void
test_update(void)
{
	struct ht_user	v, w, x, y;
	const char	*n;

	ht_user_new(&v, TAG "ban", 0);
	ht_user_new(&w, TAG "role", 0);
	ht_user_new(&x, TAG "otp", 0);
	ht_user_new(&y, TAG "mail", 0);
	ht_check(status_of(&v, R "/users/me") == 200, "victim signed in",
	    "%d", status_of(&v, R "/users/me"));
	ht_sql("INSERT INTO apikeys (key_holder_account_id, kid, algorithm)"
	    " SELECT id, 'admu' || id, 'HS256' FROM users WHERE uid = $1",
	    (const char *[]){ v.uid }, 1);
	ht_sql("INSERT INTO service_accounts (uid, owner_id, email, state)"
	    " SELECT 'SIADMU' || id, id, 'sa' || id || '@admu.test', 'active'"
	    " FROM users WHERE uid = $1", (const char *[]){ v.uid }, 1);
	ht_sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm) SELECT s.id,"
	    " 'ServiceAccount', 'admusa' || s.id, 'HS256' FROM service_accounts"
	    " s JOIN users u ON u.id = s.owner_id WHERE u.uid = $1",
	    (const char *[]){ v.uid }, 1);

	/* validation */
	t(&sa, "put: nothing", "PUT", A "/users", NULL, 422,
	    "{\"errors\":[\"admin.user.missing_uid\",\"admin.user.empty_uid\","
	    "\"admin.user.one_of_state_otp_email\"]}", NULL);
	t(&sa, "put: two fields", "PUT", A "/users",
	    f("uid=%s&state=banned&otp=false", v.uid), 422,
	    "{\"errors\":[\"admin.user.one_of_state_otp_email\"]}", NULL);
	t(&sa, "put: blanks", "PUT", A "/users", "uid=%20&otp=", 422,
	    "{\"errors\":[\"admin.user.empty_uid\",\"admin.user.empty_otp\"]}",
	    NULL);
	t(&sa, "put: otp not boolean", "PUT", A "/users",
	    f("uid=%s&otp=maybe", v.uid), 422, "{\"errors\":[\"invalid\"]}",
	    NULL);
	t(&sa, "update: email not a field", "POST", A "/users/update",
	    f("uid=%s&email=a@b.io", v.uid), 422,
	    "{\"errors\":[\"admin.user.one_of_state_otp\"]}", NULL);
	t(&sa, "put: unknown user", "PUT", A "/users",
	    "uid=ID0000000000&state=banned", 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "put: himself", "PUT", A "/users",
	    f("uid=%s&state=banned", sa.uid), 422,
	    "{\"errors\":[\"admin.user.update_himself\"]}", NULL);
	t(&sa, "put: same state", "PUT", A "/users",
	    f("uid=%s&state=active", v.uid), 422,
	    "{\"errors\":[\"admin.user.state_no_change\"]}", NULL);
	t(&sa, "put: enable 2fa refused", "PUT", A "/users",
	    f("uid=%s&otp=true", v.uid), 422,
	    "{\"errors\":[\"admin.user.enable_2fa\"]}", NULL);
	t(&sa, "put: otp already off", "PUT", A "/users",
	    f("uid=%s&otp=false", v.uid), 422,
	    "{\"errors\":[\"admin.user.otp_no_change\"]}", NULL);

	/* a ban ends the sessions at once; keys and service accounts follow */
	t(&sa, "ban", "PUT", A "/users", f("uid=%s&state=banned", v.uid), 200,
	    "200", NULL);
	t(&v, "banned user's session is gone", "GET", R "/users/me", NULL,
	    401, "{\"errors\":[\"authz.invalid_session\"]}", NULL);
	n = sql1("SELECT count(*) FROM sessions s JOIN users u ON"
	    " u.id = s.user_id WHERE u.uid = $1", v.uid);
	ht_check(strcmp(n, "0") == 0, "no session rows left", "%s", n);
	n = sql1("SELECT string_agg(k.state, ',') FROM apikeys k WHERE"
	    " k.kid LIKE 'admu%' AND k.key_holder_account_id IN (SELECT id FROM"
	    " users WHERE uid = $1 UNION SELECT s.id FROM service_accounts s"
	    " JOIN users u ON u.id = s.owner_id WHERE u.uid = $1)", v.uid);
	ht_check(strcmp(n, "inactive,inactive") == 0, "keys inactive", "%s",
	    n);
	n = sql1("SELECT s.state FROM service_accounts s JOIN users u ON"
	    " u.id = s.owner_id WHERE u.uid = $1", v.uid);
	ht_check(strcmp(n, "banned") == 0, "service account banned", "%s", n);
	ht_check(ht_user_login(&v, NULL) == -1, "banned user cannot log in",
	    "login worked");
	t(&sa, "any state string is kept", "POST", A "/users/update",
	    f("uid=%s&state=under-review", v.uid), 200, "200", NULL);
	t(&sa, "state shown", "GET", AF("/users?uid=%s", v.uid), NULL, 200,
	    NULL, "\"state\":\"under-review\"");

	/* role change */
	ht_check(status_of(&w, R "/users/me") == 200, "role victim in", "-");
	t(&sa, "role: params", "POST", A "/users/role", "uid=", 422,
	    "{\"errors\":[\"admin.user.empty_uid\",\"admin.user.missing_role\","
	    "\"admin.user.empty_role\"]}", NULL);
	t(&sa, "role: no such role", "POST", A "/users/role",
	    f("uid=%s&role=ghost", w.uid), 422,
	    "{\"errors\":[\"role.doesnt_exist\"]}", NULL);
	t(&sa, "role: same", "POST", A "/users/role",
	    f("uid=%s&role=member", w.uid), 422,
	    "{\"errors\":[\"admin.user.role_no_change\"]}", NULL);
	t(&sa, "role: himself", "POST", A "/users/role",
	    f("uid=%s&role=admin", sa.uid), 422,
	    "{\"errors\":[\"admin.user.update_himself\"]}", NULL);
	t(&sa, "role: unknown user", "POST", A "/users/role",
	    "uid=nope&role=admin", 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "role: changed", "POST", A "/users/role",
	    f("uid=%s&role=support", w.uid), 200, "200", NULL);
	t(&w, "role change ends the session", "GET", R "/users/me", NULL, 401,
	    "{\"errors\":[\"authz.invalid_session\"]}", NULL);
	n = sql1("SELECT role FROM users WHERE uid = $1", w.uid);
	ht_check(strcmp(n, "support") == 0, "role stored", "%s", n);

	/* 2FA reset */
	ht_sql("UPDATE users SET otp = true WHERE uid = $1",
	    (const char *[]){ x.uid }, 1);
	ht_sql("INSERT INTO labels (user_id, key, value, scope) SELECT id,"
	    " 'otp', 'enabled', 'private' FROM users WHERE uid = $1",
	    (const char *[]){ x.uid }, 1);
	ht_sql("INSERT INTO apikeys (key_holder_account_id, kid, algorithm)"
	    " SELECT id, 'admu' || id, 'HS256' FROM users WHERE uid = $1",
	    (const char *[]){ x.uid }, 1);
	t(&sup, "2fa reset by support", "POST", A "/users/update",
	    f("uid=%s&otp=false", x.uid), 200, "200", NULL);
	t(&x, "2fa reset ends the session", "GET", R "/users/me", NULL, 401,
	    "{\"errors\":[\"authz.invalid_session\"]}", NULL);
	n = sql1("SELECT u.otp::text || ',' || count(l.id) || ',' || k.state"
	    " FROM users u LEFT JOIN labels l ON l.user_id = u.id AND"
	    " l.key = 'otp' JOIN apikeys k ON k.key_holder_account_id = u.id"
	    " AND k.kid LIKE 'admu%' WHERE u.uid = $1 GROUP BY u.otp, k.state",
	    x.uid);
	ht_check(strcmp(n, "false,0,inactive") == 0,
	    "otp off, label gone, key inactive", "%s", n);
	ht_check(ht_user_login(&x, NULL) == 0, "login without 2FA works",
	    "login failed");

	/* e-mail */
	t(&sa, "email: invalid", "PUT", A "/users",
	    f("uid=%s&email=not-an-email", y.uid), 422,
	    "{\"errors\":[\"email.invalid\"]}", NULL);
	t(&sa, "email: taken", "PUT", A "/users",
	    f("uid=%s&email=%s", y.uid, x.email), 422,
	    "{\"errors\":[\"email.taken\"]}", NULL);
	t(&sa, "email: same", "PUT", A "/users",
	    f("uid=%s&email=%s", y.uid, y.email), 422,
	    "{\"errors\":[\"admin.user.email_no_change\"]}", NULL);
	t(&sa, "email: changed", "PUT", A "/users",
	    f("uid=%s&email=new.%s", y.uid, y.email), 200, "200", NULL);
	n = sql1("SELECT email FROM users WHERE uid = $1", y.uid);
	ht_check(strncmp(n, "new.", 4) == 0, "email stored", "%s", n);
	ht_check(status_of(&y, R "/users/me") == 200,
	    "e-mail change keeps the session", "-");
}

/* ------------------------------------------------------------ labels */

static void
test_labels(void)
{
	struct ht_user	u;
	char		*b;
	const char	*n;

	ht_user_new(&u, TAG "lab", 1);
	t(&sa, "labels: params", "POST", A "/users/labels", "description=",
	    422, "{\"errors\":[\"admin.user.missing_uid\","
	    "\"admin.user.empty_uid\",\"admin.user.missing_key\","
	    "\"admin.user.empty_key\",\"admin.user.missing_value\","
	    "\"admin.user.empty_value\",\"admin.user.empty_description\"]}",
	    NULL);
	t(&sa, "labels: unknown user", "POST", A "/users/labels",
	    "uid=nope&key=abc&value=def", 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	t(&sa, "labels: model codes", "POST", A "/users/labels",
	    f("uid=%s&key=a%%20b&value=!!&scope=secret", u.uid), 422,
	    "{\"errors\":[\"scope.inclusion\",\"key.invalid\","
	    "\"value.too_short\",\"value.invalid\"]}", NULL);
	t(&sa, "labels: short key", "POST", A "/users/labels",
	    f("uid=%s&key=ab&value=abc", u.uid), 422,
	    "{\"errors\":[\"key.too_short\"]}", NULL);
	t(&sa, "labels: pending user", "GET", AF("/users?uid=%s", u.uid),
	    NULL, 200, NULL, "\"level\":0,\"otp\":false,\"state\":\"pending\"");
	/* private email:verified activates, phone:verified is level 2 */
	t(&sa, "labels: email verified (normalised)", "POST", A "/users/labels",
	    f("uid=%s&key=%%20Email&value=VERIFIED&scope=private", u.uid), 200,
	    "200", NULL);
	t(&sa, "labels: now active level 1", "GET", AF("/users?uid=%s", u.uid),
	    NULL, 200, NULL, "\"level\":1,\"otp\":false,\"state\":\"active\"");
	t(&sa, "labels: taken", "POST", A "/users/labels",
	    f("uid=%s&key=email&value=verified&scope=private", u.uid), 422,
	    "{\"errors\":[\"key.taken\"]}", NULL);
	t(&sa, "labels: public one is another label", "POST", A "/users/labels",
	    f("uid=%s&key=email&value=verified&description=seen", u.uid), 200,
	    "200", NULL);
	t(&sa, "labels: public does not count", "GET",
	    AF("/users?uid=%s", u.uid), NULL, 200, NULL, "\"level\":1,");
	t(&sa, "labels: phone via upsert", "POST", A "/users/labels/update",
	    f("uid=%s&key=phone&value=verified&scope=private", u.uid), 200,
	    "200", NULL);
	t(&sa, "labels: level 2", "GET", AF("/users?uid=%s", u.uid), NULL,
	    200, NULL, "\"level\":2,\"otp\":false,\"state\":\"active\"");
	t(&sa, "labels: upsert without replace", "POST",
	    A "/users/labels/update", f("uid=%s&key=nothere&value=abc"
	    "&scope=private&replace=false", u.uid), 404,
	    "{\"errors\":[\"admin.label.doesnt_exist\"]}", NULL);
	t(&sa, "labels: upsert params", "POST", A "/users/labels/update",
	    f("uid=%s&key=abc&scope=public&description=&replace=x", u.uid),
	    422, "{\"errors\":[\"admin.user.missing_value\","
	    "\"admin.user.empty_value\",\"admin.user.empty_description\","
	    "\"admin.user.non_boolean_replace\"]}", NULL);
	t(&sa, "labels: upsert bad value", "POST", A "/users/labels/update",
	    f("uid=%s&key=phone&value=x&scope=private", u.uid), 422,
	    "{\"errors\":[\"value.too_short\"]}", NULL);
	t(&sa, "labels: put missing", "PUT", A "/users/labels",
	    f("uid=%s&key=nothere&value=abc&scope=public", u.uid), 404,
	    "{\"errors\":[\"admin.label.doesnt_exist\"]}", NULL);
	t(&sa, "labels: put keeps description", "PUT", A "/users/labels",
	    f("uid=%s&key=email&value=checked&scope=public", u.uid), 200, "200",
	    NULL);
	n = sql1("SELECT value || ',' || description FROM labels WHERE"
	    " scope = 'public' AND key = 'email' AND user_id = (SELECT id FROM"
	    " users WHERE uid = $1)", u.uid);
	ht_check(strcmp(n, "checked,seen") == 0, "put kept description", "%s",
	    n);
	t(&sa, "labels: upsert clears description", "POST",
	    A "/users/labels/update",
	    f("uid=%s&key=email&value=checked&scope=public", u.uid), 200, "200",
	    NULL);
	n = sql1("SELECT coalesce(description, 'null') FROM labels WHERE"
	    " scope = 'public' AND key = 'email' AND user_id = (SELECT id FROM"
	    " users WHERE uid = $1)", u.uid);
	ht_check(strcmp(n, "null") == 0, "upsert cleared description", "%s",
	    n);
	t(&sa, "labels: users by label", "GET",
	    A "/users/labels?key=email&value=checked", NULL, 200, NULL,
	    u.uid);
	t(&sa, "labels: users by label params", "GET", A "/users/labels", NULL,
	    422, "{\"errors\":[\"admin.user.missing_key\","
	    "\"admin.user.missing_value\"]}", NULL);
	b = req(&sa, "labels: list", "GET", A "/users/labels/list", NULL, 200,
	    NULL, "^\\{(\"\\[\\\\\"[^\"\\\\]+\\\\\", \\\\\"[^\"\\\\]+\\\\\"\\]"
	    "\":[0-9]+,?)+\\}$");
	ht_check(strstr(b, "\"[\\\"phone\\\", \\\"verified\\\"]\":") != NULL,
	    "labels list has phone verified", "%s", b);
	free(b);

	/* a private trigger label bans and ends the session; deleting it
	   makes the user active again */
	ht_check(status_of(&u, R "/users/me") == 200, "label victim in", "-");
	t(&sa, "labels: fraud label", "POST", A "/users/labels",
	    f("uid=%s&key=fraud&value=suspected&scope=private", u.uid), 200,
	    "200", NULL);
	t(&sa, "labels: banned", "GET", AF("/users?uid=%s", u.uid), NULL, 200,
	    NULL, "\"state\":\"banned\"");
	t(&u, "labels: banned user's session gone", "GET", R "/users/me",
	    NULL, 401, "{\"errors\":[\"authz.invalid_session\"]}", NULL);
	t(&sa, "labels: delete missing", "DELETE", A "/users/labels",
	    f("uid=%s&key=fraud&scope=public", u.uid), 404,
	    "{\"errors\":[\"admin.label.doesnt_exist\"]}", NULL);
	t(&sa, "labels: delete params", "DELETE", A "/users/labels",
	    f("uid=%s", u.uid), 422, "{\"errors\":[\"admin.user.missing_key\","
	    "\"admin.user.empty_key\",\"admin.user.missing_scope\","
	    "\"admin.user.empty_scope\"]}", NULL);
	t(&sa, "labels: delete fraud", "DELETE", A "/users/labels",
	    f("uid=%s&key=fraud&scope=private", u.uid), 200, "200", NULL);
	t(&sa, "labels: active again", "GET", AF("/users?uid=%s", u.uid), NULL,
	    200, NULL, "\"level\":2,\"otp\":false,\"state\":\"active\"");
	t(&sa, "labels: delete email verified", "DELETE", A "/users/labels",
	    f("uid=%s&key=email&scope=private", u.uid), 200, "200", NULL);
	t(&sa, "labels: pending level 0", "GET", AF("/users?uid=%s", u.uid),
	    NULL, 200, NULL, "\"level\":0,\"otp\":false,\"state\":\"pending\"");
}

/* ------------------------------------------------------------ comments */

static void
test_comments(void)
{
	struct ht_user	u;
	char		 big[200], *b;
	const char	*id;

	ht_user_new(&u, TAG "com", 0);
	memset(big, 'x', 65);
	big[65] = '\0';
	t(&sa, "comments: params", "POST", A "/users/comments", NULL, 422,
	    "{\"errors\":[\"admin.user.missing_uid\",\"admin.user.empty_uid\","
	    "\"admin.user.missing_title\",\"admin.comments.title_too_long\","
	    "\"admin.user.empty_title\",\"admin.user.missing_data\","
	    "\"admin.comments.data_too_long\",\"admin.user.empty_data\"]}",
	    NULL);
	t(&sa, "comments: title too long", "POST", A "/users/comments",
	    f("uid=%s&title=%s&data=%%20", u.uid, big), 422,
	    "{\"errors\":[\"admin.comments.title_too_long\","
	    "\"admin.user.empty_data\"]}", NULL);
	/* 64 characters of two bytes each fit */
	t(&sa, "comments: 64 characters", "POST", A "/users/comments",
	    f("uid=%s&title=%s&data=d", u.uid, "%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
	    "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"),
	    201, NULL, "\"comments\":\\[\\{");
	t(&sa, "comments: unknown user", "POST", A "/users/comments",
	    "uid=nope&title=t&data=d", 404,
	    "{\"errors\":[\"admin.user.doesnt_exist\"]}", NULL);
	b = req(&sa, "comments: created", "POST", A "/users/comments",
	    f("uid=%s&title=kyc&data=called%%20him", u.uid), 201, NULL,
	    f("\"comments\":\\[\\{.*\\},\\{\"id\":[0-9]+,\"author_uid\":"
	    "\"%s\",\"title\":\"kyc\",\"data\":\"called him\",\"created_at\":"
	    "\"[0-9T:-]+Z\",\"updated_at\":\"[0-9T:-]+Z\"\\}\\],"
	    "\"created_at\"", sa.uid));
	free(b);
	id = sql1("SELECT max(c.id) FROM comments c JOIN users u ON"
	    " u.id = c.user_id WHERE u.uid = $1", u.uid);
	t(&sa, "comments: update title", "PUT", A "/users/comments",
	    f("id=%s&title=kyc2&uid=ignored", id), 200, NULL,
	    "\"title\":\"kyc2\",\"data\":\"called him\"");
	t(&sa, "comments: update nothing", "PUT", A "/users/comments",
	    f("id=%s", id), 200, NULL, "\"title\":\"kyc2\"");
	t(&sa, "comments: update blank", "PUT", A "/users/comments",
	    f("id=%s&title=&data=", id), 422,
	    "{\"errors\":[\"admin.user.empty_title\","
	    "\"admin.user.empty_data\"]}", NULL);
	t(&sa, "comments: update unknown", "PUT", A "/users/comments",
	    "id=999999999&title=x", 404, "{\"errors\":[\"record.not_found\"]}",
	    NULL);
	t(&sa, "comments: update bad id", "PUT", A "/users/comments",
	    "id=abc", 422, "{\"errors\":[\"invalid\"]}", NULL);
	t(&sa, "comments: delete params", "DELETE", A "/users/comments", NULL,
	    422, "{\"errors\":[\"admin.user.missing_id\"]}", NULL);
	b = req(&sa, "comments: delete", "DELETE", A "/users/comments",
	    f("id=%s", id), 200, NULL, "\"comments\":\\[\\{\"id\":");
	ht_check(strstr(b, "kyc2") == NULL, "comment removed", "%s", b);
	free(b);
	t(&sa, "comments: deleted", "DELETE", A "/users/comments",
	    f("id=%s", id), 404, "{\"errors\":[\"record.not_found\"]}", NULL);
}

/* ------------------------------------------------------------ hostile */

static void
test_hostile(void)
{
	struct ht_resp	 r;
	char		*big;
	size_t		 n = 70 * 1024;

	if (ht_as(&sa, "PUT", A "/users", JSON,
	    "{\"uid\":[\"x\"],\"state\":{\"a\":1}}", 29, NULL, &r) == 0) {
		ht_check(r.status == 422 && strcmp(r.body,
		    "{\"errors\":[\"invalid\"]}") == 0, "json array and object",
		    "%ld %s", r.status, r.body);
		ht_resp_free(&r);
	}
	big = malloc(n + 16);
	memcpy(big, "title=", 6);
	memset(big + 6, 'a', n);
	memcpy(big + 6 + n, "&uid=x", 7);
	if (ht_as(&sa, "POST", A "/users/comments", FORM, big, strlen(big),
	    NULL, &r) == 0) {
		ht_check(r.status == 422 && strstr(r.body,
		    "admin.comments.title_too_long"), "huge title",
		    "%ld %.200s", r.status, r.body);
		ht_resp_free(&r);
	}
	free(big);
	t(&sa, "bad utf-8 uid", "PUT", A "/users", "uid=%ff%fe&state=x", 422,
	    "{\"errors\":[\"invalid\"]}", NULL);
}

/* ------------------------------------------------------------ barongctl */

static int
ctl(const char *args, const char *input)
{
	char	cmd[2048];
	FILE	*p;
	int	rc;

	snprintf(cmd, sizeof(cmd), "%s/tools/barongctl -c %s %s >/dev/null"
	    " 2>&1", getenv("top_builddir"), getenv("BARONG_CONFIG"), args);
	if ((p = popen(cmd, "w")) == NULL)
		return -1;
	if (input != NULL)
		fputs(input, p);
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
test_barongctl(void)
{
	struct ht_user	 u;
	const char	*n;
	char		 email[128], args[512];
	int		 rc;

	if (getenv("top_builddir") == NULL || getenv("BARONG_CONFIG") == NULL) {
		ht_check(0, "barongctl environment", "no top_builddir");
		return;
	}
	snprintf(email, sizeof(email), TAG "ctl.%ld@example.com",
	    (long)getpid());
	snprintf(args, sizeof(args), "user create --email %s --password-stdin"
	    " --role admin", email);
	rc = ctl(args, "Vq7!rTzKw#p2-ctl\n");
	ht_check(rc == 0, "barongctl user create", "exit %d", rc);
	n = sql1("SELECT role || ',' || state || ',' || level FROM users"
	    " WHERE email = $1", email);
	ht_check(strcmp(n, "admin,active,1") == 0, "created admin", "%s", n);
	rc = ctl(args, "Vq7!rTzKw#p2-ctl\n");
	ht_check(rc == 1, "barongctl user create: taken", "exit %d", rc);
	snprintf(args, sizeof(args), "user create --email x%s --password-stdin"
	    " --role ghost", email);
	rc = ctl(args, "Vq7!rTzKw#p2-ctl\n");
	ht_check(rc == 1, "barongctl user create: no such role", "exit %d",
	    rc);
	snprintf(args, sizeof(args), "user create --email y%s --password-stdin",
	    email);
	rc = ctl(args, "password\n");
	ht_check(rc == 1, "barongctl user create: weak password", "exit %d",
	    rc);
	rc = ctl("user create --email z@example.com", NULL);
	ht_check(rc == 2, "barongctl user create: usage", "exit %d", rc);
	rc = ctl("user set --uid ID0000000000", NULL);
	ht_check(rc == 2, "barongctl user set: usage", "exit %d", rc);

	ht_user_new(&u, TAG "ctlset", 0);
	ht_check(status_of(&u, R "/users/me") == 200, "ctl victim in", "-");
	snprintf(args, sizeof(args), "user set --uid %s --state locked", u.uid);
	rc = ctl(args, NULL);
	ht_check(rc == 0, "barongctl user set", "exit %d", rc);
	t(&u, "barongctl lock ends the session", "GET", R "/users/me", NULL,
	    401, "{\"errors\":[\"authz.invalid_session\"]}", NULL);
	snprintf(args, sizeof(args), "user set --uid %s --role ghost", u.uid);
	rc = ctl(args, NULL);
	ht_check(rc == 1, "barongctl user set: no such role", "exit %d", rc);
	snprintf(args, sizeof(args), "user set --uid=%s --role=compliance "
	    "--state=active", u.uid);
	rc = ctl(args, NULL);
	n = sql1("SELECT role || ',' || state FROM users WHERE uid = $1",
	    u.uid);
	ht_check(rc == 0 && strcmp(n, "compliance,active") == 0,
	    "barongctl user set role and state", "exit %d %s", rc, n);
}

/* ------------------------------------------------------------ main */

static void
cleanup(void)
{
	ht_sql("DELETE FROM permissions WHERE role = 'admu-nobody'", NULL, 0);
	ht_sql("DELETE FROM apikeys WHERE kid LIKE 'admu%'", NULL, 0);
	ht_sql("DELETE FROM activities WHERE user_id IN (SELECT id FROM users"
	    " WHERE email LIKE '" TAG "%@example.com' OR email LIKE"
	    " 'new." TAG "%@example.com')", NULL, 0);
	ht_sql("DELETE FROM users WHERE email LIKE '" TAG "%@example.com'"
	    " OR email LIKE 'new." TAG "%@example.com'", NULL, 0);
}

int
main(void)
{
	ht_init();
	mkuser(&sa, TAG "sa", "superadmin");
	mkuser(&adm, TAG "adm", "admin");
	mkuser(&comp, TAG "comp", "compliance");
	mkuser(&sup, TAG "sup", "support");
	mkuser(&tech, TAG "tech", "technical");
	mkuser(&acc, TAG "acc", "accountant");
	mkuser(&mem, TAG "mem", "member");
	mkuser(&nobody, TAG "nob", "admu-nobody");
	ht_sql("INSERT INTO permissions (role, verb, path, action) VALUES"
	    " ('admu-nobody', 'ALL', 'api/v2/barong/admin', 'ACCEPT')", NULL,
	    0);
	usleep(POLL_MS * 1000);

	test_roles();
	test_list();
	test_show();
	test_update();
	test_labels();
	test_comments();
	test_hostile();
	test_barongctl();
	cleanup();
	return ht_done();
}
