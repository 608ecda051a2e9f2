/*
 * Phone verification providers: see sms.h.
 *
 * Twilio (what twilio-ruby does for Barong): form POSTs with Basic auth
 * (account SID, auth token) to
 *   <twilio_api_url>/2010-04-01/Accounts/<sid>/Messages.json   To From Body
 *   <twilio_verify_url>/v2/Services/<service>/Verifications    To Channel
 *   <twilio_verify_url>/v2/Services/<service>/VerificationCheck To Code
 * A reply outside 2xx is Twilio's RestError: its JSON "code" picks
 * Barong's error (422).  A transport failure is a 500, as in Barong.
 * 10 s per exchange, replies over 64 KiB abandoned, no redirects.
 *
 * command: fork and execv(phone_command, [phone_command, "+<digits>",
 * text]) with /dev/null as stdin and stdout, stderr kept (the web
 * server's error log), no other descriptor inherited; killed after 10 s.
 * Exit status 0 means sent.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "arena.h"
#include "conf.h"
#include "curlbody.h"
#include "crypto.h"
#include "err.h"
#include "fsutil.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "sms.h"

#define REPLY_MAX	(64 * 1024)

/* Statics so that the unit test can shorten them. */
static long	timeout_ms = 10000;		/* one Twilio exchange */
static long	command_timeout_ms = 10000;	/* phone_command */

enum provider { P_MOCK, P_FILE, P_COMMAND, P_TWILIO_SMS, P_TWILIO_VERIFY };

static const struct {
	const char	*name;
	enum provider	 p;
} providers[] = {
	{ "mock", P_MOCK },
	{ "file", P_FILE },
	{ "command", P_COMMAND },
	{ "twilio_sms", P_TWILIO_SMS },
	{ "twilio_verify", P_TWILIO_VERIFY },
};

/* Barong's twilio_dictionary_error. */
static const struct {
	long		 code;
	const char	*key;
} twilio_errors[] = {
	{ 21612, "resource.phone.num_not_reachable" },
	{ 21614, "resource.phone.num_not_valid" },
	{ 21618, "resource.phone.sms_content_invalid" },
	{ 21610, "resource.phone.unsubscribed_recipient" },
};

static enum provider
provider(void)
{
	size_t	i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(cfg.phone_verification, providers[i].name) == 0)
			return providers[i].p;
	return P_MOCK;		/* conf.c allows only the names above */
}

const char *
sms_twilio_error(long code)
{
	size_t	i;

	for (i = 0; i < sizeof(twilio_errors) / sizeof(twilio_errors[0]); i++)
		if (twilio_errors[i].code == code)
			return twilio_errors[i].key;
	return "resource.phone.twilio_unexpected";
}

int
sms_checks_stored_code(void)
{
	enum provider	p = provider();

	return p == P_FILE || p == P_COMMAND || p == P_TWILIO_SMS;
}

static int
need(const char *value, const char *key)
{
	if (*value != '\0')
		return 0;
	log_err("phone_verification = %s needs %s", cfg.phone_verification,
	    key);
	return -1;
}

int
sms_start(void)
{
	switch (provider()) {
	case P_MOCK:
		return 0;
	case P_FILE:
		return need(cfg.phone_sms_dir, "phone_sms_dir");
	case P_COMMAND:
		if (need(cfg.phone_command, "phone_command") == -1)
			return -1;
		if (cfg.phone_command[0] != '/') {
			log_err("phone_command must be an absolute path");
			return -1;
		}
		return 0;
	case P_TWILIO_VERIFY:
		if (need(cfg.twilio_service_sid, "twilio_service_sid") == -1)
			return -1;
		break;
	case P_TWILIO_SMS:
		if (need(cfg.twilio_phone_number, "twilio_phone_number") == -1)
			return -1;
		break;
	}
	if (need(cfg.twilio_account_sid, "twilio_account_sid") == -1 ||
	    need(cfg.twilio_auth_token, "twilio_auth_token") == -1)
		return -1;
	return curl_body_global_init();
}

char *
sms_text(struct req *r, const char *code)
{
	const char	*t = cfg.sms_content_template, *m;
	char		*out = "";

	while ((m = strstr(t, "{{code}}")) != NULL) {
		out = arena_printf(r->a, "%s%.*s%s", out, (int)(m - t), t,
		    code);
		t = m + strlen("{{code}}");
	}
	return arena_printf(r->a, "%s%s", out, t);
}

