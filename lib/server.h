/*
 * The main loop every binary shares.  server_main() parses the command
 * line (-c FILE, --check-config, --listen ADDR, --workers N, --version),
 * reads the configuration and then serves requests:
 *   - under a web server's process manager (fd 0 is a FastCGI socket:
 *     Apache mod_fcgid, lighttpd bin-path, spawn-fcgi);
 *   - standalone on --listen (unix path or [host]:port), prefork --workers;
 *   - as plain CGI when started without a FastCGI socket.
 * Both FastCGI roles are served: RESPONDER and AUTHORIZER.
 */
#ifndef BARONG_SERVER_H
#define BARONG_SERVER_H

#include "router.h"

struct req;

struct app {
	const char		*prog;		/* "barong-public" */
	const char		*family;	/* "public": mounts the routes */
	const struct route	*routes;
	int			(*start)(void);	/* after config; may be NULL */
	/*
	 * Runs after routing and before parameter validation on every route
	 * without ROUTE_NOAUTH (resource, admin: the bearer JWT).  0, or -1
	 * with r->err set.
	 */
	int			(*authenticate)(struct req *);
	/* Replaces routing when set (barong-authorize). */
	void			(*dispatch)(struct req *);
};

int	server_main(const struct app *, int argc, char **argv);
/* server_main for a family in parts: app->routes is their join. */
int	server_main_parts(struct app *, const struct route_part *const *parts,
	    size_t nparts, int argc, char **argv);
/* Route, validate, run the handler and turn r->err into a reply. */
void	server_dispatch(const struct app *, struct req *);

#endif
