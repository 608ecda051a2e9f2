/*
 * The authorize step: lib/authz.c, lib/policy.c, lib/apikey.c and
 * lib/jwtcache.c.
 *
 * Without a database: the authz path, rule prefixes, restriction order
 * (categories, scopes, codes, GeoIP names from a small test MaxMind DB),
 * the /16 and /96 session binding, RBAC, the API-key signature (authz.md's
 * worked example), Ruby's to_i of a nonce and the nonce window, the JWT
 * cache, sealed secrets, activity topics and actions.
 *
 * With BARONG_TEST_DB set to the conninfo of a database with every
 * migration applied, whole decisions too: cookie sessions (CSRF, binding,
 * renewal, JWT reuse), API keys (replays included), RBAC with its
 * activity rows, restrictions reloaded by NOTIFY, and the replies of both
 * FastCGI roles.  Rows are made with names unlikely to clash (the pid) and
 * deleted afterwards.  Without BARONG_TEST_DB those tests print a note and
 * pass without asserting.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "apikey.h"
#include "arena.h"
#include "authz.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "dbread.h"
#include "geoip.h"
#include "http.h"
#include "json.h"
#include "jwt.h"
#include "jwtcache.h"
#include "mmdb_writer.h"
#include "policy.h"
#include "unit.h"

#define CHROME	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " \
		"(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

static char	tmpdir[64];
static char	mmdb_path[128];
static int	have_db;
static long	pid;

static const char *
tpath(const char *name)
{
	static char	p[8][160];
	static int	i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmpdir, name);
	return p[i];
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* ------------------------------------------------------------ the path */

static void
test_path(void)
{
	static const struct {
		const char	*uri;
		int		 role;
		const char	*want;
	} cases[] = {
		{ "/api/v2/auth/api/v2/peatio/account/balances",
		    ROLE_RESPONDER, "api/v2/peatio/account/balances" },
		{ "/api/v2/auth/api/v2/x/markets.json", ROLE_RESPONDER,
		    "api/v2/x/markets" },
		{ "/api/v2/auth/api/v2/x/markets.json?a=1&b=.c",
		    ROLE_RESPONDER, "api/v2/x/markets" },
		{ "/api/v2/auth/api/v2/x/a.b.c", ROLE_RESPONDER,
		    "api/v2/x/a.b" },
		{ "/api/v2/auth/api/v2.1/x", ROLE_RESPONDER,
		    "api/v2.1/x" },
		{ "/api/v2/auth/api/v2/x/markets.", ROLE_RESPONDER,
		    "api/v2/x/markets." },
		{ "/api/v2/auth/.json", ROLE_RESPONDER, ".json" },
		{ "/api/v2/auth//api//v2///x//", ROLE_RESPONDER,
		    "api/v2/x" },
		{ "/api/v2/auth/api/v2/x%2Ejson", ROLE_RESPONDER,
		    "api/v2/x.json" },
		{ "/api/v2/auth/api/v2/a%20b/c%2fd", ROLE_RESPONDER,
		    "api/v2/a b/c/d" },
		{ "/api/v2/auth/api/v2/a+b/%zz/%4", ROLE_RESPONDER,
		    "api/v2/a+b/%zz/%4" },
		{ "/api/v2/auth/api/v2/barong/resource/../admin/users",
		    ROLE_RESPONDER, "api/v2/barong/admin/users" },
		{ "/api/v2/auth/api/v2/barong/resource/%2e%2e/admin",
		    ROLE_RESPONDER, "api/v2/barong/admin" },
		{ "/api/v2/auth/api/./v2/../../../x", ROLE_RESPONDER, "x" },
		{ "/api/v2/auth", ROLE_RESPONDER, "" },
		{ "/api/v2/auth/", ROLE_RESPONDER, "" },
		{ "/api/v2/authx/y", ROLE_RESPONDER, "api/v2/authx/y" },
		/* nginx sent the original URI: used as it is */
		{ "/api/v2/barong/resource/users/me", ROLE_RESPONDER,
		    "api/v2/barong/resource/users/me" },
		/* the authorizer role always sees the original URI */
		{ "/api/v2/barong/resource/users/me?x=1", ROLE_AUTHORIZER,
		    "api/v2/barong/resource/users/me" },
		{ "/api/v2/auth/api/v2/barong/public", ROLE_AUTHORIZER,
		    "api/v2/auth/api/v2/barong/public" },
		/* the short mount is decided as the long one */
		{ "/api/v2/admin/permissions", ROLE_AUTHORIZER,
		    "api/v2/barong/admin/permissions" },
		{ "/api/v2/auth/api/v2/resource/users/me", ROLE_RESPONDER,
		    "api/v2/barong/resource/users/me" },
		{ "/api/v2/identity", ROLE_AUTHORIZER,
		    "api/v2/barong/identity" },
		{ "/api/v2/administrator/x", ROLE_AUTHORIZER,
		    "api/v2/administrator/x" },
		{ "/api/v2/peatio/market/orders", ROLE_AUTHORIZER,
		    "api/v2/peatio/market/orders" },
		{ "", ROLE_RESPONDER, "" },
		{ "/", ROLE_AUTHORIZER, "" },
		{ "/a#frag", ROLE_AUTHORIZER, "a" },
	};
	struct arena	*a = arena_new(0);
	const char	*got;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = authz_path(a, cases[i].uri, cases[i].role);
		if (got == NULL || strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "\n%s: got \"%s\", want \"%s\"",
			    cases[i].uri, got ? got : "(null)",
			    cases[i].want);
		CU_ASSERT_PTR_NOT_NULL(got);
		if (got != NULL)
			CU_ASSERT_STRING_EQUAL(got, cases[i].want);
	}
	CU_ASSERT_PTR_NULL(authz_path(a, "/api/v2/auth/api/v2/barong/public"
	    "%00/../../resource", ROLE_RESPONDER));
	CU_ASSERT_PTR_NOT_NULL(authz_path(a, NULL, ROLE_RESPONDER));
	arena_free(a);
}

/* ------------------------------------------------------------ rules */

static const char *const default_pass[] = {
	"api/v2/barong/public", "api/v2/barong/identity",
	"api/v2/peatio/public", "api/v2/ranger/public",
	"api/v2/applogic/public", "api/v2/arke/public", "api/v2/finex/public",
	NULL
};
static const char *const default_block[] = {
	"api/v2/barong/management", "api/v2/peatio/management", NULL
};

static void
check_default_rules(void)
{
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/public/ping"), POLICY_PASS);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/public"), POLICY_PASS);
	/* No segment boundary, as Ruby's start_with?. */
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/publicity"), POLICY_PASS);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/identityx/a"),
	    POLICY_PASS);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/management/users"),
	    POLICY_BLOCK);
	CU_ASSERT_EQUAL(policy_rule("api/v2/peatio/managementx"),
	    POLICY_BLOCK);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/resource/users/me"),
	    POLICY_NONE);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/publi"), POLICY_NONE);
	CU_ASSERT_EQUAL(policy_rule("/api/v2/barong/public"), POLICY_NONE);
	CU_ASSERT_EQUAL(policy_rule(""), POLICY_NONE);
}

