/*
 * lib/totp.c: RFC 6238 SHA-1 test vectors (8 digits as the RFC gives them,
 * and their 6-digit truncations), base32 (RFC 4648 vectors, every length
 * against liboath's encoder, strict rejection), the otpauth URL's escaping
 * and code normalization.  The module's .c is included to reach verify_at,
 * which takes the time, so that no test depends on where in a step it runs.
 *
 * With BARONG_TEST_DB set to a conninfo, the database paths too: generate,
 * the +-1 step window, +-2 refused, reuse (TOTP_REUSED), an older step after
 * a newer one, two or more processes racing with one code (exactly one
 * TOTP_OK, also with their UPDATEs queued behind a row lock), no secret, a
 * missing keyring.  The schema is migrated from $top_srcdir/sql when
 * otp_secrets is missing.  Without BARONG_TEST_DB those tests print a note
 * and pass.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "../../lib/totp.c"

#include "migrate.h"
#include "unit.h"

/* Base32 of RFC 6238's SHA-1 key, "12345678901234567890". */
#define RFC_SECRET_B32	"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static const char	*conninfo;	/* BARONG_TEST_DB, NULL: skip */
static char		 tmpdir[64];
static char		 keyfile[128];
static int		 db_ready;	/* schema and keyring checked */
static struct arena	*ta;
static int		 nusers;
/* Mid-step, so that "now" is not on a boundary whatever the test does. */
static time_t		 t0;

/* ------------------------------------------------------------ vectors */

