/*
 * lib/shared.c and lib/rowcache.c: which statements bump which counter;
 * the counters and the nonce table seen from several processes at once
 * (fork: the table's lock is the point); overflow into the database; a
 * file that is not ours; rows held and dropped by counter and clock.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "rowcache.h"
#include "shared.h"
#include "unit.h"

#define SUBJ	SHARED_BIT(SHARED_SUBJECTS)
#define POL	SHARED_BIT(SHARED_POLICY)

static char	dir[] = "/tmp/test_shared.XXXXXX";
static char	path[256];

static void
use_file(const char *name, long slots)
{
	shared_close();
	conf_defaults();
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	free(cfg.authz_shared_file);
	cfg.authz_shared_file = strdup(path);
	cfg.apikey_nonce_slots = slots;
}

static void
test_classify(void)
{
	static const struct {
		const char	*sql;
		unsigned	 bits;
	} cases[] = {
		{ "SELECT * FROM users WHERE id = $1", 0 },
		{ "SELECT id FROM users FOR UPDATE", 0 },
		{ "SELECT id FROM users u FOR UPDATE OF u", 0 },
		{ "UPDATE users SET state = $2 WHERE id = $1", SUBJ },
		{ "update  Users u set level = 1", SUBJ },
		{ "UPDATE users_extra SET x = 1", 0 },
		{ "UPDATE profiles SET updated_at = now()", 0 },
		{ "INSERT INTO users (uid) VALUES ($1)", 0 },
		{ "INSERT INTO users (uid) VALUES ($1) ON CONFLICT (uid) DO "
		    "UPDATE SET email = excluded.email", SUBJ },
		{ "INSERT INTO labels (k) VALUES (1) ON CONFLICT DO UPDATE "
		    "SET v = 2", 0 },
		{ "INSERT INTO sessions (token_sha256) VALUES ($1)", 0 },
		{ "UPDATE sessions SET expires_at = now() WHERE id = $1", 0 },
		{ "DELETE FROM sessions WHERE id = $1::bigint", SUBJ },
		{ "WITH d AS (DELETE FROM sessions WHERE user_id = $1) "
		    "SELECT 1", SUBJ },
		{ "DELETE FROM apikeys WHERE id = $1", SUBJ },
		{ "UPDATE apikeys SET state = 'inactive'", SUBJ },
		{ "INSERT INTO apikeys (kid) VALUES ($1)", 0 },
		{ "UPDATE service_accounts SET state = $2", SUBJ },
		{ "INSERT INTO permissions (role) VALUES ($1)", POL },
		{ "DELETE FROM restrictions WHERE id = $1", POL },
		{ "UPDATE restrictions SET state = 'disabled'", POL },
		{ "UPDATE users SET otp = true; DELETE FROM permissions",
		    SUBJ | POL },
		{ "INSERT INTO activities (topic) VALUES ('update users')", 0 },
		{ "", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (shared_classify(cases[i].sql) != cases[i].bits)
			fprintf(stderr, "classify \"%s\": %u, want %u\n",
			    cases[i].sql, shared_classify(cases[i].sql),
			    cases[i].bits);
		CU_ASSERT_EQUAL(shared_classify(cases[i].sql), cases[i].bits);
	}
}

static void
test_counters(void)
{
	pid_t	pid;
	int	st, i;

	use_file("counters", 1024);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 0);
	/* Not made yet: a writer has nobody to tell, and makes nothing. */
	shared_bump(SUBJ);
	CU_ASSERT_EQUAL(shared_available(), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	/* barong-authorize makes it; a writer maps it on its next bump. */
	if ((pid = fork()) == 0)
		_exit(shared_open(1) == 0 ? 0 : 1);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	shared_bump(SUBJ);
	CU_ASSERT_EQUAL(shared_available(), 1);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 1);
	CU_ASSERT_EQUAL(shared_counter(SHARED_POLICY), 0);
	shared_bump(0);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 1);
	/* Another process, mapping the file anew, bumps both 1000 times. */
	if ((pid = fork()) == 0) {
		shared_close();
		for (i = 0; i < 1000; i++)
			shared_bump(SUBJ | POL);
		_exit(shared_counter(SHARED_POLICY) >= 1000 ? 0 : 1);
	}
	for (i = 0; i < 1000; i++)
		shared_bump(SUBJ);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 2001);
	CU_ASSERT_EQUAL(shared_counter(SHARED_POLICY), 1000);
	/* Mapped again, the values are the file's. */
	shared_close();
	CU_ASSERT_EQUAL(shared_open(0), 0);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 2001);
}

