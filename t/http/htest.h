/*
 * Black-box HTTP tests against the stack t/stack brings up (env BARONG_URL).
 * A test is data: a request and what must come back.  The program prints
 * "N passed, N failed" and exits non-zero when anything failed.
 */
#ifndef BARONG_HTEST_H
#define BARONG_HTEST_H

#include <stddef.h>

#define HT_USER_AGENT	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " \
	"(KHTML, like Gecko) Chrome/120.0 Safari/537.36"

struct ht_resp {
	long	 status;
	char	*body;
	size_t	 len;
	char	*headers;	/* raw header block */
};

struct ht_case {
	const char	*name;
	const char	*method;
	const char	*path;		/* appended to BARONG_URL */
	const char	*ctype;		/* request Content-Type, or NULL */
	const char	*body;		/* request body, or NULL */
	long		 status;
	const char	*expect;	/* exact body, or NULL */
	const char	*expect_re;	/* extended regex over the body, or NULL */
	const char	*header_re;	/* extended regex over the headers */
};

void		 ht_init(void);
int		 ht_done(void);
int		 ht_request(const char *method, const char *path,
		    const char *ctype, const char *body, size_t bodylen,
		    const char *const *extra_headers, struct ht_resp *);
void		 ht_resp_free(struct ht_resp *);
void		 ht_check(int ok, const char *name, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 ht_run(const struct ht_case *);
void		 ht_run_all(const struct ht_case *);
int		 ht_match(const char *re, const char *s);
const char	*ht_url(void);

/* The value of a response header (first match, case-insensitive), malloc'd. */
char		*ht_header(const struct ht_resp *, const char *name);
/* The value of cookie name set by the response, malloc'd, or NULL. */
char		*ht_set_cookie(const struct ht_resp *, const char *name);
/*
 * Run SQL against $BARONG_DB: the first field of the first row, or "".
 * The string is kept until ht_done(); do not free it.
 */
const char	*ht_sql(const char *sql, const char *const *params, int n);
/* Wait up to ms for a mail to `to` containing needle (kept; do not free). */
const char	*ht_mail_wait(const char *to, const char *needle, int ms);
/* Extract the value of a URL query parameter from text, malloc'd. */
char		*ht_link_param(const char *text, const char *name);

/*
 * A signed-in user for the families behind the authorize step: signed up
 * through POST /identity/users with a unique e-mail made from tag, so he
 * holds a session cookie and its CSRF token.  ht_user_new() makes him
 * active with the email:verified label and level 1 (the state e-mail
 * confirmation gives) through SQL, unless pending is set.  Exits the test
 * program on failure.
 */
struct ht_user {
	char	 email[128];
	char	 password[64];
	char	 uid[32];
	long long id;
	char	 cookie[160];		/* "_barong_session=..." */
	char	 csrf[64];
};

void		 ht_user_new(struct ht_user *, const char *tag, int pending);
/* Log in again (a new session, cookie and CSRF token); otp_code may be NULL. */
int		 ht_user_login(struct ht_user *, const char *otp_code);
/*
 * A request as the user: his cookie, his X-CSRF-Token, and extra headers
 * (NULL-terminated, may be NULL).  Returns as ht_request().
 */
int		 ht_as(const struct ht_user *, const char *method,
		    const char *path, const char *ctype, const char *body,
		    size_t bodylen, const char *const *extra, struct ht_resp *);

#endif
