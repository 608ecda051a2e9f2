/*
 * What the libcurl clients (captcha, Twilio) share: initialising libcurl
 * once per process, and a bounded reply body in the request arena.
 */
#ifndef BARONG_CURLBODY_H
#define BARONG_CURLBODY_H

#include <stddef.h>

struct arena;

struct curl_body {
	char	*buf;		/* NUL-terminated once the transfer ends */
	size_t	 len;
	size_t	 max;
	int	 overflow;	/* the reply was longer than max */
};

/* curl_global_init once; 0, or -1 (logged). */
int	curl_body_global_init(void);
void	curl_body_init(struct curl_body *, struct arena *, size_t max);
/* CURLOPT_WRITEFUNCTION with CURLOPT_WRITEDATA a struct curl_body. */
size_t	curl_body_write(char *, size_t, size_t, void *);

#endif
