/*
 * Barong's password entropy: the NIST-style estimator of the Ruby gem
 * strong_password 0.0.9 (StrengthChecker#calculate_entropy with
 * NistBonusBits, QwertyAdjuster and DictionaryAdjuster), whose number
 * POST /identity/password/validate returns (spec/user-api.md 6.2).
 *
 * Ruby keeps Integer and Float apart and the JSON shows it ("16" against
 * "16.0"), so a result carries its type along with its value.
 */
#ifndef BARONG_ENTROPY_H
#define BARONG_ENTROPY_H

#include <stddef.h>

/* StrengthChecker::PASSWORD_LIMIT: only this many characters count. */
#define ENTROPY_MAX_CHARS	1000

/* Longest rendering of a result by entropy_format(), with its NUL. */
#define ENTROPY_FMT_LEN		32

struct entropy {
	double	value;
	int	is_float;	/* 1: a Ruby Float, 0: a Ruby Integer */
};

void	entropy_measure(const char *, size_t, double, int,
	    struct entropy *);
int	entropy_format(const struct entropy *, char *, size_t);
int	entropy_load_dictionary(const char *, char *, size_t);
size_t	entropy_dictionary_size(void);
size_t	entropy_char_count(const char *, size_t);

#endif
