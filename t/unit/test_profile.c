/*
 * lib/profile.c and lib/country.c: Barong's profile rules (user-api.md
 * §5.7): squishing, Unicode letters, each field's characters and
 * lengths, country codes, metadata JSON, dob, state.exists, and the
 * order of the codes.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "country.h"
#include "err.h"
#include "profile.h"
#include "unit.h"

#define TODAY	"2024-06-15"

static struct arena	*a;

/* Validate one field's value; the codes joined by ',' ("" when none). */
static const char *
check1(enum profile_field k, const char *v)
{
	struct profile_fields	 f = { { NULL }, 0 };
	struct model_err	 me = { 0 };
	char			*out = arena_alloc(a, 1024);
	size_t			 i;

	profile_fields_set(&f, k, v);
	profile_validate(a, &f, 0, TODAY, &me);
	out[0] = '\0';
	for (i = 0; i < me.n; i++) {
		if (i > 0)
			strcat(out, ",");
		strcat(out, me.codes[i]);
	}
	return out;
}

static const char *
repeat(const char *s, size_t n)
{
	size_t	 len = strlen(s), i;
	char	*out = arena_alloc(a, len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

static void
test_squish(void)
{
	a = arena_new(4096);
	CU_ASSERT_STRING_EQUAL(profile_squish(a, "  John \t\n Paul  "),
	    "John Paul");
	CU_ASSERT_STRING_EQUAL(profile_squish(a, ""), "");
	CU_ASSERT_STRING_EQUAL(profile_squish(a, " \t "), "");
	CU_ASSERT_STRING_EQUAL(profile_squish(a, "a"), "a");
	/* Unicode spaces: NBSP, ideographic space, em space. */
	CU_ASSERT_STRING_EQUAL(profile_squish(a,
	    "\xc2\xa0" "Jo\xe3\x80\x80\xe2\x80\x83" "Do\xc2\xa0"), "Jo Do");
	CU_ASSERT_PTR_NULL(profile_squish(a, NULL));
	CU_ASSERT(profile_blank(NULL));
	CU_ASSERT(profile_blank(""));
	CU_ASSERT(profile_blank(" \t\r\n\xc2\xa0\xe3\x80\x80"));
	CU_ASSERT(!profile_blank(" x "));
	CU_ASSERT(!profile_blank("\xe2\x80\x8b"));	/* zero width: not */
	arena_free(a);
}

static void
test_names(void)
{
	enum profile_field	k;

	a = arena_new(65536);
	for (k = PF_FIRST_NAME; k <= PF_LAST_NAME; k++) {
		const char *n = k == PF_FIRST_NAME ? "first_name" :
		    "last_name";
		char inv[64], lng[64], both[128];

		snprintf(inv, sizeof(inv), "%s.invalid", n);
		snprintf(lng, sizeof(lng), "%s.too_long", n);
		snprintf(both, sizeof(both), "%s,%s", lng, inv);
		CU_ASSERT_STRING_EQUAL(check1(k, "John"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "Jean-Luc O'Neil_2"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "채원"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "Ñúñez Müller"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "Владимир"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "محمد"), "");
		/* A combining mark is a word character. */
		CU_ASSERT_STRING_EQUAL(check1(k, "Jose\xcc\x81"), "");
		CU_ASSERT_STRING_EQUAL(check1(k, "John."), inv);
		CU_ASSERT_STRING_EQUAL(check1(k, "John@x"), inv);
		CU_ASSERT_STRING_EQUAL(check1(k, "Jo–hn"), inv);
		CU_ASSERT_STRING_EQUAL(check1(k, "<script>"), inv);
		CU_ASSERT_STRING_EQUAL(check1(k, "\xf0\x9f\x98\x80"), inv);
		/* Blank after squishing: no rule runs. */
		CU_ASSERT_STRING_EQUAL(check1(k, "   "), "");
		CU_ASSERT_STRING_EQUAL(check1(k, ""), "");
		CU_ASSERT_STRING_EQUAL(check1(k, NULL), "");
		/* 255 characters pass, 256 do not; characters, not bytes. */
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("a", 255)), "");
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("a", 256)), lng);
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("국", 255)), "");
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("국", 256)), lng);
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("@", 256)), both);
		/* Squished before the length rule. */
		CU_ASSERT_STRING_EQUAL(check1(k, repeat("a  ", 100)), "");
	}
	arena_free(a);
}

