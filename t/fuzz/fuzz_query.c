/*
 * Fuzz parse_urlencoded() on a query string, and parse_pct_decode().
 *
 * Invariants: the pair count is -1 or within max_pairs and never below the
 * number of top-level keys; the result serialises and reads back as an
 * equal object; no key holds a NUL; nesting stays within the depth limit;
 * percent-decoding never grows the input and fails exactly when a '%' is
 * not followed by two hex digits.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define MAX_PAIRS	64

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Depth of nesting below o; keys must be NUL-free. */
static int
depth(json_object *o)
{
	int	d = 0, c;
	size_t	i, n;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			CHECK(k[0] != '\0');
			CHECK(strlen(k) < 256);
			if ((c = depth(v) + 1) > d)
				d = c;
		}
	} else if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if ((c = depth(json_object_array_get_idx(o, i)) + 1) >
			    d)
				d = c;
	}
	return d;
}

static int
ishex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Expected outcome of parse_pct_decode, computed independently. */
static int
pct_ok(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (s[i] == '%') {
			if (len - i < 3 || !ishex(s[i + 1]) || !ishex(s[i + 2]))
				return 0;
			i += 2;
		}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	json_object	*o, *back;
	const char	*out;
	char		*dec;
	size_t		 declen = (size_t)-1, amps = 0, i;
	int		 n, rc;

	/* Percent-decoding alone. */
	if ((dec = malloc(size + 1)) == NULL)
		abort();
	rc = parse_pct_decode(s, size, 1, dec, &declen);
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == (pct_ok(s, size) ? 0 : -1));
	if (rc == 0) {
		CHECK(declen <= size);
		CHECK(dec[declen] == '\0');
		if (memchr(s, '%', size) == NULL)
			CHECK(declen == size);
	}
	free(dec);

	/* The whole query string. */
	for (i = 0; i < size; i++)
		if (s[i] == '&')
			amps++;
	o = json_object_new_object();
	n = parse_urlencoded(o, s, size, MAX_PAIRS);
	CHECK(n >= -1 && n <= MAX_PAIRS);
	if (n >= 0) {
		CHECK((size_t)n <= amps + 1);
		CHECK(json_object_object_length(o) <= n);
		CHECK(depth(o) <= PARSE_MAX_DEPTH + 1);
		out = json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		CHECK(out != NULL);
		back = json_tokener_parse(out);
		CHECK(back != NULL);
		CHECK(json_object_equal(o, back));
		json_object_put(back);
		/* Parsing is deterministic. */
		back = json_object_new_object();
		CHECK(parse_urlencoded(back, s, size, MAX_PAIRS) == n);
		CHECK(json_object_equal(o, back));
		json_object_put(back);
		/* Fewer allowed pairs than given: refused. */
		if (n > 0) {
			back = json_object_new_object();
			CHECK(parse_urlencoded(back, s, size, (size_t)n - 1) ==
			    -1);
			json_object_put(back);
		}
	}
	json_object_put(o);
	return 0;
}
