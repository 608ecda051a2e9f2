#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "entropy.h"
#include "general.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "params.h"
#include "password.h"
#include "version.h"

/* Empty string allowed: Barong declares no blank check here. */
const struct param general_password_params[] = {
	{ .name = "password", .type = PT_STRING, .flags = P_REQUIRED,
	  .maxlen = 4096 },
	{ .name = NULL }
};

/*
 * Compile the password policy and load the common-password dictionary.
 * A missing dictionary is an error when password_use_dictionary is on:
 * without it the entropy figures differ from Barong's.
 */
int
general_start(void)
{
	char	err[256];

	if (password_policy_init(cfg.password_regexp,
	    (double)cfg.password_min_entropy, cfg.password_use_dictionary,
	    err, sizeof(err)) == -1) {
		log_err("password_regexp: %s", err);
		return -1;
	}
	if (!cfg.password_use_dictionary)
		return 0;
	if (entropy_load_dictionary(cfg.password_dictionary, err,
	    sizeof(err)) == -1) {
		log_err("could not load the password dictionary: %s "
		    "(set password_use_dictionary = false to run without)",
		    err);
		return -1;
	}
	return 0;
}

/* GET /ping: 200 {"ping":"pong"} */
int
general_ping(struct req *r)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "ping", json_object_new_string("pong"));
	return http_reply_json(r, 200, o);
}

/* GET /time: 200 {"time":<unix seconds>} */
int
general_time(struct req *r)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_int64(time(NULL)));
	return http_reply_json(r, 200, o);
}

/* GET /version: 200 */
int
general_version(struct req *r)
{
	return http_reply_json(r, 200, version_json());
}

/* GET /configs: 200; captcha_id only with recaptcha (null keys dropped). */
int
general_configs(struct req *r)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "session_expire_time",
	    json_object_new_int64(cfg.session_expire_time));
	json_object_object_add(o, "captcha_type",
	    json_object_new_string(cfg.captcha));
	if (strcmp(cfg.captcha, "recaptcha") == 0)
		json_object_object_add(o, "captcha_id",
		    json_object_new_string(cfg.recaptcha_site_key));
	json_object_object_add(o, "phone_verification_type",
	    json_object_new_string(cfg.phone_verification));
	json_object_object_add(o, "password_min_entropy",
	    json_object_new_int64(cfg.password_min_entropy));
	json_object_object_add(o, "password_regexp",
	    json_object_new_string(password_regexp_ruby()));
	return http_reply_json(r, 200, o);
}

/* POST /password/validate: 201 {"entropy":<Integer or Float>}; 422. */
int
general_password_validate(struct req *r)
{
	const struct pval	*pw = param_get(r, "password");
	struct entropy		 e;
	char			 num[64];
	json_object		*o;

	entropy_measure(pw->s, pw->len, (double)cfg.password_min_entropy,
	    cfg.password_use_dictionary, &e);
	if (entropy_format(&e, num, sizeof(num)) == -1)
		return err_internal(r, "could not format entropy");
	o = json_object_new_object();
	json_object_object_add(o, "entropy", e.is_float ?
	    json_object_new_double_s(e.value, num) :
	    json_object_new_int64((long long)e.value));
	return http_reply_json(r, 201, o);
}
