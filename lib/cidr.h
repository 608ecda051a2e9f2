/*
 * IPv4 and IPv6 addresses and networks (CIDR), parsed with inet_pton.
 *
 * An address is a network whose prefix is the full width: "1.2.3.4" is
 * 1.2.3.4/32, "::1" is ::1/128.  An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is stored as the IPv4 address a.b.c.d, and a mapped
 * network of prefix 96 or more (::ffff:10.0.0.0/104) as the IPv4 network
 * (10.0.0.0/8), so that the two spellings of one client compare equal.
 * Host bits under the prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8), as
 * Ruby's IPAddr does.  Zone ids ("fe80::1%eth0"), ports, brackets, leading
 * zeros in IPv4 octets or in a prefix length, signs and spaces are all
 * rejected; callers trim what they read from headers first.
 */
#ifndef BARONG_CIDR_H
#define BARONG_CIDR_H

#include <stddef.h>

struct arena;

/* Longest text cidr_format() writes: an IPv6 address, "/128" and NUL. */
#define CIDR_STRLEN	(46 + 4 + 1)

struct cidr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned	 bits;		/* prefix length: 0-32 or 0-128 */
	unsigned char	 addr[16];	/* network order; IPv4 in addr[0..3] */
};

/* A list of networks, e.g. cfg.trusted_proxies. */
struct cidr_list {
	struct cidr	*v;
	size_t		 n;
};

/* A name standing for a set of networks in a list ("cloudflare"). */
struct cidr_alias {
	const char		*name;
	const char *const	*cidrs;		/* NULL-terminated */
};

/* An address only (no "/bits").  0, or -1 when s is not one. */
int	cidr_parse_addr(const char *s, struct cidr *);
/* An address or a network "addr/bits".  0, or -1 when invalid. */
int	cidr_parse(const char *s, struct cidr *);
/* The same over s[0..len), which need not be NUL-terminated. */
int	cidr_parse_n(const char *s, size_t len, struct cidr *);

/*
 * Whether network net contains inner (an address, or a network whose
 * prefix is at least as long).  An IPv6 network contains an IPv4 address
 * when it contains the address's mapped form ::ffff:a.b.c.d (so ::/0
 * contains everything); an IPv4 network contains no IPv6 address.
 */
int	cidr_contains(const struct cidr *net, const struct cidr *inner);
/*
 * Whether a and b lie in one network of v4bits (IPv4) or v6bits (IPv6)
 * bits: the session binding of authz.md §3.2 #5 uses 16 and 96.  Two
 * addresses of different families are never in one network.
 */
int	cidr_same_network(const struct cidr *a, const struct cidr *b,
	    unsigned v4bits, unsigned v6bits);

/*
 * Text of the address alone (inet_ntop: "10.0.0.0", "2001:db8::"), or,
 * for cidr_format, "addr/bits" unless the prefix is the full width.
 * 0, or -1 if buf is too short (CIDR_STRLEN always suffices).
 */
int	cidr_format_addr(const struct cidr *, char *buf, size_t len);
int	cidr_format(const struct cidr *, char *buf, size_t len);

/*
 * Convenience over strings.  cidr_normalize writes the canonical text of
 * the address in s (lower-case, compressed, mapped IPv4 unwrapped) and
 * returns 0, or -1 if s is not an address.  cidr_match is 1 when address
 * ip lies in network net, 0 otherwise (including either being invalid).
 * cidr_same_network_str is cidr_same_network over two address strings,
 * 0 when either is invalid.
 */
int	cidr_normalize(const char *s, char *buf, size_t len);
int	cidr_match(const char *net, const char *ip);
int	cidr_same_network_str(const char *a, const char *b,
	    unsigned v4bits, unsigned v6bits);

/*
 * Parse a list of networks separated by commas and/or blanks, e.g.
 * "10.0.0.0/8, ::1/128 cloudflare".  A word equal (case-insensitively) to
 * an alias name stands for the alias's networks.  An empty or blank string
 * is an empty list.  The array comes from arena a, or from malloc when a
 * is NULL (release it with cidr_list_free).  Returns 0, or -1 with a
 * message in err naming the offending entry.
 */
int	cidr_list_parse(struct arena *a, const char *s,
	    const struct cidr_alias *aliases, struct cidr_list *,
	    char *err, size_t errlen);
void	cidr_list_free(struct cidr_list *);
/* Whether some network of the list contains the address (or network). */
int	cidr_list_contains(const struct cidr_list *, const struct cidr *);

#endif
