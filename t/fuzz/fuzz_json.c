/*
 * Fuzz parse_json_body(), then params_validate() of a route that declares
 * a parameter of every type (and the usual flags) over the result.
 *
 * Invariants: an accepted body is NUL-free valid UTF-8; its compact dump
 * is accepted again and is equal (NaN aside); parsing is deterministic;
 * validation fails exactly when it set 422 with distinct, non-empty codes;
 * validated strings are NUL-free UTF-8 of the stated length, dates are
 * YYYY-MM-DD, bounded integers are in bounds, values are in their lists;
 * the error reply reads back as JSON; the arena is empty after the reset.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
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

static const char *const kinds[] = { "phone", "email", "document", NULL };

static const struct param every[] = {
	{ .name = "email", .type = PT_STRING,
	    .flags = P_REQUIRED | P_NONBLANK },
	{ .name = "token", .type = PT_STRING, .flags = P_REQUIRED | P_NONBLANK,
	    .missing = "identity.user.missing_pass_token", .maxlen = 64 },
	{ .name = "note", .type = PT_STRING, .flags = P_NONBLANK },
	{ .name = "page", .type = PT_INTEGER, .invalid = "non_integer_page",
	    .value_err = "non_positive_page", .def = "1", .min = 1,
	    .max = 1000000 },
	{ .name = "limit", .type = PT_INTEGER, .invalid = "non_integer_limit",
	    .value_err = "invalid_limit", .def = "100", .min = 1, .max = 100 },
	{ .name = "count", .type = PT_INTEGER },
	{ .name = "enabled", .type = PT_BOOLEAN, .def = "true" },
	{ .name = "otp", .type = PT_BOOLEAN, .flags = P_REQUIRED },
	{ .name = "dob", .type = PT_DATE, .invalid = "resource.profile.dob" },
	{ .name = "captcha_response", .type = PT_STRING_OR_OBJECT },
	{ .name = "data", .type = PT_ANY },
	{ .name = "kind", .type = PT_STRING, .values = kinds },
	{ .name = "scope", .type = PT_STRING, .values = kinds,
	    .value_err = "resource.apikey.invalid_scope" },
	{ .name = NULL }
};

static const struct route route = { "POST", "/every", NULL, every,
	"identity.user", 0 };

static int
has_nan(json_object *o)
{
	size_t	i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		return isnan(json_object_get_double(o));
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (has_nan(v))
				return 1;
		}
		return 0;
	}
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (has_nan(json_object_array_get_idx(o, i)))
				return 1;
		return 0;
	default:
		return 0;
	}
}

static void
check_values(struct req *r)
{
	const struct param	*p;
	const struct pval	*v;
	const char *const	*w;
	char			 again[11];

	for (p = every; p->name != NULL; p++) {
		if ((v = param_get(r, p->name)) == NULL)
			continue;
		if (v->s == NULL) {
			CHECK(p->type == PT_ANY || p->type ==
			    PT_STRING_OR_OBJECT);
			continue;
		}
		CHECK(strlen(v->s) == v->len);
		CHECK(parse_utf8_valid(v->s, v->len));
		if (p->maxlen != 0)
			CHECK(v->len <= p->maxlen);
		else
			CHECK(v->len <= PARAM_MAXLEN);
		if (p->flags & P_NONBLANK)
			CHECK(strspn(v->s, " \t\r\n\f\v") < v->len);
		if (p->type == PT_DATE) {
			CHECK(v->len == 10);
			CHECK(params_parse_date(v->s, again) == 0);
			CHECK(strcmp(again, v->s) == 0);
		}
		if (p->type == PT_INTEGER && p->min < p->max)
			CHECK(v->n >= p->min && v->n <= p->max);
		if (p->values != NULL) {
			for (w = p->values; *w != NULL; w++)
				if (strcmp(*w, v->s) == 0)
					break;
			CHECK(*w != NULL);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	*a;
	const char		*s = (const char *)data;
	json_object		*o, *back, *errs;
	const char		*dump;
	size_t			 dlen, i, j;
	struct req		 r;
	int			 rc;

	if (a == NULL) {
		a = arena_new(0);
		log_set_level((enum log_level)(LOG_LVL_ERR + 1));
	}
	o = parse_json_body(s, size);
	if (o == NULL)
		goto out;
	json_adopt(a, o);
	CHECK(parse_utf8_valid(s, size));

	dump = json_dump(a, o, &dlen);
	back = parse_json_body(dump, dlen);
	CHECK(back != NULL);
	if (!has_nan(o))
		CHECK(json_object_equal(o, back));
	json_object_put(back);
	back = parse_json_body(s, size);
	CHECK(back != NULL);
	json_object_put(back);

	if (!json_object_is_type(o, json_type_object))
		goto out;
	http_init(&r, a);
	r.route = &route;
	r.input = o;
	rc = params_validate(&r);
	CHECK(rc == 0 || rc == -1);
	CHECK((rc == -1) == (r.err.status != 0));
	if (rc == 0) {
		check_values(&r);
		goto out;
	}
	CHECK(r.err.status == 422);
	CHECK(r.err.nkeys >= 1);
	for (i = 0; i < r.err.nkeys; i++) {
		CHECK(r.err.keys[i][0] != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(r.err.keys[i], r.err.keys[j]) != 0);
	}
	/* Declaration order: an absent email comes first, with both codes. */
	if (!json_object_object_get_ex(o, "email", NULL)) {
		CHECK(r.err.nkeys >= 2);
		CHECK(strcmp(r.err.keys[0], "identity.user.missing_email") ==
		    0);
		CHECK(strcmp(r.err.keys[1], "identity.user.empty_email") ==
		    0);
	}
	/* A required param without the non-blank rule: missing_ alone. */
	if (!json_object_object_get_ex(o, "otp", NULL)) {
		for (i = 0; i < r.err.nkeys; i++)
			if (strcmp(r.err.keys[i],
			    "identity.user.missing_otp") == 0)
				break;
		CHECK(i < r.err.nkeys);
		for (i = 0; i < r.err.nkeys; i++)
			CHECK(strcmp(r.err.keys[i],
			    "identity.user.empty_otp") != 0);
	}
	http_reply_error(&r);
	CHECK(r.status == 422);
	back = parse_json_body(r.out, r.out_len);
	CHECK(back != NULL);
	CHECK(json_object_object_get_ex(back, "errors", &errs));
	CHECK(json_object_array_length(errs) == r.err.nkeys);
	json_object_put(back);
out:
	arena_reset(a);
	CHECK(arena_used(a) == 0);
	return 0;
}
