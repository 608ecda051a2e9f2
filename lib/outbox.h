/*
 * The mail outbox.  An event that mails (Barong's mailer.yml keys:
 * user.email.confirmation.token, user.password.reset.token, session.create,
 * label.created, label.updated) is a row inserted in the same transaction
 * as the change that caused it; `barongctl mailer` renders and delivers it.
 */
#ifndef BARONG_OUTBOX_H
#define BARONG_OUTBOX_H

#include <json-c/json.h>

struct arena;

/*
 * Queue event with its record (Barong's event record, e.g. {user, domain,
 * token}) for user_id; language NULL takes the user's data.language or the
 * mailer's default.  record is not consumed.  Returns 0 or -1.
 */
int	outbox_enqueue(struct arena *, const char *event, long long user_id,
	    json_object *record, const char *language);

#endif
