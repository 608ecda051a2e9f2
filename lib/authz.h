/*
 * The authorize step (authz.md): whether a request may reach a protected
 * upstream, and the JWT that tells the upstream who makes it.
 *
 * authz_decide() follows authz.md §2 in order:
 *   1. restrictions (§5), except for api/v2/barong/identity/users/access;
 *   2. block rules: 401 authz.permission_denied;
 *   3. pass rules: 200 without a token;
 *   4. credentials: any X-Auth-Apikey, X-Auth-Nonce or X-Auth-Signature
 *      header selects the API-key checks (§4), otherwise the session
 *      cookie's (§3.2);
 *   5. RBAC (§7), with the admin activity rows of §8 for users;
 *   6. the JWT (§9), reused from lib/jwtcache.h when it may be.
 * Every refusal carries Barong's status and code (authz.md §10) plus one
 * of ours, 401 authz.nonce_reused, for a replayed API-key signature.
 *
 * The cookie path costs one indexed query (the session joined with its
 * user), a write only when the session's expiry is due for renewal
 * (cfg.session_renew_interval) or the session must be destroyed, and an
 * RSA signature only when no reusable token is cached.
 */
#ifndef BARONG_AUTHZ_H
#define BARONG_AUTHZ_H

#include <stddef.h>
#include <time.h>

#include "http.h"
#include "jwtcache.h"

struct arena;

/* Who a request is made by, as the JWT describes them. */
struct authz_subject {
	int			 service_account;
	long long		 id;		/* users.id or service account */
	const char		*uid;
	const char		*email;
	const char		*role;
	long			 level;
	const char		*state;
	int			 has_referral;	/* users only */
	long long		 referral_id;
	const char		*username;	/* users only; NULL: none */
	enum jwtcache_kind	 cache_kind;	/* the credential, for reuse */
	long long		 cache_id;
};

enum authz_verdict {
	AUTHZ_ALLOW,		/* 200 with the token */
	AUTHZ_PASS		/* 200 without: a pass rule */
};

struct authz_result {
	enum authz_verdict	 verdict;
	const char		*path;		/* the authz path */
	struct authz_subject	 subject;	/* AUTHZ_ALLOW */
	const char		*token;		/* AUTHZ_ALLOW: the JWT */
	int			 reused;	/* token came from the cache */
};

/*
 * Start-up: read cfg.authz_rules_file.  Returns 0, or -1 after logging why
 * the file cannot be used.  (The database parts load on the first request
 * of each process: a connection must not be shared by preforked workers.)
 */
int		 authz_start(void);
/*
 * The authz path of a request URI (authz.md §1), in arena a: without the
 * query; slashes squeezed and trailing ones dropped (Rails' router); in the
 * responder role the part after "/api/v2/auth/" when the URI starts so
 * (nginx auth_request sends /api/v2/auth<original URI>), else the URI
 * without its leading slash (the authorizer role sees the original URI);
 * Rails' format suffix (".json") cut from the last segment; then
 * percent-decoded and freed of "." and ".." segments, so that the path
 * checked is the path the web server routes.  NULL when the decoded path
 * holds a NUL byte.
 */
const char	*authz_path(struct arena *a, const char *uri, enum fcgi_role);
/*
 * Decide about r.  Returns 0 with *res filled for a 200; -1 with r->err
 * set (a refusal with its status and code, or a server fault: 500).
 * Strings in *res live in r->a, except res->token, which may belong to the
 * JWT cache and is valid until the next request.
 */
int		 authz_decide(struct req *r, struct authz_result *res);
/*
 * Decide and answer (struct app's dispatch): 200 with an empty body and,
 * for AUTHZ_ALLOW, "Authorization: Bearer <jwt>" in the responder role or
 * "Variable-BARONG_AUTHORIZATION: Bearer <jwt>" and
 * "Variable-REMOTE_USER: <uid>" in the authorizer role; otherwise the
 * status and {"errors":["<code>"]}, with, in the responder role, the
 * header "X-Barong-Refusal: <status> <code>".
 *
 * nginx's auth_request keeps neither the status (anything but 401 and 403
 * becomes 500) nor the body of a refusal, so httpd-conf/nginx sends the
 * request once more with that header's value in the FastCGI parameter
 * BARONG_REFUSAL: then nothing is decided again (a session may have been
 * ended, a nonce used up, a denial logged); the refusal is repeated as it
 * was, and a value that is not one ("", "200 x") is answered with a 500.
 * A client cannot set the parameter: headers arrive as HTTP_*.
 */
void		 authz_dispatch(struct req *r);

#define AUTHZ_CODE_MAX	64	/* longest code a repeated refusal carries */

/* Exposed for the tests. */
/* The admin activity topic of a path: the segment after "admin/". */
const char	*authz_activity_topic(struct arena *, const char *path);
/* The admin activity action of a method (create, update, read...). */
const char	*authz_activity_action(const char *method);
/* Whether a and b are in one /16 (IPv4) or /96 (IPv6) network. */
int		 authz_same_network(const char *a, const char *b);

#endif
