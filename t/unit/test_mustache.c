/*
 * Unit tests for lib/mustache.c: the mustache spec's core cases
 * (interpolation, sections, inverted, comments, partials, delimiters) as
 * tables, escaping, missing keys, the limits (nesting, partial recursion,
 * output cap, work), template errors, and every template in templates/.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "unit.h"
#include "arena.h"
#include "buf.h"
#include "mustache.h"
#include "yamlfile.h"

#define NPARTIALS	3

struct partial {
	const char	*name;
	const char	*text;
};

struct spec_case {
	const char	*name;
	const char	*data;		/* JSON */
	const char	*tpl;
	const char	*want;
	struct partial	 partials[NPARTIALS];
};

static struct arena	*arena;
static char		 errbuf[256];

/* Partial loader for the tables: the case's own list. */
static const char *
case_partial(const char *name, size_t *len, void *arg)
{
	const struct spec_case	*c = arg;
	size_t			 i;

	for (i = 0; i < NPARTIALS && c->partials[i].name != NULL; i++)
		if (strcmp(c->partials[i].name, name) == 0) {
			*len = strlen(c->partials[i].text);
			return c->partials[i].text;
		}
	return NULL;
}

/* Renders into a fresh buffer of at most max bytes; NULL on error. */
static const char *
render_max(const char *tpl, json_object *ctx, mustache_partial_fn fn,
    void *arg, size_t max)
{
	struct buf	b;

	buf_init(&b, arena, max);
	errbuf[0] = '\0';
	if (mustache_render(tpl, strlen(tpl), ctx, fn, arg, &b, errbuf,
	    sizeof(errbuf)) == -1) {
		CU_ASSERT(errbuf[0] != '\0');
		return NULL;
	}
	return buf_cstr(&b);
}

static const char *
render(const char *tpl, const char *json)
{
	json_object	*ctx;
	const char	*s;

	ctx = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	s = render_max(tpl, ctx, NULL, NULL, 1 << 20);
	json_object_put(ctx);
	return s;
}

/* Renders tpl and returns the error message, or NULL if it rendered. */
static const char *
render_err(const char *tpl, const char *json, mustache_partial_fn fn,
    void *arg)
{
	json_object	*ctx;
	const char	*s;

	ctx = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	s = render_max(tpl, ctx, fn, arg, 1 << 20);
	json_object_put(ctx);
	return s == NULL ? errbuf : NULL;
}

static void
run_cases(const struct spec_case *cases, size_t n)
{
	json_object	*ctx;
	const char	*got;
	size_t		 i;

	for (i = 0; i < n; i++) {
		ctx = json_tokener_parse(cases[i].data);
		if (ctx == NULL && strcmp(cases[i].data, "null") != 0) {
			fprintf(stderr, "\n%s: bad JSON\n", cases[i].name);
			CU_FAIL("bad JSON in case");
			continue;
		}
		got = render_max(cases[i].tpl, ctx, case_partial,
		    (void *)&cases[i], 1 << 20);
		if (got == NULL || strcmp(got, cases[i].want) != 0) {
			fprintf(stderr, "\n%s:\n  want [%s]\n  got  [%s] %s\n",
			    cases[i].name, cases[i].want,
			    got ? got : "(error)", got ? "" : errbuf);
			CU_FAIL("spec case");
		} else
			CU_PASS("spec case");
		json_object_put(ctx);
		arena_reset(arena);
	}
}

#define RUN(t)	run_cases((t), sizeof(t) / sizeof((t)[0]))

/* ~interpolation.yml */
static const struct spec_case interpolation[] = {
	{ "No Interpolation", "{}",
	  "Hello from {Mustache}!\n", "Hello from {Mustache}!\n", { { 0 } } },
	{ "Basic Interpolation", "{\"subject\":\"world\"}",
	  "Hello, {{subject}}!\n", "Hello, world!\n", { { 0 } } },
	{ "No Re-interpolation",
	  "{\"template\":\"{{planet}}\",\"planet\":\"Earth\"}",
	  "{{template}}: {{planet}}", "{{planet}}: Earth", { { 0 } } },
	{ "HTML Escaping", "{\"forbidden\":\"& \\\" < >\"}",
	  "These characters should be HTML escaped: {{forbidden}}\n",
	  "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n",
	  { { 0 } } },
	{ "Triple Mustache", "{\"forbidden\":\"& \\\" < >\"}",
	  "These characters should not be HTML escaped: {{{forbidden}}}\n",
	  "These characters should not be HTML escaped: & \" < >\n",
	  { { 0 } } },
	{ "Ampersand", "{\"forbidden\":\"& \\\" < >\"}",
	  "These characters should not be HTML escaped: {{&forbidden}}\n",
	  "These characters should not be HTML escaped: & \" < >\n",
	  { { 0 } } },
	{ "Basic Integer Interpolation", "{\"mph\":85}",
	  "\"{{mph}} miles an hour!\"", "\"85 miles an hour!\"", { { 0 } } },
	{ "Triple Mustache Integer Interpolation", "{\"mph\":85}",
	  "\"{{{mph}}} miles an hour!\"", "\"85 miles an hour!\"",
	  { { 0 } } },
	{ "Ampersand Integer Interpolation", "{\"mph\":85}",
	  "\"{{&mph}} miles an hour!\"", "\"85 miles an hour!\"", { { 0 } } },
	/* The spec writes 1.210; json-c prints a parsed double as written. */
	{ "Basic Decimal Interpolation", "{\"power\":1.21}",
	  "\"{{power}} jiggawatts!\"", "\"1.21 jiggawatts!\"", { { 0 } } },
	{ "Triple Mustache Decimal Interpolation", "{\"power\":1.21}",
	  "\"{{{power}}} jiggawatts!\"", "\"1.21 jiggawatts!\"", { { 0 } } },
	{ "Basic Null Interpolation", "{\"cannot\":null}",
	  "I ({{cannot}}) be seen!", "I () be seen!", { { 0 } } },
	{ "Triple Mustache Null Interpolation", "{\"cannot\":null}",
	  "I ({{{cannot}}}) be seen!", "I () be seen!", { { 0 } } },
	{ "Context Misses Interpolation", "{}",
	  "I ({{cannot}}) be seen!", "I () be seen!", { { 0 } } },
	{ "Dotted Names - Basic Interpolation",
	  "{\"person\":{\"name\":\"Joe\"}}",
	  "\"{{person.name}}\" == \"{{#person}}{{name}}{{/person}}\"",
	  "\"Joe\" == \"Joe\"", { { 0 } } },
	{ "Dotted Names - Triple Mustache Interpolation",
	  "{\"person\":{\"name\":\"Joe\"}}",
	  "\"{{{person.name}}}\" == \"{{#person}}{{{name}}}{{/person}}\"",
	  "\"Joe\" == \"Joe\"", { { 0 } } },
	{ "Dotted Names - Arbitrary Depth",
	  "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Phil\"}}}}}}",
	  "\"{{a.b.c.d.e.name}}\" == \"Phil\"", "\"Phil\" == \"Phil\"",
	  { { 0 } } },
	{ "Dotted Names - Broken Chains", "{\"a\":{}}",
	  "\"{{a.b.c}}\" == \"\"", "\"\" == \"\"", { { 0 } } },
	{ "Dotted Names - Broken Chain Resolution",
	  "{\"a\":{\"b\":{}},\"c\":{\"name\":\"Jim\"}}",
	  "\"{{a.b.c.name}}\" == \"\"", "\"\" == \"\"", { { 0 } } },
	{ "Dotted Names - Initial Resolution",
	  "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Phil\"}}}}},"
	  "\"b\":{\"c\":{\"d\":{\"e\":{\"name\":\"Wrong\"}}}}}",
	  "\"{{#a}}{{b.c.d.e.name}}{{/a}}\" == \"Phil\"",
	  "\"Phil\" == \"Phil\"", { { 0 } } },
	{ "Dotted Names - Context Precedence",
	  "{\"a\":{\"b\":{}},\"b\":{\"c\":\"ERROR\"}}",
	  "{{#a}}{{b.c}}{{/a}}", "", { { 0 } } },
	{ "Implicit Iterators - Basic Interpolation", "\"world\"",
	  "Hello, {{.}}!\n", "Hello, world!\n", { { 0 } } },
	{ "Implicit Iterators - HTML Escaping", "\"& \\\" < >\"",
	  "These characters should be HTML escaped: {{.}}\n",
	  "These characters should be HTML escaped: &amp; &quot; &lt; &gt;\n",
	  { { 0 } } },
	{ "Implicit Iterators - Triple Mustache", "\"& \\\" < >\"",
	  "These characters should not be HTML escaped: {{{.}}}\n",
	  "These characters should not be HTML escaped: & \" < >\n",
	  { { 0 } } },
	{ "Implicit Iterators - Basic Integer Interpolation", "85",
	  "\"{{.}} miles an hour!\"", "\"85 miles an hour!\"", { { 0 } } },
	{ "Interpolation - Surrounding Whitespace", "{\"string\":\"---\"}",
	  "| {{string}} |", "| --- |", { { 0 } } },
	{ "Triple Mustache - Surrounding Whitespace", "{\"string\":\"---\"}",
	  "| {{{string}}} |", "| --- |", { { 0 } } },
	{ "Ampersand - Surrounding Whitespace", "{\"string\":\"---\"}",
	  "| {{&string}} |", "| --- |", { { 0 } } },
	{ "Interpolation - Standalone", "{\"string\":\"---\"}",
	  "  {{string}}\n", "  ---\n", { { 0 } } },
	{ "Triple Mustache - Standalone", "{\"string\":\"---\"}",
	  "  {{{string}}}\n", "  ---\n", { { 0 } } },
	{ "Ampersand - Standalone", "{\"string\":\"---\"}",
	  "  {{&string}}\n", "  ---\n", { { 0 } } },
	{ "Interpolation With Padding", "{\"string\":\"---\"}",
	  "|{{ string }}|", "|---|", { { 0 } } },
	{ "Triple Mustache With Padding", "{\"string\":\"---\"}",
	  "|{{{ string }}}|", "|---|", { { 0 } } },
	{ "Ampersand With Padding", "{\"string\":\"---\"}",
	  "|{{& string }}|", "|---|", { { 0 } } },
};

