/*
 * Key rotation of the secrets at rest: see rekey.h.
 *
 * A sealed value is "v<version>:<base64>" (crypto_seal).  The SQL below
 * picks a value's version with a regular expression, so a value that is
 * not of that form (never written by us) is counted as malformed and left
 * alone rather than breaking a cast.  Batches walk a table by its key
 * (keyset pagination) and lock their rows FOR UPDATE SKIP LOCKED: a row a
 * request is changing right now is skipped, not waited for, and taken by
 * the next pass.  A request that writes a value meanwhile seals it under
 * whatever version its process has loaded; crypto_seal looks for a new
 * keyring file once a second, and the passes go on until nothing is left
 * below the new version, so such a straggler is re-sealed too.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "rekey.h"

#define VERSION_RE	"'^v[1-9][0-9]{0,8}:'"
#define VERSION_OF(c)	"substring(" c " FROM '^v([1-9][0-9]{0,8}):')::int"
#define MAX_PASSES	5

/* One rotation at a time, whatever host runs it (session-level lock). */
#define LOCK_KEY	"4242014"

/*
 * The batch, update and per-version statements of one column.  tbl and key
 * name the table and its key; aad is the SQL expression completing the
 * aad's prefix; from may join the table holding it.
 */
#define COLUMN_STMTS(id, tbl, key, col, aad, from)			\
static const struct db_stmt st_batch_##id = { "rekey_batch_" #id,	\
	"SELECT " tbl "." key ", " tbl "." col ", " aad " FROM " from	\
	" WHERE " tbl "." key " > $1::bigint AND " tbl "." col " ~ "	\
	VERSION_RE " AND " VERSION_OF(tbl "." col) " < $2::int"		\
	" ORDER BY " tbl "." key " LIMIT $3::int"			\
	" FOR UPDATE OF " tbl " SKIP LOCKED", 3 };			\
static const struct db_stmt st_update_##id = { "rekey_update_" #id,	\
	"UPDATE " tbl " SET " col " = $2 WHERE " key " = $1::bigint"	\
	" AND " col " = $3", 3 };					\
static const struct db_stmt st_versions_##id = { "rekey_versions_" #id, \
	"SELECT " VERSION_OF(col) " AS v, count(*) FROM " tbl		\
	" WHERE " col " IS NOT NULL GROUP BY v ORDER BY v NULLS FIRST", 0 }

COLUMN_STMTS(apikeys, "apikeys", "id", "secret_encrypted", "apikeys.kid",
    "apikeys");
COLUMN_STMTS(otp, "otp_secrets", "user_id", "secret_encrypted", "users.uid",
    "otp_secrets JOIN users ON users.id = otp_secrets.user_id");
COLUMN_STMTS(first_name, "profiles", "id", "first_name_encrypted",
    "profiles.user_id", "profiles");
COLUMN_STMTS(last_name, "profiles", "id", "last_name_encrypted",
    "profiles.user_id", "profiles");
COLUMN_STMTS(dob, "profiles", "id", "dob_encrypted", "profiles.user_id",
    "profiles");
COLUMN_STMTS(address, "profiles", "id", "address_encrypted",
    "profiles.user_id", "profiles");
COLUMN_STMTS(phone, "phones", "id", "number_encrypted", "phones.user_id",
    "phones");
COLUMN_STMTS(doc_number, "documents", "id", "doc_number_encrypted",
    "documents.user_id", "documents");

