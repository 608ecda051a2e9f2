/*
 * lib/sms.c, every provider: mock, file (messages in a directory), command
 * (a script that records its arguments; failures, hangs, no shell), and
 * Twilio's Messages and Verify APIs against a fake HTTP server on
 * 127.0.0.1 (a thread on an ephemeral port answering canned replies and
 * recording each request): paths, Basic auth, forms, Twilio's error codes
 * mapped to Barong's, transport failures.  The module is included to
 * shorten its timeouts.
 */
#include "../../lib/sms.c"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <pthread.h>
#include <strings.h>

#include "fakehttp.h"
#include "unit.h"

/* ------------------------------------------------------- fake server */

static struct {
	int		 port;
	pthread_mutex_t	 mu;
	int		 status;
	char		 reply[4096];
	int		 delay_ms;
	int		 nreq;
	char		 target[2048];
	char		 auth[512];
	char		 body[16384];
} fake;

static void
answer(int status, const char *body)
{
	pthread_mutex_lock(&fake.mu);
	snprintf(fake.reply, sizeof(fake.reply), "%s", body);
	fake.status = status;
	fake.delay_ms = 0;
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

/* Record the request, then answer as told. */
static void
handle(int fd, const struct fakehttp_req *q)
{
	char	reply[4096];
	int	status, delay;

	pthread_mutex_lock(&fake.mu);
	fake.nreq++;
	snprintf(fake.target, sizeof(fake.target), "%s", q->target);
	fakehttp_header(q, "Authorization", fake.auth, sizeof(fake.auth));
	snprintf(fake.body, sizeof(fake.body), "%s", q->body);
	status = fake.status;
	delay = fake.delay_ms;
	memcpy(reply, fake.reply, sizeof(reply));
	pthread_mutex_unlock(&fake.mu);
	if (delay > 0)
		usleep((useconds_t)delay * 1000);
	fakehttp_reply(fd, status, "application/json", reply, strlen(reply));
}

static void
start_server(void)
{
	pthread_mutex_init(&fake.mu, NULL);
	answer(200, "{}");
	fake.port = fakehttp_start(handle);
}

/* ------------------------------------------------------------ helpers */

static struct arena	*A;
static char		 tmpdir[] = "/tmp/test_sms.XXXXXX";
static struct req	 R;

static const char *
tpath(const char *name)
{
	return arena_printf(A, "%s/%s", tmpdir, name);
}

static void
set(const char *key, const char *value)
{
	char	err[128];

	CU_ASSERT_EQUAL_FATAL(conf_set(key, value, err, sizeof(err)), 0);
}

static struct req *
fresh(void)
{
	http_init(&R, A);
	return &R;
}

static const char *
errkey(void)
{
	return R.err.nkeys > 0 ? R.err.keys[0] : "";
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*s = arena_alloc(A, 8192);
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(s, 1, 8191, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
write_script(const char *name, const char *body)
{
	FILE	*f = fopen(tpath(name), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(tpath(name), 0755), 0);
}

static const char *
url(void)
{
	return arena_printf(A, "http://127.0.0.1:%d/", fake.port);
}

static void
setup(void)
{
	A = arena_new(0);
	conf_defaults();
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	start_server();
	timeout_ms = 500;
	command_timeout_ms = 300;
}

/* ------------------------------------------------------------- tests */

static void
test_start(void)
{
	set("phone_verification", "mock");
	CU_ASSERT_EQUAL(sms_start(), 0);
	set("phone_verification", "file");
	set("phone_sms_dir", "");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("phone_sms_dir", tmpdir);
	CU_ASSERT_EQUAL(sms_start(), 0);
	set("phone_verification", "command");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("phone_command", "bin/send");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("phone_command", "/bin/true");
	CU_ASSERT_EQUAL(sms_start(), 0);
	set("phone_verification", "twilio_sms");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("twilio_account_sid", "AC123");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("twilio_auth_token", "tok");
	/* Barong's default sender, Twilio's magic test number. */
	CU_ASSERT_STRING_EQUAL(cfg.twilio_phone_number, "+15005550000");
	CU_ASSERT_EQUAL(sms_start(), 0);
	set("twilio_phone_number", "");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("phone_verification", "twilio_verify");
	CU_ASSERT_EQUAL(sms_start(), -1);
	set("twilio_service_sid", "VA1");
	CU_ASSERT_EQUAL(sms_start(), 0);
	conf_defaults();
}

static void
test_text(void)
{
	fresh();
	CU_ASSERT_STRING_EQUAL(sms_text(&R, "01234"),
	    "Your verification code for Barong: 01234");
	set("sms_content_template", "{{code}} is {{code}}; {{ code}} {{cod");
	CU_ASSERT_STRING_EQUAL(sms_text(&R, "55555"),
	    "55555 is 55555; {{ code}} {{cod");
	set("sms_content_template", "no code %s%n");
	CU_ASSERT_STRING_EQUAL(sms_text(&R, "1"), "no code %s%n");
	conf_defaults();
}

static void
test_twilio_errors(void)
{
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(21612),
	    "resource.phone.num_not_reachable");
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(21614),
	    "resource.phone.num_not_valid");
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(21618),
	    "resource.phone.sms_content_invalid");
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(21610),
	    "resource.phone.unsubscribed_recipient");
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(20404),
	    "resource.phone.twilio_unexpected");
	CU_ASSERT_STRING_EQUAL(sms_twilio_error(0),
	    "resource.phone.twilio_unexpected");
}

