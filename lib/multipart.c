/*
 * multipart/form-data bodies: see multipart.h.  The parser works on the
 * body in memory (already bounded by body_limit) and never copies file
 * data; every length it reads is checked against the end of the body.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "conf.h"
#include "http.h"
#include "json.h"
#include "multipart.h"
#include "parse.h"

/* RFC 2046 bcharsnospace, plus the space (not last). */
static int
is_bchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* RFC 9110 tchar. */
static int
is_tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) !=
	    NULL);
}

static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * The next ";name=value" parameter of a header value in [*pp, end).
 * Quoted values lose their quotes and backslash escapes.  The value is
 * copied into the arena.  1 found, 0 at the end, -1 malformed.
 */
static int
next_param(struct arena *a, const char **pp, const char *end,
    const char **name, size_t *nlen, char **val, size_t *vlen)
{
	const char	*p = skip_ows(*pp, end), *v0, *ve;
	char		*out;
	size_t		 o = 0;

	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	if (p == end)
		return 0;	/* a trailing ';', as browsers never send */
	*name = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if ((*nlen = (size_t)(p - *name)) == 0)
		return -1;
	p = skip_ows(p, end);
	if (p == end || *p != '=')
		return -1;
	p = skip_ows(p + 1, end);
	out = arena_alloc(a, (size_t)(end - p) + 1);
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			out[o++] = *p;
		}
		if (p == end)
			return -1;	/* unterminated quoted string */
		p++;
	} else {
		v0 = p;
		while (p < end && *p != ';' && *p != '"')
			p++;
		ve = p;
		while (ve > v0 && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		memcpy(out, v0, (size_t)(ve - v0));
		o = (size_t)(ve - v0);
	}
	out[o] = '\0';
	*val = out;
	*vlen = o;
	*pp = p;
	return 1;
}

int
multipart_boundary(const char *ct, char out[MULTIPART_MAX_BOUNDARY + 1])
{
	struct arena	*a;
	const char	*p, *end, *name;
	char		*val;
	size_t		 nlen, vlen, i;
	int		 rc = -1, k;

	if (ct == NULL || (p = strchr(ct, ';')) == NULL)
		return -1;
	end = ct + strlen(ct);
	a = arena_new(1024);
	while ((k = next_param(a, &p, end, &name, &nlen, &val, &vlen)) == 1) {
		if (nlen != 8 || strncasecmp(name, "boundary", 8) != 0)
			continue;
		if (vlen == 0 || vlen > MULTIPART_MAX_BOUNDARY ||
		    val[vlen - 1] == ' ')
			break;
		for (i = 0; i < vlen; i++)
			if (!is_bchar((unsigned char)val[i]))
				break;
		if (i < vlen)
			break;
		memcpy(out, val, vlen + 1);
		rc = 0;
		break;
	}
	arena_free(a);
	return rc;
}

/* The first "\r\n--boundary" at or after p, or NULL. */
static const char *
find_delim(const char *p, const char *end, const char *dash, size_t dlen)
{
	const char	*cr;

	while ((size_t)(end - p) >= dlen + 2) {
		cr = memchr(p, '\r', (size_t)(end - p) - dlen - 1);
		if (cr == NULL)
			return NULL;
		if (cr[1] == '\n' && memcmp(cr + 2, dash, dlen) == 0)
			return cr;
		p = cr + 1;
	}
	return NULL;
}

/* filename*=UTF-8''%e2%82%ac.png (RFC 5987): the decoded name. */
static int
ext_value(char *v, size_t *len)
{
	char	*q1, *q2;

	if ((q1 = memchr(v, '\'', *len)) == NULL ||
	    (q2 = memchr(q1 + 1, '\'', *len - (size_t)(q1 + 1 - v))) == NULL)
		return -1;
	q2++;
	return parse_pct_decode(q2, *len - (size_t)(q2 - v), 0, v, len);
}

static int
content_disposition(struct arena *a, const char *p, const char *end,
    struct mp_part *part)
{
	const char	*t = p, *name;
	char		*val, *fname = NULL, *fstar = NULL;
	size_t		 nlen, vlen, flen = 0, slen = 0;
	int		 k, has_name = 0;

	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if (p - t != 9 || strncasecmp(t, "form-data", 9) != 0)
		return -1;
	while ((k = next_param(a, &p, end, &name, &nlen, &val, &vlen)) == 1) {
		if (nlen == 4 && strncasecmp(name, "name", 4) == 0) {
			if (has_name++)
				return -1;
			part->name = val;
			part->namelen = vlen;
		} else if (nlen == 8 && strncasecmp(name, "filename", 8) == 0) {
			fname = val;
			flen = vlen;
		} else if (nlen == 9 && strncasecmp(name, "filename*", 9) == 0) {
			fstar = val;
			slen = vlen;
			if (ext_value(fstar, &slen) == -1)
				return -1;
		}
	}
	if (k == -1 || !has_name || part->namelen > MULTIPART_MAX_NAME)
		return -1;
	if (fstar != NULL) {
		fname = fstar;
		flen = slen;
	}
	if (fname != NULL && (flen > MULTIPART_MAX_NAME ||
	    memchr(fname, '\0', flen) != NULL))
		return -1;
	part->filename = fname;
	return 0;
}

/* One header line [p, eol) of a part. */
static int
part_header(struct arena *a, const char *p, const char *eol,
    struct mp_part *part, int *has_cd)
{
	const char	*colon, *q, *v, *ve;

