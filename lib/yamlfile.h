/*
 * Barong's YAML data files (authz rules, seeds, abilities, barong.yml) read
 * with libyaml into json-c values: mappings become objects (key order kept),
 * sequences arrays, scalars strings (plain "null", "~" and empty become JSON
 * null).  Before parsing, the small ERB subset Barong's stock files use is
 * expanded: <%= ENV.fetch("NAME", "default") %>, <%= ENV.fetch("NAME") %> and
 * <%= ENV["NAME"] %>; any other <% %> tag is an error.
 * Aliases are rejected and nesting and size are bounded.
 */
#ifndef BARONG_YAMLFILE_H
#define BARONG_YAMLFILE_H

#include <stddef.h>
#include <json-c/json.h>

/* Returns a new object (caller puts it) or NULL with errbuf set. */
json_object	*yaml_load_file(const char *path, char *errbuf, size_t errlen);
json_object	*yaml_load_string(const char *text, size_t len, char *errbuf,
		    size_t errlen);
/* The ERB expansion alone; returns malloc'd text or NULL with errbuf set. */
char		*yaml_expand_erb(const char *text, size_t len, size_t *outlen,
		    char *errbuf, size_t errlen);

#endif
