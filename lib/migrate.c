/*
 * Schema migrations (see migrate.h).
 *
 * The files are trusted text shipped with the program, executed with PQexec
 * so that one file may hold many statements: this is the only SQL of the
 * project that is neither a static constant nor parameterized.  The runner,
 * not the file, opens and commits the transaction, so files hold no
 * BEGIN/COMMIT; a file that commits on its own is reported as an error.
 *
 * The runner owns the schema_migrations table (created here, not by a
 * migration, since it must exist before the first one runs).  Its version
 * is the file's leading digits, so renaming a shipped file does not apply
 * it twice and two files with one number are refused.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "log.h"
#include "migrate.h"

#define MIGRATION_MAX_SIZE	(16 * 1024 * 1024)

/* pg_advisory_lock key: the bytes of "barongmg" as a big-endian int8. */
static const char migrate_lock_key[] = "7089073111377079655";

static const char sql_lock[] = "SELECT pg_advisory_lock($1::bigint)";
static const char sql_unlock[] = "SELECT pg_advisory_unlock($1::bigint)";
static const char sql_create[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version text PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
static const char sql_exists[] =
    "SELECT to_regclass('schema_migrations') IS NOT NULL";
static const char sql_applied[] = "SELECT version FROM schema_migrations";
static const char sql_record[] =
    "INSERT INTO schema_migrations (version) VALUES ($1)";

struct migration {
	const char		*version;	/* leading digits, as written */
	const char		*stem;		/* file name without ".sql" */
	const char		*path;
	unsigned long long	 num;
};

/* NNN_name.sql: digits, '_', then letters, digits, '_' or '-'. */
static int
migration_name(const char *name, size_t *ndigits)
{
	size_t	 i, len = strlen(name);

	if (len < 7 || strcmp(name + len - 4, ".sql") != 0)
		return 0;
	for (i = 0; name[i] >= '0' && name[i] <= '9'; i++)
		continue;
	if (i == 0 || i > 18 || name[i] != '_' || i + 1 >= len - 4)
		return 0;
	*ndigits = i;
	for (i++; i < len - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '_' || name[i] == '-'))
			return 0;
	return 1;
}

static int
migration_cmp(const void *a, const void *b)
{
	const struct migration	*x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return strcmp(x->stem, y->stem);
}

/*
 * The migrations of dir, sorted; *out is malloc'd (caller frees), strings
 * live in the arena.  Returns the count or -1.
 */
static long
migration_list(struct arena *a, const char *dir, struct migration **out)
{
	DIR			*d;
	struct dirent		*de;
	struct migration	*v = NULL, *nv;
	size_t			 n = 0, cap = 0, nd, i;

	if ((d = opendir(dir)) == NULL) {
		log_err("could not open directory \"%s\": %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (!migration_name(de->d_name, &nd)) {
			if (strlen(de->d_name) > 4 && strcmp(de->d_name +
			    strlen(de->d_name) - 4, ".sql") == 0)
				log_warn("ignoring \"%s\": not NNN_name.sql",
				    de->d_name);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				log_err("could not list migrations: out of "
				    "memory");
				goto fail;
			}
			v = nv;
		}
		v[n].version = arena_strndup(a, de->d_name, nd);
		v[n].stem = arena_strndup(a, de->d_name,
		    strlen(de->d_name) - 4);
		v[n].path = arena_printf(a, "%s/%s", dir, de->d_name);
		v[n].num = strtoull(v[n].version, NULL, 10);
		n++;
	}
	closedir(d);
	d = NULL;
	if (n == 0) {
		log_err("no migrations found in \"%s\"", dir);
		goto fail;
	}
	qsort(v, n, sizeof(*v), migration_cmp);
	for (i = 1; i < n; i++)
		if (v[i].num == v[i - 1].num) {
			log_err("duplicate migration version: \"%s\" and "
			    "\"%s\"", v[i - 1].stem, v[i].stem);
			goto fail;
		}
	*out = v;
	return (long)n;
fail:
	if (d != NULL)
		closedir(d);
	free(v);
	return -1;
}

