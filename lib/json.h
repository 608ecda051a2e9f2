/*
 * JSON helpers over json-c.  Output is compact, keeps insertion order and
 * does not escape '/', as Barong's Ruby JSON does.
 */
#ifndef BARONG_JSON_H
#define BARONG_JSON_H

#include <stddef.h>
#include <time.h>
#include <json-c/json.h>

struct arena;

/* Serialise; the string lives in the arena. */
const char	*json_dump(struct arena *, json_object *, size_t *len);
/* Defers json_object_put of o to the arena; returns o. */
json_object	*json_adopt(struct arena *, json_object *);
/* A double rendered as Ruby renders a Float: 15.5, 21.0, 19.59375. */
json_object	*json_new_ruby_float(double);
int		 json_format_ruby_float(double, char *, size_t);
json_object	*json_new_string_or_null(const char *);
/* ISO-8601 UTC, seconds: 2021-06-15T10:41:49Z. */
json_object	*json_new_time(time_t);
/* {"errors":[k...]} */
json_object	*json_errors(const char *const *keys, size_t n);

#endif
