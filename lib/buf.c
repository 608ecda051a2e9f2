#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"

void
buf_init(struct buf *b, struct arena *a, size_t max)
{
	b->a = a;
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->err = 0;
}

static int
grow(struct buf *b, size_t need)
{
	size_t	 cap;
	char	*p;

	if (b->err)
		return -1;
	if (need > b->max) {
		b->err = 1;
		return -1;
	}
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = arena_alloc(b->a, cap);
	if (b->len > 0)
		memcpy(p, b->p, b->len);
	b->p = p;
	b->cap = cap;
	return 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n > b->max) {
		b->err = 1;	/* sticky, like any other overflow */
		return;
	}
	if (grow(b, b->len + n) == -1)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char	ch = (char)c;

	buf_add(b, &ch, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = 1;
		return;
	}
	if (grow(b, b->len + (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
buf_cstr(struct buf *b)
{
	if (b->err)
		return NULL;
	if (b->p == NULL)
		return "";
	return b->p;
}

int
str_eq(struct str s, const char *c)
{
	size_t	n = strlen(c);

	return s.len == n && memcmp(s.p, c, n) == 0;
}

int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_casecmp_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}
