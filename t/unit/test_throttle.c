/*
 * lib/throttle.c against a real PostgreSQL database named by
 * BARONG_TEST_DB (a conninfo string) with every migration applied:
 * counting per account and per address, the lock and its Retry-After, the
 * window and the lock running out, disabled limits, the e-mail key's
 * forms, purging, a database failure, and two processes hammering the
 * same keys.  Without BARONG_TEST_DB the tests print a note and pass
 * without asserting.  Keys carry this process's pid and are deleted
 * afterwards.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "http.h"
#include "throttle.h"
#include "unit.h"

static const char	*conninfo;
static int		 have_db;
static long		 pid;

static void
set(const char *key, const char *value)
{
	char	err[128];

	CU_ASSERT_EQUAL_FATAL(conf_set(key, value, err, sizeof(err)), 0);
}

static void
limits(const char *acct, const char *ip, const char *window,
    const char *lockout)
{
	set("login_max_failures", acct);
	set("login_max_failures_ip", ip);
	set("login_failure_window", window);
	set("login_lockout_time", lockout);
}

static const char *
email(struct arena *a, int n)
{
	return arena_printf(a, "u%ld-%d@throttle.test", pid, n);
}

static const char *
ip(struct arena *a, int n)
{
	return arena_printf(a, "2001:db8:%lx::%x", pid, n);
}

static void
new_req(struct req *r, struct arena *a)
{
	http_init(r, a);
}

/* failures of a key, or -1 when it has no row. */
static int
failures(struct arena *a, const char *key)
{
	const char	*p[1] = { key };
	PGresult	*res;

	res = db_exec_sql(a, "SELECT failures FROM login_failures"
	    " WHERE key = $1", 1, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	if (PQntuples(res) == 0)
		return -1;
	return atoi(PQgetvalue(res, 0, 0));
}

/* throttle_check's verdict; checks the 429 and its header. */
static int
allowed(struct arena *a, const char *e, const char *i, long *retry)
{
	struct req	 r;
	const char	*h, *ra;

	new_req(&r, a);
	if (throttle_check(&r, e, i) == 0) {
		CU_ASSERT_EQUAL(r.err.status, 0);
		return 1;
	}
	CU_ASSERT_EQUAL(r.err.status, 429);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0],
	    "identity.session.too_many_attempts");
	h = buf_cstr(&r.headers);
	ra = strstr(h, "Retry-After: ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ra);
	if (retry != NULL)
		*retry = strtol(ra + 13, NULL, 10);
	return 0;
}

static void
fail(struct arena *a, const char *e, const char *i)
{
	struct req	r;

	new_req(&r, a);
	throttle_failure(&r, e, i);
	CU_ASSERT_EQUAL(r.err.status, 0);
}

static void
setup(void)
{
	conninfo = getenv("BARONG_TEST_DB");
	pid = (long)getpid();
	conf_defaults();
	if (conninfo == NULL || *conninfo == '\0') {
		fprintf(stderr, "\nBARONG_TEST_DB is not set: skipping the "
		    "database tests\n");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(db_open(conninfo), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(db_conn());
	have_db = 1;
}

static void
test_counting(void)
{
	struct arena	*a;
	const char	*e1, *e2, *e3, *i1, *i2;
	long		 retry = 0;
	struct req	 r;

	if (!have_db)
		return;
	a = arena_new(0);
	limits("3", "5", "900", "900");
	e1 = email(a, 1);
	e2 = email(a, 2);
	e3 = email(a, 3);
	i1 = ip(a, 1);
	i2 = ip(a, 2);
	CU_ASSERT(allowed(a, e1, i1, NULL));
	fail(a, e1, i1);
	fail(a, e1, i1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s", e1)), 2);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", i1)), 2);
	CU_ASSERT(allowed(a, e1, i1, NULL));
	/* The third failure locks the account, from any address. */
	fail(a, e1, i1);
	CU_ASSERT(!allowed(a, e1, i1, &retry));
	CU_ASSERT(retry >= 899 && retry <= 900);
	CU_ASSERT(!allowed(a, e1, i2, NULL));
	CU_ASSERT(!allowed(a, e1, NULL, NULL));
	CU_ASSERT(!allowed(a, e1, "", NULL));
	/* Other accounts from the same address are still let in ... */
	CU_ASSERT(allowed(a, e2, i1, NULL));
	/* ... until the address reaches its own limit (5). */
	fail(a, e2, i1);
	CU_ASSERT(allowed(a, e2, i1, NULL));
	fail(a, e3, i1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", i1)), 5);
	CU_ASSERT(!allowed(a, e2, i1, NULL));
	CU_ASSERT(!allowed(a, e3, i1, NULL));
	CU_ASSERT(!allowed(a, email(a, 99), i1, NULL));
	CU_ASSERT(allowed(a, e2, i2, NULL));
	CU_ASSERT(allowed(a, NULL, i2, NULL));
	CU_ASSERT(allowed(a, NULL, NULL, NULL));

	/* Success clears the account key only. */
	new_req(&r, a);
	throttle_success(&r, e2, i1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s", e2)), -1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", i1)), 5);
	CU_ASSERT(!allowed(a, e2, i1, NULL));
	new_req(&r, a);
	throttle_success(&r, e1, i1);
	CU_ASSERT(allowed(a, e1, i2, NULL));
	/* No e-mail: no-op. */
	new_req(&r, a);
	throttle_success(&r, NULL, i1);
	throttle_success(&r, "", i1);
	CU_ASSERT_EQUAL(r.err.status, 0);
	arena_free(a);
}

