/*
 * lib/buf.c: the capped builder with a sticky error, and the small string
 * helpers.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "unit.h"

static struct arena	*a;

static void
test_empty(void)
{
	struct buf	b;

	a = arena_new(0);
	buf_init(&b, a, 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf_cstr(&b));
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	CU_ASSERT_EQUAL(b.len, 0);
	buf_add(&b, "", 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	CU_ASSERT_EQUAL(b.err, 0);
	arena_free(a);
}

static void
test_append(void)
{
	struct buf	b;
	int		i;

	a = arena_new(0);
	buf_init(&b, a, 10000);
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_add(&b, "xyz123", 3);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abc-xyz");
	CU_ASSERT_EQUAL(b.len, 7);
	/* Growth past the first allocation keeps the content. */
	for (i = 0; i < 1000; i++)
		buf_putc(&b, 'a' + i % 26);
	CU_ASSERT_EQUAL(b.len, 1007);
	CU_ASSERT_EQUAL(strlen(buf_cstr(&b)), 1007);
	CU_ASSERT(strncmp(buf_cstr(&b), "abc-xyzabcdef", 13) == 0);
	CU_ASSERT_EQUAL(buf_cstr(&b)[1006], 'a' + 999 % 26);
	arena_free(a);
}

static void
test_binary(void)
{
	struct buf	b;
	const char	in[] = { 'a', '\0', 'b' };

	a = arena_new(0);
	buf_init(&b, a, 100);
	buf_add(&b, in, 3);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT(memcmp(b.p, in, 3) == 0);
	CU_ASSERT_EQUAL(b.p[3], '\0');
	arena_free(a);
}

static void
test_printf(void)
{
	struct buf	b;

	a = arena_new(0);
	buf_init(&b, a, 1000);
	buf_printf(&b, "%s=%d", "n", 5);
	buf_printf(&b, "%s", "");
	buf_printf(&b, ";%03u;%c", 7u, 'z');
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "n=5;007;z");
	CU_ASSERT_EQUAL(b.len, 9);
	arena_free(a);
}

static void
test_cap_exact(void)
{
	struct buf	b;

	a = arena_new(0);
	buf_init(&b, a, 5);
	buf_puts(&b, "12345");		/* exactly the cap: fine */
	CU_ASSERT_EQUAL(b.err, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "12345");
	buf_putc(&b, '6');		/* one over */
	CU_ASSERT_EQUAL(b.err, 1);
	CU_ASSERT_PTR_NULL(buf_cstr(&b));
	CU_ASSERT_EQUAL(b.len, 5);
	arena_free(a);
}

static void
test_sticky(void)
{
	struct buf	b;

	a = arena_new(0);
	buf_init(&b, a, 8);
	buf_puts(&b, "abc");
	buf_puts(&b, "0123456789");	/* too long: error */
	CU_ASSERT_PTR_NULL(buf_cstr(&b));
	/* Nothing after the error is appended, even what would fit. */
	buf_puts(&b, "d");
	buf_putc(&b, 'e');
	buf_printf(&b, "%d", 1);
	buf_add(&b, "f", 1);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT(memcmp(b.p, "abc", 3) == 0);
	CU_ASSERT_PTR_NULL(buf_cstr(&b));
	arena_free(a);
}

static void
test_printf_over(void)
{
	struct buf	b;

	a = arena_new(0);
	buf_init(&b, a, 10);
	buf_printf(&b, "%d", 12345);
	buf_printf(&b, "%s", "abcdef");	/* 11 > 10 */
	CU_ASSERT_PTR_NULL(buf_cstr(&b));
	CU_ASSERT_EQUAL(b.len, 5);
	buf_printf(&b, "x");
	CU_ASSERT_EQUAL(b.len, 5);
	arena_free(a);
}

static void
test_str_helpers(void)
{
	struct str	s = { "abcdef", 3 };

	CU_ASSERT(str_eq(s, "abc"));
	CU_ASSERT(!str_eq(s, "abcd"));
	CU_ASSERT(!str_eq(s, "ab"));
	CU_ASSERT(str_eq(STR_LIT(""), ""));
	CU_ASSERT_EQUAL(STR_LIT("hello").len, 5);
	CU_ASSERT(str_has_prefix("/api/v2/x", "/api/v2/"));
	CU_ASSERT(!str_has_prefix("/api", "/api/v2/"));
	CU_ASSERT(str_has_prefix("x", ""));
	CU_ASSERT(str_casecmp_eq("Content-Type", "content-type"));
	CU_ASSERT(!str_casecmp_eq("Content-Type", "content-typ"));
}

static const struct unit_test tests[] = {
	{ "empty", test_empty },
	{ "append and grow", test_append },
	{ "binary content", test_binary },
	{ "printf", test_printf },
	{ "cap exactly reached", test_cap_exact },
	{ "sticky error", test_sticky },
	{ "printf over the cap", test_printf_over },
	{ "string helpers", test_str_helpers },
	{ NULL, NULL }
};

UNIT_MAIN("buf", tests)
