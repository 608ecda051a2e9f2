/*
 * Phones (user-api.md §5.10, §6.9, §6.12): number normalisation, sealed
 * numbers with a keyed-hash index, verification codes, and the Phone
 * entity with its masking.
 *
 * phones.number_encrypted is crypto_seal'd with aad "phones.number:<user_id>";
 * phones.number_index is the keyed hash (purpose "phones.number") of the
 * normalised digits, its first 63 bits as a bigint.
 */
#ifndef BARONG_PHONE_H
#define BARONG_PHONE_H

#include <json-c/json.h>

struct arena;

/*
 * The user's phones as Phone entities, in id order, masked or not (the
 * admin variant); an empty array when none, NULL on a database or keyring
 * failure (logged).
 */
json_object	*phones_json(struct arena *, long long user_id, int masked);

#endif
