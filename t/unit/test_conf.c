/*
 * lib/conf.c: defaults, every key type, include (relative to the including
 * file, depth limit), errors as file:line, quotes, comments, long lines,
 * and the masked dump.  Files are written under /tmp with mkstemp/mkdtemp.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "unit.h"

static char	errbuf[512];

/* Write content to a new temporary file; the path is static storage. */
static const char *
tmpconf(const char *content)
{
	static char	path[8][64];
	static int	n;
	char		*p = path[n++ % 8];
	int		 fd;
	size_t		 len = strlen(content);

	snprintf(p, 64, "/tmp/test_conf.XXXXXX");
	fd = mkstemp(p);
	CU_ASSERT_FATAL(fd != -1);
	CU_ASSERT_FATAL(write(fd, content, len) == (ssize_t)len);
	close(fd);
	return p;
}

/* Load content as a file; returns conf_load's result. */
static int
load_str(const char *content, const char **pathp)
{
	const char	*path = tmpconf(content);
	int		 rc;

	errbuf[0] = '\0';
	rc = conf_load(path, errbuf, sizeof(errbuf));
	if (pathp != NULL)
		*pathp = path;
	unlink(path);
	return rc;
}

/* The error must read "<path>:<line>: <what>...". */
static int
err_at(const char *path, int line, const char *what)
{
	char	want[256];

	snprintf(want, sizeof(want), "%s:%d: %s", path, line, what);
	return strncmp(errbuf, want, strlen(want)) == 0;
}

static void
test_defaults(void)
{
	conf_defaults();
	CU_ASSERT_EQUAL(cfg.session_expire_time, 1800);
	CU_ASSERT_STRING_EQUAL(cfg.session_name, "_barong_session");
	CU_ASSERT_EQUAL(cfg.password_min_entropy, 14);
	CU_ASSERT_EQUAL(cfg.jwt_expire_time, 3600);
	CU_ASSERT_STRING_EQUAL(cfg.uid_prefix, "ID");
	CU_ASSERT_EQUAL(cfg.body_limit, 1048576);
	CU_ASSERT_EQUAL(cfg.max_params, 256);
	CU_ASSERT_STRING_EQUAL(cfg.log_level, "info");
	CU_ASSERT_STRING_EQUAL(cfg.captcha, "none");
	CU_ASSERT_STRING_EQUAL(cfg.phone_verification, "mock");
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "Barong");
	CU_ASSERT_STRING_EQUAL(cfg.api_cors_origins, "*");
	CU_ASSERT_EQUAL(cfg.password_use_dictionary, 1);
	CU_ASSERT_EQUAL(cfg.api_cors_allow_credentials, 0);
	CU_ASSERT_STRING_EQUAL(cfg.recaptcha_secret_key, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(cfg.password_regexp, "{8,80}"));
}

static void
test_all_types(void)
{
	conf_defaults();
	CU_ASSERT_EQUAL(load_str(
	    "db_conninfo = host=/tmp dbname=x\n"	/* string with '=' */
	    "session_expire_time = 600\n"		/* int */
	    "password_use_dictionary = false\n"		/* bool */
	    "api_cors_allow_credentials = true\n"
	    "captcha = recaptcha\n"			/* enum */
	    "log_level = debug\n"
	    "app_name =\n"				/* empty string */
	    "   uid_prefix   =   U  \n", NULL), 0);
	CU_ASSERT_STRING_EQUAL(errbuf, "");
	CU_ASSERT_STRING_EQUAL(cfg.db_conninfo, "host=/tmp dbname=x");
	CU_ASSERT_EQUAL(cfg.session_expire_time, 600);
	CU_ASSERT_EQUAL(cfg.password_use_dictionary, 0);
	CU_ASSERT_EQUAL(cfg.api_cors_allow_credentials, 1);
	CU_ASSERT_STRING_EQUAL(cfg.captcha, "recaptcha");
	CU_ASSERT_STRING_EQUAL(cfg.log_level, "debug");
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "");
	CU_ASSERT_STRING_EQUAL(cfg.uid_prefix, "U");
	conf_defaults();
	CU_ASSERT_STRING_EQUAL(cfg.captcha, "none");
	CU_ASSERT_EQUAL(cfg.session_expire_time, 1800);
}