static void
test_rules(void)
{
	static const char *const both[] = { "api/v2/x", NULL };
	const char	*srcdir = getenv("top_srcdir");
	char		 err[256], path[512];

	policy_rules_set(default_pass, default_block);
	check_default_rules();
	/* Block is evaluated before pass. */
	policy_rules_set(both, both);
	CU_ASSERT_EQUAL(policy_rule("api/v2/x/y"), POLICY_BLOCK);
	policy_rules_set(NULL, NULL);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/public"), POLICY_NONE);

	/* The stock file, as Barong ships it. */
	if (srcdir != NULL) {
		snprintf(path, sizeof(path), "%s/data/authz_rules.yml",
		    srcdir);
		CU_ASSERT_EQUAL(policy_rules_load(path, err, sizeof(err)), 0);
		check_default_rules();
	}

	/* A file of ours; missing lists are empty; bad files are refused
	 * and leave the current rules in place. */
	write_file(tpath("rules.yml"), "rules:\n  pass:\n    - a/b\n");
	CU_ASSERT_EQUAL_FATAL(policy_rules_load(tpath("rules.yml"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(policy_rule("a/bc"), POLICY_PASS);
	CU_ASSERT_EQUAL(policy_rule("api/v2/barong/management"), POLICY_NONE);
	write_file(tpath("bad1.yml"), "other: 1\n");
	CU_ASSERT_EQUAL(policy_rules_load(tpath("bad1.yml"), err,
	    sizeof(err)), -1);
	write_file(tpath("bad2.yml"), "rules:\n  pass: a/b\n");
	CU_ASSERT_EQUAL(policy_rules_load(tpath("bad2.yml"), err,
	    sizeof(err)), -1);
	write_file(tpath("bad3.yml"), "rules:\n  block:\n    - [x]\n");
	CU_ASSERT_EQUAL(policy_rules_load(tpath("bad3.yml"), err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(policy_rules_load(tpath("missing.yml"), err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(policy_rule("a/b"), POLICY_PASS);
	write_file(tpath("rules2.yml"), "rules:\n  block:\n    - a/\n"
	    "  pass:\n    - a/\n");
	CU_ASSERT_EQUAL(policy_rules_load(tpath("rules2.yml"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(policy_rule("a/b"), POLICY_BLOCK);
	policy_rules_set(default_pass, default_block);
}

/* ------------------------------------------------------- restrictions */

/* GeoIP: 81.2.69.0/24 United Kingdom/Europe, 175.16.199.0/24 Japan/Asia. */
static void
make_mmdb(void)
{
	struct mmdb_writer	*w = mmdb_writer_new();

	snprintf(mmdb_path, sizeof(mmdb_path), "%s/geo.mmdb", tmpdir);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "81.2.69.0/24",
	    "{\"country\":{\"names\":{\"en\":\"United Kingdom\"}},"
	    "\"continent\":{\"names\":{\"en\":\"Europe\"}}}"), 0);
	CU_ASSERT_EQUAL(mmdb_writer_insert_json(w, "175.16.199.0/24",
	    "{\"country\":{\"names\":{\"en\":\"Japan\"}},"
	    "\"continent\":{\"names\":{\"en\":\"Asia\"}}}"), 0);
	CU_ASSERT_EQUAL_FATAL(mmdb_writer_write(w, mmdb_path, "Test", NULL),
	    0);
	mmdb_writer_free(w);
	CU_ASSERT_EQUAL_FATAL(geoip_open(mmdb_path), 0);
}

struct rcase {
	const char	*path;
	const char	*ip;
	int		 status;	/* 0: allowed */
	const char	*code;
};

static void
check_restrict(const struct rcase *c, size_t n)
{
	struct arena	*a = arena_new(0);
	const char	*code;
	size_t		 i;
	int		 rc, status;

	for (i = 0; i < n; i++) {
		status = 0;
		code = NULL;
		rc = policy_restrict(a, c[i].path, c[i].ip, &status, &code);
		if (rc != (c[i].status != 0) || (rc == 1 &&
		    (status != c[i].status || strcmp(code, c[i].code) != 0)))
			fprintf(stderr, "\n%s from %s: got %d %d %s", c[i].path,
			    c[i].ip, rc, status, code ? code : "-");
		CU_ASSERT_EQUAL(rc, c[i].status != 0);
		if (rc == 1) {
			CU_ASSERT_EQUAL(status, c[i].status);
			CU_ASSERT_STRING_EQUAL(code, c[i].code);
		}
	}
	arena_free(a);
}

#define LOGIN	"api/v2/barong/identity/sessions"
#define OTHER	"api/v2/barong/resource/users/me"

static void
test_restrictions(void)
{
	struct policy_tab	*t;

	make_mmdb();

	/* Nothing installed, or an empty table: nothing restricted. */
	policy_install(policy_tab_new());
	{
		const struct rcase c[] = { { OTHER, "1.2.3.4", 0, NULL } };
		check_restrict(c, 1);
	}

	/* Default codes by category and scope; scopes tried in order. */
	t = policy_tab_new();
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist", "country",
	    "japan", 0), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist",
	    "continent", "EUROPE", 0), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist",
	    "ip_subnet", "10.1.0.0/16", 0), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist",
	    "ip_subnet", "not a net", 0), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist", "ip",
	    "10.1.2.3", 0), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist", "ip",
	    "81.2.69.7", 450), 0);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "blacklist", "nope",
	    "x", 0), -1);
	CU_ASSERT_EQUAL(policy_tab_add_restriction(t, "greylist", "ip",
	    "x", 0), -1);
	policy_install(t);
	{
		const struct rcase c[] = {
			{ OTHER, "175.16.199.1", 423,
			    "authz.restrict.blacklist" },
			{ OTHER, "81.2.69.1", 423, "authz.restrict.blacklist" },
			/* ip before continent: the ip row's own code */
			{ OTHER, "81.2.69.7", 450, "authz.restrict.blacklist" },
			/* ip before ip_subnet */
			{ OTHER, "10.1.2.3", 401, "authz.restrict.blacklist" },
			{ OTHER, "10.1.200.3", 403,
			    "authz.restrict.blacklist" },
			{ OTHER, "10.2.0.1", 0, NULL },
			/* unknown to GeoIP: no country, no continent */
			{ OTHER, "8.8.8.8", 0, NULL },
			{ OTHER, "", 0, NULL },
			{ OTHER, "2001:db8::1", 0, NULL },
		};
		check_restrict(c, sizeof(c) / sizeof(c[0]));
	}

	/* Categories in order; whitelist stops; blocklogin on login only. */
	t = policy_tab_new();
	policy_tab_add_restriction(t, "blocklogin", "all", "x", 0);
	policy_tab_add_restriction(t, "blacklist", "ip", "5.5.5.5", 0);
	policy_tab_add_restriction(t, "maintenance", "ip_subnet",
	    "6.6.0.0/16", 0);
	policy_tab_add_restriction(t, "maintenance", "ip", "5.5.5.5", 499);
	policy_tab_add_restriction(t, "whitelist", "ip", "6.6.6.6", 0);
	policy_tab_add_restriction(t, "whitelist", "country", "Japan", 0);
	policy_install(t);
	{
		const struct rcase c[] = {
			/* maintenance before blacklist */
			{ OTHER, "5.5.5.5", 499,
			    "authz.restrict.maintenance" },
			{ OTHER, "6.6.1.1", 471,
			    "authz.restrict.maintenance" },
			/* whitelisted: neither maintenance nor blocklogin */
			{ OTHER, "6.6.6.6", 0, NULL },
			{ LOGIN, "6.6.6.6", 0, NULL },
			{ LOGIN, "175.16.199.9", 0, NULL },
			/* blocklogin: the login path exactly */
			{ OTHER, "7.7.7.7", 0, NULL },
			{ LOGIN, "7.7.7.7", 401, "authz.restrict.blocklogin" },
			{ LOGIN "/x", "7.7.7.7", 0, NULL },
			{ LOGIN, "5.5.5.5", 499,
			    "authz.restrict.maintenance" },
		};
		check_restrict(c, sizeof(c) / sizeof(c[0]));
	}

	/* "all" is the first scope: it matches whatever its value. */
	t = policy_tab_new();
	policy_tab_add_restriction(t, "maintenance", "ip", "1.1.1.1", 472);
	policy_tab_add_restriction(t, "maintenance", "all", "anything", 0);
	policy_tab_add_restriction(t, "blacklist", "all", "all", 0);
	policy_install(t);
	{
		const struct rcase c[] = {
			{ OTHER, "1.1.1.1", 471,
			    "authz.restrict.maintenance" },
			{ OTHER, "", 471, "authz.restrict.maintenance" },
		};
		check_restrict(c, sizeof(c) / sizeof(c[0]));
	}
	t = policy_tab_new();
	policy_tab_add_restriction(t, "blacklist", "all", "all", 0);
	policy_tab_add_restriction(t, "blacklist", "country", "Japan", 0);
	policy_install(t);
	{
		const struct rcase c[] = {
			{ OTHER, "175.16.199.1", 401,
			    "authz.restrict.blacklist" },
		};
		check_restrict(c, 1);
	}
	policy_install(policy_tab_new());
	geoip_close();
}

/* ------------------------------------------------------------ binding */

static void
test_binding(void)
{
	CU_ASSERT(authz_same_network("198.51.100.7", "198.51.100.7"));
	CU_ASSERT(authz_same_network("198.51.0.1", "198.51.255.254"));
	CU_ASSERT(!authz_same_network("198.51.0.1", "198.52.0.1"));
	CU_ASSERT(!authz_same_network("10.0.0.1", "11.0.0.1"));
	CU_ASSERT(authz_same_network("2001:db8:1:2:3:4:5:6",
	    "2001:db8:1:2:3:4:ffff:ffff"));
	CU_ASSERT(!authz_same_network("2001:db8:1:2:3:4:5:6",
	    "2001:db8:1:2:3:5:5:6"));
	/* A mapped address is its IPv4 address. */
	CU_ASSERT(authz_same_network("::ffff:198.51.1.1", "198.51.2.2"));
	CU_ASSERT(!authz_same_network("198.51.1.1", "2001:db8::1"));
	CU_ASSERT(!authz_same_network("", "198.51.1.1"));
	CU_ASSERT(!authz_same_network("198.51.1.1", ""));
	CU_ASSERT(!authz_same_network("garbage", "garbage"));
}

/* ------------------------------------------------------------ RBAC */

static int
rbac(const char *role, const char *method, const char *path, int *audit,
    const char **topic)
{
	int		 a;
	const char	*t;

	return policy_rbac(role, method, path, audit ? audit : &a,
	    topic ? topic : &t);
}

