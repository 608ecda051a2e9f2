/*
 * lib/json.c: Ruby's Float#to_s, compact output without slash escaping,
 * key order, the errors body, timestamps, arena ownership.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"
#include "unit.h"

/* What Ruby 2.x prints for these Floats (irb: 21.0.to_s, 1e21.to_s ...). */
static const struct {
	double		 v;
	const char	*ruby;
} floats[] = {
	{ 21.0, "21.0" },
	{ 15.5, "15.5" },
	{ 19.59375, "19.59375" },
	{ 35.3515625, "35.3515625" },
	{ 0.1, "0.1" },
	{ 0.3, "0.3" },
	{ 0.1 + 0.2, "0.30000000000000004" },
	{ 1.0 / 3, "0.3333333333333333" },
	{ 2.0 / 3, "0.6666666666666666" },
	{ 0.0, "0.0" },
	{ -0.0, "-0.0" },
	{ 1.0, "1.0" },
	{ 10.0, "10.0" },
	{ 100.0, "100.0" },
	{ 120.0, "120.0" },
	{ 1e15, "1000000000000000.0" },
	{ 1234567890123456.0, "1234567890123456.0" },
	{ 1e16, "1.0e+16" },
	{ 1.5e16, "1.5e+16" },
	{ 1e21, "1.0e+21" },
	{ 1e100, "1.0e+100" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ 123456789012345680.0, "1.2345678901234568e+17" },
	{ 0.001, "0.001" },
	{ 0.0001, "0.0001" },
	{ 0.00012, "0.00012" },
	{ 0.00001, "1.0e-05" },
	{ 0.000015, "1.5e-05" },
	{ 5e-324, "5.0e-324" },
	{ -2.5, "-2.5" },
	{ -100.0, "-100.0" },
	{ -1e21, "-1.0e+21" },
	{ -0.00001, "-1.0e-05" },
	{ 3.14159, "3.14159" },
};

static void
test_ruby_float(void)
{
	char	buf[64];
	size_t	i;

	for (i = 0; i < sizeof(floats) / sizeof(floats[0]); i++) {
		CU_ASSERT_EQUAL(json_format_ruby_float(floats[i].v, buf,
		    sizeof(buf)), 0);
		if (strcmp(buf, floats[i].ruby) != 0)
			fprintf(stderr, "float: got %s, want %s\n", buf,
			    floats[i].ruby);
		CU_ASSERT_STRING_EQUAL(buf, floats[i].ruby);
	}
}

