/*
 * lib/clientip.c: the client address from hand-built requests, one table
 * row per rule: direct clients (whose headers are ignored, however they
 * try), proxies in the default list, chains of proxies, Client-IP,
 * Akamai's True-Client-IP, Cloudflare's ranges, mapped addresses and
 * junk.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "clientip.h"
#include "conf.h"
#include "http.h"
#include "unit.h"

struct ipcase {
	const char	*peer;		/* REMOTE_ADDR, NULL: absent */
	const char	*xff;		/* X-Forwarded-For */
	const char	*cip;		/* Client-IP */
	const char	*tci;		/* True-Client-IP */
	const char	*want;
};

static const char *
client_of(struct arena *a, const struct ipcase *c)
{
	struct req	 r;
	const char	**env;
	size_t		 n = 0;

	env = arena_alloc(a, 6 * sizeof(*env));
	if (c->peer != NULL)
		env[n++] = arena_printf(a, "REMOTE_ADDR=%s", c->peer);
	if (c->xff != NULL)
		env[n++] = arena_printf(a, "HTTP_X_FORWARDED_FOR=%s", c->xff);
	if (c->cip != NULL)
		env[n++] = arena_printf(a, "HTTP_CLIENT_IP=%s", c->cip);
	if (c->tci != NULL)
		env[n++] = arena_printf(a, "HTTP_TRUE_CLIENT_IP=%s", c->tci);
	env[n++] = "REQUEST_METHOD=GET";
	env[n] = NULL;
	http_init(&r, a);
	r.env = env;
	return clientip_get(&r);
}

static void
run(const struct ipcase *cases, size_t n)
{
	struct arena	*a = arena_new(0);
	const char	*got;
	size_t		 i;

	for (i = 0; i < n; i++) {
		got = client_of(a, &cases[i]);
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "case %zu: peer %s xff %s cip %s "
			    "tci %s: got \"%s\", want \"%s\"\n", i,
			    cases[i].peer ? cases[i].peer : "-",
			    cases[i].xff ? cases[i].xff : "-",
			    cases[i].cip ? cases[i].cip : "-",
			    cases[i].tci ? cases[i].tci : "-", got,
			    cases[i].want);
		CU_ASSERT_STRING_EQUAL(got, cases[i].want);
	}
	arena_free(a);
}

#define RUN(t)	run((t), sizeof(t) / sizeof((t)[0]))

