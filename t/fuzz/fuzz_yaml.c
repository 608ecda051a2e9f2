/*
 * Fuzz yaml_load_string(), ERB expansion included, and yaml_expand_erb()
 * on its own.  The input is the whole file.  A few environment variables
 * are set once so that ERB tags can find them: FUZZ_YAML_SET ("from-env"),
 * FUZZ_YAML_EMPTY (""), FUZZ_YAML_FLOW ("[a, {b: c}]") and FUZZ_YAML_BAD
 * (": ]"); FUZZ_YAML_UNSET is kept unset.
 *
 * Invariants: the error message is NUL-terminated and non-empty whenever
 * NULL is returned; an input holding a NUL or more than 1 MB is refused;
 * ERB expansion leaves text without "<%" alone, and when it fails the load
 * fails with the same message; a loaded value holds only objects,
 * arrays, NUL-free valid UTF-8 strings and nulls (the root never null),
 * nests at most 32 containers deep, has at most one node per expanded byte
 * (plus one) and at most twice as many string bytes; it serialises with
 * json-c and reads back as an equal value; loading is deterministic; and
 * when its JSON text is plain ASCII without "<%" or long keys, that text
 * (JSON being YAML) loads back to an equal value too.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "yamlfile.h"

#define MAX_SIZE	(1024 * 1024)	/* YAML_MAX_SIZE in lib/yamlfile.c */
#define MAX_DEPTH	32		/* YAML_MAX_DEPTH */

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct stats {
	size_t	nodes;		/* values, nulls included */
	size_t	bytes;		/* string bytes, keys included */
	size_t	longest_key;
	int	depth;		/* containers, the root counting 1 */
};

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, len;
	unsigned	c, min;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			c &= 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			c &= 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			c &= 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

static void
check_string(const char *s, size_t n)
{
	CHECK(s != NULL);
	CHECK(strlen(s) == n);
	CHECK(utf8_ok((const unsigned char *)s, n));
}

static void
walk(json_object *o, int level, struct stats *st)
{
	size_t	i, n, klen;

	st->nodes++;
	switch (json_object_get_type(o)) {
	case json_type_null:
		break;
	case json_type_string:
		n = (size_t)json_object_get_string_len(o);
		check_string(json_object_get_string(o), n);
		st->bytes += n;
		break;
	case json_type_object:
		CHECK(level + 1 <= MAX_DEPTH);
		if (level + 1 > st->depth)
			st->depth = level + 1;
		{
			json_object_object_foreach(o, k, v) {
				klen = strlen(k);
				check_string(k, klen);
				st->bytes += klen;
				if (klen > st->longest_key)
					st->longest_key = klen;
				walk(v, level + 1, st);
			}
		}
		break;
	case json_type_array:
		CHECK(level + 1 <= MAX_DEPTH);
		if (level + 1 > st->depth)
			st->depth = level + 1;
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			walk(json_object_array_get_idx(o, i), level + 1, st);
		break;
	default:
		/* Scalars stay strings; no numbers or booleans. */
		CHECK(0);
	}
}

/* The error buffer after a failure: NUL-terminated and not empty. */
static void
check_err(const char *err, size_t errlen)
{
	CHECK(memchr(err, '\0', errlen) != NULL);
	CHECK(err[0] != '\0' && err[0] != 'x');
}

static json_object *
reparse_json(const char *s, size_t n)
{
	struct json_tokener	*tok;
	json_object		*o;

	CHECK((tok = json_tokener_new_ex(MAX_DEPTH * 2)) != NULL);
	o = json_tokener_parse_ex(tok, s, (int)n);
	CHECK(json_tokener_get_error(tok) == json_tokener_success);
	json_tokener_free(tok);
	return o;
}

/* Whether "<%" occurs in s[0..n). */
static int
has_erb(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '<' && s[i + 1] == '%')
			return 1;
	return 0;
}

/* JSON text of plain printable ASCII, nothing ERB would see. */
static int
yaml_safe(const char *s, size_t n, const struct stats *st)
{
	size_t	i;

	/* libyaml looks no further than 1024 characters for a key's ':'. */
	if (st->longest_key > 128)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return !has_erb(s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	const char	*s = (const char *)data, *dump;
	char		 err[512], err2[512], err3[512], *exp;
	json_object	*o, *back;
	struct stats	 st;
	size_t		 explen = 0, dlen;

	if (!init) {
		setenv("FUZZ_YAML_SET", "from-env", 1);
		setenv("FUZZ_YAML_EMPTY", "", 1);
		setenv("FUZZ_YAML_FLOW", "[a, {b: c}]", 1);
		setenv("FUZZ_YAML_BAD", ": ]", 1);
		unsetenv("FUZZ_YAML_UNSET");
		init = 1;
	}

	/* ERB alone. */
	memset(err, 'x', sizeof(err));
	exp = yaml_expand_erb(s, size, &explen, err, sizeof(err));
	if (exp == NULL)
		check_err(err, sizeof(err));
	else {
		CHECK(explen <= MAX_SIZE);
		CHECK(exp[explen] == '\0');
		if (!has_erb(s, size))
			CHECK(explen == size && memcmp(exp, s, size) == 0);
	}

	memset(err2, 'x', sizeof(err2));
	o = yaml_load_string(s, size, err2, sizeof(err2));
	if (o == NULL)
		check_err(err2, sizeof(err2));
	if (size > MAX_SIZE || memchr(s, '\0', size) != NULL) {
		CHECK(o == NULL);
		free(exp);
		return 0;
	}
	if (exp == NULL) {
		CHECK(o == NULL);
		CHECK(strcmp(err, err2) == 0);
		return 0;
	}
	free(exp);
	if (o == NULL) {
		/* Deterministic failure, same message. */
		memset(err3, 'x', sizeof(err3));
		CHECK(yaml_load_string(s, size, err3, sizeof(err3)) == NULL);
		CHECK(strcmp(err2, err3) == 0);
		return 0;
	}

	/* The root is a value: an empty document is an error. */
	CHECK(!json_object_is_type(o, json_type_null));
	memset(&st, 0, sizeof(st));
	walk(o, 0, &st);
	CHECK(st.depth <= MAX_DEPTH);
	CHECK(st.nodes <= explen + 1);
	CHECK(st.bytes <= 2 * explen);

	/* Serialises, and reads back as JSON to the same value. */
	dump = json_object_to_json_string_length(o, JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &dlen);
	CHECK(dump != NULL);
	CHECK(strlen(dump) == dlen);
	CHECK(dlen <= 6 * st.bytes + 12 * st.nodes + 16);
	back = reparse_json(dump, dlen);
	CHECK(back != NULL);
	CHECK(json_object_equal(o, back));
	json_object_put(back);

	/* Deterministic. */
	back = yaml_load_string(s, size, err3, sizeof(err3));
	CHECK(back != NULL);
	CHECK(json_object_equal(o, back));
	json_object_put(back);

	/* JSON is YAML: the dump loads back to the same value. */
	if (yaml_safe(dump, dlen, &st)) {
		memset(err3, 'x', sizeof(err3));
		back = yaml_load_string(dump, dlen, err3, sizeof(err3));
		if (back == NULL)
			fprintf(stderr, "dump: %s\nerror: %s\n", dump, err3);
		CHECK(back != NULL);
		CHECK(json_object_equal(o, back));
		json_object_put(back);
	}
	json_object_put(o);
	return 0;
}
