/*
 * lib/captcha.c against a fake HTTP server on 127.0.0.1 (a thread on an
 * ephemeral port answering canned replies and recording each request):
 * protected endpoints, blank responses, every reCAPTCHA and Geetest
 * outcome (success, refusals, bad replies, HTTP errors, hang-ups, refused
 * connections, timeouts, oversized replies) and Geetest's registration.
 * The module is included to shorten its timeout.
 */
#include "../../lib/captcha.c"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <strings.h>
#include <unistd.h>

#include "json.h"
#include "fakehttp.h"
#include "unit.h"

/* ------------------------------------------------------- fake server */

static struct {
	int		 port;
	pthread_mutex_t	 mu;
	/* what to answer */
	int		 status;
	char		*reply;		/* malloc'd */
	size_t		 reply_len;
	int		 delay_ms;
	int		 hangup;
	/* what was asked */
	int		 nreq;
	char		 method[16];
	char		 target[2048];
	char		 body[16384];
} fake;

static void
answer(int status, const char *body)
{
	pthread_mutex_lock(&fake.mu);
	free(fake.reply);
	fake.reply = strdup(body);
	fake.reply_len = strlen(body);
	fake.status = status;
	fake.delay_ms = 0;
	fake.hangup = 0;
	pthread_mutex_unlock(&fake.mu);
}

/* A reply of n bytes of 'x'. */
static void
answer_big(size_t n)
{
	pthread_mutex_lock(&fake.mu);
	free(fake.reply);
	fake.reply = malloc(n + 1);
	memset(fake.reply, 'x', n);
	fake.reply[n] = '\0';
	fake.reply_len = n;
	fake.status = 200;
	fake.delay_ms = 0;
	fake.hangup = 0;
	pthread_mutex_unlock(&fake.mu);
}

static int
nreq(void)
{
	int	n;

	pthread_mutex_lock(&fake.mu);
	n = fake.nreq;
	pthread_mutex_unlock(&fake.mu);
	return n;
}

/* Record the request, then answer as told (or hang up). */
static void
handle(int fd, const struct fakehttp_req *q)
{
	char	*reply;
	size_t	 reply_len;
	int	 status, delay, hangup;

	pthread_mutex_lock(&fake.mu);
	fake.nreq++;
	snprintf(fake.method, sizeof(fake.method), "%s", q->method);
	snprintf(fake.target, sizeof(fake.target), "%s", q->target);
	snprintf(fake.body, sizeof(fake.body), "%s", q->body);
	status = fake.status;
	delay = fake.delay_ms;
	hangup = fake.hangup;
	reply_len = fake.reply_len;
	reply = malloc(reply_len + 1);
	if (reply != NULL)
		memcpy(reply, fake.reply, reply_len + 1);
	pthread_mutex_unlock(&fake.mu);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);
	if (!hangup && reply != NULL)
		fakehttp_reply(fd, status, "text/plain", reply, reply_len);
	free(reply);
}

static void
start_server(void)
{
	pthread_mutex_init(&fake.mu, NULL);
	answer(200, "");
	fake.port = fakehttp_start(handle);
}

static void
stop_server(void)
{
	fakehttp_stop();
	free(fake.reply);
	fake.reply = NULL;
}

/* ------------------------------------------------------------ helpers */

static struct arena	*A;

static void
set(const char *key, const char *value)
{
	char	err[128];

	CU_ASSERT_EQUAL_FATAL(conf_set(key, value, err, sizeof(err)), 0);
}

/* Run captcha_verify on a request whose parameters are json. */
static int
verify(const char *json, const char *endpoint, int *status,
    const char **key)
{
	struct req	r;
	int		rc;

	http_init(&r, A);
	r.input = json_adopt(A, json_tokener_parse(json));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.input);
	rc = captcha_verify(&r, endpoint);
	*status = r.err.status;
	*key = r.err.nkeys > 0 ? r.err.keys[0] : "";
	return rc;
}

#define EXPECT(json, endpoint, ...)	EXPECT_(json, endpoint, __VA_ARGS__)
#define EXPECT_(json, endpoint, want_status, want_key) do {		\
	int st_; const char *k_;					\
	int rc_ = verify((json), (endpoint), &st_, &k_);		\
	if (st_ != (want_status))					\
		fprintf(stderr, "\n%s: status %d (%s), want %d\n",	\
		    (json), st_, k_, (want_status));			\
	CU_ASSERT_EQUAL(rc_, (want_status) == 0 ? 0 : -1);		\
	CU_ASSERT_EQUAL(st_, (want_status));				\
	CU_ASSERT_STRING_EQUAL(k_, (want_key));				\
} while (0)

