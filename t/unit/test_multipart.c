/*
 * lib/multipart.c: the boundary parameter, the splitting of bodies into
 * parts with its limits, and the request glue (Rack's nesting, file
 * placeholders found again by identity only).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "multipart.h"
#include "unit.h"

static struct arena	*A;

static struct arena *
arena(void)
{
	if (A == NULL)
		A = arena_new(0);
	arena_reset(A);
	return A;
}

/* ------------------------------------------------------------ boundary */

static const char *
bnd(const char *ct)
{
	static char	out[MULTIPART_MAX_BOUNDARY + 1];

	if (multipart_boundary(ct, out) == -1)
		return "ERR";
	return out;
}

static void
test_boundary(void)
{
	char	big[200];

	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=abc"),
	    "abc");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data;boundary=\"a b:c\""),
	    "a b:c");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; charset=utf-8; "
	    "BOUNDARY=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
	    "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=x ; a=b"),
	    "x");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data"), "ERR");
	CU_ASSERT_STRING_EQUAL(bnd(NULL), "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary="), "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=\"\""),
	    "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=\"ab \""),
	    "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=a\x01"),
	    "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=a{b}"),
	    "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; boundary=\"abc"),
	    "ERR");
	CU_ASSERT_STRING_EQUAL(bnd("multipart/form-data; =x"), "ERR");
	/* 70 characters are fine, 71 are not. */
	snprintf(big, sizeof(big), "multipart/form-data; boundary=%070d", 7);
	CU_ASSERT_EQUAL(strlen(bnd(big)), 70);
	snprintf(big, sizeof(big), "multipart/form-data; boundary=%071d", 7);
	CU_ASSERT_STRING_EQUAL(bnd(big), "ERR");
}

/* ------------------------------------------------------------ parts */

static struct mp_part	*P;
static size_t		 N;

static int
parse(const char *body, size_t max_parts)
{
	return multipart_parse(arena(), "XyZ", body, strlen(body), max_parts,
	    &P, &N);
}

#define CD	"Content-Disposition: form-data; "

static void
test_parts(void)
{
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=\"a\"\r\n\r\n1\r\n"
	    "--XyZ\r\n" CD "name=b; filename=\"x.png\"\r\n"
	    "Content-Type: image/png\r\n\r\nPNG\r\n\r\n--XyZ--\r\n", 10), 0);
	CU_ASSERT_EQUAL_FATAL(N, 2);
	CU_ASSERT_STRING_EQUAL(P[0].name, "a");
	CU_ASSERT_PTR_NULL(P[0].filename);
	CU_ASSERT_EQUAL(P[0].len, 1);
	CU_ASSERT_EQUAL(memcmp(P[0].data, "1", 1), 0);
	CU_ASSERT_STRING_EQUAL(P[1].name, "b");
	CU_ASSERT_STRING_EQUAL(P[1].filename, "x.png");
	CU_ASSERT_STRING_EQUAL(P[1].content_type, "image/png");
	/* The data keeps its own CRLF; only the delimiter's is dropped. */
	CU_ASSERT_EQUAL(P[1].len, 5);

	/* A preamble, transport padding and an epilogue. */
	CU_ASSERT_EQUAL(parse("junk\r\n--XyZ  \r\n" CD "name=a\r\n\r\n"
	    "\r\n--XyZ--trailing stuff", 10), 0);
	CU_ASSERT_EQUAL(N, 1);
	CU_ASSERT_EQUAL(P[0].len, 0);
	/* No parts at all. */
	CU_ASSERT_EQUAL(parse("--XyZ--", 10), 0);
	CU_ASSERT_EQUAL(N, 0);
	/* An escaped quote, a header name in any case, filename*. */
	CU_ASSERT_EQUAL(parse("--XyZ\r\ncontent-DISPOSITION: Form-Data; "
	    "name=\"a\\\"b\"; filename=\"x\"; filename*=UTF-8''%e2%82%ac.pdf"
	    "\r\n\r\nv\r\n--XyZ--", 10), 0);
	CU_ASSERT_STRING_EQUAL(P[0].name, "a\"b");
	CU_ASSERT_STRING_EQUAL(P[0].filename, "\xe2\x82\xac.pdf");
	/* A boundary-like line that is not a delimiter stays data. */
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n\r\n--XyZ\r\nX"
	    "\r\n--XyZ--", 10), 0);
	CU_ASSERT_EQUAL(P[0].len, 8);
}

