/*
 * KYC profiles (user-api.md §5.7, §6.8): the state machine, validation,
 * sealed personal fields and the Profile entity with its masking.
 */
#ifndef BARONG_PROFILE_H
#define BARONG_PROFILE_H

#include <json-c/json.h>

struct arena;

/*
 * The user's profiles as Barong's Profile entities (masked when
 * api_data_masking_enabled), in id order; an empty array when none, NULL
 * on a database or keyring failure (logged).
 */
json_object	*profiles_json(struct arena *, long long user_id);

#endif
