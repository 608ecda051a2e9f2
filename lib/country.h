/*
 * ISO 3166-1 country codes: the officially assigned alpha-2 and alpha-3
 * codes (as Barong's countries gem knows them, plus its Kosovo), for the
 * profile country rule (user-api.md §5.7) and phone regions.
 */
#ifndef BARONG_COUNTRY_H
#define BARONG_COUNTRY_H

struct country {
	char	alpha2[3];
	char	alpha3[4];
};

/* By alpha-2 or alpha-3 code, case-insensitive; NULL when unknown. */
const struct country	*country_find(const char *code);
/* By alpha-2 code only, case-insensitive; NULL when unknown. */
const struct country	*country_by_alpha2(const char *code);

/*
 * The length of the country calling code a string of E.164 digits starts
 * with (1 to 3: the ITU codes libphonenumber 8.12 knows, a prefix-free
 * set), or 0 when it starts with none.  For masking stored numbers without
 * loading libphonenumber into every program.
 */
int		 country_calling_code_len(const char *digits);

#endif
