/*
 * The activity log (table activities): what users do (category 'user',
 * user-api.md §6.14) and what the authorize step sees admins do
 * (category 'admin', authz.md §8).
 *
 * Every row carries the client address (clientip_get), its GeoIP country
 * name (NULL when unknown) and the User-Agent.  As in Barong, a request
 * without a User-Agent or without an address writes no row at all, and a
 * User-Agent that is not a known browser adds
 * "note":"Detected suspicious browser" to the row's data.  Unlike Barong,
 * which replaces the data with the note, the note is merged after the
 * reason, so the reason is not lost: {"reason":"...","note":"..."}.
 */
#ifndef BARONG_ACTIVITY_H
#define BARONG_ACTIVITY_H

#include <json-c/json.h>

struct req;

/*
 * Record a user activity: topic ("session"), action ("login"), result
 * ("succeed", "failed"), and reason (NULL, or stored as data
 * {"reason":reason}).  Returns 0 when written or skipped, -1 when the
 * database failed (logged; r->err untouched, so a caller inside a
 * transaction can roll back and report).
 */
int	activity_record(struct req *, long long user_id, const char *topic,
	    const char *action, const char *result, const char *reason);
/*
 * Record an admin activity: target_uid (NULL is stored as ""), topic,
 * action, result ("succeed", "denied") and data (borrowed, not modified;
 * NULL for none).  Same rules and return values.
 */
int	activity_record_admin(struct req *, long long user_id,
	    const char *target_uid, const char *topic, const char *action,
	    const char *result, json_object *data);
/*
 * Whether a User-Agent names a browser we know (the role of the browser
 * gem's Browser#known? in Barong).  See activity.c for the heuristic.
 */
int	activity_known_browser(const char *user_agent);

#endif