static void
test_mock(void)
{
	set("phone_verification", "mock");
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "12345", "sms"), 0);
	/* Any code, even a wrong one. */
	CU_ASSERT_EQUAL(sms_verify(fresh(), "447418084106", "12345", "99999"),
	    1);
	CU_ASSERT_EQUAL(nreq(), 0);
}

/* The one message file in dir (removed), or NULL. */
static char *
take_message(void)
{
	DIR		*d;
	struct dirent	*e;
	char		*text = NULL, *p;
	int		 n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d = opendir(tmpdir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    strstr(e->d_name, ".sms") == NULL)
			continue;
		n++;
		p = arena_printf(A, "%s/%s", tmpdir, e->d_name);
		text = slurp(p);
		unlink(p);
	}
	closedir(d);
	CU_ASSERT_EQUAL(n, 1);
	return text;
}

static void
test_file(void)
{
	char	*text;

	set("phone_verification", "file");
	set("phone_sms_dir", tmpdir);
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "04321", "sms"), 0);
	text = take_message();
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "To: +447418084106\nChannel: sms\n\n"
	    "Your verification code for Barong: 04321\n");
	CU_ASSERT_EQUAL(sms_send(fresh(), "79225551234", "11111", "call"), 0);
	text = take_message();
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Channel: call\n"));
	/* The stored code, exactly. */
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "11111", "11111"),
	    1);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "11111", "11112"),
	    0);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "11111",
	    "111110"), 0);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "11111", ""), 0);
	/* A phone without a code accepts nothing. */
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "", ""), 0);
	/* A missing directory is a server fault. */
	set("phone_sms_dir", tpath("missing"));
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "04321", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	conf_defaults();
}

static void
test_command(void)
{
	char	*args;

	set("phone_verification", "command");
	write_script("send", arena_printf(A,
	    "printf '%%s|' \"$#\" \"$@\" > %s/args; echo out; exit 0",
	    tmpdir));
	set("phone_command", tpath("send"));
	set("sms_content_template", "code {{code}} $(touch x) `id`; 'q\"");
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "24680", "sms"), 0);
	args = slurp(tpath("args"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	/* Two arguments, passed verbatim: no shell in between. */
	CU_ASSERT_STRING_EQUAL(args, "2|+447418084106|code 24680 $(touch x) "
	    "`id`; 'q\"|");
	CU_ASSERT_EQUAL(access("x", F_OK), -1);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "447418084106", "24680", "24680"),
	    1);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "447418084106", "24680", "24681"),
	    0);

	/* It fails: 500. */
	write_script("fail", "exit 3");
	set("phone_command", tpath("fail"));
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "24680", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	/* It is not there. */
	set("phone_command", tpath("nothing"));
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "24680", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	/* It hangs: killed after the timeout. */
	write_script("hang", "exec sleep 30");
	set("phone_command", tpath("hang"));
	{
		time_t	t0 = time(NULL);

		CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "24680",
		    "sms"), -1);
		CU_ASSERT_EQUAL(R.err.status, 500);
		CU_ASSERT(time(NULL) - t0 < 5);
	}
	/* It sees no descriptor of ours but stdin, stdout and stderr. */
	write_script("fds", arena_printf(A,
	    "ls /proc/self/fd > %s/fds; read x; echo $? >> %s/fds",
	    tmpdir, tmpdir));
	set("phone_command", tpath("fds"));
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "24680", "sms"), 0);
	args = slurp(tpath("fds"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	/* ls's own directory descriptor is the 4th; stdin is at EOF. */
	CU_ASSERT_STRING_EQUAL(args, "0\n1\n2\n3\n1\n");
	conf_defaults();
}

static void
twilio_conf(const char *kind)
{
	set("phone_verification", kind);
	set("twilio_account_sid", "AC/1 2");
	set("twilio_auth_token", "s3cret");
	set("twilio_service_sid", "VA9");
	set("twilio_api_url", url());
	set("twilio_verify_url", url());
	CU_ASSERT_EQUAL(sms_start(), 0);
}

static void
test_twilio_sms(void)
{
	int	n;

	twilio_conf("twilio_sms");
	answer(201, "{\"sid\":\"SM1\",\"status\":\"queued\"}");
	n = nreq();
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "13579", "call"), 0);
	CU_ASSERT_EQUAL(nreq(), n + 1);
	/* The SID is escaped in the path. */
	CU_ASSERT_STRING_EQUAL(fake.target,
	    "/2010-04-01/Accounts/AC%2F1%202/Messages.json");
	/* base64("AC/1 2:s3cret") */
	CU_ASSERT_STRING_EQUAL(fake.auth, "Basic QUMvMSAyOnMzY3JldA==");
	CU_ASSERT_STRING_EQUAL(fake.body, "To=%2B447418084106&From=%2B15005550000"
	    "&Body=Your%20verification%20code%20for%20Barong%3A%2013579");
	/* Verification is local: no request. */
	CU_ASSERT_EQUAL(sms_verify(fresh(), "447418084106", "13579", "13579"),
	    1);
	CU_ASSERT_EQUAL(sms_verify(fresh(), "447418084106", "13579", "13570"),
	    0);
	CU_ASSERT_EQUAL(nreq(), n + 1);

	/* Twilio's errors, Barong's codes. */
