#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "htest.h"

static int	 passed, failed;

/* Strings handed to tests that they do not free (ht_sql, ht_mail_wait). */
static char	**kept;
static size_t	  nkept;

static char *
keep(char *s)
{
	char	**k;

	if (s == NULL)
		return NULL;
	if ((k = realloc(kept, (nkept + 1) * sizeof(*k))) == NULL)
		return s;
	kept = k;
	kept[nkept++] = s;
	return s;
}
static char	 base[512];

const char *
ht_url(void)
{
	return base;
}

void
ht_init(void)
{
	const char	*u = getenv("BARONG_URL");

	if (u == NULL || *u == '\0') {
		fprintf(stderr, "BARONG_URL is not set: run through t/http/run "
		    "or eval \"$(t/stack env)\"\n");
		exit(2);
	}
	snprintf(base, sizeof(base), "%s", u);
	curl_global_init(CURL_GLOBAL_ALL);
}

int
ht_done(void)
{
	while (nkept > 0)
		free(kept[--nkept]);
	free(kept);
	printf("%d passed, %d failed\n", passed, failed);
	curl_global_cleanup();
	return failed == 0 ? 0 : 1;
}

void
ht_check(int ok, const char *name, const char *fmt, ...)
{
	va_list	ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

struct sink {
	char	*p;
	size_t	 len;
};

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 add = size * n;
	char		*p;

	if ((p = realloc(s->p, s->len + add + 1)) == NULL)
		return 0;
	memcpy(p + s->len, data, add);
	s->p = p;
	s->len += add;
	s->p[s->len] = '\0';
	return add;
}

int
ht_request(const char *method, const char *path, const char *ctype,
    const char *body, size_t bodylen, const char *const *extra,
    struct ht_resp *resp)
{
	CURL			*c;
	struct curl_slist	*hl = NULL;
	struct sink		 b = { NULL, 0 }, h = { NULL, 0 };
	char			 url[4096], line[1024];
	CURLcode		 rc;

