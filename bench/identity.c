/*
 * bench/identity: latency of sign-up and login through the web server,
 * beside the cost of bcrypt alone, so we see how much of it is ours.
 *
 *   eval "$(t/stack env)"; bench/identity [N]
 *
 * Runs N sequential sign-ups (new e-mails) and N logins against
 * $BARONG_URL, then N bcrypt hashes and verifications at the configured
 * cost (BCRYPT_COST, default 12) in this process, and prints the median
 * and 90th percentile of each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crypto.h"

#define PW	"Chah6ahr-ei2J"

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-28s median %7.1f ms   p90 %7.1f ms   (n=%d)\n", what,
	    v[n / 2], v[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], n);
}

static size_t
discard(char *p, size_t s, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return s * n;
}

static long
post(CURL *c, const char *url, const char *body)
{
	long	code = 0;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Mozilla/5.0 bench Chrome/120");
	if (curl_easy_perform(c) != CURLE_OK)
		return -1;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

int
main(int argc, char **argv)
{
	const char	*base = getenv("BARONG_URL");
	int		 n = argc > 1 ? atoi(argv[1]) : 20, i, cost;
	double		*signup, *login, *hash, *verify, t;
	char		 url[512], body[512], h[128];
	CURL		*c;
	long		 code;

	cost = getenv("BCRYPT_COST") ? atoi(getenv("BCRYPT_COST")) : 12;
	if (base == NULL || n < 1) {
		fprintf(stderr, "usage: eval \"$(t/stack env)\"; %s [N]\n",
		    argv[0]);
		return 2;
	}
	signup = calloc((size_t)n, sizeof(double));
	login = calloc((size_t)n, sizeof(double));
	hash = calloc((size_t)n, sizeof(double));
	verify = calloc((size_t)n, sizeof(double));
	curl_global_init(CURL_GLOBAL_ALL);
	c = curl_easy_init();
	for (i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "%s/api/v2/barong/identity/users",
		    base);
		snprintf(body, sizeof(body), "email=bench%ld.%d%%40example.com"
		    "&password=%s", (long)getpid(), i, PW);
		t = now_ms();
		if ((code = post(c, url, body)) != 201) {
			fprintf(stderr, "sign-up answered %ld\n", code);
			return 1;
		}
		signup[i] = now_ms() - t;
		snprintf(url, sizeof(url), "%s/api/v2/barong/identity/sessions",
		    base);
		t = now_ms();
		if ((code = post(c, url, body)) != 200) {
			fprintf(stderr, "login answered %ld\n", code);
			return 1;
		}
		login[i] = now_ms() - t;
	}
	curl_easy_cleanup(c);
	for (i = 0; i < n; i++) {
		t = now_ms();
		crypto_bcrypt_hash(PW, strlen(PW), cost, h);
		hash[i] = now_ms() - t;
		t = now_ms();
		crypto_bcrypt_verify(PW, strlen(PW), h);
		verify[i] = now_ms() - t;
	}
	printf("bcrypt cost %d, %d rounds each, through %s\n", cost, n, base);
	report("POST /identity/users", signup, n);
	report("bcrypt hash alone", hash, n);
	report("POST /identity/sessions", login, n);
	report("bcrypt verify alone", verify, n);
	return 0;
}