#define REQUIRED	400, "identity.captcha.required"
#define MANDATORY	400, "identity.captcha.mandatory_fields"
#define FAILED		422, "identity.captcha.verification_failed"
#define PASSED		0, ""

static const char *
url(const char *path)
{
	return arena_printf(A, "http://127.0.0.1:%d%s", fake.port, path);
}

static void
setup(void)
{
	A = arena_new(0);
	conf_defaults();
	CU_ASSERT_EQUAL(captcha_start(), 0);
	CU_ASSERT_EQUAL(captcha_start(), 0);
	start_server();
	timeout_ms = 500;
}

/* ------------------------------------------------------------- tests */

static void
test_md5(void)
{
	CU_ASSERT_STRING_EQUAL(md5hex(A, "", 0, NULL, NULL),
	    "d41d8cd98f00b204e9800998ecf8427e");
	CU_ASSERT_STRING_EQUAL(md5hex(A, "abc", 3, NULL, NULL),
	    "900150983cd24fb0d6963f7d28e17f72");
	CU_ASSERT_STRING_EQUAL(md5hex(A, "a", 1, "b", "c"),
	    "900150983cd24fb0d6963f7d28e17f72");
	CU_ASSERT_STRING_EQUAL(md5hex(A, "message digest", 14, NULL, NULL),
	    "f96b697d7cb7938d525a2f31aaf161d0");
}

static void
test_unprotected(void)
{
	static const char *const only_login[] = { "session_create" };

	set("captcha", "none");
	EXPECT("{}", "session_create", PASSED);
	EXPECT("{}", "user_create", PASSED);
	set("captcha", "recaptcha");
	/* The default protects the four endpoints. */
	CU_ASSERT(captcha_is_protected("user_create"));
	CU_ASSERT(captcha_is_protected("session_create"));
	CU_ASSERT(captcha_is_protected("password_reset"));
	CU_ASSERT(captcha_is_protected("email_confirmation"));
	CU_ASSERT(!captcha_is_protected("other"));
	CU_ASSERT(!captcha_is_protected(NULL));
	EXPECT("{}", "user_create", REQUIRED);
	EXPECT("{}", "something_else", PASSED);
	CU_ASSERT_EQUAL(captcha_set_protected(only_login, 1), 0);
	EXPECT("{}", "user_create", PASSED);
	EXPECT("{}", "password_reset", PASSED);
	EXPECT("{}", "session_create", REQUIRED);
	CU_ASSERT_EQUAL(captcha_set_protected(NULL, 0), 0);
	EXPECT("{}", "session_create", PASSED);
	CU_ASSERT_EQUAL(captcha_set_protected(default_endpoints, 4), 0);
	EXPECT("{}", "password_reset", REQUIRED);
	CU_ASSERT_EQUAL(nreq(), 0);
}

static void
test_blank(void)
{
	static const char *const blanks[] = {
		"{}", "{\"captcha_response\":null}",
		"{\"captcha_response\":\"\"}",
		"{\"captcha_response\":\" \\t\\n\"}",
		"{\"captcha_response\":{}}", "{\"captcha_response\":[]}",
		"{\"captcha_response\":false}", NULL
	};
	size_t	i;

	set("captcha", "recaptcha");
	for (i = 0; blanks[i] != NULL; i++)
		EXPECT(blanks[i], "session_create", REQUIRED);
	set("captcha", "geetest");
	for (i = 0; blanks[i] != NULL; i++)
		EXPECT(blanks[i], "user_create", REQUIRED);
	CU_ASSERT_EQUAL(nreq(), 0);
}

