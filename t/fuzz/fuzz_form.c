/*
 * Fuzz a form body the way a request goes through a binary: http_prepare,
 * router_match, http_parse_params (query string and an
 * application/x-www-form-urlencoded body), router_bind_vars,
 * params_validate, and the error reply.
 *
 * Input: "<path and query>\n<body>"; without a newline the whole input is
 * the body and the path is /api/v2/identity/users/ID1.
 *
 * Invariants: a parse failure is 400 (413 for a body over 3000 bytes, as
 * if cut by the transport) with one code, and nothing else fails; the
 * route's captures end up in the input, overriding the body; validation
 * fails exactly when it set 422 with distinct codes; validated
 * strings are NUL-free UTF-8 of the stated length, dates are YYYY-MM-DD,
 * bounded integers are in bounds; every reply is JSON we parse back; the
 * arena is empty after the reset.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "params.h"
#include "parse.h"
#include "router.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const states[] = { "active", "pending", NULL };

static const struct param user_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "email", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	    .maxlen = 254 },
	{ .name = "otp", .type = PT_BOOLEAN, .def = "false" },
	{ .name = "limit", .type = PT_INTEGER, .invalid = "non_integer_limit",
	    .value_err = "invalid_limit", .def = "100", .min = 1, .max = 100 },
	{ .name = "dob", .type = PT_DATE },
	{ .name = "state", .type = PT_STRING, .values = states },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT },
	{ .name = "data", .type = PT_ANY },
	{ .name = NULL }
};

static const struct param label_params[] = {
	{ .name = "uid", .type = PT_STRING, .flags = P_REQUIRED },
	{ .name = "key", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	    .missing = "resource.label.missing_key" },
	{ .name = "value", .type = PT_STRING, .flags = P_NONBLANK },
	{ .name = NULL }
};

static const struct route routes[] = {
	{ "POST", "/users/{uid}", NULL, user_params, "identity.user", 0 },
	{ "POST", "/users/{uid}/labels/{key}", NULL, label_params,
	    "resource.label", 0 },
	{ "POST", "/users", NULL, user_params, "identity.user", 0 },
	{ "POST", "/misc/*", NULL, NULL, "identity.general", 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static struct arena	*arena;

/* Checks on the validated values of route rt. */
static void
check_values(struct req *r, const struct route *rt)
{
	const struct param	*p;
	const struct pval	*v;

	for (p = rt->params; p != NULL && p->name != NULL; p++) {
		if ((v = param_get(r, p->name)) == NULL)
			continue;
		CHECK(v->present);
		if (v->s == NULL) {
			CHECK(p->type == PT_ANY || p->type ==
			    PT_STRING_OR_OBJECT);
			continue;
		}
		CHECK(strlen(v->s) == v->len);
		CHECK(parse_utf8_valid(v->s, v->len));
		if (p->maxlen != 0)
			CHECK(v->len <= p->maxlen);
		if (p->type == PT_DATE) {
			char	again[11];

			CHECK(v->len == 10 && v->s[4] == '-' && v->s[7] == '-');
			CHECK(params_parse_date(v->s, again) == 0);
			CHECK(strcmp(again, v->s) == 0);
		}
		if (p->type == PT_INTEGER && p->min < p->max)
			CHECK(v->n >= p->min && v->n <= p->max);
		if (p->type == PT_BOOLEAN)
			CHECK(v->b == 0 || v->b == 1);
		if (p->values != NULL) {
			const char *const *w;

			for (w = p->values; *w != NULL; w++)
				if (strcmp(*w, v->s) == 0)
					break;
			CHECK(*w != NULL);
		}
	}
}

/* The reply body must be JSON of Barong's error shape. */
static void
check_error_reply(struct req *r)
{
	json_object	*o, *errs;
	size_t		 i, j;

	CHECK(r->err.nkeys >= 1 && r->err.nkeys <= ERR_MAX_KEYS);
	for (i = 0; i < r->err.nkeys; i++) {
		CHECK(r->err.keys[i] != NULL && r->err.keys[i][0] != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(r->err.keys[i], r->err.keys[j]) != 0);
	}
	http_reply_error(r);
	CHECK(r->replied && r->status == r->err.status);
	o = parse_json_body(r->out, r->out_len);
	CHECK(o != NULL);
	CHECK(json_object_object_get_ex(o, "errors", &errs));
	CHECK(json_object_array_length(errs) == r->err.nkeys);
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 init;
	const char		*s = (const char *)data, *nl, *env[5];
	const struct route	*rt;
	struct req		 r;
	json_object		*v;
	char			*path, *var, *name;
	const char		*p, *e;
	size_t			 plen, i;
	int			 rc;

	if (!init) {
		conf_defaults();
		cfg.max_params = 64;
		log_set_level((enum log_level)(LOG_LVL_ERR + 1));
		arena = arena_new(0);
		init = 1;
	}
	nl = memchr(s, '\n', size);
	if (nl != NULL) {
		plen = (size_t)(nl - s);
		path = arena_printf(arena, "REQUEST_URI=/api/v2/identity%.*s",
		    (int)plen, s);
		s = nl + 1;
		size -= plen + 1;
	} else
		path = arena_strdup(arena,
		    "REQUEST_URI=/api/v2/identity/users/ID1");
	env[0] = "REQUEST_METHOD=POST";
	env[1] = path;
	env[2] = "CONTENT_TYPE=application/x-www-form-urlencoded";
	env[3] = "HTTP_COOKIE=_barong_session=x";
	env[4] = NULL;

	http_init(&r, arena);
	r.env = env;
	CHECK(http_prepare(&r) == 0);
	/* The fuzzer's own buffer, so that reads past the body are caught. */
	r.body = s;
	r.body_len = size;
	/* As if the transport had cut a long body at body_limit. */
	r.body_too_large = size > 3000;
	CHECK(strcmp(http_cookie(&r, "_barong_session"), "x") == 0);

	rt = router_match(routes, "identity", &r);
	if (rt == NULL)
		goto out;
	r.route = rt;
	rc = http_parse_params(&r);
	if (rc == -1) {
		CHECK(r.err.status == (r.body_too_large ? 413 : 400));
		CHECK(r.err.nkeys == 1);
		check_error_reply(&r);
		goto out;
	}
	CHECK(r.err.status == 0);
	CHECK(json_object_is_type(r.input, json_type_object));
	router_bind_vars(rt, &r);

	/* Each {name} is in the input with the captured value. */
	for (p = rt->pattern, i = 0; (p = strchr(p, '{')) != NULL; p = e, i++) {
		e = strchr(p, '}');
		CHECK(e != NULL && i < 8);
		name = arena_strndup(arena, p + 1, (size_t)(e - p - 1));
		var = (char *)r.route_vars[i];
		CHECK(var != NULL);
		CHECK(json_object_object_get_ex(r.input, name, &v));
		CHECK(strcmp(json_object_get_string(v), var) == 0);
	}

	rc = params_validate(&r);
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == -1) == (r.err.status != 0));
	if (rc == -1) {
		CHECK(r.err.status == 422);
		check_error_reply(&r);
	} else {
		check_values(&r, rt);
		CHECK(http_reply_status_body(&r, 201) == 0);
		CHECK(r.out_len == 3 && memcmp(r.out, "201", 3) == 0);
	}
out:
	arena_reset(arena);
	CHECK(arena_used(arena) == 0);
	return 0;
}