static void
test_malformed(void)
{
	char	*big;
	size_t	 i, o;

	/* No delimiter, no close delimiter, truncated part. */
	CU_ASSERT_EQUAL(parse("hello", 10), -1);
	CU_ASSERT_EQUAL(parse("", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n\r\nabc", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n\r\nabc\r\n--XyZ",
	    10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ", 10), -1);
	/* Bare LF line ends are not multipart. */
	CU_ASSERT_EQUAL(parse("--XyZ\n" CD "name=a\n\nx\n--XyZ--", 10), -1);
	/* Garbage after a delimiter. */
	CU_ASSERT_EQUAL(parse("--XyZabc\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--",
	    10), -1);
	/* Headers: missing or doubled Content-Disposition, no name, bad
	 * disposition type, folding, control bytes, unterminated quote. */
	CU_ASSERT_EQUAL(parse("--XyZ\r\nX-A: b\r\n\r\nx\r\n--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n\r\nx\r\n--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n" CD "name=b\r\n\r\n"
	    "x\r\n--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "filename=a.png\r\n\r\nx\r\n"
	    "--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\nContent-Disposition: attachment; "
	    "name=a\r\n\r\nx\r\n--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n continued\r\n\r\n"
	    "x\r\n--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=\"a\x01\"\r\n\r\nx\r\n"
	    "--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=\"a\r\n\r\nx\r\n--XyZ--",
	    10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a; name=b\r\n\r\nx\r\n"
	    "--XyZ--", 10), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a; filename*=nope\r\n\r\n"
	    "x\r\n--XyZ--", 10), -1);
	/* Too many parts. */
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ\r\n"
	    CD "name=b\r\n\r\ny\r\n--XyZ--", 1), -1);
	CU_ASSERT_EQUAL(parse("--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ\r\n"
	    CD "name=b\r\n\r\ny\r\n--XyZ--", 2), 0);
	/* Too many header lines; a header block too big; a long name. */
	big = malloc(3 * MULTIPART_MAX_HEADER);
	o = (size_t)sprintf(big, "--XyZ\r\n" CD "name=a\r\n");
	for (i = 0; i < MULTIPART_MAX_LINES; i++)
		o += (size_t)sprintf(big + o, "X-H: 1\r\n");
	sprintf(big + o, "\r\nx\r\n--XyZ--");
	CU_ASSERT_EQUAL(parse(big, 10), -1);
	o = (size_t)sprintf(big, "--XyZ\r\n" CD "name=a\r\nX-H: ");
	memset(big + o, 'a', MULTIPART_MAX_HEADER);
	sprintf(big + o + MULTIPART_MAX_HEADER, "\r\n\r\nx\r\n--XyZ--");
	CU_ASSERT_EQUAL(parse(big, 10), -1);
	o = (size_t)sprintf(big, "--XyZ\r\n" CD "name=");
	memset(big + o, 'n', MULTIPART_MAX_NAME + 1);
	sprintf(big + o + MULTIPART_MAX_NAME + 1, "\r\n\r\nx\r\n--XyZ--");
	CU_ASSERT_EQUAL(parse(big, 10), -1);
	o = (size_t)sprintf(big, "--XyZ\r\n" CD "name=");
	memset(big + o, 'n', MULTIPART_MAX_NAME);
	sprintf(big + o + MULTIPART_MAX_NAME, "\r\n\r\nx\r\n--XyZ--");
	CU_ASSERT_EQUAL(parse(big, 10), 0);
	free(big);
}

/* Every prefix of a well-formed body is refused (truncation). */
static void
test_truncation(void)
{
	static const char body[] = "--XyZ\r\n" CD "name=\"a\"\r\n\r\n1\r\n"
	    "--XyZ\r\n" CD "name=\"u[]\"; filename=\"x.png\"\r\n\r\nPNG\r\n"
	    "--XyZ--";
	size_t	i;
	char	*copy;

	for (i = 0; i < sizeof(body) - 1; i++) {
		/* Exact-size copies, so ASan sees any read past the end. */
		copy = malloc(i + 1);
		memcpy(copy, body, i);
		CU_ASSERT_EQUAL(multipart_parse(arena(), "XyZ", copy, i, 10,
		    &P, &N), -1);
		free(copy);
	}
	CU_ASSERT_EQUAL(parse(body, 10), 0);
}

/* ------------------------------------------------------------ request */

static int
request(struct req *r, const char *ct, const char *body, json_object **obj)
{
	static const char	*env[3];
	static char		 ctvar[256];

	snprintf(ctvar, sizeof(ctvar), "CONTENT_TYPE=%s", ct);
	env[0] = "REQUEST_METHOD=POST";
	env[1] = ctvar;
	env[2] = NULL;
	http_init(r, arena());
	r->env = env;
	r->body = body;
	r->body_len = strlen(body);
	*obj = json_adopt(r->a, json_object_new_object());
	return multipart_parse_request(r, *obj);
}

