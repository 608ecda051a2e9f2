/*
 * The resource family's profiles (user-api.md §5.7, §6.8, §6.13) through
 * the gateway: GET /profiles/me, POST and PUT /profiles with every error
 * code and their order, exact masked bodies, the `profile` label, the
 * state machine (state.exists, drafted-only edits, several verified
 * profiles), concurrent creates, hostile input, the profile in GET
 * /users/me, and sealed personal columns in the database.
 */
#include "config.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "htest.h"

#define R	"/api/v2/barong/resource"
#define FORM	"application/x-www-form-urlencoded"
#define JSON	"application/json"
#define TS	"\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\""
#define NRACE	6

static int
req(const struct ht_user *u, const char *method, const char *path,
    const char *ctype, const char *body, struct ht_resp *r)
{
	return ht_as(u, method, path, ctype, body, body ? strlen(body) : 0,
	    NULL, r);
}

/* A request whose status and exact body must match. */
static void
exact(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *ctype, const char *body, long status,
    const char *want)
{
	struct ht_resp	r = { 0 };
	int		ok;

	ok = req(u, method, path, ctype, body, &r) == 0 && r.status == status &&
	    r.body != NULL && strcmp(r.body, want) == 0;
	ht_check(ok, name, "want %ld %s, got %ld %s", status, want, r.status,
	    r.body ? r.body : "");
	ht_resp_free(&r);
}

/* A request whose status must match and whose body must match re. */
static void
match(const struct ht_user *u, const char *name, const char *method,
    const char *path, const char *ctype, const char *body, long status,
    const char *re)
{
	struct ht_resp	r = { 0 };
	int		ok;

	ok = req(u, method, path, ctype, body, &r) == 0 && r.status == status &&
	    r.body != NULL && ht_match(re, r.body);
	ht_check(ok, name, "want %ld /%s/, got %ld %s", status, re, r.status,
	    r.body ? r.body : "");
	ht_resp_free(&r);
}

static const char *
uid_sql(const struct ht_user *u, const char *sql)
{
	char	id[32];

	snprintf(id, sizeof(id), "%lld", u->id);
	return ht_sql(sql, (const char *[]){ id }, 1);
}

static void
sql_is(const struct ht_user *u, const char *name, const char *sql,
    const char *want)
{
	const char	*got = uid_sql(u, sql);

	ht_check(strcmp(got, want) == 0, name, "want '%s', got '%s'", want,
	    got);
}

/* The full profile of test_full(), masked, as a regex. */
#define FULL_RE(state, city, country) "^\\{\"first_name\":\"John Paul\"," \
	"\"last_name\":\"S\\*\\*\\*\\*\",\"dob\":\"1990-05-\\*\\*\"," \
	"\"address\":\"28/2 Kevin Brook; Miami, USA\"," \
	"\"postcode\":\"SW1A 1AA\",\"city\":\"" city "\"," \
	"\"country\":" country ",\"state\":\"" state "\"," \
	"\"metadata\":\"\\{\\\\\"gender\\\\\":\\\\\"m\\\\\"\\}\"," \
	"\"created_at\":" TS ",\"updated_at\":" TS "\\}$"

