/*
 * Parsers of untrusted input: query strings and form bodies (with Rack's
 * nesting rules), JSON bodies, the Cookie header, UTF-8.  Each one is
 * bounded and fuzzed; none of them allocates outside json-c objects and the
 * caller's buffers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
parse_pct_decode(const char *s, size_t len, int plus, char *out,
    size_t *outlen)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (len - i < 3)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus)
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	*outlen = o;
	return 0;
}

/*
 * Split a decoded key "a[b][]" into segments: "a", "b", "".  A key without
 * well-formed brackets is one literal segment, as in Rack.
 */
static int
split_key(const char *key, size_t klen, const char **seg, size_t *seglen,
    size_t max)
{
	const char	*p, *end = key + klen, *close;
	size_t		 n = 0;

	p = memchr(key, '[', klen);
	if (p == NULL || p == key) {
		seg[0] = key;
		seglen[0] = klen;
		return 1;
	}
	seg[n] = key;
	seglen[n++] = (size_t)(p - key);
	while (p < end && *p == '[') {
		close = memchr(p, ']', (size_t)(end - p));
		if (close == NULL)
			break;
		if (n == max)
			return -1;
		seg[n] = p + 1;
		seglen[n++] = (size_t)(close - p - 1);
		p = close + 1;
	}
	if (p != end) {
		/* Trailing garbage after the brackets: literal key. */
		seg[0] = key;
		seglen[0] = klen;
		return 1;
	}
	return (int)n;
}

static int
seg_name(const char *seg, size_t len, char *name, size_t size)
{
	if (len == 0 || len >= size || memchr(seg, '\0', len) != NULL)
		return -1;
	memcpy(name, seg, len);
	name[len] = '\0';
	return 0;
}

/*
 * Store v at cur[seg[i]][seg[i+1]]...; cur is an object.  An empty segment
 * after a name makes an array ("a[]=1"); a key after it ("a[][k]=1") fills
 * the array's last object, or a new one when that object has the key
 * already, as Rack does.  Returns -1 on a type conflict.
 */
static int
store(json_object *cur, const char **seg, const size_t *seglen, int i,
    int nseg, json_object *v)
{
	json_object	*next, *last;
	char		 name[256], child[256];
	size_t		 n;

	if (seg_name(seg[i], seglen[i], name, sizeof(name)) == -1)
		goto fail;
	if (i == nseg - 1) {
		json_object_object_add(cur, name, v);
		return 0;
	}
	/* A bare "a" (null) is replaced, as Rack's "params[k] ||= {}". */
	if (!json_object_object_get_ex(cur, name, &next) || next == NULL) {
		next = seglen[i + 1] == 0 ? json_object_new_array() :
		    json_object_new_object();
		json_object_object_add(cur, name, next);
	}
	if (seglen[i + 1] != 0) {
		if (!json_object_is_type(next, json_type_object))
			goto fail;
		return store(next, seg, seglen, i + 1, nseg, v);
	}
	if (!json_object_is_type(next, json_type_array))
		goto fail;
	if (i + 1 == nseg - 1) {
		json_object_array_add(next, v);
		return 0;
	}
	if (seg_name(seg[i + 2], seglen[i + 2], child, sizeof(child)) == -1)
		goto fail;
	n = json_object_array_length(next);
	last = n > 0 ? json_object_array_get_idx(next, n - 1) : NULL;
	if (last == NULL || !json_object_is_type(last, json_type_object) ||
	    json_object_object_get_ex(last, child, NULL)) {
		last = json_object_new_object();
		json_object_array_add(next, last);
	}
	return store(last, seg, seglen, i + 2, nseg, v);
fail:
	json_object_put(v);
	return -1;
}