static const char *
dump(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

#define MP	"multipart/form-data; boundary=XyZ"

static void
test_request(void)
{
	struct req		 r;
	json_object		*o, *arr, *fake;
	const struct upload	*u;

	CU_ASSERT_EQUAL_FATAL(request(&r, MP, "--XyZ\r\n" CD "name=doc_type"
	    "\r\n\r\nPassport\r\n--XyZ\r\n" CD "name=\"upload[]\"; "
	    "filename=\"../../etc/passwd.png\"\r\nContent-Type: image/png"
	    "\r\n\r\n\x89PNG\r\n--XyZ\r\n" CD "name=\"upload[]\"; "
	    "filename=\"C:\\\\My\\\\b.PDF\"\r\n\r\n%PDF-1\r\n"
	    "--XyZ\r\n" CD "name=\"upload[]\"; filename=\"\"\r\n\r\n\r\n"
	    "--XyZ\r\n" CD "name=\"a[b]\"\r\n\r\nc\r\n--XyZ--\r\n", &o), 0);
	CU_ASSERT_STRING_EQUAL(dump(o), "{\"doc_type\":\"Passport\","
	    "\"upload\":[{\"filename\":\"passwd.png\",\"type\":\"image/png\","
	    "\"size\":4},{\"filename\":\"b.PDF\",\"type\":null,\"size\":6}],"
	    "\"a\":{\"b\":\"c\"}}");
	CU_ASSERT_EQUAL_FATAL(r.nuploads, 2);
	CU_ASSERT_STRING_EQUAL(r.uploads[0].field, "upload[]");
	CU_ASSERT_STRING_EQUAL(r.uploads[0].filename, "passwd.png");
	CU_ASSERT_EQUAL(r.uploads[1].len, 6);
	arr = json_object_object_get(o, "upload");
	u = multipart_upload_of(&r, json_object_array_get_idx(arr, 1));
	CU_ASSERT_PTR_EQUAL(u, &r.uploads[1]);
	/* A look-alike object is not a file. */
	fake = json_adopt(r.a, json_object_new_object());
	CU_ASSERT_PTR_NULL(multipart_upload_of(&r, fake));
	CU_ASSERT_PTR_NULL(multipart_upload_of(&r, NULL));

	/* A text field shaped like a placeholder is text. */
	CU_ASSERT_EQUAL(request(&r, MP, "--XyZ\r\n" CD "name=\"upload[]"
	    "[filename]\"\r\n\r\nx.png\r\n--XyZ--", &o), 0);
	CU_ASSERT_EQUAL(r.nuploads, 0);
	arr = json_object_object_get(o, "upload");
	CU_ASSERT_PTR_NULL(multipart_upload_of(&r,
	    json_object_array_get_idx(arr, 0)));

	/* A later field replacing a file keeps the file's address. */
	CU_ASSERT_EQUAL(request(&r, MP, "--XyZ\r\n" CD "name=up; filename="
	    "a.png\r\n\r\nx\r\n--XyZ\r\n" CD "name=up\r\n\r\ntext\r\n--XyZ--",
	    &o), 0);
	CU_ASSERT_STRING_EQUAL(dump(o), "{\"up\":\"text\"}");
	CU_ASSERT_EQUAL(r.nuploads, 1);
	CU_ASSERT_PTR_NULL(multipart_upload_of(&r,
	    json_object_object_get(o, "up")));

	/* Bad boundary, conflicting keys, too many parts: -1. */
	CU_ASSERT_EQUAL(request(&r, "multipart/form-data", "--XyZ--", &o), -1);
	CU_ASSERT_EQUAL(request(&r, MP, "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n"
	    "--XyZ\r\n" CD "name=a[b]\r\n\r\ny\r\n--XyZ--", &o), -1);
	CU_ASSERT_EQUAL(request(&r, MP, "--XyZ\r\n" CD "name=\"a\r\n"
	    "\r\nx\r\n--XyZ--", &o), -1);
	cfg.max_params = 1;
	CU_ASSERT_EQUAL(request(&r, MP, "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n"
	    "--XyZ\r\n" CD "name=b\r\n\r\ny\r\n--XyZ--", &o), -1);
	conf_defaults();
}

/* Through http_parse_params: 400 server.bad_request when malformed. */
static void
test_http(void)
{
	static const char	*env[] = { "REQUEST_METHOD=POST",
		"REQUEST_URI=/api/v2/resource/documents",
		"CONTENT_TYPE=multipart/form-data; boundary=XyZ", NULL };
	struct req		 r;

	http_init(&r, arena());
	r.env = env;
	CU_ASSERT_EQUAL(http_prepare(&r), 0);
	r.body = "--XyZ\r\n" CD "name=a\r\n\r\nx";
	r.body_len = strlen(r.body);
	CU_ASSERT_EQUAL(http_parse_params(&r), -1);
	CU_ASSERT_EQUAL(r.err.status, 400);
	CU_ASSERT_STRING_EQUAL(r.err.keys[0], "server.bad_request");

	http_init(&r, arena());
	r.env = env;
	CU_ASSERT_EQUAL(http_prepare(&r), 0);
	r.body = "--XyZ\r\n" CD "name=a\r\n\r\nx\r\n--XyZ--";
	r.body_len = strlen(r.body);
	CU_ASSERT_EQUAL(http_parse_params(&r), 0);
	CU_ASSERT_STRING_EQUAL(dump(r.input), "{\"a\":\"x\"}");
}

static const struct unit_test tests[] = {
	{ "boundary", test_boundary },
	{ "parts", test_parts },
	{ "malformed", test_malformed },
	{ "truncation", test_truncation },
	{ "request", test_request },
	{ "http", test_http },
	{ NULL, NULL }
};

int
main(void)
{
	int	rc;

	conf_defaults();
	log_set_level((enum log_level)(LOG_LVL_ERR + 1));
	rc = unit_run("multipart", tests);
	if (A != NULL)
		arena_free(A);
	return rc;
}