static void
setup(const char *trusted, const char *gateway)
{
	char	err[256];

	conf_defaults();
	if (trusted != NULL)
		CU_ASSERT_EQUAL_FATAL(conf_set("trusted_proxies", trusted, err,
		    sizeof(err)), 0);
	if (gateway != NULL)
		CU_ASSERT_EQUAL_FATAL(conf_set("gateway", gateway, err,
		    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(clientip_start(), 0);
}

/* An untrusted peer is the client: headers are ignored (spoofing). */
static void
test_direct(void)
{
	static const struct ipcase cases[] = {
		{ "8.8.8.8", NULL, NULL, NULL, "8.8.8.8" },
		{ "8.8.8.8", "1.2.3.4", NULL, NULL, "8.8.8.8" },
		{ "8.8.8.8", "1.2.3.4, 5.6.7.8", NULL, NULL, "8.8.8.8" },
		{ "8.8.8.8", "127.0.0.1", NULL, NULL, "8.8.8.8" },
		{ "8.8.8.8", NULL, "1.2.3.4", NULL, "8.8.8.8" },
		{ "8.8.8.8", NULL, NULL, "1.2.3.4", "8.8.8.8" },
		{ "8.8.8.8", "10.0.0.1", "10.0.0.2", "10.0.0.3", "8.8.8.8" },
		{ "2001:db8::1", "1.2.3.4", NULL, NULL, "2001:db8::1" },
		{ "2001:DB8:0::1", NULL, NULL, NULL, "2001:db8::1" },
		{ "::ffff:8.8.4.4", "1.2.3.4", NULL, NULL, "8.8.4.4" },
		/* No usable peer: nothing to report. */
		{ NULL, "1.2.3.4", NULL, NULL, "" },
		{ "", "1.2.3.4", NULL, NULL, "" },
		{ "unix:/run/x.sock", "1.2.3.4", NULL, NULL, "" },
		{ "1.2.3.4:5678", "1.2.3.4", NULL, NULL, "" },
	};

	setup(NULL, NULL);
	RUN(cases);
}

/* Behind trusted proxies (the default list): X-Forwarded-For. */
static void
test_forwarded(void)
{
	static const struct ipcase cases[] = {
		/* A trusted peer without headers is the client. */
		{ "127.0.0.1", NULL, NULL, NULL, "127.0.0.1" },
		{ "::1", NULL, NULL, NULL, "::1" },
		{ "10.1.2.3", "", NULL, NULL, "10.1.2.3" },
		{ "10.1.2.3", "  ", NULL, NULL, "10.1.2.3" },
		/* One proxy. */
		{ "127.0.0.1", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "::1", "2001:db8::7", NULL, NULL, "2001:db8::7" },
		{ "::ffff:127.0.0.1", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		/* Right to left, trusted entries skipped. */
		{ "127.0.0.1", "1.2.3.4, 10.0.0.1", NULL, NULL, "1.2.3.4" },
		{ "127.0.0.1", "1.2.3.4,10.0.0.1,192.168.1.1,172.16.9.9",
		  NULL, NULL, "1.2.3.4" },
		{ "127.0.0.1", "1.2.3.4, 5.6.7.8", NULL, NULL, "5.6.7.8" },
		{ "127.0.0.1", "1.2.3.4, 5.6.7.8, 10.0.0.1", NULL, NULL,
		  "5.6.7.8" },
		{ "127.0.0.1", "fd00::1, 2001:db8::2, fc00::3", NULL, NULL,
		  "2001:db8::2" },
		/*
		 * The client prepends a forged entry: the rightmost untrusted
		 * entry (what our proxy saw) still wins.
		 */
		{ "127.0.0.1", "6.6.6.6, 1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "127.0.0.1", "10.0.0.5, 1.2.3.4", NULL, NULL, "1.2.3.4" },
		/* Invalid entries are skipped wherever they are. */
		{ "127.0.0.1", "1.2.3.4, junk", NULL, NULL, "1.2.3.4" },
		{ "127.0.0.1", "1.2.3.4,, ,unknown, 300.1.1.1", NULL, NULL,
		  "1.2.3.4" },
		{ "127.0.0.1", "1.2.3.4:80", NULL, NULL, "127.0.0.1" },
		{ "127.0.0.1", "[2001:db8::1]", NULL, NULL, "127.0.0.1" },
		{ "127.0.0.1", "junk", NULL, NULL, "127.0.0.1" },
		{ "127.0.0.1", ",,,", NULL, NULL, "127.0.0.1" },
		/* Only trusted entries: the leftmost valid one. */
		{ "127.0.0.1", "10.0.0.1, 10.0.0.2", NULL, NULL, "10.0.0.1" },
		{ "127.0.0.1", "junk, 192.168.0.9, 10.0.0.2", NULL, NULL,
		  "192.168.0.9" },
		/* Normalised. */
		{ "127.0.0.1", " 2001:DB8:0:0::1 ", NULL, NULL,
		  "2001:db8::1" },
		{ "127.0.0.1", "::ffff:1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "127.0.0.1", "\t1.2.3.4\t", NULL, NULL, "1.2.3.4" },
	};

	setup(NULL, NULL);
	RUN(cases);
}

/* Client-IP only counts without X-Forwarded-For. */
static void
test_client_ip(void)
{
	static const struct ipcase cases[] = {
		{ "127.0.0.1", NULL, "1.2.3.4", NULL, "1.2.3.4" },
		{ "127.0.0.1", NULL, "1.2.3.4, 10.0.0.1", NULL, "1.2.3.4" },
		{ "127.0.0.1", NULL, "junk", NULL, "127.0.0.1" },
		{ "127.0.0.1", NULL, "10.0.0.1", NULL, "10.0.0.1" },
		{ "127.0.0.1", "5.6.7.8", "1.2.3.4", NULL, "5.6.7.8" },
		{ "127.0.0.1", "", "1.2.3.4", NULL, "1.2.3.4" },
		/* XFF present but useless: the peer, not Client-IP. */
		{ "127.0.0.1", "junk", "1.2.3.4", NULL, "127.0.0.1" },
		{ "8.8.8.8", NULL, "1.2.3.4", NULL, "8.8.8.8" },
	};

	setup(NULL, NULL);
	RUN(cases);
}

/* True-Client-IP: only with gateway = akamai and a trusted peer. */
static void
test_akamai(void)
{
	static const struct ipcase plain[] = {
		{ "127.0.0.1", "5.6.7.8", NULL, "1.2.3.4", "5.6.7.8" },
		{ "127.0.0.1", NULL, NULL, "1.2.3.4", "127.0.0.1" },
	};
	static const struct ipcase akamai[] = {
		{ "127.0.0.1", "5.6.7.8", NULL, "1.2.3.4", "1.2.3.4" },
		{ "127.0.0.1", NULL, NULL, "1.2.3.4", "1.2.3.4" },
		{ "127.0.0.1", NULL, "9.9.9.9", "1.2.3.4", "1.2.3.4" },
		{ "127.0.0.1", NULL, NULL, "10.0.0.8", "10.0.0.8" },
		{ "127.0.0.1", NULL, NULL, " 2001:db8::5 ", "2001:db8::5" },
		/* Empty or invalid: the usual rule. */
		{ "127.0.0.1", "5.6.7.8", NULL, "", "5.6.7.8" },
		{ "127.0.0.1", "5.6.7.8", NULL, "junk", "5.6.7.8" },
		{ "127.0.0.1", "5.6.7.8", NULL, "1.2.3.4, 5.5.5.5",
		  "5.6.7.8" },
		/* From an untrusted peer it is ignored. */
		{ "8.8.8.8", NULL, NULL, "1.2.3.4", "8.8.8.8" },
	};

	setup(NULL, NULL);
	RUN(plain);
	setup(NULL, "akamai");
	RUN(akamai);
}

/* Other lists: none trusted, Cloudflare's ranges, a single host. */
static void
test_lists(void)
{
	static const struct ipcase none[] = {
		{ "127.0.0.1", "1.2.3.4", NULL, NULL, "127.0.0.1" },
		{ "10.0.0.1", NULL, "1.2.3.4", NULL, "10.0.0.1" },
	};
	static const struct ipcase cf[] = {
		/* A Cloudflare edge as peer forwards the visitor. */
		{ "173.245.48.1", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "2606:4700::6810:1", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "104.16.0.0", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "104.23.255.255", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "104.32.0.0", "1.2.3.4", NULL, NULL, "104.32.0.0" },
		/* Our proxy behind Cloudflare: both skipped. */
		{ "127.0.0.1", "1.2.3.4, 162.158.1.1", NULL, NULL, "1.2.3.4" },
		{ "8.8.8.8", "1.2.3.4", NULL, NULL, "8.8.8.8" },
	};
	static const struct ipcase one[] = {
		{ "192.0.2.10", "1.2.3.4", NULL, NULL, "1.2.3.4" },
		{ "192.0.2.11", "1.2.3.4", NULL, NULL, "192.0.2.11" },
		{ "127.0.0.1", "1.2.3.4", NULL, NULL, "127.0.0.1" },
	};
	char	err[256];

	setup("", NULL);
	RUN(none);
	CU_ASSERT(!clientip_is_trusted("127.0.0.1"));
	setup("127.0.0.0/8, ::1/128, cloudflare", NULL);
	RUN(cf);
	CU_ASSERT(clientip_is_trusted("2a06:98c0::1"));
	CU_ASSERT(clientip_is_trusted("::1"));
	CU_ASSERT(!clientip_is_trusted("2a06:98b0::1"));
	CU_ASSERT(!clientip_is_trusted("junk"));
	setup("192.0.2.10", NULL);
	RUN(one);

	/* A bad list is refused and the previous one kept. */
	CU_ASSERT_EQUAL(clientip_configure("10.0.0.0/8, nonsense", err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nonsense"));
	CU_ASSERT(clientip_is_trusted("192.0.2.10"));
	conf_set("trusted_proxies", "10.0.0.0/99", err, sizeof(err));
	CU_ASSERT_EQUAL(clientip_start(), -1);
	CU_ASSERT(clientip_is_trusted("192.0.2.10"));
}

/* The same request gives the same answer, from the request's arena. */
static void
test_repeat(void)
{
	struct arena	*a = arena_new(0);
	struct req	 r;
	const char	*env[] = { "REMOTE_ADDR=127.0.0.1",
	    "HTTP_X_FORWARDED_FOR=1.2.3.4", NULL };
	const char	*x, *y;

	setup(NULL, NULL);
	http_init(&r, a);
	r.env = env;
	x = clientip_get(&r);
	y = clientip_get(&r);
	CU_ASSERT_STRING_EQUAL(x, "1.2.3.4");
	CU_ASSERT_STRING_EQUAL(y, "1.2.3.4");
	/* Computed once per request: the same pointer, even if asked again. */
	CU_ASSERT_PTR_EQUAL(x, y);
	env[1] = "HTTP_X_FORWARDED_FOR=5.6.7.8";
	CU_ASSERT_STRING_EQUAL(clientip_get(&r), "1.2.3.4");
	r.client_ip = NULL;	/* a new request */
	CU_ASSERT_STRING_EQUAL(clientip_get(&r), "5.6.7.8");
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "direct clients and spoofing", test_direct },
	{ "X-Forwarded-For behind trusted proxies", test_forwarded },
	{ "Client-IP", test_client_ip },
	{ "True-Client-IP with akamai", test_akamai },
	{ "trusted lists and cloudflare", test_lists },
	{ "repeated calls", test_repeat },
	{ NULL, NULL }
};

UNIT_MAIN("clientip", tests)