static void
test_errors(void)
{
	struct ht_user	u;

	ht_user_new(&u, "prof-err", 0);
	exact(&u, "me: none", "GET", R "/profiles/me", NULL, NULL, 200, "[]");
	exact(&u, "put: none", "PUT", R "/profiles", FORM, "city=Paris", 404,
	    "{\"errors\":[\"resource.profile.doesnt_exist_or_not_editable\"]}");
	exact(&u, "delete: no route", "DELETE", R "/profiles", NULL, NULL,
	    404, "{\"error\":\"Route is not found\"}");
	exact(&u, "post: every rule, in order", "POST", R "/profiles", FORM,
	    "first_name=J%40hn&last_name=%24&city=%23&country=XX&postcode=!"
	    "&address=%40&metadata=%7B&dob=2999-01-01", 422,
	    "{\"errors\":[\"first_name.invalid\",\"last_name.invalid\","
	    "\"city.invalid\",\"country.must have alpha2 or alpha3 format\","
	    "\"postcode.too_short\",\"postcode.invalid\",\"address.invalid\","
	    "\"metadata.invalid_format\",\"dob.invalid\"]}");
	exact(&u, "post: bad dob", "POST", R "/profiles", FORM,
	    "dob=yesterday", 422, "{\"errors\":[\"invalid\"]}");
	exact(&u, "post: bad dob date", "POST", R "/profiles", FORM,
	    "dob=2001-02-30", 422, "{\"errors\":[\"invalid\"]}");
	exact(&u, "post: bad confirm", "POST", R "/profiles", FORM,
	    "confirm=maybe", 422, "{\"errors\":[\"invalid\"]}");
	exact(&u, "post: bad dob, confirm and name", "POST", R "/profiles",
	    JSON, "{\"dob\":\"x\",\"confirm\":\"x\",\"first_name\":[1]}", 422,
	    "{\"errors\":[\"invalid\"]}");
	exact(&u, "post: object city", "POST", R "/profiles", JSON,
	    "{\"city\":{\"a\":1}}", 422, "{\"errors\":[\"invalid\"]}");
	exact(&u, "post: invalid UTF-8", "POST", R "/profiles", FORM,
	    "first_name=%FF%FE", 422, "{\"errors\":[\"invalid\"]}");
	{
		char	body[5000];

		memset(body, 'a', sizeof(body) - 1);
		body[sizeof(body) - 1] = '\0';
		memcpy(body, "last_name=", 10);
		exact(&u, "post: name over the byte bound", "POST",
		    R "/profiles", FORM, body, 422,
		    "{\"errors\":[\"invalid\"]}");
		body[10 + 256] = '\0';
		exact(&u, "post: 256-character name", "POST", R "/profiles",
		    FORM, body, 422, "{\"errors\":[\"last_name.too_long\"]}");
	}
	exact(&u, "post: metadata NaN", "POST", R "/profiles", FORM,
	    "metadata=NaN", 422, "{\"errors\":[\"metadata.invalid_format\"]}");
	exact(&u, "post: metadata not JSON", "POST", R "/profiles", FORM,
	    "metadata=%7B+bar%3A+baz+%7D", 422,
	    "{\"errors\":[\"metadata.invalid_format\"]}");
	exact(&u, "post: empty metadata", "POST", R "/profiles", FORM,
	    "metadata=", 422, "{\"errors\":[\"metadata.invalid_format\"]}");
	exact(&u, "post: city with @", "POST", R "/profiles", FORM,
	    "city=Cava+de%27+%40Tirreni", 422,
	    "{\"errors\":[\"city.invalid\"]}");
	exact(&u, "post: address with @", "POST", R "/profiles", FORM,
	    "address=%27Larkin%E2%80%93Fork%27+%40South", 422,
	    "{\"errors\":[\"address.invalid\"]}");
	exact(&u, "post: short postcode", "POST", R "/profiles", FORM,
	    "postcode=+7+", 422, "{\"errors\":[\"postcode.too_short\"]}");
	exact(&u, "errors create nothing", "GET", R "/profiles/me", NULL,
	    NULL, 200, "[]");
	sql_is(&u, "errors: no label",
	    "SELECT count(*) FROM labels WHERE user_id = $1 AND key = 'profile'",
	    "0");
}

