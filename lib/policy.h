/*
 * What barong-authorize decides from, held in memory (authz.md §2, §5, §7):
 *
 *   - the pass and block rules of cfg.authz_rules_file (Barong's
 *     authz_rules.yml), re-read when the file's modification time, size or
 *     inode changes, looked at no more than once a second;
 *   - the RBAC permissions and the enabled restrictions, read from
 *     PostgreSQL in one REPEATABLE READ, READ ONLY transaction into fresh
 *     tables that then replace the current ones.  They are read again when
 *     a notification arrives on the channel POLICY_CHANNEL (the triggers
 *     of sql/002_authz.sql send one for every change of either table; an
 *     empty one follows a reconnect, when notifications may have been
 *     lost), when the shared SHARED_POLICY counter has moved (a process
 *     of this host committed a change: lib/shared.h; this one is seen
 *     before the request goes on, where a notification may come a moment
 *     later), and every cfg.authz_reload_interval seconds in any case.
 *
 * policy_refresh() does the looking: call it at the start of every
 * request.  Its usual cost is one non-blocking recv() on the database
 * socket.  When a reload fails (the database is down), the tables in use
 * stay in use and the reload is tried again a second later; only a process
 * that never loaded them answers with an error.
 *
 * The tables can also be built by hand (policy_tab_*), which is how the
 * unit tests exercise the evaluation without a database.
 */
#ifndef BARONG_POLICY_H
#define BARONG_POLICY_H

#include <stddef.h>

#define POLICY_CHANNEL	"barong_authz"

struct arena;
struct policy_tab;

enum policy_rule {
	POLICY_NONE,			/* neither list matches */
	POLICY_BLOCK,			/* 401 authz.permission_denied */
	POLICY_PASS			/* 200 without a token */
};

/* ------------------------------------------------------------ rules */

/*
 * Read the rules file at path and make it current.  A file without a
 * "rules" mapping, or with a "pass" or "block" entry that is not a list of
 * strings, is refused.  Returns 0, or -1 with a message in err (the
 * current rules stay).
 */
int		 policy_rules_load(const char *path, char *err, size_t errlen);
/* Make these NULL-terminated lists current (tests); either may be NULL. */
void		 policy_rules_set(const char *const *pass,
		    const char *const *block);
/*
 * Which rule applies to an authz path: block before pass, each a plain
 * string prefix (no segment boundary, as Ruby's start_with?).
 */
enum policy_rule policy_rule(const char *path);

/* ------------------------------------------------------------ tables */

/* An empty set of permissions and restrictions. */
struct policy_tab *policy_tab_new(void);
void		 policy_tab_free(struct policy_tab *);
/*
 * Add a permission row (values as stored: verb and action upper-case;
 * topic may be NULL).  Rows keep the order of their addition.  Returns 0,
 * or -1 for an action other than ACCEPT, DROP or AUDIT (the row is
 * ignored).
 */
int		 policy_tab_add_permission(struct policy_tab *,
		    const char *role, const char *verb, const char *path,
		    const char *action, const char *topic);
/*
 * Add an enabled restriction.  code <= 0 means none stored: Barong's
 * default for the category and scope applies (maintenance 471; country
 * and continent 423, ip_subnet 403, ip and all 401).  Returns 0, or -1 for
 * an unknown category or scope (the row is ignored).  An ip_subnet value
 * that is not a network is kept but never matches.
 */
int		 policy_tab_add_restriction(struct policy_tab *,
		    const char *category, const char *scope,
		    const char *value, int code);
/* Make tab current, taking ownership; the previous tables are freed. */
void		 policy_install(struct policy_tab *);
/* Read both tables from the database and install them.  0 or -1. */
int		 policy_load(void);
/*
 * The per-request step described above: LISTEN on first use, drain the
 * notifications, reload what is due.  Returns 0 when tables are in use,
 * -1 when none could ever be loaded.
 */
int		 policy_refresh(void);
/*
 * LISTEN on channel as well, and call fn for each notification on it
 * (and once when the LISTEN begins, as anything may have changed).
 */
void		 policy_also_listen(const char *channel, void (*fn)(void));
/* Forget the tables, the LISTEN state and the clocks (tests). */
void		 policy_reset(void);
/* How many reloads from the database succeeded (tests, logs). */
unsigned long	 policy_generation(void);

/* --------------------------------------------------------- decisions */

/*
 * Restrictions (authz.md §5) for a request to path from address ip (the
 * canonical text of clientip_get(), "" when unknown): 0 when the request
 * may go on; 1 when it is refused, with the restriction's status in
 * *status and "authz.restrict.<category>" in *code.  GeoIP names are
 * looked up (in arena a) only when a country or continent row must be
 * compared.
 */
int		 policy_restrict(struct arena *a, const char *path,
		    const char *ip, int *status, const char **code);
/*
 * RBAC (authz.md §7): 1 when role may use method on path, else 0.  When
 * some matching row is an AUDIT row, *audit is set to 1 and *audit_topic
 * to the first such row's topic (NULL when it has none); otherwise *audit
 * is 0.  A denial also reports AUDIT rows this way; callers ignore them.
 */
int		 policy_rbac(const char *role, const char *method,
		    const char *path, int *audit, const char **audit_topic);

#endif
