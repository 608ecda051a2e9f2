/*
 * Brute-force protection of logins (see throttle.h).
 *
 * Each failure is one INSERT ... ON CONFLICT DO UPDATE per key, so
 * concurrent failures from any number of processes are counted exactly:
 * PostgreSQL locks the row and evaluates the update on its latest version.
 * Inside the update every expression sees the old row (f.*), which is why
 * the "start again" condition and the new count are spelled out twice.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "throttle.h"

#define EMAIL_MAX	254	/* longer ones are keyed by their digest */

/* The window has passed or the lock has expired: count from 1 again. */
#define RESTART	"(f.window_start <= now() - make_interval(secs => $3::bigint)" \
		" OR f.locked_until <= now())"
#define NEW_COUNT "(CASE WHEN " RESTART " THEN 1 ELSE f.failures + 1 END)"

/* $1 key, $2 limit, $3 window (s), $4 lockout (s). */
static const struct db_stmt st_fail = { "throttle_fail",
	"INSERT INTO login_failures AS f (key, failures, window_start,"
	" locked_until)"
	" VALUES ($1, 1, now(), CASE WHEN $2::integer <= 1"
	"  THEN now() + make_interval(secs => $4::bigint) END)"
	" ON CONFLICT (key) DO UPDATE SET"
	" failures = " NEW_COUNT ","
	" window_start = CASE WHEN " RESTART " THEN now()"
	"  ELSE f.window_start END,"
	" locked_until = CASE"
	"  WHEN " NEW_COUNT " >= $2::integer"
	"   THEN now() + make_interval(secs => $4::bigint)"
	"  WHEN f.locked_until > now() THEN f.locked_until END"
	" RETURNING failures, coalesce(locked_until > now(), false)", 4 };
/* Seconds left on the longest lock among keys $1 and $2, or NULL. */
static const struct db_stmt st_check = { "throttle_check",
	"SELECT ceil(extract(epoch FROM max(locked_until) - now()))::bigint"
	" FROM login_failures WHERE (key = $1 OR key = $2)"
	" AND locked_until > now()", 2 };
static const struct db_stmt st_clear = { "throttle_clear",
	"DELETE FROM login_failures WHERE key = $1", 1 };
static const struct db_stmt st_purge = { "throttle_purge",
	"DELETE FROM login_failures"
	" WHERE window_start <= now() - make_interval(secs => $1::bigint)"
	" AND (locked_until IS NULL OR locked_until <= now())", 1 };

/* "email:<lower-case email>", or the digest form; NULL for no e-mail. */
static const char *
email_key(struct arena *a, const char *email)
{
	unsigned char	*low;
	char		 hex[65];
	size_t		 i, n;
	int		 plain = 1;

	if (email == NULL || *email == '\0')
		return NULL;
	n = strlen(email);
	low = (unsigned char *)arena_strdup(a, email);
	for (i = 0; i < n; i++) {
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] += 'a' - 'A';	/* ASCII only, whatever the locale */
		if (low[i] < 0x21 || low[i] > 0x7e)
			plain = 0;
	}
	if (plain && n <= EMAIL_MAX)
		return arena_printf(a, "email:%s", (char *)low);
	crypto_sha256_hex(low, n, hex);
	return arena_printf(a, "email-sha256:%s", hex);
}

static const char *
ip_key(struct arena *a, const char *ip)
{
	if (ip == NULL || *ip == '\0' || strlen(ip) > 64)
		return NULL;
	return arena_printf(a, "ip:%s", ip);
}

int
throttle_check(struct req *r, const char *email, const char *ip)
{
	const char	*p[2];
	PGresult	*res;
	long long	 left;

	p[0] = cfg.login_max_failures > 0 ? email_key(r->a, email) : NULL;
	p[1] = cfg.login_max_failures_ip > 0 ? ip_key(r->a, ip) : NULL;
	if (p[0] == NULL && p[1] == NULL)
		return 0;
	if ((res = db_exec(r->a, &st_check, p)) == NULL)
		return err_internal(r, "could not check login failures");
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
		return 0;
	left = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	if (left < 1)
		left = 1;
	http_add_header(r, "Retry-After", arena_printf(r->a, "%lld", left));
	return err_set(r, 429, "identity.session.too_many_attempts",
	    "login refused: too many failures (%lld s left)", left);
}

/* Count one failure against key under limit; log when it locks. */
static void
fail_key(struct arena *a, const char *key, long limit, const char *what)
{
	const char	*p[4];
	PGresult	*res;

	if (key == NULL || limit <= 0)
		return;
	p[0] = key;
	p[1] = arena_printf(a, "%ld", limit);
	p[2] = arena_printf(a, "%ld", cfg.login_failure_window);
	p[3] = arena_printf(a, "%ld", cfg.login_lockout_time);
	if ((res = db_exec(a, &st_fail, p)) == NULL || PQntuples(res) != 1)
		return;		/* logged by db_exec */
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0 &&
	    strtol(PQgetvalue(res, 0, 0), NULL, 10) == limit)
		log_warn("%s locked for %ld s after %ld failed logins", what,
		    cfg.login_lockout_time, limit);
}

void
throttle_failure(struct req *r, const char *email, const char *ip)
{
	fail_key(r->a, email_key(r->a, email), cfg.login_max_failures,
	    "an account");
	if (ip != NULL && *ip != '\0')
		fail_key(r->a, ip_key(r->a, ip), cfg.login_max_failures_ip,
		    arena_printf(r->a, "address %s", ip));
}

void
throttle_success(struct req *r, const char *email, const char *ip)
{
	const char	*p[1];

	(void)ip;	/* the address key stays: it counts other accounts */
	if ((p[0] = email_key(r->a, email)) == NULL)
		return;
	db_exec(r->a, &st_clear, p);
}

long
throttle_purge(struct arena *a)
{
	const char	*p[1];
	PGresult	*res;

	p[0] = arena_printf(a, "%ld", cfg.login_failure_window);
	if ((res = db_exec(a, &st_purge, p)) == NULL)
		return -1;
	return strtol(PQcmdTuples(res), NULL, 10);
}