	memset(resp, 0, sizeof(*resp));
	if ((c = curl_easy_init()) == NULL)
		return -1;
	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	/* Barong writes no activity for a request without a User-Agent. */
	curl_easy_setopt(c, CURLOPT_USERAGENT, HT_USER_AGENT);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	/* lighttpd answers 411 to a POST without Content-Length. */
	if (body == NULL && (strcmp(method, "POST") == 0 ||
	    strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0)) {
		body = "";
		bodylen = 0;
	}
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)bodylen);
	}
	if (ctype != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, line);
	} else if (body != NULL)
		hl = curl_slist_append(hl, "Content-Type:");
	hl = curl_slist_append(hl, "Expect:");
	for (; extra != NULL && *extra != NULL; extra++)
		hl = curl_slist_append(hl, *extra);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	resp->body = b.p ? b.p : strdup("");
	resp->len = b.len;
	resp->headers = h.p ? h.p : strdup("");
	if (rc != CURLE_OK) {
		fprintf(stderr, "%s %s: %s\n", method, path,
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

void
ht_resp_free(struct ht_resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

int
ht_match(const char *re, const char *s)
{
	regex_t	rx;
	int	ok;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
		fprintf(stderr, "bad regex in test: %s\n", re);
		return 0;
	}
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

void
ht_run(const struct ht_case *tc)
{
	struct ht_resp	r;

	if (ht_request(tc->method, tc->path, tc->ctype, tc->body,
	    tc->body ? strlen(tc->body) : 0, NULL, &r) == -1) {
		ht_check(0, tc->name, "request failed");
		ht_resp_free(&r);
		return;
	}
	ht_check(r.status == tc->status, tc->name, "status %ld, want %ld "
	    "(body %.300s)", r.status, tc->status, r.body);
	if (tc->expect != NULL)
		ht_check(strcmp(r.body, tc->expect) == 0, tc->name,
		    "body %.300s, want %s", r.body, tc->expect);
	if (tc->expect_re != NULL)
		ht_check(ht_match(tc->expect_re, r.body), tc->name,
		    "body %.300s does not match %s", r.body, tc->expect_re);
	if (tc->header_re != NULL)
		ht_check(ht_match(tc->header_re, r.headers), tc->name,
		    "headers do not match %s:\n%s", tc->header_re, r.headers);
	ht_resp_free(&r);
}

void
ht_run_all(const struct ht_case *tc)
{
	for (; tc->name != NULL; tc++)
		ht_run(tc);
}

char *
ht_header(const struct ht_resp *r, const char *name)
{
	const char	*p = r->headers, *e;
	size_t		 n = strlen(name);

	while (p != NULL && *p != '\0') {
		e = strstr(p, "\r\n");
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			return strndup(p, e ? (size_t)(e - p) : strlen(p));
		}
		p = e ? e + 2 : NULL;
	}
	return NULL;
}

char *
ht_set_cookie(const struct ht_resp *r, const char *name)
{
	const char	*p = r->headers, *e, *v;
	size_t		 n = strlen(name);

	while (p != NULL && *p != '\0') {
		e = strstr(p, "\r\n");
		if (strncasecmp(p, "Set-Cookie:", 11) == 0) {
			v = p + 11;
			while (*v == ' ')
				v++;
			if (strncmp(v, name, n) == 0 && v[n] == '=') {
				v += n + 1;
				return strndup(v, strcspn(v, ";\r\n"));
			}
		}
		p = e ? e + 2 : NULL;
	}
	return NULL;
}

const char *
ht_sql(const char *sql, const char *const *params, int n)
{
	static PGconn	*c;
	PGresult	*res;
	char		*out = NULL;

	if (c == NULL) {
		c = PQconnectdb(getenv("BARONG_DB") ? getenv("BARONG_DB") : "");
		if (PQstatus(c) != CONNECTION_OK) {
			fprintf(stderr, "ht_sql: %s", PQerrorMessage(c));
			exit(2);
		}
	}
	res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "ht_sql: %s: %s", sql, PQerrorMessage(c));
		exit(2);
	}
	out = strdup(PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ?
	    PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return keep(out);
}

/* Undo quoted-printable in place (soft breaks, =XX), for link searching. */
static void
unqp(char *s)
{
	char	*o = s;
	int	 hi, lo;

	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n')
			s += 3;
		else if (s[0] == '=' && s[1] == '\n')
			s += 2;
		else if (s[0] == '=' && sscanf(s + 1, "%1x%1x", &hi, &lo) == 2) {
			*o++ = (char)(hi << 4 | lo);
			s += 3;
		} else
			*o++ = *s++;
	}
	*o = '\0';
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

const char *
ht_mail_wait(const char *to, const char *needle, int ms)
{
	const char	*dir = getenv("BARONG_MAIL_DIR");
	char		 path[4096], hdr[512];
	struct dirent	*d;
	DIR		*dh;
	char		*text;
	int		 waited;

	if (dir == NULL)
		return NULL;
	snprintf(hdr, sizeof(hdr), "To: %s", to);
	for (waited = 0; waited <= ms; waited += 50) {
		if ((dh = opendir(dir)) != NULL) {
			while ((d = readdir(dh)) != NULL) {
				if (strstr(d->d_name, ".eml") == NULL)
					continue;
				snprintf(path, sizeof(path), "%s/%s", dir,
				    d->d_name);
				if ((text = slurp(path)) == NULL)
					continue;
				unqp(text);
				if (strstr(text, hdr) != NULL &&
				    strstr(text, needle) != NULL) {
					closedir(dh);
					return keep(text);
				}
				free(text);
			}
			closedir(dh);
		}
		usleep(50 * 1000);
	}
	return NULL;
}

char *
ht_link_param(const char *text, const char *name)
{
	char		 key[128];
	const char	*p;

	snprintf(key, sizeof(key), "%s=", name);
	if ((p = strstr(text, key)) == NULL)
		return NULL;
	p += strlen(key);
	return strndup(p, strcspn(p, "&\"<> \r\n"));
}

/* ------------------------------------------------------------ users */

static void
user_from_reply(struct ht_user *u, const struct ht_resp *r, const char *what)
{
	char		*c, *p, *e;

	if ((c = ht_set_cookie(r, "_barong_session")) == NULL ||
	    (p = strstr(r->body, "\"csrf_token\":\"")) == NULL) {
		fprintf(stderr, "%s %s: no session (%ld %s)\n", what, u->email,
		    r->status, r->body);
		exit(2);
	}
	snprintf(u->cookie, sizeof(u->cookie), "_barong_session=%s", c);
	free(c);
	p += strlen("\"csrf_token\":\"");
	e = strchr(p, '"');
	snprintf(u->csrf, sizeof(u->csrf), "%.*s", (int)(e ? e - p : 0), p);
	if ((p = strstr(r->body, "\"uid\":\"")) != NULL) {
		p += strlen("\"uid\":\"");
		e = strchr(p, '"');
		snprintf(u->uid, sizeof(u->uid), "%.*s", (int)(e ? e - p : 0),
		    p);
	}
}

void
ht_user_new(struct ht_user *u, const char *tag, int pending)
{
	static unsigned	 seq;
	struct ht_resp	 r;
	char		 body[512];
	const char	*id;

	memset(u, 0, sizeof(*u));
	snprintf(u->email, sizeof(u->email), "%s.%ld.%u@example.com", tag,
	    (long)getpid(), seq++);
	snprintf(u->password, sizeof(u->password), "Vq7!rT%uzKw#p2", seq);
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}",
	    u->email, u->password);
	if (ht_request("POST", "/api/v2/barong/identity/users",
	    "application/json", body, strlen(body), NULL, &r) == -1 ||
	    r.status != 201) {
		fprintf(stderr, "sign-up %s: %ld %s\n", u->email, r.status,
		    r.body ? r.body : "");
		exit(2);
	}
	user_from_reply(u, &r, "sign-up");
	ht_resp_free(&r);
	id = ht_sql("SELECT id FROM users WHERE uid = $1",
	    (const char *[]){ u->uid }, 1);
	u->id = strtoll(id, NULL, 10);
	if (!pending) {
		ht_sql("INSERT INTO labels (user_id, key, value, scope)"
		    " SELECT id, 'email', 'verified', 'private' FROM users"
		    " WHERE uid = $1 ON CONFLICT DO NOTHING",
		    (const char *[]){ u->uid }, 1);
		ht_sql("UPDATE users SET state = 'active', level = 1"
		    " WHERE uid = $1 AND state = 'pending'",
		    (const char *[]){ u->uid }, 1);
	}
}

