/*
 * Captcha verification through reCAPTCHA or Geetest (see captcha.h).
 *
 * reCAPTCHA: POST <recaptcha_verify_url> with secret and response
 * (form-encoded, no remoteip, as Barong's skip_remote_ip); the reply must
 * be a JSON object whose "success" is true.
 *
 * Geetest (Barong's CaptchaService::GeetestVerifier): geetest_validate
 * must equal md5hex(geetest_key + "geetest" + geetest_challenge), then
 * POST <geetest_api_url>/validate.php with seccode must answer exactly
 * md5hex(seccode).  Registration: GET <geetest_api_url>/register.php?gt=
 * <geetest_id>, challenge = md5hex(reply + geetest_key).
 *
 * One libcurl easy handle per call (a login makes at most one), 5 s for
 * the whole exchange, replies over 64 KiB abandoned, redirects not
 * followed, only http and https.  A reply status outside 2xx is a failure.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>

#include "arena.h"
#include "captcha.h"
#include "curlbody.h"
#include "conf.h"
#include "crypto.h"
#include "err.h"
#include "http.h"
#include "log.h"

#define REPLY_MAX	(64 * 1024)

/* The whole exchange; a static so the unit test can shorten it. */
static long	timeout_ms = 5000;

static const char *const default_endpoints[] = { "user_create",
	"session_create", "password_reset", "email_confirmation", NULL };

static char	**protected;	/* malloc'd, NULL-terminated; NULL: default */

int
captcha_set_protected(const char *const *v, size_t n)
{
	char	**list;
	size_t	  i;

	if ((list = calloc(n + 1, sizeof(*list))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((list[i] = strdup(v[i])) == NULL) {
			while (i > 0)
				free(list[--i]);
			free(list);
			return -1;
		}
	if (protected != NULL) {
		for (i = 0; protected[i] != NULL; i++)
			free(protected[i]);
		free(protected);
	}
	protected = list;
	return 0;
}

int
captcha_is_protected(const char *endpoint)
{
	const char *const	*l;

	l = protected != NULL ? (const char *const *)protected :
	    default_endpoints;
	for (; endpoint != NULL && *l != NULL; l++)
		if (strcmp(*l, endpoint) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ HTTP */

int
captcha_start(void)
{
	return curl_body_global_init();
}

/* url-encoded copy of s in the arena. */
static char *
escape(struct arena *a, CURL *c, const char *s)
{
	char	*e, *copy;

	if ((e = curl_easy_escape(c, s, 0)) == NULL)
		return NULL;
	copy = arena_strdup(a, e);
	curl_free(e);
	return copy;
}

/*
 * GET url, or POST the form fields (name, value pairs, NULL-terminated)
 * to it.  0 with the body (NUL-terminated, in the arena) and its length,
 * or -1 with *why saying what went wrong (for the log).
 */
static int
fetch(struct arena *a, const char *url, const char *const *form,
    char **body, size_t *len, const char **why)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_slist	*hdrs = NULL;
	struct curl_body	 rp;
	char			 errbuf[CURL_ERROR_SIZE], *post = NULL, *v;
	long			 status = 0;
	size_t			 i;
	int			 ret = -1;

	if (captcha_start() == -1) {
		*why = "could not initialise libcurl";
		return -1;
	}
	if ((c = curl_easy_init()) == NULL) {
		*why = "could not create a libcurl handle";
		return -1;
	}
	curl_body_init(&rp, a, REPLY_MAX);
	errbuf[0] = '\0';
	if (form != NULL) {
		post = "";
		for (i = 0; form[i] != NULL; i += 2) {
			if ((v = escape(a, c, form[i + 1])) == NULL) {
				*why = "could not encode the form";
				goto out;
			}
			post = arena_printf(a, "%s%s%s=%s", post,
			    i > 0 ? "&" : "", form[i], v);
		}
		/* No "Expect: 100-continue" round trip for long tokens. */
		if ((hdrs = curl_slist_append(NULL, "Expect:")) == NULL) {
			*why = "out of memory";
			goto out;
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post));
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "barong");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &rp);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		if (rp.overflow)
			*why = "reply over 64 KiB";
		else
			*why = arena_printf(a, "%s", errbuf[0] != '\0' ?
			    errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		*why = arena_printf(a, "HTTP status %ld", status);
		goto out;
	}
	rp.buf[rp.len] = '\0';
	*body = rp.buf;
	*len = rp.len;
	ret = 0;
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return ret;
}

/* cfg.geetest_api_url + path, without doubling a '/'. */
static const char *
geetest_url(struct arena *a, const char *path)
{
	const char	*base = cfg.geetest_api_url;
	size_t		 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s%s", (int)n, base, path);
}

/* md5hex of the concatenation of up to three strings, in the arena. */
static char *
md5hex(struct arena *a, const char *s1, size_t n1, const char *s2,
    const char *s3)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0;
	char		*hex;
	int		 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, s1, n1) == 1 &&
	    (s2 == NULL || EVP_DigestUpdate(ctx, s2, strlen(s2)) == 1) &&
	    (s3 == NULL || EVP_DigestUpdate(ctx, s3, strlen(s3)) == 1) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return NULL;
	hex = arena_alloc(a, 2 * mdlen + 1);
	crypto_hex(md, mdlen, hex);
	return hex;
}

/* ----------------------------------------------------------- verify */