static void
test_rfc6238(void)
{
	static const struct {
		time_t		 t;
		const char	*code8;
	} v[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ (time_t)20000000000LL, "65353130" },
	};
	const char	*key = "12345678901234567890";
	char		 out8[9], out[TOTP_DIGITS + 1];
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(oath_totp_generate2(key, 20, v[i].t, 30, 0, 8,
		    0, out8), OATH_OK);
		CU_ASSERT_STRING_EQUAL(out8, v[i].code8);
		CU_ASSERT_EQUAL(totp_code_at(RFC_SECRET_B32, v[i].t, out), 0);
		CU_ASSERT_STRING_EQUAL(out, v[i].code8 + 2);
		/* Lower case and padding are accepted. */
		CU_ASSERT_EQUAL(totp_code_at("gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		    v[i].t, out), 0);
		CU_ASSERT_STRING_EQUAL(out, v[i].code8 + 2);
		/* code_of_step agrees with the time-based call. */
		CU_ASSERT_EQUAL(code_of_step((const unsigned char *)key, 20,
		    (long long)(v[i].t / 30), out), 0);
		CU_ASSERT_STRING_EQUAL(out, v[i].code8 + 2);
	}
	/* The same code for the whole of a step, another one after it. */
	CU_ASSERT_EQUAL(totp_code_at(RFC_SECRET_B32, 30, out), 0);
	CU_ASSERT_STRING_EQUAL(out, "287082");
	CU_ASSERT_EQUAL(totp_code_at(RFC_SECRET_B32, 60, out), 0);
	CU_ASSERT_STRING_NOT_EQUAL(out, "287082");
	CU_ASSERT_EQUAL(totp_code_at("", 59, out), -1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(totp_code_at("GEZDGNBV1", 59, out), -1);
	CU_ASSERT_EQUAL(totp_code_at(NULL, 59, out), -1);
}

/* ------------------------------------------------------------- base32 */

static void
test_base32_vectors(void)
{
	static const char *v[][2] = {	/* RFC 4648 section 10 */
		{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" },
		{ "foo", "MZXW6" }, { "foob", "MZXW6YQ" },
		{ "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
	};
	static const char *padded[] = { "MY======", "MZXQ====", "MZXW6===",
	    "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======" };
	unsigned char	 buf[16];
	char		 out[64];
	size_t		 i, len;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CU_ASSERT_EQUAL(b32_encode((const unsigned char *)v[i][0],
		    strlen(v[i][0]), out), strlen(v[i][1]));
		CU_ASSERT_STRING_EQUAL(out, v[i][1]);
		if (*v[i][0] == '\0')
			continue;
		CU_ASSERT_EQUAL(b32_decode(v[i][1], buf, sizeof(buf), &len),
		    0);
		CU_ASSERT_EQUAL(len, strlen(v[i][0]));
		CU_ASSERT(memcmp(buf, v[i][0], len) == 0);
	}
	for (i = 0; i < sizeof(padded) / sizeof(padded[0]); i++) {
		CU_ASSERT_EQUAL(b32_decode(padded[i], buf, sizeof(buf), &len),
		    0);
		CU_ASSERT_EQUAL(len, i + 1);
		CU_ASSERT(memcmp(buf, "foobar", len) == 0);
	}
	/* The RFC 6238 key, 20 bytes: 32 characters, no padding. */
	CU_ASSERT_EQUAL(b32_encode((const unsigned char *)
	    "12345678901234567890", 20, out), 32);
	CU_ASSERT_STRING_EQUAL(out, RFC_SECRET_B32);
}

static void
test_base32_every_length(void)
{
	unsigned char	 raw[SECRET_MAX], back[SECRET_MAX];
	char		 mine[(8 * SECRET_MAX + 4) / 5 + 1], *theirs;
	size_t		 n, len, tlen;
	int		 round;

	CU_ASSERT_EQUAL_FATAL(oath_ready(), 0);
	for (round = 0; round < 4; round++)
		for (n = 1; n <= SECRET_MAX; n++) {
			CU_ASSERT_EQUAL_FATAL(crypto_random_bytes(raw, n), 0);
			b32_encode(raw, n, mine);
			CU_ASSERT_EQUAL(strlen(mine), (8 * n + 4) / 5);
			CU_ASSERT_EQUAL_FATAL(oath_base32_encode((char *)raw,
			    n, &theirs, &tlen), OATH_OK);
			while (tlen > 0 && theirs[tlen - 1] == '=')
				tlen--;
			CU_ASSERT_EQUAL(strlen(mine), tlen);
			CU_ASSERT(strncmp(mine, theirs, tlen) == 0);
			free(theirs);
			CU_ASSERT_EQUAL(b32_decode(mine, back, sizeof(back),
			    &len), 0);
			CU_ASSERT_EQUAL(len, n);
			CU_ASSERT(memcmp(raw, back, n) == 0);
		}
}

static void
test_base32_reject(void)
{
	static const char *bad[] = {
		"", "=", "========", "A", "MZX", "MZXW6Y", "MZXW6YTBO",
		"MZ1Q", "MZ8Q", "MZ Q", "MZ-Q", "MZXQ====MZXQ", "MZ\xc3\xa9Q",
	};
	unsigned char	 buf[64];
	size_t		 i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(b32_decode(bad[i], buf, sizeof(buf), &len),
		    -1);
	/* Longer than the room given. */
	CU_ASSERT_EQUAL(b32_decode("MZXW6YTBOI", buf, 5, &len), -1);
	CU_ASSERT_EQUAL(b32_decode("MZXW6YTBOI", buf, 6, &len), 0);
	/* 65 bytes: over SECRET_MAX. */
	CU_ASSERT_EQUAL(b32_decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAA", buf, SECRET_MAX, &len), -1);
}

/* ---------------------------------------------------------- URL, code */

static void
test_url_escape(void)
{
	struct arena	*a = arena_new(0);

	CU_ASSERT_STRING_EQUAL(url_escape(a, "Barong", URL_PATH), "Barong");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "user@barong.io", URL_PATH),
	    "user@barong.io");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "user@barong.io", URL_QUERY),
	    "user%40barong.io");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "My Exchange", URL_PATH),
	    "My%20Exchange");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "My Exchange", URL_QUERY),
	    "My+Exchange");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "a+b$c&d,e/f:g;h=i@j", URL_PATH),
	    "a+b$c&d,e/f:g;h=i@j");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "a+b$c&d,e/f:g;h=i@j",
	    URL_QUERY), "a%2Bb%24c%26d%2Ce%2Ff%3Ag%3Bh%3Di%40j");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "q?#%", URL_PATH), "q%3F%23%25");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "q?#%", URL_QUERY),
	    "q%3F%23%25");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "-_.~", URL_QUERY), "-_.~");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "\xc3\xa9\x01", URL_PATH),
	    "%C3%A9%01");
	CU_ASSERT_STRING_EQUAL(url_escape(a, "", URL_QUERY), "");
	arena_free(a);
}