/* ~sections.yml */
static const struct spec_case sections[] = {
	{ "Truthy", "{\"boolean\":true}",
	  "\"{{#boolean}}This should be rendered.{{/boolean}}\"",
	  "\"This should be rendered.\"", { { 0 } } },
	{ "Falsey", "{\"boolean\":false}",
	  "\"{{#boolean}}This should not be rendered.{{/boolean}}\"",
	  "\"\"", { { 0 } } },
	{ "Null is falsey", "{\"null\":null}",
	  "\"{{#null}}This should not be rendered.{{/null}}\"",
	  "\"\"", { { 0 } } },
	{ "Context", "{\"context\":{\"name\":\"Joe\"}}",
	  "\"{{#context}}Hi {{name}}.{{/context}}\"", "\"Hi Joe.\"",
	  { { 0 } } },
	{ "Parent contexts",
	  "{\"a\":\"foo\",\"b\":\"wrong\",\"sec\":{\"b\":\"bar\"},"
	  "\"c\":{\"d\":\"baz\"}}",
	  "\"{{#sec}}{{a}}, {{b}}, {{c.d}}{{/sec}}\"", "\"foo, bar, baz\"",
	  { { 0 } } },
	{ "Variable test", "{\"foo\":\"bar\"}",
	  "\"{{#foo}}{{.}} is {{foo}}{{/foo}}\"", "\"bar is bar\"",
	  { { 0 } } },
	{ "List Context",
	  "{\"tops\":[{\"tname\":{\"upper\":\"A\",\"lower\":\"a\"},"
	  "\"middles\":[{\"mname\":\"1\",\"bottoms\":[{\"bname\":\"x\"},"
	  "{\"bname\":\"y\"}]}]}]}",
	  "{{#tops}}{{#middles}}{{tname.lower}}{{mname}}.{{#bottoms}}"
	  "{{tname.upper}}{{mname}}{{bname}}.{{/bottoms}}{{/middles}}"
	  "{{/tops}}",
	  "a1.A1x.A1y.", { { 0 } } },
	{ "Deeply Nested Contexts",
	  "{\"a\":{\"one\":1},\"b\":{\"two\":2},"
	  "\"c\":{\"three\":3,\"d\":{\"four\":4,\"five\":5}}}",
	  "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n"
	  "{{one}}{{two}}{{three}}{{two}}{{one}}\n{{#d}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n"
	  "{{#five}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}"
	  "{{one}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{.}}6{{.}}{{four}}{{three}}"
	  "{{two}}{{one}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{five}}{{four}}{{three}}{{two}}"
	  "{{one}}\n"
	  "{{/five}}\n"
	  "{{one}}{{two}}{{three}}{{four}}{{three}}{{two}}{{one}}\n"
	  "{{/d}}\n{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n"
	  "{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/a}}\n",
	  "1\n121\n12321\n1234321\n123454321\n12345654321\n123454321\n"
	  "1234321\n12321\n121\n1\n", { { 0 } } },
	{ "List", "{\"list\":[{\"item\":1},{\"item\":2},{\"item\":3}]}",
	  "\"{{#list}}{{item}}{{/list}}\"", "\"123\"", { { 0 } } },
	{ "Empty List", "{\"list\":[]}",
	  "\"{{#list}}Yay lists!{{/list}}\"", "\"\"", { { 0 } } },
	{ "Doubled", "{\"bool\":true,\"two\":\"second\"}",
	  "{{#bool}}\n* first\n{{/bool}}\n* {{two}}\n{{#bool}}\n* third\n"
	  "{{/bool}}\n",
	  "* first\n* second\n* third\n", { { 0 } } },
	{ "Nested (Truthy)", "{\"bool\":true}",
	  "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
	  "| A B C D E |", { { 0 } } },
	{ "Nested (Falsey)", "{\"bool\":false}",
	  "| A {{#bool}}B {{#bool}}C{{/bool}} D{{/bool}} E |",
	  "| A  E |", { { 0 } } },
	{ "Context Misses", "{}",
	  "[{{#missing}}Found key 'missing'!{{/missing}}]", "[]",
	  { { 0 } } },
	{ "Implicit Iterator - String",
	  "{\"list\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
	  "\"{{#list}}({{.}}){{/list}}\"", "\"(a)(b)(c)(d)(e)\"", { { 0 } } },
	{ "Implicit Iterator - Integer", "{\"list\":[1,2,3,4,5]}",
	  "\"{{#list}}({{.}}){{/list}}\"", "\"(1)(2)(3)(4)(5)\"", { { 0 } } },
	{ "Implicit Iterator - Decimal",
	  "{\"list\":[1.1,2.2,3.3,4.4,5.5]}",
	  "\"{{#list}}({{.}}){{/list}}\"",
	  "\"(1.1)(2.2)(3.3)(4.4)(5.5)\"", { { 0 } } },
	{ "Implicit Iterator - Array",
	  "{\"list\":[[1,2,3],[\"a\",\"b\",\"c\"]]}",
	  "\"{{#list}}({{#.}}{{.}}{{/.}}){{/list}}\"", "\"(123)(abc)\"",
	  { { 0 } } },
	{ "Implicit Iterator - HTML Escaping",
	  "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
	  "\"{{#list}}({{.}}){{/list}}\"",
	  "\"(&amp;)(&quot;)(&lt;)(&gt;)\"", { { 0 } } },
	{ "Implicit Iterator - Triple mustache",
	  "{\"list\":[\"&\",\"\\\"\",\"<\",\">\"]}",
	  "\"{{#list}}({{{.}}}){{/list}}\"", "\"(&)(\")(<)(>)\"",
	  { { 0 } } },
	{ "Dotted Names - Truthy", "{\"a\":{\"b\":{\"c\":true}}}",
	  "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"Here\"",
	  "\"Here\" == \"Here\"", { { 0 } } },
	{ "Dotted Names - Falsey", "{\"a\":{\"b\":{\"c\":false}}}",
	  "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"", "\"\" == \"\"",
	  { { 0 } } },
	{ "Dotted Names - Broken Chains", "{\"a\":{}}",
	  "\"{{#a.b.c}}Here{{/a.b.c}}\" == \"\"", "\"\" == \"\"",
	  { { 0 } } },
	{ "Surrounding Whitespace", "{\"boolean\":true}",
	  " | {{#boolean}}\t|\t{{/boolean}} | \n", " | \t|\t | \n",
	  { { 0 } } },
	{ "Internal Whitespace", "{\"boolean\":true}",
	  " | {{#boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
	  " |  \n  | \n", { { 0 } } },
	{ "Indented Inline Sections", "{\"boolean\":true}",
	  " {{#boolean}}YES{{/boolean}}\n {{#boolean}}GOOD{{/boolean}}\n",
	  " YES\n GOOD\n", { { 0 } } },
	{ "Standalone Lines", "{\"boolean\":true}",
	  "| This Is\n{{#boolean}}\n|\n{{/boolean}}\n| A Line\n",
	  "| This Is\n|\n| A Line\n", { { 0 } } },
	{ "Indented Standalone Lines", "{\"boolean\":true}",
	  "| This Is\n  {{#boolean}}\n|\n  {{/boolean}}\n| A Line\n",
	  "| This Is\n|\n| A Line\n", { { 0 } } },
	{ "Standalone Line Endings", "{\"boolean\":true}",
	  "|\r\n{{#boolean}}\r\n{{/boolean}}\r\n|", "|\r\n|", { { 0 } } },
	{ "Standalone Without Previous Line", "{\"boolean\":true}",
	  "  {{#boolean}}\n#{{/boolean}}\n/", "#\n/", { { 0 } } },
	{ "Standalone Without Newline", "{\"boolean\":true}",
	  "#{{#boolean}}\n/\n  {{/boolean}}", "#\n/\n", { { 0 } } },
	{ "Padding", "{\"boolean\":true}",
	  "|{{# boolean }}={{/ boolean }}|", "|=|", { { 0 } } },
};