static void
test_full(void)
{
	struct ht_user	u;
	struct ht_resp	r = { 0 };
	const char	*fn, *ln;

	ht_user_new(&u, "prof-full", 0);
	match(&u, "post: full", "POST", R "/profiles", FORM,
	    "first_name=++John+%09Paul+&last_name=Smith&dob=12+May+1990"
	    "&address=28%2F2+Kevin+Brook%3B+Miami%2C+USA&postcode=SW1A++1AA"
	    "&city=St.+Petersburg&country=gbr"
	    "&metadata=%7B%22gender%22%3A%22m%22%7D&unknown=1", 201,
	    FULL_RE("drafted", "St. Petersburg", "\"gbr\""));
	sql_is(&u, "label drafted, private",
	    "SELECT value || ':' || scope FROM labels WHERE user_id = $1"
	    " AND key = 'profile'", "drafted:private");
	match(&u, "me: one", "GET", R "/profiles/me", NULL, NULL, 200,
	    "^\\[" "\\{\"first_name\":\"John Paul\",\"last_name\":\"S\\*\\*\\*\\*\","
	    "\"dob\":\"1990-05-\\*\\*\",.*\"state\":\"drafted\".*\\}\\]$");
	match(&u, "users/me shows it", "GET", R "/users/me", NULL, NULL, 200,
	    "\"profiles\":\\[\\{\"first_name\":\"John Paul\","
	    "\"last_name\":\"S\\*\\*\\*\\*\",\"dob\":\"1990-05-\\*\\*\","
	    "\"address\":\"28/2 Kevin Brook; Miami, USA\",.*"
	    "\"state\":\"drafted\"");
	match(&u, "users/me shows the label", "GET", R "/users/me", NULL,
	    NULL, 200, "\\{\"key\":\"profile\",\"value\":\"drafted\","
	    "\"scope\":\"private\"");

	/* Sealed at rest: ciphertexts, none holding the plaintext. */
	fn = uid_sql(&u, "SELECT first_name_encrypted FROM profiles"
	    " WHERE user_id = $1");
	ln = uid_sql(&u, "SELECT last_name_encrypted FROM profiles"
	    " WHERE user_id = $1");
	ht_check(ht_match("^v[0-9]+:[A-Za-z0-9+/=]{40,}$", fn) &&
	    strstr(fn, "John") == NULL, "first_name sealed", "got %s", fn);
	ht_check(ht_match("^v[0-9]+:", ln) && strcmp(fn, ln) != 0,
	    "last_name sealed", "got %s", ln);
	sql_is(&u, "dob and address sealed",
	    "SELECT (dob_encrypted ~ '^v[0-9]+:' AND"
	    " dob_encrypted NOT LIKE '%1990%' AND"
	    " address_encrypted ~ '^v[0-9]+:' AND"
	    " address_encrypted NOT LIKE '%Kevin%')::text FROM profiles"
	    " WHERE user_id = $1", "true");
	sql_is(&u, "plain columns", "SELECT postcode || '|' || city || '|' ||"
	    " country || '|' || state FROM profiles WHERE user_id = $1",
	    "SW1A 1AA|St. Petersburg|gbr|0");

	/* One open profile per user. */
	exact(&u, "post again: state.exists", "POST", R "/profiles", FORM,
	    "city=Rome", 422, "{\"errors\":[\"state.exists\"]}");
	exact(&u, "post again, bad name: both, in order", "POST",
	    R "/profiles", FORM, "first_name=%40&dob=2999-01-01", 422,
	    "{\"errors\":[\"first_name.invalid\",\"state.exists\","
	    "\"dob.invalid\"]}");
	exact(&u, "post confirm: state.exists", "POST", R "/profiles", FORM,
	    "confirm=true", 422, "{\"errors\":[\"state.exists\"]}");

	/* Edits: given fields only; "" dob is nil and ignored. */
	match(&u, "put: city and country", "PUT", R "/profiles", FORM,
	    "city=Hubli%E2%80%93Dharwad&country=&dob=", 200,
	    FULL_RE("drafted", "Hubli–Dharwad", "\"\""));
	exact(&u, "put: bad last name", "PUT", R "/profiles", FORM,
	    "last_name=Sm1th%21", 422, "{\"errors\":[\"last_name.invalid\"]}");
	exact(&u, "put: future dob", "PUT", R "/profiles", JSON,
	    "{\"dob\":\"2999-12-31\"}", 422, "{\"errors\":[\"dob.invalid\"]}");
	exact(&u, "put: no state.exists on update", "PUT", R "/profiles",
	    FORM, "postcode=1", 422, "{\"errors\":[\"postcode.too_short\"]}");
	match(&u, "put: JSON null clears a plain field", "PUT", R "/profiles",
	    JSON, "{\"country\":null,\"first_name\":null}", 200,
	    FULL_RE("drafted", "Hubli–Dharwad", "null"));
	match(&u, "put: confirm", "PUT", R "/profiles", JSON,
	    "{\"confirm\":true,\"country\":\"UA\"}", 200,
	    FULL_RE("submitted", "Hubli–Dharwad", "\"UA\""));
	sql_is(&u, "label submitted",
	    "SELECT value FROM labels WHERE user_id = $1 AND key = 'profile'",
	    "submitted");
	exact(&u, "put: submitted is not editable", "PUT", R "/profiles",
	    FORM, "city=Paris", 404,
	    "{\"errors\":[\"resource.profile.doesnt_exist_or_not_editable\"]}");
	exact(&u, "post while submitted: state.exists", "POST", R "/profiles",
	    NULL, NULL, 422, "{\"errors\":[\"state.exists\"]}");

	/* Verified profiles do not count: a new one may be made. */
	uid_sql(&u, "UPDATE profiles SET state = 3 WHERE user_id = $1");
	match(&u, "post after verified: empty, confirmed", "POST",
	    R "/profiles", FORM, "confirm=1", 201,
	    "^\\{\"first_name\":null,\"last_name\":null,\"dob\":null,"
	    "\"address\":null,\"postcode\":null,\"city\":null,"
	    "\"country\":null,\"state\":\"submitted\",\"metadata\":null,"
	    "\"created_at\":" TS ",\"updated_at\":" TS "\\}$");
	match(&u, "me: two, in id order", "GET", R "/profiles/me", NULL, NULL,
	    200, "^\\[\\{\"first_name\":\"John Paul\".*\"state\":\"verified\""
	    ".*\\},\\{\"first_name\":null.*\"state\":\"submitted\".*\\}\\]$");
	sql_is(&u, "still one profile label",
	    "SELECT count(*) || value FROM labels WHERE user_id = $1"
	    " AND key = 'profile' GROUP BY value", "1submitted");
	ht_resp_free(&r);
}

