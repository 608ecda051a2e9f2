/*
 * Mustache renderer over json-c values.  A template is parsed once into a
 * flat array of tokens (text, variable, section, partial) in which each
 * section records where its body ends; rendering walks that array with a
 * context stack.  The parse applies the set-delimiter tags and the
 * standalone-line rule, so rendering never looks at delimiters again.
 * Partials are fetched through the caller's function, copied (indented
 * when the tag stood alone on an indented line) and parsed once per render.
 *
 * Every size is bounded (see mustache.h): template length, open sections,
 * partial depth and count, rendering steps (so nested loops over large
 * arrays cannot spin for ever without output), and output through the
 * struct buf cap.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "mustache.h"

enum tok_type {
	T_TEXT,		/* literal text */
	T_VAR,		/* {{name}}: HTML-escaped */
	T_RAW,		/* {{{name}}} or {{& name}} */
	T_SECTION,	/* {{#name}} ... {{/name}} */
	T_INVERTED,	/* {{^name}} ... {{/name}} */
	T_PARTIAL	/* {{> name}} */
};

/*
 * One token.  p and len are the text, or the tag's name (not terminated);
 * keys are the name split at dots (the whole name for partials), none for
 * the implicit iterator "."; a section's body runs up to the token at end;
 * indent is the indentation of a standalone partial's line.
 */
struct tok {
	enum tok_type	 type;
	unsigned	 line;
	const char	*p;
	size_t		 len;
	char		**keys;
	size_t		 nkeys;
	size_t		 end;
	const char	*indent;
	size_t		 indentlen;
};

struct tmpl {
	struct tok	*toks;
	size_t		 n;
};

struct parser {
	struct arena	*a;
	const char	*p;
	size_t		 len;
	char		 otag[MUSTACHE_MAX_DELIM];
	size_t		 olen;
	char		 ctag[MUSTACHE_MAX_DELIM];
	size_t		 clen;
	struct tok	*toks;
	size_t		 n;
	size_t		 cap;
	size_t		 open[MUSTACHE_MAX_NEST]; /* open sections */
	size_t		 nopen;
	unsigned	 line;	/* line number at linepos */
	size_t		 linepos;
	char		*err;
	size_t		 errlen;
};

/* Room for a name in an error message; see safe_name(). */
#define NAME_BUF	48

/* Sections open at once over the whole partial chain, plus the root. */
#define STACK_MAX	(1 + MUSTACHE_MAX_NEST * (MUSTACHE_MAX_PARTIAL + 1))

struct pcache {
	struct pcache	*next;
	const char	*name;
	const char	*indent;
	size_t		 indentlen;
	int		 found;
	struct tmpl	 t;
};

struct render {
	struct arena		*a;
	struct buf		*out;
	mustache_partial_fn	 partial;
	void			*arg;
	char			*err;
	size_t			 errlen;
	int			 failed;
	json_object		*stack[STACK_MAX];
	size_t			 depth;
	unsigned		 pdepth;
	unsigned long		 steps;
	struct pcache		*cache;
	size_t			 ncache;
};

static void	 seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 fail(struct render *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 render_range(struct render *, const struct tmpl *, size_t,
		    size_t);

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);	/* truncation is fine */
	va_end(ap);
}

/*
 * Copies a name from a template into dst (at least NAME_BUF bytes) for an
 * error message: printable ASCII only, cut at 40 bytes.
 */
