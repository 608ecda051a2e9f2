#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "http.h"
#include "parse.h"
#include "router.h"

/*
 * Barong answers under /api/v2/barong/<family> and, behind a gateway that
 * strips "barong/", under /api/v2/<family>.
 */
const char *
router_strip_mount(const char *path, const char *family)
{
	static const char *const mounts[] = { "/api/v2/barong/", "/api/v2/" };
	size_t	i, m, f = strlen(family);

	for (i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		m = strlen(mounts[i]);
		if (strncmp(path, mounts[i], m) != 0 ||
		    strncmp(path + m, family, f) != 0)
			continue;
		if (path[m + f] == '/')
			return path + m + f;
		if (path[m + f] == '\0')
			return "";
	}
	return NULL;
}

/* Match one pattern against a relative path; fills vars. */
static int
match(struct req *r, const char *pat, const char *path)
{
	const char	*pe, *se;
	size_t		 nvar = 0, plen, slen, dlen;
	char		*dec;

	for (;;) {
		if (*pat == '\0' || *path == '\0')
			return *pat == '\0' && *path == '\0';
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		if (strcmp(pat, "*") == 0) {
			r->route_rest = path;
			return 1;
		}
		pe = strchr(pat, '/');
		plen = pe ? (size_t)(pe - pat) : strlen(pat);
		se = strchr(path, '/');
		slen = se ? (size_t)(se - path) : strlen(path);
		if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}') {
			if (slen == 0 || nvar == sizeof(r->route_vars) /
			    sizeof(r->route_vars[0]))
				return 0;
			dec = arena_alloc(r->a, slen + 1);
			if (parse_pct_decode(path, slen, 0, dec, &dlen) == -1 ||
			    !parse_utf8_valid(dec, dlen))
				return 0;
			r->route_vars[nvar++] = dec;
		} else if (plen != slen || memcmp(pat, path, plen) != 0)
			return 0;
		pat += plen;
		path += slen;
	}
}

/* Route variables override body and query parameters of the same name. */
void
router_bind_vars(const struct route *rt, struct req *r)
{
	const char	*p = rt->pattern, *e;
	size_t		 i = 0;
	char		 name[64];

	while ((p = strchr(p, '{')) != NULL && r->route_vars[i] != NULL) {
		if ((e = strchr(p, '}')) == NULL)
			break;
		if ((size_t)(e - p - 1) < sizeof(name) && r->input != NULL) {
			memcpy(name, p + 1, (size_t)(e - p - 1));
			name[e - p - 1] = '\0';
			json_object_object_add(r->input, name,
			    json_object_new_string(r->route_vars[i]));
		}
		i++;
		p = e;
	}
}

const struct route *
router_match(const struct route *routes, const char *family, struct req *r)
{
	const struct route	*rt;
	const char		*rel, *method = r->method;

	if ((rel = router_strip_mount(r->path, family)) == NULL)
		return NULL;
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (rt = routes; rt->pattern != NULL; rt++) {
		if (strcmp(rt->method, method) != 0)
			continue;
		memset(r->route_vars, 0, sizeof(r->route_vars));
		r->route_rest = NULL;
		if (match(r, rt->pattern, rel))
			return rt;
	}
	return NULL;
}

const struct route *
router_join(const struct route_part *const *parts, size_t nparts)
{
	const struct route	*rt;
	struct route		*all;
	size_t			 n = 0, i, k = 0;

	for (i = 0; i < nparts; i++)
		for (rt = parts[i]->routes; rt->method != NULL; rt++)
			n++;
	if ((all = calloc(n + 1, sizeof(*all))) == NULL)
		return NULL;
	for (i = 0; i < nparts; i++)
		for (rt = parts[i]->routes; rt->method != NULL; rt++)
			all[k++] = *rt;
	return all;
}

int
router_parts_start(const struct route_part *const *parts, size_t nparts)
{
	size_t	i;

	for (i = 0; i < nparts; i++)
		if (parts[i]->start != NULL && parts[i]->start() == -1)
			return -1;
	return 0;
}
