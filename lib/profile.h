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
struct model_err;
struct req;

/*
 * The columns profile_row_json() reads, in its order, for a SELECT on
 * profiles aliased "p" (user code may add its own columns after them).
 */
#define PROFILE_COLUMNS \
	"p.user_id, p.first_name_encrypted, p.last_name_encrypted," \
	" p.dob_encrypted, p.address_encrypted, p.postcode, p.city," \
	" p.country, p.state, p.metadata," \
	" to_char(p.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" to_char(p.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
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
/* One profile by id as above; NULL when missing or on a failure. */
json_object	*profile_json(struct arena *, long long id, int masked);

/* States as stored (data-model.md §1.8). */
#define PROFILE_DRAFTED		0
#define PROFILE_SUBMITTED	1
#define PROFILE_VERIFIED	3
#define PROFILE_REJECTED	4

/* "drafted" ... for a stored state; NULL for any other value. */
const char	*profile_state_name(int);
/* The stored value of a state name; -1 when unknown. */
int		 profile_state_value(const char *);

/* The fields a client writes, in this order. */
enum profile_field {
	PF_FIRST_NAME,
	PF_LAST_NAME,
	PF_DOB,			/* YYYY-MM-DD */
	PF_ADDRESS,
	PF_POSTCODE,
	PF_CITY,
	PF_COUNTRY,
	PF_METADATA,		/* JSON text */
	PF_N
};

/*
 * A create or an update: only the fields in `given` (bit 1 << PF_*) are
 * written; a given NULL value stores NULL (Barong does so for a nil
 * plain field; callers drop a nil sealed field or dob, which Barong
 * ignores).
 */
struct profile_fields {
	const char	*v[PF_N];
	unsigned	 given;
};

/* Mark field f given with value v (may be NULL). */
void		 profile_fields_set(struct profile_fields *,
		    enum profile_field, const char *);

/*
 * Barong's model validation of the record a profile will hold (the
 * update merged in): first and last name, city and postcode are squished
 * in place first (arena copies), then codes are added in Barong's order:
 * first_name, last_name, city, country, postcode, address, metadata,
 * state (state.exists when open_exists is set: a create while the user
 * has a drafted or submitted profile), dob (after today, "YYYY-MM-DD",
 * UTC).
 */
void		 profile_validate(struct arena *, struct profile_fields *,
		    int open_exists, const char *today, struct model_err *);
/* Ruby's String#squish and, for the unsquished fields, String#blank?. */
const char	*profile_squish(struct arena *, const char *);
int		 profile_blank(const char *);
/* Ruby's JSON.parse accepts the text (a scalar too); 1 if so. */
int		 profile_json_text_valid(const char *);

/*
 * Create a profile for user_id in state (PROFILE_*), with author (an
 * admin's uid) or NULL, inside the caller's transaction, then set the
 * user's `profile` label to the state.  Returns 0 with *id; -1 with
 * r->err: 422 and Barong's model codes (state.exists also when a
 * concurrent create won), 500 otherwise.
 */
int		 profile_create(struct req *, long long user_id,
		    const struct profile_fields *, int state,
		    const char *author, long long *id);
/*
 * Update the user's drafted profile with the given fields and, when
 * state is not -1, the state, inside the caller's transaction, then set
 * the `profile` label.  Returns 0 with *id, 1 when he has no drafted
 * profile, -1 with r->err (422 model codes, 500).
 */
int		 profile_update_drafted(struct req *, long long user_id,
		    const struct profile_fields *, int state, long long *id);

#endif
