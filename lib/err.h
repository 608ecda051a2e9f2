/*
 * A request's error: the HTTP status and Barong's public error codes, plus a
 * detail for the log only.  The first error set wins; parameter validation
 * appends codes (deduplicated, in declaration order) under one status.
 */
#ifndef BARONG_ERR_H
#define BARONG_ERR_H

#include <stddef.h>

#define ERR_MAX_KEYS	32

struct err {
	int		 status;	/* 0: no error */
	const char	*keys[ERR_MAX_KEYS];
	size_t		 nkeys;
	char		 detail[256];	/* log only, never sent */
};

struct req;

int	err_set(struct req *, int status, const char *key,
	    const char *detail, ...) __attribute__((format(printf, 4, 5)));
void	err_add_key(struct req *, int status, const char *key);
int	err_internal(struct req *, const char *detail, ...)
	    __attribute__((format(printf, 2, 3)));
int	err_is_set(const struct req *);

/*
 * Barong's model errors: "<attribute>.<reason>", listed attribute by
 * attribute in the order each attribute first failed, each attribute's
 * reasons in the order raised (user-api.md §1.4).
 */
struct model_err {
	size_t		 n;
	const char	*codes[32];
};

void	model_err_add(struct model_err *, const char *code);
/* Move the codes into r->err under status; -1 if there were any, else 0. */
int	model_err_flush(struct req *, struct model_err *, int status);

#endif