static void
test_normalize_code(void)
{
	static const char *good[][2] = {
		{ "123456", "123456" }, { "000000", "000000" },
		{ " 123456", "123456" }, { "123456\n", "123456" },
		{ "\t 987654 \r\n", "987654" },
	};
	static const char *bad[] = {
		"", "12345", "1234567", "12a456", "12 456", "+12345",
		"-12345", "\xef\xbc\x91" "23456", "      ", "123456x",
	};
	char	out[TOTP_DIGITS + 1];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		CU_ASSERT_EQUAL(normalize_code(good[i][0], out), 0);
		CU_ASSERT_STRING_EQUAL(out, good[i][1]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(normalize_code(bad[i], out), -1);
	CU_ASSERT_EQUAL(normalize_code(NULL, out), -1);
}

/* ----------------------------------------------------------- database */

/* Connect, migrate if needed, make a keyring; 0, or 1 when skipped. */
static int
db_setup(void)
{
	static int	 noted;
	const char	*top, *p[1];
	char		 dir[512], err[256];
	PGresult	*res;

	if (conninfo == NULL) {
		if (!noted++)
			printf("\n  note: BARONG_TEST_DB not set; database "
			    "tests skipped\n");
		return 1;
	}
	if (db_ready)
		return 0;
	CU_ASSERT_EQUAL_FATAL(db_open(conninfo), 0);
	p[0] = "otp_secrets";
	res = db_exec_sql(ta, "SELECT to_regclass($1) IS NOT NULL", 1, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		top = getenv("top_srcdir");
		snprintf(dir, sizeof(dir), "%s/sql", top != NULL ? top :
		    "../..");
		CU_ASSERT_EQUAL_FATAL(migrate_run(dir, 0), 0);
	}
	/* Leftovers of an interrupted run that had our pid. */
	p[0] = arena_printf(ta, "totp-%ld-%%@test.invalid", (long)getpid());
	CU_ASSERT_PTR_NOT_NULL_FATAL(db_exec_sql(ta,
	    "DELETE FROM users WHERE email LIKE $1", 1, p));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_totp.XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	snprintf(keyfile, sizeof(keyfile), "%s/master.key", tmpdir);
	CU_ASSERT_EQUAL_FATAL(crypto_keygen_file(keyfile), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(keyfile, err, sizeof(err)),
	    0);
	db_ready = 1;
	return 0;
}

struct tuser {
	long long	 id;
	char		 uid[32];
	char		 email[64];
};

static void
make_user(struct tuser *u)
{
	const char	*p[2];
	PGresult	*res;

	snprintf(u->uid, sizeof(u->uid), "IDT%ld%03d", (long)getpid(),
	    ++nusers);
	snprintf(u->email, sizeof(u->email), "totp-%ld-%d@test.invalid",
	    (long)getpid(), nusers);
	p[0] = u->uid;
	p[1] = u->email;
	res = db_exec_sql(ta, "INSERT INTO users (uid, email, password_digest)"
	    " VALUES ($1, $2, 'x') RETURNING id", 2, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	u->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

/* A new secret for u; its base32 (static, overwritten by the next call). */
static const char *
enroll(const struct tuser *u)
{
	static char	 copy[64];
	const char	*secret, *url;

	CU_ASSERT_EQUAL_FATAL(totp_generate(ta, u->id, u->uid, u->email,
	    &secret, &url), 0);
	snprintf(copy, sizeof(copy), "%s", secret);
	return copy;
}

static const char *
code_at(const char *secret, time_t t)
{
	static char	out[4][TOTP_DIGITS + 1];
	static int	i;

	i = (i + 1) % 4;
	CU_ASSERT_EQUAL(totp_code_at(secret, t, out[i]), 0);
	return out[i];
}

static long long
last_step(const struct tuser *u)
{
	const char	*p[1];
	PGresult	*res;

	p[0] = arena_printf(ta, "%lld", u->id);
	res = db_exec_sql(ta, "SELECT last_step FROM otp_secrets"
	    " WHERE user_id = $1::bigint", 1, p);
	if (res == NULL || PQntuples(res) != 1)
		return -1;
	return strtoll(PQgetvalue(res, 0, 0), NULL, 10);
}

static void
test_db_generate(void)
{
	struct tuser	 u;
	const char	*secret, *url, *p[1];
	char		*want, first[64];
	char		*saved_name;
	PGresult	*res;

	if (db_setup() != 0)
		return;
	make_user(&u);
	CU_ASSERT_EQUAL(totp_has_secret(ta, u.id), 0);
	CU_ASSERT_EQUAL(totp_generate(ta, u.id, u.uid, u.email, &secret,
	    &url), 0);
	CU_ASSERT_EQUAL(strlen(secret), 32);
	CU_ASSERT_EQUAL(strspn(secret, b32alpha), 32);
	want = arena_printf(ta, "otpauth://totp/Barong:%s?algorithm=SHA1"
	    "&digits=6&issuer=Barong&period=30&secret=%s", u.email, secret);
	CU_ASSERT_STRING_EQUAL(url, want);
	CU_ASSERT_EQUAL(totp_has_secret(ta, u.id), 1);
	snprintf(first, sizeof(first), "%s", secret);

	/* Stored sealed, bound to the uid, never in the clear. */
	p[0] = arena_printf(ta, "%lld", u.id);
	res = db_exec_sql(ta, "SELECT secret_encrypted, last_step,"
	    " created_at <= updated_at FROM otp_secrets"
	    " WHERE user_id = $1::bigint", 1, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	CU_ASSERT_EQUAL_FATAL(PQntuples(res), 1);
	CU_ASSERT(strncmp(PQgetvalue(res, 0, 0), "v1:", 3) == 0);
	CU_ASSERT_PTR_NULL(strstr(PQgetvalue(res, 0, 0), secret));
	CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 1), "0");
	CU_ASSERT_STRING_EQUAL(PQgetvalue(res, 0, 2), "t");
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(first, t0), t0),
	    TOTP_OK);
	/* Another uid's aad does not open it: a keyring-level failure. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, "IDOTHER", code_at(first,
	    t0 + 30), t0 + 30), TOTP_ERROR);

	/* Regenerating replaces the secret and forgets the used step. */
	CU_ASSERT_EQUAL(totp_generate(ta, u.id, u.uid, u.email, &secret,
	    &url), 0);
	CU_ASSERT_STRING_NOT_EQUAL(secret, first);
	CU_ASSERT_EQUAL(last_step(&u), 0);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(secret, t0), t0),
	    TOTP_OK);

	/* Issuer from app_name, escaped as Vault does; '@' readable. */
	saved_name = cfg.app_name;
	cfg.app_name = (char *)"My Exchange";
	CU_ASSERT_EQUAL(totp_generate(ta, u.id, u.uid, "a+b@x.io", &secret,
	    &url), 0);
	want = arena_printf(ta, "otpauth://totp/My%%20Exchange:a+b@x.io"
	    "?algorithm=SHA1&digits=6&issuer=My+Exchange&period=30"
	    "&secret=%s", secret);
	CU_ASSERT_STRING_EQUAL(url, want);
	cfg.app_name = saved_name;
}

