#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "log.h"

int
err_is_set(const struct req *r)
{
	return r->err.status != 0;
}

/*
 * Record an error; the first one wins.  Returns -1 so handlers can
 * "return err_set(...)".
 */
int
err_set(struct req *r, int status, const char *key, const char *detail, ...)
{
	va_list	ap;

	if (r->err.status != 0)
		return -1;
	r->err.status = status;
	r->err.keys[0] = key;
	r->err.nkeys = 1;
	if (detail != NULL) {
		va_start(ap, detail);
		vsnprintf(r->err.detail, sizeof(r->err.detail), detail, ap);
		va_end(ap);
	}
	return -1;
}

/* Append a code under one status (parameter validation), without repeats. */
void
err_add_key(struct req *r, int status, const char *key)
{
	size_t	i;

	if (r->err.status != 0 && r->err.status != status)
		return;
	r->err.status = status;
	for (i = 0; i < r->err.nkeys; i++)
		if (strcmp(r->err.keys[i], key) == 0)
			return;
	if (r->err.nkeys < ERR_MAX_KEYS)
		r->err.keys[r->err.nkeys++] = key;
}

/* A server fault: 500 with a generic code, the detail to the log. */
int
err_internal(struct req *r, const char *detail, ...)
{
	va_list	ap;

	if (r->err.status != 0)
		return -1;
	va_start(ap, detail);
	vsnprintf(r->err.detail, sizeof(r->err.detail), detail, ap);
	va_end(ap);
	log_err("%s", r->err.detail);
	r->err.status = 500;
	r->err.keys[0] = "server.internal_error";
	r->err.nkeys = 1;
	return -1;
}
