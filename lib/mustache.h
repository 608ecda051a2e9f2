/*
 * Mustache templates (the core of the mustache spec) rendered over json-c
 * values: {{name}} (HTML-escaped), {{{name}}} and {{& name}} (raw), dotted
 * names, the context stack and {{.}}, sections {{#x}} and inverted sections
 * {{^x}}, comments {{! }}, partials {{> name}}, set delimiters {{=<% %>=}}
 * and the spec's standalone-line rule.  No lambdas, no inheritance.
 *
 * Templates come from the operator's files and contexts from the database,
 * so neither is trusted for sizes: template length, section nesting,
 * partial nesting, rendering work and output length are all bounded, and a
 * malformed template is an error, never a crash.
 */
#ifndef BARONG_MUSTACHE_H
#define BARONG_MUSTACHE_H

#include <stddef.h>
#include <json-c/json.h>

struct buf;

/*
 * Limits: bytes in a template or partial; sections open at once in one
 * template; partials rendered inside partials; distinct partials (name and
 * indentation) in one render; tokens and iterations rendered; bytes in a
 * set delimiter.
 */
#define MUSTACHE_MAX_TEMPLATE	(1024 * 1024)
#define MUSTACHE_MAX_NEST	32
#define MUSTACHE_MAX_PARTIAL	8
#define MUSTACHE_MAX_PARTIALS	64
#define MUSTACHE_MAX_STEPS	(4 * 1024 * 1024)
#define MUSTACHE_MAX_DELIM	16

/*
 * Looks up a partial by name (the tag's text, trimmed: it may hold any
 * character, so a loader that maps names to files must refuse '/' and
 * leading dots).  Returns the partial's text and sets *len, or returns NULL
 * when there is no such partial, which renders as nothing (as the spec
 * says).  The text is copied before the function is called again, so it
 * need only live until then.
 */
typedef const char *(*mustache_partial_fn)(const char *name, size_t *len,
    void *arg);

/*
 * Renders the template tpl (len bytes, not necessarily NUL-terminated) with
 * the context ctx (any json-c value, NULL for none) and appends the result
 * to out, whose own cap bounds the output.  Partials are looked up through
 * partial (may be NULL: no partials) with arg, each at most once per call.
 * Internal structures are allocated from out's arena and live as long as it.
 *
 * Values render as follows: strings as they are, numbers as json-c prints
 * them, booleans as true/false, null and missing names as nothing, objects
 * and arrays as their JSON text.  Sections skip false, null, missing, empty
 * arrays and empty strings; arrays iterate, any other value is pushed on the
 * context stack and renders the body once.
 *
 * Returns 0, or -1 with a short message in err (when err is not NULL and
 * errlen is not 0), e.g. "line 3: unclosed section \"items\"",
 * "partial \"footer\": line 1: unclosed tag", "output too large",
 * "partials nested too deeply".  On error out holds a partial rendering
 * that the caller should discard.
 */
int	 mustache_render(const char *tpl, size_t len, json_object *ctx,
	    mustache_partial_fn partial, void *arg, struct buf *out,
	    char *err, size_t errlen);

#endif