static void
test_db_window(void)
{
	struct tuser	 u;
	const char	*s;
	char		 wrong[TOTP_DIGITS + 1];
	unsigned	 n;
	int		 i;

	if (db_setup() != 0)
		return;
	make_user(&u);
	s = enroll(&u);
	/* Previous, current, next: each accepted once, in that order. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 - 30), t0),
	    TOTP_OK);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30 - 1);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0),
	    TOTP_OK);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 + 30), t0),
	    TOTP_OK);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30 + 1);
	/* The edges of the steps: first and last second. */
	s = enroll(&u);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 - 30),
	    t0 - t0 % 30 + 29), TOTP_OK);
	s = enroll(&u);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 + 30),
	    t0 - t0 % 30), TOTP_OK);

	/* Two steps away: refused, and nothing recorded. */
	s = enroll(&u);
	for (i = 2; i <= 4; i++) {
		if (strcmp(code_at(s, t0 - 30 * i), code_at(s, t0 - 30)) &&
		    strcmp(code_at(s, t0 - 30 * i), code_at(s, t0)) &&
		    strcmp(code_at(s, t0 - 30 * i), code_at(s, t0 + 30)))
			CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
			    code_at(s, t0 - 30 * i), t0), TOTP_INVALID);
		if (strcmp(code_at(s, t0 + 30 * i), code_at(s, t0 - 30)) &&
		    strcmp(code_at(s, t0 + 30 * i), code_at(s, t0)) &&
		    strcmp(code_at(s, t0 + 30 * i), code_at(s, t0 + 30)))
			CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
			    code_at(s, t0 + 30 * i), t0), TOTP_INVALID);
	}
	CU_ASSERT_EQUAL(last_step(&u), 0);

	/* A wrong code, malformed codes. */
	for (n = 0; n < 1000000; n++) {
		snprintf(wrong, sizeof(wrong), "%06u", n);
		if (strcmp(wrong, code_at(s, t0 - 30)) &&
		    strcmp(wrong, code_at(s, t0)) &&
		    strcmp(wrong, code_at(s, t0 + 30)))
			break;
	}
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, wrong, t0), TOTP_INVALID);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, "", t0), TOTP_INVALID);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, NULL, t0), TOTP_INVALID);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, "12345", t0),
	    TOTP_INVALID);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, "abcdef", t0),
	    TOTP_INVALID);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
	    arena_printf(ta, "%s0", code_at(s, t0)), t0), TOTP_INVALID);
	CU_ASSERT_EQUAL(last_step(&u), 0);
	/* White space around a right code is ignored, as Vault does. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
	    arena_printf(ta, " %s\n", code_at(s, t0)), t0), TOTP_OK);
	/* totp_verify uses the clock. */
	s = enroll(&u);
	CU_ASSERT_EQUAL(totp_verify(ta, u.id, u.uid,
	    code_at(s, time(NULL))), TOTP_OK);
}

