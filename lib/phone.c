/*
 * Phones: see phone.h.
 */
#include "config.h"

#include "phone.h"

/* XXX stub until the resource family's phones land (issue 5). */
json_object *
phones_json(struct arena *a, long long user_id, int masked)
{
	(void)a;
	(void)user_id;
	(void)masked;
	return json_object_new_array();
}