static void
test_rbac(void)
{
	struct policy_tab	*t = policy_tab_new();
	const char		*topic;
	int			 audit;

	policy_tab_add_permission(t, "admin", "ALL", "api/v2", "ACCEPT", NULL);
	policy_tab_add_permission(t, "admin", "ALL",
	    "api/v2/barong/admin/permissions", "DROP", NULL);
	policy_tab_add_permission(t, "admin", "POST", "api/v2/", "AUDIT",
	    NULL);
	policy_tab_add_permission(t, "admin", "POST", "api/v2/barong",
	    "AUDIT", "second");
	policy_tab_add_permission(t, "member", "GET", "api/v2/ranger",
	    "ACCEPT", NULL);
	policy_tab_add_permission(t, "member", "ALL",
	    "api/v2/barong/resource", "ACCEPT", NULL);
	policy_tab_add_permission(t, "auditor", "ALL", "api/v2", "AUDIT",
	    "watch");
	policy_tab_add_permission(t, "slash", "ALL", "/api/v2", "ACCEPT",
	    NULL);
	policy_tab_add_permission(t, "compliance", "GET", "api/v2/barong",
	    "ACCEPT", NULL);
	policy_tab_add_permission(t, "compliance", "PUT", "api/v2/barong",
	    "DROP", NULL);
	CU_ASSERT_EQUAL(policy_tab_add_permission(t, "x", "GET", "a",
	    "MAYBE", NULL), -1);
	/* Rows of one role are grouped whatever their insertion order. */
	policy_tab_add_permission(t, "member", "ALL", "api/v2/peatio/account",
	    "ACCEPT", NULL);
	policy_install(t);

	CU_ASSERT(rbac("admin", "GET", "api/v2/peatio/markets", &audit,
	    &topic));
	CU_ASSERT_EQUAL(audit, 0);
	/* DROP wins over ACCEPT */
	CU_ASSERT(!rbac("admin", "GET", "api/v2/barong/admin/permissions",
	    NULL, NULL));
	CU_ASSERT(!rbac("admin", "DELETE",
	    "api/v2/barong/admin/permissionsx/1", NULL, NULL));
	CU_ASSERT(rbac("admin", "GET", "api/v2/barong/admin/permission",
	    NULL, NULL));
	/* AUDIT: the first matching AUDIT row's topic (NULL here) */
	CU_ASSERT(rbac("admin", "POST", "api/v2/barong/admin/users", &audit,
	    &topic));
	CU_ASSERT_EQUAL(audit, 1);
	CU_ASSERT_PTR_NULL(topic);
	CU_ASSERT(rbac("admin", "POST", "api/v2", &audit, &topic));
	CU_ASSERT_EQUAL(audit, 0);
	/* AUDIT alone never grants */
	CU_ASSERT(!rbac("auditor", "GET", "api/v2/x", &audit, &topic));
	CU_ASSERT_EQUAL(audit, 1);
	CU_ASSERT_STRING_EQUAL(topic, "watch");
	/* verbs: exact or ALL */
	CU_ASSERT(rbac("member", "GET", "api/v2/ranger/x", NULL, NULL));
	CU_ASSERT(!rbac("member", "POST", "api/v2/ranger/x", NULL, NULL));
	CU_ASSERT(!rbac("member", "HEAD", "api/v2/ranger/x", NULL, NULL));
	CU_ASSERT(rbac("member", "PATCH", "api/v2/barong/resource/phones",
	    NULL, NULL));
	CU_ASSERT(rbac("member", "OPTIONS", "api/v2/peatio/account/x", NULL,
	    NULL));
	CU_ASSERT(!rbac("member", "get", "api/v2/ranger/x", NULL, NULL));
	/* prefixes without a segment boundary */
	CU_ASSERT(rbac("member", "GET", "api/v2/barong/resourcex", NULL,
	    NULL));
	CU_ASSERT(!rbac("member", "GET", "api/v2/barong/resourc", NULL,
	    NULL));
	CU_ASSERT(!rbac("member", "GET", "api/v2/barong/admin", NULL, NULL));
	/* rows written with a leading slash never match */
	CU_ASSERT(!rbac("slash", "GET", "api/v2/x", NULL, NULL));
	CU_ASSERT(!rbac("slash", "GET", "", NULL, NULL));
	/* DROP of another verb does not apply */
	CU_ASSERT(rbac("compliance", "GET", "api/v2/barong/x", NULL, NULL));
	CU_ASSERT(!rbac("compliance", "PUT", "api/v2/barong/x", NULL, NULL));
	/* unknown role, no role */
	CU_ASSERT(!rbac("nobody", "GET", "api/v2/x", NULL, NULL));
	CU_ASSERT(!rbac(NULL, "GET", "api/v2/x", NULL, NULL));
	CU_ASSERT(!rbac("", "GET", "api/v2/x", NULL, NULL));
	policy_install(policy_tab_new());
	CU_ASSERT(!rbac("admin", "GET", "api/v2/x", NULL, NULL));
}

/* ------------------------------------------------------------ API keys */

#define EXAMPLE_SIG \
	"bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13"
#define EXAMPLE_SIG_UPPER \
	"BD42B945E095880E28D046846DBECF655FDF09D95A396A24FE6FE1DF42F15D13"

static void
test_signature(void)
{
	static const char	secret[] = "2d0b4979c7fe6986daa8e21d1dc0644f";
	char			out[129];

	/* authz.md §4's worked example. */
	CU_ASSERT_EQUAL(apikey_signature("HS256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, EXAMPLE_SIG);
	CU_ASSERT(apikey_signature_ok("HS256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2",
	    EXAMPLE_SIG));
	/* exact and case-sensitive */
	CU_ASSERT(!apikey_signature_ok("HS256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2",
	    EXAMPLE_SIG_UPPER));
	CU_ASSERT(!apikey_signature_ok("HS256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2",
	    "bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d1"));
	CU_ASSERT(!apikey_signature_ok("HS256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2", ""));
	/* the nonce as sent, not its value */
	CU_ASSERT(!apikey_signature_ok("HS256", secret, strlen(secret),
	    "01584524005143", "61d025b8573501c2",
	    EXAMPLE_SIG));
	/* the other algorithms of older keys */
	CU_ASSERT_EQUAL(apikey_signature("HS384", secret, strlen(secret),
	    "1", "k", out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(strlen(out), 96);
	CU_ASSERT_EQUAL(apikey_signature("HS512", secret, strlen(secret),
	    "1", "k", out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(strlen(out), 128);
	CU_ASSERT_EQUAL(apikey_signature("HS512", secret, strlen(secret),
	    "1", "k", out, 128), -1);
	CU_ASSERT_EQUAL(apikey_signature("RS256", secret, strlen(secret),
	    "1", "k", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(apikey_signature(NULL, secret, strlen(secret),
	    "1", "k", out, sizeof(out)), -1);
	CU_ASSERT(!apikey_signature_ok("hs256", secret, strlen(secret),
	    "1584524005143", "61d025b8573501c2",
	    EXAMPLE_SIG));
}

static void
test_nonce(void)
{
	static const struct {
		const char	*s;
		long long	 v;
	} cases[] = {
		{ "1584524005143", 1584524005143LL },
		{ "  1584524005143", 1584524005143LL },
		{ "\t\n12", 12 },
		{ "+12", 12 },
		{ "-12", -12 },
		{ "12abc", 12 },
		{ "12.9", 12 },
		{ "1_000", 1000 },
		{ "1__000", 1 },
		{ "_1", 0 },
		{ "1_", 1 },
		{ "abc", 0 },
		{ "", 0 },
		{ "- 1", 0 },
		{ "0x10", 0 },
		{ "99999999999999999999999", 9223372036854775807LL },
		{ "-99999999999999999999999", -9223372036854775807LL - 1 },
		{ "9223372036854775807", 9223372036854775807LL },
		{ "9223372036854775808", 9223372036854775807LL },
	};
	size_t		i;
	long long	now = 1700000000000LL;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (apikey_nonce_value(cases[i].s) != cases[i].v)
			fprintf(stderr, "\nto_i(\"%s\") = %lld", cases[i].s,
			    apikey_nonce_value(cases[i].s));
		CU_ASSERT_EQUAL(apikey_nonce_value(cases[i].s), cases[i].v);
	}
	CU_ASSERT_EQUAL(apikey_nonce_value(NULL), 0);

	/* |now - nonce| < lifetime, past or future */
	CU_ASSERT(apikey_nonce_fresh(now, now, 5000));
	CU_ASSERT(apikey_nonce_fresh(now - 4999, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(now - 5000, now, 5000));
	CU_ASSERT(apikey_nonce_fresh(now + 4999, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(now + 5000, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(1, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(9223372036854775807LL, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(0, now, 5000));
	CU_ASSERT(!apikey_nonce_fresh(-now, now, 5000));
	CU_ASSERT(apikey_now_ms() > 1600000000000LL);
}

static void
load_keyring(void)
{
	char	err[256];

	if (crypto_keyring_version() != 0)
		return;
	CU_ASSERT_EQUAL_FATAL(crypto_keygen_file(tpath("master.key")), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(tpath("master.key"), err,
	    sizeof(err)), 0);
}

static void
test_secret(void)
{
	struct arena	*a = arena_new(0);
	char		*sealed, *plain;
	size_t		 len;

	CU_ASSERT_STRING_EQUAL(apikey_secret_aad(a, "61d025b8573501c2"),
	    "apikeys.secret:61d025b8573501c2");
	load_keyring();
	sealed = apikey_seal_secret(a, "kid1", "2d0b4979c7fe6986daa8e21d");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sealed);
	CU_ASSERT_PTR_NULL(strstr(sealed, "2d0b4979"));
	CU_ASSERT_EQUAL(apikey_open_secret(a, "kid1", sealed, &plain, &len),
	    0);
	CU_ASSERT_EQUAL(len, 24);
	CU_ASSERT_STRING_EQUAL(plain, "2d0b4979c7fe6986daa8e21d");
	/* sealed for another kid: does not open */
	CU_ASSERT_EQUAL(apikey_open_secret(a, "kid2", sealed, &plain, &len),
	    -1);
	CU_ASSERT_PTR_NULL(plain);
	CU_ASSERT_EQUAL(apikey_open_secret(a, "kid1", NULL, &plain, &len),
	    -1);
	CU_ASSERT_EQUAL(apikey_open_secret(a, "kid1", "v1:AAAA", &plain,
	    &len), -1);
	arena_free(a);
}

/* ------------------------------------------------------------ JWT cache */

static void
test_jwtcache(void)
{
	const char	*t;
	time_t		 now = 1700000000, iat = 0;
	long long	 i;

	jwtcache_clear();
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2, now,
	    300, NULL));
	jwtcache_put(JWTCACHE_SESSION, 1, "fp", 2, "tok1", now, now + 3600);
	CU_ASSERT_EQUAL(jwtcache_count(), 1);
	/* hit */
	t = jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2, now + 10, 300, &iat);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "tok1");
	CU_ASSERT_EQUAL(iat, now);
	/* another fingerprint, kind or id: miss */
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fq", 2,
	    now + 10, 300, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fpx", 3,
	    now + 10, 300, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "f", 1,
	    now + 10, 300, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_APIKEY, 1, "fp", 2,
	    now + 10, 300, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 2, "fp", 2,
	    now + 10, 300, NULL));
	/* reuse time: now - iat < ttl */
	CU_ASSERT_PTR_NOT_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2,
	    now + 299, 300, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2,
	    now + 300, 300, NULL));
	/* ttl 0: off; a clock gone backwards: miss */
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2, now,
	    0, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2,
	    now - 1, 300, NULL));
	/* the margin: never within 60 s of exp */
	jwtcache_put(JWTCACHE_SESSION, 1, "fp", 2, "tok2", now, now + 120);
	CU_ASSERT_EQUAL(jwtcache_count(), 1);
	CU_ASSERT_PTR_NOT_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2,
	    now + 59, 3600, NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2,
	    now + 60, 3600, NULL));
	/* replaced by a new fingerprint */
	jwtcache_put(JWTCACHE_SESSION, 1, "new", 3, "tok3", now, now + 3600);
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_SESSION, 1, "fp", 2, now,
	    300, NULL));
	t = jwtcache_get(JWTCACHE_SESSION, 1, "new", 3, now, 300, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, "tok3");
	/* bounded: never more than the table holds, recent entries kept */
	for (i = 0; i < 3 * JWTCACHE_SETS * JWTCACHE_WAYS; i++) {
		jwtcache_put(JWTCACHE_APIKEY, 1000 + i, "f", 1, "t", now,
		    now + 3600);
		/* keep session 1 in use */
		if (i % 64 == 0)
			CU_ASSERT_PTR_NOT_NULL(jwtcache_get(JWTCACHE_SESSION,
			    1, "new", 3, now, 300, NULL));
	}
	CU_ASSERT(jwtcache_count() <= JWTCACHE_SETS * JWTCACHE_WAYS);
	CU_ASSERT(jwtcache_count() > JWTCACHE_SETS * JWTCACHE_WAYS * 9 / 10);
	CU_ASSERT_PTR_NOT_NULL(jwtcache_get(JWTCACHE_APIKEY,
	    1000 + 3 * JWTCACHE_SETS * JWTCACHE_WAYS - 1, "f", 1, now, 300,
	    NULL));
	CU_ASSERT_PTR_NULL(jwtcache_get(JWTCACHE_APIKEY, 1000, "f", 1, now,
	    300, NULL));
	jwtcache_clear();
	CU_ASSERT_EQUAL(jwtcache_count(), 0);
}

