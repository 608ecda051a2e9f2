/*
 * lib/params.c: Barong's parameter errors (user-api.md §1.2, §1.4) from a
 * hand-built request: the examples of the spec, every type's coercion,
 * allowed values, bounds, defaults, deduplication, and the accessors.
 * Also lib/http.c, which has no test program of its own: the CGI
 * environment, cookies, how query and body merge, and the replies.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "params.h"
#include "router.h"
#include "unit.h"

#define REQ	(P_REQUIRED | P_NONBLANK)

/* POST /identity/users (§3.6). */
static const struct param signup[] = {
	{ .name = "email", .type = PT_STRING, .flags = REQ },
	{ .name = "password", .type = PT_STRING, .flags = REQ },
	{ .name = "username", .type = PT_STRING },
	{ .name = "refid", .type = PT_STRING },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT },
	{ .name = "data", .type = PT_STRING },
	{ .name = NULL }
};

/* POST /identity/users/password/confirm_code (§3.12). */
static const struct param confirm[] = {
	{ .name = "reset_password_token", .type = PT_STRING, .flags = REQ,
	    .missing = "identity.user.missing_pass_token" },
	{ .name = "password", .type = PT_STRING, .flags = REQ },
	{ .name = "confirm_password", .type = PT_STRING, .flags = REQ },
	{ .name = NULL }
};

/* Pagination (§1.4): prefix-less custom codes. */
static const struct param pages[] = {
	{ .name = "page", .type = PT_INTEGER, .invalid = "non_integer_page",
	    .value_err = "non_positive_page", .def = "1", .min = 1,
	    .max = 1000000000 },
	{ .name = "limit", .type = PT_INTEGER, .invalid = "non_integer_limit",
	    .value_err = "invalid_limit", .def = "100", .min = 1, .max = 100 },
	{ .name = NULL }
};

static const char *const states[] = { "active", "banned", NULL };

/* One of each type, all optional. */
static const struct param types[] = {
	{ .name = "s", .type = PT_STRING },
	{ .name = "i", .type = PT_INTEGER },
	{ .name = "b", .type = PT_BOOLEAN },
	{ .name = "d", .type = PT_DATE },
	{ .name = "so", .type = PT_STRING_OR_OBJECT },
	{ .name = "any", .type = PT_ANY },
	{ .name = "state", .type = PT_STRING, .values = states },
	{ .name = "cstate", .type = PT_STRING, .values = states,
	    .value_err = "resource.user.invalid_state" },
	{ .name = "short", .type = PT_STRING, .maxlen = 5 },
	{ .name = "nb", .type = PT_STRING, .flags = P_NONBLANK },
	{ .name = "ci", .type = PT_INTEGER, .invalid = "x.non_integer" },
	{ .name = "ci2", .type = PT_INTEGER, .invalid = "x.non_integer" },
	{ .name = "flag", .type = PT_BOOLEAN, .def = "true" },
	{ .name = NULL }
};

/* Non-blank typed params: GET /resource/users/activity (§5.4). */
static const struct param typed_nonblank[] = {
	{ .name = "t", .type = PT_INTEGER, .flags = P_NONBLANK,
	    .invalid = "x.non_integer_t", .empty = "x.empty_t" },
	{ .name = "dd", .type = PT_DATE, .flags = P_NONBLANK },
	{ .name = NULL }
};

static const struct route r_signup = { "POST", "/users", NULL, signup,
	"identity.user", 0 };
static const struct route r_confirm = { "POST", "/users/password/"
	"confirm_code", NULL, confirm, "identity.user", 0 };
static const struct route r_pages = { "GET", "/api_keys", NULL, pages,
	"resource.apikey", 0 };
static const struct route r_types = { "POST", "/t", NULL, types, "test.t",
	0 };
static const struct route r_typed_nonblank = { "GET", "/t", NULL,
	typed_nonblank, "test.t", 0 };
static const struct route r_none = { "GET", "/ping", NULL, NULL,
	"public.general", 0 };

static struct arena	*a;
static struct req	 r;
static char		 got[1024];

/* Start a request for route rt with the JSON object text as its input. */
static void
start(const struct route *rt, const char *input)
{
	if (a == NULL)
		a = arena_new(0);
	arena_reset(a);
	http_init(&r, a);
	r.route = rt;
	r.input = json_adopt(a, json_tokener_parse(input));
	CU_ASSERT_FATAL(json_object_is_type(r.input, json_type_object));
}

