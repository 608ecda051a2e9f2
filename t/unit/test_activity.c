/*
 * lib/activity.c: the known-browser heuristic, and rows written to a real
 * PostgreSQL database named by BARONG_TEST_DB (a conninfo string) with
 * every migration applied.  Without BARONG_TEST_DB the database tests
 * print a note and pass without asserting.  Rows use user ids unlikely to
 * exist (from 9e15 + pid) and are deleted afterwards.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "activity.h"
#include "arena.h"
#include "clientip.h"
#include "conf.h"
#include "db.h"
#include "geoip.h"
#include "http.h"
#include "json.h"
#include "mmdb_writer.h"
#include "unit.h"

#define CHROME	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " \
		"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

static long long	 uid_base;
static int		 have_db;
static char		 mmdb_path[64];

/* --------------------------------------------------------- browsers */

static void
test_browsers(void)
{
	static const char *const known[] = {
		CHROME,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
		    "Gecko/20100101 Firefox/121.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
		    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
		    "Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
		    "Edg/120.0.0.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 "
		    "OPR/105.0.0.0",
		"Opera/9.80 (Windows NT 6.1; U; en) Presto/2.10.289 "
		    "Version/12.02",
		"Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
		"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)",
		"Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 "
		    "Mobile Safari/537.36",
		"UCWEB/2.0 (MIDP-2.0; U; Adr 9.0.0) UCBrowser/13.4.0.1306",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		    "(KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 "
		    "Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
		    "like Gecko) Ubuntu Chromium/37.0.2062.94",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
		    "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 "
		    "Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
		    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
		"Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) "
		    "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/120.0 "
		    "Mobile/15E148",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
		    "like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 10) AppleWebKit/537.36 "
		    "[FBAN/FB4A;FBAV/400.0.0.0;]",
		"Mozilla/5.0 (X11; Linux x86_64) Vivaldi/6.5",
		"Mozilla/5.0 (Linux; Android 12) MicroMessenger/8.0.40",
		NULL
	};
	static const char *const unknown[] = {
		"", "curl/8.4.0", "Wget/1.21.4", "python-requests/2.31.0",
		"Python-urllib/3.11", "Go-http-client/1.1", "okhttp/4.12.0",
		"Java/17.0.9", "PostmanRuntime/7.36.0", "HTTPie/3.2.2",
		"Mozilla/5.0", "Mozilla/5.0 (compatible; bingbot/2.0; "
		"+http://www.bing.com/bingbot.htm)", "libwww-perl/6.72",
		"chrome", "firefox", "Mozilla/5.0 (X11; Linux x86_64) "
		"AppleWebKit/537.36 (KHTML, like Gecko)", "Mozilla/5.0 (Otter)",
		NULL
	};
	size_t	i;

	for (i = 0; known[i] != NULL; i++) {
		if (!activity_known_browser(known[i]))
			fprintf(stderr, "unknown: %s\n", known[i]);
		CU_ASSERT(activity_known_browser(known[i]));
	}
	for (i = 0; unknown[i] != NULL; i++) {
		if (activity_known_browser(unknown[i]))
			fprintf(stderr, "known: %s\n", unknown[i]);
		CU_ASSERT(!activity_known_browser(unknown[i]));
	}
	CU_ASSERT(!activity_known_browser(NULL));
}

/* --------------------------------------------------------- database */

static void
setup(void)
{
	struct mmdb_writer	*w;
	const char		*ci = getenv("BARONG_TEST_DB");
	int			 fd;

	conf_defaults();
	uid_base = 9000000000000000LL + (long long)getpid() * 1000;
	if (ci == NULL || *ci == '\0') {
		fprintf(stderr, "\nBARONG_TEST_DB is not set: skipping the "
		    "database tests\n");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(db_open(ci), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db_conn());
	have_db = 1;
	CU_ASSERT_EQUAL_FATAL(clientip_start(), 0);
	snprintf(mmdb_path, sizeof(mmdb_path), "/tmp/test_activity.XXXXXX");
	fd = mkstemp(mmdb_path);
	CU_ASSERT_FATAL(fd != -1);
	close(fd);
	w = mmdb_writer_new();
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "81.2.69.0/24",
	    "{\"country\":{\"names\":{\"en\":\"United Kingdom\"}}}"), 0);
	CU_ASSERT_EQUAL_FATAL(mmdb_writer_write(w, mmdb_path, "Test", NULL),
	    0);
	mmdb_writer_free(w);
	CU_ASSERT_EQUAL_FATAL(geoip_open(mmdb_path), 0);
}

