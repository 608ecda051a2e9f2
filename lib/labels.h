/*
 * Labels and what they decide: a user's level and state (user-api.md §6.7,
 * admin-api §12.2).  One implementation for every family.
 */
#ifndef BARONG_LABELS_H
#define BARONG_LABELS_H

#include <json-c/json.h>

struct arena;

/*
 * Recompute a user's level and state from his labels with barong.yml's
 * activation_requirements and state_triggers.  When the state changes away
 * from "active" the user's and his service accounts' active API keys become
 * inactive; while it is not "active" his service accounts take the same
 * state.  Call inside a transaction after changing private labels.
 * Returns 0 or -1.
 */
int		 labels_recompute_user(struct arena *, long long user_id);
/*
 * Create the private label key=value, or set its value when the user has
 * it, then recompute.  Queues the label.created / label.updated mail
 * event.  Call inside a transaction.  Returns 0 or -1.
 */
int		 labels_set_private(struct arena *, long long user_id,
		    const char *key, const char *value);
/* The user's labels as Barong's Label entities, in database order. */
json_object	*labels_json(struct arena *, long long user_id);

#endif
