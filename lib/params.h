/*
 * Declarative parameter specs.  Each route lists its parameters in Barong's
 * declaration order; params_validate() checks them all against r->input and
 * produces Barong's codes (user-api.md §1.4): for each parameter in order,
 * presence -> type coercion -> blank -> allowed values, every failure
 * collected, duplicates removed, status 422.  Handlers only see validated
 * values, through param_str() and friends.
 */
#ifndef BARONG_PARAMS_H
#define BARONG_PARAMS_H

#include <stddef.h>
#include <json-c/json.h>

struct req;

enum ptype {
	PT_STRING,		/* rejects arrays/objects; numbers stringified */
	PT_INTEGER,		/* decimal integer (string or number) */
	PT_BOOLEAN,		/* true/false/1/0/t/f/yes/no/y/n/on/off */
	PT_DATE,		/* normalised to YYYY-MM-DD */
	PT_STRING_OR_OBJECT,	/* captcha_response */
	PT_ANY,			/* no coercion (e.g. email on login) */
};

#define P_REQUIRED	0x01	/* absent -> missing code */
#define P_NONBLANK	0x02	/* absent, empty or whitespace -> empty code */
#define P_BADTYPE_VALUE	0x04	/* a coercion failure also fails the value
				   check (Barong's page/limit pairs) */
#define P_BLANK_NIL	0x08	/* "" or null counts as absent (Grape's
				   coercion of blanks for Date params) */

struct param {
	const char		*name;
	enum ptype		 type;
	unsigned		 flags;
	const char		*missing;	/* NULL: <prefix>.missing_<name> */
	const char		*empty;		/* NULL: <prefix>.empty_<name> */
	const char		*invalid;	/* NULL: "invalid" */
	const char *const	*values;	/* allowed values, NULL-terminated */
	const char		*value_err;	/* NULL: "value" */
	const char		*def;		/* default when absent */
	long long		 min, max;	/* PT_INTEGER bounds when min < max */
	size_t			 maxlen;	/* bytes; 0: PARAM_MAXLEN */
};

#define PARAM_MAXLEN	(64 * 1024)

struct pval {
	int		 present;	/* given (or defaulted) */
	const char	*s;		/* string form (NUL-free, valid UTF-8) */
	size_t		 len;
	long long	 n;		/* PT_INTEGER */
	int		 b;		/* PT_BOOLEAN */
	json_object	*j;		/* raw value (borrowed from r->input) */
};

int		 params_validate(struct req *);
int		 params_parse_date(const char *, char [11]);
const struct pval *param_get(const struct req *, const char *);
const char	*param_str(const struct req *, const char *);
int		 param_present(const struct req *, const char *);
long long	 param_int(const struct req *, const char *, long long);
int		 param_bool(const struct req *, const char *, int);
/* Years 1..9999 in Unix seconds: what Time.at() and PostgreSQL both hold. */
#define PARAM_EPOCH_MIN	(-62135596800LL)
#define PARAM_EPOCH_MAX	253402300799LL
long long	 param_epoch_clamp(long long);
/*
 * An integer parameter as Unix seconds clamped to those years, as SQL
 * text in the arena (nothing a created_at could match is lost); NULL when
 * the parameter is absent.
 */
const char	*param_epoch(struct req *, const char *);

#endif
