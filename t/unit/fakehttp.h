/*
 * A fake HTTP server for the unit tests of the HTTP clients (captcha,
 * SMS): a thread on an ephemeral port of 127.0.0.1 that reads one request
 * per connection (head and Content-Length body, up to 32 KiB) and hands
 * it to the test's function, which records it and answers.
 */
#ifndef BARONG_FAKEHTTP_H
#define BARONG_FAKEHTTP_H

#include <stddef.h>

struct fakehttp_req {
	const char	*head;		/* request line and headers */
	const char	*body;		/* NUL-terminated */
	char		 method[16];
	char		 target[2048];
};

typedef void	(*fakehttp_fn)(int fd, const struct fakehttp_req *);

/* Listen and serve with fn; returns the port (CUnit-fatal on failure). */
int		 fakehttp_start(fakehttp_fn fn);
void		 fakehttp_stop(void);
/* A header's value (first of the name, case-insensitive) into out. */
void		 fakehttp_header(const struct fakehttp_req *, const char *name,
		    char *out, size_t outlen);
/* Send all of p, giving up quietly on error (the client may be gone). */
void		 fakehttp_send(int fd, const void *p, size_t n);
/* "HTTP/1.1 <status> X" with this type, the length and Connection: close. */
void		 fakehttp_reply(int fd, int status, const char *ctype,
		    const void *body, size_t len);

#endif
