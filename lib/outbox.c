#include "config.h"

#include <stdio.h>

#include "arena.h"
#include "db.h"
#include "json.h"
#include "outbox.h"

static const struct db_stmt st_outbox_insert = { "outbox_insert",
	"INSERT INTO outbox (event, user_id, payload, language)"
	" VALUES ($1, $2::bigint, $3::jsonb, $4)", 4 };

int
outbox_enqueue(struct arena *a, const char *event, long long user_id,
    json_object *record, const char *language)
{
	const char	*p[4];

	p[0] = event;
	p[1] = user_id > 0 ? arena_printf(a, "%lld", user_id) : NULL;
	p[2] = json_dump(a, record, NULL);
	p[3] = language;
	return db_exec(a, &st_outbox_insert, p) == NULL ? -1 : 0;
}
