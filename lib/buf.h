/*
 * Length-carrying strings and a string builder with a length cap and a
 * sticky error (in the manner of SQLite's sqlite3_str): append freely, check
 * once at the end with buf_cstr(), which returns NULL when anything failed.
 */
#ifndef BARONG_BUF_H
#define BARONG_BUF_H

#include <stddef.h>

struct arena;

struct str {
	const char	*p;
	size_t		 len;
};

#define STR_LIT(s)	((struct str){ (s), sizeof(s) - 1 })

struct buf {
	struct arena	*a;
	char		*p;
	size_t		 len;
	size_t		 cap;
	size_t		 max;	/* longest content allowed */
	int		 err;	/* sticky: set when max was passed */
};

void		 buf_init(struct buf *, struct arena *, size_t max);
void		 buf_add(struct buf *, const void *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_putc(struct buf *, int);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*buf_cstr(struct buf *);

int		 str_eq(struct str, const char *);
int		 str_has_prefix(const char *, const char *);
int		 str_casecmp_eq(const char *, const char *);

#endif
