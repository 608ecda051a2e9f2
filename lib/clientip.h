/*
 * The client address of a request (authz.md §6), one rule for authz,
 * sessions, restrictions and activity logs.  Ours is stricter than Rails':
 *
 * 1. The peer is REMOTE_ADDR.  Unless the peer is a trusted proxy
 *    (cfg.trusted_proxies), it is the client and every header is ignored,
 *    so a client talking to us directly cannot choose its address.
 * 2. Behind a trusted peer, with cfg.gateway = akamai, a valid
 *    True-Client-IP header is the client.
 * 3. Else the X-Forwarded-For entries are read from right to left,
 *    skipping invalid entries and trusted proxies: the first other entry
 *    is the client; when every valid entry is a trusted proxy, the
 *    leftmost valid one is; when none is valid, the peer is.
 * 4. Client-IP is read the same way, but only when X-Forwarded-For is
 *    absent or blank (Rails instead answers a mismatch of the two with a
 *    500 "IP spoofing attack").
 *
 * cfg.trusted_proxies is a list of networks separated by commas or blanks;
 * the word "cloudflare" in it stands for Cloudflare's published ranges.
 */
#ifndef BARONG_CLIENTIP_H
#define BARONG_CLIENTIP_H

#include <stddef.h>

struct req;

/*
 * Parse cfg.trusted_proxies; call at start-up.  Returns 0, or -1 after
 * logging why the list is bad.  clientip_get() calls it on first use if
 * nobody did (and, should that fail, trusts no proxy).
 */
int		 clientip_start(void);
/* The same over any list, with the reason in err (--check-config, tests). */
int		 clientip_configure(const char *trusted, char *err,
		    size_t errlen);
/*
 * The client address of r in canonical text ("1.2.3.4", "2001:db8::1";
 * an IPv4-mapped address is given as IPv4), from r->a; "" when REMOTE_ADDR
 * is missing or not an address (a Unix socket without one).  The result
 * depends only on the request and the configuration, so repeated calls
 * agree.
 */
const char	*clientip_get(struct req *);
/* Whether address ip (text) is a trusted proxy.  0 for invalid text. */
int		 clientip_is_trusted(const char *ip);

#endif