/* ~inverted.yml */
static const struct spec_case inverted[] = {
	{ "Falsey", "{\"boolean\":false}",
	  "\"{{^boolean}}This should be rendered.{{/boolean}}\"",
	  "\"This should be rendered.\"", { { 0 } } },
	{ "Truthy", "{\"boolean\":true}",
	  "\"{{^boolean}}This should not be rendered.{{/boolean}}\"",
	  "\"\"", { { 0 } } },
	{ "Null is falsey", "{\"null\":null}",
	  "\"{{^null}}This should be rendered.{{/null}}\"",
	  "\"This should be rendered.\"", { { 0 } } },
	{ "Context", "{\"context\":{\"name\":\"Joe\"}}",
	  "\"{{^context}}Hi {{name}}.{{/context}}\"", "\"\"", { { 0 } } },
	{ "List", "{\"list\":[{\"n\":1},{\"n\":2},{\"n\":3}]}",
	  "\"{{^list}}{{n}}{{/list}}\"", "\"\"", { { 0 } } },
	{ "Empty List", "{\"list\":[]}",
	  "\"{{^list}}Yay lists!{{/list}}\"", "\"Yay lists!\"", { { 0 } } },
	{ "Doubled", "{\"bool\":false,\"two\":\"second\"}",
	  "{{^bool}}\n* first\n{{/bool}}\n* {{two}}\n{{^bool}}\n* third\n"
	  "{{/bool}}\n",
	  "* first\n* second\n* third\n", { { 0 } } },
	{ "Nested (Falsey)", "{\"bool\":false}",
	  "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |",
	  "| A B C D E |", { { 0 } } },
	{ "Nested (Truthy)", "{\"bool\":true}",
	  "| A {{^bool}}B {{^bool}}C{{/bool}} D{{/bool}} E |",
	  "| A  E |", { { 0 } } },
	{ "Context Misses", "{}",
	  "[{{^missing}}Found key 'missing'!{{/missing}}]",
	  "[Found key 'missing'!]", { { 0 } } },
	{ "Dotted Names - Truthy", "{\"a\":{\"b\":{\"c\":true}}}",
	  "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"\"", "\"\" == \"\"",
	  { { 0 } } },
	{ "Dotted Names - Falsey", "{\"a\":{\"b\":{\"c\":false}}}",
	  "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"",
	  "\"Not Here\" == \"Not Here\"", { { 0 } } },
	{ "Dotted Names - Broken Chains", "{\"a\":{}}",
	  "\"{{^a.b.c}}Not Here{{/a.b.c}}\" == \"Not Here\"",
	  "\"Not Here\" == \"Not Here\"", { { 0 } } },
	{ "Surrounding Whitespace", "{\"boolean\":false}",
	  " | {{^boolean}}\t|\t{{/boolean}} | \n", " | \t|\t | \n",
	  { { 0 } } },
	{ "Internal Whitespace", "{\"boolean\":false}",
	  " | {{^boolean}} {{! Important Whitespace }}\n {{/boolean}} | \n",
	  " |  \n  | \n", { { 0 } } },
	{ "Indented Inline Sections", "{\"boolean\":false}",
	  " {{^boolean}}NO{{/boolean}}\n {{^boolean}}WAY{{/boolean}}\n",
	  " NO\n WAY\n", { { 0 } } },
	{ "Standalone Lines", "{\"boolean\":false}",
	  "| This Is\n{{^boolean}}\n|\n{{/boolean}}\n| A Line\n",
	  "| This Is\n|\n| A Line\n", { { 0 } } },
	{ "Standalone Indented Lines", "{\"boolean\":false}",
	  "| This Is\n  {{^boolean}}\n|\n  {{/boolean}}\n| A Line\n",
	  "| This Is\n|\n| A Line\n", { { 0 } } },
	{ "Standalone Line Endings", "{\"boolean\":false}",
	  "|\r\n{{^boolean}}\r\n{{/boolean}}\r\n|", "|\r\n|", { { 0 } } },
	{ "Standalone Without Previous Line", "{\"boolean\":false}",
	  "  {{^boolean}}\n^{{/boolean}}\n/", "^\n/", { { 0 } } },
	{ "Standalone Without Newline", "{\"boolean\":false}",
	  "^{{^boolean}}\n/\n  {{/boolean}}", "^\n/\n", { { 0 } } },
	{ "Padding", "{\"boolean\":false}",
	  "|{{^ boolean }}={{/ boolean }}|", "|=|", { { 0 } } },
};

