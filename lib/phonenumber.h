/*
 * Phone number validity and normalisation (user-api.md §6.12) through
 * Google's libphonenumber, a C++ library; lib/phonenumber.cc is the only
 * C++ in the tree and this is its C interface.
 */
#ifndef BARONG_PHONENUMBER_H
#define BARONG_PHONENUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

/* E.164 allows 15 digits; inputs longer than this are refused unparsed. */
#define PHONENUMBER_DIGITS_MAX	15
#define PHONENUMBER_INPUT_MAX	64

struct phonenumber {
	char	digits[PHONENUMBER_DIGITS_MAX + 1];	/* country calling
							   code + national
							   significant number */
	char	region[4];	/* ISO 3166 alpha-2 ("001" for the
				   non-geographic codes, e.g. +800) */
	int	cc_len;		/* digits of the country calling code */
};

/*
 * Parse digits (only '0'-'9', at most PHONENUMBER_INPUT_MAX, starting
 * with the country calling code: no default region) and check them
 * strictly against libphonenumber's metadata.  The national trunk prefix
 * is dropped ("4407418084106" gives "447418084106").  Returns 0 for a
 * valid number, -1 otherwise.  Safe to call from several threads.
 */
int	phonenumber_parse(const char *digits, struct phonenumber *);

#ifdef __cplusplus
}
#endif

#endif