int
ht_user_login(struct ht_user *u, const char *otp_code)
{
	struct ht_resp	 r;
	char		 body[512];
	int		 ok;

	snprintf(body, sizeof(body),
	    "{\"email\":\"%s\",\"password\":\"%s\"%s%s%s}", u->email,
	    u->password, otp_code ? ",\"otp_code\":\"" : "",
	    otp_code ? otp_code : "", otp_code ? "\"" : "");
	if (ht_request("POST", "/api/v2/barong/identity/sessions",
	    "application/json", body, strlen(body), NULL, &r) == -1)
		return -1;
	ok = r.status == 200;
	if (ok)
		user_from_reply(u, &r, "login");
	ht_resp_free(&r);
	return ok ? 0 : -1;
}

int
ht_as(const struct ht_user *u, const char *method, const char *path,
    const char *ctype, const char *body, size_t bodylen,
    const char *const *extra, struct ht_resp *resp)
{
	const char	*h[34];
	char		 cookie[200], csrf[100];
	size_t		 n = 0;

	snprintf(cookie, sizeof(cookie), "Cookie: %s", u->cookie);
	snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", u->csrf);
	h[n++] = cookie;
	h[n++] = csrf;
	for (; extra != NULL && *extra != NULL && n < 33; extra++)
		h[n++] = *extra;
	h[n] = NULL;
	return ht_request(method, path, ctype, body, bodylen, h, resp);
}
