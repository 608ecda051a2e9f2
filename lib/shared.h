/*
 * The shared state file (cfg.authz_shared_file): what the Barong
 * processes of one host tell each other faster than PostgreSQL can.
 *
 * Change counters.  barong-authorize keeps sessions, API keys and the
 * permissions and restrictions in memory (lib/authzcache.c, lib/policy.c).
 * Every process that commits a change to what they hold bumps a counter
 * here right after the commit, before it answers its client; the
 * authorize step reads the counters at the start of each request, before
 * it reads anything else, and uses no cached value fetched under an older
 * count.  So on one host, a request that starts after a logout, a ban or
 * a new restriction has been answered never sees what was there before.
 * Which statements count is read off their SQL (shared_classify): it
 * cannot be forgotten in a new code path.  Other hosts, and changes made
 * outside Barong (psql), are told by the database's NOTIFY
 * (sql/015_subjects_notify.sql), which arrives a little later.
 *
 * Nonces.  A table of the API key nonces seen in the last window, which
 * replaces a database write per signed request (apikey.h).  Slots are
 * (64-bit tag, expiry); a tag is the truncated SHA-256 of kid and nonce.
 * A nonce that finds no free slot among its SHARED_PROBE is recorded in
 * the database instead, and then every nonce is checked there too until
 * the last such one expires, so overflow costs speed, never a replay.
 *
 * The file is made by barong-authorize (shared_open(1); mode 0600) and
 * mapped by the others when they first commit a change: until it exists
 * no process caches anything, so there is nobody to tell.  A file that is
 * not a regular file owned by the process's user (root may use it), or
 * that others may write, is not used: whoever can write it can make the
 * caches trust stale rows.  Put it on a tmpfs (the default, /dev/shm):
 * on a disk the kernel's writeback of the mapped pages stalls the
 * requests that write them.  Sized for cfg.apikey_nonce_slots when made,
 * never shrunk or removed while in use.  A process that cannot map it
 * works without it: barong-authorize then caches nothing and records
 * nonces in the database; writers warn once.
 */
#ifndef BARONG_SHARED_H
#define BARONG_SHARED_H

#include <stdint.h>

enum shared_counter {
	SHARED_SUBJECTS,	/* users, sessions, API keys, service accounts */
	SHARED_POLICY,		/* permissions, restrictions */
	SHARED_NCOUNTERS
};
#define SHARED_BIT(c)	(1u << (c))

#define SHARED_PROBE	32	/* slots a nonce may take */

/*
 * Map the file, making it when create is set (idempotent).  0, or -1
 * without it (logged once; a file not made yet is no fault).
 */
int		 shared_open(int create);
/* Whether the file is mapped. */
int		 shared_available(void);
/* A counter's value; 0 when the file is not mapped. */
uint64_t	 shared_counter(enum shared_counter);
/* Bump the counters of the mask (SHARED_BIT), mapping the file if need be. */
void		 shared_bump(unsigned mask);
/*
 * Which counters a statement bumps once committed: UPDATE or DELETE of
 * users, apikeys or service_accounts (INSERT ... ON CONFLICT DO UPDATE
 * counts as an UPDATE), DELETE of sessions (an INSERT adds what no cache
 * holds; the only UPDATE renews), any write to permissions or
 * restrictions.  The same rules as the triggers of 015.
 */
unsigned	 shared_classify(const char *sql);
/*
 * Record the nonce with this tag until expires_ms: 1 recorded, 0 already
 * there and unexpired (a replay), -1 not recorded (no file, no room):
 * the caller records it in the database.
 */
int		 shared_nonce_record(uint64_t tag, int64_t expires_ms,
		    int64_t now_ms);
/* Until when nonces must also be checked in the database (epoch ms). */
int64_t		 shared_nonce_db_until(void);
/* Unmap and forget (tests). */
void		 shared_close(void);

#endif