/* Validate; "OK" or the error codes joined by ','. */
static const char *
run(void)
{
	size_t	i, o = 0;

	if (params_validate(&r) == 0) {
		CU_ASSERT_EQUAL(r.err.status, 0);
		return "OK";
	}
	CU_ASSERT_EQUAL(r.err.status, 422);
	got[0] = '\0';
	for (i = 0; i < r.err.nkeys; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    i ? "," : "", r.err.keys[i]);
	return got;
}

static const char *
v(const struct route *rt, const char *input)
{
	start(rt, input);
	return run();
}

#define V(rt, in, want)	CU_ASSERT_STRING_EQUAL(v((rt), (in)), (want))

static void
test_signup_missing(void)
{
	V(&r_signup, "{}", "identity.user.missing_email,"
	    "identity.user.empty_email,identity.user.missing_password,"
	    "identity.user.empty_password");
	V(&r_signup, "{\"password\":\"Secret123!\"}",
	    "identity.user.missing_email,identity.user.empty_email");
	V(&r_signup, "{\"email\":\"a@b.c\",\"password\":\"x\"}", "OK");
	/* Undeclared parameters are ignored. */
	V(&r_signup, "{\"email\":\"a@b.c\",\"password\":\"x\",\"role\":"
	    "\"admin\",\"x\":[1]}", "OK");
}

static void
test_signup_empty(void)
{
	V(&r_signup, "{\"email\":\"\",\"password\":\"\"}",
	    "identity.user.empty_email,identity.user.empty_password");
	/* Whitespace only is blank, as Ruby's blank?. */
	V(&r_signup, "{\"email\":\" \\t\\n\",\"password\":\"x\"}",
	    "identity.user.empty_email");
	/* null is present but blank. */
	V(&r_signup, "{\"email\":null,\"password\":\"x\"}",
	    "identity.user.empty_email");
	V(&r_signup, "{\"email\":false,\"password\":\"x\"}",
	    "identity.user.empty_email");
	/* Optional params may be empty. */
	V(&r_signup, "{\"email\":\"e\",\"password\":\"p\",\"username\":\"\"}",
	    "OK");
}

static void
test_signup_types(void)
{
	V(&r_signup, "{\"email\":[\"a@b.c\"],\"password\":\"x\"}", "invalid");
	V(&r_signup, "{\"email\":{\"a\":1},\"password\":\"x\"}", "invalid");
	V(&r_signup, "{\"email\":[],\"password\":{}}", "invalid");
	/* Numbers are stringified. */
	V(&r_signup, "{\"email\":123,\"password\":1.5}", "OK");
	CU_ASSERT_STRING_EQUAL(param_str(&r, "email"), "123");
	CU_ASSERT_EQUAL(param_get(&r, "email")->len, 3);
	CU_ASSERT_STRING_EQUAL(param_str(&r, "password"), "1.5");
	CU_ASSERT_EQUAL(param_get(&r, "password")->len, 3);
	V(&r_signup, "{\"email\":true,\"password\":-20}", "OK");
	CU_ASSERT_EQUAL(param_get(&r, "email")->len, 4);
	CU_ASSERT_EQUAL(param_get(&r, "password")->len, 3);
	V(&r_signup, "{\"email\":\"e\",\"password\":\"p\","
	    "\"captcha_response\":{\"geetest_challenge\":\"c\"}}", "OK");
	V(&r_signup, "{\"email\":\"e\",\"password\":\"p\","
	    "\"captcha_response\":\"token\"}", "OK");
	V(&r_signup, "{\"email\":\"e\",\"password\":\"p\","
	    "\"captcha_response\":[\"x\"]}", "invalid");
	/* Missing, then a type error, in declaration order. */
	V(&r_signup, "{\"password\":\"p\",\"username\":[1]}",
	    "identity.user.missing_email,identity.user.empty_email,invalid");
}

static void
test_confirm_code(void)
{
	V(&r_confirm, "{}", "identity.user.missing_pass_token,"
	    "identity.user.empty_reset_password_token,"
	    "identity.user.missing_password,identity.user.empty_password,"
	    "identity.user.missing_confirm_password,"
	    "identity.user.empty_confirm_password");
	V(&r_confirm, "{\"reset_password_token\":\"\",\"password\":\"\","
	    "\"confirm_password\":\"\"}",
	    "identity.user.empty_reset_password_token,"
	    "identity.user.empty_password,"
	    "identity.user.empty_confirm_password");
	V(&r_confirm, "{\"reset_password_token\":\"t\",\"password\":\"p\","
	    "\"confirm_password\":\"p\"}", "OK");
}

