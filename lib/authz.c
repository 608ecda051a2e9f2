/*
 * The authorize step (see authz.h and authz.md).
 *
 * Everything a decision needs that does not depend on the request is in
 * memory (lib/policy.c: rules, permissions, restrictions); what does is
 * read with one query (the session with its user, or the API key with its
 * holder).  Nothing of the request is parsed beyond its URI, its cookie
 * and the few headers looked at, except when an admin activity row must
 * be written (an RBAC denial or an AUDIT permission), which needs the
 * request's parameters.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "activity.h"
#include "apikey.h"
#include "arena.h"
#include "authz.h"
#include "buf.h"
#include "cidr.h"
#include "clientip.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "dbread.h"
#include "http.h"
#include "json.h"
#include "jwt.h"
#include "jwtcache.h"
#include "log.h"
#include "parse.h"
#include "policy.h"
#include "rowcache.h"
#include "session.h"
#include "shared.h"

#define AUTH_PREFIX	"/api/v2/auth/"
#define ACCESS_PATH	"api/v2/barong/identity/users/access"
#define TOKEN_HEX	64	/* session token: 256 bits in hex */

/*
 * The session named by the cookie and its user, in one indexed lookup
 * (sessions_token_sha256_key).  "live", "renew" and "fresh_for" (seconds
 * until it expires or is due for renewal, whichever comes first: how long
 * the row may be cached) are computed with the database's clock, which
 * every web host shares.
 */
static const struct db_stmt st_session = { "authz_session",
	"SELECT s.id, s.csrf_token, s.user_ip, s.user_agent,"
	" s.expires_at > now(),"
	" s.last_seen_at <= now() - make_interval(secs => $2::bigint),"
	" u.id, u.uid, u.email, u.role, u.level, u.state, u.referral_id,"
	" u.username,"
	" extract(epoch FROM least(s.expires_at,"
	"  s.last_seen_at + make_interval(secs => $2::bigint)) - now())"
	" FROM sessions s LEFT JOIN users u ON u.id = s.user_id"
	" WHERE s.token_sha256 = decode($1, 'hex')", 2 };
enum {
	S_ID, S_CSRF, S_IP, S_UA, S_LIVE, S_RENEW, S_USER_ID, S_UID, S_EMAIL,
	S_ROLE, S_LEVEL, S_STATE, S_REFERRAL, S_USERNAME, S_FRESH_FOR, S_NCOLS
};
static const struct db_stmt st_renew = { "authz_session_renew",
	"UPDATE sessions SET expires_at = now() +"
	" make_interval(secs => $2::bigint), last_seen_at = now()"
	" WHERE id = $1::bigint", 2 };

int
authz_start(void)
{
	char	err[512];

	if (policy_rules_load(cfg.authz_rules_file, err, sizeof(err)) == -1) {
		log_err("authz_rules_file: %s", err);
		return -1;
	}
	/* Without the shared file nothing is cached (rowcache.h). */
	if (cfg.authz_cache_ttl > 0 || strcmp(cfg.apikey_nonce_store,
	    "shared") == 0)
		(void)shared_open(1);
	policy_also_listen(ROWCACHE_CHANNEL, rowcache_flush);
	return 0;
}

/* ------------------------------------------------------------ the path */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s in place (Rails' path unescaping: no '+' rule, a '%'
 * not followed by two hex digits stays as it is).  -1 on a decoded NUL.
 */
static int
pct_decode(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = hexval(s[1])) != -1 &&
		    (lo = hexval(s[2])) != -1) {
			if ((*o++ = (char)(hi << 4 | lo)) == '\0')
				return -1;
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return 0;
}

/* Drop empty, "." and ".." segments (RFC 3986 5.2.4), in place. */
static void
remove_dot_segments(char *s)
{
	char	*in = s, *out = s, *seg;
	size_t	 n;

	while (*in != '\0') {
		while (*in == '/')
			in++;
		seg = in;
		n = strcspn(in, "/");
		in += n;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > s && out[-1] != '/')
				out--;
			if (out > s)
				out--;		/* the slash before it */
			continue;
		}
		if (out > s)
			*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	*out = '\0';
}

