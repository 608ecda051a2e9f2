/*
 * Pagination parameters and headers: see paginate.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "http.h"
#include "paginate.h"
#include "parse.h"

void
paginate_get(const struct req *r, struct page *pg)
{
	pg->page = param_int(r, "page", 1);
	pg->limit = param_int(r, "limit", 100);
	if (pg->page < 1)
		pg->page = 1;
	if (pg->limit < 1)
		pg->limit = 100;
	pg->offset = (pg->page - 1) * pg->limit;
}

/* Ruby's CGI.escape: keep a-zA-Z0-9 _ . - ~, space as '+', else %XX. */
static void
cgi_escape(struct buf *b, const char *s, size_t len)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;
	size_t			i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-' || c == '~')
			buf_putc(b, c);
		else if (c == ' ')
			buf_putc(b, '+');
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define MAX_PAIRS	64

/*
 * The request's query pairs other than page, each re-escaped as Ruby's
 * to_query writes it, and page=<page>, sorted as Ruby sorts them.
 */
static const char *
link_query(struct req *r, long long page)
{
	const char	*pairs[MAX_PAIRS + 1], *p, *e, *eq;
	char		*k, *v;
	size_t		 n = 0, klen, vlen, kl, vl, i;
	struct buf	 b, out;

	for (p = r->query; *p != '\0' && n < MAX_PAIRS; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "&;");
		if (e == p)
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		klen = (size_t)((eq ? eq : e) - p);
		vlen = eq ? (size_t)(e - eq - 1) : 0;
		k = arena_alloc(r->a, klen + 1);
		v = arena_alloc(r->a, vlen + 1);
		if (parse_pct_decode(p, klen, 1, k, &kl) == -1 ||
		    parse_pct_decode(eq ? eq + 1 : e, vlen, 1, v, &vl) == -1)
			continue;
		if (kl == 4 && memcmp(k, "page", 4) == 0)
			continue;
		buf_init(&b, r->a, 16 * 1024);
		cgi_escape(&b, k, kl);
		buf_putc(&b, '=');
		cgi_escape(&b, v, vl);
		if (buf_cstr(&b) != NULL)
			pairs[n++] = buf_cstr(&b);
	}
	pairs[n++] = arena_printf(r->a, "page=%lld", page);
	qsort(pairs, n, sizeof(pairs[0]), cmp_str);
	buf_init(&out, r->a, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&out, '&');
		buf_puts(&out, pairs[i]);
	}
	return buf_cstr(&out) ? buf_cstr(&out) : "";
}

/* Rack's request.base_url: scheme and host as the client addressed us. */
static const char *
base_url(struct req *r)
{
	const char	*https = http_env(r, "HTTPS");
	const char	*proto = http_header(r, "X-Forwarded-Proto");
	const char	*host = http_header(r, "Host");
	const char	*scheme = "http";

	if ((https != NULL && strcmp(https, "on") == 0) ||
	    (proto != NULL && strncmp(proto, "https", 5) == 0))
		scheme = "https";
	if (host == NULL || *host == '\0' ||
	    strpbrk(host, " \t\r\n<>\"") != NULL) {
		host = http_env(r, "SERVER_NAME");
		if (host == NULL)
			host = "localhost";
	}
	return arena_printf(r->a, "%s://%s", scheme, host);
}

void
paginate_headers(struct req *r, const struct page *pg, long long total)
{
	struct buf	 b;
	const char	*url;
	long long	 pages = (total + pg->limit - 1) / pg->limit;
	struct { const char *rel; long long page; } links[4];
	size_t		 n = 0, i;

	http_add_header(r, "Total", arena_printf(r->a, "%lld", total));
	http_add_header(r, "Per-Page", arena_printf(r->a, "%lld", pg->limit));
	http_add_header(r, "Page", arena_printf(r->a, "%lld", pg->page));
	if (pg->page > 1) {
		links[n].rel = "first", links[n++].page = 1;
		links[n].rel = "prev", links[n++].page = pg->page - 1;
	}
	if (pg->page < pages) {
		links[n].rel = "last", links[n++].page = pages;
		links[n].rel = "next", links[n++].page = pg->page + 1;
	}
	if (n == 0)
		return;
	url = arena_printf(r->a, "%s%s", base_url(r), r->path);
	buf_init(&b, r->a, 256 * 1024);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s<%s?%s>; rel=\"%s\"", i ? ", " : "", url,
		    link_query(r, links[i].page), links[i].rel);
	if (buf_cstr(&b) != NULL)
		http_add_header(r, "Link", buf_cstr(&b));
}