static void
test_city_postcode_address(void)
{
	a = arena_new(65536);
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "St. Petersburg"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "Hubli–Dharwad"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "Hubli-Dharwad"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "Cava de' Tirreni"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "~안산시~"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "Cava de' #Tirreni"),
	    "city.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "Cava @Tirreni"),
	    "city.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, "A,B"), "city.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_CITY, repeat("b", 256)),
	    "city.too_long");

	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, "SW1A 1AA"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, "12345-6789"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, "1"), "postcode.too_short");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, " 1 "),
	    "postcode.too_short");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, "#"),
	    "postcode.too_short,postcode.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, "12.34"),
	    "postcode.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_POSTCODE, repeat("9", 256)),
	    "postcode.too_long");

	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS,
	    "28/2 Kevin Brook; Miami, USA"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS,
	    "Larkin Fork.South, New York/AP"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS,
	    "28~1/2 \\\"Kevin & Brook\": (Miami, USA)"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS,
	    "'Larkin–Fork' South #5 New York"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, "사직로3길 23"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS,
	    "'Larkin–Fork' @South New York"), "address.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, "a{b}"), "address.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, "50%"), "address.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, repeat("c", 256)),
	    "address.too_long");
	/* Not squished, but blank is skipped; a huge blank one is not. */
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, "   "), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, repeat(" ", 256)),
	    "address.too_long");
	/* Unicode space is not \s: invalid in a present value. */
	CU_ASSERT_STRING_EQUAL(check1(PF_ADDRESS, "a\xc2\xa0" "b"),
	    "address.invalid");
	arena_free(a);
}

static void
test_country(void)
{
	static const char *const good[] = { "US", "us", "uS", "USA", "usa",
		"GB", "GBR", "UA", "UKR", "KR", "KOR", "AX", "ALA", "ZW",
		"ZWE", "AD", "XK", "XKX", NULL };
	static const char *const bad[] = { "U", "UK", "XX", "USAA", "U S",
		" US", "US ", "123", "Ü", "EU", "ZZ", NULL };
	const char *const	*p;

	a = arena_new(4096);
	for (p = good; *p != NULL; p++) {
		CU_ASSERT_PTR_NOT_NULL(country_find(*p));
		CU_ASSERT_STRING_EQUAL(check1(PF_COUNTRY, *p), "");
	}
	for (p = bad; *p != NULL; p++) {
		CU_ASSERT_PTR_NULL(country_find(*p));
		CU_ASSERT_STRING_EQUAL(check1(PF_COUNTRY, *p),
		    "country.must have alpha2 or alpha3 format");
	}
	CU_ASSERT_STRING_EQUAL(check1(PF_COUNTRY, " "), "");
	CU_ASSERT_STRING_EQUAL(country_find("gbr")->alpha2, "GB");
	CU_ASSERT_STRING_EQUAL(country_by_alpha2("de")->alpha3, "DEU");
	CU_ASSERT_PTR_NULL(country_by_alpha2("DEU"));
	CU_ASSERT_PTR_NULL(country_find(NULL));
	arena_free(a);
}

