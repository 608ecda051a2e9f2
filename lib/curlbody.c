/*
 * Bounded libcurl reply bodies: see curlbody.h.
 */
#include "config.h"

#include <string.h>

#include <curl/curl.h>

#include "arena.h"
#include "curlbody.h"
#include "log.h"

int
curl_body_global_init(void)
{
	static int	ready;

	if (ready)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("could not initialise libcurl");
		return -1;
	}
	ready = 1;
	return 0;
}

void
curl_body_init(struct curl_body *b, struct arena *a, size_t max)
{
	b->buf = arena_alloc(a, max + 1);
	b->buf[0] = '\0';
	b->len = 0;
	b->max = max;
	b->overflow = 0;
}

size_t
curl_body_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct curl_body	*b = arg;
	size_t			 n = size * nmemb;

	if (n > b->max - b->len) {
		b->overflow = 1;
		return 0;	/* makes curl stop with a write error */
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}
