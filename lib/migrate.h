/*
 * Schema migrations: the numbered files sql/NNN_name.sql, applied in
 * version order by `barongctl migrate`.
 */
#ifndef BARONG_MIGRATE_H
#define BARONG_MIGRATE_H

/*
 * Apply, in version order, every NNN_*.sql file of sqldir whose version
 * (the leading digits, e.g. "001") is not yet in schema_migrations.  Each
 * file runs in its own transaction together with its schema_migrations row,
 * under a session advisory lock so that concurrent runs do not race.
 * Prints "applied NNN_name" per file to stdout, or "up to date"; with
 * dry_run, prints "would apply NNN_name" and changes nothing.
 * Uses the db module's connection.  Returns 0, or -1 after logging why.
 */
int	migrate_run(const char *sqldir, int dry_run);

#endif