static void
test_ruby_float_edges(void)
{
	char	buf[64];

	CU_ASSERT_EQUAL(json_format_ruby_float(NAN, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(json_format_ruby_float(INFINITY, buf, sizeof(buf)),
	    -1);
	CU_ASSERT_EQUAL(json_format_ruby_float(-INFINITY, buf, sizeof(buf)),
	    -1);
	/* A buffer too short fails instead of truncating. */
	CU_ASSERT_EQUAL(json_format_ruby_float(19.59375, buf, 8), -1);
	CU_ASSERT_EQUAL(json_format_ruby_float(19.59375, buf, 9), 0);
	CU_ASSERT_STRING_EQUAL(buf, "19.59375");
	CU_ASSERT_EQUAL(json_format_ruby_float(21.0, buf, 4), -1);
	CU_ASSERT_EQUAL(json_format_ruby_float(21.0, buf, 5), 0);
}

/* Every output reads back as the input, and has a fraction. */
static void
test_ruby_float_roundtrip(void)
{
	char		buf[64];
	double		v, scale;
	unsigned long	seed = 12345;
	int		i, k, bad = 0;

	for (i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		switch (i % 3) {
		case 0:
			scale = 1e-20;		/* no libm: 10^(0..39) */
			for (k = (int)(seed % 40); k > 0; k--)
				scale *= 10;
			v = (double)(seed >> 11) / (double)(1UL << 53) * scale;
			break;
		case 1:
			v = (double)(long)(seed >> 40) / 64.0;
			break;
		default:
			memcpy(&v, &seed, sizeof(v));
			if (!isfinite(v))
				v = 1.5;
		}
		if (json_format_ruby_float(v, buf, sizeof(buf)) != 0 ||
		    strtod(buf, NULL) != v || strchr(buf, '.') == NULL)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_new_ruby_float(void)
{
	struct arena	*a = arena_new(0);
	json_object	*o;

	o = json_adopt(a, json_object_new_object());
	json_object_object_add(o, "entropy", json_new_ruby_float(21.0));
	json_object_object_add(o, "big", json_new_ruby_float(1e21));
	json_object_object_add(o, "hundred", json_new_ruby_float(100.0));
	CU_ASSERT_STRING_EQUAL(json_dump(a, o, NULL),
	    "{\"entropy\":21.0,\"big\":1.0e+21,\"hundred\":100.0}");
	arena_free(a);
}

static void
test_dump_compact(void)
{
	struct arena	*a = arena_new(0);
	json_object	*o, *arr;
	const char	*s;
	size_t		 len = 0;

	o = json_adopt(a, json_object_new_object());
	json_object_object_add(o, "url", json_object_new_string(
	    "https://example.com/a/b"));
	json_object_object_add(o, "n", json_object_new_int(5));
	json_object_object_add(o, "t", json_object_new_boolean(1));
	json_object_object_add(o, "nil", NULL);
	arr = json_object_new_array();
	json_object_array_add(arr, json_object_new_string("x y"));
	json_object_array_add(arr, json_object_new_object());
	json_object_object_add(o, "list", arr);
	json_object_object_add(o, "quote", json_object_new_string("a\"b\\c\n"));
	json_object_object_add(o, "utf8", json_object_new_string("\xc3\xa9"));
	s = json_dump(a, o, &len);
	CU_ASSERT_STRING_EQUAL(s, "{\"url\":\"https://example.com/a/b\","
	    "\"n\":5,\"t\":true,\"nil\":null,\"list\":[\"x y\",{}],"
	    "\"quote\":\"a\\\"b\\\\c\\n\",\"utf8\":\"\xc3\xa9\"}");
	CU_ASSERT_EQUAL(len, strlen(s));
	CU_ASSERT_PTR_NULL(strstr(s, "\\/"));
	CU_ASSERT_PTR_NULL(strstr(s, "\": "));
	CU_ASSERT_PTR_NULL(strstr(s, ", \""));
	/* NULL dumps as null. */
	CU_ASSERT_STRING_EQUAL(json_dump(a, NULL, NULL), "null");
	arena_free(a);
}

static void
test_key_order(void)
{
	struct arena	*a = arena_new(0);
	json_object	*o;

	o = json_adopt(a, json_object_new_object());
	json_object_object_add(o, "uid", json_object_new_string("ID1"));
	json_object_object_add(o, "email", json_object_new_string("a@b"));
	json_object_object_add(o, "a", json_object_new_int(1));
	json_object_object_add(o, "level", json_object_new_int(0));
	/* Replacing a key keeps its place, as a Ruby Hash does. */
	json_object_object_add(o, "email", json_object_new_string("c@d"));
	CU_ASSERT_STRING_EQUAL(json_dump(a, o, NULL),
	    "{\"uid\":\"ID1\",\"email\":\"c@d\",\"a\":1,\"level\":0}");
	arena_free(a);
}

static void
test_errors(void)
{
	struct arena		*a = arena_new(0);
	static const char *const keys[] = { "identity.user.missing_email",
		"identity.user.empty_email" };

	CU_ASSERT_STRING_EQUAL(json_dump(a, json_adopt(a, json_errors(keys, 2)),
	    NULL), "{\"errors\":[\"identity.user.missing_email\","
	    "\"identity.user.empty_email\"]}");
	CU_ASSERT_STRING_EQUAL(json_dump(a, json_adopt(a, json_errors(keys, 0)),
	    NULL), "{\"errors\":[]}");
	arena_free(a);
}

static void
test_time(void)
{
	struct arena	*a = arena_new(0);
	json_object	*o;

	o = json_adopt(a, json_new_time(1623753709));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(o),
	    "2021-06-15T10:41:49Z");
	o = json_adopt(a, json_new_time(0));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(o),
	    "1970-01-01T00:00:00Z");
	o = json_adopt(a, json_new_time(951782400));	/* leap day */
	CU_ASSERT_STRING_EQUAL(json_object_get_string(o),
	    "2000-02-29T00:00:00Z");
	arena_free(a);
}

static void
test_string_or_null(void)
{
	json_object	*o;

	CU_ASSERT_PTR_NULL(json_new_string_or_null(NULL));
	o = json_new_string_or_null("");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_is_type(o, json_type_string));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(o), "");
	json_object_put(o);
}

static int	freed;

static void
count_free(json_object *o, void *ud)
{
	freed++;
}

/* json_adopt releases at reset, and not before. */
static void
test_adopt(void)
{
	struct arena	*a = arena_new(0);
	json_object	*o;

	freed = 0;
	o = json_object_new_string("x");
	json_object_set_userdata(o, NULL, count_free);
	CU_ASSERT_PTR_EQUAL(json_adopt(a, o), o);
	CU_ASSERT_PTR_NULL(json_adopt(a, NULL));
	CU_ASSERT_EQUAL(freed, 0);
	arena_reset(a);
	CU_ASSERT_EQUAL(freed, 1);
	arena_free(a);
	CU_ASSERT_EQUAL(freed, 1);
}

static const struct unit_test tests[] = {
	{ "ruby float", test_ruby_float },
	{ "ruby float edges", test_ruby_float_edges },
	{ "ruby float round trip", test_ruby_float_roundtrip },
	{ "json_new_ruby_float in output", test_new_ruby_float },
	{ "compact, no slash escaping", test_dump_compact },
	{ "key order", test_key_order },
	{ "errors body", test_errors },
	{ "json_new_time", test_time },
	{ "json_new_string_or_null", test_string_or_null },
	{ "json_adopt", test_adopt },
	{ NULL, NULL }
};

UNIT_MAIN("json", tests)
