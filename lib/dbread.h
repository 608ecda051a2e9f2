/*
 * Read-only lookups that may go to a streaming replica (DESIGN.md, Scale):
 * when cfg.db_read_conninfo is set, a second libpq connection is opened to
 * it and SELECTs sent through dbread_*() run there; everything else (and
 * every write) stays on the primary connection of lib/db.c.
 *
 * A replica lags its primary.  Two consequences are handled here:
 *   - a row created a moment ago (a login's session, a new API key) may be
 *     missing on the replica: dbread_find() asks the primary again when the
 *     replica returns no row, so a miss costs a second query but is never
 *     a false refusal;
 *   - a row deleted a moment ago (a logout) may still be found on the
 *     replica for as long as the lag lasts (milliseconds, normally).
 * When the replica cannot be reached or a statement fails there, the
 * primary answers instead, and the replica is tried again after
 * DBREAD_RETRY seconds.  Without db_read_conninfo every call is db_exec().
 */
#ifndef BARONG_DBREAD_H
#define BARONG_DBREAD_H

#include <libpq-fe.h>

#include "db.h"

#define DBREAD_RETRY	5	/* seconds before reconnecting to a replica */

struct arena;

/*
 * Run a SELECT on the replica if there is one, else (or on failure) on the
 * primary.  Same contract as db_exec(): the result is deferred to the
 * arena; NULL on failure (logged).
 */
PGresult	*dbread_exec(struct arena *, const struct db_stmt *,
		    const char *const *params);
/* The same, asking the primary again when the replica finds no row. */
PGresult	*dbread_find(struct arena *, const struct db_stmt *,
		    const char *const *params);
/* Whether the last dbread_* call was answered by the replica (tests). */
int		 dbread_used_replica(void);
/* Close the replica connection (it reopens on next use). */
void		 dbread_close(void);

#endif
