/*
 * The request and response of one HTTP exchange, independent of the
 * transport.  The transport (server.c) sets r->env and the body and calls
 * http_prepare(); handlers reply through http_reply_*(); the transport then
 * writes r->status, r->headers and r->out.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "multipart.h"
#include "parse.h"

void
http_init(struct req *r, struct arena *a)
{
	memset(r, 0, sizeof(*r));
	r->a = a;
	buf_init(&r->headers, a, 16 * 1024);
}

const char *
http_env(const struct req *r, const char *name)
{
	size_t		 n = strlen(name);
	const char	**e;

	if (r->env == NULL)
		return NULL;
	for (e = r->env; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* "User-Agent" is HTTP_USER_AGENT in the CGI environment. */
const char *
http_header(const struct req *r, const char *name)
{
	char	var[128];
	size_t	i, o = 0;

	if (strcasecmp(name, "Content-Type") == 0)
		return http_env(r, "CONTENT_TYPE");
	if (strcasecmp(name, "Content-Length") == 0)
		return http_env(r, "CONTENT_LENGTH");
	if (strlen(name) + 6 > sizeof(var))
		return NULL;
	memcpy(var, "HTTP_", 5);
	o = 5;
	for (i = 0; name[i] != '\0'; i++)
		var[o++] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	var[o] = '\0';
	return http_env(r, var);
}

const char *
http_cookie(const struct req *r, const char *name)
{
	const char	*v;
	size_t		 n;

	if (parse_cookie(http_header(r, "Cookie"), name, &v, &n) == -1)
		return NULL;
	return arena_strndup(r->a, v, n);
}

const char *
http_remote_addr(const struct req *r)
{
	const char	*a = http_env(r, "REMOTE_ADDR");

	return a != NULL ? a : "";
}

#define AGENT_MAX_CHARS	255

const char *
http_user_agent(struct req *r)
{
	const unsigned char	*s;
	const char		*ua;
	size_t			 n, i = 0, o = 0, k, chars = 0;
	char			*out;

	if (r->user_agent != NULL)
		return r->user_agent;
	if ((ua = http_header(r, "User-Agent")) == NULL)
		return NULL;
	s = (const unsigned char *)ua;
	n = strlen(ua);
	out = arena_alloc(r->a, n + 1);
	while (i < n && chars < AGENT_MAX_CHARS) {
		if ((k = parse_utf8_seq(s + i, n - i)) == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		}
		chars++;
	}
	out[o] = '\0';
	return r->user_agent = out;
}