static void
test_recaptcha(void)
{
	int	n;

	set("captcha", "recaptcha");
	set("recaptcha_secret_key", "s&cret=1");
	set("recaptcha_verify_url", url("/recaptcha/api/siteverify"));

	answer(200, "{\"success\":true,\"hostname\":\"example.com\"}");
	n = nreq();
	EXPECT("{\"captcha_response\":\"tok en+/é\"}", "session_create",
	    PASSED);
	CU_ASSERT_EQUAL(nreq(), n + 1);
	CU_ASSERT_STRING_EQUAL(fake.method, "POST");
	CU_ASSERT_STRING_EQUAL(fake.target, "/recaptcha/api/siteverify");
	CU_ASSERT_STRING_EQUAL(fake.body,
	    "secret=s%26cret%3D1&response=tok%20en%2B%2F%C3%A9");
	CU_ASSERT_PTR_NULL(strstr(fake.body, "remoteip"));

	/* A long token (no 100-continue round trip) still passes. */
	{
		char	tok[3000];
		char	*json;

		memset(tok, 'T', sizeof(tok) - 1);
		tok[sizeof(tok) - 1] = '\0';
		json = arena_printf(A, "{\"captcha_response\":\"%s\"}", tok);
		EXPECT(json, "session_create", PASSED);
		CU_ASSERT_EQUAL(strlen(fake.body), strlen("secret=s%26cret%3D1"
		    "&response=") + sizeof(tok) - 1);
	}

	answer(200, "{\"success\":false,\"error-codes\":"
	    "[\"invalid-input-response\"]}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "{\"success\":\"true\"}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "{\"success\":1}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "{\"hostname\":\"x\"}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "[true]");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "success: true");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "{\"success\":true} trailing");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(200, "");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(500, "{\"success\":true}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	answer(302, "{\"success\":true}");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);

	/* Not a string: no request at all. */
	answer(200, "{\"success\":true}");
	n = nreq();
	EXPECT("{\"captcha_response\":{\"a\":\"b\"}}", "session_create",
	    FAILED);
	EXPECT("{\"captcha_response\":123}", "session_create", FAILED);
	EXPECT("{\"captcha_response\":true}", "session_create", FAILED);
	CU_ASSERT_EQUAL(nreq(), n);
}

static void
test_transport(void)
{
	int	 closed;

	set("captcha", "recaptcha");
	set("recaptcha_verify_url", url("/siteverify"));

	/* The server hangs up without answering. */
	answer(200, "{\"success\":true}");
	fake.hangup = 1;
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	/* Too slow. */
	answer(200, "{\"success\":true}");
	fake.delay_ms = 900;
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	/* Too big, and just small enough (a JSON reply padded out). */
	answer_big(REPLY_MAX + 1);
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	{
		char	*big = malloc(REPLY_MAX + 1);

		memset(big, ' ', REPLY_MAX);
		memcpy(big, "{\"success\":true}", 16);
		big[REPLY_MAX] = '\0';
		answer(200, big);
		free(big);
		EXPECT("{\"captcha_response\":\"t\"}", "session_create",
		    PASSED);
	}
	/* Nobody listening. */
	closed = socket(AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in	sin;
		socklen_t		slen = sizeof(sin);

		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		bind(closed, (struct sockaddr *)&sin, sizeof(sin));
		getsockname(closed, (struct sockaddr *)&sin, &slen);
		set("recaptcha_verify_url", arena_printf(A,
		    "http://127.0.0.1:%d/siteverify", ntohs(sin.sin_port)));
	}
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	close(closed);
	/* Schemes other than http(s), and junk. */
	set("recaptcha_verify_url", "file:///etc/passwd");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
	set("recaptcha_verify_url", "not a url");
	EXPECT("{\"captcha_response\":\"t\"}", "session_create", FAILED);
}

static void
test_geetest(void)
{
	const char	*validate, *seccode, *json;
	int		 n;

	set("captcha", "geetest");
	set("geetest_key", "k3y");
	set("geetest_api_url", url(""));

	/* Shapes refused before anything else. */
	n = nreq();
	EXPECT("{\"captcha_response\":\"just a string\"}", "user_create",
	    MANDATORY);
	EXPECT("{\"captcha_response\":123}", "user_create", MANDATORY);
	EXPECT("{\"captcha_response\":{\"geetest_challenge\":\"c\"}}",
	    "user_create", MANDATORY);
	EXPECT("{\"captcha_response\":{\"geetest_challenge\":\"c\","
	    "\"geetest_validate\":\"v\"}}", "user_create", MANDATORY);
	EXPECT("{\"captcha_response\":{\"geetest_challenge\":\"c\","
	    "\"geetest_validate\":\"v\",\"geetest_seccode\":1}}",
	    "user_create", MANDATORY);
	EXPECT("{\"captcha_response\":{\"geetest_challenge\":[\"c\"],"
	    "\"geetest_validate\":\"v\",\"geetest_seccode\":\"s\"}}",
	    "user_create", MANDATORY);
	/* A wrong validate fails without asking Geetest. */
	EXPECT("{\"captcha_response\":{\"geetest_challenge\":\"c\","
	    "\"geetest_validate\":\"v\",\"geetest_seccode\":\"s\"}}",
	    "user_create", FAILED);
	CU_ASSERT_EQUAL(nreq(), n);

	validate = md5hex(A, "k3y", 3, "geetest", "chal&enge");
	seccode = "5ecc0de|jordan";
	json = arena_printf(A, "{\"captcha_response\":{\"geetest_challenge\":"
	    "\"chal&enge\",\"geetest_validate\":\"%s\","
	    "\"geetest_seccode\":\"%s\"}}", validate, seccode);

	answer(200, md5hex(A, seccode, strlen(seccode), NULL, NULL));
	EXPECT(json, "user_create", PASSED);
	CU_ASSERT_EQUAL(nreq(), n + 1);
	CU_ASSERT_STRING_EQUAL(fake.method, "POST");
	CU_ASSERT_STRING_EQUAL(fake.target, "/validate.php");
	CU_ASSERT_STRING_EQUAL(fake.body, "seccode=5ecc0de%7Cjordan");

	/* A trailing slash in the base URL is not doubled. */
	set("geetest_api_url", url("/gt/"));
	EXPECT(json, "user_create", PASSED);
	CU_ASSERT_STRING_EQUAL(fake.target, "/gt/validate.php");
	set("geetest_api_url", url(""));

	/* Anything but the exact digest fails. */
	answer(200, arena_printf(A, "%s\n",
	    md5hex(A, seccode, strlen(seccode), NULL, NULL)));
	EXPECT(json, "user_create", FAILED);
	answer(200, "fail");
	EXPECT(json, "user_create", FAILED);
	answer(200, "");
	EXPECT(json, "user_create", FAILED);
	answer(200, md5hex(A, "other", 5, NULL, NULL));
	EXPECT(json, "user_create", FAILED);
	answer(500, md5hex(A, seccode, strlen(seccode), NULL, NULL));
	EXPECT(json, "user_create", FAILED);
	answer(200, md5hex(A, seccode, strlen(seccode), NULL, NULL));
	fake.hangup = 1;
	EXPECT(json, "user_create", FAILED);
	/* The validate is compared exactly (case and length). */
	answer(200, md5hex(A, seccode, strlen(seccode), NULL, NULL));
	EXPECT(arena_printf(A, "{\"captcha_response\":{\"geetest_challenge\":"
	    "\"chal&enge\",\"geetest_validate\":\"%.31s\","
	    "\"geetest_seccode\":\"%s\"}}", validate, seccode), "user_create",
	    FAILED);
}

static void
test_register(void)
{
	struct req	 r;
	json_object	*o;
	const char	*s;

	set("geetest_id", "gt id&1");
	set("geetest_key", "k3y");
	set("geetest_api_url", url(""));

	http_init(&r, A);
	answer(200, "0123456789abcdef0123456789abcdef");
	o = captcha_geetest_register(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	json_adopt(A, o);
	CU_ASSERT_STRING_EQUAL(fake.method, "GET");
	CU_ASSERT_STRING_EQUAL(fake.target, "/register.php?gt=gt%20id%261");
	s = json_dump(A, o, NULL);
	CU_ASSERT_STRING_EQUAL(s, arena_printf(A,
	    "{\"gt\":\"gt id&1\",\"challenge\":\"%s\"}",
	    md5hex(A, "0123456789abcdef0123456789abcdef", 32, "k3y", NULL)));
	CU_ASSERT_EQUAL(r.err.status, 0);

	/* An empty reply still gives a challenge (Barong's behaviour). */
	answer(200, "");
	o = captcha_geetest_register(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	json_adopt(A, o);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_object_get(o, "challenge")),
	    md5hex(A, "k3y", 3, NULL, NULL));

	answer_big(REPLY_MAX);
	o = captcha_geetest_register(&r);
	CU_ASSERT_PTR_NOT_NULL(o);
	json_object_put(o);
	answer_big(REPLY_MAX + 1);
	CU_ASSERT_PTR_NULL(captcha_geetest_register(&r));
	answer(404, "no");
	CU_ASSERT_PTR_NULL(captcha_geetest_register(&r));
	answer(200, "x");
	fake.hangup = 1;
	CU_ASSERT_PTR_NULL(captcha_geetest_register(&r));
	answer(200, "x");
	fake.delay_ms = 900;
	CU_ASSERT_PTR_NULL(captcha_geetest_register(&r));
	CU_ASSERT_EQUAL(r.err.status, 0);
}

static void
teardown(void)
{
	stop_server();
	captcha_set_protected(default_endpoints, 4);
	arena_free(A);
	curl_global_cleanup();
}

static const struct unit_test tests[] = {
	{ "start the fake server", setup },
	{ "md5", test_md5 },
	{ "captcha none, unprotected endpoints", test_unprotected },
	{ "blank responses", test_blank },
	{ "reCAPTCHA", test_recaptcha },
	{ "transport failures", test_transport },
	{ "Geetest", test_geetest },
	{ "Geetest registration", test_register },
	{ "stop the fake server", teardown },
	{ NULL, NULL }
};

UNIT_MAIN("captcha", tests)