/*
 * Barong's families answer on two mounts (/api/v2/barong/<family> and, as
 * behind Barong's own gateway, /api/v2/<family>), but rules and
 * permissions name the long form.  Decide on the long form whichever the
 * client used, so no permission can be stepped around by the short one.
 */
static const char *
barong_mount(struct arena *a, const char *p)
{
	static const char *const families[] = { "admin", "resource",
		"identity", "public", "management" };
	const char	*rest;
	size_t		 i, n;

	if (strncmp(p, "api/v2/", 7) != 0)
		return p;
	rest = p + 7;
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		n = strlen(families[i]);
		if (strncmp(rest, families[i], n) == 0 &&
		    (rest[n] == '/' || rest[n] == '\0'))
			return arena_printf(a, "api/v2/barong/%s", rest);
	}
	return p;
}

const char *
authz_path(struct arena *a, const char *uri, enum fcgi_role role)
{
	size_t	 n, i, len;
	char	*s, *p, *seg, *dot;

	if (uri == NULL)
		uri = "";
	n = strcspn(uri, "?#");
	s = arena_alloc(a, n + 1);
	for (i = 0, len = 0; i < n; i++) {
		if (uri[i] == '/' && len > 0 && s[len - 1] == '/')
			continue;
		s[len++] = uri[i];
	}
	while (len > 0 && s[len - 1] == '/')
		len--;
	s[len] = '\0';
	p = s;
	if (role == ROLE_RESPONDER && strncmp(p, AUTH_PREFIX,
	    sizeof(AUTH_PREFIX) - 1) == 0)
		p += sizeof(AUTH_PREFIX) - 1;
	else if (role == ROLE_RESPONDER && strcmp(p, "/api/v2/auth") == 0)
		p += len;
	else if (*p == '/')
		p++;
	/* Rails' glob route: the last ".suffix" is the format. */
	seg = strrchr(p, '/');
	seg = seg != NULL ? seg + 1 : p;
	if ((dot = strrchr(seg, '.')) != NULL && dot[1] != '\0' && dot > p)
		*dot = '\0';
	if (pct_decode(p) == -1)
		return NULL;
	remove_dot_segments(p);
	return barong_mount(a, p);
}

/* ----------------------------------------------------------- activities */

const char *
authz_activity_topic(struct arena *a, const char *path)
{
	const char	*q = strstr(path, "admin/");
	size_t		 n;

	if (q == NULL)
		return "general";
	q += sizeof("admin/") - 1;
	if ((n = strcspn(q, "/")) == 0)
		return "general";
	return arena_strndup(a, q, n);
}

const char *
authz_activity_action(const char *method)
{
	if (strcmp(method, "POST") == 0)
		return "create";
	if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0)
		return "update";
	if (strcmp(method, "GET") == 0)
		return "read";
	if (strcmp(method, "DELETE") == 0)
		return "delete";
	return "system";
}

/*
 * The request's parameters as Barong logs them: query and body, then the
 * route parameter "path"; when the first parameter's name is itself a
 * JSON object, that object instead.  *target is its uid or user_uid
 * ("" when neither).  Malformed input only means fewer parameters.
 *
 * XXX Behind a web server the authorizer is given no request body (a
 * FastCGI authorizer never is; nginx's auth_request subrequest has none),
 * so only query parameters are logged and a uid sent in a form or JSON
 * body is not found: recording the target would take the upstream's
 * help (barong-compat(7)).
 */
