/*
 * barong-resource: the profiles part (user-api.md §5.7, §6.8): the
 * user's KYC profiles, read, created and edited while drafted.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "bearer.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "params.h"
#include "profile.h"
#include "resource.h"
#include "server.h"
#include "user.h"

/*
 * Bytes; a longer value is refused as a bad type ("invalid").  Room for
 * 255 characters of 4 bytes and then some, so that the model's too_long
 * is what a long name gets.
 */
#define TEXT_MAX	4096

/* Every parameter is optional (Barong's declaration order). */
static const struct param profile_params[] = {
	{ .name = "first_name", .type = PT_STRING, .maxlen = TEXT_MAX },
	{ .name = "last_name", .type = PT_STRING, .maxlen = TEXT_MAX },
	/* Date and Boolean: coerced below, where "" is nil as in Grape. */
	{ .name = "dob", .type = PT_STRING, .maxlen = 64 },
	{ .name = "address", .type = PT_STRING, .maxlen = TEXT_MAX },
	{ .name = "postcode", .type = PT_STRING, .maxlen = TEXT_MAX },
	{ .name = "city", .type = PT_STRING, .maxlen = TEXT_MAX },
	{ .name = "country", .type = PT_STRING, .maxlen = TEXT_MAX },
	{ .name = "metadata", .type = PT_STRING },
	{ .name = "confirm", .type = PT_STRING, .maxlen = 16 },
	{ .name = NULL }
};

/* The text parameters and whether Barong drops a nil one (sealed). */
static const struct {
	const char		*name;
	enum profile_field	 field;
	int			 nil_ignored;
} texts[] = {
	{ "first_name", PF_FIRST_NAME, 1 },
	{ "last_name", PF_LAST_NAME, 1 },
	{ "address", PF_ADDRESS, 1 },
	{ "postcode", PF_POSTCODE, 0 },
	{ "city", PF_CITY, 0 },
	{ "country", PF_COUNTRY, 0 },
	{ "metadata", PF_METADATA, 0 },
};

/* Grape gives nil for an absent value (no "=", JSON null) and for "". */
static const struct pval *
non_nil(struct req *r, const char *name)
{
	const struct pval	*v = param_get(r, name);

	return v != NULL && v->j != NULL && *v->s != '\0' ? v : NULL;
}

static int
bool_word(const char *s)
{
	static const char *const t[] = { "true", "t", "yes", "y", "on", "1" };
	static const char *const f[] = { "false", "f", "no", "n", "off", "0" };
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcasecmp(s, t[i]) == 0)
			return 1;
		if (strcasecmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

/*
 * The fields given and the confirm flag; -1 with 422 ["invalid"] when
 * dob is no date or confirm no boolean.
 */
static int
collect(struct req *r, struct profile_fields *f, int *confirm)
{
	const struct pval	*v;
	char			 date[11];
	size_t			 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if ((v = param_get(r, texts[i].name)) == NULL)
			continue;
		if (v->j == NULL && texts[i].nil_ignored)
			continue;
		profile_fields_set(f, texts[i].field, v->j != NULL ? v->s :
		    NULL);
	}
	if ((v = non_nil(r, "dob")) != NULL) {
		if (params_parse_date(v->s, date) == -1)
			err_add_key(r, 422, "invalid");
		else
			profile_fields_set(f, PF_DOB, arena_strdup(r->a,
			    date));
	}
	*confirm = 0;
	if ((v = non_nil(r, "confirm")) != NULL &&
	    (*confirm = bool_word(v->s)) == -1)
		err_add_key(r, 422, "invalid");
	return err_is_set(r) ? -1 : 0;
}

/*
 * kyc_provider: `local` does nothing more.  XXX `kycaid`: Barong queues
 * a KYCAID applicant job for a submitted profile; this build has no
 * KYCAID client, so nothing is sent and the profile waits for an admin.
 */
static void
kyc_step(long long id, int state)
{
	if (state == PROFILE_SUBMITTED && strcmp(cfg.kyc_provider, "kycaid") ==
	    0)
		log_warn("kyc_provider kycaid: no KYCAID client, profile %lld"
		    " not sent", id);
}

/* Commit and answer with the profile. */
static int
reply_profile(struct req *r, int status, long long id, int state)
{
	json_object	*o;

	if (db_commit() == -1) {
		db_rollback();
		return err_internal(r, "could not commit a profile");
	}
	kyc_step(id, state);
	if ((o = profile_json(r->a, id, cfg.api_data_masking_enabled)) ==
	    NULL)
		return err_internal(r, "could not read profile %lld", id);
	return http_reply_json(r, status, o);
}

/* GET /profiles/me: 200 [Profile] (masked), [] when none. */
static int
profiles_me(struct req *r)
{
	struct user	*u;
	json_object	*arr;

	if (bearer_user(r, &u) == -1)
		return -1;
	if ((arr = profiles_json(r->a, u->id, cfg.api_data_masking_enabled)) ==
	    NULL)
		return err_internal(r, "could not read profiles");
	return http_reply_json(r, 200, arr);
}

/*
 * POST /profiles: 201 Profile, drafted (submitted with confirm); 422
 * ["invalid"] for a bad dob or confirm, model codes (state.exists while
 * a drafted or submitted profile exists).
 */
static int
profile_post(struct req *r)
{
	struct profile_fields	 f;
	struct user		*u;
	long long		 id;
	int			 confirm, state;

	if (collect(r, &f, &confirm) == -1 || bearer_user(r, &u) == -1)
		return -1;
	state = confirm ? PROFILE_SUBMITTED : PROFILE_DRAFTED;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if (profile_create(r, u->id, &f, state, NULL, &id) == -1) {
		db_rollback();
		return -1;
	}
	return reply_profile(r, 201, id, state);
}

/*
 * PUT /profiles: 200 Profile, the drafted one with the given fields
 * (submitted with confirm); 404
 * resource.profile.doesnt_exist_or_not_editable without a drafted
 * profile; 422 as POST but for state.exists.
 */
static int
profile_put(struct req *r)
{
	struct profile_fields	 f;
	struct user		*u;
	long long		 id;
	int			 confirm, rc, state;

	if (collect(r, &f, &confirm) == -1 || bearer_user(r, &u) == -1)
		return -1;
	state = confirm ? PROFILE_SUBMITTED : PROFILE_DRAFTED;
	if (db_begin() == -1)
		return err_internal(r, "could not begin");
	if ((rc = profile_update_drafted(r, u->id, &f, state, &id)) != 0) {
		db_rollback();
		if (rc == 1)
			return err_set(r, 404, RES_PROFILE
			    ".doesnt_exist_or_not_editable", NULL);
		return -1;
	}
	return reply_profile(r, 200, id, state);
}

static const struct route routes[] = {
	{ "GET", "/profiles/me", profiles_me, NULL, RES_PROFILE, 0 },
	{ "POST", "/profiles", profile_post, profile_params, RES_PROFILE, 0 },
	{ "PUT", "/profiles", profile_put, profile_params, RES_PROFILE, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct route_part resource_profiles = { routes, NULL };