/* ------------------------------------------------------------ activity */

static void
test_activity_words(void)
{
	struct arena	*a = arena_new(0);

	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a,
	    "api/v2/barong/admin/users/list"), "users");
	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a,
	    "api/v2/peatio/admin/markets"), "markets");
	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a,
	    "api/v2/barong/admin/admin/x"), "admin");
	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a, "api/v2/barong/admin"),
	    "general");
	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a,
	    "api/v2/barong/admin/"), "general");
	CU_ASSERT_STRING_EQUAL(authz_activity_topic(a,
	    "api/v2/peatio/account/balances"), "general");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("POST"), "create");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("PUT"), "update");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("PATCH"), "update");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("GET"), "read");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("DELETE"), "delete");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("HEAD"), "system");
	CU_ASSERT_STRING_EQUAL(authz_activity_action("OPTIONS"), "system");
	arena_free(a);
}

/* -------------------------------------------- requests, database rows */

static struct arena	*dba;		/* requests and rows of the tests */
static char		 role[64], sa_role[64], kid[64], sa_kid[64];
static long long	 user_id, user2_id, sa_id;
static char		 uid1[32], uid2[32], sa_uid[32];

#define SECRET	"2d0b4979c7fe6986daa8e21d1dc0644f"
#define PEER	"198.51.100.7"

