/*
 * Phones (user-api.md §5.10, §6.9, §6.12): number normalisation, sealed
 * numbers with a keyed-hash index, verification codes, and the Phone
 * entity with its masking.
 *
 * phones.number_encrypted is crypto_seal'd with aad "phones.number:<user_id>";
 * phones.number_index is the keyed hash (purpose "phones.number") of the
 * normalised digits, its first 63 bits as a bigint.  Lookups go through the
 * index only, as Barong's go through its CRC32.
 */
#ifndef BARONG_PHONE_H
#define BARONG_PHONE_H

#include <json-c/json.h>

#include "phonenumber.h"

struct arena;

#define PHONE_CODE_LEN	5

struct phone {
	long long	 id;
	long long	 user_id;
	const char	*code;		/* the stored verification code */
	int		 validated;	/* validated_at is set */
};

/*
 * Barong's Phone.international: strip every non-digit from the input,
 * then parse strictly with the country calling code first.  0 valid,
 * -1 invalid (resource.phone.invalid_num).
 */
int		 phone_normalize(const char *input, struct phonenumber *);
/*
 * The number_index of normalised digits as a decimal string in the
 * arena; NULL when the keyring has no index key (logged).
 */
const char	*phone_number_index(struct arena *, const char *digits);
/*
 * Is the number verified by any user ("Phone.verified.find_by_number")?
 * 1 yes, 0 no, -1 database failure.
 */
int		 phone_verified_anywhere(struct arena *, const char *index);
/* The user's phone with that number: 0 found, 1 none, -1 failure. */
int		 phone_find(struct arena *, long long user_id, const char *index,
		    struct phone **);
/*
 * Insert the user's phone (country, sealed number, index and a fresh
 * random 5-digit code).  0 with *out, -1 on failure (logged).
 */
int		 phone_create(struct arena *, long long user_id,
		    const struct phonenumber *, const char *index,
		    struct phone **);
/* Set validated_at to now.  0 or -1. */
int		 phone_set_validated(struct arena *, long long id);
/*
 * Serialise changes to one number (the index) until the transaction
 * ends, so that two users cannot verify it at once.  0 or -1.
 */
int		 phone_lock_number(struct arena *, const char *index);
/*
 * Wrong codes (ours; Barong has no limit, and 5 digits fall to 100000
 * guesses): failures are counted per phone, and the PHONE_MAX_ATTEMPTS-th
 * replaces the stored code with a fresh one, which only send_code
 * delivers.  The count lives in login_failures under "phone:<id>"
 * (throttle_purge may forget it once login_failure_window has passed).
 * phone_code_failed returns 0 or -1; phone_code_passed forgets the count.
 */
#define PHONE_MAX_ATTEMPTS	10
int		 phone_code_failed(struct arena *, const struct phone *);
int		 phone_code_passed(struct arena *, const struct phone *);
/* A random verification code of PHONE_CODE_LEN digits.  0 or -1. */
int		 phone_new_code(char out[PHONE_CODE_LEN + 1]);

/*
 * The user's phones as Phone entities, in id order, masked or not (the
 * admin variant); an empty array when none, NULL on a database or keyring
 * failure (logged).
 */
json_object	*phones_json(struct arena *, long long user_id, int masked);

#endif
