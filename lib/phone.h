/*
 * Phones (user-api.md §5.10, §6.9, §6.12): number normalisation, sealed
 * numbers with a keyed-hash index, verification codes, and the Phone
 * entity with its masking.
 */
#ifndef BARONG_PHONE_H
#define BARONG_PHONE_H

#include <json-c/json.h>

struct arena;

/*
 * The user's phones as Barong's Phone entities (masked when
 * api_data_masking_enabled), in id order; an empty array when none, NULL
 * on a database or keyring failure (logged).
 */
json_object	*phones_json(struct arena *, long long user_id);

#endif
