/*
 * Routes: method + path pattern, mounted under both /api/v2/barong/<family>
 * and /api/v2/<family> (the gateway strips "barong/").  A pattern is a
 * literal path whose segments may be "{name}" (one segment) and whose last
 * segment may be "*" (the rest of the path, possibly empty).  HEAD is
 * answered by GET routes.  An unknown path or method is Barong's 404
 * {"error":"Route is not found"}.
 */
#ifndef BARONG_ROUTER_H
#define BARONG_ROUTER_H

struct req;
struct param;

typedef int (*handler_fn)(struct req *);

struct route {
	const char		*method;	/* "GET", "POST", ... */
	const char		*pattern;	/* "/users/{kid}" */
	handler_fn		 handler;	/* 0: replied; -1: r->err set */
	const struct param	*params;	/* ends with a NULL name; may be NULL */
	const char		*prefix;	/* error-code prefix, "public.general" */
	unsigned		 flags;		/* ROUTE_* */
};

/* No bearer check for this route (Barong skips it on "swagger" paths). */
#define ROUTE_NOAUTH	0x01

/*
 * A family's routes can come in parts, one per source file (the resource
 * and admin families): router_join() concatenates the parts' tables, in
 * order, into one table ending with a NULL method (malloc'd once at start;
 * NULL when out of memory).
 */
struct route_part {
	const struct route	*routes;	/* ends with a NULL method */
	int			(*start)(void);	/* may be NULL */
};
const struct route *router_join(const struct route_part *const *parts,
		    size_t nparts);
/* Run the parts' start hooks in order; 0, or -1 at the first failure. */
int		 router_parts_start(const struct route_part *const *parts,
		    size_t nparts);

/* Returns the route, or NULL (404).  Fills r->route_vars and r->route_rest. */
const struct route *router_match(const struct route *, const char *family,
		    struct req *);
/* Copy the route's {name} values into r->input (they override the body). */
void		 router_bind_vars(const struct route *, struct req *);
/* The path relative to the family's mount, or NULL when outside it. */
const char	*router_strip_mount(const char *path, const char *family);

#endif
