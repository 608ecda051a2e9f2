/*
 * Request arena: a bump allocator whose memory lives until arena_reset().
 * Allocation failure aborts, so callers never test for NULL.
 * Foreign objects (PGresult, json_object, ...) are released at reset
 * through arena_defer().
 */
#ifndef BARONG_ARENA_H
#define BARONG_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena;

struct arena	*arena_new(size_t chunk);
void		 arena_free(struct arena *);
void		 arena_reset(struct arena *);
void		*arena_alloc(struct arena *, size_t);
void		*arena_memdup(struct arena *, const void *, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
void		 arena_defer(struct arena *, void (*)(void *), void *);
size_t		 arena_used(const struct arena *);

#endif
