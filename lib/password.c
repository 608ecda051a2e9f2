/*
 * Barong's password policy, see password.h.
 *
 * The configured pattern is a Ruby (Onigmo) regexp.  It is compiled with
 * PCRE2 in UTF mode with Unicode properties (PCRE2_UCP, so POSIX classes
 * are Unicode-aware as in Ruby), ^ and $ as line anchors
 * (PCRE2_MULTILINE, newline LF only, as Ruby) and '.' excluding LF.  A
 * few constructs mean different things in the two dialects; they are
 * rewritten before compiling (ruby_to_pcre2 below).  A subject that is
 * not valid UTF-8 never matches.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "entropy.h"
#include "password.h"

/* Bounds one match so that an operator's pattern cannot run away. */
#define MATCH_LIMIT	1000000

struct policy {
	pcre2_code		*re;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	char			*ruby;	/* "(?-mix:...)" */
	double			 min_entropy;
	int			 use_dictionary;
};

static struct policy	*policy;

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		abort();
	return p;
}

static void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	pcre2_code_free(p->re);
	free(p->ruby);
	free(p);
}

/* Whether this PCRE2 knows the binary properties (10.40 and later). */
static int
have_case_props(void)
{
	static int	 known = -1;
	pcre2_code	*re;
	int		 error;
	PCRE2_SIZE	 off;

	if (known == -1) {
		re = pcre2_compile((PCRE2_SPTR)"\\p{Uppercase}",
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &error, &off, NULL);
		known = re != NULL;
		pcre2_code_free(re);
	}
	return known;
}

/*
 * Rewrite a Ruby pattern for PCRE2 where the dialects differ:
 * - \d \D \w \W \s \S are ASCII-only in Ruby (Unicode under PCRE2_UCP),
 *   and \h \H are a hex digit and its negation, not horizontal space;
 *   inside a class the positive forms become ASCII ranges;
 * - [:upper:] and [:lower:] are Unicode's Uppercase and Lowercase in Ruby
 *   (PCRE2_UCP makes them Lu and Ll);
 * - the inline option m is Ruby's dot-all, which PCRE2 calls s.
 * XXX \D \W \S \H inside a class keep their PCRE2 (Unicode) meaning, and
 * Ruby's nested classes and && intersections are not translated.
 * Returns a malloc'd string.
 */