/* The whole file as a NUL-terminated string in the arena, or NULL. */
static char *
read_file(struct arena *a, const char *path)
{
	FILE	*f;
	char	*text;
	long	 size;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_err("could not open file \"%s\": %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		log_err("could not read file \"%s\": %s", path,
		    strerror(errno));
		fclose(f);
		return NULL;
	}
	if (size > MIGRATION_MAX_SIZE) {
		log_err("could not read file \"%s\": larger than %d bytes",
		    path, MIGRATION_MAX_SIZE);
		fclose(f);
		return NULL;
	}
	text = arena_alloc(a, (size_t)size + 1);
	n = fread(text, 1, (size_t)size, f);
	if (ferror(f) || n != (size_t)size) {
		log_err("could not read file \"%s\"", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	if (strlen(text) != n) {
		log_err("could not read file \"%s\": contains a NUL byte",
		    path);
		return NULL;
	}
	return text;
}

/* The line of text holding the 1-based character position pos. */
static long
position_line(const char *text, const char *pos)
{
	long		 want, chars = 0, line = 1;
	const char	*p;

	if (pos == NULL || (want = strtol(pos, NULL, 10)) <= 0)
		return 0;
	for (p = text; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars == want)
			return line;
		if (*p == '\n')
			line++;
	}
	return 0;
}

static int
apply_one(struct arena *a, const struct migration *m)
{
	PGconn		*c;
	PGresult	*res;
	ExecStatusType	 st;
	const char	*params[1], *msg;
	char		*text;
	long		 line;

	if ((text = read_file(a, m->path)) == NULL)
		return -1;
	if (db_begin() == -1)
		return -1;
	if ((c = db_conn()) == NULL)
		goto fail;
	res = PQexec(c, text);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
	    st != PGRES_EMPTY_QUERY) {
		msg = res != NULL ? PQresultErrorField(res,
		    PG_DIAG_MESSAGE_PRIMARY) : NULL;
		line = res != NULL ? position_line(text,
		    PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION)) : 0;
		if (line > 0)
			log_err("could not apply migration %s: %s (line %ld)",
			    m->stem, msg != NULL ? msg : PQerrorMessage(c),
			    line);
		else
			log_err("could not apply migration %s: %s", m->stem,
			    msg != NULL ? msg : PQerrorMessage(c));
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (PQtransactionStatus(c) != PQTRANS_INTRANS) {
		log_err("could not apply migration %s: the file must not end "
		    "the transaction (no BEGIN/COMMIT in migrations)",
		    m->stem);
		goto fail;
	}
	params[0] = m->version;
	if (db_exec_sql(a, sql_record, 1, params) == NULL)
		goto fail;
	if (db_commit() == -1)
		return -1;
	printf("applied %s\n", m->stem);
	fflush(stdout);
	return 0;
fail:
	db_rollback();
	return -1;
}

static int
is_applied(PGresult *applied, const char *version)
{
	int	i;

	if (applied == NULL)
		return 0;
	for (i = 0; i < PQntuples(applied); i++)
		if (strcmp(PQgetvalue(applied, i, 0), version) == 0)
			return 1;
	return 0;
}

int
migrate_run(const char *sqldir, int dry_run)
{
	struct arena		*a;
	struct migration	*v = NULL;
	PGresult		*res, *applied = NULL;
	const char		*lock[1] = { migrate_lock_key };
	long			 n, i;
	int			 rc = -1, locked = 0, done = 0;

	a = arena_new(64 * 1024);
	if ((n = migration_list(a, sqldir, &v)) == -1)
		goto out;
	if (dry_run) {
		if ((res = db_exec_sql(a, sql_exists, 0, NULL)) == NULL)
			goto out;
		if (strcmp(PQgetvalue(res, 0, 0), "t") == 0 &&
		    (applied = db_exec_sql(a, sql_applied, 0, NULL)) == NULL)
			goto out;
		for (i = 0; i < n; i++)
			if (!is_applied(applied, v[i].version)) {
				printf("would apply %s\n", v[i].stem);
				done++;
			}
		if (done == 0)
			printf("up to date\n");
		rc = 0;
		goto out;
	}
	/* Lock first: concurrent CREATE TABLE IF NOT EXISTS can collide. */
	if (db_exec_sql(a, sql_lock, 1, lock) == NULL)
		goto out;
	locked = 1;
	if (db_exec_sql(a, sql_create, 0, NULL) == NULL)
		goto out;
	if ((applied = db_exec_sql(a, sql_applied, 0, NULL)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (is_applied(applied, v[i].version))
			continue;
		if (apply_one(a, &v[i]) == -1)
			goto out;
		done++;
	}
	if (done == 0)
		printf("up to date\n");
	rc = 0;
out:
	if (locked && db_exec_sql(a, sql_unlock, 1, lock) == NULL)
		rc = -1;
	fflush(stdout);
	free(v);
	arena_free(a);
	return rc;
}
