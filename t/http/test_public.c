/*
 * The public family through the web server (user-api.md §4, §1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "htest.h"

#define P	"/api/v2/barong/public"
#define FORM	"application/x-www-form-urlencoded"
#define JSON	"application/json"
#define CONFIGS	"{\"session_expire_time\":1800,\"captcha_type\":\"none\"," \
	"\"phone_verification_type\":\"mock\",\"password_min_entropy\":14," \
	"\"password_regexp\":\"(?-mix:^(?=.*[[:lower:]])(?=.*[[:upper:]])" \
	"(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$)\"}"
#define NOT_FOUND "{\"error\":\"Route is not found\"}"

static const struct ht_case cases[] = {
	/* general endpoints, both mounts */
	{ "ping", "GET", P "/ping", NULL, NULL, 200, "{\"ping\":\"pong\"}",
	  NULL, "Content-Type: application/json" },
	{ "ping stripped mount", "GET", "/api/v2/public/ping", NULL, NULL, 200,
	  "{\"ping\":\"pong\"}", NULL, NULL },
	{ "ping HEAD", "HEAD", P "/ping", NULL, NULL, 200, "", NULL, NULL },
	{ "ping with query", "GET", P "/ping?x=1&y[]=2", NULL, NULL, 200,
	  "{\"ping\":\"pong\"}", NULL, NULL },
	{ "time", "GET", P "/time", NULL, NULL, 200, NULL,
	  "^\\{\"time\":[0-9]{10}\\}$", NULL },
	{ "version", "GET", P "/version", NULL, NULL, 200, NULL,
	  "^\\{\"git_tag\":\"2\\.7\\.0\",\"git_sha\":\"[0-9a-z]+\","
	  "\"build_date\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	  "[0-9]{2}\\.000[+-][0-9]{2}:[0-9]{2}\",\"version\":\"2\\.7\\.0\"\\}$",
	  NULL },
	{ "configs", "GET", P "/configs", NULL, NULL, 200, CONFIGS, NULL,
	  NULL },
	{ "configs stripped mount", "GET", "/api/v2/public/configs", NULL,
	  NULL, 200, CONFIGS, NULL, NULL },
	{ "configs auth0", "GET", P "/configs/auth0", NULL, NULL, 200,
	  "{\"auth0_domain\":\"\",\"auth0_client_id\":\"\"}", NULL, NULL },

	/* password/validate: the spec's reference values, over every encoding */
	{ "entropy Password1 (form)", "POST", P "/password/validate", FORM,
	  "password=Password1", 201, "{\"entropy\":2}", NULL, NULL },
	{ "entropy Qq123123 (json)", "POST", P "/password/validate", JSON,
	  "{\"password\":\"Qq123123\"}", 201, "{\"entropy\":5.5}", NULL, NULL },
	{ "entropy QqQq123123 (query)", "POST",
	  P "/password/validate?password=QqQq123123", NULL, NULL, 201,
	  "{\"entropy\":10.5}", NULL, NULL },
	{ "entropy Tecohvi0", "POST", P "/password/validate", FORM,
	  "password=Tecohvi0", 201, "{\"entropy\":15.5}", NULL, NULL },
	{ "entropy Iequ4geiEWQw", "POST", P "/password/validate", JSON,
	  "{\"password\":\"Iequ4geiEWQw\"}", 201, "{\"entropy\":19.59375}",
	  NULL, NULL },
	{ "entropy Aa1!", "POST", P "/password/validate", FORM,
	  "password=Aa1%21", 201, "{\"entropy\":7.0}", NULL, NULL },
	{ "entropy empty", "POST", P "/password/validate", FORM, "password=",
	  201, "{\"entropy\":-2}", NULL, NULL },
	{ "entropy passphrase", "POST", P "/password/validate", FORM,
	  "password=correct+horse+battery+staple", 201,
	  "{\"entropy\":35.3515625}", NULL, NULL },
	{ "body overrides query", "POST",
	  P "/password/validate?password=Password1", JSON,
	  "{\"password\":\"Tecohvi0\"}", 201, "{\"entropy\":15.5}", NULL, NULL },
	{ "entropy stripped mount", "POST", "/api/v2/public/password/validate",
	  FORM, "password=Password1", 201, "{\"entropy\":2}", NULL, NULL },
	{ "password missing", "POST", P "/password/validate", NULL, NULL, 422,
	  "{\"errors\":[\"public.general.missing_password\"]}", NULL, NULL },
	{ "password missing (json)", "POST", P "/password/validate", JSON,
	  "{\"other\":1}", 422,
	  "{\"errors\":[\"public.general.missing_password\"]}", NULL, NULL },
	{ "password array", "POST", P "/password/validate", FORM,
	  "password[]=a&password[]=b", 422, "{\"errors\":[\"invalid\"]}", NULL,
	  NULL },
	{ "password object", "POST", P "/password/validate", JSON,
	  "{\"password\":{\"a\":1}}", 422, "{\"errors\":[\"invalid\"]}", NULL,
	  NULL },
	{ "password number is stringified", "POST", P "/password/validate",
	  JSON, "{\"password\":12345678}", 201, NULL,
	  "^\\{\"entropy\":-?[0-9.]+\\}$", NULL },
	{ "password invalid utf-8", "POST", P "/password/validate", FORM,
	  "password=%ff%fe", 422, "{\"errors\":[\"invalid\"]}", NULL, NULL },
	{ "password with NUL", "POST", P "/password/validate", FORM,
	  "password=ab%00cd", 422, "{\"errors\":[\"invalid\"]}", NULL, NULL },

	/* kyc: kyc_provider = local in the stack */
	{ "kyc local", "POST", P "/kyc", JSON, "{\"type\":\"VERIFICATION\"}",
	  422, "422", NULL, NULL },

	/* health (from later Barong versions) */
	{ "health alive", "GET", P "/health/alive", NULL, NULL, 200, "200",
	  NULL, NULL },
	{ "health ready", "GET", P "/health/ready", NULL, NULL, 200, "200",
	  NULL, NULL },

	/* routing */
	{ "unknown path", "GET", P "/nope", NULL, NULL, 404, NOT_FOUND, NULL,
	  NULL },
	{ "unknown family path", "GET", "/api/v2/barong/publicity/ping", NULL,
	  NULL, 404, NOT_FOUND, NULL, NULL },
	{ "wrong method", "GET", P "/password/validate", NULL, NULL, 404,
	  NOT_FOUND, NULL, NULL },
	{ "POST to GET route", "POST", P "/ping", NULL, NULL, 404, NOT_FOUND,
	  NULL, NULL },
	{ "DELETE", "DELETE", P "/time", NULL, NULL, 404, NOT_FOUND, NULL,
	  NULL },
	{ "mount root", "GET", P, NULL, NULL, 404, NOT_FOUND, NULL, NULL },
	{ "trailing slash", "GET", P "/ping/", NULL, NULL, 404, NOT_FOUND,
	  NULL, NULL },
	{ "unknown route ignores bad body", "POST", P "/nope", JSON, "{bad",
	  404, NOT_FOUND, NULL, NULL },

	/* bad input */
	{ "malformed JSON body", "POST", P "/password/validate", JSON,
	  "{\"password\":", 500, "{\"errors\":[\"server.internal_error\"]}",
	  NULL, NULL },
	{ "JSON with trailing garbage", "POST", P "/password/validate", JSON,
	  "{\"password\":\"x\"} x", 500,
	  "{\"errors\":[\"server.internal_error\"]}", NULL, NULL },
	{ "malformed form body", "POST", P "/password/validate", FORM,
	  "password=%zz", 400, "{\"errors\":[\"server.bad_request\"]}", NULL,
	  NULL },
	{ "malformed query", "GET", P "/ping?a=%", NULL, NULL, 400,
	  "{\"errors\":[\"server.bad_request\"]}", NULL, NULL },
	{ "conflicting nesting", "POST", P "/password/validate", FORM,
	  "password=x&password[a]=y", 400,
	  "{\"errors\":[\"server.bad_request\"]}", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }
};

