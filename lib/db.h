/*
 * PostgreSQL access.  One connection per process, opened lazily from
 * cfg.db_conninfo and re-opened after a failure.  Statements are
 * static const SQL text, always sent with parameters (never formatted),
 * and prepared once per connection.  Results are released by the arena.
 */
#ifndef BARONG_DB_H
#define BARONG_DB_H

#include <json-c/json.h>
#include <libpq-fe.h>

struct arena;

struct db_stmt {
	const char	*name;		/* unique, e.g. "user_by_email" */
	const char	*sql;
	int		 nparams;
};

int		 db_open(const char *conninfo);
void		 db_close(void);
PGconn		*db_conn(void);
/*
 * Run a prepared statement.  Returns the result (deferred to the arena) on
 * PGRES_COMMAND_OK or PGRES_TUPLES_OK, NULL on failure; the failure's
 * SQLSTATE is then in db_sqlstate() and a log line has been written.
 * A NULL entry in params is SQL NULL.
 */
PGresult	*db_exec(struct arena *, const struct db_stmt *,
		    const char *const *params);
/* Same for ad-hoc SQL (tools only: migrations, seeds). */
PGresult	*db_exec_sql(struct arena *, const char *sql, int nparams,
		    const char *const *params);
const char	*db_sqlstate(void);
int		 db_begin(void);
int		 db_commit(void);
void		 db_rollback(void);
/* LISTEN on a channel; db_notifications() calls fn for each one pending. */
int		 db_listen(const char *channel);
int		 db_socket(void);
int		 db_notifications(void (*fn)(const char *channel,
		    const char *payload, void *), void *arg);

#define SQLSTATE_UNIQUE_VIOLATION	"23505"

/*
 * Handler helpers.  db_fail_tx: a failure inside a transaction: roll back
 * and answer 500 ("could not <what>") unless r->err is already set;
 * returns -1.  db_int: a bigint parameter's text, in the arena.
 * db_json_str/db_json_int: a column as JSON (NULL, i.e. null, for SQL NULL).
 */
struct req;
int		 db_fail_tx(struct req *, const char *what);
const char	*db_int(struct arena *, long long);
json_object	*db_json_str(PGresult *, int row, int col);
/* A row's values (NULL for SQL NULL), pointing into res, in the arena. */
const char	**db_row(struct arena *, PGresult *, int row);
json_object	*db_json_int(PGresult *, int row, int col);

#endif
