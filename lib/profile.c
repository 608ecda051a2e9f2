/*
 * KYC profiles: see profile.h.
 */
#include "config.h"

#include "profile.h"

/* XXX stub until the resource family's profiles land (issue 5). */
json_object *
profile_row_json(struct arena *a, PGresult *res, int row, int col0,
    int masked)
{
	(void)a;
	(void)res;
	(void)row;
	(void)col0;
	(void)masked;
	return NULL;
}

json_object *
profiles_json(struct arena *a, long long user_id, int masked)
{
	(void)a;
	(void)user_id;
	(void)masked;
	return json_object_new_array();
}
