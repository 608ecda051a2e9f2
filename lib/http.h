/*
 * One HTTP request as the FastCGI layer hands it over, and its response.
 * Everything here is allocated from r->a and dies at arena_reset().
 * The transport (FastCGI, CGI, a test) fills in the CGI environment and the
 * body; http_prepare() then parses query, cookies and body into r->input,
 * a JSON object of the request's parameters (Barong accepts the same
 * parameters from a query string, a form body or a JSON body).
 */
#ifndef BARONG_HTTP_H
#define BARONG_HTTP_H

#include <stddef.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"

struct arena;
struct route;
struct pval;
struct user;

enum fcgi_role { ROLE_RESPONDER, ROLE_AUTHORIZER };

struct upload {
	const char	*field;
	const char	*filename;
	const char	*content_type;
	const char	*data;
	size_t		 len;
	json_object	*placeholder;	/* its value in r->input (multipart.h) */
};

struct req {
	struct arena	*a;
	enum fcgi_role	 role;
	const char	**env;		/* NAME=value, NULL-terminated */
	const char	*method;	/* REQUEST_METHOD, upper-case */
	const char	*uri;		/* REQUEST_URI as sent */
	const char	*path;		/* uri without the query string */
	const char	*query;		/* after '?', or "" */
	const char	*content_type;	/* lower-cased media type, no params */
	const char	*request_id;
	const char	*client_ip;	/* clientip_get()'s answer, once made */
	const char	*user_agent;	/* http_user_agent()'s answer */
	const char	*body;
	size_t		 body_len;
	int		 body_too_large;

	json_object	*input;		/* merged parameters (owned, deferred) */
	struct upload	*uploads;
	size_t		 nuploads;

	const struct route *route;
	const char	*route_vars[8];	/* values of {name} segments, in order */
	const char	*route_rest;	/* what a trailing '*' matched */
	struct pval	*vals;		/* validated parameters, see params.h */

	struct err	 err;

	/* the bearer JWT's claims and user (lib/bearer.c), once checked */
	json_object	*auth_claims;
	const char	*auth_uid;
	struct user	*auth_user;

	/* response */
	int		 status;
	struct buf	 headers;	/* "Name: value\r\n" lines */
	const char	*out;
	size_t		 out_len;
	int		 replied;
};

void		 http_init(struct req *, struct arena *);
int		 http_prepare(struct req *);
/* 0, or -1 with r->err: 400 malformed, 413 too large, 500 bad JSON (Barong). */
int		 http_parse_params(struct req *);
const char	*http_env(const struct req *, const char *);
const char	*http_header(const struct req *, const char *);
const char	*http_cookie(const struct req *, const char *);
const char	*http_remote_addr(const struct req *);
/*
 * The User-Agent as it may be stored: invalid UTF-8 bytes become '?' and
 * the text is cut after 255 characters (Barong's column); NULL if absent.
 */
const char	*http_user_agent(struct req *);

void		 http_add_header(struct req *, const char *, const char *);
int		 http_reply(struct req *, int, const char *, size_t);
/* Takes ownership of the object (it is released with the arena). */
int		 http_reply_json(struct req *, int, json_object *);
int		 http_reply_status_body(struct req *, int);
int		 http_reply_error(struct req *);
int		 http_reply_route_not_found(struct req *);
const char	*http_status_text(int);

#endif
