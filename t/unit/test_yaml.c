/*
 * Unit tests for lib/yaml.c: YAML into json-c, the ERB subset, and the
 * limits (aliases, depth, size).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "yamlfile.h"

static char	errbuf[512];

static json_object *
load(const char *text)
{
	errbuf[0] = '\0';
	return yaml_load_string(text, strlen(text), errbuf, sizeof(errbuf));
}

static const char *
str_at(json_object *o, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

static void
test_block_mapping(void)
{
	json_object	*o, *v;

	o = load("name: barong\nport: 8080\nnested:\n  a: x\n  b: y\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_is_type(o, json_type_object));
	CU_ASSERT_STRING_EQUAL(str_at(o, "name"), "barong");
	/* Scalars stay strings: consumers decide what a number is. */
	CU_ASSERT(json_object_object_get_ex(o, "port", &v));
	CU_ASSERT(json_object_is_type(v, json_type_string));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(v), "8080");
	CU_ASSERT(json_object_object_get_ex(o, "nested", &v));
	CU_ASSERT_STRING_EQUAL(str_at(v, "b"), "y");
	json_object_put(o);
}

static void
test_key_order(void)
{
	json_object	*o;
	const char	*want[] = { "zeta", "alpha", "mid", "beta" };
	size_t		 i = 0;

	o = load("zeta: 1\nalpha: 2\nmid: 3\nbeta: 4\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	json_object_object_foreach(o, k, v) {
		(void)v;
		CU_ASSERT_FATAL(i < 4);
		CU_ASSERT_STRING_EQUAL(k, want[i]);
		i++;
	}
	CU_ASSERT_EQUAL(i, 4);
	json_object_put(o);
	/* A repeated key keeps its place and takes the last value. */
	o = load("a: 1\nb: 2\na: 3\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_object_length(o), 2);
	CU_ASSERT_STRING_EQUAL(str_at(o, "a"), "3");
	json_object_put(o);
}

static void
test_sequences(void)
{
	json_object	*o, *v;

	o = load("list:\n  - one\n  - two\n  - [x, y]\nflow: [a, b, c]\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "list", &v));
	CU_ASSERT(json_object_is_type(v, json_type_array));
	CU_ASSERT_EQUAL(json_object_array_length(v), 3);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(
	    json_object_array_get_idx(v, 1)), "two");
	CU_ASSERT(json_object_is_type(json_object_array_get_idx(v, 2),
	    json_type_array));
	CU_ASSERT(json_object_object_get_ex(o, "flow", &v));
	CU_ASSERT_EQUAL(json_object_array_length(v), 3);
	json_object_put(o);
	/* A top-level sequence is fine too. */
	o = load("- a\n- b\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_array_length(o), 2);
	json_object_put(o);
}

static void
test_flow_mapping(void)
{
	json_object	*o, *v, *e;

	o = load("permissions:\n"
	    " - { role: superadmin, verb: all, path: api/v2, action: accept }\n"
	    " # a comment between items\n"
	    " - { role: admin, verb: get, path: api/v2/ranger, "
	    "action: accept, topic: t }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "permissions", &v));
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(v), 2);
	e = json_object_array_get_idx(v, 0);
	CU_ASSERT(json_object_is_type(e, json_type_object));
	CU_ASSERT_STRING_EQUAL(str_at(e, "role"), "superadmin");
	CU_ASSERT_STRING_EQUAL(str_at(e, "path"), "api/v2");
	CU_ASSERT_PTR_NULL(str_at(e, "topic"));
	e = json_object_array_get_idx(v, 1);
	CU_ASSERT_STRING_EQUAL(str_at(e, "topic"), "t");
	json_object_put(o);
}

static void
test_nulls(void)
{
	json_object	*o, *v;

	o = load("a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"\"\ng: \"~\"\n"
	    "h: !!str null\nlist: [~, x]\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "a", &v) && v == NULL);
	CU_ASSERT(json_object_object_get_ex(o, "b", &v) && v == NULL);
	CU_ASSERT(json_object_object_get_ex(o, "c", &v) && v == NULL);
	CU_ASSERT(json_object_object_get_ex(o, "d", &v) && v == NULL);
	/* Quoted or tagged forms are strings. */
	CU_ASSERT_STRING_EQUAL(str_at(o, "e"), "null");
	CU_ASSERT_STRING_EQUAL(str_at(o, "f"), "");
	CU_ASSERT_STRING_EQUAL(str_at(o, "g"), "~");
	CU_ASSERT_STRING_EQUAL(str_at(o, "h"), "null");
	CU_ASSERT(json_object_object_get_ex(o, "list", &v));
	CU_ASSERT_EQUAL(json_object_array_length(v), 2);
	CU_ASSERT_PTR_NULL(json_object_array_get_idx(v, 0));
	json_object_put(o);
	/* A key with nothing under it, as user_storage_titles in barong.yml */
	o = load("titles:\n  # - personal\nnext: 1\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "titles", &v) && v == NULL);
	json_object_put(o);
}

static char *
expand(const char *text)
{
	errbuf[0] = '\0';
	return yaml_expand_erb(text, strlen(text), NULL, errbuf,
	    sizeof(errbuf));
}

static void
test_erb(void)
{
	char	*s;
	size_t	 len;

	setenv("BARONG_T_SET", "from env", 1);
	unsetenv("BARONG_T_UNSET");

	s = expand("a: <%= ENV.fetch(\"BARONG_T_SET\", \"dflt\") %>\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "a: from env\n");
	free(s);
	s = expand("a: <%= ENV.fetch(\"BARONG_T_UNSET\", \"dflt\") %>\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "a: dflt\n");
	free(s);
	s = expand("a: <%=ENV.fetch('BARONG_T_UNSET','x y')%>|"
	    "<%= ENV.fetch(\"BARONG_T_UNSET\", nil) %>|"
	    "<%= ENV.fetch(\"BARONG_T_UNSET\", 42) %>|"
	    "<%= ENV[\"BARONG_T_UNSET\"] %>|<%= ENV['BARONG_T_SET'] %>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "a: x y||42||from env");
	free(s);
	s = expand("a: <%= ENV.fetch(\"BARONG_T_SET\") %>");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s, "a: from env");
	free(s);
	/* Text without tags is returned as it is, with its length. */
	errbuf[0] = '\0';
	s = yaml_expand_erb("x: 1 % 2 <\n", 11, &len, errbuf,
	    sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(len, 11);
	CU_ASSERT_STRING_EQUAL(s, "x: 1 % 2 <\n");
	free(s);
}

static void
test_erb_errors(void)
{
	unsetenv("BARONG_T_UNSET");
	/* ENV.fetch without a default raises KeyError in Ruby. */
	CU_ASSERT_PTR_NULL(expand(
	    "a: 1\nb: <%= ENV.fetch(\"BARONG_T_UNSET\") %>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "line 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "BARONG_T_UNSET"));
	CU_ASSERT_PTR_NULL(expand("<% if true %>x<% end %>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "unsupported"));
	CU_ASSERT_PTR_NULL(expand("<%= `id` %>"));
	CU_ASSERT_PTR_NULL(expand("<%= ENV.fetch(\"A\", \"b\").upcase %>"));
	CU_ASSERT_PTR_NULL(expand("<%= ENV[\"A;B\"] %>"));
	CU_ASSERT_PTR_NULL(expand("<%= ENV[\"A\"]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "unterminated"));
	CU_ASSERT_PTR_NULL(expand("<%# comment %>"));
}

static void
test_erb_in_yaml(void)
{
	json_object	*o, *u, *pw;

	setenv("BARONG_T_EMAIL", "ops@example.com", 1);
	unsetenv("BARONG_T_PW");
	o = load("users:\n"
	    "  - email: <%= ENV.fetch(\"BARONG_T_EMAIL\", \"a@b.c\") %>\n"
	    "    password: <%= ENV.fetch(\"BARONG_T_PW\", nil) %>\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	u = json_object_array_get_idx(json_object_object_get(o, "users"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_STRING_EQUAL(str_at(u, "email"), "ops@example.com");
	/* nil renders as nothing, which YAML reads as null */
	CU_ASSERT(json_object_object_get_ex(u, "password", &pw) && pw == NULL);
	json_object_put(o);
}

static void
test_aliases(void)
{
	CU_ASSERT_PTR_NULL(load("a: &x 1\nb: *x\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "alias"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "line 2"));
	CU_ASSERT_PTR_NULL(load("a: &a [1, 2]\nb: [*a, *a, *a]\n"));
	CU_ASSERT_PTR_NULL(load("base: &b {x: 1}\nderived:\n  <<: *b\n"));
}

static void
test_depth(void)
{
	char		 text[256];
	json_object	*o;
	size_t		 i, n;

	/* 32 nested sequences are allowed, 33 are not. */
	for (n = 32; n <= 33; n++) {
		for (i = 0; i < n; i++)
			text[i] = '[';
		for (i = 0; i < n; i++)
			text[n + i] = ']';
		text[2 * n] = '\0';
		o = load(text);
		if (n == 32) {
			CU_ASSERT_PTR_NOT_NULL(o);
			json_object_put(o);
		} else {
			CU_ASSERT_PTR_NULL(o);
			CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "deeper"));
		}
	}
}

static void
test_malformed(void)
{
	CU_ASSERT_PTR_NULL(load("a: 1\nb: 2\n  c: 3\nd: 4\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "line 3"));
	CU_ASSERT_PTR_NULL(load("a: [1, 2\nb: 3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "line "));
	CU_ASSERT_PTR_NULL(load("a: \"unterminated\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "line "));
	/* Non-scalar keys, several documents, empty input. */
	CU_ASSERT_PTR_NULL(load("? [a, b]\n: c\n"));
	CU_ASSERT_PTR_NULL(load("a: 1\n---\nb: 2\n"));
	CU_ASSERT_PTR_NULL(load(""));
	CU_ASSERT_PTR_NULL(load("# only a comment\n"));
	CU_ASSERT_PTR_NULL(load("~\n"));
	/* NUL characters, raw or escaped, and invalid UTF-8. */
	CU_ASSERT_PTR_NULL(yaml_load_string("a: b\0c\n", 7, errbuf,
	    sizeof(errbuf)));
	CU_ASSERT_PTR_NULL(load("a: \"x\\0y\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "NUL"));
	CU_ASSERT_PTR_NULL(load("a: \xff\xfe\n"));
}

static void
test_size_limit(void)
{
	char		*big;
	size_t		 n = 1024 * 1024 + 1;
	json_object	*o;

	big = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '#', n);
	big[n] = '\0';
	o = yaml_load_string(big, n, errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NULL(o);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "larger"));
	free(big);
}

static void
test_file_errors(void)
{
	CU_ASSERT_PTR_NULL(yaml_load_file("/nonexistent/seeds.yml", errbuf,
	    sizeof(errbuf)));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "/nonexistent/seeds.yml"));
	CU_ASSERT_PTR_NULL(yaml_load_file("/", errbuf, sizeof(errbuf)));
}

static json_object *
load_data(const char *name)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024];
	json_object	*o;

	snprintf(path, sizeof(path), "%s/data/%s", top != NULL ? top : ".",
	    name);
	errbuf[0] = '\0';
	o = yaml_load_file(path, errbuf, sizeof(errbuf));
	if (o == NULL)
		fprintf(stderr, "%s\n", errbuf);
	return o;
}

static void
test_stock_seeds(void)
{
	json_object	*o, *v, *e;
	size_t		 i;

	unsetenv("BARONG_ADMIN_EMAIL");
	unsetenv("BARONG_ADMIN_PASSWORD");
	o = load_data("seeds.yml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "levels", &v));
	CU_ASSERT_EQUAL(json_object_array_length(v), 3);
	e = json_object_array_get_idx(v, 2);
	CU_ASSERT_STRING_EQUAL(str_at(e, "key"), "document");
	CU_ASSERT_STRING_EQUAL(str_at(e, "description"),
	    "User personal documents have been verified");
	CU_ASSERT(json_object_object_get_ex(o, "restrictions", &v));
	CU_ASSERT_EQUAL(json_object_array_length(v), 6);
	e = json_object_array_get_idx(v, 2);
	CU_ASSERT_STRING_EQUAL(str_at(e, "value"), "164.116.47.255");
	CU_ASSERT_STRING_EQUAL(str_at(e, "code"), "433");
	CU_ASSERT(json_object_object_get_ex(o, "permissions", &v));
	/* 178 "- { role: ... }" lines in the file, comments excluded */
	CU_ASSERT_EQUAL(json_object_array_length(v), 178);
	for (i = 0; i < json_object_array_length(v); i++) {
		e = json_object_array_get_idx(v, i);
		CU_ASSERT(str_at(e, "role") != NULL && str_at(e, "verb") !=
		    NULL && str_at(e, "path") != NULL &&
		    str_at(e, "action") != NULL);
	}
	e = json_object_array_get_idx(v, 0);
	CU_ASSERT_STRING_EQUAL(str_at(e, "role"), "superadmin");
	CU_ASSERT_STRING_EQUAL(str_at(e, "verb"), "all");
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "users", NULL));
	json_object_put(o);
}

static void
test_stock_files(void)
{
	json_object	*o, *v;

	o = load_data("barong.yml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "state_triggers", &v));
	CU_ASSERT_EQUAL(json_object_object_length(v), 3);
	CU_ASSERT(json_object_object_get_ex(o, "user_storage_titles", &v) &&
	    v == NULL);
	json_object_put(o);
	o = load_data("authz_rules.yml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "rules", &v));
	CU_ASSERT_EQUAL(json_object_array_length(
	    json_object_object_get(v, "pass")), 7);
	json_object_put(o);
	o = load_data("abilities.yml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(json_object_object_get_ex(o, "admin_permissions", &v));
	CU_ASSERT_EQUAL(json_object_object_length(v), 6);
	json_object_put(o);
}

static const struct unit_test tests[] = {
	{ "block mapping", test_block_mapping },
	{ "key order", test_key_order },
	{ "sequences", test_sequences },
	{ "flow mapping", test_flow_mapping },
	{ "null scalars", test_nulls },
	{ "ERB expansion", test_erb },
	{ "ERB errors", test_erb_errors },
	{ "ERB inside YAML", test_erb_in_yaml },
	{ "aliases rejected", test_aliases },
	{ "depth limit", test_depth },
	{ "malformed input", test_malformed },
	{ "size limit", test_size_limit },
	{ "file errors", test_file_errors },
	{ "stock seeds.yml", test_stock_seeds },
	{ "stock barong.yml, authz_rules.yml, abilities.yml",
	    test_stock_files },
	{ NULL, NULL }
};

UNIT_MAIN("yaml", tests)
