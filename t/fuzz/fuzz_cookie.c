/*
 * Fuzz parse_cookie() and http_cookie().
 *
 * Input: "<name>\n<Cookie header>"; without a newline the name is
 * "_barong_session".  Both end at a NUL, as C strings from the CGI
 * environment do.
 *
 * Invariants: a value lies inside the header, holds no ';', and equals what
 * a plain reference parser (split on ';', trim blanks around name and value,
 * drop one pair of double quotes, first match wins) finds; http_cookie()
 * returns the same bytes, NUL-terminated, or NULL exactly when the
 * reference finds nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "parse.h"

#define CHECK(x) do {							\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #x);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The reference: returns the value's offset and length, or -1. */
static int
ref_cookie(const char *h, const char *name, size_t *off, size_t *len)
{
	size_t	start = 0, end, eq, ks, ke, vs, ve, n = strlen(h);

	while (start <= n) {
		for (end = start; end < n && h[end] != ';'; end++)
			;
		for (eq = start; eq < end && h[eq] != '='; eq++)
			;
		if (eq < end) {
			for (ks = start; ks < eq && blank(h[ks]); ks++)
				;
			for (ke = eq; ke > ks && blank(h[ke - 1]); ke--)
				;
			if (ke - ks == strlen(name) &&
			    strncmp(h + ks, name, ke - ks) == 0) {
				vs = eq + 1;
				while (vs < end && blank(h[vs]))
					vs++;
				ve = end;
				while (ve > vs && blank(h[ve - 1]))
					ve--;
				if (ve - vs >= 2 && h[vs] == '"' &&
				    h[ve - 1] == '"') {
					vs++;
					ve--;
				}
				*off = vs;
				*len = ve - vs;
				return 0;
			}
		}
		start = end + 1;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	*a;
	const char		*s = (const char *)data, *nl, *val, *hc;
	const char		*env[2];
	char			*name, *hdr, *envhdr;
	size_t			 nlen, vlen = 0, roff = 0, rlen = 0;
	int			 rc, ref;
	struct req		 r;

	if (a == NULL)
		a = arena_new(0);
	nl = memchr(s, '\n', size);
	if (nl != NULL) {
		nlen = (size_t)(nl - s);
		name = arena_strndup(a, s, nlen);
		s = nl + 1;
		size -= nlen + 1;
	} else
		name = arena_strdup(a, "_barong_session");
	/* The header as a malloc'd C string of exact size (for ASan). */
	nlen = strnlen(s, size);
	if ((hdr = malloc(nlen + 1)) == NULL)
		abort();
	memcpy(hdr, s, nlen);
	hdr[nlen] = '\0';

	rc = parse_cookie(hdr, name, &val, &vlen);
	ref = ref_cookie(hdr, name, &roff, &rlen);
	CHECK(rc == ref);
	if (rc == 0) {
		CHECK(val >= hdr && val + vlen <= hdr + nlen);
		CHECK(memchr(val, ';', vlen) == NULL);
		CHECK((size_t)(val - hdr) == roff && vlen == rlen);
	}
	CHECK(parse_cookie(NULL, name, &val, &vlen) == -1);

	/* Through the request, as handlers read it. */
	envhdr = arena_printf(a, "HTTP_COOKIE=%s", hdr);
	env[0] = envhdr;
	env[1] = NULL;
	http_init(&r, a);
	r.env = env;
	hc = http_cookie(&r, name);
	CHECK((hc == NULL) == (ref == -1));
	if (hc != NULL) {
		CHECK(strlen(hc) == rlen);
		CHECK(strncmp(hc, hdr + roff, rlen) == 0);
	}
	free(hdr);
	arena_reset(a);
	return 0;
}