static void
test_metadata_dob(void)
{
	static const char *const good[] = { "{}", "{\"a\":1}", "[1,2]",
		"2", "\"x\"", "null", "true", " {\"gender\":\"m\"} \n",
		"{\"a\":{\"b\":[1.5e3,-2,null]}}", NULL };
	static const char *const bad[] = { "", " ", "{ bar: baz }", "{",
		"{\"a\":1,}", "'x'", "{\"a\":1} x", "NaN", "[1] [2]",
		"{\"a\" 1}", "Infinity", "[-Infinity]", "{\"a\":NaN}", NULL };
	const char *const	*p;

	a = arena_new(65536);
	for (p = good; *p != NULL; p++)
		CU_ASSERT_STRING_EQUAL(check1(PF_METADATA, *p), "");
	for (p = bad; *p != NULL; p++)
		CU_ASSERT_STRING_EQUAL(check1(PF_METADATA, *p),
		    "metadata.invalid_format");
	/* Deep but within Ruby's 100 levels. */
	CU_ASSERT_STRING_EQUAL(check1(PF_METADATA, arena_printf(a, "%s%s",
	    repeat("[", 90), repeat("]", 90))), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_DOB, "1990-05-12"), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_DOB, TODAY), "");
	CU_ASSERT_STRING_EQUAL(check1(PF_DOB, "2024-06-16"), "dob.invalid");
	CU_ASSERT_STRING_EQUAL(check1(PF_DOB, "9999-12-31"), "dob.invalid");
	arena_free(a);
}

/* Every failing rule at once: Barong's attribute order. */
static void
test_order(void)
{
	struct profile_fields	 f = { { NULL }, 0 };
	struct model_err	 me = { 0 };
	static const char *const want[] = { "first_name.invalid",
		"last_name.invalid", "city.invalid",
		"country.must have alpha2 or alpha3 format",
		"postcode.too_short", "postcode.invalid", "address.invalid",
		"metadata.invalid_format", "state.exists", "dob.invalid" };
	size_t			 i;

	a = arena_new(4096);
	profile_fields_set(&f, PF_DOB, "2999-01-01");
	profile_fields_set(&f, PF_METADATA, "{");
	profile_fields_set(&f, PF_ADDRESS, "@");
	profile_fields_set(&f, PF_POSTCODE, "!");
	profile_fields_set(&f, PF_COUNTRY, "XX");
	profile_fields_set(&f, PF_CITY, "#");
	profile_fields_set(&f, PF_LAST_NAME, "$");
	profile_fields_set(&f, PF_FIRST_NAME, "%");
	profile_validate(a, &f, 1, TODAY, &me);
	CU_ASSERT_EQUAL(me.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < me.n && i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_STRING_EQUAL(me.codes[i], want[i]);
	/* Squished values are handed back. */
	memset(&f, 0, sizeof(f));
	me.n = 0;
	profile_fields_set(&f, PF_FIRST_NAME, "  Ann   Lee ");
	profile_fields_set(&f, PF_ADDRESS, "  Main  St ");
	profile_validate(a, &f, 0, TODAY, &me);
	CU_ASSERT_EQUAL(me.n, 0);
	CU_ASSERT_STRING_EQUAL(f.v[PF_FIRST_NAME], "Ann Lee");
	CU_ASSERT_STRING_EQUAL(f.v[PF_ADDRESS], "  Main  St ");
	CU_ASSERT_EQUAL(f.given, (1u << PF_FIRST_NAME) | (1u << PF_ADDRESS));
	arena_free(a);
}

static void
test_states(void)
{
	CU_ASSERT_STRING_EQUAL(profile_state_name(0), "drafted");
	CU_ASSERT_STRING_EQUAL(profile_state_name(1), "submitted");
	CU_ASSERT_STRING_EQUAL(profile_state_name(3), "verified");
	CU_ASSERT_STRING_EQUAL(profile_state_name(4), "rejected");
	CU_ASSERT_PTR_NULL(profile_state_name(2));
	CU_ASSERT_PTR_NULL(profile_state_name(-1));
	CU_ASSERT_EQUAL(profile_state_value("rejected"), 4);
	CU_ASSERT_EQUAL(profile_state_value("Drafted"), -1);
	CU_ASSERT_EQUAL(profile_state_value(NULL), -1);
}

static const struct unit_test tests[] = {
	{ "squish", test_squish },
	{ "names", test_names },
	{ "city_postcode_address", test_city_postcode_address },
	{ "country", test_country },
	{ "metadata_dob", test_metadata_dob },
	{ "order", test_order },
	{ "states", test_states },
	{ NULL, NULL }
};

UNIT_MAIN("profile", tests)