int
parse_store_pair(json_object *obj, const char *key, size_t klen,
    json_object *v)
{
	const char	*seg[PARSE_MAX_DEPTH + 1];
	size_t		 seglen[PARSE_MAX_DEPTH + 1];
	int		 nseg;

	if (klen == 0) {
		json_object_put(v);
		return 0;
	}
	if ((nseg = split_key(key, klen, seg, seglen,
	    PARSE_MAX_DEPTH + 1)) < 0) {
		json_object_put(v);
		return -1;
	}
	return store(obj, seg, seglen, 0, nseg, v);
}

int
parse_urlencoded(json_object *obj, const char *s, size_t len,
    size_t max_pairs)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	const char	*seg[PARSE_MAX_DEPTH + 1];
	size_t		 seglen[PARSE_MAX_DEPTH + 1];
	char		*key = NULL, *val = NULL;
	size_t		 klen, vlen, pairs = 0;
	int		 nseg, rc = -1;

	if ((key = malloc(len + 1)) == NULL || (val = malloc(len + 1)) == NULL)
		goto out;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (++pairs > max_pairs)
			goto out;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (parse_pct_decode(p, (size_t)((eq ? eq : amp) - p), 1,
		    key, &klen) == -1)
			goto out;
		if (eq != NULL) {
			if (parse_pct_decode(eq + 1, (size_t)(amp - eq - 1), 1,
			    val, &vlen) == -1)
				goto out;
		} else
			vlen = 0;
		if (klen > 0) {
			nseg = split_key(key, klen, seg, seglen,
			    PARSE_MAX_DEPTH + 1);
			if (nseg < 0 || store(obj, seg, seglen, 0, nseg,
			    eq != NULL ? json_object_new_string_len(val,
			    (int)vlen) : NULL) == -1)
				goto out;
		}
		p = amp + (amp < end);
	}
	rc = (int)(pairs > 0x7fffffff ? 0x7fffffff : pairs);
out:
	free(key);
	free(val);
	return rc;
}

json_object *
parse_json_body(const char *s, size_t len)
{
	struct json_tokener	*tok;
	json_object		*o;
	size_t			 off;

	if (len > 0x7fffffff || !parse_utf8_valid(s, len))
		return NULL;
	if ((tok = json_tokener_new_ex(PARSE_MAX_DEPTH * 4)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)len);
	off = json_tokener_get_parse_end(tok);
	if (o == NULL && json_tokener_get_error(tok) == json_tokener_continue) {
		/* A number or literal at the very end needs a terminator. */
		o = json_tokener_parse_ex(tok, "", 1);
		off = len;
	}
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	for (; off < len; off++)
		if (strchr(" \t\r\n", s[off]) == NULL || s[off] == '\0') {
			json_object_put(o);
			return NULL;
		}
	return o;
}

int
parse_cookie(const char *h, const char *name, const char **value,
    size_t *vlen)
{
	size_t		 nlen = strlen(name);
	const char	*p = h, *end, *eq, *k, *ke;

	if (h == NULL)
		return -1;
	while (*p != '\0') {
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		k = p;
		while (k < end && (*k == ' ' || *k == '\t'))
			k++;
		eq = memchr(k, '=', (size_t)(end - k));
		if (eq != NULL) {
			ke = eq;
			while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			if ((size_t)(ke - k) == nlen &&
			    memcmp(k, name, nlen) == 0) {
				const char *v = eq + 1, *ve = end;

				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' ||
				    ve[-1] == '\t'))
					ve--;
				if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
					v++;
					ve--;
				}
				*value = v;
				*vlen = (size_t)(ve - v);
				return 0;
			}
		}
		p = *end == ';' ? end + 1 : end;
	}
	return -1;
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 for an
 * invalid one (overlong forms, surrogates, beyond U+10FFFF, truncated).
 */
size_t
parse_utf8_seq(const unsigned char *s, size_t n)
{
	size_t		len, i;
	unsigned long	cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

int
parse_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < len) {
		if (p[i] == 0 || (k = parse_utf8_seq(p + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}