/* Case, length and bytes of the e-mail key. */
static void
test_email_keys(void)
{
	struct arena	*a;
	const char	*e, *key;
	PGresult	*res;
	char		 longmail[400];

	if (!have_db)
		return;
	a = arena_new(0);
	limits("2", "0", "900", "900");
	e = arena_printf(a, "Mixed%ld@Throttle.TEST", pid);
	fail(a, e, NULL);
	key = arena_printf(a, "email:mixed%ld@throttle.test", pid);
	CU_ASSERT_EQUAL(failures(a, key), 1);
	fail(a, arena_printf(a, "MIXED%ld@throttle.test", pid), NULL);
	CU_ASSERT_EQUAL(failures(a, key), 2);
	CU_ASSERT(!allowed(a, arena_printf(a, "mixed%ld@THROTTLE.test", pid),
	    NULL, NULL));

	/* Long and non-ASCII e-mails: a digest key, counted all the same. */
	memset(longmail, 'a', sizeof(longmail) - 1);
	longmail[sizeof(longmail) - 1] = '\0';
	e = arena_printf(a, "%ld", pid);
	memcpy(longmail, e, strlen(e));
	fail(a, longmail, NULL);
	fail(a, longmail, NULL);
	CU_ASSERT(!allowed(a, longmail, NULL, NULL));
	e = arena_printf(a, "ü%ld@throttle.test", pid);
	fail(a, e, ip(a, 5));
	/* The keys are SHA-256 of the lower-cased addresses. */
	res = db_exec_sql(a, "DELETE FROM login_failures WHERE key IN"
	    " ('email-sha256:' || encode(sha256(convert_to($1, 'UTF8')),"
	    " 'hex'), 'email-sha256:' || encode(sha256(convert_to($2,"
	    " 'UTF8')), 'hex')) RETURNING failures", 2,
	    (const char *[]){ longmail, e });
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	CU_ASSERT_EQUAL(PQntuples(res), 2);
	/* The IP limit is disabled: no address rows. */
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", ip(a, 5))), -1);
	arena_free(a);
}

/* A passed window, and an expired lock, count from 1 again. */
static void
test_window_and_expiry(void)
{
	struct arena	*a;
	const char	*e, *i, *key, *p[1];

	if (!have_db)
		return;
	a = arena_new(0);
	e = email(a, 10);
	i = ip(a, 10);
	key = arena_printf(a, "email:%s", e);
	limits("3", "0", "1", "900");
	fail(a, e, i);
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 2);
	usleep(1100 * 1000);
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 1);
	CU_ASSERT(allowed(a, e, i, NULL));

	/* Aged by hand, with the default window. */
	limits("3", "0", "900", "900");
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 2);
	p[0] = key;
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(a, "UPDATE login_failures SET"
	    " window_start = now() - interval '901 seconds' WHERE key = $1",
	    1, p));
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 1);

	/* A lock of 1 s runs out; the next failure starts again at 1. */
	limits("2", "0", "900", "1");
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 2);
	CU_ASSERT(!allowed(a, e, i, NULL));
	usleep(1100 * 1000);
	CU_ASSERT(allowed(a, e, i, NULL));
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, key), 1);
	CU_ASSERT(allowed(a, e, i, NULL));
	fail(a, e, i);
	CU_ASSERT(!allowed(a, e, i, NULL));

	/* A limit of 1 locks on the first failure. */
	limits("1", "0", "900", "900");
	fail(a, email(a, 11), i);
	CU_ASSERT(!allowed(a, email(a, 11), i, NULL));
	arena_free(a);
}

/* Limits of 0 write and check nothing. */
static void
test_disabled(void)
{
	struct arena	*a;
	const char	*e, *i;

	if (!have_db)
		return;
	a = arena_new(0);
	limits("0", "0", "900", "900");
	e = email(a, 20);
	i = ip(a, 20);
	fail(a, e, i);
	fail(a, e, i);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s", e)), -1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", i)), -1);
	CU_ASSERT(allowed(a, e, i, NULL));
	/* Even an existing lock is ignored while its limit is off. */
	limits("1", "0", "900", "900");
	fail(a, e, i);
	CU_ASSERT(!allowed(a, e, i, NULL));
	limits("0", "0", "900", "900");
	CU_ASSERT(allowed(a, e, i, NULL));
	arena_free(a);
}