static json_object *
activity_data(struct req *r, const char *path, const char **target)
{
	json_object	*o, *body, *doc = NULL, *v;
	const char	*first = NULL;

	o = json_adopt(r->a, json_object_new_object());
	(void)parse_urlencoded(o, r->query, strlen(r->query),
	    (size_t)cfg.max_params);
	if (r->body_len > 0 && !r->body_too_large) {
		if (strcmp(r->content_type,
		    "application/x-www-form-urlencoded") == 0)
			(void)parse_urlencoded(o, r->body, r->body_len,
			    (size_t)cfg.max_params);
		else if (strcmp(r->content_type, "application/json") == 0 &&
		    (body = parse_json_body(r->body, r->body_len)) != NULL) {
			json_adopt(r->a, body);
			if (json_object_is_type(body, json_type_object)) {
				json_object_object_foreach(body, k, val)
					json_object_object_add(o, k,
					    json_object_get(val));
			}
		}
	}
	json_object_object_foreach(o, name, unused) {
		(void)unused;
		first = name;
		break;
	}
	if (first != NULL && *first == '{' &&
	    (doc = json_tokener_parse(first)) != NULL) {
		json_adopt(r->a, doc);
		if (!json_object_is_type(doc, json_type_object))
			doc = NULL;
	}
	if (doc != NULL)
		o = doc;
	else
		json_object_object_add(o, "path",
		    json_object_new_string(path));
	*target = "";
	if ((json_object_object_get_ex(o, "uid", &v) && v != NULL) ||
	    (json_object_object_get_ex(o, "user_uid", &v) && v != NULL))
		*target = json_object_get_string(v);
	return o;
}

/* An admin activity row for a user (never for a service account). */
static void
log_admin(struct req *r, const struct authz_subject *s, const char *path,
    const char *topic, const char *result)
{
	json_object	*data;
	const char	*target;

	if (s->service_account)
		return;
	data = activity_data(r, path, &target);
	if (topic == NULL)
		topic = authz_activity_topic(r->a, path);
	if (activity_record_admin(r, s->id, target, topic,
	    authz_activity_action(r->method), result, data) == -1)
		log_warn("could not record the admin activity of user %s",
		    s->uid);
}

/* ------------------------------------------------------------ helpers */

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n\f\v")] == '\0';
}

static int
state_ok(const char *state)
{
	return state != NULL && (strcmp(state, "active") == 0 ||
	    strcmp(state, "pending") == 0);
}

static int
csrf_method(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0 ||
	    strcmp(m, "TRACE") == 0;
}

static int
token_wellformed(const char *t)
{
	return strlen(t) == TOKEN_HEX &&
	    strspn(t, "0123456789abcdef") == TOKEN_HEX;
}

int
authz_same_network(const char *a, const char *b)
{
	return cidr_same_network_str(a, b, 16, 96);
}

static long long
to_ll(const char *s)
{
	return strtoll(s, NULL, 10);
}

/* ------------------------------------------------------ cookie sessions */

/*
 * Whether the session row v of st_session is bound to r (authz.md §3.2
 * #5): the same User-Agent (both absent counts as the same), not expired,
 * and a client address in the /16 (IPv4) or /96 (IPv6) of the stored one.
 * A session stored without an address is bound to nothing.
 */
static int
session_bound(struct req *r, const char *const *v)
{
	const char	*ua = http_user_agent(r);

	if ((ua == NULL) != (v[S_UA] == NULL) || (ua != NULL &&
	    strcmp(ua, v[S_UA]) != 0))
		return 0;
	if (*v[S_LIVE] != 't')
		return 0;
	return v[S_IP] != NULL && authz_same_network(v[S_IP], clientip_get(r));
}

/*
 * The st_session row of a well-formed cookie as values (NULL for SQL
 * NULL) in *out, or *out NULL when there is none: from the row cache when
 * it holds the row, else from the database, caching a row that is live,
 * has a user and is not due for renewal (rowcache.h).  0, or -1 when the
 * database failed.
 */
static int
session_row(struct req *r, const char *cookie, const char ***out)
{
	unsigned char	 md[CRYPTO_SHA256_LEN];
	char		 hex[2 * CRYPTO_SHA256_LEN + 1];
	const char	*p[2], **v;
	PGresult	*res;
	double		 now = rowcache_clock(), fresh;
	uint64_t	 gen = shared_counter(SHARED_SUBJECTS);
	int		 cache = rowcache_enabled();
	int		 n;

	*out = NULL;
	crypto_sha256(cookie, TOKEN_HEX, md);
	if (cache && (v = rowcache_get(r->a, ROWCACHE_SESSION, md, sizeof(md),
	    gen, now, &n)) != NULL && n == S_NCOLS) {
		*out = v;
		return 0;
	}
	crypto_hex(md, sizeof(md), hex);
	p[0] = hex;
	p[1] = arena_printf(r->a, "%ld", cfg.session_renew_interval);
	if ((res = dbread_find(r->a, &st_session, p)) == NULL)
		return -1;
	if (PQntuples(res) != 1 || PQnfields(res) != S_NCOLS)
		return 0;
	v = db_row(r->a, res, 0);
	fresh = v[S_FRESH_FOR] != NULL ? strtod(v[S_FRESH_FOR], NULL) : 0;
	if (fresh > (double)cfg.authz_cache_ttl)
		fresh = (double)cfg.authz_cache_ttl;
	if (cache && fresh > 0 && v[S_USER_ID] != NULL && *v[S_LIVE] == 't' &&
	    *v[S_RENEW] != 't')
		rowcache_put(ROWCACHE_SESSION, md, sizeof(md), res, gen,
		    now + fresh);
	*out = v;
	return 0;
}

