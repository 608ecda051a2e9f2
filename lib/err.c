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

void
model_err_add(struct model_err *m, const char *code)
{
	if (m->n < sizeof(m->codes) / sizeof(m->codes[0]))
		m->codes[m->n++] = code;
}

static size_t
attr_len(const char *code)
{
	const char	*dot = strchr(code, '.');

	return dot != NULL ? (size_t)(dot - code) : strlen(code);
}

int
model_err_flush(struct req *r, struct model_err *m, int status)
{
	size_t	i, j, k, n;

	if (m->n == 0)
		return 0;
	for (i = 0; i < m->n; i++) {
		n = attr_len(m->codes[i]);
		/* Skip an attribute already listed with an earlier code. */
		for (k = 0; k < i; k++)
			if (attr_len(m->codes[k]) == n &&
			    strncmp(m->codes[k], m->codes[i], n) == 0)
				break;
		if (k < i)
			continue;
		for (j = i; j < m->n; j++)
			if (attr_len(m->codes[j]) == n &&
			    strncmp(m->codes[j], m->codes[i], n) == 0)
				err_add_key(r, status, m->codes[j]);
	}
	m->n = 0;
	return -1;
}
