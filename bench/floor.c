/*
 * bench/floor: the cheapest possible authorize step, to measure what the
 * web server and FastCGI cost by themselves (bench/authz/run).  Every
 * request gets 200 and a fixed JWT of realistic size:
 *
 *   FastCGI responder role (nginx auth_request):
 *	Authorization: Bearer <jwt>
 *   FastCGI authorizer role (lighttpd, Apache mod_authnz_fcgi):
 *	Variable-BARONG_AUTHORIZATION: Bearer <jwt>
 *	Variable-REMOTE_USER: IDFL00R00000
 *
 *	floor [--listen unix:PATH|PATH|HOST:PORT [--workers N]]
 *
 * Without --listen it serves the socket on fd 0 (lighttpd bin-path).  With
 * --workers, N children accept on the socket and the parent waits, ending
 * them on SIGTERM.  libfcgi's FCGX_* calls, and lib/fcgiend.c to close each
 * connection at once as barong-authorize does; with FLOOR_LINGER set in the
 * environment, libfcgi's own lingering close instead (bench/authz/run's
 * "floor-linger" case measures what that costs).  Not installed.
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

/* About the size of barong-authorize's tokens: RS256, 2048-bit key. */
#define JWT_HEAD	"eyJhbGciOiJSUzI1NiJ9."
#define JWT_LEN		640

static char			 responder[1024], authorizer[1100];

static void
make_answers(void)
{
	char	jwt[JWT_LEN + 1];
	size_t	i;

	memcpy(jwt, JWT_HEAD, sizeof(JWT_HEAD) - 1);
	for (i = sizeof(JWT_HEAD) - 1; i < JWT_LEN; i++)
		jwt[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_"[i % 64];
	jwt[JWT_LEN / 2] = '.';
	jwt[JWT_LEN] = '\0';
	snprintf(responder, sizeof(responder), "Status: 200 OK\r\n"
	    "Authorization: Bearer %s\r\n\r\n", jwt);
	snprintf(authorizer, sizeof(authorizer), "Status: 200 OK\r\n"
	    "Variable-BARONG_AUTHORIZATION: Bearer %s\r\n"
	    "Variable-REMOTE_USER: IDFL00R00000\r\n\r\n", jwt);
}

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	const char	*addr = NULL, *role;
	int		 sock = 0, workers = 1, linger;

	if (argc >= 3 && strcmp(argv[1], "--listen") == 0)
		addr = argv[2];
	if (argc == 5 && strcmp(argv[3], "--workers") == 0)
		workers = atoi(argv[4]);
	if ((argc != 1 && argc != 3 && argc != 5) || (argc > 1 && addr == NULL) ||
	    workers < 1) {
		fprintf(stderr, "usage: floor [--listen ADDR [--workers N]]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	linger = getenv("FLOOR_LINGER") != NULL;
	make_answers();
	if (FCGX_Init() != 0)
		return 1;
	if (addr != NULL) {
		if (strncmp(addr, "unix:", 5) == 0)
			addr += 5;
		if (addr[0] == '/')
			unlink(addr);
		if ((sock = FCGX_OpenSocket(addr, 128)) < 0) {
			fprintf(stderr, "floor: could not listen on %s\n", addr);
			return 1;
		}
	}
	if (workers > 1)
		prefork(workers);
	if (FCGX_InitRequest(&r, sock, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		role = FCGX_GetParam("FCGI_ROLE", r.envp);
		FCGX_PutS(role != NULL && strcmp(role, "AUTHORIZER") == 0 ?
		    authorizer : responder, r.out);
		/* No input to read: close at once, as barong-authorize. */
		fcgi_end(&r, !linger);
	}
	FCGX_Free(&r, 1);
	return 0;
}