/*
 * authz.md §3.2.  Unlike Barong, a session whose user no longer exists is
 * authz.invalid_session (Barong: an unhandled RecordNotFound, a 404 HTML
 * page); with our schema the session row goes with the user, so this
 * takes a race.  [barong-compat(7)]
 */
static int
cookie_subject(struct req *r, struct authz_subject *s)
{
	const char	*cookie, *csrf = NULL, *p[2], **v = NULL;
	long long	 sid;
	int		 need_csrf;

	need_csrf = cfg.csrf_protection && csrf_method(r->method);
	if (need_csrf && (csrf = http_header(r, "X-CSRF-Token")) == NULL)
		return err_set(r, 401, "authz.missing_csrf_token", NULL);
	cookie = http_cookie(r, cfg.session_name);
	if (cookie != NULL && token_wellformed(cookie) &&
	    session_row(r, cookie, &v) == -1)
		return err_internal(r, "could not look up the session");
	if (need_csrf && (v == NULL || !crypto_eq(csrf, strlen(csrf),
	    v[S_CSRF], strlen(v[S_CSRF]))))
		return err_set(r, 401, "authz.csrf_token_mismatch", NULL);
	if (v == NULL)
		return err_set(r, 401, "authz.invalid_session", NULL);
	sid = to_ll(v[S_ID]);
	if (v[S_USER_ID] == NULL)
		return err_set(r, 401, "authz.invalid_session",
		    "session of a deleted user");
	s->id = to_ll(v[S_USER_ID]);
	s->uid = v[S_UID];

	if (!session_bound(r, v)) {
		if (session_destroy(r->a, sid) == -1)
			return err_internal(r, "could not destroy a "
			    "mismatched session");
		return err_set(r, 401, "authz.client_session_mismatch",
		    "session of %s ended: %s", s->uid,
		    *v[S_LIVE] != 't' ? "expired" :
		    "agent or address changed");
	}
	/* Renewal, written only when due (cfg.session_renew_interval). */
	if (*v[S_RENEW] == 't') {
		p[0] = arena_printf(r->a, "%lld", sid);
		p[1] = arena_printf(r->a, "%ld", cfg.session_expire_time);
		if (db_exec(r->a, &st_renew, p) == NULL)
			log_warn("could not renew the session of %s", s->uid);
	}
	s->state = v[S_STATE];
	if (!state_ok(s->state))
		return err_set(r, 401, "authz.user_not_active",
		    "user %s is %s", s->uid, s->state);
	s->service_account = 0;
	s->email = v[S_EMAIL];
	s->role = v[S_ROLE];
	s->level = strtol(v[S_LEVEL], NULL, 10);
	s->has_referral = v[S_REFERRAL] != NULL;
	s->referral_id = s->has_referral ? to_ll(v[S_REFERRAL]) : 0;
	s->username = v[S_USERNAME];
	s->cache_kind = JWTCACHE_SESSION;
	s->cache_id = sid;
	return 0;
}

/* ------------------------------------------------------------ API keys */