/* A request with these headers (NULL: absent). */
static void
make_req(struct req *r, struct arena *a, const char *peer, const char *xff,
    const char *ua)
{
	const char	**env = arena_alloc(a, 4 * sizeof(*env));
	size_t		  n = 0;

	if (peer != NULL)
		env[n++] = arena_printf(a, "REMOTE_ADDR=%s", peer);
	if (xff != NULL)
		env[n++] = arena_printf(a, "HTTP_X_FORWARDED_FOR=%s", xff);
	if (ua != NULL)
		env[n++] = arena_printf(a, "HTTP_USER_AGENT=%s", ua);
	env[n] = NULL;
	http_init(r, a);
	r->env = env;
}

/* The activities of one user, as "col|col|..." lines joined by '\n'. */
static char *
rows(struct arena *a, long long user_id)
{
	PGresult	*res;
	const char	*p[1];
	char		*out = "";
	int		 i, j;

	p[0] = arena_printf(a, "%lld", user_id);
	res = db_exec_sql(a, "SELECT category, coalesce(target_uid, '<null>'),"
	    " user_ip, coalesce(user_ip_country, '<null>'), user_agent, topic,"
	    " action, result, coalesce(data, '<null>'),"
	    " created_at > (now() AT TIME ZONE 'utc') - interval '1 minute'"
	    " FROM activities WHERE user_id = $1::bigint ORDER BY id", 1, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	for (i = 0; i < PQntuples(res); i++) {
		for (j = 0; j < PQnfields(res); j++)
			out = arena_printf(a, "%s%s%s", out, j ? "|" : "",
			    PQgetvalue(res, i, j));
		out = arena_printf(a, "%s\n", out);
	}
	return out;
}

#define CHECK_ROWS(a, uid, want) do {					\
	char *got_ = rows((a), (uid));					\
	if (strcmp(got_, (want)) != 0)					\
		fprintf(stderr, "\ngot:\n%swant:\n%s", got_, (want));	\
	CU_ASSERT_STRING_EQUAL(got_, (want));				\
} while (0)

static void
test_user_rows(void)
{
	struct arena	*a;
	struct req	 r;
	long long	 u = uid_base + 1;

	if (!have_db)
		return;
	a = arena_new(0);
	make_req(&r, a, "81.2.69.160", NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    NULL), 0);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "failed",
	    "Invalid Email or Password"), 0);
	make_req(&r, a, "127.0.0.1", "10.0.0.1, 8.8.8.8, 10.0.0.2",
	    "curl/8.4.0");
	CU_ASSERT_EQUAL(activity_record(&r, u, "password", "password reset",
	    "failed", "Reset \"token\" / é"), 0);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "logout",
	    "succeed", NULL), 0);
	CHECK_ROWS(a, u,
	    "user|<null>|81.2.69.160|United Kingdom|" CHROME
	    "|session|login|succeed|<null>|t\n"
	    "user|<null>|81.2.69.160|United Kingdom|" CHROME
	    "|session|login|failed|{\"reason\":\"Invalid Email or Password\"}"
	    "|t\n"
	    "user|<null>|8.8.8.8|<null>|curl/8.4.0|password|password reset|"
	    "failed|{\"reason\":\"Reset \\\"token\\\" / é\","
	    "\"note\":\"Detected suspicious browser\"}|t\n"
	    "user|<null>|8.8.8.8|<null>|curl/8.4.0|session|logout|succeed|"
	    "{\"note\":\"Detected suspicious browser\"}|t\n");
	arena_free(a);
}

/* No agent or no address: nothing written, and no error. */
static void
test_skipped(void)
{
	struct arena	*a;
	struct req	 r;
	long long	 u = uid_base + 2;

	if (!have_db)
		return;
	a = arena_new(0);
	make_req(&r, a, "8.8.8.8", NULL, NULL);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    NULL), 0);
	make_req(&r, a, "8.8.8.8", NULL, "");
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    NULL), 0);
	make_req(&r, a, "8.8.8.8", NULL, " \t ");
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    "x"), 0);
	make_req(&r, a, NULL, NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    NULL), 0);
	make_req(&r, a, "", NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "succeed",
	    NULL), 0);
	make_req(&r, a, "8.8.8.8", NULL, NULL);
	CU_ASSERT_EQUAL(activity_record_admin(&r, u, "ID1", "users", "read",
	    "succeed", NULL), 0);
	CHECK_ROWS(a, u, "");
	arena_free(a);
}

