/*
 * Operators' changes to a user and what follows them (see useradm.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "http.h"
#include "apikey.h"
#include "log.h"
#include "session.h"
#include "user.h"
#include "useradm.h"

/* The service accounts that change state; RETURNING tells which. */
static const struct db_stmt st_sa_keys_off = { "useradm_sa_keys_off",
	"UPDATE apikeys SET state = 'inactive',"
	" updated_at = (now() AT TIME ZONE 'utc') "
	"WHERE state = 'active' AND key_holder_account_type = 'ServiceAccount'"
	" AND key_holder_account_id IN (SELECT id FROM service_accounts"
	" WHERE owner_id = $1::bigint AND state = 'disabled')", 1 };
static const struct db_stmt st_set_state = { "useradm_set_state",
	"UPDATE users SET state = $2, updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint RETURNING"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 2 };
static const struct db_stmt st_set_role = { "useradm_set_role",
	"UPDATE users SET role = $2, updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint RETURNING"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 2 };
/* Nothing is updated when another user has the address (email.taken). */
static const struct db_stmt st_set_email = { "useradm_set_email",
	"UPDATE users SET email = $2, updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint AND NOT EXISTS (SELECT 1 FROM users"
	" WHERE email = $2 AND id <> $1::bigint) RETURNING"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 2 };
static const struct db_stmt st_otp_off = { "useradm_otp_off",
	"UPDATE users SET otp = false, updated_at = (now() AT TIME ZONE 'utc')"
	" WHERE id = $1::bigint RETURNING"
	" to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 1 };
static const struct db_stmt st_otp_label = { "useradm_otp_label_delete",
	"DELETE FROM labels WHERE user_id = $1::bigint AND key = 'otp'"
	" AND scope = 'private'", 1 };
static const struct db_stmt st_state_of = { "useradm_state_of",
	"SELECT state FROM users WHERE id = $1::bigint", 1 };

int
useradm_after_save(struct arena *a, long long user_id,
    const struct useradm_change *c)
{
	const char	*p[2];
	int		 state_changed, end_sessions;

	p[0] = arena_printf(a, "%lld", user_id);
	state_changed = c->old_state != NULL && c->new_state != NULL &&
	    strcmp(c->old_state, c->new_state) != 0;
	if ((c->otp_disabled || (state_changed &&
	    strcmp(c->new_state, "active") != 0)) &&
	    apikey_deactivate_user(a, user_id) == -1)
		return -1;
	if (c->new_state != NULL && strcmp(c->new_state, "active") != 0) {
		p[1] = c->new_state;
		if (apikey_service_accounts_state(a, user_id,
		    c->new_state) == -1 ||
		    db_exec(a, &st_sa_keys_off, p) == NULL)
			return -1;
	}
	/* Beyond Barong: the change takes effect now, not at next login. */
	end_sessions = c->otp_disabled || c->role_changed ||
	    (state_changed && strcmp(c->new_state, "active") != 0);
	if (end_sessions && session_destroy_user(a, user_id, 0) == -1)
		return -1;
	return 0;
}

/* Run an UPDATE returning updated_at; 1 when no row came back. */
static int
save(struct req *r, const struct db_stmt *st, struct user *u,
    const char *value)
{
	PGresult	*res;
	const char	*p[2];

	p[0] = arena_printf(r->a, "%lld", u->id);
	p[1] = value;
	if ((res = db_exec(r->a, st, p)) == NULL) {
		if (strcmp(db_sqlstate(), SQLSTATE_UNIQUE_VIOLATION) == 0)
			return 1;
		return err_internal(r, "could not update user %s", u->uid);
	}
	if (PQntuples(res) != 1)
		return 1;
	u->updated_at = arena_strdup(r->a, PQgetvalue(res, 0, 0));
	return 0;
}

/* Barong re-validates the whole user on every save: his role must exist. */
static int
role_check(struct req *r, struct model_err *m, const char *role)
{
	int	rc;

	if ((rc = user_role_exists(r->a, role)) == -1)
		return err_internal(r, "could not check a role");
	if (rc == 0)
		model_err_add(m, "role.doesnt_exist");
	return 0;
}

static int
finish(struct req *r, struct user *u, struct useradm_change *c)
{
	c->new_state = u->state;
	if (useradm_after_save(r->a, u->id, c) == -1)
		return err_internal(r, "could not apply the change of user %s",
		    u->uid);
	return 0;
}

int
useradm_set_state(struct req *r, struct user *u, const char *state)
{
	struct model_err	 m = { 0 };
	struct useradm_change	 c = { 0 };
	int			 rc;

	if (role_check(r, &m, u->role) == -1)
		return -1;
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if ((rc = save(r, &st_set_state, u, state)) != 0)
		return rc == 1 ? err_internal(r, "user %s vanished", u->uid) :
		    -1;
	c.old_state = u->state;
	u->state = arena_strdup(r->a, state);
	return finish(r, u, &c);
}

int
useradm_set_role(struct req *r, struct user *u, const char *role)
{
	struct model_err	 m = { 0 };
	struct useradm_change	 c = { 0 };
	int			 rc;

	if (role_check(r, &m, role) == -1)
		return -1;
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if ((rc = save(r, &st_set_role, u, role)) != 0)
		return rc == 1 ? err_internal(r, "user %s vanished", u->uid) :
		    -1;
	u->role = arena_strdup(r->a, role);
	c.old_state = u->state;
	c.role_changed = 1;
	return finish(r, u, &c);
}

int
useradm_set_email(struct req *r, struct user *u, const char *email)
{
	struct model_err	 m = { 0 };
	struct useradm_change	 c = { 0 };
	int			 rc;

	if (role_check(r, &m, u->role) == -1)
		return -1;
	if (!user_email_valid(email))
		model_err_add(&m, "email.invalid");
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if ((rc = save(r, &st_set_email, u, email)) == 1)
		return err_set(r, 422, "email.taken", NULL);
	if (rc == -1)
		return -1;
	u->email = arena_strdup(r->a, email);
	c.old_state = u->state;
	return finish(r, u, &c);
}

int
useradm_disable_otp(struct req *r, struct user *u)
{
	struct model_err	 m = { 0 };
	struct useradm_change	 c = { 0 };
	const char		*p[1];
	int			 rc;

	if (role_check(r, &m, u->role) == -1)
		return -1;
	if (model_err_flush(r, &m, 422) == -1)
		return -1;
	if ((rc = save(r, &st_otp_off, u, NULL)) != 0)
		return rc == 1 ? err_internal(r, "user %s vanished", u->uid) :
		    -1;
	p[0] = arena_printf(r->a, "%lld", u->id);
	if (db_exec(r->a, &st_otp_label, p) == NULL)
		return err_internal(r, "could not drop the otp label of %s",
		    u->uid);
	u->otp = 0;
	c.old_state = u->state;
	c.otp_disabled = 1;
	return finish(r, u, &c);
}

int
useradm_state_changed(struct arena *a, long long user_id,
    const char *old_state)
{
	PGresult	*res;
	const char	*p[1], *now;

	p[0] = arena_printf(a, "%lld", user_id);
	if ((res = db_exec(a, &st_state_of, p)) == NULL)
		return -1;
	if (PQntuples(res) != 1)
		return 0;
	now = PQgetvalue(res, 0, 0);
	if (strcmp(now, old_state) == 0 || strcmp(now, "active") == 0)
		return 0;
	return session_destroy_user(a, user_id, 0);
}
