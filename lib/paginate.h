/*
 * Pagination as Barong's api-pagination gives it (user-api.md §5.20,
 * admin-api.md §4): parameters page (default 1, > 0) and limit (default
 * 100, 1..100) with prefix-less codes, and the response headers Total,
 * Per-Page, Page and Link.
 */
#ifndef BARONG_PAGINATE_H
#define BARONG_PAGINATE_H

#include "params.h"

struct req;

/* Put these two entries last in a route's parameter list (in this order). */
#define PARAM_PAGE \
	{ .name = "page", .type = PT_INTEGER, .flags = P_BADTYPE_VALUE, \
	  .invalid = "non_integer_page", .value_err = "non_positive_page", \
	  .def = "1", .min = 1, .max = 1000000000 }
#define PARAM_LIMIT \
	{ .name = "limit", .type = PT_INTEGER, .flags = P_BADTYPE_VALUE, \
	  .invalid = "non_integer_limit", .value_err = "invalid_limit", \
	  .def = "100", .min = 1, .max = 100 }

struct page {
	long long	page;	/* 1-based */
	long long	limit;
	long long	offset;	/* (page - 1) * limit, for SQL OFFSET */
};

/* The validated page and limit of the request. */
void	paginate_get(const struct req *, struct page *);
/*
 * Add Total, Per-Page, Page and Link for total matching rows.  Link lists
 * first, prev, last, next as Barong's api-pagination does, each URL being
 * the request path with the request's query parameters sorted by name and
 * page replaced.
 */
void	paginate_headers(struct req *, const struct page *, long long total);

#endif
