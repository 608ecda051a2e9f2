/*
 * PostgreSQL access through libpq (see db.h).
 *
 * One connection per process, opened on first use from the conninfo given
 * to db_open().  Before each statement a connection that is not
 * CONNECTION_OK is re-opened; a statement that fails because the connection
 * broke is retried once on a fresh connection, but only outside a
 * transaction (inside one, the transaction is lost and the caller must roll
 * back).  Prepared statements are made with PQprepare on their first use
 * after each (re)connect and tracked by name.
 *
 * Every session is set to client_encoding UTF8 and TimeZone UTC, so
 * timestamptz values come back in UTC and "now()::timestamp" is the UTC
 * wall clock that Barong's "timestamp without time zone" columns hold.
 *
 * Failures are logged with the statement name and PostgreSQL's primary
 * message, never with parameter values.  Messages of SQLSTATE class 22
 * (data exceptions such as "invalid input syntax for type integer: ...")
 * quote the offending input, so for those only the SQLSTATE is logged.
 * Integrity violations (class 23) are logged at level info: callers map
 * them to client errors (23505 becomes 422) and they are no server fault.
 *
 * LISTEN: channels given to db_listen() are remembered and LISTENed again
 * after a reconnect.  Notifications sent while the connection was down are
 * lost, so after such a reconnect the next db_notifications() call first
 * delivers one synthetic notification per channel with an empty payload,
 * meaning "anything may have changed: reload".  The socket changes with
 * the connection: call db_socket() again before each poll.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "shared.h"

/* SQLSTATEs we set ourselves when the server did not give one. */
#define SQLSTATE_CONNECT_FAILED	"08001"
#define SQLSTATE_CONNECTION_LOST "08006"
#define SQLSTATE_NO_STATEMENT	"26000"	/* invalid_sql_statement_name */
#define SQLSTATE_TX_ABORTED	"25P02"
#define SQLSTATE_DUP_STATEMENT	"42P05"	/* duplicate_prepared_statement */

static const char sql_session_setup[] = "SET TIME ZONE 'UTC'";
static const char sql_begin[] = "BEGIN";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

static char	*conninfo;		/* owned; NULL before db_open() */
static PGconn	*conn;
static int	 in_tx;			/* db_begin() was called */
static int	 relisten_pending;	/* deliver synthetic notifications */
static unsigned	 tx_changes;		/* shared counters due at COMMIT */
static char	 last_sqlstate[6];

/* Names of the statements prepared on the current connection. */
static char	**prepared;		/* open addressing, NULL = empty */
static size_t	  prepared_cap;		/* power of two or 0 */
static size_t	  prepared_n;

/* Channels to LISTEN on after every (re)connect. */
static char	**channels;
static size_t	  nchannels;

static void
set_sqlstate(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && s[i] != '\0' &&
	    i < sizeof(last_sqlstate) - 1; i++)
		last_sqlstate[i] = s[i];
	last_sqlstate[i] = '\0';
}

/*
 * libpq's messages span lines ("...\n\tThis probably means...\n"): join
 * them into one log line, in place.
 */
