/*
 * Barong's YAML data files into json-c values (see yaml.h).
 *
 * The text first goes through a tiny ERB expander that knows only the
 * three forms Barong's stock files use, then through libyaml's event
 * parser, which is not recursive; we keep our own stack, bounded by
 * YAML_MAX_DEPTH, so hostile nesting stops early.  Aliases are refused
 * (no "billion laughs"); anchors and tags are ignored.  Every scalar is a
 * string except the plain, untagged null forms.  A mapping key must be a
 * scalar; a repeated key keeps its first position and its last value, as
 * Ruby's Psych does.  Only the first document of a stream is wanted, so a
 * second one is an error rather than silently ignored.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <yaml.h>

#include "yamlfile.h"

#define YAML_MAX_SIZE	(1024 * 1024)	/* bytes, before and after ERB */
#define YAML_MAX_DEPTH	32		/* nested mappings and sequences */
#define ERB_MAX_NAME	128

static void
seterr(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ ERB */

struct obuf {
	char	*p;
	size_t	 len, cap;
};

static int
obuf_add(struct obuf *o, const char *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (n > YAML_MAX_SIZE || o->len + n > YAML_MAX_SIZE)
		return -1;
	if (o->len + n + 1 > o->cap) {
		cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		if ((p = realloc(o->p, cap)) == NULL)
			return -1;
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
	return 0;
}

/* The first occurrence of the two bytes a, b in s[0..n), or NULL. */
static const char *
find_pair(const char *s, size_t n, char a, char b)
{
	const char	*p, *end = s + n;

	while ((p = memchr(s, a, (size_t)(end - s))) != NULL) {
		if (p + 1 < end && p[1] == b)
			return p;
		s = p + 1;
	}
	return NULL;
}

static size_t
line_of(const char *text, size_t off)
{
	size_t	i, line = 1;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

struct erb {
	const char	*s;	/* tag contents */
	size_t		 len, i;
};

static void
erb_ws(struct erb *e)
{
	while (e->i < e->len && (e->s[e->i] == ' ' || e->s[e->i] == '\t' ||
	    e->s[e->i] == '\n' || e->s[e->i] == '\r'))
		e->i++;
}

static int
erb_lit(struct erb *e, const char *lit)
{
	size_t	n = strlen(lit);

	erb_ws(e);
	if (e->len - e->i < n || memcmp(e->s + e->i, lit, n) != 0)
		return 0;
	e->i += n;
	return 1;
}

/*
 * A Ruby string literal, '...' or "..." with \\ and \<quote> escapes,
 * copied into out (NUL-terminated).  Returns 0 or -1.
 */
static int
erb_string(struct erb *e, char *out, size_t outlen)
{
	char	 q;
	size_t	 o = 0;

	erb_ws(e);
	if (e->i >= e->len || (e->s[e->i] != '"' && e->s[e->i] != '\''))
		return -1;
	q = e->s[e->i++];
	while (e->i < e->len && e->s[e->i] != q) {
		if (e->s[e->i] == '\\' && e->i + 1 < e->len &&
		    (e->s[e->i + 1] == q || e->s[e->i + 1] == '\\'))
			e->i++;
		if (e->s[e->i] == '\0' || o + 1 >= outlen)
			return -1;
		out[o++] = e->s[e->i++];
	}
	if (e->i >= e->len)
		return -1;
	e->i++;
	out[o] = '\0';
	return 0;
}

static int
erb_valid_name(const char *name)
{
	const char	*p;

	if (*name == '\0')
		return 0;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/*
 * The default of ENV.fetch: a string literal, nil, true, false or an
 * integer, rendered as Ruby's to_s would.
 */
static int
erb_default(struct erb *e, char *out, size_t outlen)
{
	size_t	 start, n;

	erb_ws(e);
	if (e->i < e->len && (e->s[e->i] == '"' || e->s[e->i] == '\''))
		return erb_string(e, out, outlen);
	if (erb_lit(e, "nil")) {
		out[0] = '\0';
		return 0;
	}
	start = e->i;
	if (e->i < e->len && e->s[e->i] == '-')
		e->i++;
	while (e->i < e->len && e->s[e->i] >= '0' && e->s[e->i] <= '9')
		e->i++;
	n = e->i - start;
	if (n > 0 && !(n == 1 && e->s[start] == '-')) {
		if (n >= outlen)
			return -1;
		memcpy(out, e->s + start, n);
		out[n] = '\0';
		return 0;
	}
	e->i = start;
	if (erb_lit(e, "true")) {
		snprintf(out, outlen, "true");
		return 0;
	}
	if (erb_lit(e, "false")) {
		snprintf(out, outlen, "false");
		return 0;
	}
	return -1;
}

/*
 * Evaluate the inside of one <%= %> tag.  On success *val points to the
 * value (the environment or dflt) and 0 is returned; -1 with errbuf set.
 */
static int
erb_eval(struct erb *e, const char **val, char *dflt, size_t dfltlen,
    size_t line, char *errbuf, size_t errlen)
{
	char		 name[ERB_MAX_NAME];
	const char	*env;
	int		 fetch, has_default = 0;

	if (!erb_lit(e, "ENV"))
		goto unsupported;
	if (erb_lit(e, ".fetch")) {
		fetch = 1;
		if (!erb_lit(e, "("))
			goto unsupported;
	} else if (erb_lit(e, "["))
		fetch = 0;
	else
		goto unsupported;
	if (erb_string(e, name, sizeof(name)) == -1 || !erb_valid_name(name))
		goto unsupported;
	if (fetch && erb_lit(e, ",")) {
		if (erb_default(e, dflt, dfltlen) == -1)
			goto unsupported;
		has_default = 1;
	}
	if (!erb_lit(e, fetch ? ")" : "]"))
		goto unsupported;
	erb_ws(e);
	if (e->i != e->len)
		goto unsupported;
	if ((env = getenv(name)) != NULL)
		*val = env;
	else if (has_default)
		*val = dflt;
	else if (!fetch) {
		dflt[0] = '\0';
		*val = dflt;		/* ENV["X"] of an unset X is nil */
	} else {
		seterr(errbuf, errlen, "line %zu: key not found: \"%s\"",
		    line, name);
		return -1;
	}
	return 0;
unsupported:
	seterr(errbuf, errlen, "line %zu: unsupported ERB expression", line);
	return -1;
}

char *
yaml_expand_erb(const char *text, size_t len, size_t *outlen, char *errbuf,
    size_t errlen)
{
	struct obuf	 o = { NULL, 0, 0 };
	struct erb	 e;
	const char	*open, *close, *val;
	char		 dflt[1024];
	size_t		 i = 0, line;

	if (len > YAML_MAX_SIZE) {
		seterr(errbuf, errlen, "text larger than %d bytes",
		    YAML_MAX_SIZE);
		return NULL;
	}
	if (obuf_add(&o, "", 0) == -1)
		goto nomem;
	while (i < len) {
		open = find_pair(text + i, len - i, '<', '%');
		if (open == NULL) {
			if (obuf_add(&o, text + i, len - i) == -1)
				goto toolarge;
			break;
		}
		if (obuf_add(&o, text + i, (size_t)(open - (text + i))) == -1)
			goto toolarge;
		line = line_of(text, (size_t)(open - text));
		i = (size_t)(open - text) + 2;
		if (i >= len || text[i] != '=') {
			seterr(errbuf, errlen, "line %zu: unsupported ERB tag",
			    line);
			goto fail;
		}
		i++;
		close = find_pair(text + i, len - i, '%', '>');
		if (close == NULL) {
			seterr(errbuf, errlen, "line %zu: unterminated ERB tag",
			    line);
			goto fail;
		}
		e.s = text + i;
		e.len = (size_t)(close - (text + i));
		e.i = 0;
		if (erb_eval(&e, &val, dflt, sizeof(dflt), line, errbuf,
		    errlen) == -1)
			goto fail;
		if (obuf_add(&o, val, strlen(val)) == -1)
			goto toolarge;
		i = (size_t)(close - text) + 2;
	}
	if (outlen != NULL)
		*outlen = o.len;
	return o.p;
toolarge:
	seterr(errbuf, errlen, "text larger than %d bytes after ERB expansion",
	    YAML_MAX_SIZE);
	goto fail;
nomem:
	seterr(errbuf, errlen, "out of memory");
fail:
	free(o.p);
	return NULL;
}

/* ----------------------------------------------------------------- YAML */

struct frame {
	json_object	*node;
	int		 is_map;
	char		*key;		/* mapping: key waiting for its value */
};

static int
is_null_scalar(const yaml_event_t *ev)
{
	const char	*v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !ev->data.scalar.plain_implicit)
		return 0;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

/*
 * Attach node to the innermost open collection (or make it the root).
 * Ownership of node passes to the parent in every case.
 */
static void
attach(struct frame *stack, int depth, json_object **root,
    json_object *node)
{
	struct frame	*top;

	if (depth == 0) {
		*root = node;
		return;
	}
	top = &stack[depth - 1];
	if (!top->is_map) {
		json_object_array_add(top->node, node);
		return;
	}
	json_object_object_add(top->node, top->key, node);
	free(top->key);
	top->key = NULL;
}

static json_object *
parse_events(const char *text, size_t len, char *errbuf, size_t errlen)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct frame	 stack[YAML_MAX_DEPTH];
	json_object	*root = NULL, *node;
	const char	*val;
	size_t		 line, vlen;
	int		 depth = 0, ndocs = 0, done = 0, ok = 0, have_root = 0;
	int		 i;

	if (!yaml_parser_initialize(&p)) {
		seterr(errbuf, errlen, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			seterr(errbuf, errlen, "line %zu, column %zu: %s%s%s",
			    (size_t)p.problem_mark.line + 1,
			    (size_t)p.problem_mark.column + 1,
			    p.problem != NULL ? p.problem : "syntax error",
			    p.context != NULL ? " " : "",
			    p.context != NULL ? p.context : "");
			goto out;
		}
		line = (size_t)ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
		case YAML_NO_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				seterr(errbuf, errlen, "line %zu: more than "
				    "one document", line);
				goto fail;
			}
			break;
		case YAML_ALIAS_EVENT:
			seterr(errbuf, errlen, "line %zu: aliases are not "
			    "allowed", line);
			goto fail;
		case YAML_SCALAR_EVENT:
			val = (const char *)ev.data.scalar.value;
			vlen = ev.data.scalar.length;
			if (memchr(val, '\0', vlen) != NULL) {
				seterr(errbuf, errlen, "line %zu: NUL "
				    "character in scalar", line);
				goto fail;
			}
			if (depth > 0 && stack[depth - 1].is_map &&
			    stack[depth - 1].key == NULL) {
				if ((stack[depth - 1].key = strdup(val)) ==
				    NULL) {
					seterr(errbuf, errlen, "out of memory");
					goto fail;
				}
				break;
			}
			node = is_null_scalar(&ev) ? NULL :
			    json_object_new_string_len(val, (int)vlen);
			attach(stack, depth, &root, node);
			have_root = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth > 0 && stack[depth - 1].is_map &&
			    stack[depth - 1].key == NULL) {
				seterr(errbuf, errlen, "line %zu: mapping "
				    "keys must be scalars", line);
				goto fail;
			}
			if (depth == YAML_MAX_DEPTH) {
				seterr(errbuf, errlen, "line %zu: nested "
				    "deeper than %d levels", line,
				    YAML_MAX_DEPTH);
				goto fail;
			}
			if (ev.type == YAML_MAPPING_START_EVENT)
				node = json_object_new_object();
			else
				node = json_object_new_array();
			if (node == NULL) {
				seterr(errbuf, errlen, "out of memory");
				goto fail;
			}
			attach(stack, depth, &root, node);
			have_root = 1;
			stack[depth].node = node;
			stack[depth].is_map =
			    ev.type == YAML_MAPPING_START_EVENT;
			stack[depth].key = NULL;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0) {
				depth--;
				free(stack[depth].key);
				stack[depth].key = NULL;
			}
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!have_root || root == NULL) {
		seterr(errbuf, errlen, "empty document");
		goto out;
	}
	ok = 1;
	goto out;
fail:
	yaml_event_delete(&ev);
out:
	for (i = 0; i < depth; i++)
		free(stack[i].key);
	yaml_parser_delete(&p);
	if (!ok) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

json_object *
yaml_load_string(const char *text, size_t len, char *errbuf, size_t errlen)
{
	json_object	*o;
	char		*exp;
	size_t		 explen;

	if (len > YAML_MAX_SIZE) {
		seterr(errbuf, errlen, "text larger than %d bytes",
		    YAML_MAX_SIZE);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		seterr(errbuf, errlen, "line %zu: NUL character",
		    line_of(text, (size_t)((const char *)memchr(text, '\0',
		    len) - text)));
		return NULL;
	}
	if ((exp = yaml_expand_erb(text, len, &explen, errbuf, errlen)) ==
	    NULL)
		return NULL;
	o = parse_events(exp, explen, errbuf, errlen);
	free(exp);
	return o;
}

json_object *
yaml_load_file(const char *path, char *errbuf, size_t errlen)
{
	struct stat	 st;
	json_object	*o = NULL;
	char		*text = NULL, msg[512];
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(errbuf, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > YAML_MAX_SIZE) {
		seterr(errbuf, errlen, "%s: file larger than %d bytes", path,
		    YAML_MAX_SIZE);
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		seterr(errbuf, errlen, "%s: out of memory", path);
		goto out;
	}
	/* Read at most one byte more than announced to catch growth. */
	while (len <= (size_t)st.st_size) {
		n = read(fd, text + len, (size_t)st.st_size + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			seterr(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > (size_t)st.st_size) {
		seterr(errbuf, errlen, "%s: file changed while reading", path);
		goto out;
	}
	if ((o = yaml_load_string(text, len, msg, sizeof(msg))) == NULL)
		seterr(errbuf, errlen, "%s: %s", path, msg);
out:
	free(text);
	close(fd);
	return o;
}