/* ~comments.yml */
static const struct spec_case comments[] = {
	{ "Inline", "{}", "12345{{! Comment Block! }}67890", "1234567890",
	  { { 0 } } },
	{ "Multiline", "{}",
	  "12345{{!\n  This is a\n  multi-line comment...\n}}67890\n",
	  "1234567890\n", { { 0 } } },
	{ "Standalone", "{}", "Begin.\n{{! Comment Block! }}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Indented Standalone", "{}",
	  "Begin.\n  {{! Indented Comment Block! }}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Standalone Line Endings", "{}",
	  "|\r\n{{! Standalone Comment }}\r\n|", "|\r\n|", { { 0 } } },
	{ "Standalone Without Previous Line", "{}",
	  "  {{! I'm Still Standalone }}\n!", "!", { { 0 } } },
	{ "Standalone Without Newline", "{}",
	  "!\n  {{! I'm Still Standalone }}", "!\n", { { 0 } } },
	{ "Multiline Standalone", "{}",
	  "Begin.\n{{!\nSomething's going on here...\n}}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Indented Multiline Standalone", "{}",
	  "Begin.\n  {{!\n    Something's going on here...\n  }}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Indented Inline", "{}", "  12 {{! 34 }}\n", "  12 \n",
	  { { 0 } } },
	{ "Surrounding Whitespace", "{}",
	  "12345 {{! Comment Block! }} 67890", "12345  67890", { { 0 } } },
	{ "Variable Name Collision",
	  "{\"! comment\":1,\"! comment \":2,\"!comment\":3,\"comment\":4}",
	  "comments never show: >{{! comment }}<",
	  "comments never show: ><", { { 0 } } },
};

/* ~partials.yml */
static const struct spec_case partials[] = {
	{ "Basic Behavior", "{}", "\"{{>text}}\"", "\"from partial\"",
	  { { "text", "from partial" } } },
	{ "Failed Lookup", "{}", "\"{{>text}}\"", "\"\"", { { 0 } } },
	{ "Context", "{\"text\":\"content\"}", "\"{{>partial}}\"",
	  "\"*content*\"", { { "partial", "*{{text}}*" } } },
	{ "Recursion",
	  "{\"content\":\"X\",\"nodes\":[{\"content\":\"Y\","
	  "\"nodes\":[]}]}",
	  "{{>node}}", "X<Y<>>",
	  { { "node", "{{content}}<{{#nodes}}{{>node}}{{/nodes}}>" } } },
	{ "Nested", "{\"a\":\"hello\",\"b\":\"world\"}",
	  "{{>outer}}", "*hello world!*",
	  { { "outer", "*{{a}} {{>inner}}*" }, { "inner", "{{b}}!" } } },
	{ "Surrounding Whitespace", "{}", "| {{>partial}} |", "| \t|\t |",
	  { { "partial", "\t|\t" } } },
	{ "Inline Indentation", "{\"data\":\"|\"}",
	  "  {{data}}  {{> partial}}\n", "  |  >\n>\n",
	  { { "partial", ">\n>" } } },
	{ "Standalone Line Endings", "{}", "|\r\n{{>partial}}\r\n|",
	  "|\r\n>|", { { "partial", ">" } } },
	{ "Standalone Without Previous Line", "{}", "  {{>partial}}\n>",
	  "  >\n  >>", { { "partial", ">\n>" } } },
	{ "Standalone Without Newline", "{}", ">\n  {{>partial}}",
	  ">\n  >\n  >", { { "partial", ">\n>" } } },
	{ "Standalone Indentation", "{\"content\":\"<\\n->\"}",
	  "\\\n {{>partial}}\n/\n", "\\\n |\n <\n->\n |\n/\n",
	  { { "partial", "|\n{{{content}}}\n|\n" } } },
	{ "Padding Whitespace", "{\"boolean\":true}",
	  "|{{> partial }}|", "|[]|", { { "partial", "[]" } } },
};

/* ~delimiters.yml */
static const struct spec_case delimiters[] = {
	{ "Pair Behavior", "{\"text\":\"Hey!\"}",
	  "{{=<% %>=}}(<%text%>)", "(Hey!)", { { 0 } } },
	{ "Special Characters", "{\"text\":\"It worked!\"}",
	  "({{=[ ]=}}[text])", "(It worked!)", { { 0 } } },
	{ "Sections",
	  "{\"section\":true,\"data\":\"I got interpolated.\"}",
	  "[\n{{#section}}\n  {{data}}\n  |data|\n{{/section}}\n\n"
	  "{{= | | =}}\n|#section|\n  {{data}}\n  |data|\n|/section|\n]\n",
	  "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n"
	  "  I got interpolated.\n]\n", { { 0 } } },
	{ "Inverted Sections",
	  "{\"section\":false,\"data\":\"I got interpolated.\"}",
	  "[\n{{^section}}\n  {{data}}\n  |data|\n{{/section}}\n\n"
	  "{{= | | =}}\n|^section|\n  {{data}}\n  |data|\n|/section|\n]\n",
	  "[\n  I got interpolated.\n  |data|\n\n  {{data}}\n"
	  "  I got interpolated.\n]\n", { { 0 } } },
	{ "Partial Inheritence", "{\"value\":\"yes\"}",
	  "[ {{>include}} ]\n{{= | | =}}\n[ |>include| ]\n",
	  "[ .yes. ]\n[ .yes. ]\n", { { "include", ".{{value}}." } } },
	{ "Post-Partial Behavior", "{\"value\":\"yes\"}",
	  "[ {{>include}} ]\n[ .{{value}}.  .|value|. ]\n",
	  "[ .yes.  .yes. ]\n[ .yes.  .|value|. ]\n",
	  { { "include", ".{{value}}. {{= | | =}} .|value|." } } },
	{ "Surrounding Whitespace", "{}", "| {{=@ @=}} |", "|  |",
	  { { 0 } } },
	{ "Outlying Whitespace (Inline)", "{}", " | {{=@ @=}}\n", " | \n",
	  { { 0 } } },
	{ "Standalone Tag", "{}", "Begin.\n{{=@ @=}}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Indented Standalone Tag", "{}", "Begin.\n  {{=@ @=}}\nEnd.\n",
	  "Begin.\nEnd.\n", { { 0 } } },
	{ "Standalone Line Endings", "{}", "|\r\n{{= @ @ =}}\r\n|",
	  "|\r\n|", { { 0 } } },
	{ "Standalone Without Previous Line", "{}", "  {{=@ @=}}\n=", "=",
	  { { 0 } } },
	{ "Standalone Without Newline", "{}", "=\n  {{=@ @=}}", "=\n",
	  { { 0 } } },
	{ "Pair with Padding", "{}", "|{{= @   @ =}}|", "||", { { 0 } } },
	/* Not from the spec: triple mustache and longer delimiters. */
	{ "Triple With Custom Delimiters", "{\"x\":\"<b>\"}",
	  "{{=<% %>=}}<%x%> <%{x}%> <%& x%>", "&lt;b&gt; <b> <b>",
	  { { 0 } } },
	{ "Back To Default", "{\"x\":1}",
	  "{{=<< >>=}}<<x>><<={{ }}=>>{{x}}", "11", { { 0 } } },
};

static void
test_spec_interpolation(void)
{
	RUN(interpolation);
}

static void
test_spec_sections(void)
{
	RUN(sections);
}

static void
test_spec_inverted(void)
{
	RUN(inverted);
}

static void
test_spec_comments(void)
{
	RUN(comments);
}

static void
test_spec_partials(void)
{
	RUN(partials);
}

static void
test_spec_delimiters(void)
{
	RUN(delimiters);
}

static void
test_escaping(void)
{
	const char	*s;

	s = render("{{x}}|{{{x}}}|{{&x}}",
	    "{\"x\":\"<a href='/x?a=1&b=2'>\\\"hi\\\"</a>\"}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s,
	    "&lt;a href=&#39;/x?a=1&amp;b=2&#39;&gt;&quot;hi&quot;&lt;/a&gt;"
	    "|<a href='/x?a=1&b=2'>\"hi\"</a>|<a href='/x?a=1&b=2'>\"hi\"</a>");
	/* Only the five characters; UTF-8 and others pass through. */
	s = render("{{x}}", "{\"x\":\"Привет = `ok` \\/ é\"}");
	CU_ASSERT_STRING_EQUAL(s, "Привет = `ok` / é");
	/* Values of every type. */
	s = render("{{t}} {{f}} {{n}} {{i}} {{neg}} {{big}} {{d}} {{e}}",
	    "{\"t\":true,\"f\":false,\"n\":null,\"i\":42,\"neg\":-7,"
	    "\"big\":9007199254740993,\"d\":0.5,\"e\":\"\"}");
	CU_ASSERT_STRING_EQUAL(s, "true false  42 -7 9007199254740993 0.5 ");
	/* Objects and arrays print as JSON, escaped like any text. */
	s = render("{{o}}|{{{o}}}|{{a}}",
	    "{\"o\":{\"u\":\"a/b\",\"k\":[1,\"<\"]},\"a\":[]}");
	CU_ASSERT_STRING_EQUAL(s,
	    "{&quot;u&quot;:&quot;a/b&quot;,&quot;k&quot;:[1,&quot;&lt;&quot;]}"
	    "|{\"u\":\"a/b\",\"k\":[1,\"<\"]}|[]");
	/* Text outside tags is never escaped. */
	s = render("<p>&amp; \"{{x}}\"</p>", "{\"x\":\"&\"}");
	CU_ASSERT_STRING_EQUAL(s, "<p>&amp; \"&amp;\"</p>");
}

