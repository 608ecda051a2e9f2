/*
 * Key rotation of the secrets at rest (barongctl keys rotate / status).
 *
 * rekey_columns[] is the registry of every sealed column: table, column,
 * key column and the aad its values are sealed with.  EVERY NEW SEALED
 * COLUMN MUST BE LISTED THERE (lib/rekey.c), or a rotation leaves its
 * values under the old version and removing that version loses them.
 *
 * A rotation: rekey_start() takes a database advisory lock (one rotation
 * at a time), and unless a rotation is under way (an unfinished row of
 * key_rotations, sql/014_key_rotation.sql) records the next version and
 * appends it to the keyring file; rekey_run() re-seals, in batches of one
 * transaction each, every value under a lower version, opening it with its
 * old key and sealing it under the new one with the same aad; rekey_finish()
 * closes the row once nothing is left below.  An interrupted batch rolls
 * back, and a rerun resumes.
 */
#ifndef BARONG_REKEY_H
#define BARONG_REKEY_H

#include <stdio.h>

struct db_stmt;

struct rekey_column {
	const char		*name;		/* "profiles.dob_encrypted" */
	const char		*aad_prefix;	/* aad: prefix and 3rd field */
	const struct db_stmt	*batch;		/* $1 after key, $2 below, $3 limit */
	const struct db_stmt	*update;	/* $1 key, $2 new, $3 old */
	const struct db_stmt	*versions;	/* version (NULL: malformed), n */
};

extern const struct rekey_column	rekey_columns[];	/* NULL name ends */

#define REKEY_NCOLUMNS		8
#define REKEY_DEFAULT_BATCH	500
#define REKEY_MAX_BATCH		100000

/* Per column of rekey_columns[], in its order. */
struct rekey_count {
	long long	resealed;	/* this run */
	long long	failed;		/* would not open: left untouched */
	long long	left;		/* still below the version at the end */
	long long	malformed;	/* not a sealed value at all */
};

int	rekey_start(const char *keyfile, int *version, int *added,
	    char *err, size_t errlen);
int	rekey_run(int version, int batch, struct rekey_count *counts,
	    FILE *progress);
int	rekey_finish(int version);
/*
 * Calls fn for every (column, version, count) of the sealed values, in
 * column then version order; version 0 counts malformed values.
 */
int	rekey_versions(void (*fn)(const struct rekey_column *, int version,
	    long long n, void *), void *arg);
/* The rotation under way (its version), 0 when none, -1 on error. */
int	rekey_pending(void);

#endif