static void
test_later_overrides(void)
{
	conf_defaults();
	CU_ASSERT_EQUAL(load_str("jwt_expire_time = 100\n"
	    "jwt_expire_time = 200\n", NULL), 0);
	CU_ASSERT_EQUAL(cfg.jwt_expire_time, 200);
}

static void
test_comments_blank(void)
{
	conf_defaults();
	CU_ASSERT_EQUAL(load_str("# a comment\n"
	    "\n"
	    "   \t\n"
	    "   # indented comment = not a key\n"
	    "domain = example.com\r\n"			/* CRLF */
	    "uid_prefix = #kept", NULL), 0);	/* no final newline */
	CU_ASSERT_STRING_EQUAL(cfg.domain, "example.com");
	CU_ASSERT_STRING_EQUAL(cfg.uid_prefix, "#kept");
	/* An empty file is fine. */
	CU_ASSERT_EQUAL(load_str("", NULL), 0);
}

static void
test_quotes(void)
{
	conf_defaults();
	CU_ASSERT_EQUAL(load_str("app_name = \"  My # App \"\n"
	    "domain = \"\"\n"
	    "uid_prefix = \"\n"			/* a lone quote stays */
	    "geetest_id = \"abc\n", NULL), 0);	/* unmatched stays */
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "  My # App ");
	CU_ASSERT_STRING_EQUAL(cfg.domain, "");
	CU_ASSERT_STRING_EQUAL(cfg.uid_prefix, "\"");
	CU_ASSERT_STRING_EQUAL(cfg.geetest_id, "\"abc");
	/* Quoted ints still have to be ints. */
	CU_ASSERT_EQUAL(load_str("max_params = \"12\"\n", NULL), 0);
	CU_ASSERT_EQUAL(cfg.max_params, 12);
}

static void
test_unknown_key(void)
{
	const char	*path;

	conf_defaults();
	CU_ASSERT_EQUAL(load_str("# first\n"
	    "domain = a.b\n"
	    "no_such_key = 1\n", &path), -1);
	CU_ASSERT(err_at(path, 3, "unknown key \"no_such_key\""));
	/* Keys are case-sensitive. */
	CU_ASSERT_EQUAL(load_str("Domain = x\n", &path), -1);
	CU_ASSERT(err_at(path, 1, "unknown key"));
	CU_ASSERT_EQUAL(load_str("\n\njust words\n", &path), -1);
	CU_ASSERT(err_at(path, 3, "expected key = value"));
	CU_ASSERT_EQUAL(load_str(" = value\n", &path), -1);
	CU_ASSERT(err_at(path, 1, "unknown key \"\""));
}

static void
test_bad_int(void)
{
	static const char *const bad[] = {
		"session_expire_time = abc\n",
		"session_expire_time = 12abc\n",
		"session_expire_time = \n",
		"session_expire_time = 1.5\n",
		"session_expire_time = 59\n",		/* min 60 */
		"session_expire_time = 2592001\n",	/* max 30 days */
		"session_expire_time = -1800\n",
		"session_expire_time = 99999999999999999999999\n",
		"body_limit = 1023\n",
		"max_params = 0\n",
		"password_min_entropy = 1001\n",
		NULL
	};
	const char	*path;
	int		 i;

	for (i = 0; bad[i] != NULL; i++) {
		conf_defaults();
		CU_ASSERT_EQUAL(load_str(bad[i], &path), -1);
		CU_ASSERT(err_at(path, 1, ""));
		CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "must be an integer"));
		CU_ASSERT_EQUAL(cfg.session_expire_time, 1800);
	}
	/* The bounds themselves are allowed. */
	CU_ASSERT_EQUAL(load_str("session_expire_time = 60\n"
	    "password_min_entropy = 0\n", NULL), 0);
	CU_ASSERT_EQUAL(cfg.session_expire_time, 60);
	CU_ASSERT_EQUAL(load_str("session_expire_time = 2592000\n", NULL), 0);
	CU_ASSERT_EQUAL(cfg.session_expire_time, 2592000);
}

