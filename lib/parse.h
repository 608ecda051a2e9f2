/*
 * Parsers of untrusted request input.  Each is bounded, never reads past
 * the given length, and is fuzzed (t/fuzz/).
 */
#ifndef BARONG_PARSE_H
#define BARONG_PARSE_H

#include <stddef.h>
#include <json-c/json.h>

#define PARSE_MAX_DEPTH		8	/* a[b][c]... nesting, JSON depth x4 */

/*
 * application/x-www-form-urlencoded (also query strings) into obj with
 * Rack's nesting rules: "a=1" a string, "a[]=1" appends to an array,
 * "a[b]=1" a nested object; the last of duplicate keys wins.  Returns the
 * number of pairs, or -1 on malformed input (bad %-escape, too many pairs,
 * nesting too deep or conflicting).
 */
int	parse_urlencoded(json_object *obj, const char *s, size_t len,
	    size_t max_pairs);
/*
 * Store v under key (klen bytes, already decoded) in obj with the same
 * nesting rules; takes ownership of v.  An empty key is ignored.  0, or
 * -1 on a conflicting or too deep key.  Used by the multipart parser.
 */
int	parse_store_pair(json_object *obj, const char *key, size_t klen,
	    json_object *v);
/* Percent-decode (and '+' -> ' ' when plus is set); -1 on a bad escape. */
int	parse_pct_decode(const char *s, size_t len, int plus, char *out,
	    size_t *outlen);
/* A JSON request body; NULL on malformed or invalid UTF-8 input. */
json_object *parse_json_body(const char *s, size_t len);
/*
 * Find cookie name in a Cookie header; value points into the header, its
 * length in *vlen.  Returns 0 if found, -1 if not.
 */
int	parse_cookie(const char *header, const char *name, const char **value,
	    size_t *vlen);
/* UTF-8 validity (and no NUL); 1 if valid. */
int	parse_utf8_valid(const char *s, size_t len);
/* Length of the valid UTF-8 sequence at s (n bytes at most), or 0. */
size_t	parse_utf8_seq(const unsigned char *s, size_t n);

#endif