static void
test_numbers(void)
{
	json_object	*ctx;
	const char	*s;

	/* A double made in C prints json-c's way... */
	ctx = json_object_new_object();
	json_object_object_add(ctx, "power", json_object_new_double(1.21));
	json_object_object_add(ctx, "n", json_object_new_int64(-12));
	s = render_max("{{power}} {{n}}", ctx, NULL, NULL, 100);
	CU_ASSERT_STRING_EQUAL(s, "1.21 -12");
	json_object_put(ctx);
	/* ...and a parsed one as it was written (json-c keeps the text). */
	s = render("{{power}}", "{\"power\":1.210}");
	CU_ASSERT_STRING_EQUAL(s, "1.210");
	/* Zero and empty objects are truthy; empty strings are not. */
	s = render("{{#z}}z{{/z}}{{#o}}o{{/o}}{{#e}}e{{/e}}{{^e}}!e{{/e}}",
	    "{\"z\":0,\"o\":{},\"e\":\"\"}");
	CU_ASSERT_STRING_EQUAL(s, "zo!e");
}

static void
test_missing_keys(void)
{
	const char	*s;

	s = render("[{{a}}][{{a.b}}][{{x.y.z}}][{{{q}}}][{{&r}}]",
	    "{\"a\":\"str\"}");
	CU_ASSERT_STRING_EQUAL(s, "[str][][][][]");
	/* Dotted through non-objects: a string, an array, null. */
	s = render("[{{s.len}}][{{l.0}}][{{n.x}}]",
	    "{\"s\":\"abc\",\"l\":[1],\"n\":null}");
	CU_ASSERT_STRING_EQUAL(s, "[][][]");
	/* A root that is not an object, or none at all. */
	s = render("[{{a}}]{{#a}}x{{/a}}{{^a}}y{{/a}}", "[1,2]");
	CU_ASSERT_STRING_EQUAL(s, "[]y");
	s = render_max("[{{a}}][{{.}}]{{^a}}y{{/a}}", NULL, NULL, NULL, 100);
	CU_ASSERT_STRING_EQUAL(s, "[][]y");
	/* A null key hides an outer one of the same name. */
	s = render("{{#in}}[{{k}}]{{/in}}",
	    "{\"k\":\"outer\",\"in\":{\"k\":null}}");
	CU_ASSERT_STRING_EQUAL(s, "[]");
	/* Inside a section on a string, lookups skip to outer objects. */
	s = render("{{#logo}}<img src=\"{{logo}}\" alt=\"{{name}}\">{{/logo}}",
	    "{\"logo\":\"https://x/l.png\",\"name\":\"B\"}");
	CU_ASSERT_STRING_EQUAL(s, "<img src=\"https://x/l.png\" alt=\"B\">");
	s = render("{{#logo}}<img>{{/logo}}", "{\"logo\":\"\"}");
	CU_ASSERT_STRING_EQUAL(s, "");
	/* An empty template, and NULL with length 0. */
	s = render("", "{}");
	CU_ASSERT_STRING_EQUAL(s, "");
}

