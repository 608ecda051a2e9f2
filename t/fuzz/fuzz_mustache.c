/*
 * Fuzz mustache_render().
 *
 * Input: "<template>\0<JSON context>".  Without a NUL the whole input is
 * the template and the context is a fixed one with a value of every kind
 * (strings to escape, arrays, nested objects, recursion for a recursive
 * partial); a context that does not parse is an empty object.  Partials
 * come from a fixed table (nested, recursive, self-including, malformed,
 * changing delimiters, multi-line for indentation); other names are
 * missing.  Output goes into a buf capped at CAP bytes.
 *
 * Invariants: the result is 0 or -1; -1 comes with a non-empty, printable
 * ASCII message; the output never exceeds the cap, and the buf's sticky
 * error is set only on failure; the partial function sees trimmed, non-empty
 * names and is called at most MUSTACHE_MAX_PARTIALS times; a template
 * without "{{" renders as itself; a successful rendering of L bytes renders
 * the same again with a cap of exactly L and fails with "output too large"
 * under a cap of L - 1; the arena is empty after the reset.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "mustache.h"

#define CAP	8192	/* output cap */

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char default_ctx[] =
    "{\"title\": \"Barong <&> \\\"q\\\" 's'\", \"name\": \"alice\","
    " \"empty\": \"\", \"zero\": 0, \"num\": 1.5, \"yes\": true,"
    " \"no\": false, \"nil\": null, \"html\": \"<b>bold</b>\","
    " \"user\": {\"email\": \"a@b.c\", \"profile\": {\"first\": \"Al\","
    " \"last\": \"Ice\"}, \"labels\": [\"x\", \"y\"]},"
    " \"items\": [{\"name\": \"one\", \"price\": 1},"
    " {\"name\": \"two\", \"price\": 2, \"items\": [1, 2]},"
    " {\"name\": \"<three>\"}],"
    " \"list\": [\"a\", \"b\", \"c\"], \"none\": [],"
    " \"children\": [{\"name\": \"c1\", \"children\": [{\"name\": \"c2\","
    " \"children\": []}]}],"
    " \"nested\": {\"a\": {\"b\": {\"c\": \"deep\"}}}}";

static const char *const partials[][2] = {
	{ "header", "<h1>{{title}}</h1>\n" },
	{ "item", "- {{name}}: {{price}}\n" },
	{ "list", "{{#items}}\n{{>item}}\n{{/items}}\n" },
	{ "rec", "{{name}}\n{{#children}}\n  {{>rec}}\n{{/children}}\n" },
	{ "self", "x{{>self}}" },
	{ "bad", "{{#open}}unclosed" },
	{ "badtag", "{{name" },
	{ "delims", "{{=<% %>=}}<% name %>\n<%={{ }}=%>{{{html}}}" },
	{ "multi", "line1\n  {{name}}\n\tline3\n{{#list}}\n{{.}}\n{{/list}}" },
	{ "empty", "" },
	{ "loop", "{{#list}}{{#list}}{{#list}}{{&html}}{{/list}}{{/list}}"
	    "{{/list}}" },
	{ "dotted", "{{user.profile.first}} {{nested.a.b.c}} {{^user.x}}-"
	    "{{/user.x}}" },
};

static unsigned	ncalls;

static const char *
partial(const char *name, size_t *len, void *arg)
{
	size_t	i, n;

	CHECK(arg == &ncalls);
	n = strlen(name);
	CHECK(n > 0);
	CHECK(name[0] != ' ' && name[0] != '\t' && name[0] != '\r' &&
	    name[0] != '\n');
	CHECK(name[n - 1] != ' ' && name[n - 1] != '\t' &&
	    name[n - 1] != '\r' && name[n - 1] != '\n');
	CHECK(++ncalls <= MUSTACHE_MAX_PARTIALS);
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (strcmp(name, partials[i][0]) == 0) {
			*len = strlen(partials[i][1]);
			return partials[i][1];
		}
	return NULL;
}

static int
render(struct arena *a, const char *tpl, size_t len, json_object *ctx,
    size_t cap, struct buf *out, char *err, size_t errlen)
{
	const char	*p;
	int		 rc;

	buf_init(out, a, cap);
	memset(err, 'x', errlen);
	ncalls = 0;
	rc = mustache_render(tpl, len, ctx, partial, &ncalls, out, err,
	    errlen);
	CHECK(rc == 0 || rc == -1);
	CHECK(out->len <= cap);
	CHECK(memchr(err, '\0', errlen) != NULL);
	if (rc == 0) {
		CHECK(!out->err);
		CHECK(err[0] == '\0');
	} else {
		CHECK(err[0] != '\0');
		for (p = err; *p != '\0'; p++)
			CHECK(*p >= 0x20 && *p < 0x7f);
	}
	return rc;
}

static int
has_open(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '{' && s[i + 1] == '{')
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	*a;
	const char		*tpl = (const char *)data, *nul, *out1;
	struct json_tokener	*tok;
	json_object		*ctx;
	struct buf		 out, again;
	char			 err[160], err2[160];
	size_t			 len = size, clen, n;
	int			 rc;

	if (a == NULL)
		a = arena_new(0);
	nul = memchr(tpl, '\0', size);
	if (nul == NULL)
		ctx = json_tokener_parse(default_ctx);
	else {
		len = (size_t)(nul - tpl);
		clen = size - len - 1;
		CHECK((tok = json_tokener_new()) != NULL);
		ctx = json_tokener_parse_ex(tok, nul + 1, (int)clen);
		/* A number or literal at the very end needs a terminator. */
		if (ctx == NULL &&
		    json_tokener_get_error(tok) == json_tokener_continue)
			ctx = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(ctx);
			ctx = json_object_new_object();
		}
		json_tokener_free(tok);
	}
	CHECK(ctx != NULL || nul != NULL);

	rc = render(a, tpl, len, ctx, CAP, &out, err, sizeof(err));
	if (!has_open(tpl, len)) {
		if (len <= CAP) {
			CHECK(rc == 0);
			CHECK(out.len == len);
			CHECK(len == 0 || memcmp(out.p, tpl, len) == 0);
		} else {
			CHECK(rc == -1);
			CHECK(strcmp(err, "output too large") == 0);
		}
	}
	if (rc == 0) {
		out1 = buf_cstr(&out);
		CHECK(out1 != NULL);
		n = out.len;
		CHECK(strlen(out1) <= n);
		/* Exactly enough room: the same output. */
		CHECK(render(a, tpl, len, ctx, n, &again, err2,
		    sizeof(err2)) == 0);
		CHECK(again.len == n);
		CHECK(n == 0 || memcmp(again.p, out1, n) == 0);
		/* One byte short: refused, for that reason. */
		if (n > 0) {
			CHECK(render(a, tpl, len, ctx, n - 1, &again, err2,
			    sizeof(err2)) == -1);
			CHECK(strcmp(err2, "output too large") == 0);
		}
	}
	json_object_put(ctx);
	arena_reset(a);
	CHECK(arena_used(a) == 0);
	return 0;
}