static void
test_not_ours(void)
{
	FILE	*f;
	char	 link[300];

	use_file("garbage", 1024);
	/* Without the magic a file is set up anew (it is only state)... */
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("not a shared state file\n", f);
	fclose(f);
	/* ...by barong-authorize only. */
	CU_ASSERT_EQUAL(shared_open(0), -1);
	CU_ASSERT_EQUAL(shared_open(1), 0);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 0);
	/* Others may write it: not to be trusted. */
	shared_close();
	CU_ASSERT_EQUAL(chmod(path, 0666), 0);
	CU_ASSERT_EQUAL(shared_open(1), -1);
	CU_ASSERT_EQUAL(chmod(path, 0600), 0);
	CU_ASSERT_EQUAL(shared_open(1), 0);
	/* Nor a symbolic link to it. */
	shared_close();
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_EQUAL(symlink(path, link), 0);
	free(cfg.authz_shared_file);
	cfg.authz_shared_file = strdup(link);
	CU_ASSERT_EQUAL(shared_open(1), -1);
	/* A path that cannot be made: nothing mapped. */
	use_file("no/such/dir", 1024);
	CU_ASSERT_EQUAL(shared_open(1), -1);
	CU_ASSERT_EQUAL(shared_available(), 0);
	shared_bump(SUBJ);
	CU_ASSERT_EQUAL(shared_counter(SHARED_SUBJECTS), 0);
	CU_ASSERT_EQUAL(shared_nonce_record(1, 100, 0), -1);
	CU_ASSERT_EQUAL(shared_nonce_db_until(), INT64_MAX);
	/* Unset: the same. */
	use_file("", 1024);
	free(cfg.authz_shared_file);
	cfg.authz_shared_file = strdup("");
	CU_ASSERT_EQUAL(shared_open(1), -1);
}

static void
test_nonces(void)
{
	uint64_t	tag;
	int		i, recorded = 0;

	use_file("nonces", 1024);
	CU_ASSERT_EQUAL_FATAL(shared_open(1), 0);
	CU_ASSERT_EQUAL(shared_nonce_record(42, 2000, 1000), 1);
	CU_ASSERT_EQUAL(shared_nonce_record(42, 2000, 1500), 0);
	CU_ASSERT_EQUAL(shared_nonce_record(43, 2000, 1500), 1);
	/* Expired, the slot is free again and the tag new. */
	CU_ASSERT_EQUAL(shared_nonce_record(42, 3000, 2000), 1);
	CU_ASSERT_EQUAL(shared_nonce_record(42, 3000, 2999), 0);
	CU_ASSERT(shared_nonce_db_until() <= 0);
	/*
	 * SHARED_PROBE + 1 tags that all start at the same slot: the last
	 * finds no room and the database must take over until it expires.
	 */
	for (i = 0; i <= SHARED_PROBE; i++) {
		tag = 5 + (uint64_t)i * 1024;
		recorded += shared_nonce_record(tag, 9000, 2000) == 1;
	}
	/* Slots 5..36 (42 and 43 are beyond): the last finds none. */
	CU_ASSERT_EQUAL(recorded, SHARED_PROBE);
	CU_ASSERT_EQUAL(shared_nonce_db_until(), 9000);
	/* Still a replay for those recorded. */
	CU_ASSERT_EQUAL(shared_nonce_record(5, 9000, 2500), 0);
}

/* Two processes record the same 2000 tags: each is taken exactly once. */
static void
test_nonces_race(void)
{
	pid_t	pid;
	int	st, i, won = 0, fd[2];
	char	buf[16];
	ssize_t	n;

	use_file("race", 65536);
	CU_ASSERT_EQUAL_FATAL(shared_open(1), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		for (i = 0; i < 2000; i++)
			won += shared_nonce_record(1000003ULL * (uint64_t)i +
			    7, 1000000, 1) == 1;
		n = snprintf(buf, sizeof(buf), "%d", won);
		_exit(write(fd[1], buf, (size_t)n) == n ? 0 : 1);
	}
	close(fd[1]);
	for (i = 0; i < 2000; i++)
		won += shared_nonce_record(1000003ULL * (uint64_t)i + 7,
		    1000000, 1) == 1;
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT(read(fd[0], buf, sizeof(buf) - 1) > 0);
	close(fd[0]);
	CU_ASSERT_EQUAL(won + atoi(buf), 2000);
}

