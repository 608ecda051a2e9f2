/*
 * Signed JWTs kept for reuse by barong-authorize (authz.md §9 adapted), so
 * that an RSA signature is not paid on every authorized request.
 *
 * An entry is keyed by the credential (a session id, or an API key id) and
 * remembers the fingerprint of the subject the token was made for: the
 * claims that describe the user (uid, email, role, level, state,
 * referral_id, username).  A lookup hits only when the fingerprint is the
 * same byte for byte, the token is younger than the reuse time and not
 * within the margin of its exp.  So a ban, a role or level change or a new
 * e-mail makes the next request sign a fresh token, and a logout needs no
 * invalidation at all: the session row is gone, the lookup never happens.
 *
 * The cache is per process, fixed in size (JWTCACHE_SETS x JWTCACHE_WAYS
 * entries, set-associative, least recently used evicted within a set) and
 * holds its strings in malloc'd memory.
 */
#ifndef BARONG_JWTCACHE_H
#define BARONG_JWTCACHE_H

#include <stddef.h>
#include <time.h>

#define JWTCACHE_SETS	1024
#define JWTCACHE_WAYS	4		/* 4096 entries */
#define JWTCACHE_MARGIN	60		/* never reused closer to exp */

enum jwtcache_kind {
	JWTCACHE_SESSION = 1,		/* id: sessions.id */
	JWTCACHE_APIKEY = 2		/* id: apikeys.id */
};

/*
 * The token cached for (kind, id) when its fingerprint equals fp[0..fplen),
 * now - iat < ttl and exp - now > JWTCACHE_MARGIN; NULL otherwise (ttl 0
 * disables the cache).  *iat, if not NULL, gets the token's iat.  The
 * string belongs to the cache and stays valid until the next
 * jwtcache_put() or jwtcache_clear().
 */
const char	*jwtcache_get(enum jwtcache_kind, long long id,
		    const char *fp, size_t fplen, time_t now, long ttl,
		    time_t *iat);
/*
 * Remember token (issued at iat, expiring at exp) for (kind, id) and
 * fingerprint fp, replacing the entry of the same key or the least
 * recently used one of its set.  Out of memory only means no caching.
 */
void		 jwtcache_put(enum jwtcache_kind, long long id,
		    const char *fp, size_t fplen, const char *token,
		    time_t iat, time_t exp);
/* Drop every entry (tests, key reload). */
void		 jwtcache_clear(void);
/* Entries in use (tests). */
size_t		 jwtcache_count(void);

#endif