static void
test_integer(void)
{
	V(&r_types, "{\"i\":\"12\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", -1), 12);
	V(&r_types, "{\"i\":\" 12 \"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", -1), 12);
	V(&r_types, "{\"i\":\"-3\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), -3);
	V(&r_types, "{\"i\":\"+4\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), 4);
	V(&r_types, "{\"i\":12}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), 12);
	V(&r_types, "{\"i\":12.0}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), 12);
	V(&r_types, "{\"i\":-7.0}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), -7);
	V(&r_types, "{\"i\":9223372036854775807}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "i", 0), 9223372036854775807LL);

	V(&r_types, "{\"i\":\"1.5\"}", "invalid");
	V(&r_types, "{\"i\":\"12.0\"}", "invalid");
	V(&r_types, "{\"i\":12.5}", "invalid");
	V(&r_types, "{\"i\":\"abc\"}", "invalid");
	V(&r_types, "{\"i\":\"12abc\"}", "invalid");
	V(&r_types, "{\"i\":\"\"}", "invalid");
	V(&r_types, "{\"i\":\" \"}", "invalid");
	V(&r_types, "{\"i\":\"-\"}", "invalid");
	V(&r_types, "{\"i\":\"0x10\"}", "invalid");
	V(&r_types, "{\"i\":\"99999999999999999999\"}", "invalid");
	V(&r_types, "{\"i\":18446744073709551615}", "invalid");
	V(&r_types, "{\"i\":true}", "invalid");
	V(&r_types, "{\"i\":null}", "invalid");
	V(&r_types, "{\"i\":[1]}", "invalid");
	/* Out of long long's range: refused, not an undefined cast. */
	V(&r_types, "{\"i\":1e300}", "invalid");
	V(&r_types, "{\"i\":-1e19}", "invalid");
	V(&r_types, "{\"i\":9.3e18}", "invalid");
}

static void
test_boolean(void)
{
	static const char *const yes[] = { "true", "t", "yes", "y", "on", "1",
		"TRUE", "True", "YES", "On", NULL };
	static const char *const no[] = { "false", "f", "no", "n", "off", "0",
		"FALSE", "Off", NULL };
	char	in[64];
	int	i;

	for (i = 0; yes[i] != NULL; i++) {
		snprintf(in, sizeof(in), "{\"b\":\"%s\"}", yes[i]);
		V(&r_types, in, "OK");
		CU_ASSERT_EQUAL(param_bool(&r, "b", 0), 1);
	}
	for (i = 0; no[i] != NULL; i++) {
		snprintf(in, sizeof(in), "{\"b\":\"%s\"}", no[i]);
		V(&r_types, in, "OK");
		CU_ASSERT_EQUAL(param_bool(&r, "b", 1), 0);
	}
	V(&r_types, "{\"b\":true}", "OK");
	CU_ASSERT_EQUAL(param_bool(&r, "b", 0), 1);
	V(&r_types, "{\"b\":false}", "OK");
	CU_ASSERT_EQUAL(param_bool(&r, "b", 1), 0);
	V(&r_types, "{\"b\":1}", "OK");
	CU_ASSERT_EQUAL(param_bool(&r, "b", 0), 1);
	V(&r_types, "{\"b\":\"maybe\"}", "invalid");
	V(&r_types, "{\"b\":\"\"}", "invalid");
	V(&r_types, "{\"b\":\"2\"}", "invalid");
	V(&r_types, "{\"b\":\" true\"}", "invalid");
	V(&r_types, "{\"b\":[true]}", "invalid");
}

static const char *
date(const char *in)
{
	static char	out[11];

	if (params_parse_date(in, out) == -1)
		return "ERR";
	return out;
}

static void
test_date(void)
{
	CU_ASSERT_STRING_EQUAL(date("2020-01-22"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("22-01-2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("Jan 22 2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("22 Jan 2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("January 22, 2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("22 JANUARY 2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("20200122"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("2020/01/22"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("22/01/2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("22.01.2020"), "2020-01-22");
	CU_ASSERT_STRING_EQUAL(date("2020-1-2"), "2020-01-02");
	CU_ASSERT_STRING_EQUAL(date("2020-02-29"), "2020-02-29");
	CU_ASSERT_STRING_EQUAL(date("2000-02-29"), "2000-02-29");
	CU_ASSERT_STRING_EQUAL(date("2020-12-31 "), "2020-12-31");
	CU_ASSERT_STRING_EQUAL(date("2020-02-30"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2019-02-29"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("1900-02-29"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-13-01"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-00-10"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-01-00"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("01-22-2020"), "ERR");	/* US order */
	CU_ASSERT_STRING_EQUAL(date("Foo 22 2020"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("Jan Feb 2020"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-01-22x"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-01-22-01"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020-01"), "ERR");
	CU_ASSERT_STRING_EQUAL(date(""), "ERR");
	CU_ASSERT_STRING_EQUAL(date("abc"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("2020012"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("0000-01-01"), "ERR");
	/* A year that atoi() would wrap to 2020 (2^32 + 2020). */
	CU_ASSERT_STRING_EQUAL(date("Jan 22 4294969316"), "ERR");
	CU_ASSERT_STRING_EQUAL(date("22-01-4294969316"), "ERR");

	V(&r_types, "{\"d\":\"22 Jan 2020\"}", "OK");
	CU_ASSERT_STRING_EQUAL(param_str(&r, "d"), "2020-01-22");
	CU_ASSERT_EQUAL(param_get(&r, "d")->len, 10);
	V(&r_types, "{\"d\":\"2020-02-30\"}", "invalid");
	V(&r_types, "{\"d\":20200122}", "OK");
	CU_ASSERT_STRING_EQUAL(param_str(&r, "d"), "2020-01-22");
	V(&r_types, "{\"d\":null}", "invalid");
	V(&r_types, "{\"d\":{}}", "invalid");
}

static void
test_values(void)
{
	V(&r_types, "{\"state\":\"active\"}", "OK");
	V(&r_types, "{\"state\":\"Active\"}", "value");
	V(&r_types, "{\"state\":\"\"}", "value");
	V(&r_types, "{\"cstate\":\"x\"}", "resource.user.invalid_state");
	V(&r_types, "{\"cstate\":\"banned\"}", "OK");
	/* Coercion first: a bad type is only "invalid". */
	V(&r_types, "{\"state\":[\"active\"]}", "invalid");
}

static void
test_pagination(void)
{
	V(&r_pages, "{}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "page", -1), 1);
	CU_ASSERT_EQUAL(param_int(&r, "limit", -1), 100);
	CU_ASSERT(param_present(&r, "limit"));
	CU_ASSERT_STRING_EQUAL(param_str(&r, "limit"), "100");
	V(&r_pages, "{\"limit\":\"0\"}", "invalid_limit");
	V(&r_pages, "{\"limit\":\"101\"}", "invalid_limit");
	V(&r_pages, "{\"limit\":\"-1\"}", "invalid_limit");
	V(&r_pages, "{\"limit\":\"100\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "limit", -1), 100);
	V(&r_pages, "{\"limit\":\"1\"}", "OK");
	V(&r_pages, "{\"limit\":\"ten\"}", "non_integer_limit");
	V(&r_pages, "{\"page\":\"0\"}", "non_positive_page");
	V(&r_pages, "{\"page\":\"x\",\"limit\":\"0\"}",
	    "non_integer_page,invalid_limit");
	V(&r_pages, "{\"page\":\"2\",\"limit\":\"5\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "page", -1), 2);
	CU_ASSERT_EQUAL(param_int(&r, "limit", -1), 5);
}

static void
test_defaults_accessors(void)
{
	V(&r_types, "{}", "OK");
	CU_ASSERT_EQUAL(param_bool(&r, "flag", 0), 1);
	CU_ASSERT(param_present(&r, "flag"));
	CU_ASSERT_STRING_EQUAL(param_str(&r, "flag"), "true");
	/* Absent without a default: NULL, and the caller's default. */
	CU_ASSERT_PTR_NULL(param_str(&r, "s"));
	CU_ASSERT_PTR_NULL(param_get(&r, "s"));
	CU_ASSERT_FALSE(param_present(&r, "s"));
	CU_ASSERT_EQUAL(param_int(&r, "i", 42), 42);
	CU_ASSERT_EQUAL(param_bool(&r, "b", 1), 1);
	CU_ASSERT_EQUAL(param_bool(&r, "b", 0), 0);
	/* Undeclared names are never visible. */
	V(&r_types, "{\"undeclared\":\"x\"}", "OK");
	CU_ASSERT_PTR_NULL(param_str(&r, "undeclared"));
	/* A given value replaces the default. */
	V(&r_types, "{\"flag\":\"off\",\"s\":\"str\"}", "OK");
	CU_ASSERT_EQUAL(param_bool(&r, "flag", 1), 0);
	CU_ASSERT_STRING_EQUAL(param_str(&r, "s"), "str");
	CU_ASSERT_EQUAL(param_get(&r, "s")->len, 3);
	CU_ASSERT_PTR_NOT_NULL(param_get(&r, "s")->j);
	/* Objects and arrays pass through PT_ANY and PT_STRING_OR_OBJECT. */
	V(&r_types, "{\"any\":[1,2],\"so\":{\"k\":\"v\"}}", "OK");
	CU_ASSERT(json_object_is_type(param_get(&r, "any")->j,
	    json_type_array));
	CU_ASSERT(json_object_is_type(param_get(&r, "so")->j,
	    json_type_object));
	/* Before params_validate, nothing is visible. */
	start(&r_types, "{\"s\":\"x\"}");
	CU_ASSERT_PTR_NULL(param_str(&r, "s"));
}

static void
test_dedup(void)
{
	/* Two params with the same code: listed once. */
	V(&r_types, "{\"i\":\"x\",\"b\":\"x\",\"d\":\"x\"}", "invalid");
	V(&r_types, "{\"ci\":\"x\",\"ci2\":\"y\"}", "x.non_integer");
	V(&r_types, "{\"ci\":\"x\",\"i\":\"y\",\"ci2\":\"y\"}",
	    "invalid,x.non_integer");
	V(&r_types, "{\"state\":\"x\",\"i\":\"y\"}", "invalid,value");
}

static void
test_nonblank_optional(void)
{
	V(&r_types, "{\"nb\":\"  \"}", "test.t.empty_nb");
	V(&r_types, "{\"nb\":[]}", "invalid");
	V(&r_types, "{}", "OK");
	V(&r_types, "{\"nb\":\"x\"}", "OK");
	/* Grape reads "" and null as nil for an Integer or a Date: blank. */
	V(&r_typed_nonblank, "{\"t\":\"\",\"dd\":\"\"}",
	    "x.empty_t,test.t.empty_dd");
	V(&r_typed_nonblank, "{\"t\":null,\"dd\":null}",
	    "x.empty_t,test.t.empty_dd");
	V(&r_typed_nonblank, "{\"t\":\" \",\"dd\":\"x\"}",
	    "x.non_integer_t,invalid");
	V(&r_typed_nonblank, "{\"t\":\"12\",\"dd\":\"2020-01-22\"}", "OK");
	CU_ASSERT_EQUAL(param_int(&r, "t", 0), 12);
	V(&r_typed_nonblank, "{}", "OK");
}

/* Strings given by a form body may hold anything: checked here. */
static void
test_bad_strings(void)
{
	start(&r_types, "{}");
	json_object_object_add(r.input, "s", json_object_new_string_len(
	    "a\0b", 3));
	CU_ASSERT_STRING_EQUAL(run(), "invalid");

	start(&r_types, "{}");
	json_object_object_add(r.input, "s", json_object_new_string("\xc3"));
	CU_ASSERT_STRING_EQUAL(run(), "invalid");

	start(&r_types, "{}");
	json_object_object_add(r.input, "any", json_object_new_string(
	    "\xed\xa0\x80"));
	CU_ASSERT_STRING_EQUAL(run(), "invalid");

	start(&r_types, "{}");
	json_object_object_add(r.input, "d", json_object_new_string_len(
	    "2020-01-22\0", 11));
	CU_ASSERT_STRING_EQUAL(run(), "invalid");

	/* maxlen in bytes. */
	V(&r_types, "{\"short\":\"12345\"}", "OK");
	V(&r_types, "{\"short\":\"123456\"}", "invalid");
	V(&r_types, "{\"short\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", "invalid");
}

/* ------------------------------------------------------------------
 * lib/http.c (no test program of its own in Makefile.am): the CGI
 * environment, cookies, parameter merging, error statuses, replies.
 */

static void
http_start(const char **env)
{
	if (a == NULL)
		a = arena_new(0);
	arena_reset(a);
	http_init(&r, a);
	r.env = env;
	CU_ASSERT_EQUAL(http_prepare(&r), 0);
}

static void
test_http_header(void)
{
	static const char *env[] = {
		"HTTP_USER_AGENTX=wrong",
		"HTTP_USER_AGENT=curl/8",
		"CONTENT_TYPE=Application/JSON; charset=utf-8",
		"CONTENT_LENGTH=17",
		"HTTP_X_FORWARDED_FOR=1.2.3.4",
		"HTTP_COOKIE=a=1; _barong_session=tok; b=2",
		"REQUEST_METHOD=POST",
		"REQUEST_URI=/api/v2/identity/sessions?x=1&y=2",
		"REMOTE_ADDR=10.0.0.1",
		"HTTP_X_REQUEST_ID=abc-123_DEF.4",
		NULL
	};
	char	long_name[200];

	http_start(env);
	CU_ASSERT_STRING_EQUAL(http_header(&r, "User-Agent"), "curl/8");
	CU_ASSERT_STRING_EQUAL(http_header(&r, "user-agent"), "curl/8");
	CU_ASSERT_STRING_EQUAL(http_header(&r, "X-Forwarded-For"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(http_header(&r, "Content-Type"),
	    "Application/JSON; charset=utf-8");
	CU_ASSERT_STRING_EQUAL(http_header(&r, "content-length"), "17");
	CU_ASSERT_PTR_NULL(http_header(&r, "Authorization"));
	memset(long_name, 'X', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CU_ASSERT_PTR_NULL(http_header(&r, long_name));
	CU_ASSERT_STRING_EQUAL(http_env(&r, "REMOTE_ADDR"), "10.0.0.1");
	CU_ASSERT_PTR_NULL(http_env(&r, "REMOTE"));
	CU_ASSERT_STRING_EQUAL(http_remote_addr(&r), "10.0.0.1");
	/* http_prepare's view of the request line. */
	CU_ASSERT_STRING_EQUAL(r.method, "POST");
	CU_ASSERT_STRING_EQUAL(r.path, "/api/v2/identity/sessions");
	CU_ASSERT_STRING_EQUAL(r.query, "x=1&y=2");
	CU_ASSERT_STRING_EQUAL(r.content_type, "application/json");
	CU_ASSERT_STRING_EQUAL(r.request_id, "abc-123_DEF.4");
}

static void
test_http_cgi_fallback(void)
{
	static const char *env[] = {
		"SCRIPT_NAME=/api/v2/public",
		"PATH_INFO=/ping",
		"QUERY_STRING=a=b",
		"HTTP_X_REQUEST_ID=bad id\n",
		NULL
	};
	static const char *empty[] = { NULL };

	http_start(env);
	CU_ASSERT_STRING_EQUAL(r.method, "GET");
	CU_ASSERT_STRING_EQUAL(r.uri, "/api/v2/public/ping?a=b");
	CU_ASSERT_STRING_EQUAL(r.path, "/api/v2/public/ping");
	CU_ASSERT_STRING_EQUAL(r.query, "a=b");
	CU_ASSERT_STRING_EQUAL(r.content_type, "");
	/* A client's request id with odd characters is replaced. */
	CU_ASSERT_EQUAL(strlen(r.request_id), 16);
	CU_ASSERT_EQUAL(strspn(r.request_id, "0123456789abcdef"), 16);
	http_start(empty);
	CU_ASSERT_STRING_EQUAL(r.path, "");
	CU_ASSERT_STRING_EQUAL(r.query, "");
	CU_ASSERT_STRING_EQUAL(http_remote_addr(&r), "");
}

static void
test_http_cookie(void)
{
	static const char *env[] = {
		"HTTP_COOKIE=x_barong_session=no; _barong_session=\"tok\"",
		NULL
	};
	static const char *none[] = { "HTTP_USER_AGENT=x", NULL };

	http_start(env);
	CU_ASSERT_STRING_EQUAL(http_cookie(&r, "_barong_session"), "tok");
	CU_ASSERT_STRING_EQUAL(http_cookie(&r, "x_barong_session"), "no");
	CU_ASSERT_PTR_NULL(http_cookie(&r, "other"));
	http_start(none);
	CU_ASSERT_PTR_NULL(http_cookie(&r, "_barong_session"));
}

/* Run http_parse_params on a request with query, content type and body. */
static int
pp(const char *query, const char *ctype, const char *body)
{
	static char	 uri[512], ct[128];
	static const char *env[4];

	snprintf(uri, sizeof(uri), "REQUEST_URI=/x?%s", query);
	snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s", ctype);
	env[0] = "REQUEST_METHOD=POST";
	env[1] = uri;
	env[2] = ct;
	env[3] = NULL;
	http_start(env);
	r.body = body;
	r.body_len = strlen(body);
	return http_parse_params(&r);
}

static const char *
input_json(void)
{
	return json_dump(a, r.input, NULL);
}

static void
test_http_parse_params(void)
{
	conf_defaults();
	/* Body over query; query keys the body lacks stay. */
	CU_ASSERT_EQUAL(pp("a=q&b=q", "application/x-www-form-urlencoded",
	    "a=body&c=c"), 0);
	CU_ASSERT_STRING_EQUAL(input_json(),
	    "{\"a\":\"body\",\"b\":\"q\",\"c\":\"c\"}");
	CU_ASSERT_EQUAL(pp("a=q&b=q", "application/json; charset=utf-8",
	    "{\"a\":{\"n\":1},\"d\":[true]}"), 0);
	CU_ASSERT_STRING_EQUAL(input_json(),
	    "{\"a\":{\"n\":1},\"b\":\"q\",\"d\":[true]}");
	/* A nested query value is replaced whole (Rack's shallow merge). */
	CU_ASSERT_EQUAL(pp("a[x]=1&a[y]=2", "application/x-www-form-urlencoded",
	    "a[x]=3"), 0);
	CU_ASSERT_STRING_EQUAL(input_json(), "{\"a\":{\"x\":\"3\"}}");
	/* Non-object JSON and other types of body add nothing. */
	CU_ASSERT_EQUAL(pp("a=1", "application/json", "[1,2]"), 0);
	CU_ASSERT_STRING_EQUAL(input_json(), "{\"a\":\"1\"}");
	CU_ASSERT_EQUAL(pp("a=1", "text/plain", "a=2"), 0);
	CU_ASSERT_STRING_EQUAL(input_json(), "{\"a\":\"1\"}");
	CU_ASSERT_EQUAL(pp("", "application/json", ""), 0);
	CU_ASSERT_STRING_EQUAL(input_json(), "{}");
	CU_ASSERT_EQUAL(r.err.status, 0);
}

static void
test_http_parse_errors(void)
{
	log_set_level((enum log_level)(LOG_LVL_ERR + 1));
	conf_defaults();
	/* Barong answers a malformed JSON body with 500. */
	CU_ASSERT_EQUAL(pp("", "application/json", "{\"a\":"), -1);
	CU_ASSERT_EQUAL(r.err.status, 500);
	CU_ASSERT_EQUAL(r.err.nkeys, 1);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "server.internal_error");
	CU_ASSERT_EQUAL(pp("", "application/json", "{\"a\":\"\xff\"}"), -1);
	CU_ASSERT_EQUAL(r.err.status, 500);
	/* A malformed form or query is a 400. */
	CU_ASSERT_EQUAL(pp("", "application/x-www-form-urlencoded", "a=%zz"),
	    -1);
	CU_ASSERT_EQUAL(r.err.status, 400);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "server.bad_request");
	CU_ASSERT_EQUAL(pp("a=1&a[b]=2", "", ""), -1);
	CU_ASSERT_EQUAL(r.err.status, 400);
	/* Too many parameters. */
	cfg.max_params = 2;
	CU_ASSERT_EQUAL(pp("a=1&b=2&c=3", "", ""), -1);
	CU_ASSERT_EQUAL(r.err.status, 400);
	CU_ASSERT_EQUAL(pp("a=1&b=2", "", ""), 0);
	conf_defaults();
	/* The transport saw a body over body_limit. */
	CU_ASSERT_EQUAL(pp("a=1", "application/json", "{}"), 0);
	pp("", "application/json", "{}");
	r.body_too_large = 1;
	CU_ASSERT_EQUAL(http_parse_params(&r), -1);
	CU_ASSERT_EQUAL(r.err.status, 413);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "server.payload_too_large");
	log_set_level(LOG_LVL_INFO);
}

static void
test_http_replies(void)
{
	static const char *env[] = { NULL };
	const char	*h;

	log_set_level((enum log_level)(LOG_LVL_ERR + 1));
	http_start(env);
	CU_ASSERT_EQUAL(http_reply_status_body(&r, 201), 0);
	CU_ASSERT_EQUAL(r.status, 201);
	CU_ASSERT_EQUAL(r.out_len, 3);
	CU_ASSERT(memcmp(r.out, "201", 3) == 0);
	CU_ASSERT(r.replied);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.headers),
	    "Content-Type: application/json\r\n");

	/* A value with CR or LF would split the header block: dropped. */
	http_start(env);
	http_add_header(&r, "X-A", "1");
	http_add_header(&r, "Location", "/x\r\nSet-Cookie: evil=1");
	http_add_header(&r, "X-B", "a\nb");
	http_add_header(&r, "X-C", "a\rb");
	http_add_header(&r, "X-D", "");
	h = buf_cstr(&r.headers);
	CU_ASSERT_STRING_EQUAL(h, "X-A: 1\r\nX-D: \r\n");

	http_start(env);
	CU_ASSERT_EQUAL(http_reply_route_not_found(&r), 0);
	CU_ASSERT_EQUAL(r.status, 404);
	CU_ASSERT_EQUAL(r.out_len,
	    strlen("{\"error\":\"Route is not found\"}"));
	CU_ASSERT(memcmp(r.out, "{\"error\":\"Route is not found\"}",
	    r.out_len) == 0);

	/* Parameter errors as Barong's body. */
	start(&r_signup, "{}");
	CU_ASSERT_EQUAL(params_validate(&r), -1);
	http_reply_error(&r);
	CU_ASSERT_EQUAL(r.status, 422);
	CU_ASSERT_STRING_EQUAL(r.out, "{\"errors\":["
	    "\"identity.user.missing_email\",\"identity.user.empty_email\","
	    "\"identity.user.missing_password\","
	    "\"identity.user.empty_password\"]}");

	/* A handler that failed without saying why: a generic 500. */
	http_start(env);
	http_reply_error(&r);
	CU_ASSERT_EQUAL(r.status, 500);
	CU_ASSERT_STRING_EQUAL(r.out,
	    "{\"errors\":[\"server.internal_error\"]}");

	http_start(env);
	CU_ASSERT_EQUAL(http_reply_json(&r, 200, NULL), 0);
	CU_ASSERT_EQUAL(r.out_len, 4);
	CU_ASSERT(memcmp(r.out, "null", 4) == 0);

	CU_ASSERT_STRING_EQUAL(http_status_text(422), "Unprocessable Entity");
	CU_ASSERT_STRING_EQUAL(http_status_text(404), "Not Found");
	CU_ASSERT_STRING_EQUAL(http_status_text(299), "Status");
	log_set_level(LOG_LVL_INFO);
}

static void
test_http_errors_first_wins(void)
{
	static const char *env[] = { NULL };

	http_start(env);
	CU_ASSERT_EQUAL(err_set(&r, 401, "jwt.decode_and_verify", "d %d", 1),
	    -1);
	CU_ASSERT_EQUAL(err_set(&r, 422, "other", NULL), -1);
	err_add_key(&r, 422, "ignored");
	CU_ASSERT_EQUAL(r.err.status, 401);
	CU_ASSERT_EQUAL(r.err.nkeys, 1);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "jwt.decode_and_verify");
	CU_ASSERT_STRING_EQUAL(r.err.detail, "d 1");
	CU_ASSERT(err_is_set(&r));
}

static void
test_no_params_and_status(void)
{
	start(&r_none, "{\"x\":1}");
	CU_ASSERT_EQUAL(params_validate(&r), 0);
	r.route = NULL;
	CU_ASSERT_EQUAL(params_validate(&r), 0);
	/* An earlier error of another status is kept as it is. */
	start(&r_signup, "{}");
	err_set(&r, 500, "server.internal_error", NULL);
	CU_ASSERT_EQUAL(params_validate(&r), -1);
	CU_ASSERT_EQUAL(r.err.status, 500);
	CU_ASSERT_EQUAL(r.err.nkeys, 1);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "server.internal_error");
	arena_free(a);
	a = NULL;
}

static const struct unit_test tests[] = {
	{ "sign-up: missing", test_signup_missing },
	{ "sign-up: empty", test_signup_empty },
	{ "sign-up: types", test_signup_types },
	{ "confirm_code: custom missing code", test_confirm_code },
	{ "Integer", test_integer },
	{ "Boolean", test_boolean },
	{ "Date", test_date },
	{ "allowed values", test_values },
	{ "pagination bounds and defaults", test_pagination },
	{ "defaults and accessors", test_defaults_accessors },
	{ "codes deduplicated", test_dedup },
	{ "optional non-blank", test_nonblank_optional },
	{ "NUL, bad UTF-8, maxlen", test_bad_strings },
	{ "http: headers and request line", test_http_header },
	{ "http: CGI fallback, request id", test_http_cgi_fallback },
	{ "http: cookies", test_http_cookie },
	{ "http: parameter merge order", test_http_parse_params },
	{ "http: 400, 413, 500 on bad input", test_http_parse_errors },
	{ "http: replies and headers", test_http_replies },
	{ "http: first error wins", test_http_errors_first_wins },
	{ "no params, earlier error", test_no_params_and_status },
	{ NULL, NULL }
};

UNIT_MAIN("params", tests)