static void
test_time_is_now(void)
{
	struct ht_resp	r;
	long long	t = 0;

	if (ht_request("GET", P "/time", NULL, NULL, 0, NULL, &r) == 0)
		sscanf(r.body, "{\"time\":%lld}", &t);
	ht_check(llabs(t - (long long)time(NULL)) <= 5, "time is now",
	    "time %lld", t);
	ht_resp_free(&r);
}

static void
test_request_id(void)
{
	static const char *const h[] = { "X-Request-Id: test-123", NULL };
	struct ht_resp	r;

	ht_request("GET", P "/ping", NULL, NULL, 0, h, &r);
	ht_check(ht_match("X-Request-Id: test-123", r.headers),
	    "request id echoed", "%s", r.headers);
	ht_resp_free(&r);
}

static void
test_cors(void)
{
	static const char *const pre[] = { "Origin: https://app.example",
		"Access-Control-Request-Method: POST",
		"Access-Control-Request-Headers: content-type", NULL };
	static const char *const get[] = { "Origin: https://app.example",
		NULL };
	struct ht_resp	r;

	ht_request("OPTIONS", P "/password/validate", NULL, NULL, 0, pre, &r);
	ht_check(r.status == 200, "cors preflight", "status %ld", r.status);
	ht_check(ht_match("Access-Control-Allow-Origin: \\*", r.headers) &&
	    ht_match("Access-Control-Allow-Methods: GET, POST, DELETE, PUT, "
	    "PATCH, OPTIONS, HEAD", r.headers) &&
	    ht_match("Access-Control-Max-Age: 3600", r.headers),
	    "cors preflight headers", "%s", r.headers);
	ht_resp_free(&r);
	ht_request("GET", P "/ping", NULL, NULL, 0, get, &r);
	ht_check(ht_match("Access-Control-Allow-Origin: \\*", r.headers),
	    "cors simple request", "%s", r.headers);
	ht_resp_free(&r);
	ht_request("GET", P "/ping", NULL, NULL, 0, NULL, &r);
	ht_check(!ht_match("Access-Control-Allow-Origin", r.headers),
	    "no cors headers without Origin", "%s", r.headers);
	ht_resp_free(&r);
}