	for (q = p; q < eol; q++)
		if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f)
			return -1;
	if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL ||
	    colon == p)
		return -1;
	for (q = p; q < colon; q++)
		if (!is_tchar((unsigned char)*q))
			return -1;	/* also refuses obsolete folding */
	v = skip_ows(colon + 1, eol);
	ve = eol;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	if (colon - p == 19 && strncasecmp(p, "content-disposition", 19) == 0) {
		if ((*has_cd)++)
			return -1;
		return content_disposition(a, v, ve, part);
	}
	if (colon - p == 12 && strncasecmp(p, "content-type", 12) == 0)
		part->content_type = arena_strndup(a, v, (size_t)(ve - v));
	return 0;
}

/* The header block at *pp; leaves *pp after its empty line. */
static int
part_headers(struct arena *a, const char **pp, const char *end,
    struct mp_part *part)
{
	const char	*p = *pp, *limit, *eol;
	int		 lines = 0, has_cd = 0;

	limit = (size_t)(end - p) > MULTIPART_MAX_HEADER ?
	    p + MULTIPART_MAX_HEADER : end;
	for (;;) {
		eol = p;
		while ((eol = memchr(eol, '\r', (size_t)(limit - eol))) !=
		    NULL && (eol + 1 >= limit || eol[1] != '\n'))
			eol++;
		if (eol == NULL)
			return -1;	/* truncated, or a header too big */
		if (eol == p)
			break;
		if (++lines > MULTIPART_MAX_LINES ||
		    part_header(a, p, eol, part, &has_cd) == -1)
			return -1;
		p = eol + 2;
	}
	*pp = p + 2;
	return has_cd ? 0 : -1;
}

int
multipart_parse(struct arena *a, const char *boundary, const char *body,
    size_t len, size_t max_parts, struct mp_part **parts, size_t *nparts)
{
	const char	*p, *end = body + len, *d;
	struct mp_part	*v = NULL, *nv, part;
	size_t		 blen = strlen(boundary), dlen, n = 0, cap = 0;
	char		*dash;

	*parts = NULL;
	*nparts = 0;
	if (blen == 0 || blen > MULTIPART_MAX_BOUNDARY)
		return -1;
	dlen = blen + 2;
	dash = arena_printf(a, "--%s", boundary);
	if (len >= dlen && memcmp(body, dash, dlen) == 0)
		p = body;
	else if ((d = find_delim(body, end, dash, dlen)) != NULL)
		p = d + 2;	/* after a preamble */
	else
		return -1;
	for (;;) {
		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;	/* the close delimiter; the epilogue is ignored */
		p = skip_ows(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		if (n == max_parts)
			return -1;
		memset(&part, 0, sizeof(part));
		if (part_headers(a, &p, end, &part) == -1)
			return -1;
		if ((d = find_delim(p, end, dash, dlen)) == NULL)
			return -1;	/* truncated */
		part.data = p;
		part.len = (size_t)(d - p);
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			nv = arena_alloc(a, cap * sizeof(*nv));
			if (n > 0)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		v[n++] = part;
		p = d + 2;
	}
	*parts = v;
	*nparts = n;
	return 0;
}

/* The last path component: IE sent C:\dir\name.png. */
static const char *
base_name(const char *f)
{
	const char	*s;

	for (s = f; *s != '\0'; s++)
		if (*s == '/' || *s == '\\')
			f = s + 1;
	return f;
}

static json_object *
placeholder(const struct mp_part *p, const char *base)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "filename", json_object_new_string(base));
	json_object_object_add(o, "type",
	    json_new_string_or_null(p->content_type));
	json_object_object_add(o, "size", json_object_new_int64(
	    (int64_t)p->len));
	return o;
}

int
multipart_parse_request(struct req *r, json_object *obj)
{
	char		 boundary[MULTIPART_MAX_BOUNDARY + 1];
	struct mp_part	*parts;
	struct upload	*u;
	json_object	*v;
	size_t		 n, i, files = 0;

	if (multipart_boundary(http_env(r, "CONTENT_TYPE"), boundary) == -1 ||
	    multipart_parse(r->a, boundary, r->body, r->body_len,
	    (size_t)cfg.max_params, &parts, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		files += parts[i].filename != NULL;
	r->uploads = arena_alloc(r->a, (files + 1) * sizeof(*r->uploads));
	r->nuploads = 0;
	for (i = 0; i < n; i++) {
		if (parts[i].len > INT_MAX)
			return -1;
		if (parts[i].filename == NULL) {
			v = json_object_new_string_len(parts[i].data,
			    (int)parts[i].len);
			if (parse_store_pair(obj, parts[i].name,
			    parts[i].namelen, v) == -1)
				return -1;
			continue;
		}
		if (parts[i].filename[0] == '\0')
			continue;	/* no file chosen */
		v = placeholder(&parts[i], base_name(parts[i].filename));
		/* Our own reference keeps its address unique until reset. */
		json_adopt(r->a, json_object_get(v));
		if (parse_store_pair(obj, parts[i].name, parts[i].namelen,
		    v) == -1)
			return -1;
		u = &r->uploads[r->nuploads++];
		u->field = parts[i].name;
		u->filename = base_name(parts[i].filename);
		u->content_type = parts[i].content_type;
		u->data = parts[i].data;
		u->len = parts[i].len;
		u->placeholder = v;
	}
	return 0;
}

const struct upload *
multipart_upload_of(const struct req *r, json_object *v)
{
	size_t	i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < r->nuploads; i++)
		if (r->uploads[i].placeholder == v)
			return &r->uploads[i];
	return NULL;
}
