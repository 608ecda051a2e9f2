/*
 * Operators' changes to a user (admin-api.md §7, §12.1): his state, 2FA,
 * role or e-mail, as the admin API and barongctl make them, with the
 * callbacks Barong runs after every user save, and one more:
 *
 *   - 2FA switched off, or the state changed to anything but "active":
 *     every active API key of the user and of his service accounts
 *     becomes inactive (Barong's disable_api_keys);
 *   - the user not "active" after the save: his service accounts take his
 *     state, and a service account so "disabled" loses its active keys
 *     (Barong's disable_service_accounts);
 *   - beyond Barong: 2FA switched off, a role change, or a state change
 *     to anything but "active" ends every session of the user at once
 *     (barong-compat(7)).  barong-authorize finds no session row for the
 *     cookie, so no JWT cached for that session is handed out again.
 *
 * Every function runs inside the caller's transaction.
 */
#ifndef BARONG_USERADM_H
#define BARONG_USERADM_H

struct arena;
struct req;
struct user;

/* What a save changed (each field NULL / 0 when unchanged). */
struct useradm_change {
	const char	*old_state;	/* the state before the save */
	const char	*new_state;	/* the state after it */
	int		 otp_disabled;	/* otp went from true to false */
	int		 role_changed;
};

/* The after-save callbacks above.  0 or -1 (database failure). */
int	useradm_after_save(struct arena *, long long user_id,
	    const struct useradm_change *);

/*
 * Save one field of u with Barong's model validations of the whole user
 * (role.doesnt_exist for a role that has no permission, email.invalid,
 * email.taken), then run the callbacks.  u is updated in place.
 * 0; -1 with r->err (422 model codes, 500).
 */
int	useradm_set_state(struct req *, struct user *u, const char *state);
int	useradm_set_role(struct req *, struct user *u, const char *role);
int	useradm_set_email(struct req *, struct user *u, const char *email);
/*
 * Switch 2FA off: otp false, and the private "otp" label deleted without
 * level or state recomputation (as Barong does; the sealed TOTP secret
 * stays, a new one is made when the user enables 2FA again).
 */
int	useradm_disable_otp(struct req *, struct user *u);

/*
 * End every session of the user when his state went from old_state to
 * the user's current one and that is not "active" (label-driven state
 * changes).  0 or -1.
 */
int	useradm_state_changed(struct arena *, long long user_id,
	    const char *old_state);

#endif