static int
apikey_subject(struct req *r, struct authz_subject *s)
{
	const char	*kid = http_header(r, "X-Auth-Apikey");
	const char	*nonce = http_header(r, "X-Auth-Nonce");
	const char	*sig = http_header(r, "X-Auth-Signature");
	struct apikey	*k;
	char		*secret;
	size_t		 slen;
	long long	 n;
	int		 rc;

	if (blank(kid) || blank(nonce) || blank(sig))
		return err_set(r, 422, "authz.invalid_api_key_headers", NULL);
	if ((rc = apikey_find(r->a, kid, &k)) == -1)
		return err_internal(r, "could not look up the API key");
	if (rc == 1)
		return err_set(r, 401, "authz.unexistent_apikey", NULL);
	if ((n = apikey_nonce_value(nonce)) <= 0)
		return err_set(r, 401, "authz.nonce_not_valid_timestamp", NULL);
	if (!apikey_nonce_fresh(n, apikey_now_ms(), cfg.apikey_nonce_lifetime))
		return err_set(r, 401, "authz.nonce_expired", NULL);
	if (crypto_keyring_version() == 0)
		return err_internal(r, "API key check needs master_key_file");
	if (apikey_open_secret(r->a, kid, k->secret_sealed, &secret,
	    &slen) == -1)
		return err_internal(r, "could not open the secret of API key "
		    "%lld", k->id);
	if (!apikey_signature_ok(k->algorithm, secret, slen, nonce, kid, sig))
		return err_set(r, 401, "authz.invalid_signature", NULL);
	if ((rc = apikey_nonce_record(r->a, kid, nonce,
	    cfg.apikey_nonce_lifetime)) == -1)
		return err_internal(r, "could not record an API key nonce");
	if (rc == 0)
		return err_set(r, 401, "authz.nonce_reused",
		    "API key %lld: nonce used before", k->id);
	if (strcmp(k->state, "active") != 0)
		return err_set(r, 401, "authz.apikey_not_active", NULL);
	if (!k->holder_found || !state_ok(k->holder_state))
		return err_set(r, 401, "authz.invalid_session",
		    "API key %lld: holder missing or not active", k->id);
	if (!k->service_account && !k->otp)
		return err_set(r, 401, "authz.disabled_2fa", NULL);
	s->service_account = k->service_account;
	s->id = k->holder_id;
	s->uid = k->uid;
	s->email = k->email;
	s->role = k->role;
	s->level = k->level;
	s->state = k->holder_state;
	s->has_referral = k->has_referral;
	s->referral_id = k->referral_id;
	s->username = k->username;
	s->cache_kind = JWTCACHE_APIKEY;
	s->cache_id = k->id;
	return 0;
}

/* ------------------------------------------------------------ the JWT */

static void
fp_field(struct buf *b, const char *v)
{
	if (v == NULL)
		buf_putc(b, '-');
	else
		buf_printf(b, "%zu:%s", strlen(v), v);
}

/* Everything the token says about its subject, unambiguously. */
static const char *
fingerprint(struct req *r, const struct authz_subject *s, size_t *len)
{
	struct buf	 b;
	const char	*out;

	buf_init(&b, r->a, 64 * 1024);
	buf_putc(&b, s->service_account ? 'S' : 'U');
	fp_field(&b, s->uid);
	fp_field(&b, s->email);
	fp_field(&b, s->role);
	buf_printf(&b, "%ld;", s->level);
	fp_field(&b, s->state);
	if (!s->service_account) {
		if (s->has_referral)
			buf_printf(&b, "%lld;", s->referral_id);
		else
			buf_putc(&b, '-');
		fp_field(&b, s->username);
	}
	if ((out = buf_cstr(&b)) == NULL)
		return NULL;
	*len = b.len;
	return out;
}

static int
issue(struct req *r, struct authz_result *res)
{
	const struct authz_subject	*s = &res->subject;
	json_object			*claims;
	const char			*fp, *tok;
	size_t				 fplen = 0;
	time_t				 now = time(NULL);

	fp = fingerprint(r, s, &fplen);
	if (fp != NULL && (tok = jwtcache_get(s->cache_kind, s->cache_id,
	    fp, fplen, now, cfg.jwt_cache_ttl, NULL)) != NULL) {
		res->token = tok;
		res->reused = 1;
		return 0;
	}
	claims = json_adopt(r->a, jwt_session_claims(now, cfg.jwt_expire_time,
	    s->uid, s->email, s->role, s->level, s->state, s->has_referral ?
	    &s->referral_id : NULL, s->username, s->service_account));
	if (claims == NULL || (tok = jwt_sign(r->a, claims)) == NULL)
		return err_internal(r, "could not sign the JWT of %s", s->uid);
	if (fp != NULL && cfg.jwt_cache_ttl > 0)
		jwtcache_put(s->cache_kind, s->cache_id, fp, fplen, tok, now,
		    now + cfg.jwt_expire_time);
	res->token = tok;
	res->reused = 0;
	return 0;
}