static void
test_not_terminated(void)
{
	struct buf	 b;
	json_object	*ctx;
	const char	 tpl[] = "ab{{x}}cd{{x}}";

	ctx = json_tokener_parse("{\"x\":\"X\"}");
	buf_init(&b, arena, 100);
	/* Only the first 7 bytes count: no read past len. */
	CU_ASSERT_EQUAL(mustache_render(tpl, 7, ctx, NULL, NULL, &b, NULL, 0),
	    0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abX");
	/* Cut inside a tag: an error, with err NULL tolerated. */
	buf_init(&b, arena, 100);
	CU_ASSERT_EQUAL(mustache_render(tpl, 6, ctx, NULL, NULL, &b, NULL, 0),
	    -1);
	/* NULL template of length 0 renders nothing. */
	buf_init(&b, arena, 100);
	CU_ASSERT_EQUAL(mustache_render(NULL, 0, ctx, NULL, NULL, &b, errbuf,
	    sizeof(errbuf)), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	/* Output is appended to what the buffer holds. */
	buf_init(&b, arena, 100);
	buf_puts(&b, "pre:");
	CU_ASSERT_EQUAL(mustache_render(tpl, sizeof(tpl) - 1, ctx, NULL, NULL,
	    &b, errbuf, sizeof(errbuf)), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "pre:abXcdX");
	json_object_put(ctx);
}

static void
test_errors(void)
{
	static const struct {
		const char	*tpl;
		const char	*err;
	} cases[] = {
		{ "a\nb\n{{#items}}\nx\n",
		  "line 3: unclosed section \"items\"" },
		{ "{{#a}}\n{{#b}}\n{{/b}}\n",
		  "line 1: unclosed section \"a\"" },
		{ "{{#a}}{{#b}}\n\n{{/a}}{{/b}}",
		  "line 3: closing tag \"a\" does not match section \"b\" "
		  "(line 1)" },
		{ "x\n{{/a}}", "line 2: closing tag \"a\" without section" },
		{ "x {{name", "line 1: unclosed tag" },
		{ "x {{{name}}", "line 1: unclosed tag" },
		{ "\n\n{{! never closed }", "line 3: unclosed tag" },
		{ "x {{", "line 1: unclosed tag" },
		{ "{{}}", "line 1: invalid name \"\"" },
		{ "{{ }}", "line 1: invalid name \"\"" },
		{ "{{#}}{{/}}", "line 1: invalid name \"\"" },
		{ "{{a..b}}", "line 1: invalid name \"a..b\"" },
		{ "{{.a}}", "line 1: invalid name \".a\"" },
		{ "{{a.}}", "line 1: invalid name \"a.\"" },
		{ "{{>}}", "line 1: invalid name \"\"" },
		{ "{{=<%=}}", "line 1: invalid set delimiter tag" },
		{ "{{=<% %> x=}}", "line 1: invalid set delimiter tag" },
		{ "{{= =}}", "line 1: invalid set delimiter tag" },
		{ "{{=a= b=}}", "line 1: invalid set delimiter tag" },
		{ "{{=aaaaaaaaaaaaaaaaa b=}}",
		  "line 1: invalid set delimiter tag" },
		{ "{{=<% %>=}}\n<%x", "line 2: unclosed tag" },
		{ "{{<parent}}{{/parent}}", "line 1: unsupported tag \"<\"" },
		{ "{{$block}}{{/block}}", "line 1: unsupported tag \"$\"" },
		/* Names are cut and cleaned in messages. */
		{ "{{#a\x01" "b}}", "line 1: unclosed section \"a?b\"" },
		{ "{{#0123456789012345678901234567890123456789xyz}}",
		  "line 1: unclosed section "
		  "\"0123456789012345678901234567890123456789...\"" },
	};
	const char	*e;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = render_err(cases[i].tpl, "{}", NULL, NULL);
		if (e == NULL || strcmp(e, cases[i].err) != 0) {
			fprintf(stderr, "\n[%s]: want \"%s\", got \"%s\"\n",
			    cases[i].tpl, cases[i].err, e ? e : "(rendered)");
			CU_FAIL("error case");
		} else
			CU_PASS("error case");
	}
	/* Errors in a partial name the partial. */
	{
		static const struct spec_case c = { "", "{}", "", "",
		    { { "bad", "ok\n{{#x}}" } } };

		e = render_err("a {{>bad}} b", "{}", case_partial, (void *)&c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_STRING_EQUAL(e,
		    "partial \"bad\": line 2: unclosed section \"x\"");
	}
	/* A short err buffer gets a truncated, terminated message. */
	{
		struct buf	b;
		char		small[8];

		buf_init(&b, arena, 100);
		memset(small, 'Z', sizeof(small));
		CU_ASSERT_EQUAL(mustache_render("{{#a}}", 6, NULL, NULL, NULL,
		    &b, small, sizeof(small)), -1);
		CU_ASSERT_STRING_EQUAL(small, "line 1:");
	}
}

static void
test_nesting_limit(void)
{
	char		*tpl;
	size_t		 i, n, off;
	const char	*e;

	/* MUSTACHE_MAX_NEST open sections render; one more is an error. */
	for (n = MUSTACHE_MAX_NEST; n <= MUSTACHE_MAX_NEST + 1; n++) {
		tpl = arena_alloc(arena, n * 20 + 16);
		off = 0;
		for (i = 0; i < n; i++)
			off += (size_t)snprintf(tpl + off, 20, "{{#a}}\n");
		off += (size_t)snprintf(tpl + off, 20, "{{v}}");
		for (i = 0; i < n; i++)
			off += (size_t)snprintf(tpl + off, 20, "{{/a}}");
		e = render_err(tpl, "{\"a\":{\"a\":true,\"v\":\"deep\"}}",
		    NULL, NULL);
		if (n == MUSTACHE_MAX_NEST) {
			CU_ASSERT_PTR_NULL(e);
			CU_ASSERT_STRING_EQUAL(render(tpl,
			    "{\"a\":{\"a\":true,\"v\":\"deep\"}}"), "deep");
		} else {
			CU_ASSERT_PTR_NOT_NULL_FATAL(e);
			CU_ASSERT_STRING_EQUAL(e,
			    "line 33: sections nested too deeply");
		}
	}
	/* Many sections one after another are fine. */
	tpl = arena_alloc(arena, 1000 * 12 + 1);
	for (i = off = 0; i < 1000; i++)
		off += (size_t)snprintf(tpl + off, 13, "{{#a}}{{/a}}");
	CU_ASSERT_STRING_EQUAL(render(tpl, "{\"a\":true}"), "");
}

struct chain {
	int	calls;
	int	stop;
};

/*
 * Partials: "self" includes itself; "dK" renders K and includes dK+1
 * inside a section, up to d<stop>.
 */
static const char *
chain_partial(const char *name, size_t *len, void *arg)
{
	static char	 text[64];
	struct chain	*c = arg;
	int		 k, n;

	c->calls++;
	if (strcmp(name, "self") == 0) {
		*len = strlen("x{{>self}}");
		return "x{{>self}}";
	}
	if (sscanf(name, "d%d", &k) != 1)
		return NULL;
	if (k < c->stop)
		n = snprintf(text, sizeof(text), "%d{{#l}}{{>d%d}}{{/l}}", k,
		    k + 1);
	else
		n = snprintf(text, sizeof(text), "%d", k);
	*len = (size_t)n;
	return text;
}

static void
test_partial_recursion(void)
{
	struct chain	 c = { 0, 0 };
	json_object	*ctx;
	const char	*s;

	ctx = json_tokener_parse("{\"l\":true}");
	s = render_max("a{{>self}}", ctx, chain_partial, &c, 1000);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "partials nested too deeply");
	/* Loaded once, however often it recurses. */
	CU_ASSERT_EQUAL(c.calls, 1);

	/* MUSTACHE_MAX_PARTIAL levels render, one more does not. */
	c.stop = MUSTACHE_MAX_PARTIAL;
	s = render_max("{{>d1}}", ctx, chain_partial, &c, 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "12345678");
	c.stop = MUSTACHE_MAX_PARTIAL + 1;
	s = render_max("{{>d1}}", ctx, chain_partial, &c, 1000);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "partials nested too deeply");
	/* Section nesting at every partial level stays within bounds. */
	c.stop = MUSTACHE_MAX_PARTIAL;
	s = render_max("{{#l}}{{#l}}{{>d1}}{{/l}}{{/l}}", ctx, chain_partial,
	    &c, 1000);
	CU_ASSERT_STRING_EQUAL(s, "12345678");
	json_object_put(ctx);
}

/* Loader counting its calls, for the cache. */
static const char *
count_partial(const char *name, size_t *len, void *arg)
{
	int	*calls = arg;

	(*calls)++;
	if (strcmp(name, "item") != 0)
		return NULL;
	*len = 9;
	return "<{{.}}>\nXX";	/* only the first 9 bytes: "<{{.}}>\nX" */
}

static void
test_partial_cache(void)
{
	const char	*s;
	int		 calls = 0;
	json_object	*ctx;

	ctx = json_tokener_parse("{\"l\":[1,2,3]}");
	s = render_max("{{#l}}{{>item}}{{/l}}{{>none}}{{>none}}", ctx,
	    count_partial, &calls, 1000);
	CU_ASSERT_STRING_EQUAL(s, "<1>\nX<2>\nX<3>\nX");
	CU_ASSERT_EQUAL(calls, 2);	/* item once, none once */
	/* The same partial under two indentations: two entries. */
	calls = 0;
	s = render_max("{{#l}}\n  {{>item}}\n {{>item}}\n{{/l}}", ctx,
	    count_partial, &calls, 1000);
	CU_ASSERT_STRING_EQUAL(s,
	    "  <1>\n  X <1>\n X  <2>\n  X <2>\n X  <3>\n  X <3>\n X");
	CU_ASSERT_EQUAL(calls, 2);
	/* No loader: partials are empty. */
	s = render_max("[{{>item}}]", ctx, NULL, NULL, 1000);
	CU_ASSERT_STRING_EQUAL(s, "[]");
	json_object_put(ctx);
}

/* Returns a new distinct partial name's text for each call. */
static const char *
many_partial(const char *name, size_t *len, void *arg)
{
	*len = 1;
	return "x";
}

static void
test_partial_limits(void)
{
	struct buf	 b;
	char		*tpl;
	size_t		 i, off;

	/* At most MUSTACHE_MAX_PARTIALS distinct partials per render. */
	tpl = arena_alloc(arena, (MUSTACHE_MAX_PARTIALS + 1) * 16 + 1);
	for (i = off = 0; i < MUSTACHE_MAX_PARTIALS + 1; i++)
		off += (size_t)snprintf(tpl + off, 16, "{{>p%zu}}", i);
	buf_init(&b, arena, 1000);
	CU_ASSERT_EQUAL(mustache_render(tpl, off, NULL, many_partial, NULL,
	    &b, errbuf, sizeof(errbuf)), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "too many partials");
	buf_init(&b, arena, 1000);
	CU_ASSERT_EQUAL(mustache_render(tpl, off - strlen("{{>p64}}"), NULL,
	    many_partial, NULL, &b, errbuf, sizeof(errbuf)), 0);
	CU_ASSERT_EQUAL(b.len, MUSTACHE_MAX_PARTIALS);
}

static const char *
huge_partial(const char *name, size_t *len, void *arg)
{
	static const char	spaces[64];

	/* A length the loader claims is too long: never read. */
	*len = MUSTACHE_MAX_TEMPLATE + 1;
	return spaces;
}

static const char *
lines_partial(const char *name, size_t *len, void *arg)
{
	char	*p = arg;

	*len = strlen(p);
	return p;
}