static char *
ruby_to_pcre2(const char *s)
{
	size_t		 len = strlen(s), cap = len * 16 + 1, o = 0, i, n;
	char		*out = xmalloc(cap);
	const char	*rep, *p;
	int		 inclass = 0;

#define EMIT(str) do { n = strlen(str); memcpy(out + o, (str), n); \
		o += n; } while (0)
	for (i = 0; i < len; i++) {
		rep = NULL;
		if (s[i] == '\\' && i + 1 < len) {
			switch (s[i + 1]) {
			case 'd':
				rep = inclass ? "0-9" : "[0-9]";
				break;
			case 'w':
				rep = inclass ? "A-Za-z0-9_" : "[A-Za-z0-9_]";
				break;
			case 's':
				rep = inclass ? "\\t\\n\\x0b\\f\\r " :
				    "[\\t\\n\\x0b\\f\\r ]";
				break;
			case 'h':
				rep = inclass ? "0-9A-Fa-f" : "[0-9A-Fa-f]";
				break;
			case 'D':
				rep = inclass ? NULL : "[^0-9]";
				break;
			case 'W':
				rep = inclass ? NULL : "[^A-Za-z0-9_]";
				break;
			case 'S':
				rep = inclass ? NULL : "[^\\t\\n\\x0b\\f\\r ]";
				break;
			case 'H':
				rep = inclass ? NULL : "[^0-9A-Fa-f]";
				break;
			}
			if (rep != NULL)
				EMIT(rep);
			else {
				out[o++] = s[i];
				out[o++] = s[i + 1];
			}
			i++;
			continue;
		}
		if (inclass) {
			if (s[i] == '[' && s[i + 1] == ':' &&
			    have_case_props()) {
				if (strncmp(s + i, "[:upper:]", 9) == 0)
					rep = "\\p{Uppercase}";
				else if (strncmp(s + i, "[:^upper:]", 10) == 0)
					rep = "\\P{Uppercase}";
				else if (strncmp(s + i, "[:lower:]", 9) == 0)
					rep = "\\p{Lowercase}";
				else if (strncmp(s + i, "[:^lower:]", 10) == 0)
					rep = "\\P{Lowercase}";
				if (rep != NULL) {
					EMIT(rep);
					i += rep[1] == 'P' ? 9 : 8;
					continue;
				}
			}
			if (s[i] == ']')
				inclass = 0;
			out[o++] = s[i];
			continue;
		}
		if (s[i] == '[') {
			out[o++] = s[i++];
			if (s[i] == '^')
				out[o++] = s[i++];
			if (s[i] == ']')	/* a leading ] is literal */
				out[o++] = s[i++];
			inclass = 1;
			i--;
			continue;
		}
		if (s[i] == '(' && s[i + 1] == '?') {
			/* (?imx-imx) or (?imx-imx: : m is dot-all */
			p = s + i + 2;
			while (*p != '\0' && strchr("imx-", *p) != NULL)
				p++;
			if (p > s + i + 2 && (*p == ')' || *p == ':')) {
				out[o++] = '(';
				out[o++] = '?';
				for (i += 2; s + i < p; i++)
					out[o++] = s[i] == 'm' ? 's' : s[i];
				i--;
				continue;
			}
		}
		out[o++] = s[i];
	}
#undef EMIT
	out[o] = '\0';
	return out;
}

/*
 * The pattern as Ruby's Regexp#to_s shows it: "(?-mix:" source ")", an
 * unescaped '/' escaped and other non-printing ASCII (but white space) as
 * \xHH.  XXX Ruby also folds a leading "(?flags:...)" group covering the
 * whole pattern into the prefix; that is not done here.
 */
static char *
ruby_to_s(const char *s)
{
	size_t	len = strlen(s), o = 0, i;
	char	*out = xmalloc(len * 4 + 16);
	unsigned char c;

	memcpy(out, "(?-mix:", 7);
	o = 7;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\\' && i + 1 < len) {
			out[o++] = s[i++];
			out[o++] = s[i];
		} else if (c == '/') {
			out[o++] = '\\';
			out[o++] = '/';
		} else if (c < 0x20 && !(c >= '\t' && c <= '\r')) {
			o += (size_t)snprintf(out + o, 5, "\\x%02X", c);
		} else if (c == 0x7f) {
			memcpy(out + o, "\\x7F", 4);
			o += 4;
		} else
			out[o++] = (char)c;
	}
	out[o++] = ')';
	out[o] = '\0';
	return out;
}

/*
 * Set the policy: ruby_regexp (Barong's password_regexp, Ruby syntax),
 * min_entropy (password_min_entropy) and use_dictionary
 * (password_use_dictionary).  Call at start-up; a later call replaces the
 * policy only when the new pattern compiles.  Returns 0, or -1 with the
 * PCRE2 message and offset in errbuf.
 */
int
password_policy_init(const char *ruby_regexp, double min_entropy,
    int use_dictionary, char *errbuf, size_t errlen)
{
	struct policy		*p;
	pcre2_compile_context	*cctx;
	char			*pat;
	int			 error;
	PCRE2_SIZE		 off;
	PCRE2_UCHAR		 msg[256];

	if ((cctx = pcre2_compile_context_create(NULL)) == NULL)
		abort();
	pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
	pat = ruby_to_pcre2(ruby_regexp);
	p = xmalloc(sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C,
	    &error, &off, cctx);
	pcre2_compile_context_free(cctx);
	free(pat);
	if (p->re == NULL) {
		pcre2_get_error_message(error, msg, sizeof(msg));
		snprintf(errbuf, errlen, "invalid password regexp at "
		    "offset %zu: %s", (size_t)off, (const char *)msg);
		free(p);
		return -1;
	}
	(void)pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
	if ((p->md = pcre2_match_data_create_from_pattern(p->re,
	    NULL)) == NULL ||
	    (p->mctx = pcre2_match_context_create(NULL)) == NULL)
		abort();
	pcre2_set_match_limit(p->mctx, MATCH_LIMIT);
	p->ruby = ruby_to_s(ruby_regexp);
	p->min_entropy = min_entropy;
	p->use_dictionary = use_dictionary;
	policy_free(policy);
	policy = p;
	return 0;
}

