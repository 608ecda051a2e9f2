/*
 * IPv4/IPv6 addresses and networks (see cidr.h).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "cidr.h"

/* Longest input we look at: an IPv6 address with an IPv4 tail and /128. */
#define MAX_INPUT	64

static const unsigned char mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static unsigned
width(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Clear every bit after the first bits of addr (16 bytes). */
static void
mask(unsigned char *addr, unsigned bits, unsigned total)
{
	unsigned	i;

	for (i = bits; i < total; i++)
		addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
}

/* Whether the first bits of a and b are equal. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned	full = bits / 8, rest = bits % 8;
	unsigned char	m;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	m = (unsigned char)(0xff00u >> rest);
	return (a[full] & m) == (b[full] & m);
}

/* A prefix length: 1-3 decimal digits, no sign, no leading zero. */
static int
parse_bits(const char *s, unsigned max, unsigned *out)
{
	unsigned	v = 0;
	size_t		i, n = strlen(s);

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
cidr_parse_n(const char *s, size_t len, struct cidr *c)
{
	char		 buf[MAX_INPUT + 1], *slash;
	unsigned char	 a6[16];
	unsigned	 bits = 0;
	int		 has_bits;

	if (len == 0 || len > MAX_INPUT || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	has_bits = slash != NULL;

	memset(c, 0, sizeof(*c));
	if (strchr(buf, ':') == NULL) {
		if (inet_pton(AF_INET, buf, c->addr) != 1)
			return -1;
		c->family = AF_INET;
		if (has_bits && parse_bits(slash, 32, &bits) == -1)
			return -1;
		c->bits = has_bits ? bits : 32;
	} else {
		if (inet_pton(AF_INET6, buf, a6) != 1)
			return -1;
		if (has_bits && parse_bits(slash, 128, &bits) == -1)
			return -1;
		if (!has_bits)
			bits = 128;
		if (memcmp(a6, mapped_prefix, sizeof(mapped_prefix)) == 0 &&
		    bits >= 96) {
			/* ::ffff:a.b.c.d/n is the IPv4 network a.b.c.d/n-96. */
			c->family = AF_INET;
			memcpy(c->addr, a6 + 12, 4);
			c->bits = bits - 96;
		} else {
			c->family = AF_INET6;
			memcpy(c->addr, a6, 16);
			c->bits = bits;
		}
	}
	mask(c->addr, c->bits, width(c->family));
	return 0;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	return s == NULL ? -1 : cidr_parse_n(s, strlen(s), c);
}

int
cidr_parse_addr(const char *s, struct cidr *c)
{
	if (s == NULL || strchr(s, '/') != NULL)
		return -1;
	return cidr_parse_n(s, strlen(s), c);
}

int
cidr_contains(const struct cidr *net, const struct cidr *inner)
{
	struct cidr	m;

	if (net->family == AF_INET6 && inner->family == AF_INET) {
		/* Compare with the mapped form ::ffff:a.b.c.d. */
		memset(&m, 0, sizeof(m));
		m.family = AF_INET6;
		memcpy(m.addr, mapped_prefix, sizeof(mapped_prefix));
		memcpy(m.addr + 12, inner->addr, 4);
		m.bits = inner->bits + 96;
		inner = &m;
	}
	if (net->family != inner->family || inner->bits < net->bits)
		return 0;
	return prefix_equal(net->addr, inner->addr, net->bits);
}

int
cidr_same_network(const struct cidr *a, const struct cidr *b,
    unsigned v4bits, unsigned v6bits)
{
	unsigned	bits;

	if (a->family != b->family)
		return 0;
	bits = a->family == AF_INET ? v4bits : v6bits;
	if (bits > width(a->family))
		bits = width(a->family);
	return prefix_equal(a->addr, b->addr, bits);
}

int
cidr_format_addr(const struct cidr *c, char *buf, size_t len)
{
	char	tmp[INET6_ADDRSTRLEN];
	int	n;

	if (inet_ntop(c->family, c->addr, tmp, sizeof(tmp)) == NULL)
		return -1;
	n = snprintf(buf, len, "%s", tmp);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char	tmp[INET6_ADDRSTRLEN];
	int	n;

	if (inet_ntop(c->family, c->addr, tmp, sizeof(tmp)) == NULL)
		return -1;
	if (c->bits == width(c->family))
		n = snprintf(buf, len, "%s", tmp);
	else
		n = snprintf(buf, len, "%s/%u", tmp, c->bits);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
cidr_normalize(const char *s, char *buf, size_t len)
{
	struct cidr	c;

	if (cidr_parse_addr(s, &c) == -1)
		return -1;
	return cidr_format_addr(&c, buf, len);
}

int
cidr_match(const char *net, const char *ip)
{
	struct cidr	n, a;

	if (cidr_parse(net, &n) == -1 || cidr_parse_addr(ip, &a) == -1)
		return 0;
	return cidr_contains(&n, &a);
}

int
cidr_same_network_str(const char *a, const char *b, unsigned v4bits,
    unsigned v6bits)
{
	struct cidr	ca, cb;

	if (cidr_parse_addr(a, &ca) == -1 || cidr_parse_addr(b, &cb) == -1)
		return 0;
	return cidr_same_network(&ca, &cb, v4bits, v6bits);
}

/* ---------------------------------------------------------------- lists */

#define SEPARATORS	", \t\r\n"

static const struct cidr_alias *
find_alias(const struct cidr_alias *aliases, const char *w, size_t n)
{
	for (; aliases != NULL && aliases->name != NULL; aliases++)
		if (strlen(aliases->name) == n &&
		    strncasecmp(aliases->name, w, n) == 0)
			return aliases;
	return NULL;
}

/*
 * One pass over the words of s: count the networks (out == NULL) or store
 * them into out.  Returns the count, or -1 with err set.
 */
static long
list_pass(const char *s, const struct cidr_alias *aliases, struct cidr *out,
    char *err, size_t errlen)
{
	const struct cidr_alias	*al;
	const char		*w;
	struct cidr		 c;
	size_t			 n, i;
	long			 count = 0;

	for (w = s; *w != '\0'; w += n) {
		w += strspn(w, SEPARATORS);
		if ((n = strcspn(w, SEPARATORS)) == 0)
			break;
		if ((al = find_alias(aliases, w, n)) != NULL) {
			for (i = 0; al->cidrs[i] != NULL; i++) {
				if (cidr_parse(al->cidrs[i], &c) == -1) {
					snprintf(err, errlen, "%s: invalid "
					    "network \"%s\"", al->name,
					    al->cidrs[i]);
					return -1;
				}
				if (out != NULL)
					out[count] = c;
				count++;
			}
			continue;
		}
		if (cidr_parse_n(w, n, &c) == -1) {
			snprintf(err, errlen, "invalid address or network "
			    "\"%.*s\"", n > 64 ? 64 : (int)n, w);
			return -1;
		}
		if (out != NULL)
			out[count] = c;
		count++;
	}
	return count;
}

int
cidr_list_parse(struct arena *a, const char *s,
    const struct cidr_alias *aliases, struct cidr_list *l, char *err,
    size_t errlen)
{
	long	n;

	l->v = NULL;
	l->n = 0;
	if (s == NULL)
		s = "";
	if ((n = list_pass(s, aliases, NULL, err, errlen)) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (a != NULL)
		l->v = arena_alloc(a, (size_t)n * sizeof(*l->v));
	else if ((l->v = calloc((size_t)n, sizeof(*l->v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->n = (size_t)list_pass(s, aliases, l->v, err, errlen);
	return 0;
}

void
cidr_list_free(struct cidr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
cidr_list_contains(const struct cidr_list *l, const struct cidr *c)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (cidr_contains(&l->v[i], c))
			return 1;
	return 0;
}