/* Run SQL with up to 6 text parameters; the first column of row 0. */
static const char *
sql(const char *q, ...)
{
	const char	*p[6];
	PGresult	*res;
	va_list		 ap;
	int		 n = 0;

	va_start(ap, q);
	while (n < 6 && (p[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	res = db_exec_sql(dba, q, n, p);
	CU_ASSERT_PTR_NOT_NULL(res);
	if (res == NULL) {
		fprintf(stderr, "\nSQL failed: %s\n", q);
		return NULL;
	}
	if (PQntuples(res) == 0 || PQnfields(res) == 0)
		return NULL;
	return PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0);
}

static void
write_rsa_key(const char *path)
{
	EVP_PKEY	*k = EVP_RSA_gen(2048);
	FILE		*f;
	int		 fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd != -1);
	f = fdopen(fd, "w");
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	EVP_PKEY_free(k);
}

static void
db_setup(void)
{
	const char	*ci = getenv("BARONG_TEST_DB");
	char		 err[256], *sealed;
	const char	*v;

	if (ci == NULL || *ci == '\0') {
		printf("\n  note: BARONG_TEST_DB not set; database tests "
		    "skipped\n");
		return;
	}
	conf_defaults();
	CU_ASSERT_EQUAL_FATAL(db_open(ci), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db_conn());
	CU_ASSERT_EQUAL_FATAL(clientip_start(), 0);
	write_rsa_key(tpath("jwt.pem"));
	CU_ASSERT_EQUAL_FATAL(jwt_keys_load(tpath("jwt.pem"), NULL, err,
	    sizeof(err)), 0);
	load_keyring();
	policy_reset();
	policy_rules_set(default_pass, default_block);
	jwtcache_clear();

	snprintf(role, sizeof(role), "authz_t%ld", pid);
	snprintf(sa_role, sizeof(sa_role), "authz_s%ld", pid);
	snprintf(uid1, sizeof(uid1), "IDAZ%ldA", pid);
	snprintf(uid2, sizeof(uid2), "IDAZ%ldB", pid);
	snprintf(sa_uid, sizeof(sa_uid), "SIAZ%ld", pid);
	snprintf(kid, sizeof(kid), "kaz%ld", pid);
	snprintf(sa_kid, sizeof(sa_kid), "ksaz%ld", pid);

	v = sql("INSERT INTO users (uid, email, password_digest, role, level,"
	    " state, username) VALUES ($1::varchar, $1 || '@authz.invalid',"
	    " 'x', $2, 1, 'active', lower($1)) RETURNING id", uid1, role,
	    NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	user_id = strtoll(v, NULL, 10);
	v = sql("INSERT INTO users (uid, email, password_digest, role, level,"
	    " state, otp, referral_id) VALUES ($1::varchar,"
	    " $1 || '@authz.invalid',"
	    " 'x', $2, 2, 'active', true, $3::bigint) RETURNING id", uid2,
	    role, arena_printf(dba, "%lld", user_id), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	user2_id = strtoll(v, NULL, 10);
	v = sql("INSERT INTO service_accounts (uid, owner_id, email, role,"
	    " level, state) VALUES ($1::varchar, $2::bigint,"
	    " $1 || '@authz.invalid', $3, 3, 'active') RETURNING id", sa_uid,
	    arena_printf(dba, "%lld", user2_id), sa_role, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	sa_id = strtoll(v, NULL, 10);

	sql("INSERT INTO permissions (role, verb, path, action, topic) VALUES"
	    " ($1, 'ALL', 'api/v2/barong/resource', 'ACCEPT', NULL),"
	    " ($1, 'ALL', 'api/v2/barong/admin', 'ACCEPT', NULL),"
	    " ($1, 'POST', 'api/v2/barong/admin', 'AUDIT', 'audited'),"
	    " ($1, 'ALL', 'api/v2/barong/admin/secret', 'DROP', NULL),"
	    " ($2, 'GET', 'api/v2/peatio/account', 'ACCEPT', NULL)",
	    role, sa_role, NULL);

	sealed = apikey_seal_secret(dba, kid, SECRET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sealed);
	sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm, secret_encrypted, state)"
	    " VALUES ($1::bigint, 'User', $2, 'HS256', $3, 'active')",
	    arena_printf(dba, "%lld", user2_id), kid, sealed, NULL);
	sealed = apikey_seal_secret(dba, sa_kid, SECRET);
	sql("INSERT INTO apikeys (key_holder_account_id,"
	    " key_holder_account_type, kid, algorithm, secret_encrypted, state)"
	    " VALUES ($1::bigint, 'ServiceAccount', $2, 'HS256', $3, 'active')",
	    arena_printf(dba, "%lld", sa_id), sa_kid, sealed, NULL);
	have_db = 1;
}

/* A session for user uid; returns its cookie token (64 hex). */
static const char *
new_session(long long uid, const char *ip, const char *ua,
    const char *expires_in)
{
	char		*token = arena_alloc(dba, 65), digest[65];
	const char	*p[5];

	CU_ASSERT_EQUAL_FATAL(crypto_random_hex(token, 32), 0);
	crypto_sha256_hex(token, 64, digest);
	p[0] = digest;
	p[1] = arena_printf(dba, "%lld", uid);
	p[2] = ip;		/* NULL: none */
	p[3] = ua;
	p[4] = expires_in;
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(dba, "INSERT INTO sessions"
	    " (token_sha256, user_id, csrf_token, user_ip, user_agent,"
	    " expires_at) VALUES (decode($1, 'hex'), $2::bigint,"
	    " 'csrf0123456789abcdef', $3, $4, now() + $5::interval)", 5, p));
	return token;
}

static const char *
session_id(const char *token)
{
	char	digest[65];

	crypto_sha256_hex(token, 64, digest);
	return sql("SELECT id FROM sessions WHERE token_sha256 ="
	    " decode($1, 'hex')", digest, NULL);
}

/*
 * A request: method, URI, role, then "NAME=value" CGI variables, NULL.
 * REMOTE_ADDR defaults to PEER unless given.
 */
static struct req *
mkreq(const char *method, const char *uri, int fcgi_role, ...)
{
	struct req	*r = arena_alloc(dba, sizeof(*r));
	const char	**env = arena_alloc(dba, 24 * sizeof(*env)), *v;
	va_list		  ap;
	size_t		  n = 0;
	int		  peer = 0;

	env[n++] = arena_printf(dba, "REQUEST_METHOD=%s", method);
	env[n++] = arena_printf(dba, "REQUEST_URI=%s", uri);
	va_start(ap, fcgi_role);
	while (n < 22 && (v = va_arg(ap, const char *)) != NULL) {
		if (strncmp(v, "REMOTE_ADDR=", 12) == 0)
			peer = 1;
		env[n++] = v;
	}
	va_end(ap);
	if (!peer)
		env[n++] = "REMOTE_ADDR=" PEER;
	env[n] = NULL;
	http_init(r, dba);
	r->env = env;
	r->role = fcgi_role;
	CU_ASSERT_EQUAL(http_prepare(r), 0);
	return r;
}

/* ------------------------------------------------------------ replies */

static void
check_reply(struct req *r, int status, const char *code, int header)
{
	const char	*h = buf_cstr(&r->headers), *body;
	char		*want;

	body = arena_printf(dba, "{\"errors\":[\"%s\"]}", code);
	CU_ASSERT_EQUAL(r->status, status);
	CU_ASSERT_EQUAL(r->out_len, strlen(body));
	if (r->out_len == strlen(body))
		CU_ASSERT_EQUAL(memcmp(r->out, body, r->out_len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "Content-Type: application/json"));
	want = arena_printf(dba, "X-Barong-Refusal: %d %s\r\n", status, code);
	if (header) {
		CU_ASSERT_PTR_NOT_NULL(strstr(h, want));
	} else {
		CU_ASSERT_PTR_NULL(strstr(h, "X-Barong-Refusal"));
	}
	CU_ASSERT_PTR_NULL(strstr(h, "Authorization"));
}

/*
 * Refusals carry X-Barong-Refusal in the responder role, and a request
 * with BARONG_REFUSAL gets that refusal again, decided by nobody.
 */
static void
test_refusal_replies(void)
{
	static const char *const bad[] = {
		"BARONG_REFUSAL=", "BARONG_REFUSAL=200 authz.x",
		"BARONG_REFUSAL=399 authz.x", "BARONG_REFUSAL=600 authz.x",
		"BARONG_REFUSAL=401", "BARONG_REFUSAL=401 ",
		"BARONG_REFUSAL=4010 authz.x", "BARONG_REFUSAL=40 authz.x",
		"BARONG_REFUSAL=401  authz.x", "BARONG_REFUSAL=401 authz.\"x",
		"BARONG_REFUSAL=401 Authz.x", "BARONG_REFUSAL=401 authz.x\n",
		"BARONG_REFUSAL=401 a23456789012345678901234567890123456789"
		    "01234567890123456789012345", NULL
	};
	struct req	*r;
	size_t		 i;

	r = mkreq("GET", "/api/v2/auth/api/v2/x%00y", ROLE_RESPONDER, NULL);
	authz_dispatch(r);
	check_reply(r, 401, "authz.permission_denied", 1);
	r = mkreq("GET", "/api/v2/x%00y", ROLE_AUTHORIZER, NULL);
	authz_dispatch(r);
	check_reply(r, 401, "authz.permission_denied", 0);

	r = mkreq("GET", "/api/v2/auth/api/v2/barong/resource/users/me",
	    ROLE_RESPONDER, "BARONG_REFUSAL=471 authz.restrict.maintenance",
	    NULL);
	authz_dispatch(r);
	check_reply(r, 471, "authz.restrict.maintenance", 0);
	r = mkreq("POST", "/api/v2/auth/x", ROLE_RESPONDER,
	    "BARONG_REFUSAL=422 authz.invalid_api_key_headers", NULL);
	authz_dispatch(r);
	check_reply(r, 422, "authz.invalid_api_key_headers", 0);
	r = mkreq("GET", "/api/v2/auth/x", ROLE_RESPONDER,
	    "BARONG_REFUSAL=500 server.internal_error", NULL);
	authz_dispatch(r);
	check_reply(r, 500, "server.internal_error", 0);
	for (i = 0; bad[i] != NULL; i++) {
		r = mkreq("GET", "/api/v2/auth/x", ROLE_RESPONDER, bad[i],
		    NULL);
		authz_dispatch(r);
		check_reply(r, 500, "server.internal_error", 0);
	}
	/* A request header of that name is only HTTP_BARONG_REFUSAL. */
	r = mkreq("GET", "/api/v2/auth/x%00", ROLE_RESPONDER,
	    "HTTP_BARONG_REFUSAL=200 ok", NULL);
	authz_dispatch(r);
	check_reply(r, 401, "authz.permission_denied", 1);
	arena_reset(dba);
}

/* ------------------------------------------------------------ database */

static const char *
cookie(const char *token)
{
	return arena_printf(dba, "HTTP_COOKIE=a=b; _barong_session=%s",
	    token);
}

/* Decide; check the refusal's status and code (status 0: a 200). */
static int
expect_at(int line, struct req *r, int status, const char *code,
    struct authz_result *res)
{
	struct authz_result	 tmp;
	int			 rc;

	if (res == NULL)
		res = &tmp;
	rc = authz_decide(r, res);
	if ((status == 0) != (rc == 0) || (rc == -1 &&
	    (r->err.status != status || strcmp(r->err.keys[0], code) != 0))) {
		fprintf(stderr, "\nline %d: %s %s: got %d %d %s (%s), want %d "
		    "%s", line, r->method, r->uri, rc, r->err.status,
		    r->err.nkeys ? r->err.keys[0] : "-", r->err.detail, status,
		    code ? code : "-");
		CU_FAIL("unexpected decision");
		return -1;
	}
	return rc;
}

#define expect(r, status, code, res)				\
	expect_at(__LINE__, (r), (status), (code), (res))

static json_object *
claims_of(const char *token)
{
	json_object	*c = NULL;
	const char	*why = NULL;

	CU_ASSERT_EQUAL(jwt_verify(dba, token, "session", &c, &why), 0);
	return c;
}

static const char *
claim_str(json_object *c, const char *k)
{
	json_object	*v;

	if (c == NULL || !json_object_object_get_ex(c, k, &v))
		return "<absent>";
	return v == NULL ? "<null>" : json_object_get_string(v);
}

#define RES	"/api/v2/auth/api/v2/barong/resource/users/me"

static void
test_db_cookie(void)
{
	struct authz_result	 res;
	const char		*tok, *jwt1;
	json_object		*c;
	struct req		*r;

	if (!have_db)
		return;
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");

	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.verdict, AUTHZ_ALLOW);
	CU_ASSERT_STRING_EQUAL(res.path, "api/v2/barong/resource/users/me");
	CU_ASSERT_EQUAL(res.reused, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res.token);
	jwt1 = arena_strdup(dba, res.token);
	c = claims_of(jwt1);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "uid"), uid1);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "role"), role);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "level"), "1");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "state"), "active");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "referral_id"), "<null>");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "sub"), "session");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "iss"), "barong");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "username"),
	    arena_printf(dba, "idaz%lda", pid));

	/* The same session and user: the same token, no signature. */
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.reused, 1);
	CU_ASSERT_STRING_EQUAL(res.token, jwt1);

	/* A new level changes the fingerprint: a new token. */
	sql("UPDATE users SET level = 3 WHERE id = $1::bigint",
	    arena_printf(dba, "%lld", user_id), NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.reused, 0);
	CU_ASSERT_STRING_NOT_EQUAL(res.token, jwt1);
	c = claims_of(res.token);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "level"), "3");

	/* With the cache off, every call signs. */
	cfg.jwt_cache_ttl = 0;
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.reused, 0);
	cfg.jwt_cache_ttl = 300;

	/* CSRF on state-changing methods. */
	r = mkreq("POST", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.missing_csrf_token", NULL);
	r = mkreq("DELETE", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "HTTP_X_CSRF_TOKEN=nope", NULL);
	expect(r, 401, "authz.csrf_token_mismatch", NULL);
	r = mkreq("TRACE", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "HTTP_X_CSRF_TOKEN=", NULL);
	expect(r, 401, "authz.csrf_token_mismatch", NULL);
	r = mkreq("PUT", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME,
	    "HTTP_X_CSRF_TOKEN=csrf0123456789abcdef", NULL);
	expect(r, 0, NULL, NULL);
	/* no session: the CSRF check fails first */
	r = mkreq("PATCH", RES, ROLE_RESPONDER, "HTTP_USER_AGENT=" CHROME,
	    "HTTP_X_CSRF_TOKEN=csrf0123456789abcdef", NULL);
	expect(r, 401, "authz.csrf_token_mismatch", NULL);
	r = mkreq("PATCH", RES, ROLE_RESPONDER, "HTTP_USER_AGENT=" CHROME,
	    NULL);
	expect(r, 401, "authz.missing_csrf_token", NULL);
	cfg.csrf_protection = 0;
	r = mkreq("POST", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	cfg.csrf_protection = 1;
	/* GET, HEAD and OPTIONS need none */
	r = mkreq("HEAD", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);

	/* No session, or a cookie that is not one of ours. */
	r = mkreq("GET", RES, ROLE_RESPONDER, "HTTP_USER_AGENT=" CHROME,
	    NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, "HTTP_COOKIE=_barong_session="
	    "0123456789abcdef0123456789abcdef", "HTTP_USER_AGENT=" CHROME,
	    NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(arena_printf(dba,
	    "%.63sA", tok)), "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(arena_printf(dba,
	    "%.63s%c", tok, tok[63] == '0' ? '1' : '0')),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
}

