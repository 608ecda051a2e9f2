/*
 * lib/mask.c: Barong's masking rules (user-api.md §6.13) with the
 * examples of the contract, character (not byte) counting, values too
 * short for their pattern, NULL, and stray bytes.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "mask.h"
#include "unit.h"

static struct arena	*a;

static void
test_phone(void)
{
	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "447418084106", 2),
	    "44******4106");
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "79225551234", 1),
	    "7******1234");
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "380971232322", 3),
	    "380*****2322");
	/* Unknown calling code: 2. */
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "380971232322", 0),
	    "38******2322");
	/* Exactly head + tail, or shorter: unchanged. */
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "441234", 2), "441234");
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "4412345", 2), "44*2345");
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "123", 2), "123");
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "", 2), "");
	CU_ASSERT_PTR_NULL(mask_phone(a, NULL, 2));
	arena_free(a);
}

static void
test_last_name(void)
{
	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "Smith"), "S****");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "S"), "S");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "Sm"), "S*");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, ""), "");
	CU_ASSERT_PTR_NULL(mask_last_name(a, NULL));
	/* One '*' per character, not per byte. */
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "국"), "국");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "Müller"), "M*****");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "Ñúñez"), "Ñ****");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "채원국"), "채**");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "\xf0\x9f\x98\x80x"),
	    "\xf0\x9f\x98\x80*");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "Van Der Berg"),
	    "V***********");
	/* A stray byte counts as one character and is masked. */
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "ab\xff" "c"), "a***");
	CU_ASSERT_STRING_EQUAL(mask_last_name(a, "\xff" "bc"), "\xff**");
	arena_free(a);
}

static void
test_dob(void)
{
	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(mask_dob(a, "1990-05-12"), "1990-05-**");
	CU_ASSERT_STRING_EQUAL(mask_dob(a, "2000-01-01"), "2000-01-**");
	CU_ASSERT_STRING_EQUAL(mask_dob(a, "1990-05-"), "1990-05-");
	CU_ASSERT_STRING_EQUAL(mask_dob(a, "1990-05-1"), "1990-05-*");
	CU_ASSERT_STRING_EQUAL(mask_dob(a, ""), "");
	CU_ASSERT_PTR_NULL(mask_dob(a, NULL));
	arena_free(a);
}

static void
test_doc_number(void)
{
	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "AA1234BB"), "AA****BB");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "ABCDE"), "AB*DE");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "ABCD"), "ABCD");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "ABC"), "ABC");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "A"), "A");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, ""), "");
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "ПА123456ЯЯ"),
	    "ПА******ЯЯ");
	/* Line breaks are masked like any character (mask.h). */
	CU_ASSERT_STRING_EQUAL(mask_doc_number(a, "AB1\n23CD"), "AB****CD");
	CU_ASSERT_PTR_NULL(mask_doc_number(a, NULL));
	arena_free(a);
}

static void
test_middle(void)
{
	char	big[4097];

	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "abcdef", 0, 0), "******");
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "abcdef", 6, 0), "abcdef");
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "abcdef", 0, 6), "abcdef");
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "abcdef", 0, 1), "*****f");
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "abcdef", 100, 100), "abcdef");
	/* Multi-byte characters become single bytes: output is shorter. */
	CU_ASSERT_STRING_EQUAL(mask_middle(a, "ééééé", 1, 1), "é***é");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'a';
	CU_ASSERT_EQUAL(strlen(mask_middle(a, big, 1, 1)), sizeof(big) - 1);
	CU_ASSERT_EQUAL(mask_middle(a, big, 1, 1)[0], 'a');
	CU_ASSERT_EQUAL(mask_middle(a, big, 1, 1)[1], '*');
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "phone", test_phone },
	{ "last_name", test_last_name },
	{ "dob", test_dob },
	{ "doc_number", test_doc_number },
	{ "middle", test_middle },
	{ NULL, NULL }
};

UNIT_MAIN("mask", tests)