#define REFUSED(st_, body_, key_) do {					\
	answer((st_), (body_));						\
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "1", "sms"), -1); \
	CU_ASSERT_EQUAL(R.err.status, 422);				\
	CU_ASSERT_STRING_EQUAL(errkey(), (key_));			\
} while (0)
	REFUSED(400, "{\"code\":21612,\"message\":\"x\",\"status\":400}",
	    "resource.phone.num_not_reachable");
	REFUSED(400, "{\"code\":21614}", "resource.phone.num_not_valid");
	REFUSED(400, "{\"code\":21618}", "resource.phone.sms_content_invalid");
	REFUSED(400, "{\"code\":21610}",
	    "resource.phone.unsubscribed_recipient");
	REFUSED(401, "{\"code\":20003,\"message\":\"Authenticate\"}",
	    "resource.phone.twilio_unexpected");
	REFUSED(400, "{\"code\":\"21614\"}",
	    "resource.phone.twilio_unexpected");
	REFUSED(500, "<html>oops</html>", "resource.phone.twilio_unexpected");
	REFUSED(302, "", "resource.phone.twilio_unexpected");

	/* Transport failures: 500. */
	answer(201, "{}");
	fake.delay_ms = 900;
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "1", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	answer(201, "{}");
	set("twilio_api_url", "http://127.0.0.1:1");
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "1", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	set("twilio_api_url", "file:///etc/passwd#");
	CU_ASSERT_EQUAL(sms_send(fresh(), "447418084106", "1", "sms"), -1);
	CU_ASSERT_EQUAL(R.err.status, 500);
	conf_defaults();
}

static void
test_twilio_verify(void)
{
	twilio_conf("twilio_verify");
	answer(201, "{\"sid\":\"VE1\",\"status\":\"pending\"}");
	CU_ASSERT_EQUAL(sms_send(fresh(), "79225551234", "ignored", "call"),
	    0);
	CU_ASSERT_STRING_EQUAL(fake.target, "/v2/Services/VA9/Verifications");
	CU_ASSERT_STRING_EQUAL(fake.auth, "Basic QUMvMSAyOnMzY3JldA==");
	CU_ASSERT_STRING_EQUAL(fake.body, "To=%2B79225551234&Channel=call");

	answer(200, "{\"status\":\"approved\",\"valid\":true}");
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "", "4 2&x"), 1);
	CU_ASSERT_STRING_EQUAL(fake.target,
	    "/v2/Services/VA9/VerificationCheck");
	CU_ASSERT_STRING_EQUAL(fake.body, "To=%2B79225551234&Code=4%202%26x");
	/* Twilio decides, not the stored code. */
	answer(200, "{\"status\":\"pending\",\"valid\":false}");
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "11111", "11111"),
	    0);
	answer(200, "{\"status\":[\"approved\"]}");
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "", "1"), 0);
	answer(200, "approved");
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "", "1"), 0);
	/* No pending verification: Twilio's 404, unexpected. */
	answer(404, "{\"code\":20404,\"status\":404}");
	CU_ASSERT_EQUAL(sms_verify(fresh(), "79225551234", "", "1"), -1);
	CU_ASSERT_EQUAL(R.err.status, 422);
	CU_ASSERT_STRING_EQUAL(errkey(), "resource.phone.twilio_unexpected");
	answer(400, "{\"code\":21614}");
	CU_ASSERT_EQUAL(sms_send(fresh(), "79225551234", "", "sms"), -1);
	CU_ASSERT_STRING_EQUAL(errkey(), "resource.phone.num_not_valid");
	conf_defaults();
}

static void
teardown(void)
{
	fakehttp_stop();
	unlink(tpath("args"));
	unlink(tpath("fds"));
	unlink(tpath("send"));
	unlink(tpath("fail"));
	unlink(tpath("hang"));
	unlink(tpath("fds"));
	CU_ASSERT_EQUAL(rmdir(tmpdir), 0);
	arena_free(A);
	curl_global_cleanup();
}

static const struct unit_test tests[] = {
	{ "start the fake server", setup },
	{ "configuration checks", test_start },
	{ "message text", test_text },
	{ "Twilio error codes", test_twilio_errors },
	{ "mock", test_mock },
	{ "file", test_file },
	{ "command", test_command },
	{ "Twilio SMS", test_twilio_sms },
	{ "Twilio Verify", test_twilio_verify },
	{ "stop the fake server", teardown },
	{ NULL, NULL }
};

UNIT_MAIN("sms", tests)
