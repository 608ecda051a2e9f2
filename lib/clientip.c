/*
 * The client address of a request (see clientip.h for the rule).
 *
 * The trusted-proxy list is parsed once into process memory.  Nothing is
 * cached per request: the answer is a handful of inet_pton calls, and a
 * cache keyed by anything a request carries could hand one request's
 * address to the next.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cidr.h"
#include "clientip.h"
#include "conf.h"
#include "http.h"
#include "log.h"

/*
 * Cloudflare's published ranges (https://www.cloudflare.com/ips-v4 and
 * ips-v6), which Barong trusts through the cloudflare-rails gem.  Update
 * with the list; an operator can also spell the ranges out in the config.
 */
static const char *const cloudflare[] = {
	"173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22",
	"103.31.4.0/22", "141.101.64.0/18", "108.162.192.0/18",
	"190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22",
	"198.41.128.0/17", "162.158.0.0/15", "104.16.0.0/13",
	"104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
	"2400:cb00::/32", "2606:4700::/32", "2803:f800::/32",
	"2405:b500::/32", "2405:8100::/32", "2a06:98c0::/29",
	"2c0f:f248::/32",
	NULL
};

static const struct cidr_alias aliases[] = {
	{ "cloudflare", cloudflare },
	{ NULL, NULL }
};

static struct cidr_list	trusted;	/* malloc'd */
static int		started;

int
clientip_configure(const char *list, char *err, size_t errlen)
{
	struct cidr_list	l;

	if (cidr_list_parse(NULL, list, aliases, &l, err, errlen) == -1)
		return -1;
	cidr_list_free(&trusted);
	trusted = l;
	started = 1;
	return 0;
}

int
clientip_start(void)
{
	char	err[256];

	if (clientip_configure(cfg.trusted_proxies, err, sizeof(err)) == -1) {
		log_err("trusted_proxies: %s", err);
		return -1;
	}
	return 0;
}

static int
is_trusted(const struct cidr *c)
{
	if (!started && clientip_start() == -1)
		started = 1;	/* trust nobody rather than fail each time */
	return cidr_list_contains(&trusted, c);
}

int
clientip_is_trusted(const char *ip)
{
	struct cidr	c;

	if (cidr_parse_addr(ip, &c) == -1)
		return 0;
	return is_trusted(&c);
}

/* Parse s[0..n) with surrounding blanks removed. */
static int
parse_trimmed(const char *s, size_t n, struct cidr *c)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return cidr_parse_n(s, n, c);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

/*
 * The client from a comma-separated header: entries right to left, the
 * first valid untrusted one, else the leftmost valid one.  0 with *out
 * set, or -1 when no entry is valid.
 */
static int
from_list(const char *h, struct cidr *out)
{
	size_t		 end = strlen(h), start;
	struct cidr	 c;
	int		 found = 0;

	for (;;) {
		for (start = end; start > 0 && h[start - 1] != ','; start--)
			continue;
		if (parse_trimmed(h + start, end - start, &c) == 0) {
			if (!is_trusted(&c)) {
				*out = c;
				return 0;
			}
			*out = c;	/* leftmost valid so far */
			found = 1;
		}
		if (start == 0)
			break;
		end = start - 1;	/* the comma */
	}
	return found ? 0 : -1;
}

const char *
clientip_get(struct req *r)
{
	const char	*peer = http_remote_addr(r), *h;
	struct cidr	 c, client;
	char		 text[CIDR_STRLEN];

	if (r->client_ip != NULL)
		return r->client_ip;
	if (parse_trimmed(peer, strlen(peer), &c) == -1)
		return r->client_ip = "";
	client = c;
	if (is_trusted(&c)) {
		h = cfg.gateway != NULL && strcmp(cfg.gateway, "akamai") == 0 ?
		    http_header(r, "True-Client-IP") : NULL;
		if (h != NULL && parse_trimmed(h, strlen(h), &c) == 0)
			client = c;
		else if (!blank(h = http_header(r, "X-Forwarded-For"))) {
			if (from_list(h, &c) == 0)
				client = c;
		} else if (!blank(h = http_header(r, "Client-IP"))) {
			if (from_list(h, &c) == 0)
				client = c;
		}
	}
	if (cidr_format_addr(&client, text, sizeof(text)) == -1)
		return r->client_ip = "";
	return r->client_ip = arena_strdup(r->a, text);
}
