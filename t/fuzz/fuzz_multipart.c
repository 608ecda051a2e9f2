/*
 * Fuzz a multipart/form-data body the way a request goes through a
 * binary: http_prepare, then http_parse_params (lib/multipart.c).
 *
 * Input: "<Content-Type value>\n<body>"; without a newline the whole input
 * is the body, under "multipart/form-data; boundary=XyZ".
 *
 * Invariants: a parse failure is 400 server.bad_request (413 for a body
 * over 6000 bytes, as if cut by the transport) and nothing else fails;
 * multipart_parse agrees with the request glue; parts lie inside the body
 * in order without overlapping; names and filenames respect their limits;
 * every upload's bytes lie inside the body, its filename holds no '/' or
 * '\', and its placeholder is found again by identity while a look-alike
 * is not; the input serialises; the arena is empty after the reset.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "multipart.h"
#include "parse.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

#define MAX_PARTS	32

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct arena	*arena;

static int
inside(const char *p, size_t len, const char *body, size_t blen)
{
	return p >= body && p <= body + blen && len <= (size_t)(body + blen -
	    p);
}

/* The parts as multipart_parse gives them. */
static int
check_parts(const char *ct, const char *body, size_t len)
{
	char		 boundary[MULTIPART_MAX_BOUNDARY + 1];
	struct mp_part	*parts;
	size_t		 n, i;
	const char	*prev;

	if (multipart_boundary(ct, boundary) == -1)
		return -1;
	CHECK(strlen(boundary) >= 1 && strlen(boundary) <= 70);
	if (multipart_parse(arena, boundary, body, len, MAX_PARTS, &parts,
	    &n) == -1)
		return -1;
	CHECK(n <= MAX_PARTS);
	prev = body;
	for (i = 0; i < n; i++) {
		CHECK(inside(parts[i].data, parts[i].len, body, len));
		CHECK(parts[i].data >= prev);
		prev = parts[i].data + parts[i].len;
		CHECK(parts[i].name != NULL);
		CHECK(strlen(parts[i].name) <= parts[i].namelen);
		CHECK(parts[i].namelen <= MULTIPART_MAX_NAME);
		if (parts[i].filename != NULL)
			CHECK(strlen(parts[i].filename) <= MULTIPART_MAX_NAME);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 init;
	const char		*s = (const char *)data, *nl, *env[4];
	struct req		 r;
	json_object		*fake;
	size_t			 i, n;
	char			*ct, *body;
	int			 rc, direct;

	if (!init) {
		conf_defaults();
		cfg.max_params = MAX_PARTS;
		log_set_level((enum log_level)(LOG_LVL_ERR + 1));
		arena = arena_new(0);
		init = 1;
	}
	nl = memchr(s, '\n', size);
	if (nl != NULL) {
		n = (size_t)(nl - s);
		ct = arena_printf(arena, "CONTENT_TYPE=%.*s", (int)n, s);
		s = nl + 1;
		size -= n + 1;
	} else
		ct = arena_strdup(arena,
		    "CONTENT_TYPE=multipart/form-data; boundary=XyZ");
	/* An exact copy, so that ASan sees reads past the body. */
	body = malloc(size ? size : 1);
	if (body == NULL)
		abort();
	memcpy(body, s, size);
	env[0] = "REQUEST_METHOD=POST";
	env[1] = "REQUEST_URI=/api/v2/resource/documents";
	env[2] = ct;
	env[3] = NULL;

	http_init(&r, arena);
	r.env = env;
	CHECK(http_prepare(&r) == 0);
	r.body = body;
	r.body_len = size;
	r.body_too_large = size > 6000;
	direct = strcmp(r.content_type, "multipart/form-data") == 0 &&
	    !r.body_too_large && size > 0 ?
	    check_parts(ct + strlen("CONTENT_TYPE="), body, size) : 0;
	rc = http_parse_params(&r);
	if (rc == -1) {
		/* A malformed JSON body is Barong's 500 (barong-compat(7)). */
		CHECK(r.err.status == (r.body_too_large ? 413 :
		    strcmp(r.content_type, "application/json") == 0 ? 500 :
		    400));
		CHECK(r.err.nkeys == 1);
		goto out;
	}
	/* The glue also fails on key conflicts the splitter allows. */
	CHECK(direct == 0);
	CHECK(json_object_is_type(r.input, json_type_object));
	CHECK(json_dump(arena, r.input, &n) != NULL);
	CHECK(r.nuploads <= MAX_PARTS);
	for (i = 0; i < r.nuploads; i++) {
		CHECK(inside(r.uploads[i].data, r.uploads[i].len, body, size));
		CHECK(strchr(r.uploads[i].filename, '/') == NULL);
		CHECK(strchr(r.uploads[i].filename, '\\') == NULL);
		CHECK(multipart_upload_of(&r, r.uploads[i].placeholder) ==
		    &r.uploads[i]);
	}
	fake = json_adopt(arena, json_object_new_object());
	CHECK(multipart_upload_of(&r, fake) == NULL);
out:
	arena_reset(arena);
	CHECK(arena_used(arena) == 0);
	free(body);
	return 0;
}
