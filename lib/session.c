#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "session.h"

#define TOKEN_BYTES	32	/* 256 bits, 64 hex characters */
#define COOKIE_TTL	(24 * 3600)	/* Barong's store TTL */

static const struct db_stmt st_insert = { "session_insert",
	"INSERT INTO sessions (token_sha256, user_id, csrf_token, user_ip,"
	" user_agent, expires_at)"
	" VALUES (decode($1, 'hex'), $2::bigint, $3, $4, $5,"
	" now() + make_interval(secs => $6::bigint))", 6 };
static const struct db_stmt st_by_token = { "session_by_token",
	"SELECT id, user_id, csrf_token, user_ip, user_agent,"
	" extract(epoch FROM expires_at)::bigint"
	" FROM sessions WHERE token_sha256 = decode($1, 'hex')", 1 };
static const struct db_stmt st_delete = { "session_delete",
	"DELETE FROM sessions WHERE id = $1::bigint", 1 };
static const struct db_stmt st_delete_user = { "session_delete_user",
	"DELETE FROM sessions WHERE user_id = $1::bigint AND id <> $2::bigint",
	2 };

static const char *
token_digest(struct arena *a, const char *token)
{
	char	*hex = arena_alloc(a, 65);

	crypto_sha256_hex(token, strlen(token), hex);
	return hex;
}

static int
token_wellformed(const char *t)
{
	return strlen(t) == 2 * TOKEN_BYTES &&
	    strspn(t, "0123456789abcdef") == 2 * TOKEN_BYTES;
}

static void
set_cookie(struct req *r, const char *value, time_t expires)
{
	struct tm	tm;
	char		date[64];

	gmtime_r(&expires, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	http_add_header(r, "Set-Cookie", arena_printf(r->a,
	    "%s=%s; path=/; expires=%s; HttpOnly; SameSite=Lax%s",
	    cfg.session_name, value, date,
	    cfg.session_cookie_secure ? "; Secure" : ""));
}

int
session_current(struct req *r, struct session **out)
{
	const char	*token = http_cookie(r, cfg.session_name), *p[1];
	struct session	*s;
	PGresult	*res;

	if (token == NULL || !token_wellformed(token))
		return 1;
	p[0] = token_digest(r->a, token);
	if ((res = db_exec(r->a, &st_by_token, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 1;
	s = arena_alloc(r->a, sizeof(*s));
	s->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	s->user_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	s->csrf_token = PQgetvalue(res, 0, 2);
	s->user_ip = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	s->user_agent = PQgetisnull(res, 0, 4) ? NULL : PQgetvalue(res, 0, 4);
	s->expires_at = (time_t)strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	*out = s;
	return 0;
}

int
session_open(struct req *r, long long user_id, const char *ip,
    const char **csrf)
{
	struct session	*old;
	char		 token[2 * TOKEN_BYTES + 1], *c;
	const char	*p[6];
	int		 rc;

	if ((rc = session_current(r, &old)) == -1)
		return -1;
	if (rc == 0 && session_destroy(r->a, old->id) == -1)
		return -1;
	c = arena_alloc(r->a, 21);
	if (crypto_random_hex(token, TOKEN_BYTES) == -1 ||
	    crypto_random_hex(c, 10) == -1)
		return -1;
	p[0] = token_digest(r->a, token);
	p[1] = arena_printf(r->a, "%lld", user_id);
	p[2] = c;
	p[3] = ip != NULL && *ip != '\0' ? ip : NULL;
	p[4] = http_user_agent(r);
	p[5] = arena_printf(r->a, "%ld", cfg.session_expire_time);
	if (db_exec(r->a, &st_insert, p) == NULL) {
		crypto_wipe(token, sizeof(token));
		return -1;
	}
	set_cookie(r, token, time(NULL) + COOKIE_TTL);
	crypto_wipe(token, sizeof(token));
	*csrf = c;
	return 0;
}

int
session_destroy(struct arena *a, long long id)
{
	const char	*p[1];

	p[0] = arena_printf(a, "%lld", id);
	return db_exec(a, &st_delete, p) == NULL ? -1 : 0;
}

int
session_destroy_user(struct arena *a, long long user_id, long long keep_id)
{
	const char	*p[2];

	p[0] = arena_printf(a, "%lld", user_id);
	p[1] = arena_printf(a, "%lld", keep_id);
	return db_exec(a, &st_delete_user, p) == NULL ? -1 : 0;
}

void
session_clear_cookie(struct req *r)
{
	set_cookie(r, "", 0);
}
