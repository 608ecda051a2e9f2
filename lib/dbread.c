/*
 * Read-only lookups on a replica (see dbread.h).
 *
 * The connection is opened on first use (never before a prefork, so each
 * worker has its own), set to UTF8, UTC and read-only transactions, and
 * keeps the names of the statements prepared on it in a short list: the
 * authorize step prepares a handful.  Failures are logged with the
 * statement name only, never parameters.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "arena.h"
#include "conf.h"
#include "db.h"
#include "dbread.h"
#include "log.h"

#define MAX_PREPARED	32

static PGconn			*rconn;
static time_t			 retry_at;
static const struct db_stmt	*prepared[MAX_PREPARED];
static size_t			 nprepared;
static int			 last_replica;

static const char sql_setup[] = "SET TIME ZONE 'UTC'; "
    "SET default_transaction_read_only = on";

static void
result_free(void *p)
{
	PQclear(p);
}

/* The first line of libpq's message, for the log. */
static void
log_conn_error(const char *what)
{
	const char	*m = rconn != NULL ? PQerrorMessage(rconn) : "";
	size_t		 n = strcspn(m, "\n");

	log_err("%s: %.*s", what, (int)(n > 200 ? 200 : n), m);
}

void
dbread_close(void)
{
	if (rconn != NULL)
		PQfinish(rconn);
	rconn = NULL;
	nprepared = 0;
}

static int
replica_ready(void)
{
	PGresult	*res;
	time_t		 now;

	if (cfg.db_read_conninfo == NULL || *cfg.db_read_conninfo == '\0')
		return 0;
	if (rconn != NULL && PQstatus(rconn) == CONNECTION_OK)
		return 1;
	now = time(NULL);
	if (now < retry_at)
		return 0;
	dbread_close();
	rconn = PQconnectdb(cfg.db_read_conninfo);
	if (rconn == NULL || PQstatus(rconn) != CONNECTION_OK) {
		log_conn_error("could not connect to read replica");
		goto fail;
	}
	if (PQsetClientEncoding(rconn, "UTF8") != 0) {
		log_conn_error("could not set client encoding on read replica");
		goto fail;
	}
	res = PQexec(rconn, sql_setup);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		PQclear(res);
		log_conn_error("could not set up read replica session");
		goto fail;
	}
	PQclear(res);
	return 1;
fail:
	dbread_close();
	retry_at = now + DBREAD_RETRY;
	return 0;
}

static int
is_prepared(const struct db_stmt *st)
{
	size_t	i;

	for (i = 0; i < nprepared; i++)
		if (prepared[i] == st)
			return 1;
	return 0;
}

/* The statement on the replica; NULL (logged) when that failed. */
static PGresult *
replica_exec(const struct db_stmt *st, const char *const *params)
{
	PGresult	*res;

	if (!is_prepared(st)) {
		res = PQprepare(rconn, st->name, st->sql, st->nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			log_conn_error("could not prepare statement on read "
			    "replica");
			return NULL;
		}
		PQclear(res);
		if (nprepared < MAX_PREPARED)
			prepared[nprepared++] = st;
	}
	res = PQexecPrepared(rconn, st->name, st->nparams, params, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_err("could not execute statement \"%s\" on read replica: "
		    "%s", st->name, PQresultErrorField(res,
		    PG_DIAG_SQLSTATE) != NULL ? PQresultErrorField(res,
		    PG_DIAG_SQLSTATE) : "no SQLSTATE");
		PQclear(res);
		return NULL;
	}
	return res;
}

PGresult *
dbread_exec(struct arena *a, const struct db_stmt *st,
    const char *const *params)
{
	PGresult	*res;

	last_replica = 0;
	if (replica_ready()) {
		if ((res = replica_exec(st, params)) != NULL) {
			arena_defer(a, result_free, res);
			last_replica = 1;
			return res;
		}
		if (PQstatus(rconn) != CONNECTION_OK) {
			dbread_close();
			retry_at = time(NULL) + DBREAD_RETRY;
		}
	}
	return db_exec(a, st, params);
}

PGresult *
dbread_find(struct arena *a, const struct db_stmt *st,
    const char *const *params)
{
	PGresult	*res;

	res = dbread_exec(a, st, params);
	if (res != NULL && last_replica && PQntuples(res) == 0) {
		last_replica = 0;
		res = db_exec(a, st, params);
	}
	return res;
}

int
dbread_used_replica(void)
{
	return last_replica;
}