static const char *
one_line(char *msg)
{
	char	*r, *w;

	for (r = w = msg; *r != '\0'; r++) {
		if (*r == '\n' || *r == '\t' || *r == '\r') {
			if (w > msg && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = *r;
	}
	while (w > msg && w[-1] == ' ')
		w--;
	*w = '\0';
	return msg;
}

/* PQerrorMessage on one line, in a static buffer. */
static const char *
conn_message(const PGconn *c)
{
	static char	 msg[512];

	snprintf(msg, sizeof(msg), "%s",
	    c != NULL ? PQerrorMessage(c) : "no connection");
	return one_line(msg);
}

static const char *
result_message(const PGresult *res)
{
	static char	 msg[512];
	const char	*m;

	m = res != NULL ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (m == NULL && res != NULL)
		m = PQresultErrorMessage(res);
	if (m == NULL || *m == '\0')
		return conn_message(conn);
	snprintf(msg, sizeof(msg), "%s", m);
	return one_line(msg);
}

static void
notice_processor(void *arg, const char *message)
{
	size_t	n = strlen(message);

	(void)arg;
	while (n > 0 && message[n - 1] == '\n')
		n--;
	log_debug("%.*s", (int)n, message);
}

static void
result_free(void *p)
{
	PQclear(p);
}

static int
in_state(const PGresult *res, const char *state)
{
	const char	*s;

	s = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s != NULL && strcmp(s, state) == 0;
}

static int
result_ok(const PGresult *res)
{
	ExecStatusType	 st;

	if (res == NULL)
		return 0;
	st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/*
 * Record and log the failure of a statement.  what is "prepare" or
 * "execute", name the statement name or the start of ad-hoc SQL.
 */
static void
report(const PGresult *res, const char *what, const char *name)
{
	const char	*state;

	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (state == NULL)
		state = conn == NULL || PQstatus(conn) == CONNECTION_BAD ?
		    SQLSTATE_CONNECTION_LOST : "";
	set_sqlstate(state);
	if (strncmp(last_sqlstate, "22", 2) == 0)
		log_err("could not %s statement \"%.64s\": SQLSTATE %s "
		    "(data exception)", what, name, last_sqlstate);
	else if (strncmp(last_sqlstate, "23", 2) == 0)
		log_info("could not %s statement \"%.64s\": %s", what, name,
		    result_message(res));
	else
		log_err("could not %s statement \"%.64s\": %s", what, name,
		    result_message(res));
}

/* ---------------------------------------------------------------- names */

static uint64_t
name_hash(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
prepared_forget(void)
{
	size_t	i;

	for (i = 0; i < prepared_cap; i++)
		free(prepared[i]);
	free(prepared);
	prepared = NULL;
	prepared_cap = prepared_n = 0;
}

static int
prepared_has(const char *name)
{
	size_t	i;

	if (prepared_cap == 0)
		return 0;
	for (i = name_hash(name) & (prepared_cap - 1); prepared[i] != NULL;
	    i = (i + 1) & (prepared_cap - 1))
		if (strcmp(prepared[i], name) == 0)
			return 1;
	return 0;
}

static void
prepared_slot(char **tab, size_t cap, char *name)
{
	size_t	i;

	for (i = name_hash(name) & (cap - 1); tab[i] != NULL;
	    i = (i + 1) & (cap - 1))
		continue;
	tab[i] = name;
}

/*
 * Returns 0, or -1 when out of memory: the statement is then prepared
 * again next time, and the server's "already exists" is taken as success.
 */
static int
prepared_add(const char *name)
{
	char	**tab, *copy;
	size_t	  cap, i;

	if ((prepared_n + 1) * 2 > prepared_cap) {
		cap = prepared_cap ? prepared_cap * 2 : 64;
		if ((tab = calloc(cap, sizeof(*tab))) == NULL)
			return -1;
		for (i = 0; i < prepared_cap; i++)
			if (prepared[i] != NULL)
				prepared_slot(tab, cap, prepared[i]);
		free(prepared);
		prepared = tab;
		prepared_cap = cap;
	}
	if ((copy = strdup(name)) == NULL)
		return -1;
	prepared_slot(prepared, prepared_cap, copy);
	prepared_n++;
	return 0;
}

/* ---------------------------------------------------------- connection */

static void
drop(void)
{
	if (conn != NULL)
		PQfinish(conn);
	conn = NULL;
	prepared_forget();
}

static int
listen_one(const char *channel)
{
	PGresult	*res;
	char		*ident, *sql;
	size_t		 n;
	int		 rc = -1;

	if ((ident = PQescapeIdentifier(conn, channel, strlen(channel))) ==
	    NULL) {
		log_err("could not quote channel name: %s",
		    conn_message(conn));
		return -1;
	}
	/* The one statement built at run time: an escaped identifier. */
	n = strlen("LISTEN ") + strlen(ident) + 1;
	if ((sql = malloc(n)) == NULL) {
		PQfreemem(ident);
		log_err("could not listen: out of memory");
		return -1;
	}
	snprintf(sql, n, "LISTEN %s", ident);
	PQfreemem(ident);
	res = PQexec(conn, sql);
	if (result_ok(res)) {
		set_sqlstate("");
		rc = 0;
	} else
		report(res, "execute", "LISTEN");
	PQclear(res);
	free(sql);
	return rc;
}

static int
connect_now(void)
{
	PGresult	*res;
	size_t		 i;

	drop();
	conn = PQconnectdb(conninfo != NULL ? conninfo : "");
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		log_err("could not connect to database: %s",
		    conn_message(conn));
		drop();
		set_sqlstate(SQLSTATE_CONNECT_FAILED);
		return -1;
	}
	PQsetNoticeProcessor(conn, notice_processor, NULL);
	if (PQsetClientEncoding(conn, "UTF8") != 0) {
		log_err("could not set client encoding: %s",
		    conn_message(conn));
		drop();
		set_sqlstate(SQLSTATE_CONNECT_FAILED);
		return -1;
	}
	res = PQexec(conn, sql_session_setup);
	if (!result_ok(res)) {
		report(res, "execute", "session setup");
		PQclear(res);
		drop();
		return -1;
	}
	PQclear(res);
	for (i = 0; i < nchannels; i++)
		if (listen_one(channels[i]) == -1) {
			drop();
			return -1;
		}
	if (nchannels > 0)
		relisten_pending = 1;
	return 0;
}

static int
reconnect(void)
{
	if (conn != NULL)
		log_warn("database connection lost; reconnecting");
	return connect_now();
}

/*
 * Make sure there is a usable connection.  A broken connection inside a
 * transaction is not replaced: the transaction is gone and the caller
 * must see the failure and roll back.
 */
static int
ensure(void)
{
	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
		return 0;
	if (in_tx) {
		log_err("could not execute statement: connection lost inside "
		    "a transaction");
		set_sqlstate(SQLSTATE_CONNECTION_LOST);
		return -1;
	}
	return reconnect();
}

/*
 * Decide whether a failed statement is worth one more try: the connection
 * broke (or the server forgot our prepared statement) and no transaction
 * was open.
 */
static int
retryable(const PGresult *res, int attempt)
{
	if (attempt > 0 || in_tx)
		return 0;
	if (conn == NULL || PQstatus(conn) == CONNECTION_BAD)
		return 1;
	if (in_state(res, SQLSTATE_NO_STATEMENT)) {
		prepared_forget();
		return 1;
	}
	return 0;
}

int
db_open(const char *ci)
{
	char	*copy;

	if ((copy = strdup(ci != NULL ? ci : "")) == NULL) {
		log_err("could not open database: out of memory");
		return -1;
	}
	drop();
	free(conninfo);
	conninfo = copy;
	in_tx = 0;
	return 0;
}

void
db_close(void)
{
	size_t	i;

	drop();
	free(conninfo);
	conninfo = NULL;
	for (i = 0; i < nchannels; i++)
		free(channels[i]);
	free(channels);
	channels = NULL;
	nchannels = 0;
	in_tx = relisten_pending = 0;
}

PGconn *
db_conn(void)
{
	return ensure() == 0 ? conn : NULL;
}

const char *
db_sqlstate(void)
{
	return last_sqlstate;
}

/* ---------------------------------------------------------- statements */

/*
 * A statement that succeeded changes what other processes cache
 * (shared.h): tell them now, or at the COMMIT of the transaction.
 */
static void
note_changes(const char *sql)
{
	unsigned	bits = shared_classify(sql);

	if (in_tx)
		tx_changes |= bits;
	else
		shared_bump(bits);
}

PGresult *
db_exec(struct arena *a, const struct db_stmt *st, const char *const *params)
{
	PGresult	*res;
	int		 attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure() == -1)
			return NULL;
		if (!prepared_has(st->name)) {
			res = PQprepare(conn, st->name, st->sql, st->nparams,
			    NULL);
			if (!result_ok(res) && !in_state(res,
			    SQLSTATE_DUP_STATEMENT)) {
				if (retryable(res, attempt)) {
					PQclear(res);
					continue;
				}
				report(res, "prepare", st->name);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
			if (prepared_add(st->name) == -1)
				log_err("could not remember statement \"%s\": "
				    "out of memory", st->name);
		}
		res = PQexecPrepared(conn, st->name, st->nparams, params,
		    NULL, NULL, 0);
		if (result_ok(res)) {
			set_sqlstate("");
			note_changes(st->sql);
			arena_defer(a, result_free, res);
			return res;
		}
		if (retryable(res, attempt)) {
			PQclear(res);
			continue;
		}
		report(res, "execute", st->name);
		PQclear(res);
		return NULL;
	}
	return NULL;
}

PGresult *
db_exec_sql(struct arena *a, const char *sql, int nparams,
    const char *const *params)
{
	PGresult	*res;
	int		 attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure() == -1)
			return NULL;
		res = PQexecParams(conn, sql, nparams, NULL, params, NULL,
		    NULL, 0);
		if (result_ok(res)) {
			set_sqlstate("");
			note_changes(sql);
			arena_defer(a, result_free, res);
			return res;
		}
		if (retryable(res, attempt)) {
			PQclear(res);
			continue;
		}
		report(res, "execute", sql);
		PQclear(res);
		return NULL;
	}
	return NULL;
}

