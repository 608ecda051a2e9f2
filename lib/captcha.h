/*
 * Captcha verification (user-api.md §6.5) and Geetest's registration
 * (§3.7), through libcurl against cfg.recaptcha_verify_url and
 * cfg.geetest_api_url (base URLs, so tests point them at a fake).
 * Every call has a 5 s timeout and reads at most 64 KiB of reply.
 */
#ifndef BARONG_CAPTCHA_H
#define BARONG_CAPTCHA_H

#include <stddef.h>
#include <json-c/json.h>

struct req;

/*
 * The endpoints that ask for a captcha (barong.yml's
 * captcha_protected_endpoints): user_create, session_create,
 * password_reset, email_confirmation; all four until this is called.  The
 * names are copied.  Returns 0, or -1 when out of memory (the previous
 * list is kept).
 */
int		 captcha_set_protected(const char *const *endpoints, size_t n);
/*
 * Initialise libcurl; call at start-up, before dropping privileges or
 * entering a sandbox.  Otherwise the first request does it.  0 or -1.
 */
int		 captcha_start(void);
int		 captcha_is_protected(const char *endpoint);
/*
 * Check r->input's captcha_response for endpoint.  0 when it passes, when
 * cfg.captcha is "none" or when endpoint is not protected; else -1 with
 * r->err: 400 identity.captcha.required (absent or blank), 400
 * identity.captcha.mandatory_fields (geetest: not an object with string
 * geetest_challenge, geetest_validate and geetest_seccode), 422
 * identity.captcha.verification_failed (anything else, including the
 * service being unreachable).  The reason is logged, never the response.
 */
int		 captcha_verify(struct req *, const char *endpoint);
/*
 * GET /identity/users/register_geetest: {"gt":<geetest_id>,
 * "challenge":md5hex(<register.php reply> + <geetest_key>)}, owned by the
 * caller (http_reply_json adopts it), or NULL on any failure (logged).
 */
json_object	*captcha_geetest_register(struct req *);

#endif
