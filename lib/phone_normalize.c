/*
 * Phone number normalisation (user-api.md §6.12), apart from the rest of
 * lib/phone.c so that only the programs that parse numbers
 * (barong-resource, the tests) link libphonenumber.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "phone.h"

int
phone_normalize(const char *input, struct phonenumber *out)
{
	char	digits[PHONENUMBER_INPUT_MAX + 1];
	size_t	n = 0;

	memset(out, 0, sizeof(*out));
	for (; *input != '\0'; input++) {
		if (!isdigit((unsigned char)*input))
			continue;
		if (n == PHONENUMBER_INPUT_MAX)
			return -1;	/* far longer than any number */
		digits[n++] = *input;
	}
	digits[n] = '\0';
	return phonenumber_parse(digits, out);
}