static void
test_partial(void)
{
	struct ht_user	u;

	ht_user_new(&u, "prof-part", 1);	/* pending works as well */
	match(&u, "post: empty", "POST", R "/profiles", NULL, NULL, 201,
	    "^\\{\"first_name\":null,\"last_name\":null,\"dob\":null,"
	    "\"address\":null,\"postcode\":null,\"city\":null,"
	    "\"country\":null,\"state\":\"drafted\",\"metadata\":null,"
	    "\"created_at\":" TS ",\"updated_at\":" TS "\\}$");
	match(&u, "put: Korean fields", "PUT", R "/profiles", JSON,
	    "{\"last_name\":\"국\",\"first_name\":\"채원\","
	    "\"city\":\"안산시\",\"address\":\"사직로3길 23\","
	    "\"country\":\"KOR\",\"dob\":\"Jan 22 2001\","
	    "\"first_name_x\":1}", 200,
	    "^\\{\"first_name\":\"채원\",\"last_name\":\"국\","
	    "\"dob\":\"2001-01-\\*\\*\",\"address\":\"사직로3길 23\","
	    "\"postcode\":null,\"city\":\"안산시\",\"country\":\"KOR\","
	    "\"state\":\"drafted\",");
	match(&u, "put: last name masked per character", "PUT", R "/profiles",
	    JSON, "{\"last_name\":\"Müller\",\"metadata\":\"[1,2]\"}", 200,
	    "\"last_name\":\"M\\*\\*\\*\\*\\*\",.*\"metadata\":\"\\[1,2\\]\"");
	match(&u, "put: empty strings", "PUT", R "/profiles", JSON,
	    "{\"first_name\":\"\",\"address\":\"  \",\"metadata\":\"null\"}",
	    200, "^\\{\"first_name\":\"\",\"last_name\":\"M\\*\\*\\*\\*\\*\","
	    "\"dob\":\"2001-01-\\*\\*\",\"address\":\"  \",.*"
	    "\"metadata\":\"null\"");
	sql_is(&u, "pending user: label, state unchanged",
	    "SELECT l.value || ':' || u.state FROM labels l JOIN users u"
	    " ON u.id = l.user_id WHERE l.user_id = $1 AND l.key = 'profile'",
	    "drafted:pending");
}

/* Concurrent creates: exactly one wins, the others get state.exists. */
static void
test_race(void)
{
	struct ht_user	u;
	pid_t		pid[NRACE];
	int		i, st, won = 0, lost = 0;

	ht_user_new(&u, "prof-race", 0);
	for (i = 0; i < NRACE; i++) {
		if ((pid[i] = fork()) == -1) {
			perror("fork");
			exit(2);
		}
		if (pid[i] == 0) {
			struct ht_resp r = { 0 };

			if (req(&u, "POST", R "/profiles", FORM, "city=Oslo",
			    &r) == -1)
				_exit(3);
			if (r.status == 201)
				_exit(0);
			_exit(r.status == 422 && strcmp(r.body,
			    "{\"errors\":[\"state.exists\"]}") == 0 ? 1 : 2);
		}
	}
	for (i = 0; i < NRACE; i++) {
		if (waitpid(pid[i], &st, 0) == -1 || !WIFEXITED(st))
			continue;
		if (WEXITSTATUS(st) == 0)
			won++;
		else if (WEXITSTATUS(st) == 1)
			lost++;
	}
	ht_check(won == 1 && lost == NRACE - 1, "race: one create",
	    "won %d, lost %d of %d", won, lost, NRACE);
	sql_is(&u, "race: one row",
	    "SELECT count(*) FROM profiles WHERE user_id = $1", "1");
	/* The database itself refuses a second open profile. */
	uid_sql(&u, "INSERT INTO profiles (user_id, state) VALUES ($1, 1)"
	    " ON CONFLICT DO NOTHING");
	sql_is(&u, "index: no second open profile",
	    "SELECT count(*) FROM profiles WHERE user_id = $1", "1");
	uid_sql(&u, "INSERT INTO profiles (user_id, state) VALUES ($1, 4)");
	sql_is(&u, "index: rejected ones are free",
	    "SELECT count(*) FROM profiles WHERE user_id = $1", "2");
}

static void
test_no_session(void)
{
	struct ht_resp	r = { 0 };

	ht_request("GET", R "/profiles/me", NULL, NULL, 0, NULL, &r);
	ht_check(r.status == 401, "no session: refused at the gateway",
	    "got %ld %s", r.status, r.body ? r.body : "");
	ht_resp_free(&r);
}

int
main(void)
{
	ht_init();
	test_no_session();
	test_errors();
	test_full();
	test_partial();
	test_race();
	return ht_done();
}