#define COLUMN(id, name, prefix)					\
	{ name, prefix, &st_batch_##id, &st_update_##id, &st_versions_##id }

/*
 * Every sealed column and its aad (the conventions the writers follow:
 * lib/apikey.c, lib/totp.c, lib/profile.c, lib/phone.c, lib/document.c).
 * A new sealed column must be added here, and REKEY_NCOLUMNS with it.
 */
const struct rekey_column rekey_columns[] = {
	COLUMN(apikeys, "apikeys.secret_encrypted", "apikeys.secret:"),
	COLUMN(otp, "otp_secrets.secret_encrypted", "otp_secrets:"),
	COLUMN(first_name, "profiles.first_name_encrypted",
	    "profiles.first_name:"),
	COLUMN(last_name, "profiles.last_name_encrypted",
	    "profiles.last_name:"),
	COLUMN(dob, "profiles.dob_encrypted", "profiles.dob:"),
	COLUMN(address, "profiles.address_encrypted", "profiles.address:"),
	COLUMN(phone, "phones.number_encrypted", "phones.number:"),
	COLUMN(doc_number, "documents.doc_number_encrypted",
	    "documents.doc_number:"),
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct db_stmt st_lock = { "rekey_lock",
	"SELECT pg_try_advisory_lock(" LOCK_KEY ")", 0 };
static const struct db_stmt st_pending = { "rekey_pending",
	"SELECT coalesce(max(version), 0) FROM key_rotations"
	" WHERE finished_at IS NULL", 0 };
static const struct db_stmt st_begin_version = { "rekey_begin_version",
	"INSERT INTO key_rotations (version) VALUES ($1::int)"
	" ON CONFLICT DO NOTHING RETURNING version", 1 };
/* A version added by hand since: the rotation goes on toward it. */
static const struct db_stmt st_supersede = { "rekey_supersede",
	"UPDATE key_rotations SET finished_at = now()"
	" WHERE finished_at IS NULL AND version < $1::int", 1 };
static const struct db_stmt st_reopen = { "rekey_reopen",
	"INSERT INTO key_rotations (version) VALUES ($1::int)"
	" ON CONFLICT (version) DO UPDATE SET finished_at = NULL", 1 };
static const struct db_stmt st_finish = { "rekey_finish",
	"UPDATE key_rotations SET finished_at = now()"
	" WHERE version = $1::int AND finished_at IS NULL", 1 };
static const struct db_stmt st_add_resealed = { "rekey_add_resealed",
	"UPDATE key_rotations SET resealed = resealed + $2::bigint"
	" WHERE version = $1::int", 2 };

/*
 * Test hook, for t/http/key-rotation only: with BARONG_REKEY_TEST_KILL=K
 * in the environment the process SIGKILLs itself inside batch K + 1, after
 * its updates and before its commit, as a crash or kill -9 would.
 */
static long	kill_after = -1;
static long	batches_done;

static int
one_row(struct arena *a, const struct db_stmt *st, const char *const *p,
    const char **out)
{
	PGresult	*res;

	if ((res = db_exec(a, st, p)) == NULL || PQntuples(res) != 1)
		return -1;
	*out = PQgetvalue(res, 0, 0);
	return 0;
}

int
rekey_pending(void)
{
	struct arena	*a;
	const char	*v;
	int		 rc = -1;

	a = arena_new(1024);
	if (one_row(a, &st_pending, NULL, &v) == 0)
		rc = atoi(v);
	arena_free(a);
	return rc;
}

static int
exec_version(struct arena *a, const struct db_stmt *st, int version)
{
	const char	*p[1];

	p[0] = arena_printf(a, "%d", version);
	return db_exec(a, st, p) == NULL ? -1 : 0;
}

/*
 * Decides the version to rotate to, adding it to the keyring file (path)
 * unless a rotation is under way, and leaves the keyring loaded from the
 * file.  *added tells whether a version was appended.  The database lock
 * is held by this connection until it closes.  Returns 0, or -1 with a
 * message in err.
 */
int
rekey_start(const char *path, int *version, int *added, char *err,
    size_t errlen)
{
	struct arena	*a;
	const char	*v, *p[1];
	int		 pending, cur, rc = -1;

	*version = 0;
	*added = 0;
	a = arena_new(4096);
	if (one_row(a, &st_lock, NULL, &v) == -1) {
		snprintf(err, errlen, "could not take the rotation lock");
		goto out;
	}
	if (strcmp(v, "t") != 0) {
		snprintf(err, errlen, "another keys rotate is running");
		goto out;
	}
	if ((pending = rekey_pending()) == -1) {
		snprintf(err, errlen, "could not read key_rotations (has "
		    "barongctl migrate run?)");
		goto out;
	}
	if (crypto_keyring_load(path, err, errlen) == -1)
		goto out;
	cur = crypto_keyring_version();
	if (pending == 0 || pending == cur + 1) {
		if (pending == 0) {
			/* Recorded first: a crash before the file is
			 * written leaves a row that says what to add. */
			p[0] = arena_printf(a, "%d", cur + 1);
			if (one_row(a, &st_begin_version, p, &v) == -1) {
				snprintf(err, errlen, "key_rotations already "
				    "has version %d but %s stops at %d: is it "
				    "an old copy of the keyring?", cur + 1,
				    path, cur);
				goto out;
			}
		}
		if (crypto_keyring_add_version(path, cur + 1, err,
		    errlen) == -1 ||
		    crypto_keyring_load(path, err, errlen) == -1)
			goto out;
		if (crypto_keyring_version() != cur + 1) {
			snprintf(err, errlen, "%s: version %d not found after "
			    "adding it", path, cur + 1);
			goto out;
		}
		*added = 1;
	} else if (pending > cur + 1) {
		snprintf(err, errlen, "a rotation to version %d is under way "
		    "but %s stops at %d: is it the keyring the rotation "
		    "started with?", pending, path, cur);
		goto out;
	} else if (pending < cur) {
		if (db_begin() == -1)
			goto dberr;
		if (exec_version(a, &st_supersede, cur) == -1 ||
		    exec_version(a, &st_reopen, cur) == -1 ||
		    db_commit() == -1) {
			db_rollback();
			goto dberr;
		}
	}
	*version = crypto_keyring_version();
	rc = 0;
	goto out;
dberr:
	snprintf(err, errlen, "could not record the rotation in "
	    "key_rotations");
out:
	arena_free(a);
	return rc;
}

/*
 * One batch of column c: up to limit values under a version below
 * "version" after key *last, re-sealed in one transaction.  *n is the
 * number of rows seen (0: the column is done for this pass).
 */
static int
rekey_batch(struct arena *a, const struct rekey_column *c, int version,
    int limit, long long *last, int *n, struct rekey_count *cnt)
{
	PGresult	*res;
	const char	*p[3], *key, *old, *aad;
	unsigned char	*plain;
	char		*sealed;
	size_t		 len;
	long long	 before = cnt->resealed, failed = cnt->failed;
	int		 i;

	*n = 0;
	if (db_begin() == -1)
		return -1;
	p[0] = arena_printf(a, "%lld", *last);
	p[1] = arena_printf(a, "%d", version);
	p[2] = arena_printf(a, "%d", limit);
	if ((res = db_exec(a, c->batch, p)) == NULL)
		goto fail;
	for (i = 0; i < PQntuples(res); i++) {
		key = PQgetvalue(res, i, 0);
		old = PQgetvalue(res, i, 1);
		aad = arena_printf(a, "%s%s", c->aad_prefix,
		    PQgetvalue(res, i, 2));
		*last = strtoll(key, NULL, 10);
		if (crypto_open(a, old, aad, &plain, &len) == -1) {
			/* Kept as it is: never overwrite what we can't read. */
			log_err("%s: key %s: value does not open (unknown "
			    "version or wrong aad); left as it is", c->name,
			    key);
			cnt->failed++;
			continue;
		}
		if ((sealed = crypto_seal(a, plain, len, aad)) == NULL)
			goto fail;
		p[0] = key;
		p[1] = sealed;
		p[2] = old;
		if (db_exec(a, c->update, p) == NULL)
			goto fail;
		cnt->resealed++;
	}
	*n = PQntuples(res);
	if (*n > 0) {
		p[0] = arena_printf(a, "%d", version);
		p[1] = arena_printf(a, "%lld", cnt->resealed - before);
		if (db_exec(a, &st_add_resealed, p) == NULL)
			goto fail;
	}
	if (kill_after >= 0 && batches_done >= kill_after && *n > 0)
		raise(SIGKILL);
	if (db_commit() == -1)
		goto fail;
	batches_done++;
	return 0;
fail:
	db_rollback();
	cnt->resealed = before;		/* rolled back: none of them counts */
	cnt->failed = failed;
	return -1;
}

/* Values still below version in column c, and malformed ones. */
static int
count_left(struct arena *a, const struct rekey_column *c, int version,
    struct rekey_count *cnt)
{
	PGresult	*res;
	int		 i, v;

	cnt->left = cnt->malformed = 0;
	if ((res = db_exec(a, c->versions, NULL)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		v = PQgetisnull(res, i, 0) ? 0 : atoi(PQgetvalue(res, i, 0));
		if (v == 0)
			cnt->malformed += strtoll(PQgetvalue(res, i, 1),
			    NULL, 10);
		else if (v < version)
			cnt->left += strtoll(PQgetvalue(res, i, 1), NULL, 10);
	}
	return 0;
}

/* One pass over every column; *resealed: how many values it re-sealed. */
static int
rekey_pass(struct arena *a, int version, int limit, struct rekey_count *cnt,
    long long *resealed)
{
	const struct rekey_column	*c;
	long long			 last, before;
	int				 i, n;

	*resealed = 0;
	for (i = 0, c = rekey_columns; c->name != NULL; c++, i++) {
		cnt[i].failed = 0;
		before = cnt[i].resealed;
		last = -1;
		do {
			arena_reset(a);
			if (rekey_batch(a, c, version, limit, &last, &n,
			    &cnt[i]) == -1) {
				log_err("%s: batch after key %lld failed; "
				    "rolled back", c->name, last);
				return -1;
			}
		} while (n > 0);
		*resealed += cnt[i].resealed - before;
	}
	return 0;
}

/*
 * Re-seals every value under a version below "version" (the loaded
 * keyring's current one) in batches of limit rows, pass after pass until
 * nothing is left but values that do not open, or MAX_PASSES.  counts has
 * REKEY_NCOLUMNS entries, zeroed by the caller; key_rotations.resealed
 * grows in each batch's own transaction.  Returns 0 when nothing is left
 * below, 1 when values are left (failed or skipped), -1 on a database
 * error.
 */
int
rekey_run(int version, int limit, struct rekey_count *counts, FILE *progress)
{
	const struct rekey_column	*c;
	struct arena			*a;
	const char			*hook;
	long long			 resealed, left, failed;
	int				 pass, i, rc = -1;

	if ((hook = getenv("BARONG_REKEY_TEST_KILL")) != NULL)
		kill_after = strtol(hook, NULL, 10);
	a = arena_new(64 * 1024);
	for (pass = 1; pass <= MAX_PASSES; pass++) {
		if (rekey_pass(a, version, limit, counts, &resealed) == -1)
			goto out;
		arena_reset(a);
		left = failed = 0;
		for (i = 0, c = rekey_columns; c->name != NULL; c++, i++) {
			if (count_left(a, c, version, &counts[i]) == -1)
				goto out;
			left += counts[i].left;
			failed += counts[i].failed;
		}
		if (progress != NULL)
			fprintf(progress, "pass %d: %lld re-sealed, %lld left "
			    "below version %d\n", pass, resealed, left,
			    version);
		if (left == 0) {
			rc = 0;
			goto out;
		}
		if (left <= failed)
			break;
		/* Rows locked by requests, or sealed by a process that
		 * had not seen the new file yet: look again. */
		sleep(1);
	}
	rc = 1;
out:
	arena_free(a);
	return rc;
}

/* Marks the rotation to version done. */
int
rekey_finish(int version)
{
	struct arena	*a;
	int		 rc;

	a = arena_new(1024);
	rc = exec_version(a, &st_finish, version);
	arena_free(a);
	return rc;
}

int
rekey_versions(void (*fn)(const struct rekey_column *, int, long long,
    void *), void *arg)
{
	const struct rekey_column	*c;
	struct arena			*a;
	PGresult			*res;
	int				 i, rc = -1;

	a = arena_new(16 * 1024);
	for (c = rekey_columns; c->name != NULL; c++) {
		arena_reset(a);
		if ((res = db_exec(a, c->versions, NULL)) == NULL)
			goto out;
		for (i = 0; i < PQntuples(res); i++)
			fn(c, PQgetisnull(res, i, 0) ? 0 :
			    atoi(PQgetvalue(res, i, 0)),
			    strtoll(PQgetvalue(res, i, 1), NULL, 10), arg);
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}
