/*
 * Unit tests for lib/mailer.c (included, to reach its statics): the
 * quoted-printable and RFC 2047 encoders, header injection, the MIME
 * structure, recipient checks, language choice and fallback, links and
 * their escaping, partial names, backoff, delivery specs, and sendmail
 * delivery through a stand-in script.
 *
 * With BARONG_TEST_DB set to the conninfo of a scratch database with the
 * migrations applied, also end to end: file delivery, retries and
 * backoff up to "failed", SMTP to a closed port and to a fake SMTP server
 * on 127.0.0.1, a missing template, SKIP LOCKED, the NOTIFY trigger and
 * the throughput of file delivery.  These tests empty the outbox table
 * and the users of mailer.test.  Without BARONG_TEST_DB they say so and
 * pass.
 */
#include "mailer.c"

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <dirent.h>

#include "outbox.h"
#include "unit.h"

static struct arena	*arena;
static char		 templates[1024];
static char		 tmpdir[256];
static const char	*test_db;
static char		 errbuf[512];

/* ---------------------------------------------------------- helpers */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode quoted-printable, CRLF line breaks back to "\n".  An '=' that
 * starts no escape stays as it is (boundary lines hold "=_").
 */
static char *
qp_decode(const char *s, size_t n, size_t *outlen)
{
	char	*o = arena_alloc(arena, n + 1);
	size_t	 i, k = 0;
	int	 hi, lo;

	for (i = 0; i < n; ) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' &&
		    s[i + 2] == '\n')
			i += 3;
		else if (s[i] == '=' && i + 2 < n &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			o[k++] = (char)(hi << 4 | lo);
			i += 3;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			o[k++] = '\n';
			i += 2;
		} else
			o[k++] = s[i++];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static const char *
qp(const char *s)
{
	struct buf	b;

	buf_init(&b, arena, 1 << 20);
	qp_encode(&b, s, strlen(s));
	return buf_cstr(&b);
}

/* Every CR is followed by LF and every LF preceded by CR. */
static int
crlf_only(const char *s)
{
	size_t	i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			return 0;
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

/* The longest line, without its CRLF. */
static size_t
longest_line(const char *s)
{
	size_t	max = 0, cur = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\r' && s[1] == '\n') {
			if (cur > max)
				max = cur;
			cur = 0;
			s++;
		} else
			cur++;
	}
	return cur > max ? cur : max;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The header block of a message (up to the blank line). */
static const char *
header_block(const char *msg)
{
	const char	*e = strstr(msg, "\r\n\r\n");

	return e == NULL ? NULL : arena_strndup(arena, msg,
	    (size_t)(e - msg) + 2);
}

/*
 * The names of the header fields, in order, comma-separated: a line not
 * starting with white space starts a field.
 */
static const char *
header_names(const char *block)
{
	struct buf	 b;
	const char	*p, *colon, *eol;

	buf_init(&b, arena, 4096);
	for (p = block; *p != '\0'; p = eol + 2) {
		if ((eol = strstr(p, "\r\n")) == NULL)
			break;
		if (*p == ' ' || *p == '\t')
			continue;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (b.len > 0)
			buf_putc(&b, ',');
		if (colon == NULL)
			buf_puts(&b, "?");
		else
			buf_add(&b, p, (size_t)(colon - p));
	}
	return buf_cstr(&b);
}

static const char *const std_headers = "Date,From,To,Subject,Message-ID,"
    "X-Barong-Event,Auto-Submitted,MIME-Version,Content-Type";

static int
b64val(int c)
{
	const char	*t =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*p = c != '\0' ? strchr(t, c) : NULL;

	return p == NULL ? -1 : (int)(p - t);
}

/* Decode a run of "=?UTF-8?B?...?=" words separated by folding. */
static char *
words_decode(const char *s, int *maxword, int *badsplit)
{
	struct buf	 b;
	const char	*e;
	size_t		 i, start;
	unsigned long	 v;
	int		 n, c;

	buf_init(&b, arena, 4096);
	*maxword = 0;
	*badsplit = 0;
	while (*s != '\0') {
		while (*s == '\r' || *s == '\n' || *s == ' ')
			s++;
		if (*s == '\0')
			break;
		if (strncmp(s, "=?UTF-8?B?", 10) != 0 ||
		    (e = strstr(s + 10, "?=")) == NULL)
			return NULL;
		if ((int)(e + 2 - s) > *maxword)
			*maxword = (int)(e + 2 - s);
		start = b.len;
		v = 0;
		n = 0;
		for (s += 10; s < e; s++) {
			if (*s == '=')
				continue;
			if ((c = b64val((unsigned char)*s)) < 0)
				return NULL;
			v = v << 6 | (unsigned long)c;
			if (++n == 4) {
				buf_putc(&b, (int)(v >> 16 & 255));
				buf_putc(&b, (int)(v >> 8 & 255));
				buf_putc(&b, (int)(v & 255));
				v = 0;
				n = 0;
			}
		}
		if (n == 3) {
			buf_putc(&b, (int)(v >> 10 & 255));
			buf_putc(&b, (int)(v >> 2 & 255));
		} else if (n == 2)
			buf_putc(&b, (int)(v >> 4 & 255));
		/* A word must not start inside a UTF-8 sequence. */
		for (i = start; i < b.len && i == start; i++)
			if (((unsigned char)b.p[i] & 0xc0) == 0x80)
				*badsplit = 1;
		s = e + 2;
	}
	return (char *)buf_cstr(&b);
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	p = arena_alloc(arena, 8 << 20);
	n = fread(p, 1, (8 << 20) - 1, f);
	fclose(f);
	p[n] = '\0';
	return p;
}