static PGresult *
row(const char *const *v, int n)
{
	PGresult	*res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc	 att[4];
	int		 i;

	memset(att, 0, sizeof(att));
	for (i = 0; i < n; i++) {
		att[i].name = (char *)"c";
		att[i].typid = 25;
		att[i].typlen = -1;
		att[i].atttypmod = -1;
	}
	PQsetResultAttrs(res, n, att);
	for (i = 0; i < n; i++)
		PQsetvalue(res, 0, i, (char *)v[i], v[i] ? (int)strlen(v[i]) :
		    -1);
	return res;
}

static void
test_rowcache(void)
{
	static const char *const vals[] = { "1", NULL, "", "banned" };
	struct arena	*a = arena_new(4096);
	PGresult	*res = row(vals, 4);
	const char	**v;
	int		 n = 0, i;
	char		 key[8];

	rowcache_put(ROWCACHE_SESSION, "k1", 2, res, 7, 100.0);
	CU_ASSERT_EQUAL(rowcache_size(), 1);
	v = rowcache_get(a, ROWCACHE_SESSION, "k1", 2, 7, 99.0, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_STRING_EQUAL(v[0], "1");
	CU_ASSERT_PTR_NULL(v[1]);
	CU_ASSERT_STRING_EQUAL(v[2], "");
	CU_ASSERT_STRING_EQUAL(v[3], "banned");
	/* Another kind, another key: not it. */
	CU_ASSERT_PTR_NULL(rowcache_get(a, ROWCACHE_APIKEY, "k1", 2, 7, 1, &n));
	CU_ASSERT_PTR_NULL(rowcache_get(a, ROWCACHE_SESSION, "k2", 2, 7, 1, &n));
	/* Time up, or the counter moved: gone for good. */
	CU_ASSERT_PTR_NULL(rowcache_get(a, ROWCACHE_SESSION, "k1", 2, 7, 100.0,
	    &n));
	CU_ASSERT_EQUAL(rowcache_size(), 0);
	rowcache_put(ROWCACHE_SESSION, "k1", 2, res, 7, 100.0);
	CU_ASSERT_PTR_NULL(rowcache_get(a, ROWCACHE_SESSION, "k1", 2, 8, 1, &n));
	CU_ASSERT_PTR_NULL(rowcache_get(a, ROWCACHE_SESSION, "k1", 2, 7, 1, &n));
	/* Bounded: far more keys than entries. */
	for (i = 0; i < 3 * ROWCACHE_SETS * ROWCACHE_WAYS; i++) {
		memcpy(key, &i, sizeof(i));
		rowcache_put(ROWCACHE_APIKEY, key, sizeof(i), res, 1, 10.0);
	}
	CU_ASSERT(rowcache_size() <= ROWCACHE_SETS * ROWCACHE_WAYS);
	CU_ASSERT(rowcache_size() > ROWCACHE_SETS * ROWCACHE_WAYS / 2);
	/* The last one put is there. */
	CU_ASSERT_PTR_NOT_NULL(rowcache_get(a, ROWCACHE_APIKEY, key, sizeof(i),
	    1, 1, &n));
	rowcache_flush();
	CU_ASSERT_EQUAL(rowcache_size(), 0);
	PQclear(res);
	arena_free(a);
}

static void
test_cleanup(void)
{
	char	cmd[300];

	shared_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void
test_setup(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
}

static const struct unit_test tests[] = {
	{ "setup", test_setup },
	{ "classify", test_classify },
	{ "counters", test_counters },
	{ "file not ours", test_not_ours },
	{ "nonce table", test_nonces },
	{ "nonce race", test_nonces_race },
	{ "row cache", test_rowcache },
	{ "cleanup", test_cleanup },
	{ NULL, NULL }
};

UNIT_MAIN("shared", tests)