static void
test_template_size(void)
{
	struct buf	 b;
	char		*big, *lines, *tpl;
	size_t		 n, ind;

	big = arena_alloc(arena, MUSTACHE_MAX_TEMPLATE + 1);
	memset(big, 'a', MUSTACHE_MAX_TEMPLATE + 1);
	buf_init(&b, arena, 16);
	CU_ASSERT_EQUAL(mustache_render(big, MUSTACHE_MAX_TEMPLATE + 1, NULL,
	    NULL, NULL, &b, errbuf, sizeof(errbuf)), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "template too large");

	buf_init(&b, arena, 16);
	CU_ASSERT_EQUAL(mustache_render("{{>p}}", 6, NULL, huge_partial, NULL,
	    &b, errbuf, sizeof(errbuf)), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "partial \"p\": template too large");

	/* Indenting a partial of many lines must not blow up either. */
	n = 300000;
	lines = arena_alloc(arena, n * 2 + 1);
	memset(lines, '\n', n * 2);
	lines[n * 2] = '\0';
	ind = 8;
	tpl = arena_alloc(arena, ind + 8);
	memset(tpl, ' ', ind);
	memcpy(tpl + ind, "{{>p}}\n", 8);
	buf_init(&b, arena, 1 << 24);
	CU_ASSERT_EQUAL(mustache_render(tpl, strlen(tpl), NULL, lines_partial,
	    lines, &b, errbuf, sizeof(errbuf)), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "partial \"p\": template too large");
}

static void
test_output_cap(void)
{
	json_object	*ctx;
	const char	*s;

	ctx = json_tokener_parse("{\"x\":\"0123456789\",\"amp\":\"&&\","
	    "\"l\":[1,2,3,4,5,6,7,8,9,10,11,12]}");
	/* Exactly at the cap renders; one byte more is an error. */
	s = render_max("0123456789", ctx, NULL, NULL, 10);
	CU_ASSERT_STRING_EQUAL(s, "0123456789");
	s = render_max("0123456789!", ctx, NULL, NULL, 10);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "output too large");
	/* Through a value, an entity, a loop. */
	s = render_max("{{x}}", ctx, NULL, NULL, 10);
	CU_ASSERT_STRING_EQUAL(s, "0123456789");
	s = render_max("{{x}}{{x}}", ctx, NULL, NULL, 19);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "output too large");
	s = render_max("{{amp}}", ctx, NULL, NULL, 10);
	CU_ASSERT_STRING_EQUAL(s, "&amp;&amp;");
	s = render_max("{{amp}}", ctx, NULL, NULL, 9);
	CU_ASSERT_PTR_NULL(s);
	s = render_max("{{#l}}{{.}}{{/l}}", ctx, NULL, NULL, 15);
	CU_ASSERT_STRING_EQUAL(s, "123456789101112");
	s = render_max("{{#l}}{{.}}{{/l}}", ctx, NULL, NULL, 14);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "output too large");
	/* A zero cap takes an empty rendering only. */
	s = render_max("{{missing}}", ctx, NULL, NULL, 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	s = render_max("a", ctx, NULL, NULL, 0);
	CU_ASSERT_PTR_NULL(s);
	json_object_put(ctx);
}

static void
test_work_limit(void)
{
	json_object	*ctx, *l;
	const char	*s;
	int		 i;

	/* 200^4 empty iterations and no output: stopped, not spun. */
	ctx = json_object_new_object();
	l = json_object_new_array();
	for (i = 0; i < 200; i++)
		json_object_array_add(l, json_object_new_int(i));
	json_object_object_add(ctx, "l", l);
	s = render_max("{{#l}}{{#l}}{{#l}}{{#l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	    ctx, NULL, NULL, 1000);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(errbuf, "template too expensive to render");
	/* 200^2 is fine. */
	s = render_max("{{#l}}{{#l}}{{/l}}{{/l}}", ctx, NULL, NULL, 1000);
	CU_ASSERT_STRING_EQUAL(s, "");
	json_object_put(ctx);
}

/* ------------------------------------------------------------ templates */

struct loader {
	char	dir[1024];
	int	missing;
};

/* Reads a whole file into the arena; NULL if absent or too large. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	p = arena_alloc(arena, MUSTACHE_MAX_TEMPLATE + 2);
	n = fread(p, 1, MUSTACHE_MAX_TEMPLATE + 1, f);
	fclose(f);
	if (n > MUSTACHE_MAX_TEMPLATE)
		return NULL;
	p[n] = '\0';
	*len = n;
	return p;
}

/* templates/<name>.mustache, for names of [A-Za-z0-9_.-] not led by '.'. */
static const char *
file_partial(const char *name, size_t *len, void *arg)
{
	struct loader	*l = arg;
	char		 path[2048];
	const char	*p;
	char		*text;

	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.'))
			break;
	if (*p != '\0' || name[0] == '.' || name[0] == '\0') {
		l->missing++;
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.mustache", l->dir,
	    name) >= sizeof(path) || (text = read_file(path, len)) == NULL) {
		l->missing++;
		return NULL;
	}
	return text;
}

