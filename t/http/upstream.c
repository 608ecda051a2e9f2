/*
 * upstream: the service behind the gateway (Peatio and friends) in the test
 * stack and the demo.  A FastCGI responder that answers every request with
 * 200 and JSON describing what the gateway handed it:
 *
 *	{"method":"GET","path":"/api/v2/peatio/account/balances",
 *	 "query":"a=1","jwt":"<token>","jwt_from":"BARONG_AUTHORIZATION",
 *	 "remote_user":"ID...","client_authorization":null}
 *
 * "jwt" is the token without "Bearer ", taken from the FastCGI parameter
 * BARONG_AUTHORIZATION (lighttpd and Apache authorizers, nginx when so
 * configured) or else from the Authorization request header
 * (HTTP_AUTHORIZATION: nginx auth_request_set, a proxied upstream); null
 * when neither is there.  "jwt_from" names the source used.
 * "client_authorization" is HTTP_AUTHORIZATION when BARONG_AUTHORIZATION
 * was used, so a test can see whether a client's own header got through.
 *
 *	upstream [--listen unix:PATH|PATH|HOST:PORT [--workers N]]
 *
 * Without --listen it serves the socket on fd 0, as lighttpd (bin-path)
 * and mod_fcgid start FastCGI programs.  With --workers, N child processes
 * accept on the socket (bench/authz/run) and the parent only waits, ending
 * them when it gets SIGTERM.  libfcgi's FCGX_* calls; each connection is
 * closed at once (lib/fcgiend.h).  Not installed.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgiend.h"
#include "prefork.h"

/* Append s as a JSON string (or null) to out, escaped. */
static void
put_json(FCGX_Stream *out, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		FCGX_PutS("null", out);
		return;
	}
	FCGX_PutChar('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			FCGX_PutChar('\\', out);
			FCGX_PutChar(*p, out);
		} else if (*p < 0x20)
			FCGX_FPrintF(out, "\\u%04x", *p);
		else
			FCGX_PutChar(*p, out);
	}
	FCGX_PutChar('"', out);
}

/* The token of "Bearer <token>", or the whole value; NULL stays NULL. */
static const char *
bearer(const char *v)
{
	if (v == NULL || *v == '\0')
		return NULL;
	if (strncmp(v, "Bearer ", 7) == 0)
		return v + 7;
	return v;
}

static void
serve(FCGX_Request *r)
{
	const char	*m, *uri, *q, *gw, *hdr, *jwt, *from = NULL;
	char		 path[4096];
	size_t		 n;
	char		 buf[4096];

	/* Drain any body: the gateway may have sent one. */
	while (FCGX_GetStr(buf, sizeof(buf), r->in) > 0)
		;
	m = FCGX_GetParam("REQUEST_METHOD", r->envp);
	uri = FCGX_GetParam("REQUEST_URI", r->envp);
	q = FCGX_GetParam("QUERY_STRING", r->envp);
	if (uri == NULL)
		uri = FCGX_GetParam("SCRIPT_NAME", r->envp);
	n = uri != NULL ? strcspn(uri, "?") : 0;
	if (n >= sizeof(path))
		n = sizeof(path) - 1;
	memcpy(path, uri != NULL ? uri : "", n);
	path[n] = '\0';
	gw = bearer(FCGX_GetParam("BARONG_AUTHORIZATION", r->envp));
	hdr = FCGX_GetParam("HTTP_AUTHORIZATION", r->envp);
	if (gw != NULL) {
		jwt = gw;
		from = "BARONG_AUTHORIZATION";
	} else if ((jwt = bearer(hdr)) != NULL)
		from = "Authorization";
	FCGX_PutS("Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n\r\n", r->out);
	FCGX_PutS("{\"method\":", r->out);
	put_json(r->out, m);
	FCGX_PutS(",\"path\":", r->out);
	put_json(r->out, path);
	FCGX_PutS(",\"query\":", r->out);
	put_json(r->out, q != NULL && *q != '\0' ? q : NULL);
	FCGX_PutS(",\"jwt\":", r->out);
	put_json(r->out, jwt);
	FCGX_PutS(",\"jwt_from\":", r->out);
	put_json(r->out, from);
	FCGX_PutS(",\"remote_user\":", r->out);
	put_json(r->out, FCGX_GetParam("REMOTE_USER", r->envp));
	FCGX_PutS(",\"client_authorization\":", r->out);
	put_json(r->out, gw != NULL ? hdr : NULL);
	FCGX_PutS("}\n", r->out);
}

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	const char	*addr = NULL;
	int		 sock = 0, workers = 1;

	if (argc >= 3 && strcmp(argv[1], "--listen") == 0)
		addr = argv[2];
	if (argc == 5 && strcmp(argv[3], "--workers") == 0)
		workers = atoi(argv[4]);
	if ((argc != 1 && argc != 3 && argc != 5) || (argc > 1 && addr == NULL) ||
	    workers < 1) {
		fprintf(stderr, "usage: upstream [--listen ADDR [--workers N]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0) {
		fprintf(stderr, "upstream: FCGX_Init failed\n");
		return 1;
	}
	if (addr != NULL) {
		if (strncmp(addr, "unix:", 5) == 0)
			addr += 5;
		if (addr[0] == '/')
			unlink(addr);
		if ((sock = FCGX_OpenSocket(addr, 64)) < 0) {
			fprintf(stderr, "upstream: could not listen on %s\n",
			    addr);
			return 1;
		}
	}
	if (workers > 1)
		prefork(workers);
	if (FCGX_InitRequest(&r, sock, 0) != 0) {
		fprintf(stderr, "upstream: FCGX_InitRequest failed\n");
		return 1;
	}
	while (FCGX_Accept_r(&r) >= 0) {
		serve(&r);
		fcgi_end(&r, 1);	/* serve() read the input to its end */
	}
	FCGX_Free(&r, 1);
	return 0;
}