/* Ruby's blank?: nil, false, empty or blank strings, empty collections. */
static int
blank(json_object *v)
{
	const char	*s;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return !json_object_get_boolean(v);
	case json_type_string:
		for (s = json_object_get_string(v); *s != '\0'; s++)
			if (!isspace((unsigned char)*s))
				return 0;
		return 1;
	case json_type_object:
		return json_object_object_length(v) == 0;
	case json_type_array:
		return json_object_array_length(v) == 0;
	default:
		return 0;
	}
}

static int
failed(struct req *r, const char *why)
{
	log_info("captcha verification failed: %s", why);
	return err_set(r, 422, "identity.captcha.verification_failed", NULL);
}

static int
recaptcha(struct req *r, json_object *v)
{
	const char	*form[5], *why;
	json_tokener	*tok;
	json_object	*reply, *ok;
	char		*body;
	size_t		 len, end = 0;
	int		 success;

	if (!json_object_is_type(v, json_type_string))
		return failed(r, "reCAPTCHA response is not a string");
	form[0] = "secret";
	form[1] = cfg.recaptcha_secret_key;
	form[2] = "response";
	form[3] = json_object_get_string(v);
	form[4] = NULL;
	if (fetch(r->a, cfg.recaptcha_verify_url, form, &body, &len,
	    &why) == -1)
		return failed(r, arena_printf(r->a, "reCAPTCHA: %s", why));
	if ((tok = json_tokener_new()) == NULL)
		return failed(r, "out of memory");
	reply = json_tokener_parse_ex(tok, body, (int)len);
	if (json_tokener_get_error(tok) == json_tokener_success) {
		/* One JSON document and nothing after it but blanks. */
		for (end = json_tokener_get_parse_end(tok); end < len; end++)
			if (!isspace((unsigned char)body[end]))
				break;
	}
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    end < len) {
		json_object_put(reply);
		reply = NULL;
	}
	json_tokener_free(tok);
	success = reply != NULL &&
	    json_object_object_get_ex(reply, "success", &ok) &&
	    json_object_is_type(ok, json_type_boolean) &&
	    json_object_get_boolean(ok);
	json_object_put(reply);
	if (reply == NULL)
		return failed(r, "reCAPTCHA reply is not JSON");
	if (!success)
		return failed(r, "reCAPTCHA did not report success");
	return 0;
}

/* The string member name of o, or NULL. */
static const char *
member(json_object *o, const char *name)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
geetest(struct req *r, json_object *v)
{
	const char	*challenge, *validate, *seccode, *form[3], *why;
	char		*want, *body;
	size_t		 len;

	challenge = json_object_is_type(v, json_type_object) ?
	    member(v, "geetest_challenge") : NULL;
	validate = challenge != NULL ? member(v, "geetest_validate") : NULL;
	seccode = validate != NULL ? member(v, "geetest_seccode") : NULL;
	if (seccode == NULL)
		return err_set(r, 400, "identity.captcha.mandatory_fields",
		    NULL);
	want = md5hex(r->a, cfg.geetest_key, strlen(cfg.geetest_key),
	    "geetest", challenge);
	if (want == NULL)
		return failed(r, "could not compute MD5");
	if (!crypto_eq(validate, strlen(validate), want, strlen(want)))
		return failed(r, "geetest_validate does not match");
	form[0] = "seccode";
	form[1] = seccode;
	form[2] = NULL;
	if (fetch(r->a, geetest_url(r->a, "/validate.php"), form, &body,
	    &len, &why) == -1)
		return failed(r, arena_printf(r->a, "Geetest: %s", why));
	if ((want = md5hex(r->a, seccode, strlen(seccode), NULL, NULL)) ==
	    NULL)
		return failed(r, "could not compute MD5");
	if (len != strlen(want) || memcmp(body, want, len) != 0)
		return failed(r, "Geetest did not confirm the seccode");
	return 0;
}

int
captcha_verify(struct req *r, const char *endpoint)
{
	json_object	*v = NULL;

	if (cfg.captcha == NULL || strcmp(cfg.captcha, "none") == 0 ||
	    !captcha_is_protected(endpoint))
		return 0;
	if (r->input == NULL ||
	    !json_object_object_get_ex(r->input, "captcha_response", &v) ||
	    blank(v))
		return err_set(r, 400, "identity.captcha.required", NULL);
	if (strcmp(cfg.captcha, "recaptcha") == 0)
		return recaptcha(r, v);
	if (strcmp(cfg.captcha, "geetest") == 0)
		return geetest(r, v);
	return failed(r, arena_printf(r->a, "unknown captcha kind \"%s\"",
	    cfg.captcha));
}

json_object *
captcha_geetest_register(struct req *r)
{
	json_object	*o;
	const char	*why, *url;
	char		*body, *challenge, *gt;
	size_t		 len;

	url = geetest_url(r->a, "/register.php?gt=");
	if ((gt = curl_easy_escape(NULL, cfg.geetest_id, 0)) == NULL) {
		log_err("could not register with Geetest: out of memory");
		return NULL;
	}
	url = arena_printf(r->a, "%s%s", url, gt);
	curl_free(gt);
	if (fetch(r->a, url, NULL, &body, &len, &why) == -1) {
		log_warn("could not register with Geetest: %s", why);
		return NULL;
	}
	if ((challenge = md5hex(r->a, body, len, cfg.geetest_key, NULL)) ==
	    NULL) {
		log_err("could not register with Geetest: MD5 failed");
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "gt", json_object_new_string(cfg.geetest_id));
	json_object_object_add(o, "challenge",
	    json_object_new_string(challenge));
	return o;
}
