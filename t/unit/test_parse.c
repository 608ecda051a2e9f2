/*
 * lib/parse.c: query strings and form bodies with Rack's nesting rules,
 * percent-decoding, JSON bodies, the Cookie header, and UTF-8 validity,
 * which is checked exhaustively for every 1-, 2- and 3-byte input against
 * the reference decoder below (in the manner of lighttpd's test_base64).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

/* ------------------------------------------------------------ helpers */

/* Parse s as a query string; the object's compact JSON, or "ERR". */
static char	 out[4096];
static int	 npairs;

static const char *
q(const char *s, size_t max_pairs)
{
	json_object	*o = json_object_new_object();

	npairs = parse_urlencoded(o, s, strlen(s), max_pairs);
	if (npairs == -1)
		snprintf(out, sizeof(out), "ERR");
	else
		snprintf(out, sizeof(out), "%s", json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

#define Q(in, want)	CU_ASSERT_STRING_EQUAL(q((in), 100), (want))

/* parse_json_body to compact JSON, or "NULL". */
static const char *
jb(const char *s, size_t len)
{
	json_object	*o = parse_json_body(s, len);

	if (o == NULL)
		return "NULL";
	snprintf(out, sizeof(out), "%s", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

#define JB(in, want)	CU_ASSERT_STRING_EQUAL(jb((in), strlen(in)), (want))

/* ------------------------------------------------------------ urlencoded */

static void
test_urlencoded_plain(void)
{
	Q("a=1&b=2", "{\"a\":\"1\",\"b\":\"2\"}");
	CU_ASSERT_EQUAL(npairs, 2);
	Q("", "{}");
	CU_ASSERT_EQUAL(npairs, 0);
	Q("email=a%40b.c&password=p+w%2Bx", "{\"email\":\"a@b.c\","
	    "\"password\":\"p w+x\"}");
	Q("a=%e2%82%ac%E2%82%AC", "{\"a\":\"\xe2\x82\xac\xe2\x82\xac\"}");
	Q("a=b=c", "{\"a\":\"b=c\"}");
	Q("a=", "{\"a\":\"\"}");
	Q("a+b=c+d", "{\"a b\":\"c d\"}");
	/* Rack decodes the key before looking at brackets. */
	Q("a%5Bb%5D=1", "{\"a\":{\"b\":\"1\"}}");
	/* A value may carry a NUL; params_validate rejects it later. */
	Q("a=x%00y", "{\"a\":\"x\\u0000y\"}");
}

static void
test_urlencoded_bad_escape(void)
{
	Q("a=%zz", "ERR");
	Q("a=%4", "ERR");		/* truncated */
	Q("a=%", "ERR");
	Q("a=1&b=%4g", "ERR");
	Q("%=1", "ERR");		/* in the key */
	Q("a=1%", "ERR");
	Q("a=%41", "{\"a\":\"A\"}");
	/* A NUL in a key cannot become an object key. */
	Q("a%00b=1", "ERR");
}

static void
test_urlencoded_empty_pairs(void)
{
	Q("&&a=1&&", "{\"a\":\"1\"}");
	CU_ASSERT_EQUAL(npairs, 1);
	Q("&", "{}");
	CU_ASSERT_EQUAL(npairs, 0);
	/* An empty key is dropped (but counts). */
	Q("=1&b=2", "{\"b\":\"2\"}");
	CU_ASSERT_EQUAL(npairs, 2);
}

static void
test_urlencoded_no_equals(void)
{
	Q("a", "{\"a\":null}");
	Q("a&b=2", "{\"a\":null,\"b\":\"2\"}");
	Q("a[]", "{\"a\":[null]}");
	/* A bare name is replaced by a nested value, as Rack's "||= {}". */
	Q("a&a[b]=1", "{\"a\":{\"b\":\"1\"}}");
	Q("a&a[]=1", "{\"a\":[\"1\"]}");
}

static void
test_urlencoded_duplicates(void)
{
	Q("a=1&a=2", "{\"a\":\"2\"}");
	Q("a=1&b=x&a=2", "{\"a\":\"2\",\"b\":\"x\"}");
	Q("a[b]=1&a[b]=2", "{\"a\":{\"b\":\"2\"}}");
	/* A scalar after a nested value replaces it. */
	Q("a[b]=1&a=2", "{\"a\":\"2\"}");
}

static void
test_urlencoded_nesting(void)
{
	Q("a[]=1&a[]=2", "{\"a\":[\"1\",\"2\"]}");
	Q("a[b]=1", "{\"a\":{\"b\":\"1\"}}");
	Q("a[b]=1&a[c]=2", "{\"a\":{\"b\":\"1\",\"c\":\"2\"}}");
	Q("a[b][c]=1&a[b][d]=2", "{\"a\":{\"b\":{\"c\":\"1\",\"d\":\"2\"}}}");
	Q("a[b][]=1&a[b][]=2", "{\"a\":{\"b\":[\"1\",\"2\"]}}");
	Q("a[][x]=1&a[][y]=2", "{\"a\":[{\"x\":\"1\",\"y\":\"2\"}]}");
	Q("a[][x]=1&a[][y]=2&a[][x]=3",
	    "{\"a\":[{\"x\":\"1\",\"y\":\"2\"},{\"x\":\"3\"}]}");
	Q("a[][x][y]=1", "{\"a\":[{\"x\":{\"y\":\"1\"}}]}");
	Q("a[]=1&a[][x]=2", "{\"a\":[\"1\",{\"x\":\"2\"}]}");
	/* Not well-formed brackets: one literal key, as Rack. */
	Q("[a]=1", "{\"[a]\":\"1\"}");
	Q("a[b=1", "{\"a[b\":\"1\"}");
	Q("a]=1", "{\"a]\":\"1\"}");
	Q("a[b]c=1", "{\"a[b]c\":\"1\"}");
	/* a[][] has no name for the inner level. */
	Q("a[][]=1", "ERR");
	Q("a[b][][]=1", "ERR");
}

static void
test_urlencoded_depth(void)
{
	/* Eight levels below the name are fine, nine are not. */
	Q("a[1][2][3][4][5][6][7][8]=x",
	    "{\"a\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"6\":{\"7\":"
	    "{\"8\":\"x\"}}}}}}}}}");
	Q("a[1][2][3][4][5][6][7][8][9]=x", "ERR");
	Q("a[][][][][][][][][][][]=x", "ERR");
}

static void
test_urlencoded_conflict(void)
{
	Q("a=1&a[b]=2", "ERR");
	Q("a=1&a[]=2", "ERR");
	Q("a[]=1&a[b]=2", "ERR");
	Q("a[b]=1&a[]=2", "ERR");
	Q("a[b]=1&a[b][c]=2", "ERR");
}

static void
test_urlencoded_max_pairs(void)
{
	Q("a=1&b=2&c=3", "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}");
	CU_ASSERT_STRING_EQUAL(q("a=1&b=2&c=3", 3), "{\"a\":\"1\",\"b\":\"2\","
	    "\"c\":\"3\"}");
	CU_ASSERT_EQUAL(npairs, 3);
	CU_ASSERT_STRING_EQUAL(q("a=1&b=2&c=3", 2), "ERR");
	/* Empty pairs do not count. */
	CU_ASSERT_STRING_EQUAL(q("a=1&&&&b=2", 2), "{\"a\":\"1\",\"b\":\"2\"}");
	CU_ASSERT_STRING_EQUAL(q("a=1", 0), "ERR");
	CU_ASSERT_STRING_EQUAL(q("", 0), "{}");
}

static void
test_urlencoded_long_key(void)
{
	char	s[600];

	memset(s, 'k', 300);
	memcpy(s + 300, "=v", 3);
	/* Longer than a key may be: refused rather than cut. */
	CU_ASSERT_STRING_EQUAL(q(s, 10), "ERR");
	memset(s, 'k', 255);
	memcpy(s + 255, "=v", 3);
	CU_ASSERT_STRING_NOT_EQUAL(q(s, 10), "ERR");
}

/* Not NUL-terminated: the parser must stop at len. */
static void
test_urlencoded_len(void)
{
	json_object	*o = json_object_new_object();
	const char	 s[] = "a=1&b=2";

	CU_ASSERT_EQUAL(parse_urlencoded(o, s, 3, 10), 1);
	CU_ASSERT_EQUAL(json_object_object_length(o), 1);
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "b", NULL));
	json_object_put(o);
}

/* ------------------------------------------------------------ pct decode */

static void
test_pct_decode(void)
{
	char	buf[64];
	size_t	n = 99;

	CU_ASSERT_EQUAL(parse_pct_decode("a+b%20c", 7, 1, buf, &n), 0);
	CU_ASSERT_STRING_EQUAL(buf, "a b c");
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(parse_pct_decode("a+b%2b", 6, 0, buf, &n), 0);
	CU_ASSERT_STRING_EQUAL(buf, "a+b+");
	CU_ASSERT_EQUAL(parse_pct_decode("%00x", 4, 0, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(buf[0], '\0');
	CU_ASSERT_EQUAL(buf[1], 'x');
	CU_ASSERT_EQUAL(parse_pct_decode("%fF%Ff", 6, 0, buf, &n), 0);
	CU_ASSERT(memcmp(buf, "\xff\xff", 3) == 0);
	CU_ASSERT_EQUAL(parse_pct_decode("", 0, 0, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(parse_pct_decode("%", 1, 0, buf, &n), -1);
	CU_ASSERT_EQUAL(parse_pct_decode("%4", 2, 0, buf, &n), -1);
	CU_ASSERT_EQUAL(parse_pct_decode("%g0", 3, 0, buf, &n), -1);
	CU_ASSERT_EQUAL(parse_pct_decode("%0g", 3, 0, buf, &n), -1);
	CU_ASSERT_EQUAL(parse_pct_decode("%-1", 3, 0, buf, &n), -1);
	/* Stops at len even inside an escape. */
	CU_ASSERT_EQUAL(parse_pct_decode("ab%41", 4, 0, buf, &n), -1);
	CU_ASSERT_EQUAL(parse_pct_decode("ab%41", 2, 0, buf, &n), 0);
	CU_ASSERT_STRING_EQUAL(buf, "ab");
}

/* Every byte value after '%' in both positions. */
static void
test_pct_decode_all(void)
{
	char	in[4], buf[8];
	size_t	n;
	int	hi, lo, bad = 0, want;

	for (hi = 0; hi < 256; hi++)
		for (lo = 0; lo < 256; lo++) {
			in[0] = '%';
			in[1] = (char)hi;
			in[2] = (char)lo;
			want = strchr("0123456789abcdefABCDEF", hi) != NULL &&
			    strchr("0123456789abcdefABCDEF", lo) != NULL &&
			    hi != 0 && lo != 0;
			if (parse_pct_decode(in, 3, 0, buf, &n) != (want ? 0 :
			    -1))
				bad++;
			else if (want && (n != 1 || (unsigned char)buf[0] !=
			    strtoul((char[]){ (char)hi, (char)lo, 0 }, NULL,
			    16)))
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ------------------------------------------------------------ JSON */

static void
test_json_valid(void)
{
	JB("{\"email\":\"a@b.c\",\"n\":1,\"list\":[1,2],\"o\":{}}",
	    "{\"email\":\"a@b.c\",\"n\":1,\"list\":[1,2],\"o\":{}}");
	JB("  {\"a\" : [ true , false , null ] }\r\n\t ",
	    "{\"a\":[true,false,null]}");
	JB("{}", "{}");
	JB("[1,\"x\"]", "[1,\"x\"]");
	JB("\"str\"", "\"str\"");
	/* A scalar at the very end of the input (json-c needs an end). */
	JB("123", "123");
	JB("true", "true");
	JB("{\"a\":\"\xc3\xa9\\u00e9\"}", "{\"a\":\"\xc3\xa9\xc3\xa9\"}");
}

static void
test_json_invalid(void)
{
	JB("", "NULL");
	JB("   ", "NULL");
	JB("{", "NULL");
	JB("{\"a\":1", "NULL");
	JB("{\"a\":1}x", "NULL");		/* trailing garbage */
	JB("{\"a\":1} {}", "NULL");		/* two values */
	JB("{\"a\":1,}", "NULL");		/* strict */
	JB("[01]", "NULL");
	JB("{\"a\":\"\xc3\"}", "NULL");	/* invalid UTF-8 */
	JB("{\"a\":\"\xed\xa0\x80\"}", "NULL");	/* surrogate */
	JB("{\"a\":\"\xff\"}", "NULL");
	JB("\"ab", "NULL");
	JB("12a", "NULL");
	JB("-", "NULL");
	JB("nul", "NULL");
}

static void
test_json_nul(void)
{
	const char	raw[] = "{\"a\":\"x\0y\"}";
	const char	trail[] = "{\"a\":1}\0";
	json_object	*o, *v;

	/* A raw NUL anywhere, even after the value, is refused. */
	CU_ASSERT_STRING_EQUAL(jb(raw, sizeof(raw) - 1), "NULL");
	CU_ASSERT_STRING_EQUAL(jb(trail, sizeof(trail) - 1), "NULL");
	/* An escaped one is JSON; the string carries it with its length. */
	o = parse_json_body("{\"a\":\"x\\u0000y\"}", 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "a", &v));
	CU_ASSERT_EQUAL(json_object_get_string_len(v), 3);
	json_object_put(o);
}

static void
test_json_depth(void)
{
	char	s[200];
	int	d, ok_max = 0;

	/* Find the deepest accepted nesting: 32 (PARSE_MAX_DEPTH * 4). */
	for (d = 1; d <= 60; d++) {
		memset(s, '[', (size_t)d);
		memset(s + d, ']', (size_t)d);
		if (strcmp(jb(s, 2 * (size_t)d), "NULL") != 0)
			ok_max = d;
		else
			break;
	}
	CU_ASSERT_EQUAL(ok_max, PARSE_MAX_DEPTH * 4);
	/* Not a prefix of a good parse: nothing deeper is accepted. */
	memset(s, '[', 100);
	memset(s + 100, ']', 100);
	CU_ASSERT_STRING_EQUAL(jb(s, 200), "NULL");
}

/* The parser reads len bytes, not up to a NUL. */
static void
test_json_len(void)
{
	CU_ASSERT_STRING_EQUAL(jb("{\"a\":1}GARBAGE", 7), "{\"a\":1}");
	CU_ASSERT_STRING_EQUAL(jb("12345", 2), "12");
}

/* ------------------------------------------------------------ cookie */

static const char *
ck(const char *h, const char *name)
{
	const char	*v;
	size_t		 n;

	if (parse_cookie(h, name, &v, &n) == -1)
		return "(none)";
	snprintf(out, sizeof(out), "%.*s", (int)n, v);
	return out;
}

#define CK(h, want)	CU_ASSERT_STRING_EQUAL(ck((h), "_barong_session"), \
			    (want))

static void
test_cookie(void)
{
	CK("_barong_session=abc", "abc");
	CK("a=1; _barong_session=abc; b=2", "abc");
	CK("a=1;_barong_session=abc;b=2", "abc");
	/* The first of several wins, as in Rack. */
	CK("_barong_session=first; _barong_session=second", "first");
	CK("  _barong_session  =  abc  ; x=y", "abc");
	CK("\t_barong_session=abc\t", "abc");
	CK("_barong_session=\"abc\"", "abc");
	CK("_barong_session=\"\"", "");
	CK("_barong_session=\"", "\"");	/* a lone quote stays */
	CK("_barong_session=", "");
	CK("_barong_session=a=b", "a=b");
	/* Similar names do not match. */
	CK("x_barong_session=bad; _barong_session_x=bad2; "
	    "_BARONG_SESSION=bad3; _barong_session=good", "good");
	CK("x_barong_session=bad", "(none)");
	CK("_barong_sessio=bad", "(none)");
	CK("_barong_session", "(none)");	/* no '=' */
	CK("flag; _barong_session=v", "v");
	CK("", "(none)");
	CK(";;;", "(none)");
	CK("=x; =; _barong_session=ok", "ok");
	CU_ASSERT_STRING_EQUAL(ck(NULL, "_barong_session"), "(none)");
	CU_ASSERT_STRING_EQUAL(ck("a=1; b=2", "b"), "2");
}

/* ------------------------------------------------------------ UTF-8 */

/*
 * Reference decoder, written from RFC 3629 independently of parse.c: the
 * lead byte's high bits give the length, continuation bytes are 10xxxxxx,
 * the code point must need that many bytes, must not be a surrogate and
 * must not pass U+10FFFF.  NUL is refused as parse_utf8_valid() does.
 */
static int
ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t		i = 0, n, k;
	uint32_t	cp;
	static const uint32_t	min[] = { 0, 0, 0x80, 0x800, 0x10000 };

	while (i < len) {
		if (s[i] == 0)
			return 0;
		if ((s[i] & 0x80) == 0) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (i + n > len)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n;
	}
	return 1;
}

static void
test_utf8_cases(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		int		 ok;
	} c[] = {
		{ "", 0, 1 },
		{ "plain ascii", 11, 1 },
		{ "\x7f", 1, 1 },
		{ "a\0b", 3, 0 },			/* NUL */
		{ "\xc3\xa9", 2, 1 },			/* U+00E9 */
		{ "\xe2\x82\xac", 3, 1 },		/* U+20AC */
		{ "\xf0\x9f\x98\x80", 4, 1 },		/* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },		/* U+10FFFF */
		{ "\xef\xbf\xbf", 3, 1 },		/* U+FFFF */
		{ "\xee\x80\x80", 3, 1 },		/* U+E000 */
		{ "\xed\x9f\xbf", 3, 1 },		/* U+D7FF */
		{ "\xc0\x80", 2, 0 },			/* overlong NUL */
		{ "\xc1\xbf", 2, 0 },			/* overlong */
		{ "\xe0\x80\x80", 3, 0 },
		{ "\xe0\x9f\xbf", 3, 0 },		/* overlong U+07FF */
		{ "\xf0\x80\x80\x80", 4, 0 },
		{ "\xf0\x8f\xbf\xbf", 4, 0 },	/* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, 0 },		/* U+D800 */
		{ "\xed\xbf\xbf", 3, 0 },		/* U+DFFF */
		{ "\xed\xa0\xbd\xed\xb8\x80", 6, 0 },	/* CESU pair */
		{ "\xf4\x90\x80\x80", 4, 0 },		/* U+110000 */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0 },	/* 5-byte form */
		{ "\xff", 1, 0 },
		{ "\xfe", 1, 0 },
		{ "\x80", 1, 0 },			/* lone continuation */
		{ "\xc3", 1, 0 },			/* truncated */
		{ "\xe2\x82", 2, 0 },
		{ "\xf0\x9f\x98", 3, 0 },
		{ "a\xc3", 2, 0 },
		{ "\xc3\x28", 2, 0 },		/* bad continuation */
		{ "\xe2\x28\xa1", 3, 0 },
		{ "\xe2\x82\x28", 3, 0 },
		{ "\xf0\x28\x8c\xbc", 4, 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CU_ASSERT_EQUAL(parse_utf8_valid(c[i].s, c[i].len), c[i].ok);
		CU_ASSERT_EQUAL(ref_utf8_valid((const unsigned char *)c[i].s,
		    c[i].len), c[i].ok);
	}
	/* Only len bytes are read: a valid prefix of a broken string. */
	CU_ASSERT_EQUAL(parse_utf8_valid("ab\xff", 2), 1);
	CU_ASSERT_EQUAL(parse_utf8_valid("\xc3\xa9", 1), 0);
}

/* Every 1-, 2- and 3-byte string. */
static void
test_utf8_exhaustive(void)
{
	unsigned char	b[3];
	unsigned long	bad = 0, valid = 0;
	int		i, j, k;

	for (i = 0; i < 256; i++) {
		b[0] = (unsigned char)i;
		if (parse_utf8_valid((char *)b, 1) != ref_utf8_valid(b, 1))
			bad++;
		for (j = 0; j < 256; j++) {
			b[1] = (unsigned char)j;
			if (parse_utf8_valid((char *)b, 2) !=
			    ref_utf8_valid(b, 2))
				bad++;
			for (k = 0; k < 256; k++) {
				b[2] = (unsigned char)k;
				if (ref_utf8_valid(b, 3))
					valid++;
				if (parse_utf8_valid((char *)b, 3) !=
				    ref_utf8_valid(b, 3))
					bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/*
	 * Sanity of the reference itself: valid 3-byte strings are 127^3
	 * ASCII triples, 2 * 127 * 1920 (ASCII + 2-byte either side) and the
	 * 61440 3-byte code points outside the surrogates.
	 */
	CU_ASSERT_EQUAL(valid, 127UL * 127 * 127 + 2UL * 127 * 1920 +
	    (0x10000 - 0x800 - 0x800));
}

/* Every lead and second byte of a 4-byte form, with sample tails. */
static void
test_utf8_four_bytes(void)
{
	static const unsigned char tails[] = { 0x00, 0x41, 0x7f, 0x80, 0x81,
		0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc3, 0xe0, 0xf0, 0xff };
	unsigned char	b[4];
	unsigned long	bad = 0;
	size_t		k, l;
	int		i, j;

	for (i = 0; i < 256; i++)
		for (j = 0; j < 256; j++)
			for (k = 0; k < sizeof(tails); k++)
				for (l = 0; l < sizeof(tails); l++) {
					b[0] = (unsigned char)i;
					b[1] = (unsigned char)j;
					b[2] = tails[k];
					b[3] = tails[l];
					if (parse_utf8_valid((char *)b, 4) !=
					    ref_utf8_valid(b, 4))
						bad++;
				}
	CU_ASSERT_EQUAL(bad, 0);
}

static const struct unit_test tests[] = {
	{ "urlencoded plain", test_urlencoded_plain },
	{ "urlencoded bad escapes", test_urlencoded_bad_escape },
	{ "urlencoded empty pairs", test_urlencoded_empty_pairs },
	{ "urlencoded name without =", test_urlencoded_no_equals },
	{ "urlencoded duplicates", test_urlencoded_duplicates },
	{ "urlencoded nesting", test_urlencoded_nesting },
	{ "urlencoded depth limit", test_urlencoded_depth },
	{ "urlencoded type conflicts", test_urlencoded_conflict },
	{ "urlencoded max pairs", test_urlencoded_max_pairs },
	{ "urlencoded long key", test_urlencoded_long_key },
	{ "urlencoded stops at len", test_urlencoded_len },
	{ "pct decode", test_pct_decode },
	{ "pct decode, every escape", test_pct_decode_all },
	{ "json valid", test_json_valid },
	{ "json invalid", test_json_invalid },
	{ "json NUL", test_json_nul },
	{ "json depth", test_json_depth },
	{ "json stops at len", test_json_len },
	{ "cookie", test_cookie },
	{ "utf8 cases", test_utf8_cases },
	{ "utf8 exhaustive 1-3 bytes", test_utf8_exhaustive },
	{ "utf8 4-byte forms", test_utf8_four_bytes },
	{ NULL, NULL }
};

UNIT_MAIN("parse", tests)
