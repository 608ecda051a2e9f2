/*
 * lib/apikey_scope.c: Ruby's split(",") and ActiveRecord's YAML for the
 * lists clients send, rows as Barong (Psych) writes them, hostile text
 * read back unchanged, and refusals of what is not a list of scalars
 * (ERB tags are never expanded).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apikey_scope.h"
#include "arena.h"
#include "json.h"
#include "unit.h"

static struct arena	*a;

static const char *
dump(json_object *o)
{
	return json_dump(a, o, NULL);
}

static void
check_csv(const char *csv, const char *yaml, const char *json)
{
	char	*y = apikey_scope_yaml(a, csv);

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	if (yaml != NULL && strcmp(y, yaml) != 0) {
		fprintf(stderr, "csv %s: yaml %s\n", csv, y);
		CU_FAIL("yaml");
	}
	if (strcmp(dump(apikey_scope_json(a, y)), json) != 0) {
		fprintf(stderr, "csv %s: json %s\n", csv,
		    dump(apikey_scope_json(a, y)));
		CU_FAIL("json");
	}
}

static void
test_write(void)
{
	a = arena_new(0);
	CU_ASSERT_PTR_NULL(apikey_scope_yaml(a, NULL));
	check_csv("trade,read", "---\n- trade\n- read\n",
	    "[\"trade\",\"read\"]");
	check_csv("trade", "---\n- trade\n", "[\"trade\"]");
	check_csv(",", "--- []\n", "[]");
	check_csv(",,,", "--- []\n", "[]");
	check_csv("a,,b,,", "---\n- a\n- \"\"\n- b\n", "[\"a\",\"\",\"b\"]");
	check_csv(",a", "---\n- \"\"\n- a\n", "[\"\",\"a\"]");
	check_csv("trade, read", "---\n- trade\n- \" read\"\n",
	    "[\"trade\",\" read\"]");
	check_csv("null,true,No,~,123,1e3", NULL,
	    "[\"null\",\"true\",\"No\",\"~\",\"123\",\"1e3\"]");
	check_csv("a:b,- x,#c,'q',\"d\\\\\"", NULL,
	    "[\"a:b\",\"- x\",\"#c\",\"'q'\",\"\\\"d\\\\\\\\\\\"\"]");
	check_csv("tab\there,nl\nx,\x7f", NULL,
	    "[\"tab\\there\",\"nl\\nx\",\"\x7f\"]");
	check_csv("caf\xc3\xa9,\xe2\x80\xa8,\xc2\x85,\xef\xbb\xbf", NULL,
	    "[\"caf\xc3\xa9\",\"\xe2\x80\xa8\",\"\xc2\x85\",\"\xef\xbb\xbf\"]");
	check_csv("<%= ENV['HOME'] %>", NULL, "[\"<%= ENV['HOME'] %>\"]");
	check_csv("read.write/x-y_z", "---\n- read.write/x-y_z\n",
	    "[\"read.write/x-y_z\"]");
	arena_free(a);
}

static void
test_read(void)
{
	a = arena_new(0);
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, NULL)), "[]");
	/* As Psych writes them. */
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a,
	    "---\n- trade\n- ' read'\n- '123'\n")),
	    "[\"trade\",\" read\",\"123\"]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "--- []\n")), "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "---\n- \n- ~\n")),
	    "[null,null]");
	/* Not a list of scalars: [] (and a log line). */
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "--- x\n")), "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "---\n- a\n- [b]\n")),
	    "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "{a: 1}")), "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "- &x a\n- *x\n")),
	    "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "- a\n- \"b")),
	    "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "")), "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, "- a\n---\n- b\n")),
	    "[]");
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a,
	    "- <%= ENV['HOME'] %>\n")), "[\"<%= ENV['HOME'] %>\"]");
	arena_free(a);
}

static void
test_limits(void)
{
	char	*csv = malloc(600), *y;
	int	 i;

	a = arena_new(0);
	for (i = 0; i < 300; i++) {
		csv[2 * i] = 'a';
		csv[2 * i + 1] = ',';
	}
	csv[599] = '\0';
	y = apikey_scope_yaml(a, csv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	/* More items than a stored scope may hold: refused whole. */
	CU_ASSERT_STRING_EQUAL(dump(apikey_scope_json(a, y)), "[]");
	csv[2 * APIKEY_SCOPE_MAXITEMS - 1] = '\0';
	y = apikey_scope_yaml(a, csv);
	CU_ASSERT_EQUAL(json_object_array_length(apikey_scope_json(a, y)),
	    APIKEY_SCOPE_MAXITEMS);
	free(csv);
	arena_free(a);
}

static const struct unit_test tests[] = {
	{ "write", test_write },
	{ "read", test_read },
	{ "limits", test_limits },
	{ NULL, NULL }
};

UNIT_MAIN("apikey_scope", tests)
