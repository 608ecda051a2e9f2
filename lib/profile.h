/*
 * KYC profiles (user-api.md §5.7, §6.8): the state machine, validation,
 * sealed personal fields and the Profile entity with its masking.
 *
 * Sealed columns (crypto_seal, aad "profiles.<field>:<user_id>"):
 * first_name_encrypted, last_name_encrypted, dob_encrypted,
 * address_encrypted.
 */
#ifndef BARONG_PROFILE_H
#define BARONG_PROFILE_H

#include <json-c/json.h>
#include <libpq-fe.h>

struct arena;

/*
 * The columns profile_row_json() reads, in its order, for a SELECT on
 * profiles aliased "p" (user code may add its own columns after them).
 */
#define PROFILE_COLUMNS \
	"p.user_id, p.first_name_encrypted, p.last_name_encrypted," \
	" p.dob_encrypted, p.address_encrypted, p.postcode, p.city," \
	" p.country, p.state, p.metadata, p.created_at, p.updated_at"
#define PROFILE_NCOLUMNS	12

/*
 * One Profile entity from a result row whose columns col0.. are
 * PROFILE_COLUMNS; masked applies Barong's masking (user API with
 * api_data_masking_enabled), unmasked is the admin variant.  NULL on a
 * keyring failure (logged).
 */
json_object	*profile_row_json(struct arena *, PGresult *, int row,
		    int col0, int masked);
/*
 * The user's profiles as Profile entities, in id order; an empty array
 * when none, NULL on a database or keyring failure (logged).
 */
json_object	*profiles_json(struct arena *, long long user_id, int masked);

#endif