static void
spit(const char *path, const char *text, int mode)
{
	FILE	*f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static int
find_templates(void)
{
	const char	*top, *guess[] = { "../../templates", "../templates",
			    "templates" };
	char		 path[1200];
	size_t		 i;

	if ((top = getenv("top_srcdir")) != NULL && *top != '\0') {
		snprintf(templates, sizeof(templates), "%s/templates", top);
		return 0;
	}
	for (i = 0; i < sizeof(guess) / sizeof(guess[0]); i++) {
		snprintf(path, sizeof(path), "%s/subjects.yml", guess[i]);
		if (access(path, R_OK) == 0) {
			snprintf(templates, sizeof(templates), "%s",
			    guess[i]);
			return 0;
		}
	}
	return -1;
}

/* conf_set, which owns the copies (conf_defaults() frees them). */
static void
cset(const char *key, const char *value)
{
	CU_ASSERT_FATAL(conf_set(key, value, errbuf, sizeof(errbuf)) == 0);
}

/* A fresh default configuration pointing at the real templates. */
static void
setup_cfg(void)
{
	conf_defaults();
	cset("templates_dir", templates);
	cset("domain", "https://www.example.com");
	cset("default_language", "en");
	cset("sender_email", "noreply@barong.io");
	cset("sender_name", "Barong");
	json_object_put(subjects);
	subjects = NULL;
	CU_ASSERT_FATAL(subjects_load(errbuf, sizeof(errbuf)) == 0);
}

static struct mail_row
row_of(long long id, const char *event, const char *payload,
    const char *lang, const char *user_data)
{
	struct mail_row	r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.event = event;
	r.payload = payload;
	r.language = lang;
	r.created = 1700000000;
	r.created_stamp = "20231114221320123456";
	r.user_data = user_data;
	return r;
}

static const char *const confirm_payload =
    "{\"user\":{\"uid\":\"ID1\",\"email\":\"a@example.com\",\"level\":1,"
    "\"state\":\"active\"},\"domain\":\"https://www.example.com\","
    "\"token\":\"tok+en/=&x y\"}";

/* ----------------------------------------------------- quoted-printable */

static void
test_qp_roundtrip(void)
{
	static const char *const cases[] = {
		"",
		"hello\n",
		"a=b\n",
		"trailing space \nand tab\t\n",
		"trailing space at end ",
		".leading dot\n.\n..\n",
		"From here\nFrom\nFrom  x\n",
		"crlf\r\nlone cr\rhere\n",
		"Здравствуйте! Используйте эту уникальную ссылку, чтобы "
		    "подтвердить адрес электронной почты\n",
		"https://www.example.com/accounts/confirmation?"
		    "confirmation_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb25m"
		    "aXJtYXRpb24iLCJlbWFpbCI6ImFAZXhhbXBsZS5jb20ifQ.c2lnbmF0"
		    "dXJl&lang=en\n",
		"=_barong_1_x boundary-like text =_\n",
		NULL
	};
	const char	*enc, *want;
	char		*dec, *norm;
	size_t		 i, n, k, j;

	for (i = 0; cases[i] != NULL; i++) {
		enc = qp(cases[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(enc);
		CU_ASSERT(crlf_only(enc));
		CU_ASSERT(longest_line(enc) <= 76);
		CU_ASSERT(strstr(enc, "=_") == NULL);
		CU_ASSERT(strstr(enc, "\r\n.") == NULL && enc[0] != '.');
		CU_ASSERT(strstr(enc, "\r\nFrom ") == NULL &&
		    strncmp(enc, "From ", 5) != 0);
		CU_ASSERT(strstr(enc, " \r\n") == NULL &&
		    strstr(enc, "\t\r\n") == NULL);
		dec = qp_decode(enc, strlen(enc), &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
		/* The input with CRLF as LF: what the encoding preserves. */
		norm = arena_strdup(arena, cases[i]);
		for (j = k = 0; norm[j] != '\0'; j++)
			if (!(norm[j] == '\r' && norm[j + 1] == '\n'))
				norm[k++] = norm[j];
		norm[k] = '\0';
		want = norm;
		CU_ASSERT_EQUAL(n, strlen(want));
		CU_ASSERT_STRING_EQUAL(dec, want);
	}
}

/* Every byte value, alone and in long lines, survives the encoding. */
static void
test_qp_all_bytes(void)
{
	struct buf	 b;
	char		 in[600], *dec;
	const char	*enc;
	size_t		 i, n;
	int		 c;

	for (c = 1; c < 256; c++) {
		if (c == '\n')
			continue;
		for (i = 0; i < sizeof(in) - 1; i++)
			in[i] = (char)(i % 7 == 3 ? c : 'a' + (int)(i % 26));
		in[0] = (char)c;
		in[sizeof(in) - 2] = (char)c;
		in[sizeof(in) - 1] = '\0';
		buf_init(&b, arena, 1 << 16);
		qp_encode(&b, in, strlen(in));
		enc = buf_cstr(&b);
		CU_ASSERT_PTR_NOT_NULL_FATAL(enc);
		CU_ASSERT(crlf_only(enc));
		CU_ASSERT(longest_line(enc) <= 76);
		dec = qp_decode(enc, strlen(enc), &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
		/* No LF in the input: even a CR is a lone one, kept. */
		CU_ASSERT_EQUAL(n, strlen(in));
		CU_ASSERT(memcmp(dec, in, n) == 0);
	}
	arena_reset(arena);
}

/* Pseudo-random text: roundtrip, line length, no bare CR or LF. */
static void
test_qp_random(void)
{
	static const char	 alphabet[] = "ab .=\t\r\nF-Жщ\xff\x01";
	char			 in[2048];
	const char		*enc;
	char			*dec, *norm;
	unsigned		 seed = 12345;
	size_t			 i, n, len, j, k;
	int			 round;

	for (round = 0; round < 300; round++) {
		len = (size_t)(round * 7) % (sizeof(in) - 1);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		in[len] = '\0';
		enc = qp(in);
		CU_ASSERT_PTR_NOT_NULL_FATAL(enc);
		CU_ASSERT(crlf_only(enc));
		CU_ASSERT(longest_line(enc) <= 76);
		dec = qp_decode(enc, strlen(enc), &n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
		norm = arena_strdup(arena, in);
		for (j = k = 0; norm[j] != '\0'; j++)
			if (!(norm[j] == '\r' && norm[j + 1] == '\n'))
				norm[k++] = norm[j];
		norm[k] = '\0';
		CU_ASSERT_EQUAL(n, k);
		CU_ASSERT(memcmp(dec, norm, k) == 0);
	}
	arena_reset(arena);
}

/* ------------------------------------------------------------ headers */

static void
test_subject_encoding(void)
{
	static const char *const subjects_in[] = {
		"Подтверждение Регистрации",
		"Сброс Пароля",
		"日本語のとても長い件名がここにありますので折り返しが必要です"
		    "日本語のとても長い件名",
		"Ünïcödé ✓ 🎉 mixed with ASCII and a long tail to force "
		    "several encoded words",
		NULL
	};
	struct buf	 b;
	const char	*h;
	char		*dec;
	int		 maxword, badsplit;
	size_t		 i;

	for (i = 0; subjects_in[i] != NULL; i++) {
		buf_init(&b, arena, 4096);
		header_text(&b, arena, "Subject", subjects_in[i]);
		h = buf_cstr(&b);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT(strncmp(h, "Subject: =?UTF-8?B?", 19) == 0);
		CU_ASSERT(crlf_only(h));
		CU_ASSERT(longest_line(h) <= 78);
		/* Only ASCII on the wire. */
		for (dec = (char *)h; *dec != '\0'; dec++)
			CU_ASSERT_FATAL((unsigned char)*dec < 0x80);
		dec = words_decode(h + 9, &maxword, &badsplit);
		CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
		CU_ASSERT_STRING_EQUAL(dec, subjects_in[i]);
		CU_ASSERT(maxword <= 75);
		CU_ASSERT(!badsplit);
	}

	/* ASCII stays readable; "=?" in plain text is encoded. */
	buf_init(&b, arena, 4096);
	header_text(&b, arena, "Subject", "Password Reset");
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "Subject: Password Reset\r\n");
	buf_init(&b, arena, 4096);
	header_text(&b, arena, "Subject", "=?x?= trick");
	CU_ASSERT(strncmp(buf_cstr(&b), "Subject: =?UTF-8?B?", 19) == 0);
	arena_reset(arena);
}

/* CR/LF in any data never makes a header of its own. */
static void
test_header_injection(void)
{
	struct buf	 b;
	const char	*h;

	buf_init(&b, arena, 4096);
	header_text(&b, arena, "Subject", "Hi\r\nBcc: victim@example.com");
	h = buf_cstr(&b);
	CU_ASSERT_STRING_EQUAL(h, "Subject: Hi  Bcc: victim@example.com\r\n");

	buf_init(&b, arena, 4096);
	header_from(&b, arena, "Bad \"Name\" \\\r\nBcc: x@y.z",
	    "noreply@barong.io");
	h = buf_cstr(&b);
	CU_ASSERT_STRING_EQUAL(h, "From: \"Bad \\\"Name\\\" \\\\  Bcc: x@y.z\" "
	    "<noreply@barong.io>\r\n");

	buf_init(&b, arena, 4096);
	header_from(&b, arena, "Барон\nг", "noreply@barong.io");
	h = buf_cstr(&b);
	CU_ASSERT(strncmp(h, "From: =?UTF-8?B?", 16) == 0);
	CU_ASSERT(crlf_only(h));
	CU_ASSERT(count(h, "\r\n") == 1);

	buf_init(&b, arena, 4096);
	header_from(&b, arena, "", "noreply@barong.io");
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "From: <noreply@barong.io>\r\n");

	CU_ASSERT_STRING_EQUAL(token_clean(arena, "label.created"),
	    "label.created");
	CU_ASSERT_STRING_EQUAL(token_clean(arena, "x\r\nBcc: y"),
	    "x__Bcc__y");
	arena_reset(arena);
}

static void
test_addr_ok(void)
{
	static const char *const good[] = {
		"a@example.com", "first.last+tag@sub.example.co",
		"o'neil@example.com", "x_y-z@a-b.example", "a@b.c", NULL
	};
	static const char *const bad[] = {
		"", "ab", "a@", "@b.com", "a@@b.com", "a@b@c.com",
		"a b@example.com", "a@example.com\r\nBcc: x@y.z",
		"a@example.com\nx", "a,b@example.com", "a@example.com,b@x.y",
		"<a@example.com>", "\"a\"@example.com", "a;b@example.com",
		"a(b)@example.com", ".a@example.com", "a.@example.com",
		"a@.example.com", "a@example.com.", "a@-example.com",
		"жена@example.com", "a@exämple.com", "a@exa mple.com",
		"a\\b@example.com", "a@[127.0.0.1]", NULL
	};
	char	 longaddr[300];
	size_t	 i;

	for (i = 0; good[i] != NULL; i++)
		CU_ASSERT(addr_ok(good[i]));
	for (i = 0; bad[i] != NULL; i++) {
		if (addr_ok(bad[i]))
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CU_ASSERT(!addr_ok(bad[i]));
	}
	CU_ASSERT(!addr_ok(NULL));
	memset(longaddr, 'a', sizeof(longaddr));
	memcpy(longaddr + 250, "@b.co", 6);
	CU_ASSERT(!addr_ok(longaddr));
}

static void
test_date(void)
{
	struct buf	b;

	buf_init(&b, arena, 256);
	header_date(&b, 1700000000);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n");
	buf_init(&b, arena, 256);
	header_date(&b, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n");
	arena_reset(arena);
}

/* ---------------------------------------------------------- composing */

static void
test_compose_multipart(void)
{
	struct mail_row	 row;
	struct mail_msg	 m;
	const char	*msg, *msg2, *hb, *body, *boundary;
	size_t		 len, len2;

	setup_cfg();
	row = row_of(42, "user.email.confirmation.token", confirm_payload,
	    "ru", NULL);
	CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(m.lang, "ru");
	CU_ASSERT_STRING_EQUAL(m.to, "a@example.com");
	CU_ASSERT_PTR_NOT_NULL(m.text);
	msg = mail_compose(arena, &row, &m, &len, errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_EQUAL(len, strlen(msg));
	CU_ASSERT(crlf_only(msg));
	CU_ASSERT(longest_line(msg) <= 78);
	for (body = msg; *body != '\0'; body++)
		CU_ASSERT_FATAL((unsigned char)*body < 0x80);

	hb = header_block(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hb);
	CU_ASSERT_STRING_EQUAL(header_names(hb), std_headers);
	CU_ASSERT(strstr(hb, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n") !=
	    NULL);
	CU_ASSERT(strstr(hb, "From: \"Barong\" <noreply@barong.io>\r\n") !=
	    NULL);
	CU_ASSERT(strstr(hb, "To: a@example.com\r\n") != NULL);
	CU_ASSERT(strstr(hb, "Subject: =?UTF-8?B?") != NULL);
	CU_ASSERT(strstr(hb, "Message-ID: <barong.outbox.42."
	    "20231114221320123456@barong.io>\r\n") != NULL);
	CU_ASSERT(strstr(hb, "X-Barong-Event: "
	    "user.email.confirmation.token\r\n") != NULL);
	CU_ASSERT(strstr(hb, "MIME-Version: 1.0\r\n") != NULL);
	boundary = "=_barong_42_20231114221320123456";
	CU_ASSERT(strstr(hb, "Content-Type: multipart/alternative;\r\n "
	    "boundary=\"=_barong_42_20231114221320123456\"\r\n") != NULL);

	/* Two parts, text first, and the closing delimiter. */
	body = msg + strlen(hb) + 2;
	CU_ASSERT_EQUAL(count(body, "\r\n--=_barong_42_"
	    "20231114221320123456\r\n"), 2);
	CU_ASSERT_EQUAL(count(body, "\r\n--=_barong_42_"
	    "20231114221320123456--\r\n"), 1);
	CU_ASSERT_EQUAL(count(body, boundary), 3);
	CU_ASSERT(strstr(body, "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n") != NULL);
	CU_ASSERT(strstr(body, "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n") != NULL);
	CU_ASSERT(strstr(body, "text/plain") < strstr(body, "text/html"));
	CU_ASSERT(len >= 7 && strcmp(msg + len - 2, "\r\n") == 0);

	/* The same row gives the same bytes: a re-delivery is the same. */
	msg2 = mail_compose(arena, &row, &m, &len2, errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg2);
	CU_ASSERT(len == len2 && memcmp(msg, msg2, len) == 0);

	/* No text template: a single text/html part. */
	m.text = NULL;
	msg = mail_compose(arena, &row, &m, &len, errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	hb = header_block(msg);
	CU_ASSERT(strstr(hb, "Content-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n") != NULL);
	CU_ASSERT(strstr(msg, "multipart") == NULL);
	arena_reset(arena);
}

/* Data with CR/LF and boundary look-alikes cannot change the structure. */
static void
test_compose_hostile_data(void)
{
	struct mail_row	 row;
	struct mail_msg	 m;
	const char	*msg, *hb, *payload;
	char		*dec;
	size_t		 len, n;

	setup_cfg();
	payload = "{\"user\":{\"email\":\"a@example.com\"},"
	    "\"user_ip\":\"1.2.3.4\\r\\nBcc: ip@evil.io\","
	    "\"user_agent\":\"UA\\r\\n\\r\\n--=_barong_7_20231114221320123456"
	    "--\\r\\nX-Evil: 1\\u0000\\n.\\r\\n\"}";
	row = row_of(7, "session.create", payload, NULL, NULL);
	CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
	    sizeof(errbuf)) == 0);
	msg = mail_compose(arena, &row, &m, &len, errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT(crlf_only(msg));
	hb = header_block(msg);
	CU_ASSERT_STRING_EQUAL(header_names(hb), std_headers);
	CU_ASSERT(strstr(msg, "\r\nBcc:") == NULL);
	CU_ASSERT(strstr(msg, "\r\nX-Evil") == NULL);
	CU_ASSERT(strstr(msg, "\r\n.\r\n") == NULL);
	CU_ASSERT_EQUAL(count(msg, "--=_barong_7_20231114221320123456\r\n"),
	    2);
	CU_ASSERT_EQUAL(count(msg, "--=_barong_7_20231114221320123456--"), 1);
	/* The user agent stays on its line in the text part. */
	dec = qp_decode(msg, len, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	CU_ASSERT(strstr(dec, "Browser:    UA    --=_barong_7_") != NULL);
	CU_ASSERT(strstr(dec, "IP address: 1.2.3.4  Bcc: ip@evil.io\n") !=
	    NULL);

	/* A recipient with CR/LF is refused, not mailed. */
	row = row_of(8, "session.create", "{\"user\":{\"email\":"
	    "\"a@example.com\\r\\nBcc: x@evil.io\"}}", NULL, NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "recipient") != NULL);
	row = row_of(9, "session.create", "{\"user\":{\"email\":"
	    "\"a@example.com, b@evil.io\"}}", NULL, NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	/* No address in the record: the user row's. */
	row = row_of(10, "session.create", "{\"user\":{}}", NULL, NULL);
	row.user_email = "row@example.com";
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(m.to, "row@example.com");
	row.user_email = NULL;
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "no recipient") != NULL);
	arena_reset(arena);
}

/* --------------------------------------------------------- language */

static void
test_lang_wanted(void)
{
	char	l[MAIL_LANG_MAX + 1];

	cset("default_language", "en");
	lang_wanted("RU", NULL, l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "ru");
	lang_wanted(NULL, "{\"language\":\"RU\"}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "ru");
	lang_wanted("de", "{\"language\":\"RU\"}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "de");
	lang_wanted("../etc", "{\"language\":\"Pt-BR\"}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "pt-br");
	lang_wanted("", "{\"language\":\"x/y\"}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	lang_wanted(NULL, "not json", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	lang_wanted(NULL, "{\"language\":5}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	cset("default_language", "RU");
	lang_wanted(NULL, "{}", l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "ru");
	cset("default_language", "bad.lang");
	lang_wanted(NULL, NULL, l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	lang_wanted("averyveryverylonglanguage", NULL, l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	lang_wanted("1a", NULL, l, sizeof(l));
	CU_ASSERT_STRING_EQUAL(l, "en");
	cset("default_language", "en");
}

/* The template decides the language; the subject follows it. */
static void
test_lang_fallback(void)
{
	static const struct {
		const char	*event;
		const char	*row_lang;
		const char	*user_data;
		const char	*want_lang;
		const char	*want_subject;
	} cases[] = {
		{ "user.email.confirmation.token", NULL, NULL, "en",
		    "Registration Confirmation" },
		{ "user.email.confirmation.token", NULL,
		    "{\"language\":\"RU\"}", "ru",
		    "Подтверждение Регистрации" },
		{ "user.email.confirmation.token", "de",
		    "{\"language\":\"ru\"}", "en",
		    "Registration Confirmation" },
		{ "user.password.reset.token", "ru", NULL, "ru",
		    "Сброс Пароля" },
		{ "session.create", "ru", NULL, "en", "New Login" },
		{ "label.created", "ru", NULL, "en", "Phone verified" },
		{ "label.updated", NULL, "{\"language\":\"ru\"}", "en",
		    "Label Updated" },
	};
	struct mail_row	 row;
	struct mail_msg	 m;
	size_t		 i;

	setup_cfg();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		row = row_of(1, cases[i].event, confirm_payload,
		    cases[i].row_lang, cases[i].user_data);
		CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
		    sizeof(errbuf)) == 0);
		CU_ASSERT_STRING_EQUAL(m.lang, cases[i].want_lang);
		CU_ASSERT_STRING_EQUAL(m.subject, cases[i].want_subject);
		CU_ASSERT(strstr(m.html, arena_printf(arena, "lang=\"%s\"",
		    cases[i].want_lang)) != NULL);
		arena_reset(arena);
	}
	/* default_language applies when the user has none. */
	cset("default_language", "ru");
	row = row_of(1, "user.password.reset.token", confirm_payload, NULL,
	    "{}");
	CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(m.lang, "ru");
	cset("default_language", "en");
	arena_reset(arena);
}

/* A language with a template but no subject: the English subject. */
static void
test_subject_fallback(void)
{
	char		 dir[512], path[700];
	struct mail_row	 row;
	struct mail_msg	 m;

	snprintf(dir, sizeof(dir), "%s/tpl-subj", tmpdir);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/subjects.yml", dir);
	spit(path, "session_create:\n  en: New Login\n", 0600);
	snprintf(path, sizeof(path), "%s/session_create.de.html.mustache",
	    dir);
	spit(path, "<p>Hallo {{user.email}}: {{subject}}</p>\n", 0600);
	conf_defaults();
	cset("templates_dir", dir);
	json_object_put(subjects);
	subjects = NULL;
	CU_ASSERT_FATAL(subjects_load(errbuf, sizeof(errbuf)) == 0);
	row = row_of(3, "session.create", confirm_payload, "de", NULL);
	CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(m.lang, "de");
	CU_ASSERT_STRING_EQUAL(m.subject, "New Login");
	CU_ASSERT_PTR_NULL(m.text);
	CU_ASSERT_STRING_EQUAL(m.html,
	    "<p>Hallo a@example.com: New Login</p>\n");
	/* No subject at all: the row cannot be mailed. */
	row = row_of(3, "label.created", confirm_payload, "de", NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	/* label has no template here: that is said first. */
	CU_ASSERT(strstr(errbuf, "not found") != NULL);
	arena_reset(arena);
}

/* ------------------------------------------------------------- links */

static void
test_links(void)
{
	const char	*l;

	l = mail_link(arena, LINK_CONFIRMATION, "https://www.example.com",
	    "eyJ.a-b_c~d", "en");
	CU_ASSERT_STRING_EQUAL(l, "https://www.example.com/accounts/"
	    "confirmation?confirmation_token=eyJ.a-b_c~d&lang=en");
	l = mail_link(arena, LINK_RESET, "https://www.example.com//",
	    "a+b/c=d&e f?g#h%", "ru");
	CU_ASSERT_STRING_EQUAL(l, "https://www.example.com/accounts/"
	    "password_reset?reset_token=a%2Bb%2Fc%3Dd%26e%20f%3Fg%23h%25"
	    "&lang=ru");
	l = mail_link(arena, LINK_RESET, "openware.com", "t", "en");
	CU_ASSERT_STRING_EQUAL(l, "https://openware.com/accounts/"
	    "password_reset?reset_token=t&lang=en");
	l = mail_link(arena, LINK_CONFIRMATION, "http://localhost:3000/",
	    "\xd0\x96\r\n", "pt-br");
	CU_ASSERT_STRING_EQUAL(l, "http://localhost:3000/accounts/"
	    "confirmation?confirmation_token=%D0%96%0D%0A&lang=pt-br");
	CU_ASSERT_PTR_NULL(mail_link(arena, LINK_NONE, "x", "t", "en"));
	arena_reset(arena);
}

/* The link in the rendered parts, escaped for HTML in the HTML one. */
static void
test_links_rendered(void)
{
	struct mail_row	 row;
	struct mail_msg	 m;

	setup_cfg();
	row = row_of(5, "user.email.confirmation.token", confirm_payload,
	    NULL, NULL);
	CU_ASSERT_FATAL(mail_render(arena, &row, &m, errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT(strstr(m.text, "https://www.example.com/accounts/"
	    "confirmation?confirmation_token=tok%2Ben%2F%3D%26x%20y&lang=en\n")
	    != NULL);
	CU_ASSERT(strstr(m.html, "href=\"https://www.example.com/accounts/"
	    "confirmation?confirmation_token=tok%2Ben%2F%3D%26x%20y"
	    "&amp;lang=en\"") != NULL);
	/* A token event without a token cannot be mailed. */
	row = row_of(5, "user.password.reset.token",
	    "{\"user\":{\"email\":\"a@example.com\"},\"domain\":\"x\"}", NULL,
	    NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "payload has no token");
	/* Unknown event, bad payload. */
	row = row_of(5, "user.created", confirm_payload, NULL, NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "no template for event") != NULL);
	row = row_of(5, "session.create", "[1,2]", NULL, NULL);
	CU_ASSERT(mail_render(arena, &row, &m, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "payload is not a JSON object");
	arena_reset(arena);
}

/* ---------------------------------------------------------- partials */

static void
test_partial_names(void)
{
	static const char *const good[] = { "header.en.html", "footer",
	    "a-b_c.9", "X", NULL };
	static const char *const bad[] = { "", ".", "..", ".hidden",
	    "../secret", "a/b", "/etc/passwd", "a b", "a\\b", "a\nb",
	    "名前", "a:b", NULL };
	char	 longname[200];
	size_t	 i;

	for (i = 0; good[i] != NULL; i++)
		CU_ASSERT(partial_name_ok(good[i]));
	for (i = 0; bad[i] != NULL; i++)
		CU_ASSERT(!partial_name_ok(bad[i]));
	CU_ASSERT(!partial_name_ok(NULL));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CU_ASSERT(!partial_name_ok(longname));
	longname[MAIL_PARTIAL_NAME_MAX] = '\0';
	CU_ASSERT(partial_name_ok(longname));
}

/* Refused and missing partials render as nothing, through the loader. */
static void
test_partial_loading(void)
{
	char		 dir[512], path[700];
	const char	*out;

	snprintf(dir, sizeof(dir), "%s/tpl-part", tmpdir);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/ok.mustache", dir);
	spit(path, "[{{x}}]", 0600);
	snprintf(path, sizeof(path), "%s/.secret.mustache", dir);
	spit(path, "SECRET", 0600);
	snprintf(path, sizeof(path), "%s/secret.mustache", tmpdir);
	spit(path, "SECRET", 0600);
	snprintf(path, sizeof(path), "%s/t.mustache", dir);
	spit(path, "a{{> ok}}b{{> .secret}}c{{> ../secret}}d{{> nope}}e\n",
	    0600);
	conf_defaults();
	cset("templates_dir", dir);
	out = render_file(arena, path, "t", json_adopt(arena,
	    json_tokener_parse("{\"x\":\"<y>\"}")), errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, "a[&lt;y&gt;]bcde\n");
	/* A broken template is an error with its name, never a crash. */
	snprintf(path, sizeof(path), "%s/broken.mustache", dir);
	spit(path, "{{#open}}never closed\n", 0600);
	CU_ASSERT_PTR_NULL(render_file(arena, path, "broken", NULL, errbuf,
	    sizeof(errbuf)));
	CU_ASSERT(strncmp(errbuf, "template broken: ", 17) == 0);
	arena_reset(arena);
}

/* ------------------------------------------------- backoff and specs */

static void
test_backoff(void)
{
	static const long	want[] = { 30, 60, 120, 240, 480, 960, 1920,
	    3600, 3600, 3600 };
	size_t			i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_EQUAL(backoff_seconds((int)i), want[i]);
	CU_ASSERT_EQUAL(backoff_seconds(1000), 3600);
}

static void
test_delivery_specs(void)
{
	char	spec[600];

	CU_ASSERT(parse_delivery(NULL, errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("", errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("mailgun", errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("file:", errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("file:/nonexistent/dir", errbuf,
	    sizeof(errbuf)) == -1);
	snprintf(spec, sizeof(spec), "file:%s", tmpdir);
	CU_ASSERT(parse_delivery(spec, errbuf, sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.kind, DELIVER_FILE);
	CU_ASSERT(parse_delivery("sendmail:relative/path", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("sendmail:/nonexistent/sendmail", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("sendmail:/bin/true", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.kind, DELIVER_SENDMAIL);
	CU_ASSERT_STRING_EQUAL(dl.path, "/bin/true");

	CU_ASSERT(parse_delivery("smtp://127.0.0.1:2525", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(dl.url, "smtp://127.0.0.1:2525");
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_TRY);
	CU_ASSERT(parse_delivery("smtp://localhost", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(dl.url, "smtp://localhost:25");
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_TRY);
	CU_ASSERT(parse_delivery("smtp://[::1]:25/", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_TRY);
	CU_ASSERT(parse_delivery("smtp://mail.example.com:587", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_ALL);
	CU_ASSERT(parse_delivery("smtp://127.0.0.2", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_ALL);
	CU_ASSERT(parse_delivery("smtps://mail.example.com", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_STRING_EQUAL(dl.url, "smtps://mail.example.com:465");
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_ALL);
	CU_ASSERT(parse_delivery("smtps://localhost:1465", errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT_EQUAL(dl.use_ssl, (long)CURLUSESSL_ALL);

	CU_ASSERT(parse_delivery("smtp://", errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://host:0", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://host:65536", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://host:", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://user:pw@host", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://host/path", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://host?x", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("smtp://[::1", errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(parse_delivery("imap://host", errbuf,
	    sizeof(errbuf)) == -1);

	/* mailer_start also checks the sender and the subjects. */
	setup_cfg();
	cset("mail_delivery", spec);
	CU_ASSERT(mailer_start(errbuf, sizeof(errbuf)) == 0);
	cset("sender_email", "no reply@barong.io");
	CU_ASSERT(mailer_start(errbuf, sizeof(errbuf)) == -1);
	cset("sender_email", "noreply@barong.io");
	cset("templates_dir", tmpdir);	/* no subjects.yml there */
	CU_ASSERT(mailer_start(errbuf, sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "subjects.yml") != NULL);
	setup_cfg();
}

/* ----------------------------------------------------------- sendmail */

static void
test_sendmail(void)
{
	char		 script[512], spec[600], out[600], args[600];
	char		 big[200 * 1024];
	const char	*msg, *got;

	snprintf(out, sizeof(out), "%s/sendmail.out", tmpdir);
	snprintf(args, sizeof(args), "%s/sendmail.args", tmpdir);
	snprintf(script, sizeof(script), "%s/fake-sendmail", tmpdir);
	spit(script, arena_printf(arena, "#!/bin/sh\n"
	    "printf '%%s\\n' \"$*\" > '%s'\ncat > '%s'\n"
	    "[ -n \"$FAIL\" ] && exit \"$FAIL\"\nexit 0\n", args, out), 0700);
	snprintf(spec, sizeof(spec), "sendmail:%s", script);
	CU_ASSERT_FATAL(parse_delivery(spec, errbuf, sizeof(errbuf)) == 0);

	msg = "To: a@example.com\r\nSubject: x\r\n\r\nline 1\r\nline 2\r\n";
	CU_ASSERT(deliver_sendmail(arena, msg, strlen(msg), errbuf,
	    sizeof(errbuf)) == 0);
	got = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got,
	    "To: a@example.com\nSubject: x\n\nline 1\nline 2\n");
	got = slurp(args);
	CU_ASSERT_STRING_EQUAL(got, "-i -t\n");

	setenv("FAIL", "75", 1);
	CU_ASSERT(deliver_sendmail(arena, msg, strlen(msg), errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "exited with status 75") != NULL);
	unsetenv("FAIL");

	/* A large message is read whole (it is spooled, not piped). */
	spit(script, arena_printf(arena, "#!/bin/sh\nexec cat > '%s'\n",
	    out), 0700);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT(deliver_sendmail(arena, big, strlen(big), errbuf,
	    sizeof(errbuf)) == 0);
	got = slurp(out);
	CU_ASSERT(got != NULL && strcmp(got, big) == 0);

	/* Not executable any more: "could not run". */
	chmod(script, 0600);
	CU_ASSERT(deliver_sendmail(arena, msg, strlen(msg), errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "could not run") != NULL);
	chmod(script, 0700);

	/* Killed by a signal. */
	spit(script, "#!/bin/sh\nkill -9 $$\n", 0700);
	CU_ASSERT(deliver_sendmail(arena, msg, strlen(msg), errbuf,
	    sizeof(errbuf)) == -1);
	CU_ASSERT(strstr(errbuf, "signal 9") != NULL);
	arena_reset(arena);
}

/* file: delivery twice for one id leaves one complete file, mode 0640. */
static void
test_file_idempotent(void)
{
	char		 dir[512], spec[600], path[700];
	struct stat	 st;
	struct dirent	*d;
	DIR		*dh;
	int		 n;

	snprintf(dir, sizeof(dir), "%s/files", tmpdir);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	snprintf(spec, sizeof(spec), "file:%s", dir);
	CU_ASSERT_FATAL(parse_delivery(spec, errbuf, sizeof(errbuf)) == 0);
	umask(077);
	CU_ASSERT(deliver_file(arena, 17, "first\r\n", 7, errbuf,
	    sizeof(errbuf)) == 0);
	CU_ASSERT(deliver_file(arena, 17, "second\r\n", 8, errbuf,
	    sizeof(errbuf)) == 0);
	umask(022);
	snprintf(path, sizeof(path), "%s/17.eml", dir);
	CU_ASSERT_STRING_EQUAL(slurp(path), "second\r\n");
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
	n = 0;
	if ((dh = opendir(dir)) != NULL) {
		while ((d = readdir(dh)) != NULL)
			if (d->d_name[0] != '.' || strlen(d->d_name) > 2)
				n++;
		closedir(dh);
	}
	CU_ASSERT_EQUAL(n, 1);	/* no temporary file left behind */
	arena_reset(arena);
}

/* -------------------------------------------------- end to end (DB) */

static int
db_ready(const char *test)
{
	if (test_db != NULL)
		return 1;
	fprintf(stderr, "\n  %s: skipped (set BARONG_TEST_DB to run)", test);
	return 0;
}

/* First value of the first row of ad-hoc SQL, or NULL. */
static const char *
sqlv(const char *sql)
{
	PGresult	*res;

	res = db_exec_sql(arena, sql, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(res);
	if (PQntuples(res) == 0 || PQnfields(res) == 0 ||
	    PQgetisnull(res, 0, 0))
		return NULL;
	return arena_strdup(arena, PQgetvalue(res, 0, 0));
}

static long long
sqli(const char *sql)
{
	const char	*v = sqlv(sql);

	return v != NULL ? strtoll(v, NULL, 10) : -1;
}

static long long	ru_user;	/* users.id with data.language ru */

static void
db_reset(void)
{
	sqlv("DELETE FROM outbox");
	sqlv("DELETE FROM users WHERE email LIKE '%@mailer.test'");
	ru_user = sqli("INSERT INTO users (uid, email, password_digest, data)"
	    " VALUES ('IDMAILER0001', 'ru@mailer.test', 'x',"
	    " '{\"language\":\"RU\"}') RETURNING id");
	CU_ASSERT_FATAL(ru_user > 0);
}

static void
queue(const char *event, long long user, const char *payload,
    const char *lang)
{
	json_object	*rec = json_adopt(arena, json_tokener_parse(payload));

	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_FATAL(outbox_enqueue(arena, event, user, rec, lang) == 0);
}

static const char *
mail_dir(const char *name)
{
	char	*d = arena_printf(arena, "%s/%s", tmpdir, name);

	CU_ASSERT_FATAL(mkdir(d, 0700) == 0);
	return d;
}

static void
start_with(const char *delivery)
{
	setup_cfg();
	cset("mail_delivery", delivery);
	CU_ASSERT_FATAL(mailer_start(errbuf, sizeof(errbuf)) == 0);
}

static void
test_e2e_file(void)
{
	const char	*dir, *text, *ids;
	char		*dec, path[700];
	int		 sent = 0, failed = 0;
	size_t		 n;
	long long	 first;

	if (!db_ready("e2e file delivery"))
		return;
	db_reset();
	dir = mail_dir("e2e-file");
	start_with(arena_printf(arena, "file:%s", dir));
	queue("user.email.confirmation.token", ru_user,
	    "{\"user\":{\"uid\":\"IDMAILER0001\",\"email\":\"ru@mailer.test\"},"
	    "\"domain\":\"https://x.test\",\"token\":\"secret.tok+en\"}", NULL);
	queue("session.create", ru_user,
	    "{\"user\":{\"email\":\"ru@mailer.test\"},\"user_ip\":\"1.2.3.4\","
	    "\"user_agent\":\"curl\"}", NULL);
	queue("label.updated", 0,
	    "{\"user\":{\"email\":\"gone@mailer.test\",\"level\":2},"
	    "\"key\":\"phone\",\"value\":\"verified\"}", "en");
	first = sqli("SELECT min(id) FROM outbox");

	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 3);
	CU_ASSERT_EQUAL(sent, 3);
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(sqli("SELECT count(*) FROM outbox WHERE state = "
	    "'sent' AND sent_at IS NOT NULL AND attempts = 1"), 3);
	CU_ASSERT_EQUAL(sqli("SELECT count(*) FROM outbox WHERE payload ? "
	    "'token'"), 0);
	CU_ASSERT_EQUAL(sqli("SELECT count(*) FROM outbox WHERE payload ? "
	    "'domain'"), 1);
	/* Nothing more is due. */
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 0);

	snprintf(path, sizeof(path), "%s/%lld.eml", dir, first);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	dec = qp_decode(text, strlen(text), &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dec);
	CU_ASSERT(strstr(text, "To: ru@mailer.test\r\n") != NULL);
	CU_ASSERT(strstr(text, arena_printf(arena, "Message-ID: "
	    "<barong.outbox.%lld.", first)) != NULL);
	CU_ASSERT(strstr(text, "Subject: =?UTF-8?B?") != NULL);
	CU_ASSERT(strstr(dec, "https://x.test/accounts/confirmation?"
	    "confirmation_token=secret.tok%2Ben&lang=ru") != NULL);
	snprintf(path, sizeof(path), "%s/%lld.eml", dir, first + 1);
	text = slurp(path);
	CU_ASSERT(text != NULL && strstr(text, "Subject: New Login\r\n") !=
	    NULL);
	snprintf(path, sizeof(path), "%s/%lld.eml", dir, first + 2);
	text = slurp(path);
	CU_ASSERT(text != NULL && strstr(text, "To: gone@mailer.test\r\n") !=
	    NULL && strstr(text, "Subject: Label Updated\r\n") != NULL);
	ids = sqlv("SELECT string_agg(language, ',') FROM outbox");
	CU_ASSERT(ids != NULL && strcmp(ids, "en") == 0);
	arena_reset(arena);
}

/* file: into a directory that vanished: retries with backoff, failed. */
static void
test_e2e_retry(void)
{
	const char	*dir, *err;
	int		 sent = 0, failed = 0;
	long long	 secs;

	if (!db_ready("e2e retries"))
		return;
	db_reset();
	dir = mail_dir("e2e-retry");
	start_with(arena_printf(arena, "file:%s", dir));
	CU_ASSERT_FATAL(rmdir(dir) == 0);
	cset("mail_max_attempts", "3");
	queue("user.password.reset.token", ru_user,
	    "{\"user\":{\"email\":\"ru@mailer.test\"},\"domain\":\"x.test\","
	    "\"token\":\"SECRET-TOKEN\"}", NULL);

	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(sent, 0);
	CU_ASSERT_EQUAL(failed, 1);
	CU_ASSERT_STRING_EQUAL(sqlv("SELECT state || ' ' || attempts FROM "
	    "outbox"), "pending 1");
	secs = sqli("SELECT round(extract(epoch FROM next_attempt_at - "
	    "now())) FROM outbox");
	CU_ASSERT(secs >= 28 && secs <= 30);
	err = sqlv("SELECT last_error FROM outbox");
	CU_ASSERT(err != NULL && strncmp(err, "file: ", 6) == 0);
	CU_ASSERT(strstr(err, "SECRET") == NULL);
	/* Not due yet: nothing happens. */
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 0);
	CU_ASSERT(sqli("SELECT count(*) FROM outbox WHERE payload ? "
	    "'token'") == 1);

	sqlv("UPDATE outbox SET next_attempt_at = now()");
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	secs = sqli("SELECT round(extract(epoch FROM next_attempt_at - "
	    "now())) FROM outbox");
	CU_ASSERT(secs >= 58 && secs <= 60);
	CU_ASSERT_STRING_EQUAL(sqlv("SELECT state || ' ' || attempts FROM "
	    "outbox"), "pending 2");

	sqlv("UPDATE outbox SET next_attempt_at = now()");
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(failed, 3);
	CU_ASSERT_STRING_EQUAL(sqlv("SELECT state || ' ' || attempts FROM "
	    "outbox"), "failed 3");
	CU_ASSERT(sqli("SELECT count(*) FROM outbox WHERE payload ? "
	    "'token'") == 0);
	/* Kept, and never picked up again. */
	sqlv("UPDATE outbox SET next_attempt_at = now()");
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 0);
	CU_ASSERT_EQUAL(sqli("SELECT count(*) FROM outbox"), 1);
	cset("mail_max_attempts", "20");
	arena_reset(arena);
}

static void
test_e2e_smtp_closed(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	const char		*err;
	int			 s, port, sent = 0, failed = 0;

	if (!db_ready("e2e SMTP to a closed port"))
		return;
	/* A port that was free a moment ago. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	getsockname(s, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(s);
	db_reset();
	start_with(arena_printf(arena, "smtp://127.0.0.1:%d", port));
	queue("session.create", ru_user, "{\"user\":{\"email\":"
	    "\"ru@mailer.test\"},\"user_ip\":\"::1\",\"user_agent\":\"x\"}",
	    NULL);
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(failed, 1);
	err = sqlv("SELECT last_error FROM outbox WHERE state = 'pending' "
	    "AND attempts = 1");
	CU_ASSERT(err != NULL && strncmp(err, "smtp: ", 6) == 0);
	arena_reset(arena);
}

/*
 * A one-connection SMTP server on 127.0.0.1 in a child process: it
 * records the envelope and the data (dot-unstuffed) in out.
 */
static pid_t
fake_smtp(int *port, const char *out)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	char			 buf[65536], line[1024];
	size_t			 have = 0, ln;
	ssize_t			 r;
	int			 s, c, indata = 0;
	FILE			*f;
	pid_t			 pid;
	char			*eol;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 1) == -1)
		return -1;
	getsockname(s, (struct sockaddr *)&sin, &sl);
	*port = ntohs(sin.sin_port);
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	alarm(20);
	if ((c = accept(s, NULL, NULL)) == -1 ||
	    (f = fopen(out, "w")) == NULL)
		_exit(1);
#define SAY(x)	do { if (write(c, x, strlen(x)) < 0) _exit(1); } while (0)
	SAY("220 fake ESMTP\r\n");
	for (;;) {
		while ((eol = memchr(buf, '\n', have)) == NULL) {
			r = read(c, buf + have, sizeof(buf) - have);
			if (r <= 0)
				_exit(2);
			have += (size_t)r;
		}
		ln = (size_t)(eol - buf) + 1;
		if (ln >= sizeof(line))
			_exit(3);
		memcpy(line, buf, ln);
		line[ln] = '\0';
		memmove(buf, buf + ln, have - ln);
		have -= ln;
		if (indata) {
			if (strcmp(line, ".\r\n") == 0) {
				indata = 0;
				SAY("250 queued\r\n");
			} else
				fputs(line[0] == '.' ? line + 1 : line, f);
			continue;
		}
		if (strncasecmp(line, "EHLO", 4) == 0)
			SAY("250-fake\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0)
			SAY("250 fake\r\n");
		else if (strncasecmp(line, "MAIL FROM:", 10) == 0 ||
		    strncasecmp(line, "RCPT TO:", 8) == 0) {
			fprintf(f, "%s", line);
			SAY("250 ok\r\n");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			fputs("--data--\r\n", f);
			indata = 1;
			SAY("354 go on\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			SAY("221 bye\r\n");
			break;
		} else
			SAY("250 ok\r\n");
	}
#undef SAY
	fclose(f);
	_exit(0);
}

static void
test_e2e_smtp(void)
{
	const char	*out, *got;
	pid_t		 pid;
	int		 port, status, sent = 0, failed = 0;
	long long	 id;

	if (!db_ready("e2e SMTP"))
		return;
	db_reset();
	out = arena_printf(arena, "%s/smtp.out", tmpdir);
	pid = fake_smtp(&port, out);
	CU_ASSERT_FATAL(pid > 0);
	start_with(arena_printf(arena, "smtp://127.0.0.1:%d", port));
	queue("user.email.confirmation.token", ru_user,
	    "{\"user\":{\"email\":\"ru@mailer.test\"},\"domain\":\"x.test\","
	    "\"token\":\"abc\"}", "en");
	id = sqli("SELECT max(id) FROM outbox");
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(sent, 1);
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	got = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT(strstr(got, "MAIL FROM:<noreply@barong.io>") != NULL);
	CU_ASSERT(strstr(got, "RCPT TO:<ru@mailer.test>\r\n") != NULL);
	CU_ASSERT(strstr(got, "\r\n--data--\r\nDate: ") !=
	    NULL);
	CU_ASSERT(strstr(got, arena_printf(arena, "Message-ID: "
	    "<barong.outbox.%lld.", id)) != NULL);
	CU_ASSERT(strstr(got, "Subject: Registration Confirmation\r\n") !=
	    NULL);
	CU_ASSERT(strstr(got, "confirmation_token=3Dabc&lang=3Den") != NULL);
	CU_ASSERT_STRING_EQUAL(sqlv("SELECT state FROM outbox"), "sent");
	arena_reset(arena);
}

/* Templates directory without the event's template: failed at once. */
static void
test_e2e_missing_template(void)
{
	char		 dir[512], path[700];
	const char	*mdir, *err;
	int		 sent = 0, failed = 0;

	if (!db_ready("e2e missing template"))
		return;
	db_reset();
	snprintf(dir, sizeof(dir), "%s/tpl-empty", tmpdir);
	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/subjects.yml", dir);
	spit(path, "password_reset:\n  en: Password Reset\n", 0600);
	mdir = mail_dir("e2e-missing");
	setup_cfg();
	cset("templates_dir", dir);
	cset("mail_delivery", arena_printf(arena, "file:%s", mdir));
	CU_ASSERT_FATAL(mailer_start(errbuf, sizeof(errbuf)) == 0);
	queue("user.password.reset.token", ru_user,
	    "{\"user\":{\"email\":\"ru@mailer.test\"},\"domain\":\"x.test\","
	    "\"token\":\"SECRET\"}", NULL);
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(failed, 1);
	CU_ASSERT_STRING_EQUAL(sqlv("SELECT state || ' ' || attempts FROM "
	    "outbox"), "failed 1");
	err = sqlv("SELECT last_error FROM outbox");
	CU_ASSERT(err != NULL && strcmp(err, "template "
	    "password_reset.en.html.mustache not found") == 0);
	CU_ASSERT(sqli("SELECT count(*) FROM outbox WHERE payload ? "
	    "'token'") == 0);
	arena_reset(arena);
}

/* A row locked by another mailer is skipped, not waited for. */
static void
test_e2e_skip_locked(void)
{
	PGconn		*other;
	PGresult	*res;
	const char	*dir;
	int		 sent = 0, failed = 0;

	if (!db_ready("e2e SKIP LOCKED"))
		return;
	db_reset();
	dir = mail_dir("e2e-locked");
	start_with(arena_printf(arena, "file:%s", dir));
	queue("session.create", ru_user, "{\"user\":{\"email\":"
	    "\"ru@mailer.test\"}}", NULL);
	queue("session.create", ru_user, "{\"user\":{\"email\":"
	    "\"ru@mailer.test\"}}", NULL);
	other = PQconnectdb(test_db);
	CU_ASSERT_FATAL(PQstatus(other) == CONNECTION_OK);
	PQclear(PQexec(other, "BEGIN"));
	res = PQexec(other, "SELECT id FROM outbox ORDER BY id LIMIT 1 "
	    "FOR UPDATE");
	CU_ASSERT(PQresultStatus(res) == PGRES_TUPLES_OK);
	PQclear(res);
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(sqli("SELECT count(*) FROM outbox WHERE state = "
	    "'pending'"), 1);
	PQclear(PQexec(other, "ROLLBACK"));
	PQfinish(other);
	CU_ASSERT_EQUAL(mailer_run_once(10, &sent, &failed), 1);
	CU_ASSERT_EQUAL(sent, 2);
	arena_reset(arena);
}

static void
count_notify(const char *channel, const char *payload, void *arg)
{
	(void)payload;
	if (strcmp(channel, MAIL_CHANNEL) == 0)
		(*(int *)arg)++;
}

/* The trigger of 011_outbox_notify.sql wakes a listener. */
static void
test_e2e_notify(void)
{
	PGconn	*other;
	int	 n = 0, i;

	if (!db_ready("e2e NOTIFY"))
		return;
	CU_ASSERT_FATAL(db_listen(MAIL_CHANNEL) == 0);
	db_notifications(count_notify, &n);
	n = 0;
	other = PQconnectdb(test_db);
	CU_ASSERT_FATAL(PQstatus(other) == CONNECTION_OK);
	PQclear(PQexec(other, "INSERT INTO outbox (event, payload) "
	    "SELECT 'session.create', '{}' FROM generate_series(1, 3)"));
	PQfinish(other);
	for (i = 0; i < 100 && n == 0; i++) {
		poll(NULL, 0, 10);
		db_notifications(count_notify, &n);
	}
	CU_ASSERT_EQUAL(n, 1);	/* one per statement */
	sqlv("DELETE FROM outbox");
}

/* File delivery of 1000 mails: prints messages per second. */
static void
test_e2e_throughput(void)
{
	struct timespec	 t0, t1;
	const char	*dir;
	double		 secs;
	int		 sent = 0, failed = 0, n, total = 0;

	if (!db_ready("e2e throughput"))
		return;
	db_reset();
	dir = mail_dir("e2e-speed");
	start_with(arena_printf(arena, "file:%s", dir));
	sqlv(arena_printf(arena, "INSERT INTO outbox (event, user_id, payload)"
	    " SELECT 'user.email.confirmation.token', %lld,"
	    " jsonb_build_object('user', jsonb_build_object('email',"
	    " 'u' || i || '@mailer.test'), 'domain', 'https://x.test',"
	    " 'token', md5(i::text)) FROM generate_series(1, 1000) i",
	    ru_user));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = mailer_run_once(100, &sent, &failed)) > 0)
		total += n;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CU_ASSERT_EQUAL(total, 1000);
	CU_ASSERT_EQUAL(sent, 1000);
	fprintf(stderr, "\n  file delivery: 1000 mails (ru, multipart) in "
	    "%.2f s: %.0f mails/s", secs, 1000 / secs);
	arena_reset(arena);
}

/* ------------------------------------------------------------- main */

static const struct unit_test tests[] = {
	{ "quoted-printable round trip", test_qp_roundtrip },
	{ "quoted-printable every byte", test_qp_all_bytes },
	{ "quoted-printable random", test_qp_random },
	{ "RFC 2047 subject", test_subject_encoding },
	{ "header injection", test_header_injection },
	{ "recipient addresses", test_addr_ok },
	{ "Date header", test_date },
	{ "multipart composition", test_compose_multipart },
	{ "hostile data", test_compose_hostile_data },
	{ "language wanted", test_lang_wanted },
	{ "language fallback and subject", test_lang_fallback },
	{ "subject fallback", test_subject_fallback },
	{ "links", test_links },
	{ "links rendered", test_links_rendered },
	{ "partial names", test_partial_names },
	{ "partial loading", test_partial_loading },
	{ "backoff", test_backoff },
	{ "delivery specs", test_delivery_specs },
	{ "sendmail delivery", test_sendmail },
	{ "file delivery idempotent", test_file_idempotent },
	{ "e2e file delivery", test_e2e_file },
	{ "e2e retries, backoff, failed", test_e2e_retry },
	{ "e2e SMTP closed port", test_e2e_smtp_closed },
	{ "e2e SMTP fake server", test_e2e_smtp },
	{ "e2e missing template", test_e2e_missing_template },
	{ "e2e SKIP LOCKED", test_e2e_skip_locked },
	{ "e2e NOTIFY trigger", test_e2e_notify },
	{ "e2e throughput", test_e2e_throughput },
	{ NULL, NULL }
};

static void
rm_tree(const char *path)
{
	struct dirent	*d;
	DIR		*dh;
	char		 p[1200];

	if ((dh = opendir(path)) != NULL) {
		while ((d = readdir(dh)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, d->d_name);
			rm_tree(p);
		}
		closedir(dh);
		rmdir(path);
	} else
		unlink(path);
}

int
main(void)
{
	const char	*t;
	int		 rc;

	log_init("test_mailer");
	log_set_level(LOG_LVL_ERR);
	arena = arena_new(1 << 16);
	if (find_templates() == -1) {
		fprintf(stderr, "test_mailer: templates/ not found "
		    "(set top_srcdir)\n");
		return 1;
	}
	t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_mailer.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_db = getenv("BARONG_TEST_DB");
	if (test_db != NULL && *test_db == '\0')
		test_db = NULL;
	if (test_db != NULL && db_open(test_db) == -1)
		return 1;
	rc = unit_run("mailer", tests);
	if (test_db != NULL)
		db_close();
	rm_tree(tmpdir);
	json_object_put(subjects);
	arena_free(arena);
	return rc;
}