static void
test_db_binding(void)
{
	const char	*tok, *id, *v;
	struct req	*r;

	if (!have_db)
		return;
	/* Another agent: mismatch, the session is destroyed. */
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=curl/8", NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	CU_ASSERT_PTR_NULL(session_id(tok));
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	/* No agent at either end counts as the same. */
	tok = new_session(user_id, "198.51.1.1", NULL, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok), NULL);
	expect(r, 0, NULL, NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	/* Another /16. */
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=198.50.100.7", NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	CU_ASSERT_PTR_NULL(session_id(tok));
	/* Behind a trusted proxy the forwarded address counts. */
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=127.0.0.1",
	    "HTTP_X_FORWARDED_FOR=198.51.77.1", NULL);
	expect(r, 0, NULL, NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=127.0.0.1",
	    "HTTP_X_FORWARDED_FOR=203.0.113.1", NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	/* A session without an address never matches. */
	tok = new_session(user_id, NULL, CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	/* IPv6: the same /96. */
	tok = new_session(user_id, "2001:db8::1:2:3", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=2001:db8::1:7:8", NULL);
	expect(r, 0, NULL, NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=2001:db8::2:2:3", NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	tok = new_session(user_id, "2001:db8::1:2:3", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, "REMOTE_ADDR=198.51.100.7", NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	/* Expired. */
	tok = new_session(user_id, "198.51.1.1", CHROME, "-1 second");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.client_session_mismatch", NULL);
	CU_ASSERT_PTR_NULL(session_id(tok));

	/* Renewal: written when due, not on every call. */
	tok = new_session(user_id, "198.51.1.1", CHROME, "100 seconds");
	id = session_id(tok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	v = sql("SELECT expires_at < now() + interval '101 seconds'"
	    " FROM sessions WHERE id = $1::bigint", id, NULL);
	CU_ASSERT_STRING_EQUAL(v ? v : "-", "t");	/* not rewritten */
	sql("UPDATE sessions SET last_seen_at = now() - interval '61 seconds'"
	    " WHERE id = $1::bigint", id, NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	v = sql("SELECT expires_at > now() + interval '1790 seconds' AND"
	    " last_seen_at > now() - interval '5 seconds'"
	    " FROM sessions WHERE id = $1::bigint", id, NULL);
	CU_ASSERT_STRING_EQUAL(v ? v : "-", "t");	/* renewed */
	cfg.session_renew_interval = 0;
	sql("UPDATE sessions SET expires_at = now() + interval '100 seconds'"
	    " WHERE id = $1::bigint", id, NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	v = sql("SELECT expires_at > now() + interval '1790 seconds'"
	    " FROM sessions WHERE id = $1::bigint", id, NULL);
	CU_ASSERT_STRING_EQUAL(v ? v : "-", "t");	/* every call */
	cfg.session_renew_interval = 60;

	/* A user neither active nor pending; the session stays. */
	sql("UPDATE users SET state = 'banned' WHERE id = $1::bigint",
	    arena_printf(dba, "%lld", user_id), NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.user_not_active", NULL);
	CU_ASSERT_PTR_NOT_NULL(session_id(tok));
	sql("UPDATE users SET state = 'pending' WHERE id = $1::bigint",
	    arena_printf(dba, "%lld", user_id), NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	sql("UPDATE users SET state = 'active' WHERE id = $1::bigint",
	    arena_printf(dba, "%lld", user_id), NULL);
}

#define CHECK_TEXT(got, want) do {					\
	if (strcmp((got), (want)) != 0)					\
		fprintf(stderr, "\ngot:\n%swant:\n%s", (got), (want));	\
	CU_ASSERT_STRING_EQUAL((got), (want));				\
} while (0)

/* The admin rows written for user_id since mark, as text lines. */
static const char *
activities(const char *mark)
{
	PGresult	*res;
	const char	*p[2];
	char		*out = "";
	int		 i;

	p[0] = arena_printf(dba, "%lld", user_id);
	p[1] = mark;
	res = db_exec_sql(dba, "SELECT concat_ws('|', category, target_uid,"
	    " topic, action, result, user_ip, data) FROM activities"
	    " WHERE user_id = $1::bigint AND id > $2::bigint ORDER BY id",
	    2, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	for (i = 0; i < PQntuples(res); i++)
		out = arena_printf(dba, "%s%s\n", out, PQgetvalue(res, i, 0));
	return out;
}

static void
test_db_rbac(void)
{
	const char	*tok, *mark, *got;
	struct req	*r;

	if (!have_db)
		return;
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	mark = sql("SELECT coalesce(max(id), 0) FROM activities", NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/admin/users",
	    ROLE_RESPONDER, cookie(tok), "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	/* AUDIT: allowed and logged with the row's topic */
	r = mkreq("POST", "/api/v2/auth/api/v2/barong/admin/users?uid=ID77",
	    ROLE_RESPONDER, cookie(tok), "HTTP_USER_AGENT=" CHROME,
	    "HTTP_X_CSRF_TOKEN=csrf0123456789abcdef", NULL);
	expect(r, 0, NULL, NULL);
	/* DROP: denied and logged, topic derived from the path */
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/admin/secret/x?"
	    "user_uid=ID88&n=1", ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.invalid_permission", NULL);
	/* Nothing matches: denied, topic general */
	r = mkreq("DELETE", "/api/v2/auth/api/v2/peatio/orders",
	    ROLE_RESPONDER, cookie(tok), "HTTP_USER_AGENT=" CHROME,
	    "HTTP_X_CSRF_TOKEN=csrf0123456789abcdef", NULL);
	expect(r, 401, "authz.invalid_permission", NULL);
	/* A JSON document as the first parameter name */
	r = mkreq("GET", "/api/v2/auth/api/v2/peatio/x?%7B%22uid%22%3A%22ID9"
	    "%22%7D", ROLE_RESPONDER, cookie(tok), "HTTP_USER_AGENT=" CHROME,
	    NULL);
	expect(r, 401, "authz.invalid_permission", NULL);
	got = activities(mark);
	CHECK_TEXT(got,
	    "admin|ID77|audited|create|succeed|198.51.100.7|"
	    "{\"uid\":\"ID77\",\"path\":\"api/v2/barong/admin/users\"}\n"
	    "admin|ID88|secret|read|denied|198.51.100.7|"
	    "{\"user_uid\":\"ID88\",\"n\":\"1\",\"path\":"
	    "\"api/v2/barong/admin/secret/x\"}\n"
	    "admin||general|delete|denied|198.51.100.7|"
	    "{\"path\":\"api/v2/peatio/orders\"}\n"
	    "admin|ID9|general|read|denied|198.51.100.7|{\"uid\":\"ID9\"}\n");
}

/*
 * Headers for an API-key request: the nonce given, or a fresh one (the
 * time in milliseconds, one more than the last if the clock has not
 * moved: a nonce is good once); the signature given or the right one.
 */
static struct req *
keyreq(const char *method, const char *uri, const char *k,
    const char *nonce, const char *sig)
{
	static long long	 last;
	char			 want[129];

	if (nonce == NULL) {
		last = apikey_now_ms() > last ? apikey_now_ms() : last + 1;
		nonce = arena_printf(dba, "%lld", last);
	}
	if (sig == NULL) {
		CU_ASSERT_EQUAL(apikey_signature("HS256", SECRET,
		    strlen(SECRET), nonce, k, want, sizeof(want)), 0);
		sig = arena_strdup(dba, want);
	}
	return mkreq(method, uri, ROLE_RESPONDER,
	    arena_printf(dba, "HTTP_X_AUTH_APIKEY=%s", k),
	    arena_printf(dba, "HTTP_X_AUTH_NONCE=%s", nonce),
	    arena_printf(dba, "HTTP_X_AUTH_SIGNATURE=%s", sig),
	    "HTTP_USER_AGENT=bot/1", NULL);
}

#define ACC	"/api/v2/auth/api/v2/peatio/account/balances"

static void
test_db_apikey(void)
{
	struct authz_result	 res;
	struct req		*r;
	json_object		*c;
	const char		*nonce, *first, *mark, *u2;
	char			 sig[129];

	if (!have_db)
		return;
	u2 = arena_printf(dba, "%lld", user2_id);
	r = keyreq("GET", RES, kid, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.reused, 0);
	first = arena_strdup(dba, res.token);
	c = claims_of(first);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "uid"), uid2);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "level"), "2");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "referral_id"),
	    arena_printf(dba, "%lld", user_id));
	CU_ASSERT_STRING_EQUAL(claim_str(c, "username"), "<null>");

	/* A replay of the very same request. */
	nonce = arena_printf(dba, "%lld", apikey_now_ms() - 1000);
	r = keyreq("GET", RES, kid, nonce, NULL);
	CU_ASSERT_EQUAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.reused, 1);
	CU_ASSERT_STRING_EQUAL(res.token, first);
	r = keyreq("GET", RES, kid, nonce, NULL);
	expect(r, 401, "authz.nonce_reused", NULL);
	/* The same number written otherwise was signed otherwise. */
	r = keyreq("GET", RES, kid, arena_printf(dba, "%s ", nonce), NULL);
	expect(r, 0, NULL, NULL);

	/* Headers. */
	r = mkreq("GET", RES, ROLE_RESPONDER, "HTTP_X_AUTH_APIKEY=x", NULL);
	expect(r, 422, "authz.invalid_api_key_headers", NULL);
	r = mkreq("GET", RES, ROLE_RESPONDER, "HTTP_X_AUTH_SIGNATURE=", NULL);
	expect(r, 422, "authz.invalid_api_key_headers", NULL);
	r = keyreq("GET", RES, "  ", NULL, NULL);
	expect(r, 422, "authz.invalid_api_key_headers", NULL);
	r = keyreq("GET", RES, kid, " \t", NULL);
	expect(r, 422, "authz.invalid_api_key_headers", NULL);
	/* the key first, then the nonce, then the signature */
	r = keyreq("GET", RES, "nosuchkid", "abc", "x");
	expect(r, 401, "authz.unexistent_apikey", NULL);
	r = keyreq("GET", RES, kid, "abc", "x");
	expect(r, 401, "authz.nonce_not_valid_timestamp", NULL);
	r = keyreq("GET", RES, kid, "-5", NULL);
	expect(r, 401, "authz.nonce_not_valid_timestamp", NULL);
	r = keyreq("GET", RES, kid, arena_printf(dba, "%lld",
	    apikey_now_ms() - 6000), NULL);
	expect(r, 401, "authz.nonce_expired", NULL);
	r = keyreq("GET", RES, kid, arena_printf(dba, "%lld",
	    apikey_now_ms() + 6000), NULL);
	expect(r, 401, "authz.nonce_expired", NULL);
	r = keyreq("GET", RES, kid, NULL, "00");
	expect(r, 401, "authz.invalid_signature", NULL);
	nonce = arena_printf(dba, "%lld", apikey_now_ms());
	apikey_signature("HS256", SECRET, strlen(SECRET), nonce, kid, sig,
	    sizeof(sig));
	sig[0] = sig[0] == 'a' ? 'b' : 'a';
	r = keyreq("GET", RES, kid, nonce, sig);
	expect(r, 401, "authz.invalid_signature", NULL);
	/* A refused signature does not use up its nonce. */
	r = keyreq("GET", RES, kid, nonce, NULL);
	expect(r, 0, NULL, NULL);
	/* A cookie is ignored when any X-Auth header is there. */
	r = mkreq("GET", RES, ROLE_RESPONDER, "HTTP_X_AUTH_NONCE=1",
	    cookie(new_session(user_id, "198.51.1.1", CHROME, "1 hour")),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 422, "authz.invalid_api_key_headers", NULL);
	/* No CSRF for API keys. */
	r = keyreq("POST", RES, kid, NULL, NULL);
	expect(r, 0, NULL, NULL);

	/* Key and holder states. */
	sql("UPDATE apikeys SET state = 'inactive' WHERE kid = $1", kid,
	    NULL);
	r = keyreq("GET", RES, kid, NULL, NULL);
	expect(r, 401, "authz.apikey_not_active", NULL);
	sql("UPDATE apikeys SET state = 'active' WHERE kid = $1", kid, NULL);
	sql("UPDATE users SET state = 'banned' WHERE id = $1::bigint", u2,
	    NULL);
	r = keyreq("GET", RES, kid, NULL, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	sql("UPDATE users SET state = 'active', otp = false"
	    " WHERE id = $1::bigint", u2, NULL);
	r = keyreq("GET", RES, kid, NULL, NULL);
	expect(r, 401, "authz.disabled_2fa", NULL);
	sql("UPDATE users SET otp = true WHERE id = $1::bigint", u2, NULL);
	/* A key whose secret was sealed for another kid is a fault. */
	sql("UPDATE apikeys SET secret_encrypted = (SELECT secret_encrypted"
	    " FROM apikeys WHERE kid = $2) WHERE kid = $1", kid, sa_kid, NULL);
	r = keyreq("GET", RES, kid, NULL, NULL);
	expect(r, 500, "server.internal_error", NULL);
	sql("UPDATE apikeys SET secret_encrypted = $2 WHERE kid = $1", kid,
	    apikey_seal_secret(dba, kid, SECRET), NULL);

	/* A service account: its role, its smaller token, no activity. */
	mark = sql("SELECT coalesce(max(id), 0) FROM activities", NULL);
	r = keyreq("GET", ACC, sa_kid, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.subject.service_account, 1);
	c = claims_of(res.token);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "uid"), sa_uid);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "role"), sa_role);
	CU_ASSERT_STRING_EQUAL(claim_str(c, "level"), "3");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "referral_id"), "<absent>");
	CU_ASSERT_STRING_EQUAL(claim_str(c, "username"), "<absent>");
	r = keyreq("POST", ACC, sa_kid, NULL, NULL);
	expect(r, 401, "authz.invalid_permission", NULL);
	CU_ASSERT_STRING_EQUAL(sql("SELECT count(*) FROM activities WHERE"
	    " id > $1::bigint AND user_id = $2::bigint", mark,
	    arena_printf(dba, "%lld", sa_id), NULL), "0");
	/* The service account needs no 2FA; its state counts. */
	sql("UPDATE service_accounts SET state = 'disabled'"
	    " WHERE id = $1::bigint", arena_printf(dba, "%lld", sa_id), NULL);
	r = keyreq("GET", ACC, sa_kid, NULL, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	sql("UPDATE service_accounts SET state = 'active'"
	    " WHERE id = $1::bigint", arena_printf(dba, "%lld", sa_id), NULL);
	/* Nonces recorded on the primary, with an expiry. */
	CU_ASSERT_STRING_EQUAL(sql("SELECT count(*) > 2 AND bool_and("
	    "expires_at > now()) FROM apikey_nonces WHERE kid = $1", kid,
	    NULL), "t");
}

