/*
 * Request arena.  Memory comes in chunks that are kept across resets, so a
 * worker that has served one request of a given size serves the next one
 * without calling malloc.  Large allocations get a chunk of their own, which
 * is released at reset so one huge request does not pin memory forever.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_ALIGN	16

struct chunk {
	struct chunk	*next;
	size_t		 size;	/* usable bytes after the header */
	size_t		 used;
	int		 big;	/* released at reset */
	/* data follows, aligned */
};

struct defer {
	struct defer	*next;
	void		(*fn)(void *);
	void		*p;
};

struct arena {
	struct chunk	*head;	/* current chunk first */
	struct defer	*defers;
	size_t		 chunk;
	size_t		 total;
};

#define CHUNK_HDR	((sizeof(struct chunk) + ARENA_ALIGN - 1) & \
			    ~(size_t)(ARENA_ALIGN - 1))

static void
oom(void)
{
	fputs("barong: out of memory\n", stderr);
	abort();
}

static struct chunk *
chunk_new(size_t size, int big)
{
	struct chunk	*c;

	if (size > SIZE_MAX - CHUNK_HDR)
		oom();
	if ((c = malloc(CHUNK_HDR + size)) == NULL)
		oom();
	c->next = NULL;
	c->size = size;
	c->used = 0;
	c->big = big;
	return c;
}

struct arena *
arena_new(size_t chunk)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		oom();
	a->chunk = chunk < 1024 ? 1024 : chunk;
	a->head = chunk_new(a->chunk, 0);
	return a;
}

static void
run_defers(struct arena *a)
{
	struct defer	*d;

	/* Last deferred first: later objects may refer to earlier ones. */
	while ((d = a->defers) != NULL) {
		a->defers = d->next;
		d->fn(d->p);
	}
}

void
arena_reset(struct arena *a)
{
	struct chunk	*c, *next, *keep = NULL;

	run_defers(a);
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (c->big) {
			free(c);
			continue;
		}
		c->used = 0;
		c->next = keep;
		keep = c;
	}
	a->head = keep != NULL ? keep : chunk_new(a->chunk, 0);
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	run_defers(a);
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk	*c;
	void		*p;

	if (n > SIZE_MAX - ARENA_ALIGN)
		oom();
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	for (c = a->head; c != NULL; c = c->next)
		if (!c->big && c->size - c->used >= n)
			break;
	if (c == NULL) {
		if (n > a->chunk / 4) {
			c = chunk_new(n, 1);
		} else
			c = chunk_new(a->chunk, 0);
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c + CHUNK_HDR + c->used;
	c->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

void *
arena_memdup(struct arena *a, const void *src, size_t n)
{
	char	*p;

	p = arena_alloc(a, n + 1);
	if (n > 0)
		memcpy(p, src, n);
	p[n] = '\0';
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	return arena_memdup(a, s, n);
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_memdup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	 small[256], *p;

	/* Most strings fit the stack buffer: format once. */
	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		oom();
	if ((size_t)n < sizeof(small))
		return arena_memdup(a, small, (size_t)n);
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct defer	*d;

	if (p == NULL)
		return;
	d = arena_alloc(a, sizeof(*d));
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
}

size_t
arena_used(const struct arena *a)
{
	return a->total;
}
