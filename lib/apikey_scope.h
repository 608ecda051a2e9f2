/*
 * The scope of an API key as Barong keeps it: apikeys.scope holds the
 * Ruby array serialised as YAML by ActiveRecord ("---\n- trade\n- read\n",
 * "--- []\n" for an empty one), NULL for none (data-model.md §1.6).
 * Clients send scopes comma-separated and get a JSON array back.
 */
#ifndef BARONG_APIKEY_SCOPE_H
#define BARONG_APIKEY_SCOPE_H

#include <json-c/json.h>

struct arena;

#define APIKEY_SCOPE_MAXITEMS	256	/* items read from a stored scope */

/*
 * The column value for a comma-separated list, split as Ruby's
 * String#split(",") splits (no trimming; trailing empty items dropped, so
 * "," is the empty array); NULL for a NULL list.  Items that YAML would
 * read as something else than the same string are double-quoted.
 */
char		*apikey_scope_yaml(struct arena *, const char *csv);
/*
 * The stored column as a JSON array (owned by the arena): [] for NULL,
 * for "--- []", and for anything that is not a YAML sequence of scalars
 * (logged).  A plain null scalar is JSON null, as Barong would show it.
 */
json_object	*apikey_scope_json(struct arena *, const char *yaml);

#endif