/* -------------------------------------------------------- transactions */

int
db_begin(void)
{
	PGresult	*res;
	int		 attempt;

	if (in_tx) {
		log_err("could not begin transaction: already in one");
		set_sqlstate("25001");	/* active_sql_transaction */
		return -1;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if (ensure() == -1)
			return -1;
		res = PQexec(conn, sql_begin);
		if (result_ok(res)) {
			PQclear(res);
			set_sqlstate("");
			in_tx = 1;
			return 0;
		}
		if (retryable(res, attempt)) {
			PQclear(res);
			continue;
		}
		report(res, "execute", "BEGIN");
		PQclear(res);
		return -1;
	}
	return -1;
}

/*
 * COMMIT.  A transaction that had failed answers COMMIT with the command
 * tag ROLLBACK and no error: that is a failure here.
 */
int
db_commit(void)
{
	PGresult	*res;
	unsigned	 changes;
	int		 rc = -1;

	if (!in_tx) {
		log_err("could not commit transaction: none in progress");
		set_sqlstate("25000");	/* invalid_transaction_state */
		return -1;
	}
	in_tx = 0;
	changes = tx_changes;
	tx_changes = 0;
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		log_err("could not commit transaction: connection lost");
		set_sqlstate(SQLSTATE_CONNECTION_LOST);
		return -1;
	}
	res = PQexec(conn, sql_commit);
	/* Even when the answer is lost the COMMIT may have happened. */
	shared_bump(changes);
	if (!result_ok(res))
		report(res, "execute", "COMMIT");
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		log_err("could not commit transaction: it was rolled back");
		set_sqlstate(SQLSTATE_TX_ABORTED);
	} else {
		set_sqlstate("");
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* ROLLBACK, keeping the SQLSTATE of the failure that led here. */
void
db_rollback(void)
{
	PGresult	*res;

	in_tx = 0;
	tx_changes = 0;
	if (conn == NULL)
		return;
	if (PQstatus(conn) != CONNECTION_OK) {
		drop();		/* reconnect on next use */
		return;
	}
	res = PQexec(conn, sql_rollback);
	if (!result_ok(res))
		log_err("could not roll back transaction: %s",
		    result_message(res));
	PQclear(res);
}

/* ------------------------------------------------------ LISTEN/NOTIFY */

int
db_listen(const char *channel)
{
	char	**tab, *copy;
	size_t	  i;

	if (channel == NULL || *channel == '\0') {
		log_err("could not listen: empty channel name");
		return -1;
	}
	if (ensure() == -1)
		return -1;
	if (listen_one(channel) == -1)
		return -1;
	for (i = 0; i < nchannels; i++)
		if (strcmp(channels[i], channel) == 0)
			return 0;
	if ((tab = realloc(channels, (nchannels + 1) * sizeof(*tab))) ==
	    NULL || (copy = strdup(channel)) == NULL) {
		if (tab != NULL)
			channels = tab;
		log_err("could not listen: out of memory");
		return -1;
	}
	channels = tab;
	channels[nchannels++] = copy;
	return 0;
}

int
db_socket(void)
{
	if (ensure() == -1)
		return -1;
	return PQsocket(conn);
}

/*
 * Read what the server sent and call fn for each pending notification.
 * Returns the number delivered, or -1 when the connection is down and
 * cannot be re-opened.
 */
int
db_notifications(void (*fn)(const char *, const char *, void *), void *arg)
{
	PGnotify	*n;
	size_t		 i;
	int		 count = 0;

	if (ensure() == -1)
		return -1;
	if (PQconsumeInput(conn) == 0) {
		log_err("could not read notifications: %s",
		    conn_message(conn));
		if (PQstatus(conn) == CONNECTION_OK || in_tx ||
		    reconnect() == -1)
			return -1;
	}
	if (relisten_pending) {
		relisten_pending = 0;
		for (i = 0; i < nchannels; i++, count++)
			fn(channels[i], "", arg);
	}
	while (conn != NULL && (n = PQnotifies(conn)) != NULL) {
		fn(n->relname, n->extra, arg);
		PQfreemem(n);
		count++;
	}
	return count;
}

int
db_fail_tx(struct req *r, const char *what)
{
	db_rollback();
	if (err_is_set(r))
		return -1;
	return err_internal(r, "could not %s", what);
}

const char *
db_int(struct arena *a, long long n)
{
	return arena_printf(a, "%lld", n);
}

const char **
db_row(struct arena *a, PGresult *res, int row)
{
	int		 c, n = PQnfields(res);
	const char	**v = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof(*v));

	for (c = 0; c < n; c++)
		v[c] = PQgetisnull(res, row, c) ? NULL :
		    PQgetvalue(res, row, c);
	return v;
}

json_object *
db_json_str(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_string(PQgetvalue(res, row, col));
}

json_object *
db_json_int(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return json_object_new_int64(strtoll(PQgetvalue(res, row, col), NULL,
	    10));
}