static const char *
safe_name(char *dst, const char *p, size_t len)
{
	size_t	i, n;

	n = len > 40 ? 40 : len;
	for (i = 0; i < n; i++)
		dst[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
	if (n < len) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
	return dst;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Finds needle in s between from and len; sets *at and returns 1, or
 * returns 0.
 */
static int
find(const char *s, size_t from, size_t len, const char *needle,
    size_t nlen, size_t *at)
{
	const char	*q;
	size_t		 i, last;

	if (nlen == 0 || from > len || len - from < nlen)
		return 0;
	last = len - nlen;	/* last possible start */
	for (i = from; i <= last; i++) {
		q = memchr(s + i, needle[0], last - i + 1);
		if (q == NULL)
			return 0;
		i = (size_t)(q - s);
		if (memcmp(s + i, needle, nlen) == 0) {
			*at = i;
			return 1;
		}
	}
	return 0;
}

/* Line number of pos; positions must be asked for in increasing order. */
static unsigned
line_at(struct parser *ps, size_t pos)
{
	const char	*q;

	while (ps->linepos < pos) {
		q = memchr(ps->p + ps->linepos, '\n', pos - ps->linepos);
		if (q == NULL) {
			ps->linepos = pos;
			break;
		}
		ps->line++;
		ps->linepos = (size_t)(q - ps->p) + 1;
	}
	return ps->line;
}

static struct tok *
tok_add(struct parser *ps, enum tok_type type, unsigned line)
{
	struct tok	*t;
	size_t		 cap;

	if (ps->n == ps->cap) {
		cap = ps->cap ? ps->cap * 2 : 32;
		t = arena_alloc(ps->a, cap * sizeof(*t));
		if (ps->n > 0)
			memcpy(t, ps->toks, ps->n * sizeof(*t));
		ps->toks = t;
		ps->cap = cap;
	}
	t = &ps->toks[ps->n++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->line = line;
	return t;
}

static void
text_add(struct parser *ps, size_t from, size_t to)
{
	struct tok	*t;

	if (to <= from)
		return;
	t = tok_add(ps, T_TEXT, 0);
	t->p = ps->p + from;
	t->len = to - from;
}

/*
 * Sets the token's name and its keys: split at dots when dotted (each part
 * non-empty; "." alone is the implicit iterator), whole otherwise.
 * Returns 0, or -1 when the name is empty or malformed.
 */
static int
name_set(struct parser *ps, struct tok *t, const char *p, size_t len,
    int dotted)
{
	size_t	 i, k, start;

	t->p = p;
	t->len = len;
	if (len == 0 || memchr(p, '\0', len) != NULL)
		return -1;
	if (!dotted) {
		t->keys = arena_alloc(ps->a, sizeof(char *));
		t->keys[0] = arena_strndup(ps->a, p, len);
		t->nkeys = 1;
		return 0;
	}
	if (len == 1 && p[0] == '.') {
		t->nkeys = 0;
		return 0;
	}
	t->nkeys = 1;
	for (i = 0; i < len; i++)
		if (p[i] == '.')
			t->nkeys++;
	t->keys = arena_alloc(ps->a, t->nkeys * sizeof(char *));
	for (i = start = k = 0; i <= len; i++) {
		if (i < len && p[i] != '.')
			continue;
		if (i == start)
			return -1;	/* "a..b", ".a", "a." */
		t->keys[k++] = arena_strndup(ps->a, p + start, i - start);
		start = i + 1;
	}
	return 0;
}

/* Applies "<% %>", the trimmed inside of {{=<% %>=}}; 0 or -1. */
static int
delims_set(struct parser *ps, const char *p, size_t len)
{
	size_t	 i, olen, cstart;

	for (olen = 0; olen < len && !is_space(p[olen]); olen++)
		continue;
	for (cstart = olen; cstart < len && is_space(p[cstart]); cstart++)
		continue;
	if (olen == 0 || cstart == len || cstart == olen ||
	    olen > MUSTACHE_MAX_DELIM || len - cstart > MUSTACHE_MAX_DELIM)
		return -1;
	for (i = 0; i < len; i++)
		if (p[i] == '=' || (i >= cstart && is_space(p[i])))
			return -1;
	memcpy(ps->otag, p, olen);
	ps->olen = olen;
	memcpy(ps->ctag, p + cstart, len - cstart);
	ps->clen = len - cstart;
	return 0;
}

/* A tag found by tag_next(). */
struct tag {
	int		 type;	/* # ^ / > ! & = { or 0 for a variable */
	unsigned	 line;
	size_t		 o;	/* where the open delimiter starts */
	size_t		 end;	/* just past the close delimiter */
	size_t		 ns;	/* the trimmed inside: name, or delimiters */
	size_t		 ne;
	int		 standalone;
	size_t		 ls;	/* standalone: start of the indentation */
	size_t		 after;	/* standalone: start of the next line */
};

/*
 * Finds the next tag from pos; text is where the pending text began.
 * Returns 1 with *tg filled in, 0 when there is none, -1 on error.
 */
static int
tag_next(struct parser *ps, size_t pos, size_t text, struct tag *tg)
{
	const char	*p = ps->p;
	char		 needle[MUSTACHE_MAX_DELIM + 1];
	size_t		 c, e, nlen;

	if (!find(p, pos, ps->len, ps->otag, ps->olen, &tg->o))
		return 0;
	tg->line = line_at(ps, tg->o);
	c = tg->o + ps->olen;
	tg->type = c < ps->len ? (unsigned char)p[c] : 0;
	switch (tg->type) {
	case '#': case '^': case '/': case '>':
	case '!': case '&': case '=': case '{':
		c++;
		break;
	case '<': case '$':
		seterr(ps->err, ps->errlen, "line %u: unsupported tag \"%c\"",
		    tg->line, tg->type);
		return -1;
	default:
		tg->type = 0;
		break;
	}

	/* {{{x}}} ends with "}}}", {{=a b=}} with "=}}". */
	nlen = 0;
	if (tg->type == '{')
		needle[nlen++] = '}';
	else if (tg->type == '=')
		needle[nlen++] = '=';
	memcpy(needle + nlen, ps->ctag, ps->clen);
	nlen += ps->clen;
	if (!find(p, c, ps->len, needle, nlen, &e)) {
		seterr(ps->err, ps->errlen, "line %u: unclosed tag", tg->line);
		return -1;
	}
	tg->end = e + nlen;
	for (tg->ns = c; tg->ns < e && is_space(p[tg->ns]); tg->ns++)
		continue;
	for (tg->ne = e; tg->ne > tg->ns && is_space(p[tg->ne - 1]); tg->ne--)
		continue;

	/*
	 * Standalone: a section, inverted, close, comment, partial or
	 * delimiter tag alone on its line but for blanks.  The whole line
	 * goes, newline included.
	 */
	tg->standalone = 0;
	if (tg->type == 0 || tg->type == '&' || tg->type == '{')
		return 1;
	for (tg->ls = tg->o; tg->ls > text && is_blank(p[tg->ls - 1]); tg->ls--)
		continue;
	if (tg->ls > 0 && p[tg->ls - 1] != '\n')
		return 1;
	for (e = tg->end; e < ps->len && is_blank(p[e]); e++)
		continue;
	if (e == ps->len)
		tg->after = e;
	else if (p[e] == '\n')
		tg->after = e + 1;
	else if (p[e] == '\r' && e + 1 < ps->len && p[e + 1] == '\n')
		tg->after = e + 2;
	else
		return 1;
	tg->standalone = 1;
	return 1;
}

/* Closes the innermost section with the tag; 0 or -1. */
static int
section_close(struct parser *ps, const struct tag *tg)
{
	struct tok	*tk;
	const char	*name = ps->p + tg->ns;
	size_t		 len = tg->ne - tg->ns;
	char		 n1[NAME_BUF], n2[NAME_BUF];

	if (ps->nopen == 0) {
		seterr(ps->err, ps->errlen,
		    "line %u: closing tag \"%s\" without section", tg->line,
		    safe_name(n1, name, len));
		return -1;
	}
	tk = &ps->toks[ps->open[ps->nopen - 1]];
	if (tk->len != len || memcmp(tk->p, name, len) != 0) {
		seterr(ps->err, ps->errlen, "line %u: closing tag \"%s\" "
		    "does not match section \"%s\" (line %u)", tg->line,
		    safe_name(n1, name, len), safe_name(n2, tk->p, tk->len),
		    tk->line);
		return -1;
	}
	tk->end = ps->n;
	ps->nopen--;
	return 0;
}

/* Turns a tag into a token, or applies it; 0 or -1. */
static int
tag_apply(struct parser *ps, const struct tag *tg)
{
	struct tok	*tk;
	const char	*name = ps->p + tg->ns;
	size_t		 len = tg->ne - tg->ns;
	char		 n1[NAME_BUF];
	int		 rc;

	switch (tg->type) {
	case '!':
		return 0;
	case '=':
		if (delims_set(ps, name, len) == 0)
			return 0;
		seterr(ps->err, ps->errlen,
		    "line %u: invalid set delimiter tag", tg->line);
		return -1;
	case '/':
		return section_close(ps, tg);
	case '#':
	case '^':
		if (ps->nopen == MUSTACHE_MAX_NEST) {
			seterr(ps->err, ps->errlen,
			    "line %u: sections nested too deeply", tg->line);
			return -1;
		}
		tk = tok_add(ps, tg->type == '#' ? T_SECTION : T_INVERTED,
		    tg->line);
		ps->open[ps->nopen++] = ps->n - 1;
		rc = name_set(ps, tk, name, len, 1);
		break;
	case '>':
		tk = tok_add(ps, T_PARTIAL, tg->line);
		if (tg->standalone) {
			tk->indent = ps->p + tg->ls;
			tk->indentlen = tg->o - tg->ls;
		}
		rc = name_set(ps, tk, name, len, 0);
		break;
	default:
		tk = tok_add(ps, tg->type == 0 ? T_VAR : T_RAW, tg->line);
		rc = name_set(ps, tk, name, len, 1);
		break;
	}
	if (rc == -1)
		seterr(ps->err, ps->errlen, "line %u: invalid name \"%s\"",
		    tg->line, safe_name(n1, name, len));
	return rc;
}

/*
 * Parses len bytes at p into t, allocating from a.  Returns 0, or -1 with
 * a message in err.
 */
static int
parse(struct arena *a, const char *p, size_t len, struct tmpl *t,
    char *err, size_t errlen)
{
	struct parser	 ps;
	struct tag	 tg;
	struct tok	*tk;
	char		 n1[NAME_BUF];
	size_t		 pos, text;
	int		 rc;

	memset(&ps, 0, sizeof(ps));
	ps.a = a;
	ps.p = p;
	ps.len = len;
	memcpy(ps.otag, "{{", 2);
	ps.olen = 2;
	memcpy(ps.ctag, "}}", 2);
	ps.clen = 2;
	ps.line = 1;
	ps.err = err;
	ps.errlen = errlen;

	for (pos = text = 0; (rc = tag_next(&ps, pos, text, &tg)) == 1;) {
		if (tg.standalone) {
			text_add(&ps, text, tg.ls);
			text = pos = tg.after;
		} else {
			text_add(&ps, text, tg.o);
			text = pos = tg.end;
		}
		if (tag_apply(&ps, &tg) == -1)
			return -1;
	}
	if (rc == -1)
		return -1;
	text_add(&ps, text, len);

	if (ps.nopen > 0) {
		tk = &ps.toks[ps.open[ps.nopen - 1]];
		seterr(err, errlen, "line %u: unclosed section \"%s\"",
		    tk->line, safe_name(n1, tk->p, tk->len));
		return -1;
	}
	t->toks = ps.toks;
	t->n = ps.n;
	return 0;
}

/* Records the first error; always returns -1. */
static int
fail(struct render *r, const char *fmt, ...)
{
	va_list	ap;

	if (!r->failed && r->err != NULL && r->errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	r->failed = 1;
	return -1;
}

static int
step(struct render *r)
{
	if (++r->steps > MUSTACHE_MAX_STEPS)
		return fail(r, "template too expensive to render");
	return 0;
}

static int
emit(struct render *r, const char *p, size_t n)
{
	struct buf	*b = r->out;

	if (n == 0)
		return 0;
	if (b->err || b->len > b->max || n > b->max - b->len) {
		b->err = 1;
		return fail(r, "output too large");
	}
	buf_add(b, p, n);
	if (b->err)
		return fail(r, "output too large");
	return 0;
}

static int
emit_escaped(struct render *r, const char *s, size_t n)
{
	const char	*ent;
	size_t		 i, run;

	for (i = run = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		if (emit(r, s + run, i - run) == -1 ||
		    emit(r, ent, strlen(ent)) == -1)
			return -1;
		run = i + 1;
	}
	return emit(r, s + run, n - run);
}

/*
 * Resolves the token's name on the context stack: "." is the top; the
 * first part of a dotted name is looked up outward, the rest inward.
 * Returns 1 with *vp set (possibly to NULL, JSON null), or 0 when missing.
 */
static int
lookup(const struct render *r, const struct tok *tk, json_object **vp)
{
	json_object	*o, *v = NULL;
	size_t		 i, k;

	if (tk->nkeys == 0) {
		*vp = r->stack[r->depth - 1];
		return 1;
	}
	for (i = r->depth; i-- > 0;) {
		o = r->stack[i];
		if (json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, tk->keys[0], &v))
			break;
	}
	if (i == (size_t)-1)
		return 0;
	for (k = 1; k < tk->nkeys; k++)
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, tk->keys[k], &v))
			return 0;
	*vp = v;
	return 1;
}

static int
truthy(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_array:
		return json_object_array_length(v) > 0;
	case json_type_string:
		return json_object_get_string_len(v) > 0;
	default:
		return 1;
	}
}

