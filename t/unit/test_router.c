/*
 * lib/router.c: both mounts, family boundaries, methods (HEAD answered by
 * GET), {name} captures with percent-decoding, a trailing "*", empty
 * segments, and binding captures into the input.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "http.h"
#include "json.h"
#include "router.h"
#include "unit.h"

static int
h_get(struct req *r)
{
	return 0;
}

static int
h_post(struct req *r)
{
	return 0;
}

static const struct route routes[] = {
	{ "GET", "/ping", h_get, NULL, "public.general", 0 },
	{ "POST", "/ping", h_post, NULL, "public.general", 0 },
	{ "GET", "/users/{kid}", h_get, NULL, "resource.user", 0 },
	{ "GET", "/users/{uid}/labels/{key}", h_get, NULL, "resource.label",
	    0 },
	{ "DELETE", "/users/{kid}", h_get, NULL, "resource.user", 0 },
	{ "GET", "/swagger_doc/*", h_get, NULL, "x", 0 },
	{ "GET", "/v/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_get, NULL, "x",
	    0 },
	{ "GET", "/v/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", h_get, NULL, "x", 0 },
	{ "GET", "/users/me", h_get, NULL, "never reached", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static struct arena	*a;
static struct req	 r;

/* Match method + path in family "public"; the route's index or -1. */
static int
m(const char *method, const char *path)
{
	const struct route	*rt;

	arena_reset(a);
	http_init(&r, a);
	r.method = method;
	r.path = path;
	rt = router_match(routes, "public", &r);
	return rt == NULL ? -1 : (int)(rt - routes);
}

static int
setup(void)
{
	if (a == NULL)
		a = arena_new(0);
	return 0;
}

static void
test_mounts(void)
{
	setup();
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/public/ping"), 0);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/ping"), 0);
	CU_ASSERT_EQUAL(m("POST", "/api/v2/barong/public/ping"), 1);
	CU_ASSERT_EQUAL(m("POST", "/api/v2/public/ping"), 1);
	/* Outside the mount, or another family. */
	CU_ASSERT_EQUAL(m("GET", "/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v1/public/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/identity/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/identity/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/barong/public/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/API/V2/public/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", ""), -1);
	/* A family name is a whole segment. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/publicity/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/publicity/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/publi/ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/public"), -1);
}

static void
test_strip_mount(void)
{
	const char	*p;

	CU_ASSERT_STRING_EQUAL(router_strip_mount("/api/v2/barong/public/ping",
	    "public"), "/ping");
	CU_ASSERT_STRING_EQUAL(router_strip_mount("/api/v2/public/a/b",
	    "public"), "/a/b");
	p = router_strip_mount("/api/v2/barong/public", "public");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, "");
	CU_ASSERT_STRING_EQUAL(router_strip_mount("/api/v2/public/",
	    "public"), "/");
	CU_ASSERT_PTR_NULL(router_strip_mount("/api/v2/barong/publicity",
	    "public"));
	CU_ASSERT_PTR_NULL(router_strip_mount("/api/v2/barong/", "public"));
	CU_ASSERT_PTR_NULL(router_strip_mount("/api/v2/", "public"));
	CU_ASSERT_PTR_NULL(router_strip_mount("/api/v2", "public"));
	CU_ASSERT_PTR_NULL(router_strip_mount("/api/v2/resourcex/users",
	    "resource"));
	CU_ASSERT_STRING_EQUAL(router_strip_mount("/api/v2/resource/users",
	    "resource"), "/users");
}

static void
test_methods(void)
{
	setup();
	CU_ASSERT_EQUAL(m("HEAD", "/api/v2/public/ping"), 0);
	CU_ASSERT_EQUAL(m("PUT", "/api/v2/public/ping"), -1);
	CU_ASSERT_EQUAL(m("OPTIONS", "/api/v2/public/ping"), -1);
	CU_ASSERT_EQUAL(m("get", "/api/v2/public/ping"), -1);
	CU_ASSERT_EQUAL(m("DELETE", "/api/v2/public/users/ID1"), 4);
	CU_ASSERT_EQUAL(m("POST", "/api/v2/public/users/ID1"), -1);
	CU_ASSERT_EQUAL(m("HEAD", "/api/v2/public/users/ID1"), 2);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "ID1");
}

static void
test_captures(void)
{
	setup();
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/ID123"), 2);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "ID123");
	CU_ASSERT_PTR_NULL(r.route_vars[1]);
	/* First declared route wins: {kid} before the literal "me". */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/me"), 2);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "me");
	/* Percent-decoded, '+' kept. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/a%2Fb%20c+d"), 2);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "a/b c+d");
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/%C3%A9"), 2);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "\xc3\xa9");
	/* Bad escapes, invalid UTF-8 and NUL do not match. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/%zz"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/%4"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/%ff"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/a%00b"), -1);
	/* Two captures. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/barong/public/users/U1/labels/email"),
	    3);
	CU_ASSERT_STRING_EQUAL(r.route_vars[0], "U1");
	CU_ASSERT_STRING_EQUAL(r.route_vars[1], "email");
	CU_ASSERT_PTR_NULL(r.route_vars[2]);
	/* A capture is one segment. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/U1/labels"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/U1/labels/a/b"), -1);
}

static void
test_capture_limit(void)
{
	setup();
	/* Nine captures do not fit route_vars; eight do. */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/v/1/2/3/4/5/6/7/8/9"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/v/1/2/3/4/5/6/7/8"), 7);
	CU_ASSERT_STRING_EQUAL(r.route_vars[7], "8");
}