static void
test_purge(void)
{
	struct arena	*a;
	const char	*p[2];
	long		 n;

	if (!have_db)
		return;
	a = arena_new(0);
	limits("10", "10", "900", "900");
	fail(a, email(a, 30), ip(a, 30));
	fail(a, email(a, 31), NULL);
	p[0] = arena_printf(a, "email:%s", email(a, 30));
	p[1] = arena_printf(a, "ip:%s", ip(a, 30));
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(a, "UPDATE login_failures SET"
	    " window_start = now() - interval '1 hour'"
	    " WHERE key = $1 OR key = $2", 2, p));
	/* A locked row must survive even with an old window. */
	p[0] = arena_printf(a, "email:%s", email(a, 31));
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(a, "UPDATE login_failures SET"
	    " window_start = now() - interval '1 hour',"
	    " locked_until = now() + interval '1 hour' WHERE key = $1", 1,
	    p));
	n = throttle_purge(a);
	CU_ASSERT(n >= 2);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s",
	    email(a, 30))), -1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", ip(a, 30))), -1);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s",
	    email(a, 31))), 1);
	arena_free(a);
}

/* Two processes, each with its own connection, on the same keys. */
static void
test_concurrency(void)
{
	struct arena	*a;
	const char	*e, *i;
	pid_t		 kids[2];
	int		 k, n, status, ok = 1;
	const int	 per_kid = 300;

	if (!have_db)
		return;
	a = arena_new(0);
	limits("100000", "100000", "900", "900");
	e = email(a, 40);
	i = ip(a, 40);
	db_close();
	fflush(NULL);
	for (k = 0; k < 2; k++) {
		if ((kids[k] = fork()) == 0) {
			struct arena	*ka = arena_new(0);
			struct req	 r;

			if (db_open(conninfo) == -1)
				_exit(1);
			for (n = 0; n < per_kid; n++) {
				http_init(&r, ka);
				throttle_failure(&r, e, i);
				arena_reset(ka);
			}
			db_close();
			_exit(0);
		}
		CU_ASSERT_FATAL(kids[k] > 0);
	}
	for (k = 0; k < 2; k++) {
		if (waitpid(kids[k], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			ok = 0;
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL_FATAL(db_open(conninfo), 0);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s", e)),
	    2 * per_kid);
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "ip:%s", i)), 2 * per_kid);

	/* Racing to a limit: exactly one lock, the count is exact. */
	limits("50", "0", "900", "900");
	e = email(a, 41);
	db_close();
	fflush(NULL);
	for (k = 0; k < 2; k++) {
		if ((kids[k] = fork()) == 0) {
			struct arena	*ka = arena_new(0);
			struct req	 r;

			if (db_open(conninfo) == -1)
				_exit(1);
			for (n = 0; n < 40; n++) {
				http_init(&r, ka);
				throttle_failure(&r, e, NULL);
				arena_reset(ka);
			}
			db_close();
			_exit(0);
		}
	}
	for (k = 0; k < 2; k++)
		waitpid(kids[k], &status, 0);
	CU_ASSERT_EQUAL_FATAL(db_open(conninfo), 0);
	/* 80 failures: locked at 50, the 30 racing ones extend the lock. */
	CU_ASSERT_EQUAL(failures(a, arena_printf(a, "email:%s", e)), 80);
	CU_ASSERT(!allowed(a, e, NULL, NULL));
	arena_free(a);
}

/* The database is gone: the check fails closed with a 500. */
static void
test_db_failure(void)
{
	struct arena	*a;
	struct req	 r;

	if (!have_db)
		return;
	a = arena_new(0);
	limits("3", "3", "900", "900");
	db_close();
	CU_ASSERT_EQUAL(db_open("host=/nonexistent-socket-dir "
	    "connect_timeout=1"), 0);
	new_req(&r, a);
	CU_ASSERT_EQUAL(throttle_check(&r, email(a, 50), ip(a, 50)), -1);
	CU_ASSERT_EQUAL(r.err.status, 500);
	new_req(&r, a);
	throttle_failure(&r, email(a, 50), ip(a, 50));
	throttle_success(&r, email(a, 50), ip(a, 50));
	CU_ASSERT_EQUAL(r.err.status, 0);
	db_close();
	CU_ASSERT_EQUAL_FATAL(db_open(conninfo), 0);
	arena_free(a);
}

static void
teardown(void)
{
	struct arena	*a;
	const char	*p[1];

	if (!have_db)
		return;
	a = arena_new(0);
	p[0] = arena_printf(a, "%%%ld%%", pid);
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(a, "DELETE FROM login_failures"
	    " WHERE key LIKE $1 OR key LIKE 'ip:2001:db8:' || $2 || '::%'",
	    2, (const char *[]){ p[0], arena_printf(a, "%lx", pid) }));
	arena_free(a);
	db_close();
}

static const struct unit_test tests[] = {
	{ "set up (BARONG_TEST_DB)", setup },
	{ "counting and locking", test_counting },
	{ "e-mail keys", test_email_keys },
	{ "window and lock expiry", test_window_and_expiry },
	{ "disabled limits", test_disabled },
	{ "purge", test_purge },
	{ "two processes on the same keys", test_concurrency },
	{ "database failure", test_db_failure },
	{ "tear down", teardown },
	{ NULL, NULL }
};

UNIT_MAIN("throttle", tests)
