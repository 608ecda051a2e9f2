/*
 * Labels and the level and state they give a user (user-api.md §6.7).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "apikey.h"
#include "arena.h"
#include "barongyml.h"
#include "db.h"
#include "json.h"
#include "labels.h"
#include "log.h"
#include "outbox.h"
#include "user.h"

static const struct db_stmt st_recompute = { "labels_recompute",
	"WITH lv AS ("
	" SELECT COALESCE(max(l.id), 0)::integer AS level FROM levels l"
	" WHERE NOT EXISTS ("
	"  SELECT 1 FROM levels m WHERE m.id <= l.id AND NOT EXISTS ("
	"   SELECT 1 FROM labels b WHERE b.user_id = $1::bigint"
	"   AND b.scope = 'private' AND b.key = m.key AND b.value = m.value))"
	"), st AS ("
	" SELECT COALESCE("
	"  (SELECT t.state"
	"   FROM unnest($4::text[], $5::text[]) WITH ORDINALITY"
	"   AS t(state, key, n)"
	"   WHERE EXISTS (SELECT 1 FROM labels b"
	"    WHERE b.user_id = $1::bigint AND b.key = t.key)"
	"   ORDER BY t.n DESC LIMIT 1),"
	"  CASE WHEN NOT EXISTS ("
	"   SELECT 1 FROM unnest($2::text[], $3::text[]) AS r(key, value)"
	"   WHERE NOT EXISTS (SELECT 1 FROM labels b"
	"    WHERE b.user_id = $1::bigint AND b.scope = 'private'"
	"    AND b.key = r.key AND b.value = r.value))"
	"  THEN 'active' ELSE 'pending' END) AS state"
	") "
	"UPDATE users u SET level = lv.level, state = st.state,"
	" updated_at = (now() AT TIME ZONE 'utc') "
	"FROM lv, st "
	"WHERE u.id = $1::bigint"
	" AND (u.level <> lv.level OR u.state <> st.state) "
	"RETURNING u.state", 5 };
static const struct db_stmt st_user_lock = { "labels_user_lock",
	"SELECT state FROM users WHERE id = $1::bigint FOR UPDATE", 1 };

static const struct db_stmt st_label_upsert = { "labels_upsert_private",
	"INSERT INTO labels (user_id, key, value, scope)"
	" VALUES ($1::bigint, $2, $3, 'private')"
	" ON CONFLICT (user_id, key, scope) DO UPDATE SET value = $3,"
	" updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE labels.value IS DISTINCT FROM $3"
	" RETURNING id, (xmax = 0) AS created, description", 3 };
static const struct db_stmt st_labels_of_user = { "labels_of_user",
	"SELECT key, value, scope,"
	" to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	" FROM labels WHERE user_id = $1::bigint ORDER BY id", 1 };

/* barong.yml's settings as PostgreSQL arrays, made once. */
static const char	*req_keys, *req_values, *trigger_states, *trigger_keys;

static void
arrays(void)
{
	if (req_keys != NULL)
		return;
	req_keys = strlist_pg_array(&byml.activation_keys);
	req_values = strlist_pg_array(&byml.activation_values);
	trigger_states = strlist_pg_array(&byml.trigger_states);
	trigger_keys = strlist_pg_array(&byml.trigger_keys);
}

int
labels_recompute_user(struct arena *a, long long user_id)
{
	PGresult	*res;
	const char	*p[5];
	char		 id[32], *old_state, *new_state;

	snprintf(id, sizeof(id), "%lld", user_id);
	p[0] = id;
	if ((res = db_exec(a, &st_user_lock, p)) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		log_err("could not recompute level: no user %lld", user_id);
		return -1;
	}
	old_state = arena_strdup(a, PQgetvalue(res, 0, 0));
	arrays();
	p[1] = req_keys;
	p[2] = req_values;
	p[3] = trigger_states;
	p[4] = trigger_keys;
	if ((res = db_exec(a, &st_recompute, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 0;		/* nothing changed, nothing saved */
	new_state = PQgetvalue(res, 0, 0);
	if (strcmp(new_state, "active") == 0)
		return 0;
	if (strcmp(new_state, old_state) != 0 &&
	    apikey_deactivate_user(a, user_id) == -1)
		return -1;
	return apikey_service_accounts_state(a, user_id, new_state);
}

int
labels_set_private(struct arena *a, long long user_id, const char *key,
    const char *value)
{
	PGresult	*res;
	json_object	*rec;
	struct user	*u;
	const char	*p[3];
	int		 created;

	p[0] = arena_printf(a, "%lld", user_id);
	p[1] = key;
	p[2] = value;
	if ((res = db_exec(a, &st_label_upsert, p)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		return 0;	/* already so: nothing changed */
	created = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	if (labels_recompute_user(a, user_id) == -1)
		return -1;
	/*
	 * Barong's stock mailer sends "Phone verified" for every label
	 * created; we send that mail for the phone label only.
	 */
	if (created && strcmp(key, "phone") != 0)
		return 0;
	if (user_find_by_id(a, user_id, &u) != 0)
		return -1;
	rec = json_adopt(a, json_object_new_object());
	json_object_object_add(rec, "id", json_object_new_int64(
	    strtoll(PQgetvalue(res, 0, 0), NULL, 10)));
	json_object_object_add(rec, "key", json_object_new_string(key));
	json_object_object_add(rec, "value", json_object_new_string(value));
	json_object_object_add(rec, "description", PQgetisnull(res, 0, 2) ?
	    NULL : json_object_new_string(PQgetvalue(res, 0, 2)));
	json_object_object_add(rec, "user", user_event_json(u));
	return outbox_enqueue(a, created ? "label.created" : "label.updated",
	    user_id, rec, NULL);
}

json_object *
labels_json(struct arena *a, long long user_id)
{
	PGresult	*res;
	json_object	*arr, *o;
	const char	*p[1];
	int		 i;

	p[0] = arena_printf(a, "%lld", user_id);
	arr = json_object_new_array();
	if ((res = db_exec(a, &st_labels_of_user, p)) == NULL)
		return arr;
	for (i = 0; i < PQntuples(res); i++) {
		o = json_object_new_object();
		json_object_object_add(o, "key",
		    json_object_new_string(PQgetvalue(res, i, 0)));
		json_object_object_add(o, "value",
		    json_object_new_string(PQgetvalue(res, i, 1)));
		json_object_object_add(o, "scope",
		    json_object_new_string(PQgetvalue(res, i, 2)));
		json_object_object_add(o, "created_at",
		    json_object_new_string(PQgetvalue(res, i, 3)));
		json_object_object_add(o, "updated_at",
		    json_object_new_string(PQgetvalue(res, i, 4)));
		json_object_array_add(arr, o);
	}
	return arr;
}
