/*
 * Database rows barong-authorize keeps between requests: the session
 * named by a cookie with its user, the API key named by X-Auth-Apikey with
 * its holder.  With them the usual authorized request reads nothing from
 * PostgreSQL.
 *
 * A row is used again only while all of these hold:
 *   - the shared SHARED_SUBJECTS counter (shared.h) still has the value
 *     read before the row was fetched: no process of this host has since
 *     committed a change to users, sessions, API keys or service accounts;
 *   - no NOTIFY barong_subjects has arrived since (other hosts, psql):
 *     the caller then calls rowcache_flush();
 *   - its own time is not up: what the caller gave (for a session, the
 *     earliest of its expiry, its next renewal and cfg.authz_cache_ttl;
 *     for a key, cfg.authz_cache_ttl), measured on CLOCK_MONOTONIC.
 * Nothing is cached without the shared file, with cfg.authz_cache_ttl 0,
 * or with a read replica (cfg.db_read_conninfo): a row re-read from a
 * replica that lags could be the very one a change just replaced, and
 * would then be held for the whole ttl.
 *
 * Per process, fixed in size (ROWCACHE_SETS x ROWCACHE_WAYS entries,
 * least recently used evicted within a set), strings in malloc'd memory.
 */
#ifndef BARONG_ROWCACHE_H
#define BARONG_ROWCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

struct arena;

#define ROWCACHE_SETS	1024
#define ROWCACHE_WAYS	4		/* 4096 rows */
#define ROWCACHE_COLS	32
/* Sent by the triggers of sql/015_subjects_notify.sql. */
#define ROWCACHE_CHANNEL	"barong_subjects"

enum rowcache_kind {
	ROWCACHE_SESSION = 1,		/* key: SHA-256 of the cookie */
	ROWCACHE_APIKEY = 2		/* key: the kid */
};

/* Whether rows are cached (see above). */
int		 rowcache_enabled(void);
/* Seconds on CLOCK_MONOTONIC. */
double		 rowcache_clock(void);
/*
 * The values of the row held for (kind, key), copied into the arena (NULL
 * for SQL NULL; *ncols of them), when it was fetched under counter value
 * gen and its time is not up at now; NULL otherwise.
 */
const char	**rowcache_get(struct arena *, enum rowcache_kind,
		    const void *key, size_t klen, uint64_t gen, double now,
		    int *ncols);
/*
 * Hold row 0 of res for (kind, key), fetched under counter value gen,
 * until the clock reads until.  Out of memory only means no caching.
 */
void		 rowcache_put(enum rowcache_kind, const void *key, size_t klen,
		    const PGresult *res, uint64_t gen, double until);
/* Forget every row. */
void		 rowcache_flush(void);
/* How many rows are held (tests). */
size_t		 rowcache_size(void);

#endif