static void
test_db_rules(void)
{
	struct authz_result	 res;
	struct req		*r;
	unsigned long		 gen;
	char			 err[256];

	if (!have_db)
		return;
	/* Pass and block rules need no credentials. */
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, NULL);
	CU_ASSERT_EQUAL(expect(r, 0, NULL, &res), 0);
	CU_ASSERT_EQUAL(res.verdict, AUTHZ_PASS);
	CU_ASSERT_PTR_NULL(res.token);
	r = mkreq("POST", "/api/v2/auth/api/v2/barong/management/users/get",
	    ROLE_RESPONDER, "HTTP_X_AUTH_APIKEY=x", NULL);
	expect(r, 401, "authz.permission_denied", NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public%00/x",
	    ROLE_RESPONDER, NULL);
	expect(r, 401, "authz.permission_denied", NULL);

	/* A restriction added now is seen at the next request (NOTIFY). */
	gen = policy_generation();
	sql("INSERT INTO restrictions (category, scope, value, state) VALUES"
	    " ('blacklist', 'ip', '198.51.100.99', 'enabled'),"
	    " ('maintenance', 'ip', '198.51.100.98', 'enabled'),"
	    " ('blocklogin', 'ip', '198.51.100.97', 'enabled'),"
	    " ('blacklist', 'ip', '198.51.100.96', 'disabled')", NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.99", NULL);
	expect(r, 401, "authz.restrict.blacklist", NULL);
	CU_ASSERT(policy_generation() > gen);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.98", NULL);
	expect(r, 471, "authz.restrict.maintenance", NULL);
	r = mkreq("DELETE", "/api/v2/auth/api/v2/barong/identity/sessions",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.97", NULL);
	expect(r, 401, "authz.restrict.blocklogin", NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.97", NULL);
	expect(r, 0, NULL, NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.96", NULL);
	expect(r, 0, NULL, NULL);
	/* The whitelink path is exempt. */
	r = mkreq("POST", "/api/v2/auth/api/v2/barong/identity/users/access",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.99", NULL);
	expect(r, 0, NULL, NULL);
	/* A block rule does not beat a restriction. */
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/management/x",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.98", NULL);
	expect(r, 471, "authz.restrict.maintenance", NULL);
	sql("DELETE FROM restrictions WHERE value LIKE '198.51.100.9_'",
	    NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, "REMOTE_ADDR=198.51.100.99", NULL);
	expect(r, 0, NULL, NULL);

	/* The rules file is read again when it changes (looked at once a
	 * second), the tables every authz_reload_interval seconds. */
	write_file(tpath("rules.yml"), "rules:\n  pass:\n    - api/v2/x\n");
	CU_ASSERT_EQUAL(policy_rules_load(tpath("rules.yml"), err,
	    sizeof(err)), 0);
	r = mkreq("GET", "/api/v2/auth/api/v2/y", ROLE_RESPONDER, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	write_file(tpath("rules.yml"), "rules:\n  pass:\n    - api/v2/x\n"
	    "    - api/v2/y\n");
	cfg.authz_reload_interval = 1;
	gen = policy_generation();
	sleep(2);
	r = mkreq("GET", "/api/v2/auth/api/v2/y", ROLE_RESPONDER, NULL);
	expect(r, 0, NULL, NULL);
	CU_ASSERT(policy_generation() > gen);
	/* A broken file leaves the rules in use. */
	write_file(tpath("rules.yml"), "rules: [\n");
	sleep(1);
	r = mkreq("GET", "/api/v2/auth/api/v2/y", ROLE_RESPONDER, NULL);
	expect(r, 0, NULL, NULL);
	cfg.authz_reload_interval = 60;
	policy_rules_set(default_pass, default_block);

	/* A lost connection: reload everything after the reconnect. */
	gen = policy_generation();
	(void)db_exec_sql(dba, "SELECT pg_terminate_backend(pg_backend_pid())",
	    0, NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, NULL);
	expect(r, 0, NULL, NULL);
	r = mkreq("GET", "/api/v2/auth/api/v2/barong/public/ping",
	    ROLE_RESPONDER, NULL);
	expect(r, 0, NULL, NULL);
	CU_ASSERT(policy_generation() > gen);
}

/* Lookups on a read replica (here: a second connection to the same
 * database), and the fall-backs to the primary. */
static void
test_db_replica(void)
{
	char		*saved = cfg.db_read_conninfo;
	char		 bogus[] = "host=/nonexistent-authz-test dbname=x";
	const char	*tok;
	struct req	*r;

	if (!have_db)
		return;
	cfg.db_read_conninfo = getenv("BARONG_TEST_DB");
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	CU_ASSERT(dbread_used_replica());
	r = keyreq("GET", RES, kid, NULL, NULL);
	expect(r, 0, NULL, NULL);
	CU_ASSERT(dbread_used_replica());
	/* No row on the replica: the primary is asked too. */
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(arena_printf(dba,
	    "%.63s%c", tok, tok[63] == '0' ? '1' : '0')),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 401, "authz.invalid_session", NULL);
	CU_ASSERT(!dbread_used_replica());
	/* A replica that cannot be reached: the primary answers. */
	dbread_close();
	cfg.db_read_conninfo = bogus;
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	expect(r, 0, NULL, NULL);
	CU_ASSERT(!dbread_used_replica());
	cfg.db_read_conninfo = saved;
	dbread_close();
}

/* The replies of both roles. */
static void
test_db_dispatch(void)
{
	const char	*tok, *h;
	struct req	*r;

	if (!have_db)
		return;
	tok = new_session(user_id, "198.51.1.1", CHROME, "1 hour");
	r = mkreq("GET", RES, ROLE_RESPONDER, cookie(tok),
	    "HTTP_USER_AGENT=" CHROME, NULL);
	authz_dispatch(r);
	CU_ASSERT_EQUAL(r->status, 200);
	CU_ASSERT_EQUAL(r->out_len, 0);
	h = buf_cstr(&r->headers);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(strncmp(h, "Authorization: Bearer ey", 24), 0);
	CU_ASSERT_PTR_NULL(strstr(h, "Variable-"));

	r = mkreq("GET", "/api/v2/barong/resource/users/me", ROLE_AUTHORIZER,
	    cookie(tok), "HTTP_USER_AGENT=" CHROME, NULL);
	authz_dispatch(r);
	CU_ASSERT_EQUAL(r->status, 200);
	h = buf_cstr(&r->headers);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(strncmp(h, "Variable-BARONG_AUTHORIZATION: Bearer ey",
	    40), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, arena_printf(dba,
	    "\r\nVariable-REMOTE_USER: %s\r\n", uid1)));
	CU_ASSERT_PTR_NULL(strstr(h, "\r\nAuthorization:"));

	r = mkreq("GET", "/api/v2/barong/resource/users/me", ROLE_AUTHORIZER,
	    "HTTP_USER_AGENT=" CHROME, NULL);
	authz_dispatch(r);
	CU_ASSERT_EQUAL(r->status, 401);
	CU_ASSERT_EQUAL(r->out_len, strlen("{\"errors\":"
	    "[\"authz.invalid_session\"]}"));
	CU_ASSERT_EQUAL(memcmp(r->out, "{\"errors\":"
	    "[\"authz.invalid_session\"]}", r->out_len), 0);
	h = buf_cstr(&r->headers);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "Content-Type: application/json"));
	CU_ASSERT_PTR_NULL(strstr(h, "Variable-"));

	r = mkreq("GET", "/api/v2/barong/public/ping", ROLE_AUTHORIZER, NULL);
	authz_dispatch(r);
	CU_ASSERT_EQUAL(r->status, 200);
	h = buf_cstr(&r->headers);
	CU_ASSERT(h == NULL || strstr(h, "Variable-") == NULL);
}