static const char *
make_request_id(struct req *r)
{
	const char	*h = http_header(r, "X-Request-Id");
	unsigned char	 raw[8];
	size_t		 i;

	if (h != NULL && strlen(h) <= 64 && *h != '\0' &&
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") == strlen(h))
		return h;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		memset(raw, 0, sizeof(raw));
	h = arena_alloc(r->a, 2 * sizeof(raw) + 1);
	for (i = 0; i < sizeof(raw); i++)
		snprintf((char *)h + 2 * i, 3, "%02x", raw[i]);
	return h;
}

/* Merge src's members into dst, replacing (body over query). */
static void
merge(json_object *dst, json_object *src)
{
	json_object_object_foreach(src, k, v)
		json_object_object_add(dst, k, json_object_get(v));
}

/*
 * Read the request line's parts from the environment: method, path, query,
 * content type and request id.
 */
int
http_prepare(struct req *r)
{
	const char	*m, *q, *ct, *semi;
	size_t		 i, n;
	char		*lc;

	r->request_id = make_request_id(r);
	log_set_request(r->request_id);
	m = http_env(r, "REQUEST_METHOD");
	r->method = m != NULL && *m != '\0' ? m : "GET";
	r->uri = http_env(r, "REQUEST_URI");
	if (r->uri == NULL) {
		const char *sn = http_env(r, "SCRIPT_NAME");
		const char *pi = http_env(r, "PATH_INFO");
		const char *qs = http_env(r, "QUERY_STRING");

		r->uri = arena_printf(r->a, "%s%s%s%s", sn ? sn : "",
		    pi ? pi : "", qs && *qs ? "?" : "", qs && *qs ? qs : "");
	}
	q = strchr(r->uri, '?');
	r->path = q ? arena_strndup(r->a, r->uri, (size_t)(q - r->uri)) :
	    r->uri;
	r->query = q ? q + 1 : "";

	ct = http_env(r, "CONTENT_TYPE");
	if (ct != NULL) {
		semi = strchr(ct, ';');
		n = semi ? (size_t)(semi - ct) : strlen(ct);
		while (n > 0 && ct[n - 1] == ' ')
			n--;
		lc = arena_strndup(r->a, ct, n);
		for (i = 0; i < n; i++)
			lc[i] = (char)tolower((unsigned char)lc[i]);
		r->content_type = lc;
	} else
		r->content_type = "";

	r->input = json_adopt(r->a, json_object_new_object());
	return 0;
}

/*
 * Parse the query string and the body into r->input.  Called once the
 * route is known, so an unknown route is a 404 whatever its body.
 */
int
http_parse_params(struct req *r)
{
	json_object	*body;

	if (r->body_too_large)
		return err_set(r, 413, "server.payload_too_large",
		    "request body over body_limit");
	if (parse_urlencoded(r->input, r->query, strlen(r->query),
	    (size_t)cfg.max_params) == -1)
		return err_set(r, 400, "server.bad_request",
		    "malformed query string");
	if (r->body_len == 0)
		return 0;
	if (strcmp(r->content_type, "application/x-www-form-urlencoded") == 0) {
		body = json_adopt(r->a, json_object_new_object());
		if (parse_urlencoded(body, r->body, r->body_len,
		    (size_t)cfg.max_params) == -1)
			return err_set(r, 400, "server.bad_request",
			    "malformed form body");
		merge(r->input, body);
	} else if (strcmp(r->content_type, "multipart/form-data") == 0) {
		body = json_adopt(r->a, json_object_new_object());
		if (multipart_parse_request(r, body) == -1)
			return err_set(r, 400, "server.bad_request",
			    "malformed multipart body");
		merge(r->input, body);
	} else if (strcmp(r->content_type, "application/json") == 0) {
		if ((body = parse_json_body(r->body, r->body_len)) == NULL) {
			/* Barong answers a malformed JSON body with a 500. */
			r->err.status = 500;
			r->err.keys[0] = "server.internal_error";
			r->err.nkeys = 1;
			log_info("malformed JSON body");
			return -1;
		}
		json_adopt(r->a, body);
		if (json_object_is_type(body, json_type_object))
			merge(r->input, body);
	}
	return 0;
}

void
http_add_header(struct req *r, const char *name, const char *value)
{
	const char	*p;

	/* Never let a value split the header block. */
	for (p = value; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			return;
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

int
http_reply(struct req *r, int status, const char *body, size_t len)
{
	r->status = status;
	r->out = body;
	r->out_len = len;
	r->replied = 1;
	return 0;
}

int
http_reply_json(struct req *r, int status, json_object *o)
{
	const char	*s;
	size_t		 n;

	json_adopt(r->a, o);
	s = o == NULL ? "null" : json_dump(r->a, o, &n);
	if (o == NULL)
		n = 4;
	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, status, s, n);
}

/* Barong's "return a status": the number itself is the JSON body. */
int
http_reply_status_body(struct req *r, int status)
{
	const char	*s = arena_printf(r->a, "%d", status);

	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, status, s, strlen(s));
}

int
http_reply_route_not_found(struct req *r)
{
	static const char body[] = "{\"error\":\"Route is not found\"}";

	http_add_header(r, "Content-Type", "application/json");
	return http_reply(r, 404, body, sizeof(body) - 1);
}

int
http_reply_error(struct req *r)
{
	if (r->err.status == 0)
		return err_internal(r, "handler failed without an error"),
		    http_reply_error(r);
	if (r->err.status >= 500 && r->err.detail[0] != '\0')
		log_debug("reply %d: %s", r->err.status, r->err.detail);
	else if (r->err.detail[0] != '\0')
		log_info("reply %d %s: %s", r->err.status, r->err.keys[0],
		    r->err.detail);
	return http_reply_json(r, r->err.status,
	    json_errors(r->err.keys, r->err.nkeys));
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 422: return "Unprocessable Entity";
	case 423: return "Locked";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 471: return "Maintenance";
	default: return status >= 400 && status < 500 ? "Refused" : "Status";
	}
}