static int
put_value(struct render *r, json_object *v, int escape)
{
	const char	*s;
	size_t		 n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_string:
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		break;
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		n = strlen(s);
		break;
	default:
		s = json_object_to_json_string_length(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &n);
		if (s == NULL)
			return fail(r, "could not print value");
		break;
	}
	return escape ? emit_escaped(r, s, n) : emit(r, s, n);
}

static int
push(struct render *r, json_object *v)
{
	if (r->depth == STACK_MAX)
		return fail(r, "sections nested too deeply");
	r->stack[r->depth++] = v;
	return 0;
}

/*
 * Finds the partial for tk in the cache, or fetches, indents and parses it.
 * Sets *tp to NULL when the partial does not exist.  Returns 0 or -1.
 */
static int
partial_get(struct render *r, const struct tok *tk, const struct tmpl **tp)
{
	struct pcache	*pc;
	const char	*text;
	char		*copy, msg[256], nm[NAME_BUF];
	size_t		 n, i, lines, size, k;

	for (pc = r->cache; pc != NULL; pc = pc->next)
		if (strcmp(pc->name, tk->keys[0]) == 0 &&
		    pc->indentlen == tk->indentlen && (tk->indentlen == 0 ||
		    memcmp(pc->indent, tk->indent, tk->indentlen) == 0)) {
			*tp = pc->found ? &pc->t : NULL;
			return 0;
		}

	safe_name(nm, tk->p, tk->len);
	if (r->ncache == MUSTACHE_MAX_PARTIALS)
		return fail(r, "too many partials");
	pc = arena_alloc(r->a, sizeof(*pc));
	memset(pc, 0, sizeof(*pc));
	pc->name = tk->keys[0];
	pc->indent = tk->indent;
	pc->indentlen = tk->indentlen;
	n = 0;
	text = NULL;
	if (r->partial != NULL)
		text = r->partial(tk->keys[0], &n, r->arg);
	if (text != NULL) {
		if (n > MUSTACHE_MAX_TEMPLATE)
			return fail(r, "partial \"%s\": template too large",
			    nm);
		/* The indentation goes before every line of the partial. */
		lines = 0;
		if (tk->indentlen > 0 && n > 0) {
			lines = 1;
			for (i = 0; i + 1 < n; i++)
				if (text[i] == '\n')
					lines++;
		}
		if (lines > 0 && (tk->indentlen > MUSTACHE_MAX_TEMPLATE ||
		    lines > (MUSTACHE_MAX_TEMPLATE - n) / tk->indentlen))
			return fail(r, "partial \"%s\": template too large",
			    nm);
		size = n + lines * tk->indentlen;
		copy = arena_alloc(r->a, size + 1);
		for (i = k = 0; i < n; i++) {
			if (lines > 0 && (i == 0 || text[i - 1] == '\n')) {
				memcpy(copy + k, tk->indent, tk->indentlen);
				k += tk->indentlen;
			}
			copy[k++] = text[i];
		}
		copy[k] = '\0';
		if (parse(r->a, copy, k, &pc->t, msg, sizeof(msg)) == -1)
			return fail(r, "partial \"%s\": %s", nm, msg);
		pc->found = 1;
	}
	pc->next = r->cache;
	r->cache = pc;
	r->ncache++;
	*tp = pc->found ? &pc->t : NULL;
	return 0;
}

