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
 * Ruby's Float#to_s, which its JSON generator uses: the fewest digits that
 * read back as the same value, always with a fraction (21.0, 15.5, 100.0,
 * 19.59375), and an exponent only from 17 integer digits on or below 0.0001
 * (1.0e+21, 1.0e-05).  Returns 0, or -1 for NaN, infinities and a short
 * buffer.
 */
int
json_format_ruby_float(double v, char *out, size_t len)
{
	char		 e[40], digs[24], t[64];
	const char	*p;
	int		 prec, n, decpt, ndig = 0, i;
	size_t		 o = 0;

	if (!isfinite(v))
		return -1;
	/* The shortest "d.ddde+XX" that reads back as v. */
	for (prec = 0; prec <= 16; prec++) {
		n = snprintf(e, sizeof(e), "%.*e", prec, v);
		if (n < 0 || (size_t)n >= sizeof(e))
			return -1;
		if (strtod(e, NULL) == v)
			break;
	}
	for (p = e[0] == '-' ? e + 1 : e; *p != 'e' && *p != '\0'; p++)
		if (*p >= '0' && *p <= '9' && ndig < (int)sizeof(digs))
			digs[ndig++] = *p;
	if (*p != 'e' || ndig == 0)
		return -1;
	decpt = atoi(p + 1) + 1;
	while (ndig > 1 && digs[ndig - 1] == '0')
		ndig--;
	if (e[0] == '-')
		t[o++] = '-';
	if (decpt > 0 && decpt <= 16) {			/* 1234.5 */
		for (i = 0; i < decpt; i++)
			t[o++] = i < ndig ? digs[i] : '0';
		t[o++] = '.';
		if (ndig <= decpt)
			t[o++] = '0';
		for (i = decpt; i < ndig; i++)
			t[o++] = digs[i];
	} else if (decpt <= 0 && decpt > -4) {		/* 0.00012 */
		t[o++] = '0';
		t[o++] = '.';
		for (i = decpt; i < 0; i++)
			t[o++] = '0';
		for (i = 0; i < ndig; i++)
			t[o++] = digs[i];
	} else {					/* 1.2e+21 */
		t[o++] = digs[0];
		t[o++] = '.';
		if (ndig == 1)
			t[o++] = '0';
		for (i = 1; i < ndig; i++)
			t[o++] = digs[i];
		n = snprintf(t + o, sizeof(t) - o, "e%+03d", decpt - 1);
		if (n < 0 || (size_t)n >= sizeof(t) - o)
			return -1;
		o += (size_t)n;
	}
	if (o >= len)
		return -1;
	memcpy(out, t, o);
	out[o] = '\0';
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
