/*
 * The C interface to libphonenumber (see phonenumber.h).  Exceptions
 * (allocation failures) never cross into C: they make the number invalid.
 */
#include "config.h"

#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "phonenumber.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static bool
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
digits_of(int n)
{
	int	len;

	for (len = 0; n > 0; n /= 10)
		len++;
	return len;
}

static int
parse(const char *digits, struct phonenumber *out)
{
	PhoneNumberUtil	*util = PhoneNumberUtil::GetInstance();
	PhoneNumber	 n;
	std::string	 e164, region;
	size_t		 len;

	len = strnlen(digits, PHONENUMBER_INPUT_MAX + 1);
	if (len == 0 || len > PHONENUMBER_INPUT_MAX || !all_digits(digits, len))
		return -1;
	/* A leading '+': the number carries its country calling code. */
	if (util->Parse(std::string("+") + digits, "ZZ", &n) !=
	    PhoneNumberUtil::NO_PARSING_ERROR || !util->IsValidNumber(n))
		return -1;
	util->Format(n, PhoneNumberUtil::E164, &e164);
	util->GetRegionCodeForNumber(n, &region);
	if (e164.size() < 2 || e164[0] != '+' ||
	    e164.size() - 1 > PHONENUMBER_DIGITS_MAX ||
	    !all_digits(e164.c_str() + 1, e164.size() - 1) ||
	    region.empty() || region.size() >= sizeof(out->region))
		return -1;
	memcpy(out->digits, e164.c_str() + 1, e164.size());	/* with NUL */
	memcpy(out->region, region.c_str(), region.size() + 1);
	out->cc_len = digits_of(n.country_code());
	return 0;
}

extern "C" int
phonenumber_parse(const char *digits, struct phonenumber *out)
{
	memset(out, 0, sizeof(*out));
	try {
		if (parse(digits, out) == 0)
			return 0;
	} catch (...) {
	}
	memset(out, 0, sizeof(*out));
	return -1;
}
