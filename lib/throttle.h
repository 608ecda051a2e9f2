/*
 * Brute-force protection of POST /identity/sessions (ours; Barong has
 * none).  Failed logins are counted per account key "email:<email>" and
 * per address key "ip:<address>" in table login_failures, within a window
 * of cfg.login_failure_window seconds.  When a key's count reaches its
 * limit (cfg.login_max_failures for accounts, cfg.login_max_failures_ip
 * for addresses; 0 disables that limit) the key is locked for
 * cfg.login_lockout_time seconds; while either key of a request is locked
 * the login is refused with 429 identity.session.too_many_attempts and a
 * Retry-After header, before any password is checked.
 *
 * A window that has passed, or a lock that has expired, starts the count
 * again at 1.  Unknown e-mails are counted exactly like known ones, so the
 * answers never tell whether an account exists.  E-mails are compared
 * without ASCII case; one longer than 254 bytes or with bytes outside
 * printable ASCII is keyed by its SHA-256 ("email-sha256:<hex>").
 */
#ifndef BARONG_THROTTLE_H
#define BARONG_THROTTLE_H

struct arena;
struct req;

/*
 * 0 when the login may proceed; -1 with r->err set: 429
 * identity.session.too_many_attempts (and a Retry-After header with the
 * seconds left) when a key is locked, 500 when the database failed.
 * email and ip may be NULL or "" (that key is then not checked).
 */
int	throttle_check(struct req *, const char *email, const char *ip);
/* Count a failed login against both keys.  Database failures are logged. */
void	throttle_failure(struct req *, const char *email, const char *ip);
/* A successful login clears the account key (not the address key). */
void	throttle_success(struct req *, const char *email, const char *ip);
/*
 * Delete rows whose window has passed and that hold no lock (for a
 * periodic job).  Returns the number deleted, or -1.
 */
long	throttle_purge(struct arena *);

#endif