static void
db_teardown(void)
{
	const char	*u1, *u2;

	if (!have_db)
		return;
	u1 = arena_printf(dba, "%lld", user_id);
	u2 = arena_printf(dba, "%lld", user2_id);
	sql("DELETE FROM apikey_nonces WHERE kid IN ($1, $2)", kid, sa_kid,
	    NULL);
	sql("DELETE FROM activities WHERE user_id IN ($1::bigint,"
	    " $2::bigint)", u1, u2, NULL);
	sql("DELETE FROM service_accounts WHERE id = $1::bigint",
	    arena_printf(dba, "%lld", sa_id), NULL);
	sql("DELETE FROM users WHERE id IN ($1::bigint, $2::bigint)", u2, u1,
	    NULL);
	sql("DELETE FROM permissions WHERE role IN ($1, $2)", role, sa_role,
	    NULL);
	CU_ASSERT_STRING_EQUAL(sql("SELECT count(*) FROM apikeys WHERE kid"
	    " IN ($1, $2)", kid, sa_kid, NULL), "0");
	db_close();
	jwtcache_clear();
}

static void
setup(void)
{
	pid = (long)getpid();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_authz.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	conf_defaults();
	dba = arena_new(0);
}

static void
cleanup(void)
{
	static const char *const names[] = { "rules.yml", "rules2.yml",
		"bad1.yml", "bad2.yml", "bad3.yml", "geo.mmdb", "master.key",
		"jwt.pem", NULL };
	size_t	i;

	for (i = 0; names[i] != NULL; i++)
		unlink(tpath(names[i]));
	CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
	arena_free(dba);
}

static const struct unit_test tests[] = {
	{ "set up", setup },
	{ "authz path", test_path },
	{ "pass and block rules", test_rules },
	{ "restrictions", test_restrictions },
	{ "session binding networks", test_binding },
	{ "RBAC", test_rbac },
	{ "API key signature", test_signature },
	{ "nonce value and window", test_nonce },
	{ "sealed API key secrets", test_secret },
	{ "JWT cache", test_jwtcache },
	{ "activity topic and action", test_activity_words },
	{ "refusal replies and repeats", test_refusal_replies },
	{ "database: set up (BARONG_TEST_DB)", db_setup },
	{ "database: cookie sessions", test_db_cookie },
	{ "database: session binding and renewal", test_db_binding },
	{ "database: RBAC and admin activities", test_db_rbac },
	{ "database: API keys", test_db_apikey },
	{ "database: rules, restrictions, reload", test_db_rules },
	{ "database: read replica", test_db_replica },
	{ "database: replies of both roles", test_db_dispatch },
	{ "database: clean up", db_teardown },
	{ "clean up", cleanup },
	{ NULL, NULL }
};

UNIT_MAIN("authz", tests)