static void
test_empty_segments(void)
{
	setup();
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public//ping"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/ping/"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users/"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/users//labels/x"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/pingx"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/pin"), -1);
}

static void
test_rest(void)
{
	setup();
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/swagger_doc/abc/def"), 5);
	CU_ASSERT_STRING_EQUAL(r.route_rest, "abc/def");
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/swagger_doc/"), 5);
	CU_ASSERT_STRING_EQUAL(r.route_rest, "");
	/* XXX the bare prefix does not match "/swagger_doc/ *". */
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/swagger_doc"), -1);
	CU_ASSERT_EQUAL(m("GET", "/api/v2/public/ping"), 0);
	CU_ASSERT_PTR_NULL(r.route_rest);
}

static void
test_bind_vars(void)
{
	const struct route	*rt;
	json_object		*v;

	setup();
	arena_reset(a);
	http_init(&r, a);
	r.method = "GET";
	r.path = "/api/v2/public/users/U%20X/labels/email";
	r.input = json_adopt(a, json_object_new_object());
	json_object_object_add(r.input, "uid", json_object_new_string("body"));
	json_object_object_add(r.input, "other", json_object_new_string("o"));
	rt = router_match(routes, "public", &r);
	CU_ASSERT_PTR_EQUAL_FATAL(rt, &routes[3]);
	router_bind_vars(rt, &r);
	/* The route's values override the body's. */
	CU_ASSERT(json_object_object_get_ex(r.input, "uid", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "U X");
	CU_ASSERT(json_object_object_get_ex(r.input, "key", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "email");
	CU_ASSERT(json_object_object_get_ex(r.input, "other", &v));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "o");
	CU_ASSERT_EQUAL(json_object_object_length(r.input), 3);

	/* A route without captures leaves the input alone. */
	r.path = "/api/v2/public/ping";
	rt = router_match(routes, "public", &r);
	CU_ASSERT_PTR_EQUAL_FATAL(rt, &routes[0]);
	router_bind_vars(rt, &r);
	CU_ASSERT_EQUAL(json_object_object_length(r.input), 3);

	/* No input object: nothing to do, no crash. */
	r.input = NULL;
	r.path = "/api/v2/public/users/U1";
	rt = router_match(routes, "public", &r);
	CU_ASSERT_PTR_EQUAL_FATAL(rt, &routes[2]);
	router_bind_vars(rt, &r);
	arena_free(a);
	a = NULL;
}

static const struct unit_test tests[] = {
	{ "both mounts", test_mounts },
	{ "router_strip_mount", test_strip_mount },
	{ "methods and HEAD", test_methods },
	{ "captures", test_captures },
	{ "capture limit", test_capture_limit },
	{ "empty segments", test_empty_segments },
	{ "trailing *", test_rest },
	{ "bind vars", test_bind_vars },
	{ NULL, NULL }
};

UNIT_MAIN("router", tests)
