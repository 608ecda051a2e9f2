/*
 * lib/cidr.c: addresses and networks at their edges.  Every prefix length
 * of both families is tried with the first and last address inside the
 * network and the neighbours just outside; the private ranges of the
 * trusted-proxy default are checked at their boundaries; mapped addresses,
 * the session-binding networks, lists and a catalogue of bad inputs.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cidr.h"
#include "unit.h"

/* The canonical text of an address, or "-" when it does not parse. */
static const char *
norm(const char *s)
{
	static char	buf[CIDR_STRLEN];

	if (cidr_normalize(s, buf, sizeof(buf)) == -1)
		return "-";
	return buf;
}

/* The canonical text of a network, or "-" when it does not parse. */
static const char *
net(const char *s)
{
	static char	buf[CIDR_STRLEN];
	struct cidr	c;

	if (cidr_parse(s, &c) == -1 || cidr_format(&c, buf, sizeof(buf)) == -1)
		return "-";
	return buf;
}

static void
test_ipv4_addresses(void)
{
	struct cidr	c;

	CU_ASSERT_STRING_EQUAL(norm("1.2.3.4"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(norm("0.0.0.0"), "0.0.0.0");
	CU_ASSERT_STRING_EQUAL(norm("255.255.255.255"), "255.255.255.255");
	CU_ASSERT_EQUAL(cidr_parse_addr("10.20.30.40", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET);
	CU_ASSERT_EQUAL(c.bits, 32);
	CU_ASSERT_EQUAL(c.addr[0], 10);
	CU_ASSERT_EQUAL(c.addr[3], 40);
	CU_ASSERT_EQUAL(c.addr[4], 0);
}

static void
test_ipv6_addresses(void)
{
	struct cidr	c;

	CU_ASSERT_STRING_EQUAL(norm("::1"), "::1");
	CU_ASSERT_STRING_EQUAL(norm("::"), "::");
	CU_ASSERT_STRING_EQUAL(norm("0:0:0:0:0:0:0:1"), "::1");
	CU_ASSERT_STRING_EQUAL(norm("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
	CU_ASSERT_STRING_EQUAL(norm("2001:0db8:0000:0000:0001:0000:0000:0001"),
	    "2001:db8::1:0:0:1");
	CU_ASSERT_STRING_EQUAL(norm("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF"),
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	CU_ASSERT_STRING_EQUAL(norm("fe80::1:2:3:4"), "fe80::1:2:3:4");
	CU_ASSERT_EQUAL(cidr_parse_addr("::1", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET6);
	CU_ASSERT_EQUAL(c.bits, 128);
	CU_ASSERT_EQUAL(c.addr[15], 1);
}

/* IPv4-mapped addresses and networks become IPv4; compatible ones do not. */
static void
test_mapped(void)
{
	struct cidr	c, a;

	CU_ASSERT_STRING_EQUAL(norm("::ffff:1.2.3.4"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(norm("::FFFF:1.2.3.4"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(norm("::ffff:7f00:1"), "127.0.0.1");
	CU_ASSERT_STRING_EQUAL(norm("0:0:0:0:0:ffff:a00:1"), "10.0.0.1");
	CU_ASSERT_EQUAL(cidr_parse_addr("::ffff:1.2.3.4", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET);
	CU_ASSERT_EQUAL(c.bits, 32);
	/* Deprecated IPv4-compatible ::a.b.c.d stays IPv6. */
	CU_ASSERT_EQUAL(cidr_parse_addr("::1.2.3.4", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET6);
	/* Almost mapped: ::fffe:... and 1::ffff:... are plain IPv6. */
	CU_ASSERT_EQUAL(cidr_parse_addr("::fffe:1.2.3.4", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET6);
	CU_ASSERT_EQUAL(cidr_parse_addr("1::ffff:1.2.3.4", &c), 0);
	CU_ASSERT_EQUAL(c.family, AF_INET6);

	/* Mapped networks of prefix >= 96 are IPv4 networks. */
	CU_ASSERT_STRING_EQUAL(net("::ffff:10.0.0.0/104"), "10.0.0.0/8");
	CU_ASSERT_STRING_EQUAL(net("::ffff:0:0/96"), "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(net("::ffff:1.2.3.4/128"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(net("::ffff:0:0/95"), "::fffe:0:0/95");
	CU_ASSERT(cidr_match("::ffff:10.0.0.0/104", "10.9.8.7"));
	CU_ASSERT(cidr_match("::ffff:10.0.0.0/104", "::ffff:10.9.8.7"));
	CU_ASSERT(!cidr_match("::ffff:10.0.0.0/104", "11.0.0.0"));
	CU_ASSERT(cidr_match("10.0.0.0/8", "::ffff:10.1.2.3"));

	/* An IPv6 network holds an IPv4 address through its mapped form. */
	CU_ASSERT(cidr_match("::/0", "1.2.3.4"));
	CU_ASSERT(cidr_match("::/0", "::1"));
	CU_ASSERT(cidr_match("::ffff:0:0/95", "1.2.3.4"));
	CU_ASSERT(cidr_match("::ff00:0:0/88", "1.2.3.4"));
	CU_ASSERT(!cidr_match("2001:db8::/32", "1.2.3.4"));
	CU_ASSERT(!cidr_match("::/96", "1.2.3.4"));
	CU_ASSERT(!cidr_match("0.0.0.0/0", "::1"));
	CU_ASSERT(!cidr_match("0.0.0.0/0", "2001:db8::1"));
	CU_ASSERT_EQUAL(cidr_parse("::/0", &c), 0);
	CU_ASSERT_EQUAL(cidr_parse("10.0.0.0/8", &a), 0);
	CU_ASSERT(cidr_contains(&c, &a));
	CU_ASSERT(!cidr_contains(&a, &c));
}

static void
test_bad_inputs(void)
{
	static const char *const bad[] = {
		"", " ", "x", "1", "1.2", "1.2.3", "1.2.3.4.5", "1.2.3.",
		".1.2.3", "1..2.3", "256.1.1.1", "1.2.3.256", "1.2.3.-1",
		"01.2.3.4", "1.2.3.04", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\n",
		"0x1.2.3.4", "1.2.3.4:80", "1.2.3.4/32", "1.2.3.4/",
		"::1/128", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3",
		"12345::1", "g::1", "[::1]", "[::1]:80", "fe80::1%eth0",
		"::ffff:1.2.3", "::ffff:256.1.1.1", "1.2.3.4%", "localhost",
		"1.2.3.4,5.6.7.8", "2001:db8::1 ", "\t::1",
		"0000000000000000000000000000000000000000000000000000000000000"
		    "00000000000000",
		NULL
	};
	struct cidr	c;
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (cidr_parse_addr(bad[i], &c) != -1)
			fprintf(stderr, "accepted address \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(cidr_parse_addr(bad[i], &c), -1);
	}
	CU_ASSERT_EQUAL(cidr_parse_addr(NULL, &c), -1);
	CU_ASSERT_EQUAL(cidr_parse(NULL, &c), -1);
	/* An embedded NUL inside the given length. */
	CU_ASSERT_EQUAL(cidr_parse_n("1.2.3.4\0", 8, &c), -1);
	CU_ASSERT_EQUAL(cidr_parse_n("1.2.3.4xyz", 7, &c), 0);
	CU_ASSERT_EQUAL(cidr_parse_n("1.2.3.4", 0, &c), -1);
}

static void
test_bad_networks(void)
{
	static const char *const bad[] = {
		"1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/+8", "1.2.3.4/08",
		"1.2.3.4/ 8", "1.2.3.4/8 ", "1.2.3.4//8", "1.2.3.4/8/8",
		"1.2.3.4/x", "1.2.3.4/1000", "1.2.3.4/0x8", "/8", "/",
		"::/129", "::/1280", "::/-0", "::/01", "::1/", "fe80::/10%x",
		"10.0.0.0/255.0.0.0", "::ffff:1.2.3.4/129", NULL
	};
	struct cidr	c;
	size_t		i;

	for (i = 0; bad[i] != NULL; i++) {
		if (cidr_parse(bad[i], &c) != -1)
			fprintf(stderr, "accepted network \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(cidr_parse(bad[i], &c), -1);
	}
}

static void
test_prefixes(void)
{
	struct cidr	c;

	CU_ASSERT_STRING_EQUAL(net("0.0.0.0/0"), "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(net("1.2.3.4/0"), "0.0.0.0/0");
	CU_ASSERT_STRING_EQUAL(net("1.2.3.4/32"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(net("1.2.3.4"), "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(net("10.1.2.3/8"), "10.0.0.0/8");
	CU_ASSERT_STRING_EQUAL(net("172.31.255.255/12"), "172.16.0.0/12");
	CU_ASSERT_STRING_EQUAL(net("192.168.1.129/25"), "192.168.1.128/25");
	CU_ASSERT_STRING_EQUAL(net("255.255.255.255/31"),
	    "255.255.255.254/31");
	CU_ASSERT_STRING_EQUAL(net("::/0"), "::/0");
	CU_ASSERT_STRING_EQUAL(net("ffff::1/0"), "::/0");
	CU_ASSERT_STRING_EQUAL(net("::1/128"), "::1");
	CU_ASSERT_STRING_EQUAL(net("fdff::1/7"), "fc00::/7");
	CU_ASSERT_STRING_EQUAL(net("2001:db8:abcd:1234::1/48"),
	    "2001:db8:abcd::/48");
	CU_ASSERT_STRING_EQUAL(net("2001:db8::ffff/127"), "2001:db8::fffe/127");
	CU_ASSERT_EQUAL(cidr_parse("10.0.0.0/8", &c), 0);
	CU_ASSERT_EQUAL(c.bits, 8);
	CU_ASSERT_EQUAL(cidr_parse("::/0", &c), 0);
	CU_ASSERT_EQUAL(c.bits, 0);
	CU_ASSERT_EQUAL(c.family, AF_INET6);
	/* cidr_parse_addr refuses any prefix, even the full width. */
	CU_ASSERT_EQUAL(cidr_parse_addr("1.2.3.4/32", &c), -1);
}

static void
v4(struct cidr *c, uint32_t a, unsigned bits)
{
	memset(c, 0, sizeof(*c));
	c->family = AF_INET;
	c->bits = bits;
	c->addr[0] = (unsigned char)(a >> 24);
	c->addr[1] = (unsigned char)(a >> 16);
	c->addr[2] = (unsigned char)(a >> 8);
	c->addr[3] = (unsigned char)a;
}

/*
 * Every IPv4 prefix length, through the text interface: the network's
 * first and last addresses are inside, the addresses just before and
 * after it are not.
 */
static void
test_every_ipv4_prefix(void)
{
	const uint32_t	 base = 0xc0a87b2d;	/* 192.168.123.45 */
	struct cidr	 n, a;
	char		 text[CIDR_STRLEN], ip[CIDR_STRLEN];
	uint32_t	 lo, hi, m;
	unsigned	 bits;

	for (bits = 0; bits <= 32; bits++) {
		m = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
		lo = base & m;
		hi = lo | ~m;
		snprintf(text, sizeof(text), "192.168.123.45/%u", bits);
		CU_ASSERT_EQUAL_FATAL(cidr_parse(text, &n), 0);
		CU_ASSERT_EQUAL(n.bits, bits);
		v4(&a, lo, 32);
		cidr_format_addr(&a, ip, sizeof(ip));
		CU_ASSERT(cidr_match(text, ip));
		CU_ASSERT(cidr_contains(&n, &a));
		v4(&a, hi, 32);
		CU_ASSERT(cidr_contains(&n, &a));
		v4(&a, base, 32);
		CU_ASSERT(cidr_contains(&n, &a));
		if (lo > 0) {
			v4(&a, lo - 1, 32);
			cidr_format_addr(&a, ip, sizeof(ip));
			CU_ASSERT(!cidr_match(text, ip));
			CU_ASSERT(!cidr_contains(&n, &a));
		}
		if (hi < 0xffffffffu) {
			v4(&a, hi + 1, 32);
			CU_ASSERT(!cidr_contains(&n, &a));
		}
		/* Sub-networks are inside, super-networks are not. */
		if (bits < 32) {
			v4(&a, lo, bits + 1);
			CU_ASSERT(cidr_contains(&n, &a));
		}
		if (bits > 0) {
			v4(&a, lo & (m << 1), bits - 1);
			CU_ASSERT(!cidr_contains(&n, &a));
		}
		/* The network is its own member. */
		CU_ASSERT(cidr_contains(&n, &n));
	}
}

static void
add_one(unsigned char *a, int delta)
{
	int	i;

	for (i = 15; i >= 0; i--) {
		if (delta > 0) {
			if (++a[i] != 0)
				return;
		} else {
			if (a[i]-- != 0)
				return;
		}
	}
}

static void
test_every_ipv6_prefix(void)
{
	struct cidr	 n, a;
	unsigned char	 lo[16], hi[16], zero[16], ones[16];
	char		 text[CIDR_STRLEN], ip[CIDR_STRLEN];
	unsigned	 bits, i;

	memset(zero, 0, sizeof(zero));
	memset(ones, 0xff, sizeof(ones));
	for (bits = 0; bits <= 128; bits++) {
		snprintf(text, sizeof(text),
		    "2001:db8:85a3:8d3:1319:8a2e:370:7348/%u", bits);
		CU_ASSERT_EQUAL_FATAL(cidr_parse(text, &n), 0);
		CU_ASSERT_EQUAL(n.family, AF_INET6);
		CU_ASSERT_EQUAL(n.bits, bits);
		memcpy(lo, n.addr, 16);
		memcpy(hi, n.addr, 16);
		for (i = bits; i < 128; i++)
			hi[i / 8] |= (unsigned char)(0x80u >> (i % 8));
		memset(&a, 0, sizeof(a));
		a.family = AF_INET6;
		a.bits = 128;
		memcpy(a.addr, lo, 16);
		CU_ASSERT(cidr_contains(&n, &a));
		cidr_format_addr(&a, ip, sizeof(ip));
		CU_ASSERT(cidr_match(text, ip));
		memcpy(a.addr, hi, 16);
		CU_ASSERT(cidr_contains(&n, &a));
		if (memcmp(lo, zero, 16) != 0) {
			memcpy(a.addr, lo, 16);
			add_one(a.addr, -1);
			CU_ASSERT(!cidr_contains(&n, &a));
			cidr_format_addr(&a, ip, sizeof(ip));
			CU_ASSERT(!cidr_match(text, ip));
		}
		if (memcmp(hi, ones, 16) != 0) {
			memcpy(a.addr, hi, 16);
			add_one(a.addr, 1);
			CU_ASSERT(!cidr_contains(&n, &a));
		}
		CU_ASSERT(cidr_contains(&n, &n));
	}
}

/* The default trusted proxies, at the edges of each range. */
static void
test_private_ranges(void)
{
	static const struct {
		const char	*net, *ip;
		int		 in;
	} cases[] = {
		{ "127.0.0.0/8", "126.255.255.255", 0 },
		{ "127.0.0.0/8", "127.0.0.0", 1 },
		{ "127.0.0.0/8", "127.0.0.1", 1 },
		{ "127.0.0.0/8", "127.255.255.255", 1 },
		{ "127.0.0.0/8", "128.0.0.0", 0 },
		{ "10.0.0.0/8", "9.255.255.255", 0 },
		{ "10.0.0.0/8", "10.0.0.0", 1 },
		{ "10.0.0.0/8", "10.255.255.255", 1 },
		{ "10.0.0.0/8", "11.0.0.0", 0 },
		{ "172.16.0.0/12", "172.15.255.255", 0 },
		{ "172.16.0.0/12", "172.16.0.0", 1 },
		{ "172.16.0.0/12", "172.20.1.1", 1 },
		{ "172.16.0.0/12", "172.31.255.255", 1 },
		{ "172.16.0.0/12", "172.32.0.0", 0 },
		{ "192.168.0.0/16", "192.167.255.255", 0 },
		{ "192.168.0.0/16", "192.168.0.0", 1 },
		{ "192.168.0.0/16", "192.168.255.255", 1 },
		{ "192.168.0.0/16", "192.169.0.0", 0 },
		{ "::1/128", "::1", 1 },
		{ "::1/128", "::", 0 },
		{ "::1/128", "::2", 0 },
		{ "::1/128", "127.0.0.1", 0 },
		{ "fc00::/7", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
		{ "fc00::/7", "fc00::", 1 },
		{ "fc00::/7", "fd12:3456::1", 1 },
		{ "fc00::/7", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
		{ "fc00::/7", "fe00::", 0 },
		{ "fc00::/7", "fe80::1", 0 },
		{ "0.0.0.0/0", "0.0.0.0", 1 },
		{ "0.0.0.0/0", "255.255.255.255", 1 },
		{ "1.2.3.4/32", "1.2.3.4", 1 },
		{ "1.2.3.4/32", "1.2.3.5", 0 },
		{ "1.2.3.4/32", "1.2.3.3", 0 },
		{ "1.2.3.4", "1.2.3.4", 1 },
		{ "bad", "1.2.3.4", 0 },
		{ "1.2.3.4/32", "bad", 0 },
		{ "1.2.3.0/24", "1.2.3.0/25", 0 },	/* not an address */
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cidr_match(cases[i].net, cases[i].ip) != cases[i].in)
			fprintf(stderr, "%s in %s: expected %d\n",
			    cases[i].ip, cases[i].net, cases[i].in);
		CU_ASSERT_EQUAL(cidr_match(cases[i].net, cases[i].ip),
		    cases[i].in);
	}
}

/* Session binding: /16 for IPv4, /96 for IPv6 (authz.md §3.2 #5). */
static void
test_same_network(void)
{
	static const struct {
		const char	*a, *b;
		int		 same;
	} cases[] = {
		{ "1.2.3.4", "1.2.3.4", 1 },
		{ "1.2.3.4", "1.2.0.0", 1 },
		{ "1.2.3.4", "1.2.255.255", 1 },
		{ "1.2.3.4", "1.3.0.0", 0 },
		{ "1.2.3.4", "1.1.255.255", 0 },
		{ "1.2.3.4", "::ffff:1.2.200.1", 1 },
		{ "1.2.3.4", "::1.2.3.4", 0 },
		{ "2001:db8::1", "2001:db8::ffff:ffff", 1 },
		{ "2001:db8::1", "2001:db8::1:0:0", 0 },
		{ "2001:db8::1", "2001:db8:0:0:0:0:abcd:1", 1 },
		{ "2001:db8::1", "2001:db9::1", 0 },
		{ "::1", "::1", 1 },
		{ "::1", "127.0.0.1", 0 },
		{ "", "1.2.3.4", 0 },
		{ "1.2.3.4", "junk", 0 },
	};
	struct cidr	a, b;
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(cidr_same_network_str(cases[i].a, cases[i].b,
		    16, 96), cases[i].same);
	/* Bounds beyond the width mean the whole address; 0 means all. */
	cidr_parse_addr("1.2.3.4", &a);
	cidr_parse_addr("1.2.3.5", &b);
	CU_ASSERT(!cidr_same_network(&a, &b, 200, 200));
	CU_ASSERT(cidr_same_network(&a, &b, 31, 0));
	CU_ASSERT(!cidr_same_network(&a, &b, 32, 0));
	CU_ASSERT(cidr_same_network(&a, &b, 0, 0));
	cidr_parse_addr("::1", &b);
	CU_ASSERT(!cidr_same_network(&a, &b, 0, 0));
}

static void
test_format(void)
{
	struct cidr	c;
	char		small[8], buf[CIDR_STRLEN];

	CU_ASSERT_EQUAL(cidr_parse("2001:db8::/32", &c), 0);
	CU_ASSERT_EQUAL(cidr_format(&c, small, sizeof(small)), -1);
	CU_ASSERT_EQUAL(cidr_format(&c, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2001:db8::/32");
	CU_ASSERT_EQUAL(cidr_format_addr(&c, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "2001:db8::");
	CU_ASSERT_EQUAL(cidr_format_addr(&c, buf, 10), -1);
	CU_ASSERT_EQUAL(cidr_parse(
	    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/127", &c), 0);
	CU_ASSERT_EQUAL(cidr_format(&c, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	CU_ASSERT_EQUAL(cidr_normalize("1.2.3.4", small, 7), -1);
	CU_ASSERT_EQUAL(cidr_normalize("1.2.3.4", small, 8), 0);
}

static const char *const test_alias_nets[] = { "203.0.113.0/24",
	"2001:db8:cf::/48", NULL };
static const char *const bad_alias_nets[] = { "203.0.113.0/33", NULL };
static const struct cidr_alias aliases[] = {
	{ "edge", test_alias_nets },
	{ "broken", bad_alias_nets },
	{ NULL, NULL }
};

static void
test_lists(void)
{
	struct arena		*a = arena_new(0);
	struct cidr_list	 l;
	struct cidr		 c;
	char			 err[128];

	CU_ASSERT_EQUAL(cidr_list_parse(a, "127.0.0.0/8, ::1/128, "
	    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7", NULL, &l,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 6);
	cidr_parse_addr("172.20.0.1", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_parse_addr("172.32.0.1", &c);
	CU_ASSERT(!cidr_list_contains(&l, &c));
	cidr_parse_addr("fd00::5", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_parse_addr("::ffff:192.168.7.7", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_parse_addr("8.8.8.8", &c);
	CU_ASSERT(!cidr_list_contains(&l, &c));

	/* Blanks, tabs, repeated separators; an alias in any case. */
	CU_ASSERT_EQUAL(cidr_list_parse(a, "  1.2.3.4\t,,EDGE  ::1 ,",
	    aliases, &l, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 4);
	cidr_parse_addr("203.0.113.77", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_parse_addr("2001:db8:cf:1::1", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_parse_addr("2001:db8:ce::1", &c);
	CU_ASSERT(!cidr_list_contains(&l, &c));

	/* Empty lists contain nothing. */
	CU_ASSERT_EQUAL(cidr_list_parse(a, "", NULL, &l, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT(!cidr_list_contains(&l, &c));
	CU_ASSERT_EQUAL(cidr_list_parse(a, " , ", NULL, &l, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_EQUAL(cidr_list_parse(a, NULL, NULL, &l, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 0);

	/* Errors name the entry. */
	CU_ASSERT_EQUAL(cidr_list_parse(a, "10.0.0.0/8, 10.0.0.0/33", NULL,
	    &l, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "10.0.0.0/33"));
	CU_ASSERT_EQUAL(cidr_list_parse(a, "edge", NULL, &l, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\"edge\""));
	CU_ASSERT_EQUAL(cidr_list_parse(a, "10.0.0.0/8 broken", aliases, &l,
	    err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "broken"));
	CU_ASSERT_EQUAL(cidr_list_parse(a, "10.0.0.0/8;192.168.0.0/16", NULL,
	    &l, err, sizeof(err)), -1);

	/* malloc mode. */
	CU_ASSERT_EQUAL(cidr_list_parse(NULL, "edge 10.0.0.0/8", aliases, &l,
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 3);
	cidr_parse_addr("10.1.1.1", &c);
	CU_ASSERT(cidr_list_contains(&l, &c));
	cidr_list_free(&l);
	CU_ASSERT_EQUAL(l.n, 0);
	CU_ASSERT_PTR_NULL(l.v);
	cidr_list_free(&l);
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "IPv4 addresses", test_ipv4_addresses },
	{ "IPv6 addresses", test_ipv6_addresses },
	{ "IPv4-mapped addresses and networks", test_mapped },
	{ "bad addresses", test_bad_inputs },
	{ "bad networks", test_bad_networks },
	{ "prefixes and host bits", test_prefixes },
	{ "every IPv4 prefix length", test_every_ipv4_prefix },
	{ "every IPv6 prefix length", test_every_ipv6_prefix },
	{ "private ranges at their edges", test_private_ranges },
	{ "session binding networks", test_same_network },
	{ "formatting", test_format },
	{ "lists and aliases", test_lists },
	{ NULL, NULL }
};

UNIT_MAIN("cidr", tests)
