#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"

static void
put_json(void *p)
{
	json_object_put(p);
}

json_object *
json_adopt(struct arena *a, json_object *o)
{
	arena_defer(a, put_json, o);
	return o;
}

const char *
json_dump(struct arena *a, json_object *o, size_t *len)
{
	const char	*s;
	size_t		 n;

	s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (len != NULL)
		*len = n;
	return arena_memdup(a, s, n);
}

/*
 * Ruby prints a Float with the fewest digits that read back as the same
 * value, and always with a fraction: 21.0, 15.5, 19.59375.
 */
int
json_format_ruby_float(double v, char *out, size_t len)
{
	int	prec, n;

	if (!isfinite(v))
		return -1;
	for (prec = 1; prec <= 17; prec++) {
		n = snprintf(out, len, "%.*g", prec, v);
		if (n < 0 || (size_t)n >= len)
			return -1;
		if (strtod(out, NULL) == v)
			break;
	}
	if (strpbrk(out, ".e") == NULL) {
		n = (int)strlen(out);
		if ((size_t)n + 3 > len)
			return -1;
		memcpy(out + n, ".0", 3);
	}
	return 0;
}

json_object *
json_new_ruby_float(double v)
{
	char	buf[64];

	if (json_format_ruby_float(v, buf, sizeof(buf)) == -1)
		return json_object_new_double(v);
	return json_object_new_double_s(v, buf);
}

json_object *
json_new_string_or_null(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}

json_object *
json_new_time(time_t t)
{
	struct tm	tm;
	char		buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

json_object *
json_errors(const char *const *keys, size_t n)
{
	json_object	*o, *arr;
	size_t		 i;

	o = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(keys[i]));
	json_object_object_add(o, "errors", arr);
	return o;
}