/* ------------------------------------------------------------- file */

static int
send_file(struct req *r, const char *digits, const char *channel,
    const char *text)
{
	char		 rnd[17], *tmp, *path, *msg;
	int		 fd, saved;

	if (crypto_random_hex(rnd, 8) == -1)
		return err_internal(r, "phones: no randomness");
	tmp = arena_printf(r->a, "%s/.%lld-%s.sms.XXXXXX", cfg.phone_sms_dir,
	    (long long)time(NULL), rnd);
	path = arena_printf(r->a, "%s/%lld-%s.sms", cfg.phone_sms_dir,
	    (long long)time(NULL), rnd);
	msg = arena_printf(r->a, "To: +%s\nChannel: %s\n\n%s\n", digits,
	    channel, text);
	if ((fd = mkstemp(tmp)) == -1)
		return err_internal(r, "phones: could not create a file in "
		    "%s: %s", cfg.phone_sms_dir, strerror(errno));
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fs_write_all(fd, msg, strlen(msg)) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		return err_internal(r, "phones: could not write %s: %s", tmp,
		    strerror(saved));
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		return err_internal(r, "phones: could not rename %s: %s", tmp,
		    strerror(saved));
	}
	return 0;
}

/* ---------------------------------------------------------- command */

static void
child(const char *number, const char *text)
{
	char	*argv[4];
	long	 max, fd;
	int	 null;

	if ((null = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(null, 0) == -1 || dup2(null, 1) == -1)
		_exit(127);
	/* The FastCGI socket and any other descriptor stay with us. */
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
	argv[0] = cfg.phone_command;
	argv[1] = (char *)number;
	argv[2] = (char *)text;
	argv[3] = NULL;
	execv(cfg.phone_command, argv);
	_exit(127);
}

static int
send_command(struct req *r, const char *digits, const char *text)
{
	struct timespec	 nap = { 0, 10 * 1000 * 1000 };
	const char	*number;
	pid_t		 pid, w;
	long		 waited;
	int		 status;

	number = arena_printf(r->a, "+%s", digits);
	if ((pid = fork()) == -1)
		return err_internal(r, "phones: could not fork: %s",
		    strerror(errno));
	if (pid == 0)
		child(number, text);
	for (waited = 0;; waited += 10) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR)
			return err_internal(r, "phones: waitpid: %s",
			    strerror(errno));
		if (waited >= command_timeout_ms) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			return err_internal(r, "phones: %s killed after "
			    "%ld ms", cfg.phone_command, command_timeout_ms);
		}
		nanosleep(&nap, NULL);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_internal(r, "phones: %s failed (status %d)",
		    cfg.phone_command, WIFEXITED(status) ?
		    WEXITSTATUS(status) : -1);
	return 0;
}

/* ----------------------------------------------------------- Twilio */

/* base (without trailing '/') + pre + seg (URL-escaped) + post. */
static char *
twilio_url(struct req *r, CURL *c, const char *base, const char *pre,
    const char *seg, const char *post)
{
	size_t	 n = strlen(base);
	char	*e, *url;

	while (n > 0 && base[n - 1] == '/')
		n--;
	if ((e = curl_easy_escape(c, seg, 0)) == NULL)
		return NULL;
	url = arena_printf(r->a, "%.*s%s%s%s", (int)n, base, pre, e, post);
	curl_free(e);
	return url;
}

/*
 * POST the form (name, value pairs, NULL-terminated) to Twilio.  0 with
 * the JSON reply (NULL if it was not JSON), or -1 with r->err: 422 with
 * Barong's code for a Twilio error reply, 500 for anything else.
 */