/* Bodies over body_limit are refused whole, never half-read. */
static void
test_big_bodies(void)
{
	size_t		 n = 4 * 1024 * 1024;
	char		*big = malloc(n + 32);
	struct ht_resp	 r;

	memcpy(big, "password=", 9);
	memset(big + 9, 'a', n - 9);
	big[n] = '\0';
	ht_request("POST", P "/password/validate", FORM, big, n, NULL, &r);
	ht_check(r.status == 413 && strcmp(r.body,
	    "{\"errors\":[\"server.payload_too_large\"]}") == 0,
	    "body over the limit", "status %ld body %.200s", r.status, r.body);
	ht_resp_free(&r);

	/* Many parameters: bounded by max_params. */
	{
		size_t	 i, o = 0;

		for (i = 0; i < 2000 && o + 16 < n; i++)
			o += (size_t)snprintf(big + o, n - o, "p%zu=1&", i);
		ht_request("POST", P "/password/validate", FORM, big, o, NULL,
		    &r);
		ht_check(r.status == 400, "too many parameters", "status %ld",
		    r.status);
		ht_resp_free(&r);
	}

	/* A long password within the limits is measured, not refused. */
	memcpy(big, "password=", 9);
	memset(big + 9, 'x', 4000);
	ht_request("POST", P "/password/validate", FORM, big, 4009, NULL, &r);
	ht_check(r.status == 201, "long password measured", "status %ld",
	    r.status);
	ht_resp_free(&r);
	free(big);
}

int
main(void)
{
	ht_init();
	ht_run_all(cases);
	test_time_is_now();
	test_request_id();
	test_cors();
	test_big_bodies();
	return ht_done();
}