/* The policy in force, Barong's defaults when none was set. */
static const struct policy *
current(void)
{
	char	err[256];

	if (policy == NULL &&
	    password_policy_init(PASSWORD_DEFAULT_REGEXP,
	    PASSWORD_DEFAULT_MIN_ENTROPY, 1, err, sizeof(err)) == -1)
		abort();
	return policy;
}

/*
 * All policy codes for pw (len bytes), in Barong's order, into codes:
 * password.too_long when longer than 72 characters (has_secure_password
 * runs first), then password.requirements when the regexp matches nowhere
 * (Regexp#match; entropy not evaluated) or password.weak when the entropy
 * is under the minimum.  Barong's model reports both a too_long and a
 * policy code for one password.  Barong skips the policy for a blank
 * password (only white space, Rails' present?); callers check presence
 * first.  Returns the number of codes (0 to 2); codes are static strings.
 */
size_t
password_check_all(const char *pw, size_t len, const char *codes[2])
{
	const struct policy	*p = current();
	struct entropy		 e;
	size_t			 n = 0;
	int			 rc;

	if (entropy_char_count(pw, len) > PASSWORD_MAX_CHARS)
		codes[n++] = PASSWORD_TOO_LONG;
	/*
	 * A negative result is no match: PCRE2_ERROR_NOMATCH, bad UTF-8
	 * (Ruby would raise), or the match limit.
	 */
	rc = pcre2_match(p->re, (PCRE2_SPTR)pw, len, 0, 0, p->md, p->mctx);
	if (rc < 0)
		codes[n++] = PASSWORD_REQUIREMENTS;
	else {
		entropy_measure(pw, len, p->min_entropy, p->use_dictionary,
		    &e);
		if (e.value < p->min_entropy)
			codes[n++] = PASSWORD_WEAK;
	}
	return n;
}

/*
 * The first policy code for pw (len bytes), or NULL when the password is
 * acceptable.  See password_check_all().
 */
const char *
password_check(const char *pw, size_t len)
{
	const char	*codes[2];

	return password_check_all(pw, len, codes) == 0 ? NULL : codes[0];
}

/*
 * Barong's full message for a code, as errors.full_messages gives it and
 * activities record it ({"reason": ...}): the model adds the bare strings
 * 'requirements' and 'weak' to :password, and has_secure_password the
 * Rails :too_long message.  NULL for a code that is not a policy code.
 */
const char *
password_reason(const char *code)
{
	if (code == NULL)
		return NULL;
	if (strcmp(code, PASSWORD_TOO_LONG) == 0)
		return "Password is too long (maximum is 72 characters)";
	if (strcmp(code, PASSWORD_REQUIREMENTS) == 0)
		return "Password requirements";
	if (strcmp(code, PASSWORD_WEAK) == 0)
		return "Password weak";
	return NULL;
}

/*
 * The pattern as Ruby's Regexp#to_s renders it, for GET /configs
 * ("password_regexp").  The string lives as long as the policy.
 */
const char *
password_regexp_ruby(void)
{
	return current()->ruby;
}

/* password_min_entropy in force. */
double
password_min_entropy(void)
{
	return current()->min_entropy;
}

/* password_use_dictionary in force. */
int
password_use_dictionary(void)
{
	return current()->use_dictionary;
}
