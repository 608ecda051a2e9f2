/*
 * lib/phonenumber.cc and the database-free parts of lib/phone.c: Barong's
 * normalisation (user-api.md §6.12) with libphonenumber, the country and
 * country-code length, the masking of numbers (§6.13), verification codes
 * and the keyed-hash index.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "crypto.h"
#include "mask.h"
#include "country.h"
#include "phone.h"
#include "phonenumber.h"
#include "unit.h"

static void
norm_ok(const char *in, const char *digits, const char *region, int cc_len)
{
	struct phonenumber	pn;
	int			rc;

	rc = phone_normalize(in, &pn);
	if (rc != 0 || strcmp(pn.digits, digits) != 0 ||
	    strcmp(pn.region, region) != 0 || pn.cc_len != cc_len)
		fprintf(stderr, "\n%s: rc %d, %s %s %d\n", in, rc, pn.digits,
		    pn.region, pn.cc_len);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(pn.digits, digits);
	CU_ASSERT_STRING_EQUAL(pn.region, region);
	CU_ASSERT_EQUAL(pn.cc_len, cc_len);
}

static void
norm_bad(const char *in)
{
	struct phonenumber	pn;
	int			rc;

	rc = phone_normalize(in, &pn);
	if (rc != -1)
		fprintf(stderr, "\n%s: accepted as %s\n", in, pn.digits);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_STRING_EQUAL(pn.digits, "");
}

static void
test_normalize(void)
{
	/* The spec's examples: punctuation and the trunk prefix go. */
	norm_ok("+44 (0) 7418-084106", "447418084106", "GB", 2);
	norm_ok("+44 07418084106", "447418084106", "GB", 2);
	norm_ok("447418084106", "447418084106", "GB", 2);
	norm_ok("+7 922 555-12-34", "79225551234", "RU", 1);
	norm_ok("380971232322", "380971232322", "UA", 3);
	norm_ok("+1 (415) 555-2671", "14155552671", "US", 1);
	norm_ok("tel:+33 6 12 34 56 78", "33612345678", "FR", 2);
	/* Italy keeps its leading zero: it is not a trunk prefix. */
	norm_ok("+39 06 1234 5678", "390612345678", "IT", 2);
	/* A non-geographic number has the region "001". */
	norm_ok("+800 1234 5678", "80012345678", "001", 3);
	/* Invalid: too short, unknown code, no digits, too long. */
	norm_bad("");
	norm_bad("+");
	norm_bad("phone");
	norm_bad("12345");
	norm_bad("+1");
	norm_bad("00");
	norm_bad("+44 1234");
	norm_bad("+999 123456789");
	norm_bad("447418084106447418084106");
	norm_bad("4474180841061");
	/* Without a default region a national number is not a number. */
	norm_bad("07418084106");
	norm_bad("(415) 555-2671");
}

static void
test_hostile(void)
{
	struct phonenumber	 pn;
	char			 big[5000];
	int			 i;

	/* Far too many digits: refused before libphonenumber. */
	memset(big, '4', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(phone_normalize(big, &pn), -1);
	/* Many non-digits around a valid number are just stripped. */
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big + 100, "447418084106", 12);
	CU_ASSERT_EQUAL(phone_normalize(big, &pn), 0);
	CU_ASSERT_STRING_EQUAL(pn.digits, "447418084106");
	/* UTF-8 digits of other scripts are not ASCII digits. */
	CU_ASSERT_EQUAL(phone_normalize("\xd9\xa4\xd9\xa4 7418084106", &pn),
	    -1);
	/* The shim itself takes digits only. */
	CU_ASSERT_EQUAL(phonenumber_parse("+447418084106", &pn), -1);
	CU_ASSERT_EQUAL(phonenumber_parse("44 7418084106", &pn), -1);
	CU_ASSERT_EQUAL(phonenumber_parse("", &pn), -1);
	for (i = 0; i < 1000; i++)
		(void)phonenumber_parse("9999999999999999", &pn);
	CU_ASSERT_EQUAL(phonenumber_parse("447418084106", &pn), 0);
}