static void
test_db_reuse(void)
{
	struct tuser	 u;
	const char	*s;

	if (db_setup() != 0)
		return;
	make_user(&u);
	s = enroll(&u);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0),
	    TOTP_OK);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0),
	    TOTP_REUSED);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0 + 29),
	    TOTP_REUSED);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
	    arena_printf(ta, "%s ", code_at(s, t0)), t0), TOTP_REUSED);
	/* Still refused a step later, while it is inside the window. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0 + 30),
	    TOTP_REUSED);
	/* Out of the window it is just invalid (unless codes collide). */
	if (strcmp(code_at(s, t0), code_at(s, t0 + 60)) &&
	    strcmp(code_at(s, t0), code_at(s, t0 + 90)) &&
	    strcmp(code_at(s, t0), code_at(s, t0 + 120)))
		CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0),
		    t0 + 90), TOTP_INVALID);
	/* The next step's code is fine. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 + 30),
	    t0 + 30), TOTP_OK);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30 + 1);
}

static void
test_db_older_after_newer(void)
{
	struct tuser	 u;
	const char	*s;

	if (db_setup() != 0)
		return;
	make_user(&u);
	s = enroll(&u);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 + 30), t0),
	    TOTP_OK);
	if (strcmp(code_at(s, t0), code_at(s, t0 + 30)) != 0)
		CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0),
		    t0), TOTP_REUSED);
	if (strcmp(code_at(s, t0 - 30), code_at(s, t0 + 30)) != 0)
		CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid,
		    code_at(s, t0 - 30), t0), TOTP_REUSED);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30 + 1);
	/* Even a minute later, the step after it is accepted. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0 + 60),
	    t0 + 60), TOTP_OK);
}

static void
test_db_no_secret(void)
{
	struct tuser	 u;

	if (db_setup() != 0)
		return;
	make_user(&u);
	CU_ASSERT_EQUAL(totp_has_secret(ta, u.id), 0);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, "123456", t0),
	    TOTP_INVALID);
	CU_ASSERT_EQUAL(totp_verify(ta, u.id, u.uid, "123456"), TOTP_INVALID);
	CU_ASSERT_EQUAL(totp_has_secret(ta, 0), 0);
}

static void
test_db_no_keyring(void)
{
	struct tuser	 u;
	const char	*s, *secret, *url;
	char		 copy[64], err[256];

	if (db_setup() != 0)
		return;
	make_user(&u);
	snprintf(copy, sizeof(copy), "%s", enroll(&u));
	s = copy;
	crypto_keyring_clear();
	CU_ASSERT_EQUAL(totp_generate(ta, u.id, u.uid, u.email, &secret,
	    &url), -1);
	CU_ASSERT_PTR_NULL(secret);
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0),
	    TOTP_ERROR);
	CU_ASSERT_EQUAL(last_step(&u), 0);
	CU_ASSERT_EQUAL_FATAL(crypto_keyring_load(keyfile, err, sizeof(err)),
	    0);
	/* The failed generate changed nothing. */
	CU_ASSERT_EQUAL(verify_at(ta, u.id, u.uid, code_at(s, t0), t0),
	    TOTP_OK);
}

