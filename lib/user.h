/*
 * Users: lookup, creation with Barong's model validations (user-api.md
 * §6.1), and the JSON shapes Barong gives them.
 */
#ifndef BARONG_USER_H
#define BARONG_USER_H

#include <stddef.h>
#include <json-c/json.h>

struct arena;
struct req;

struct user {
	long long	 id;
	const char	*uid;
	const char	*username;	/* NULL when none */
	const char	*email;
	const char	*password_digest;
	const char	*role;
	const char	*data;		/* JSON text or NULL */
	long		 level;
	int		 otp;
	const char	*state;
	long long	 referral_id;	/* 0: none */
	const char	*referral_uid;	/* NULL: none */
	const char	*created_at;	/* ISO-8601 Z */
	const char	*updated_at;
};

/* 0 found, 1 not found, -1 database error.  *out lives in the arena. */
int		 user_find_by_email(struct arena *, const char *,
		    struct user **);
int		 user_find_by_uid(struct arena *, const char *, struct user **);
int		 user_find_by_id(struct arena *, long long, struct user **);

struct user_new {
	const char	*email;
	const char	*password;
	const char	*username;	/* NULL: none */
	const char	*data;		/* NULL: none */
	long long	 referral_id;	/* 0: none */
};

/*
 * Validate and insert a user (role member, state pending, level 0) inside
 * the caller's transaction.  Model errors: -1 with r->err 422 and Barong's
 * codes in Barong's order (email.taken also from the unique index, so
 * concurrent sign-ups with one email create one user).
 */
int		 user_create(struct req *, const struct user_new *,
		    struct user **);
/* Set role and state (the first-user rule). */
int		 user_set_role_state(struct arena *, long long id,
		    const char *role, const char *state);
int		 user_set_password(struct req *, long long id, const char *pw);
/* Barong's UserWithFullInfo; csrf NULL leaves csrf_token out. */
json_object	*user_json_full(struct arena *, const struct user *,
		    const char *csrf);
/* The user object inside event records (user-api.md §6.15). */
json_object	*user_event_json(const struct user *);
/* Does a permission row with this role exist (roles must)? 1/0/-1 */
int		 user_role_exists(struct arena *, const char *role);
/* Barong's e-mail format rule; 1 if acceptable. */
int		 user_email_valid(const char *);

#endif