static int
find_templates(struct loader *l)
{
	const char	*top, *guess[] = { "../../templates", "../templates",
			    "templates" };
	char		 path[1200];
	size_t		 i;
	FILE		*f;

	if ((top = getenv("top_srcdir")) != NULL && *top != '\0') {
		if ((size_t)snprintf(l->dir, sizeof(l->dir), "%s/templates",
		    top) >= sizeof(l->dir))
			return -1;
		return 0;
	}
	for (i = 0; i < sizeof(guess) / sizeof(guess[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/subjects.yml",
		    guess[i]);
		if ((f = fopen(path, "r")) != NULL) {
			fclose(f);
			(void)snprintf(l->dir, sizeof(l->dir), "%s", guess[i]);
			return 0;
		}
	}
	return -1;
}

static const char sample_ctx[] =
    "{\"subject\":\"Registration Confirmation\","
    "\"user\":{\"email\":\"alice@example.com\",\"uid\":\"ID4A5F0C2E91\","
    "\"username\":\"alice\",\"role\":\"member\",\"level\":2,"
    "\"state\":\"active\"},"
    "\"record\":{\"user_ip\":\"203.0.113.7\","
    "\"user_agent\":\"Mozilla/5.0 <Test> & \\\"Co\\\"\","
    "\"key\":\"phone\",\"value\":\"verified\",\"description\":null,"
    "\"domain\":\"https://ex.example\",\"token\":\"tok.en\"},"
    "\"changes\":{},"
    "\"link\":\"https://ex.example/accounts/confirmation?"
    "confirmation_token=tok.en&lang=en\","
    "\"domain\":\"https://ex.example\","
    "\"logo\":\"https://ex.example/logo.png\","
    "\"app_name\":\"Barong\",\"sender_name\":\"Barong\"}";

#define LINK_RAW	"https://ex.example/accounts/confirmation?" \
			"confirmation_token=tok.en&lang=en"
#define LINK_HTML	"https://ex.example/accounts/confirmation?" \
			"confirmation_token=tok.en&amp;lang=en"

static const char *
render_file(struct loader *l, const char *file, json_object *ctx)
{
	char		 path[2048];
	char		*text;
	size_t		 len;
	struct buf	 b;

	(void)snprintf(path, sizeof(path), "%s/%s", l->dir, file);
	if ((text = read_file(path, &len)) == NULL) {
		fprintf(stderr, "\ncannot read %s\n", path);
		return NULL;
	}
	buf_init(&b, arena, 1 << 20);
	l->missing = 0;
	if (mustache_render(text, len, ctx, file_partial, l, &b, errbuf,
	    sizeof(errbuf)) == -1) {
		fprintf(stderr, "\n%s: %s\n", file, errbuf);
		return NULL;
	}
	if (l->missing != 0) {
		fprintf(stderr, "\n%s: %d partials missing\n", file,
		    l->missing);
		return NULL;
	}
	return buf_cstr(&b);
}

static int
has(const char *s, const char *needle, const char *file)
{
	if (s != NULL && strstr(s, needle) != NULL)
		return 1;
	fprintf(stderr, "\n%s: \"%s\" missing\n", file, needle);
	return 0;
}

static void
test_templates(void)
{
	static const struct {
		const char	*file;
		int		 link;	/* has the link */
		const char	*extra;	/* another value to show */
	} tpls[] = {
		{ "email_confirmation.en.html.mustache", 1, NULL },
		{ "email_confirmation.en.txt.mustache", 1, NULL },
		{ "email_confirmation.ru.html.mustache", 1, NULL },
		{ "email_confirmation.ru.txt.mustache", 1, NULL },
		{ "password_reset.en.html.mustache", 1, NULL },
		{ "password_reset.en.txt.mustache", 1, NULL },
		{ "password_reset.ru.html.mustache", 1, NULL },
		{ "password_reset.ru.txt.mustache", 1, NULL },
		{ "session_create.en.html.mustache", 0,
		  "Mozilla/5.0 &lt;Test&gt; &amp; &quot;Co&quot;" },
		{ "session_create.en.txt.mustache", 0,
		  "Mozilla/5.0 <Test> & \"Co\"" },
		{ "label.en.html.mustache", 0, "Registration Confirmation" },
		{ "label.en.txt.mustache", 0, "Registration Confirmation" },
	};
	struct loader	 l;
	json_object	*ctx, *noextra;
	const char	*s, *dot;
	int		 html, n;
	size_t		 i, flen;
	DIR		*d;
	struct dirent	*de;

	memset(&l, 0, sizeof(l));
	if (find_templates(&l) == -1) {
		CU_FAIL("templates/ not found: set top_srcdir");
		return;
	}
	ctx = json_tokener_parse(sample_ctx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	for (i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
		html = strstr(tpls[i].file, ".html.") != NULL;
		s = render_file(&l, tpls[i].file, ctx);
		CU_ASSERT_PTR_NOT_NULL(s);
		if (s == NULL)
			continue;
		CU_ASSERT(has(s, "alice@example.com", tpls[i].file));
		CU_ASSERT(has(s, "ex.example", tpls[i].file));
		CU_ASSERT(strstr(s, "{{") == NULL && strstr(s, "}}") == NULL);
		if (tpls[i].link)
			CU_ASSERT(has(s, html ? LINK_HTML : LINK_RAW,
			    tpls[i].file));
		if (tpls[i].extra != NULL)
			CU_ASSERT(has(s, tpls[i].extra, tpls[i].file));
		if (strncmp(tpls[i].file, "session_create", 14) == 0)
			CU_ASSERT(has(s, "203.0.113.7", tpls[i].file));
		if (strncmp(tpls[i].file, "label", 5) == 0) {
			CU_ASSERT(has(s, "phone", tpls[i].file));
			CU_ASSERT(has(s, "verified", tpls[i].file));
		}
		if (html) {
			CU_ASSERT(strncmp(s, "<!DOCTYPE html>\n", 16) == 0);
			CU_ASSERT(has(s, "</html>\n", tpls[i].file));
			CU_ASSERT(has(s, strstr(tpls[i].file, ".ru.") ?
			    "<html lang=\"ru\"" : "<html lang=\"en\"",
			    tpls[i].file));
			CU_ASSERT(has(s, "<title>Registration Confirmation"
			    "</title>", tpls[i].file));
			CU_ASSERT(has(s, "src=\"https://ex.example/logo.png\"",
			    tpls[i].file));
			/* Text mails never carry entities; HTML never raw. */
			CU_ASSERT(strstr(s, "<Test>") == NULL);
		} else {
			CU_ASSERT(strstr(s, "&amp;") == NULL);
			CU_ASSERT(strstr(s, "<") == NULL ||
			    strstr(tpls[i].file, "session_create") != NULL);
		}
		arena_reset(arena);
	}

	/* Without a logo there is no <img>. */
	noextra = json_tokener_parse(sample_ctx);
	json_object_object_add(noextra, "logo", json_object_new_string(""));
	s = render_file(&l, "email_confirmation.en.html.mustache", noextra);
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT(s != NULL && strstr(s, "<img") == NULL);
	json_object_put(noextra);

	/* Every file in templates/ renders, partials included. */
	n = 0;
	if ((d = opendir(l.dir)) == NULL) {
		CU_FAIL("opendir templates");
		json_object_put(ctx);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		flen = strlen(de->d_name);
		if (flen < 9 || strcmp(de->d_name + flen - 9, ".mustache") != 0)
			continue;
		dot = strchr(de->d_name, '.');
		CU_ASSERT(dot != NULL);
		s = render_file(&l, de->d_name, ctx);
		CU_ASSERT_PTR_NOT_NULL(s);
		CU_ASSERT(s == NULL || strstr(s, "{{") == NULL);
		n++;
		arena_reset(arena);
	}
	closedir(d);
	CU_ASSERT(n >= (int)(sizeof(tpls) / sizeof(tpls[0])));
	json_object_put(ctx);
}

static void
test_subjects(void)
{
	static const struct {
		const char	*event;
		const char	*en;
	} want[] = {
		{ "email_confirmation", "Registration Confirmation" },
		{ "password_reset", "Password Reset" },
		{ "session_create", "New Login" },
		{ "label_created", "Phone verified" },
		{ "label_updated", "Label Updated" },
	};
	struct loader	 l;
	char		 path[1100], yerr[256];
	json_object	*o, *ev, *v;
	size_t		 i;

	memset(&l, 0, sizeof(l));
	if (find_templates(&l) == -1) {
		CU_FAIL("templates/ not found: set top_srcdir");
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/subjects.yml", l.dir);
	o = yaml_load_file(path, yerr, sizeof(yerr));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_object_length(o), 5);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_FATAL(json_object_object_get_ex(o, want[i].event,
		    &ev));
		CU_ASSERT_FATAL(json_object_object_get_ex(ev, "en", &v));
		CU_ASSERT_STRING_EQUAL(json_object_get_string(v), want[i].en);
		CU_ASSERT_FATAL(json_object_object_get_ex(ev, "ru", &v));
		CU_ASSERT(json_object_get_string_len(v) > 0);
	}
	CU_ASSERT(json_object_object_get_ex(o, "email_confirmation", &ev) &&
	    json_object_object_get_ex(ev, "ru", &v) &&
	    strcmp(json_object_get_string(v),
	    "Подтверждение Регистрации") == 0);
	json_object_put(o);
}

static const struct unit_test tests[] = {
	{ "spec interpolation", test_spec_interpolation },
	{ "spec sections", test_spec_sections },
	{ "spec inverted", test_spec_inverted },
	{ "spec comments", test_spec_comments },
	{ "spec partials", test_spec_partials },
	{ "spec delimiters", test_spec_delimiters },
	{ "escaping", test_escaping },
	{ "numbers", test_numbers },
	{ "missing keys", test_missing_keys },
	{ "length, not NUL", test_not_terminated },
	{ "template errors", test_errors },
	{ "nesting limit", test_nesting_limit },
	{ "partial recursion", test_partial_recursion },
	{ "partial cache", test_partial_cache },
	{ "partial limits", test_partial_limits },
	{ "template size", test_template_size },
	{ "output cap", test_output_cap },
	{ "work limit", test_work_limit },
	{ "templates/", test_templates },
	{ "templates/subjects.yml", test_subjects },
	{ NULL, NULL }
};

/* UNIT_MAIN, with the arena the tests render into. */
int
main(void)
{
	int	rc;

	arena = arena_new(1 << 16);
	rc = unit_run("mustache", tests);
	arena_free(arena);
	return rc;
}
