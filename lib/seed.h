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


#endif