static void
test_bad_bool_enum(void)
{
	static const char *const bad_bool[] = { "yes", "1", "TRUE", "on", "",
		NULL };
	const char	*path;
	char		 line[128];
	int		 i;

	for (i = 0; bad_bool[i] != NULL; i++) {
		snprintf(line, sizeof(line), "\npassword_use_dictionary = %s\n",
		    bad_bool[i]);
		CU_ASSERT_EQUAL(load_str(line, &path), -1);
		CU_ASSERT(err_at(path, 2, "password_use_dictionary must be "
		    "true or false"));
	}
	conf_defaults();
	CU_ASSERT_EQUAL(load_str("captcha = hcaptcha\n", &path), -1);
	CU_ASSERT(err_at(path, 1, "captcha: unknown value \"hcaptcha\""));
	CU_ASSERT_STRING_EQUAL(cfg.captcha, "none");
	CU_ASSERT_EQUAL(load_str("log_level = INFO\n", &path), -1);
	CU_ASSERT(err_at(path, 1, "log_level: unknown value"));
	CU_ASSERT_EQUAL(load_str("phone_verification = twilio_sms\n"
	    "kyc_provider = local\n", NULL), 0);
	CU_ASSERT_STRING_EQUAL(cfg.phone_verification, "twilio_sms");
	CU_ASSERT_STRING_EQUAL(cfg.kyc_provider, "local");
}

static void
test_line_too_long(void)
{
	char		*s;
	const char	*path;
	size_t		 n = 5000;

	s = malloc(n + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memcpy(s, "domain = x\napp_name = ", 22);
	memset(s + 22, 'a', n);
	memcpy(s + 22 + n, "\n", 2);
	CU_ASSERT_EQUAL(load_str(s, &path), -1);
	CU_ASSERT(err_at(path, 2, "line too long"));
	/* A long line that fits is accepted. */
	memset(s + 22, 'b', 3000);
	memcpy(s + 22 + 3000, "\n", 2);
	CU_ASSERT_EQUAL(load_str(s, NULL), 0);
	CU_ASSERT_EQUAL(strlen(cfg.app_name), 3000);
	free(s);
}

static void
test_missing_file(void)
{
	errbuf[0] = '\0';
	CU_ASSERT_EQUAL(conf_load("/nonexistent/barong.conf", errbuf,
	    sizeof(errbuf)), -1);
	CU_ASSERT(strncmp(errbuf, "/nonexistent/barong.conf: ", 26) == 0);
}

/* A directory of files for the include tests. */
static char	dir[64];

static void
put(const char *name, const char *content)
{
	char	path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(content, f);
	fclose(f);
}

static void
rm(const char *name)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	remove(path);
}

static int
load_in_dir(const char *name)
{
	char	path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	errbuf[0] = '\0';
	return conf_load(path, errbuf, sizeof(errbuf));
}