static int
render_partial(struct render *r, const struct tok *tk)
{
	const struct tmpl	*pt;
	int			 rc;

	if (r->pdepth >= MUSTACHE_MAX_PARTIAL)
		return fail(r, "partials nested too deeply");
	if (partial_get(r, tk, &pt) == -1)
		return -1;
	if (pt == NULL)
		return 0;
	r->pdepth++;
	rc = render_range(r, pt, 0, pt->n);
	r->pdepth--;
	return rc;
}

static int
render_section(struct render *r, const struct tmpl *t, size_t i)
{
	const struct tok	*tk = &t->toks[i];
	json_object		*v = NULL;
	size_t			 k, n;
	int			 rc, on;

	on = lookup(r, tk, &v) && truthy(v);
	if (tk->type == T_INVERTED)
		return on ? 0 : render_range(r, t, i + 1, tk->end);
	if (!on)
		return 0;
	if (!json_object_is_type(v, json_type_array)) {
		if (push(r, v) == -1)
			return -1;
		rc = render_range(r, t, i + 1, tk->end);
		r->depth--;
		return rc;
	}
	n = json_object_array_length(v);
	for (k = 0; k < n; k++) {
		if (step(r) == -1 ||
		    push(r, json_object_array_get_idx(v, k)) == -1)
			return -1;
		rc = render_range(r, t, i + 1, tk->end);
		r->depth--;
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Renders tokens from up to (not including) to. */
static int
render_range(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
	const struct tok	*tk;
	json_object		*v;
	size_t			 i;

	for (i = from; i < to; i++) {
		tk = &t->toks[i];
		if (step(r) == -1)
			return -1;
		switch (tk->type) {
		case T_TEXT:
			if (emit(r, tk->p, tk->len) == -1)
				return -1;
			break;
		case T_VAR:
		case T_RAW:
			v = NULL;
			if (lookup(r, tk, &v) &&
			    put_value(r, v, tk->type == T_VAR) == -1)
				return -1;
			break;
		case T_SECTION:
		case T_INVERTED:
			if (render_section(r, t, i) == -1)
				return -1;
			i = tk->end - 1;
			break;
		case T_PARTIAL:
			if (render_partial(r, tk) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

int
mustache_render(const char *tpl, size_t len, json_object *ctx,
    mustache_partial_fn partial, void *arg, struct buf *out,
    char *err, size_t errlen)
{
	struct render	 r;
	struct tmpl	 t;
	char		 msg[256];

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&r, 0, sizeof(r));
	r.a = out->a;
	r.out = out;
	r.partial = partial;
	r.arg = arg;
	r.err = err;
	r.errlen = errlen;
	if (tpl == NULL) {
		tpl = "";
		len = 0;
	}
	if (len > MUSTACHE_MAX_TEMPLATE)
		return fail(&r, "template too large");
	if (parse(r.a, tpl, len, &t, msg, sizeof(msg)) == -1)
		return fail(&r, "%s", msg);
	r.stack[r.depth++] = ctx;
	if (render_range(&r, &t, 0, t.n) == -1)
		return -1;
	if (out->err)
		return fail(&r, "output too large");
	return 0;
}
