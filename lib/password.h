/*
 * Barong's password policy (spec/user-api.md 6.1-6.2): at most 72
 * characters (has_secure_password), the configured Ruby regexp must match
 * somewhere, and the entropy (entropy.h) must reach password_min_entropy.
 * The regexp is compiled once at start-up and kept for the process.
 */
#ifndef BARONG_PASSWORD_H
#define BARONG_PASSWORD_H

#include <stddef.h>

/* Barong's defaults (config password_regexp, password_min_entropy). */
#define PASSWORD_DEFAULT_REGEXP \
	"^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])" \
	"(?=.*[[:graph:]]).{8,80}$"
#define PASSWORD_DEFAULT_MIN_ENTROPY	14
#define PASSWORD_MAX_CHARS		72

/* Model codes, in the order Barong raises them. */
#define PASSWORD_TOO_LONG	"password.too_long"
#define PASSWORD_REQUIREMENTS	"password.requirements"
#define PASSWORD_WEAK		"password.weak"

int		 password_policy_init(const char *, double, int, char *,
		    size_t);
const char	*password_check(const char *, size_t);
size_t		 password_check_all(const char *, size_t,
		    const char *[2]);
const char	*password_reason(const char *);
const char	*password_regexp_ruby(void);
double		 password_min_entropy(void);
int		 password_use_dictionary(void);

#endif