static void
test_cc_len(void)
{
	CU_ASSERT_EQUAL(country_calling_code_len("447418084106"), 2);
	CU_ASSERT_EQUAL(country_calling_code_len("79225551234"), 1);
	CU_ASSERT_EQUAL(country_calling_code_len("380971232322"), 3);
	/* Not a valid number, but the code is known. */
	CU_ASSERT_EQUAL(country_calling_code_len("4412"), 2);
	CU_ASSERT_EQUAL(country_calling_code_len("9991234567"), 0);
	CU_ASSERT_EQUAL(country_calling_code_len(""), 0);
	CU_ASSERT_EQUAL(country_calling_code_len("abc"), 0);
	/* The table agrees with libphonenumber on valid numbers. */
	{
		static const char *const valid[] = { "447418084106",
		    "79225551234", "380971232322", "12025550123",
		    "33612345678", "4915123456789", "8613912345678",
		    "97142345678", "35312345678", "2348031234567", NULL };
		struct phonenumber	pn;
		size_t			i;

		for (i = 0; valid[i] != NULL; i++)
			if (phonenumber_parse(valid[i], &pn) == 0)
				CU_ASSERT_EQUAL(country_calling_code_len(
				    valid[i]), pn.cc_len);
	}
}

static void
test_mask(void)
{
	struct arena	*a = arena_new(0);
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "447418084106", "44******4106" },
		{ "79225551234", "7******1234" },
		{ "380971232322", "380*****2322" },
		{ "14155552671", "1******2671" },
		{ "80012345678", "800****5678" },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_STRING_EQUAL(mask_phone(a, cases[i].in,
		    (size_t)country_calling_code_len(cases[i].in)), cases[i].out);
	/* Unknown code: 2 kept. */
	CU_ASSERT_STRING_EQUAL(mask_phone(a, "9991234567",
	    (size_t)country_calling_code_len("9991234567")), "99****4567");
	arena_free(a);
}

static void
test_code(void)
{
	char	code[PHONE_CODE_LEN + 1], first[PHONE_CODE_LEN + 1];
	int	i, j, same = 0, seen[10] = { 0 };

	CU_ASSERT_EQUAL_FATAL(phone_new_code(first), 0);
	for (i = 0; i < 2000; i++) {
		CU_ASSERT_EQUAL_FATAL(phone_new_code(code), 0);
		CU_ASSERT_EQUAL(strlen(code), PHONE_CODE_LEN);
		for (j = 0; j < PHONE_CODE_LEN; j++) {
			CU_ASSERT(code[j] >= '0' && code[j] <= '9');
			seen[code[j] - '0']++;
		}
		same += strcmp(code, first) == 0;
	}
	/* Random: every digit shows up, repeats are rare. */
	for (j = 0; j < 10; j++)
		CU_ASSERT(seen[j] > 500);
	CU_ASSERT(same < 5);
}

static void
test_index(void)
{
	struct arena	*a = arena_new(0);
	char		 dir[] = "/tmp/test_phone.XXXXXX", kf[64], err[256];
	const char	*i1, *i2, *i3;
	char		*end;
	long long	 v;

	/* No keyring: no index. */
	crypto_keyring_clear();
	CU_ASSERT_PTR_NULL(phone_number_index(a, "447418084106"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(kf, sizeof(kf), "%s/keys", dir);
	CU_ASSERT_EQUAL_FATAL(crypto_keygen_file(kf), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(kf, err, sizeof(err)), 0);
	i1 = phone_number_index(a, "447418084106");
	i2 = phone_number_index(a, "447418084106");
	i3 = phone_number_index(a, "447418084107");
	CU_ASSERT_PTR_NOT_NULL_FATAL(i1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(i3);
	CU_ASSERT_STRING_EQUAL(i1, i2);
	CU_ASSERT_STRING_NOT_EQUAL(i1, i3);
	/* A non-negative bigint. */
	errno = 0;
	v = strtoll(i1, &end, 10);
	CU_ASSERT(errno == 0 && *end == '\0' && v >= 0);
	unlink(kf);
	rmdir(dir);
	crypto_keyring_clear();
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "normalize", test_normalize },
	{ "hostile input", test_hostile },
	{ "country code length", test_cc_len },
	{ "mask", test_mask },
	{ "verification code", test_code },
	{ "number index", test_index },
	{ NULL, NULL }
};

UNIT_MAIN("phone", tests)