static int
twilio_post(struct req *r, const char *base, const char *pre,
    const char *seg, const char *post_path, const char *const *form,
    json_object **out)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_slist	*hdrs = NULL;
	struct curl_body	 rp;
	json_object		*j = NULL, *v;
	char			 errbuf[CURL_ERROR_SIZE], *post = "", *e, *url;
	long			 status = 0, code = 0;
	size_t			 i;
	int			 ret = -1;

	*out = NULL;
	if ((c = curl_easy_init()) == NULL)
		return err_internal(r, "phones: no libcurl handle");
	curl_body_init(&rp, r->a, REPLY_MAX);
	errbuf[0] = '\0';
	if ((url = twilio_url(r, c, base, pre, seg, post_path)) == NULL) {
		err_internal(r, "phones: could not encode the URL");
		goto out;
	}
	for (i = 0; form[i] != NULL; i += 2) {
		if ((e = curl_easy_escape(c, form[i + 1], 0)) == NULL) {
			err_internal(r, "phones: could not encode the form");
			goto out;
		}
		post = arena_printf(r->a, "%s%s%s=%s", post, i > 0 ? "&" : "",
		    form[i], e);
		curl_free(e);
	}
	if ((hdrs = curl_slist_append(NULL, "Expect:")) == NULL) {
		err_internal(r, "phones: out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post));
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_USERNAME, cfg.twilio_account_sid);
	curl_easy_setopt(c, CURLOPT_PASSWORD, cfg.twilio_auth_token);
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
		err_internal(r, "phones: Twilio: %s", rp.overflow ?
		    "reply over 64 KiB" : errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	rp.buf[rp.len] = '\0';
	j = json_adopt(r->a, json_tokener_parse(rp.buf));
	if (status < 200 || status > 299) {
		if (j != NULL && json_object_object_get_ex(j, "code", &v) &&
		    json_object_is_type(v, json_type_int))
			code = (long)json_object_get_int64(v);
		err_set(r, 422, sms_twilio_error(code),
		    "Twilio answered HTTP %ld, error %ld", status, code);
		goto out;
	}
	*out = j;
	ret = 0;
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return ret;
}

static int
twilio_sms(struct req *r, const char *digits, const char *text)
{
	json_object	*j;
	const char	*form[] = { "To", NULL, "From", cfg.twilio_phone_number,
	    "Body", text, NULL };

	form[1] = arena_printf(r->a, "+%s", digits);
	return twilio_post(r, cfg.twilio_api_url,
	    "/2010-04-01/Accounts/", cfg.twilio_account_sid, "/Messages.json",
	    form, &j);
}

static int
twilio_verify_send(struct req *r, const char *digits, const char *channel)
{
	json_object	*j;
	const char	*form[] = { "To", NULL, "Channel", channel, NULL };

	form[1] = arena_printf(r->a, "+%s", digits);
	return twilio_post(r, cfg.twilio_verify_url,
	    "/v2/Services/", cfg.twilio_service_sid, "/Verifications", form,
	    &j);
}

static int
twilio_verify_check(struct req *r, const char *digits, const char *code)
{
	json_object	*j, *v;
	const char	*form[] = { "To", NULL, "Code", code, NULL };

	form[1] = arena_printf(r->a, "+%s", digits);
	if (twilio_post(r, cfg.twilio_verify_url,
	    "/v2/Services/", cfg.twilio_service_sid, "/VerificationCheck",
	    form, &j) == -1)
		return -1;
	return j != NULL && json_object_object_get_ex(j, "status", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "approved") == 0;
}

/* ------------------------------------------------------------- API */

int
sms_send(struct req *r, const char *digits, const char *code,
    const char *channel)
{
	switch (provider()) {
	case P_MOCK:
		return 0;
	case P_FILE:
		return send_file(r, digits, channel, sms_text(r, code));
	case P_COMMAND:
		return send_command(r, digits, sms_text(r, code));
	case P_TWILIO_SMS:
		return twilio_sms(r, digits, sms_text(r, code));
	case P_TWILIO_VERIFY:
		return twilio_verify_send(r, digits, channel);
	}
	return err_internal(r, "phones: no provider");
}

int
sms_verify(struct req *r, const char *digits, const char *stored,
    const char *code)
{
	switch (provider()) {
	case P_MOCK:
		return 1;
	case P_TWILIO_VERIFY:
		return twilio_verify_check(r, digits, code);
	case P_FILE:
	case P_COMMAND:
	case P_TWILIO_SMS:
		return *stored != '\0' &&
		    crypto_eq(stored, strlen(stored), code, strlen(code));
	}
	return err_internal(r, "phones: no provider");
}
