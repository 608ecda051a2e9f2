/*
 * lib/arena.c: alignment, zeroing, chunk growth and big allocations, reuse
 * after a reset, deferred release in reverse order, printf.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "unit.h"

static void
test_alignment(void)
{
	struct arena	*a = arena_new(0);
	size_t		 sizes[] = { 0, 1, 3, 7, 8, 15, 16, 17, 31, 33,
	    100, 1000, 5000 };
	size_t		 i;
	void		*p;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = arena_alloc(a, sizes[i]);
		CU_ASSERT_PTR_NOT_NULL(p);
		CU_ASSERT_EQUAL((uintptr_t)p % 16, 0);
	}
	/* A zero-byte request still gets a distinct slot. */
	CU_ASSERT_PTR_NOT_EQUAL(arena_alloc(a, 0), arena_alloc(a, 0));
	arena_free(a);
}

static void
test_zeroing(void)
{
	struct arena	*a = arena_new(1024);
	unsigned char	*p;
	size_t		 i;
	int		 nonzero = 0, round;

	/* Dirty the memory, reset, and check the next allocations are clean. */
	for (round = 0; round < 3; round++) {
		p = arena_alloc(a, 200);
		for (i = 0; i < 200; i++)
			nonzero |= p[i];
		memset(p, 0xa5, 200);
		p = arena_alloc(a, 4000);	/* big */
		for (i = 0; i < 4000; i++)
			nonzero |= p[i];
		memset(p, 0x5a, 4000);
		arena_reset(a);
	}
	CU_ASSERT_EQUAL(nonzero, 0);
	arena_free(a);
}

static void
test_distinct_and_used(void)
{
	struct arena	*a = arena_new(1024);
	char		*p[200];
	int		 i, j, ok = 1;

	CU_ASSERT_EQUAL(arena_used(a), 0);
	for (i = 0; i < 200; i++) {
		p[i] = arena_alloc(a, 40);
		memset(p[i], i, 40);
	}
	/* Spans many chunks; every block keeps its own bytes. */
	for (i = 0; i < 200; i++)
		for (j = 0; j < 40; j++)
			if ((unsigned char)p[i][j] != (unsigned char)i)
				ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(arena_used(a), 200 * 48);	/* 40 rounds to 48 */
	arena_reset(a);
	CU_ASSERT_EQUAL(arena_used(a), 0);
	arena_free(a);
}

static void
test_big(void)
{
	struct arena	*a = arena_new(1024);
	unsigned char	*big, *small;
	size_t		 n = 10 * 1024 * 1024, i;
	int		 ok = 1;

	small = arena_alloc(a, 10);
	big = arena_alloc(a, n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_EQUAL((uintptr_t)big % 16, 0);
	for (i = 0; i < n; i += 4096)
		if (big[i] != 0)
			ok = 0;
	CU_ASSERT(ok);
	memset(big, 1, n);
	/* The small chunk is still in use after the big one. */
	small[9] = 7;
	CU_ASSERT_PTR_NOT_EQUAL(arena_alloc(a, 10), small);
	CU_ASSERT(arena_used(a) >= n + 32);
	arena_reset(a);
	/* Again, after the big chunk was released. */
	big = arena_alloc(a, n);
	CU_ASSERT_EQUAL(big[n - 1], 0);
	arena_free(a);
}

static void
test_reset_reuse(void)
{
	struct arena	*a = arena_new(4096);
	char		*first, *again;

	first = arena_alloc(a, 100);
	(void)arena_alloc(a, 100);
	arena_reset(a);
	again = arena_alloc(a, 100);
	/* Same chunk, from its start: no malloc for the second request. */
	CU_ASSERT_PTR_EQUAL(first, again);
	arena_free(a);
}

static int	order[16];
static int	norder;

static void
record(void *p)
{
	if (norder < 16)
		order[norder++] = *(int *)p;
}

static void
test_defer_reset(void)
{
	static int	 vals[] = { 1, 2, 3 };
	struct arena	*a = arena_new(0);

	norder = 0;
	arena_defer(a, record, &vals[0]);
	arena_defer(a, record, &vals[1]);
	arena_defer(a, record, NULL);		/* ignored */
	arena_defer(a, record, &vals[2]);
	CU_ASSERT_EQUAL(norder, 0);
	arena_reset(a);
	CU_ASSERT_EQUAL_FATAL(norder, 3);
	CU_ASSERT_EQUAL(order[0], 3);
	CU_ASSERT_EQUAL(order[1], 2);
	CU_ASSERT_EQUAL(order[2], 1);
	/* Run once: a second reset does not call them again. */
	arena_reset(a);
	CU_ASSERT_EQUAL(norder, 3);
	arena_free(a);
	CU_ASSERT_EQUAL(norder, 3);
}

static void
test_defer_free(void)
{
	static int	 vals[] = { 10, 20 };
	struct arena	*a = arena_new(0);

	norder = 0;
	arena_defer(a, record, &vals[0]);
	arena_defer(a, record, &vals[1]);
	arena_free(a);
	CU_ASSERT_EQUAL_FATAL(norder, 2);
	CU_ASSERT_EQUAL(order[0], 20);
	CU_ASSERT_EQUAL(order[1], 10);
	arena_free(NULL);	/* allowed */
}

static void
test_printf_dup(void)
{
	struct arena	*a = arena_new(0);
	char		*s, *d, long_in[3000];
	const char	 bin[] = { 'a', '\0', 'b' };

	s = arena_printf(a, "%s-%d-%05.1f", "x", 42, 3.14159);
	CU_ASSERT_STRING_EQUAL(s, "x-42-003.1");
	memset(long_in, 'z', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	s = arena_printf(a, "<%s>", long_in);
	CU_ASSERT_EQUAL(strlen(s), sizeof(long_in) + 1);
	CU_ASSERT_EQUAL(s[0], '<');
	CU_ASSERT_EQUAL(s[sizeof(long_in)], '>');
	CU_ASSERT_STRING_EQUAL(arena_printf(a, "%s", ""), "");

	CU_ASSERT_STRING_EQUAL(arena_strdup(a, "hello"), "hello");
	CU_ASSERT_PTR_NULL(arena_strdup(a, NULL));
	CU_ASSERT_STRING_EQUAL(arena_strndup(a, "hello", 3), "hel");
	d = arena_memdup(a, bin, sizeof(bin));
	CU_ASSERT(memcmp(d, bin, sizeof(bin)) == 0);
	CU_ASSERT_EQUAL(d[3], '\0');	/* always terminated */
	d = arena_memdup(a, NULL, 0);
	CU_ASSERT_STRING_EQUAL(d, "");
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "alignment", test_alignment },
	{ "zeroing", test_zeroing },
	{ "distinct blocks, arena_used", test_distinct_and_used },
	{ "big allocations", test_big },
	{ "reset reuses chunks", test_reset_reuse },
	{ "defers at reset, reverse order", test_defer_reset },
	{ "defers at free, reverse order", test_defer_free },
	{ "printf and dup", test_printf_dup },
	{ NULL, NULL }
};

UNIT_MAIN("arena", tests)