/* ------------------------------------------------------- concurrency */

/*
 * In a child: connect, wait for the go byte on fd, verify, exit with the
 * result (10 + n when something else failed).
 */
static void
racer(int ready, int go, const struct tuser *u, const char *code)
{
	struct arena	*a;
	char		 c = 'r';
	int		 rc;

	a = arena_new(0);
	if (db_open(conninfo) == -1 || totp_has_secret(a, u->id) != 1)
		_exit(11);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(12);
	rc = (int)verify_at(a, u->id, u->uid, code, t0);
	arena_free(a);
	arena_free(ta);
	db_close();
	crypto_keyring_clear();
	_exit(rc);
}

/* Number of backends of this database waiting for a lock. */
static int
lock_waiters(PGconn *c)
{
	PGresult	*res;
	int		 n = -1;

	res = PQexec(c, "SELECT count(*) FROM pg_stat_activity"
	    " WHERE datname = current_database()"
	    " AND wait_event_type = 'Lock'");
	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/*
 * nproc processes verify the same code of a fresh secret at once.  With
 * locked, a separate connection holds the row lock until all of them are
 * queued behind it, so their UPDATEs meet the condition in turn.
 */
static void
race(unsigned nproc, int locked)
{
	struct tuser	 u;
	const char	*s, *code;
	char		 buf[16];
	unsigned	 i, ok = 0, reused = 0;
	int		 ready[2], go[2], status, waited;
	pid_t		 pid[16];
	PGconn		*holder = NULL;
	PGresult	*res;

	if (nproc > sizeof(pid) / sizeof(pid[0]))
		nproc = sizeof(pid) / sizeof(pid[0]);
	make_user(&u);
	s = enroll(&u);
	code = code_at(s, t0);
	CU_ASSERT_EQUAL_FATAL(pipe(ready), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
	/* Children must not share the parent's connection. */
	db_close();
	fflush(NULL);
	for (i = 0; i < nproc; i++) {
		if ((pid[i] = fork()) == 0) {
			close(ready[0]);
			close(go[1]);
			racer(ready[1], go[0], &u, code);
		}
		CU_ASSERT_FATAL(pid[i] > 0);
	}
	close(ready[1]);
	close(go[0]);
	for (i = 0; i < nproc; i++)
		CU_ASSERT_EQUAL(read(ready[0], buf, 1), 1);
	/* Opened after the fork: a child must not inherit it. */
	if (locked) {
		holder = PQconnectdb(conninfo);
		CU_ASSERT_EQUAL_FATAL(PQstatus(holder), CONNECTION_OK);
		res = PQexec(holder, arena_printf(ta, "BEGIN; SELECT 1 FROM"
		    " otp_secrets WHERE user_id = %lld FOR UPDATE", u.id));
		CU_ASSERT_EQUAL(PQresultStatus(res), PGRES_TUPLES_OK);
		PQclear(res);
	}
	memset(buf, 'g', sizeof(buf));
	CU_ASSERT_EQUAL(write(go[1], buf, nproc), (ssize_t)nproc);
	if (locked) {
		/* Wait until every racer is blocked on the row (10 s). */
		for (waited = 0; waited < 1000 &&
		    lock_waiters(holder) < (int)nproc; waited++)
			usleep(10000);
		CU_ASSERT_EQUAL(lock_waiters(holder), (int)nproc);
		res = PQexec(holder, "COMMIT");
		PQclear(res);
		PQfinish(holder);
	}
	for (i = 0; i < nproc; i++) {
		CU_ASSERT_EQUAL(waitpid(pid[i], &status, 0), pid[i]);
		CU_ASSERT(WIFEXITED(status));
		if (WEXITSTATUS(status) == TOTP_OK)
			ok++;
		else if (WEXITSTATUS(status) == TOTP_REUSED)
			reused++;
		else
			printf("\n  racer %u exited with %d ", i,
			    WEXITSTATUS(status));
	}
	close(ready[0]);
	close(go[1]);
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(reused, nproc - 1);
	CU_ASSERT_EQUAL(db_open(conninfo), 0);
	CU_ASSERT_EQUAL(last_step(&u), t0 / 30);
}

static void
test_db_concurrent(void)
{
	int	round;

	if (db_setup() != 0)
		return;
	race(2, 1);		/* the two UPDATEs certainly overlap */
	race(8, 1);
	for (round = 0; round < 10; round++)
		race(2, 0);	/* free-running */
	race(8, 0);
}

static void
test_db_cleanup(void)
{
	const char	*p[1];

	if (conninfo == NULL || !db_ready)
		return;
	p[0] = arena_printf(ta, "totp-%ld-%%@test.invalid", (long)getpid());
	CU_ASSERT_PTR_NOT_NULL(db_exec_sql(ta,
	    "DELETE FROM users WHERE email LIKE $1", 1, p));
	db_close();
	crypto_keyring_clear();
	unlink(keyfile);
	rmdir(tmpdir);
}

static const struct unit_test tests[] = {
	{ "rfc6238", test_rfc6238 },
	{ "base32_vectors", test_base32_vectors },
	{ "base32_every_length", test_base32_every_length },
	{ "base32_reject", test_base32_reject },
	{ "url_escape", test_url_escape },
	{ "normalize_code", test_normalize_code },
	{ "db_generate", test_db_generate },
	{ "db_window", test_db_window },
	{ "db_reuse", test_db_reuse },
	{ "db_older_after_newer", test_db_older_after_newer },
	{ "db_no_secret", test_db_no_secret },
	{ "db_no_keyring", test_db_no_keyring },
	{ "db_concurrent", test_db_concurrent },
	{ "db_cleanup", test_db_cleanup },
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	log_init("test_totp");
	conf_defaults();
	conninfo = getenv("BARONG_TEST_DB");
	if (conninfo != NULL && *conninfo == '\0')
		conninfo = NULL;
	t0 = time(NULL);
	t0 = t0 - t0 % TOTP_PERIOD + TOTP_PERIOD / 2;
	ta = arena_new(0);
	rc = unit_run("totp", tests);
	arena_free(ta);
	return rc;
}