/* Agents PostgreSQL would refuse, and overlong ones. */
static void
test_agents(void)
{
	struct arena	*a;
	struct req	 r;
	long long	 u = uid_base + 3;
	char		 ua[600];

	if (!have_db)
		return;
	a = arena_new(0);
	make_req(&r, a, "8.8.8.8", NULL, "Firefox/1 \xff\xfe bad \xc3 "
	    "\xed\xa0\x80 ok é ✓");
	CU_ASSERT_EQUAL(activity_record(&r, u, "otp", "enable 2FA",
	    "succeed", NULL), 0);
	memset(ua, 'x', sizeof(ua) - 1);
	ua[sizeof(ua) - 1] = '\0';
	memcpy(ua, "Firefox/", 8);
	memcpy(ua + 250, "ééééé", 10);
	make_req(&r, a, "8.8.8.8", NULL, ua);
	CU_ASSERT_EQUAL(activity_record(&r, u, "otp", "enable 2FA",
	    "succeed", NULL), 0);
	ua[255 + 5] = '\0';	/* 250 'x's, 5 'é's: 255 characters */
	CHECK_ROWS(a, u,
	    arena_printf(a, "user|<null>|8.8.8.8|<null>|Firefox/1 ?? bad ? "
	    "??? ok é ✓|otp|enable 2FA|succeed|<null>|t\n"
	    "user|<null>|8.8.8.8|<null>|%.260s|otp|enable 2FA|succeed|"
	    "<null>|t\n", ua));
	arena_free(a);
}

static void
test_admin_rows(void)
{
	struct arena	*a;
	struct req	 r;
	long long	 u = uid_base + 4;
	json_object	*params;

	if (!have_db)
		return;
	a = arena_new(0);
	params = json_adopt(a, json_tokener_parse(
	    "{\"user_uid\":\"ID123\",\"path\":\"api/v2/admin/users\"}"));
	make_req(&r, a, "81.2.69.1", NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record_admin(&r, u, "ID123", "users",
	    "update", "succeed", params), 0);
	make_req(&r, a, "2001:db8::1", NULL, "python-requests/2.31");
	CU_ASSERT_EQUAL(activity_record_admin(&r, u, NULL, "general", "read",
	    "denied", params), 0);
	/* The caller's object is not changed by the note. */
	CU_ASSERT_STRING_EQUAL(json_dump(a, params, NULL),
	    "{\"user_uid\":\"ID123\",\"path\":\"api/v2/admin/users\"}");
	CU_ASSERT_EQUAL(activity_record_admin(&r, u, "", "general", "read",
	    "denied", NULL), 0);
	make_req(&r, a, "2001:db8::1", NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record_admin(&r, u, "", "general", "read",
	    "denied", NULL), 0);
	CHECK_ROWS(a, u,
	    "admin|ID123|81.2.69.1|United Kingdom|" CHROME "|users|update|"
	    "succeed|{\"user_uid\":\"ID123\",\"path\":\"api/v2/admin/users\"}"
	    "|t\n"
	    "admin||2001:db8::1|<null>|python-requests/2.31|general|read|"
	    "denied|{\"user_uid\":\"ID123\",\"path\":\"api/v2/admin/users\","
	    "\"note\":\"Detected suspicious browser\"}|t\n"
	    "admin||2001:db8::1|<null>|python-requests/2.31|general|read|"
	    "denied|{\"note\":\"Detected suspicious browser\"}|t\n"
	    "admin||2001:db8::1|<null>|" CHROME "|general|read|denied|"
	    "<null>|t\n");
	arena_free(a);
}

/* A failing insert (a result the table refuses) is reported. */
static void
test_failure(void)
{
	struct arena	*a;
	struct req	 r;
	long long	 u = uid_base + 5;

	if (!have_db)
		return;
	a = arena_new(0);
	make_req(&r, a, "8.8.8.8", NULL, CHROME);
	CU_ASSERT_EQUAL(activity_record(&r, u, "session", "login", "bogus",
	    NULL), -1);
	CU_ASSERT_EQUAL(r.err.status, 0);
	CU_ASSERT_STRING_EQUAL(db_sqlstate(), "23514");
	CHECK_ROWS(a, u, "");
	arena_free(a);
}

static void
teardown(void)
{
	struct arena	*a;
	const char	*p[2];

	if (!have_db)
		return;
	a = arena_new(0);
	p[0] = arena_printf(a, "%lld", uid_base);
	p[1] = arena_printf(a, "%lld", uid_base + 999);
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(a, "DELETE FROM activities WHERE"
	    " user_id BETWEEN $1::bigint AND $2::bigint", 2, p));
	arena_free(a);
	geoip_close();
	unlink(mmdb_path);
	db_close();
}

static const struct unit_test tests[] = {
	{ "known browsers", test_browsers },
	{ "set up (BARONG_TEST_DB)", setup },
	{ "user activities", test_user_rows },
	{ "no agent or no address: no row", test_skipped },
	{ "agents cleaned and cut", test_agents },
	{ "admin activities", test_admin_rows },
	{ "database failure", test_failure },
	{ "tear down", teardown },
	{ NULL, NULL }
};

UNIT_MAIN("activity", tests)
