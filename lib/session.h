/*
 * Server-side sessions (authz.md §3, DESIGN.md "Sessions").  The cookie
 * carries a random 256-bit token; the sessions table keeps only its
 * SHA-256, with the user, the CSRF token, the client's IP and user agent
 * and the expiry.
 */
#ifndef BARONG_SESSION_H
#define BARONG_SESSION_H

#include <time.h>

struct arena;
struct req;

struct session {
	long long	 id;
	long long	 user_id;
	const char	*csrf_token;
	const char	*user_ip;	/* NULL when none */
	const char	*user_agent;	/* NULL when none */
	time_t		 expires_at;
};

/*
 * Open a session for the user with a fresh token (a session the request's
 * cookie names is ended first: a login never keeps a token that existed
 * before it).  Sets the cookie on the response; *csrf is the new CSRF
 * token (20 hex).  Call inside the caller's transaction.  0 or -1.
 */
int	session_open(struct req *, long long user_id, const char *ip,
	    const char **csrf);
/* The session the request's cookie names: 0 found, 1 none, -1 error. */
int	session_current(struct req *, struct session **);
int	session_destroy(struct arena *, long long id);
/* End every session of the user but keep_id (0: all).  0 or -1. */
int	session_destroy_user(struct arena *, long long user_id,
	    long long keep_id);
/* Tell the browser to drop the cookie. */
void	session_clear_cookie(struct req *);

#endif