/* ------------------------------------------------------------ decision */

int
authz_decide(struct req *r, struct authz_result *res)
{
	const char	*path, *code, *topic;
	int		 status, audit;

	memset(res, 0, sizeof(*res));
	if ((path = authz_path(r->a, r->uri, r->role)) == NULL)
		return err_set(r, 401, "authz.permission_denied",
		    "NUL byte in the path");
	res->path = path;
	if (policy_refresh() == -1)
		return err_internal(r, "authz policy not loaded");
	if (strcmp(path, ACCESS_PATH) != 0 && policy_restrict(r->a, path,
	    clientip_get(r), &status, &code) == 1)
		return err_set(r, status, code, NULL);
	switch (policy_rule(path)) {
	case POLICY_BLOCK:
		return err_set(r, 401, "authz.permission_denied", NULL);
	case POLICY_PASS:
		res->verdict = AUTHZ_PASS;
		return 0;
	case POLICY_NONE:
		break;
	}
	if (http_header(r, "X-Auth-Apikey") != NULL ||
	    http_header(r, "X-Auth-Nonce") != NULL ||
	    http_header(r, "X-Auth-Signature") != NULL) {
		if (apikey_subject(r, &res->subject) == -1)
			return -1;
	} else if (cookie_subject(r, &res->subject) == -1)
		return -1;
	if (!policy_rbac(res->subject.role, r->method, path, &audit, &topic)) {
		log_admin(r, &res->subject, path, NULL, "denied");
		return err_set(r, 401, "authz.invalid_permission",
		    "%s (%s) may not %s %s", res->subject.uid,
		    res->subject.role, r->method, path);
	}
	if (audit)
		log_admin(r, &res->subject, path, topic, "succeed");
	res->verdict = AUTHZ_ALLOW;
	return issue(r, res);
}

/*
 * A refusal repeated for nginx (see authz.h): "<status> <code>", status
 * 400-599, code of [a-z0-9_.]; anything else (nginx sends an empty value
 * when the first answer was its own 500) is a 500.
 */
static void
repeat_refusal(struct req *r, const char *v)
{
	size_t	n;
	int	status = 0;

	if (strlen(v) > 4 && strspn(v, "0123456789") == 3 && v[3] == ' ') {
		status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
		n = strlen(v + 4);
		if (n > AUTHZ_CODE_MAX || strspn(v + 4,
		    "abcdefghijklmnopqrstuvwxyz0123456789_.") != n)
			status = 0;
	}
	if (status < 400 || status > 599)
		err_internal(r, "refusal to repeat is not one: \"%.64s\"", v);
	else
		err_set(r, status, arena_strdup(r->a, v + 4), NULL);
	http_reply_error(r);
}

void
authz_dispatch(struct req *r)
{
	struct authz_result	 res;
	const char		*bearer, *again;

	if ((again = http_env(r, "BARONG_REFUSAL")) != NULL) {
		repeat_refusal(r, again);
		return;
	}
	if (authz_decide(r, &res) == -1) {
		if (r->role == ROLE_RESPONDER)
			http_add_header(r, "X-Barong-Refusal", arena_printf(r->a,
			    "%d %s", r->err.status, r->err.keys[0]));
		http_reply_error(r);
		return;
	}
	if (res.verdict == AUTHZ_ALLOW) {
		bearer = arena_printf(r->a, "Bearer %s", res.token);
		if (r->role == ROLE_AUTHORIZER) {
			http_add_header(r, "Variable-BARONG_AUTHORIZATION",
			    bearer);
			http_add_header(r, "Variable-REMOTE_USER",
			    res.subject.uid);
		} else
			http_add_header(r, "Authorization", bearer);
	}
	http_reply(r, 200, "", 0);
}