static void
test_include_relative(void)
{
	char	path[256], cwd[PATH_MAX];

	snprintf(dir, sizeof(dir), "/tmp/test_conf_dir.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	put("main.conf", "app_name = Main\n"
	    "include sub/shared.conf\n"
	    "domain = override.example\n");
	/* Relative to sub/, not to the process's directory or main.conf's. */
	put("sub/shared.conf", "domain = shared.example\n"
	    "include \"more.conf\"\n");
	put("sub/more.conf", "uid_prefix = MORE\n");
	CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
	CU_ASSERT_FATAL(chdir("/") == 0);
	conf_defaults();
	CU_ASSERT_EQUAL(load_in_dir("main.conf"), 0);
	CU_ASSERT_STRING_EQUAL(errbuf, "");
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "Main");
	CU_ASSERT_STRING_EQUAL(cfg.domain, "override.example");
	CU_ASSERT_STRING_EQUAL(cfg.uid_prefix, "MORE");

	/* An error in an included file names that file and its line. */
	put("sub/more.conf", "\n\nbogus = 1\n");
	CU_ASSERT_EQUAL(load_in_dir("main.conf"), -1);
	snprintf(path, sizeof(path), "%s/sub/more.conf:3: unknown key", dir);
	CU_ASSERT(strncmp(errbuf, path, strlen(path)) == 0);

	/* A missing include is an error. */
	put("sub/shared.conf", "include nothere.conf\n");
	CU_ASSERT_EQUAL(load_in_dir("main.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "sub/nothere.conf"));

	/* An absolute include. */
	snprintf(path, sizeof(path), "include %s/sub/abs.conf\n", dir);
	put("abs_main.conf", path);
	put("sub/abs.conf", "geetest_id = ABS\n");
	CU_ASSERT_EQUAL(load_in_dir("abs_main.conf"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.geetest_id, "ABS");
	/* A key that starts with "include" is still a key. */
	put("inc_key.conf", "include_me = 1\n");
	CU_ASSERT_EQUAL(load_in_dir("inc_key.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "unknown key \"include_me\""));
	CU_ASSERT(chdir(cwd) == 0);

	rm("sub/more.conf");
	rm("sub/shared.conf");
	rm("sub/abs.conf");
	rm("main.conf");
	rm("abs_main.conf");
	rm("inc_key.conf");
	rm("sub");
	CU_ASSERT_EQUAL(rmdir(dir), 0);		/* all cleaned up */
}

static void
test_include_depth(void)
{
	char	name[32], line[64];
	int	i;

	snprintf(dir, sizeof(dir), "/tmp/test_conf_dir.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	/* f0 includes f1 ... f8: eight levels of include are allowed. */
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(line, sizeof(line), "include f%d.conf\n", i + 1);
		put(name, line);
	}
	put("f8.conf", "app_name = deep\n");
	conf_defaults();
	CU_ASSERT_EQUAL(load_in_dir("f0.conf"), 0);
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "deep");
	/* Nine are not. */
	put("f8.conf", "include f9.conf\n");
	put("f9.conf", "app_name = too deep\n");
	CU_ASSERT_EQUAL(load_in_dir("f0.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "includes nested too deeply"));
	CU_ASSERT_STRING_EQUAL(cfg.app_name, "deep");
	/* A file including itself ends at the limit too. */
	put("self.conf", "include self.conf\n");
	CU_ASSERT_EQUAL(load_in_dir("self.conf"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "nested too deeply"));
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		rm(name);
	}
	rm("self.conf");
	CU_ASSERT_EQUAL(rmdir(dir), 0);
}

static void
test_conf_set(void)
{
	char	err[128];

	conf_defaults();
	CU_ASSERT_EQUAL(conf_set("max_params", "10", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.max_params, 10);
	CU_ASSERT_EQUAL(conf_set("max_params", "10001", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "max_params must be an integer from 1 to "
	    "10000");
	CU_ASSERT_EQUAL(cfg.max_params, 10);
	CU_ASSERT_EQUAL(conf_set("nope", "1", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "unknown key \"nope\"");
}

static void
test_dump_masks(void)
{
	char	*out = NULL, err[128];
	size_t	 len = 0;
	FILE	*f;

	conf_defaults();
	CU_ASSERT_EQUAL(conf_set("recaptcha_secret_key", "s3cr3tvalue", err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_set("db_conninfo", "dbname=b password=hunter2",
	    err, sizeof(err)), 0);
	f = open_memstream(&out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	conf_dump(f);
	fclose(f);
	CU_ASSERT_PTR_NULL(strstr(out, "s3cr3tvalue"));
	CU_ASSERT_PTR_NULL(strstr(out, "hunter2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "recaptcha_secret_key = (set)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "session_expire_time = 1800\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "password_use_dictionary = true\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "password_regexp = ^(?="));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "session_name = _barong_session\n"));
	free(out);
}

static const struct unit_test tests[] = {
	{ "defaults", test_defaults },
	{ "every key type", test_all_types },
	{ "later lines override", test_later_overrides },
	{ "comments and blank lines", test_comments_blank },
	{ "double quotes", test_quotes },
	{ "unknown key is file:line", test_unknown_key },
	{ "bad or out-of-range int", test_bad_int },
	{ "bad bool and enum", test_bad_bool_enum },
	{ "line too long", test_line_too_long },
	{ "missing file", test_missing_file },
	{ "include relative to the including file", test_include_relative },
	{ "include depth limit", test_include_depth },
	{ "conf_set", test_conf_set },
	{ "dump masks secrets", test_dump_masks },
	{ NULL, NULL }
};

UNIT_MAIN("conf", tests)
