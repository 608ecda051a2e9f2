/*
 * Seeding the database from Barong's seeds.yml: `barongctl seed` is
 * Barong's `rake db:seed`, `barongctl permissions reload` its
 * `rake permissions:reload` (spec/seeding-and-ops.md, sections 1 and 4.2).
 */
#ifndef BARONG_SEED_H
#define BARONG_SEED_H

#include <stdio.h>

struct arena;

/*
 * Seed levels, permissions, users and restrictions, in that order, from
 * the YAML file at path (ERB expanded), skipping what already exists, then
 * print "Seeded users:" and one "Email: <email>, password: <password>"
 * line per seeded or already existing user to out.  Uses the db module's
 * connection and cfg.uid_prefix.  Returns 0, or -1 when the run was
 * aborted (the reason is logged; rows seeded before stay).
 */
int	seed_run(const char *path, FILE *out);

/*
 * In one transaction, delete every permission and insert those of the
 * file's permissions section.  Listeners learn of it through the
 * barong_authz notification sent at commit by the table's trigger.
 * Prints "Reloaded <n> permissions" to out.  Returns 0 or -1 (nothing
 * changed).
 */
int	seed_permissions_reload(const char *path, FILE *out);

/*
 * Recompute a user's level and state from his labels, Barong's rule (user
 * API 6.7, admin API 12.2), with the stock barong.yml settings:
 * activation_requirements {email: verified}, state_triggers banned: [ban,
 * fraud], deleted: [delete], locked: [suspicious, lock].  When the state
 * changes away from "active" the user's and his service accounts' active
 * API keys become inactive; while it is not "active" his service accounts
 * take the same state.  Call it inside a transaction, after changing
 * private labels.  Returns 0 or -1.
 * XXX belongs to a label/user domain module; lives here until there is one.
 */
int	labels_recompute_user(struct arena *, long long user_id);

#endif
