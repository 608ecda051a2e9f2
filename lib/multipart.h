/*
 * multipart/form-data request bodies (RFC 7578, RFC 2046 section 5.1).
 *
 * Text fields become parameters with Rack's key nesting ("a[]", "a[b]"),
 * like a form body.  A file field keeps its bytes in r->uploads (pointing
 * into the request body) and puts a placeholder object in the parameters,
 * {"filename":"<base name>","type":"<content type>"|null,"size":<bytes>},
 * so that a required "upload[]" counts as present; a handler finds the
 * file of a placeholder with multipart_upload_of(), by identity, so a
 * text field that looks like a placeholder is never taken for a file.
 * A file part with an empty filename (a browser's "no file chosen") is
 * skipped, as Rack does.
 *
 * Limits: the boundary is 1 to 70 characters of RFC 2046's set; at most
 * max_params parts; a part's header block at most MULTIPART_MAX_HEADER
 * bytes and MULTIPART_MAX_LINES lines; a field name or filename at most
 * MULTIPART_MAX_NAME bytes.  The client's filename is kept for its
 * extension only and never used as a path.
 */
#ifndef BARONG_MULTIPART_H
#define BARONG_MULTIPART_H

#include <stddef.h>
#include <json-c/json.h>

struct arena;
struct req;
struct upload;

#define MULTIPART_MAX_BOUNDARY	70
#define MULTIPART_MAX_HEADER	8192
#define MULTIPART_MAX_LINES	16
#define MULTIPART_MAX_NAME	1024

struct mp_part {
	const char	*name;		/* NUL-terminated; may hold no NUL */
	size_t		 namelen;
	const char	*filename;	/* NULL: a text field */
	const char	*content_type;	/* NULL when the part has none */
	const char	*data;		/* into the body, not NUL-terminated */
	size_t		 len;
};

/*
 * The boundary parameter of a Content-Type header value, unquoted, into
 * out.  0, or -1 when absent, empty, too long or of bad characters.
 */
int	multipart_boundary(const char *content_type,
	    char out[MULTIPART_MAX_BOUNDARY + 1]);
/*
 * Split body into parts.  *parts lives in the arena; data points into
 * body.  0, or -1 on a malformed or truncated body or a broken limit.
 */
int	multipart_parse(struct arena *, const char *boundary,
	    const char *body, size_t len, size_t max_parts,
	    struct mp_part **parts, size_t *nparts);
/*
 * Parse r's multipart body (boundary from its Content-Type) into obj and
 * r->uploads.  0, or -1 when malformed (the caller answers 400).
 */
int	multipart_parse_request(struct req *, json_object *obj);
/* The upload whose placeholder is v, or NULL when v is not a file. */
const struct upload *multipart_upload_of(const struct req *, json_object *v);

#endif
