/*
 * Declarative parameter validation with Barong's (Grape's) error codes.
 * See params.h and user-api.md §1.2 and §1.4.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "http.h"
#include "params.h"
#include "parse.h"
#include "router.h"

static const char *const true_words[] = { "true", "t", "yes", "y", "on", "1",
	NULL };
static const char *const false_words[] = { "false", "f", "no", "n", "off",
	"0", NULL };

static int
in_list(const char *s, const char *const *list, int icase)
{
	for (; *list != NULL; list++)
		if (icase ? strcasecmp(s, *list) == 0 : strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Ruby's blank?: nil, false, empty or whitespace-only strings, empty arrays. */
static int
is_blank(json_object *j)
{
	const char	*s;

	if (j == NULL)
		return 1;
	switch (json_object_get_type(j)) {
	case json_type_boolean:
		return !json_object_get_boolean(j);
	case json_type_string:
		for (s = json_object_get_string(j); *s != '\0'; s++)
			if (!isspace((unsigned char)*s))
				return 0;
		return 1;
	case json_type_array:
		return json_object_array_length(j) == 0;
	case json_type_object:
		return json_object_object_length(j) == 0;
	default:
		return 0;
	}
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int
month_by_name(const char *s, size_t n)
{
	static const char *const names[] = { "jan", "feb", "mar", "apr",
		"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	static const char *const full[] = { "january", "february", "march",
		"april", "may", "june", "july", "august", "september",
		"october", "november", "december" };
	int	i;

	for (i = 0; i < 12; i++)
		if ((n == 3 && strncasecmp(s, names[i], 3) == 0) ||
		    (n == strlen(full[i]) && strncasecmp(s, full[i], n) == 0))
			return i + 1;
	return 0;
}

/*
 * The date forms Ruby's Date.parse is commonly given: 2020-01-22,
 * 2020/01/22, 20200122, 22-01-2020, 22/01/2020, 22.01.2020, Jan 22 2020,
 * 22 Jan 2020, January 22, 2020.  Writes YYYY-MM-DD; -1 if unparsable.
 */
int
params_parse_date(const char *s, char out[11])
{
	char	w[3][16], tmp[40];
	int	nw = 0, y = 0, m = 0, d = 0, i, v[3];
	size_t	n;

	while (*s != '\0' && nw < 3) {
		while (*s != '\0' && strchr(" ,-/.", *s) != NULL)
			s++;
		if (*s == '\0')
			break;
		n = 0;
		if (isdigit((unsigned char)*s)) {
			while (isdigit((unsigned char)s[n]))
				n++;
		} else if (isalpha((unsigned char)*s)) {
			while (isalpha((unsigned char)s[n]))
				n++;
		} else
			return -1;
		/* atoi() below must not overflow: at most 8 digits. */
		if (n >= sizeof(w[0]) || (isdigit((unsigned char)*s) && n > 8))
			return -1;
		memcpy(w[nw], s, n);
		w[nw++][n] = '\0';
		s += n;
	}
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		return -1;
	if (nw == 1 && strlen(w[0]) == 8 && isdigit((unsigned char)w[0][0])) {
		y = atoi((char[5]){ w[0][0], w[0][1], w[0][2], w[0][3], 0 });
		m = atoi((char[3]){ w[0][4], w[0][5], 0 });
		d = atoi((char[3]){ w[0][6], w[0][7], 0 });
	} else if (nw == 3) {
		int alpha = -1;

		for (i = 0; i < 3; i++) {
			if (isalpha((unsigned char)w[i][0])) {
				if (alpha != -1)
					return -1;
				alpha = i;
				v[i] = month_by_name(w[i], strlen(w[i]));
				if (v[i] == 0)
					return -1;
			} else
				v[i] = atoi(w[i]);
		}
		if (alpha == 0) {		/* Jan 22 2020 */
			m = v[0]; d = v[1]; y = v[2];
		} else if (alpha == 1) {	/* 22 Jan 2020 */
			d = v[0]; m = v[1]; y = v[2];
		} else if (alpha == -1 && strlen(w[0]) == 4) {
			y = v[0]; m = v[1]; d = v[2];
		} else if (alpha == -1 && strlen(w[2]) == 4) {
			d = v[0]; m = v[1]; y = v[2];
		} else
			return -1;
	} else
		return -1;
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return -1;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 11);
	return 0;
}

/* Coerce j to p's type into v; -1 when it does not coerce. */
static int
coerce(struct req *r, const struct param *p, json_object *j, struct pval *v)
{
	size_t		 max = p->maxlen ? p->maxlen : PARAM_MAXLEN;
	const char	*s;
	char		*end, date[11];
	int		 len;

	v->j = j;
	if (j == NULL) {		/* "name" without "=", or JSON null */
		v->s = "";
		return p->type == PT_INTEGER || p->type == PT_DATE ? -1 : 0;
	}
	switch (json_object_get_type(j)) {
	case json_type_array:
	case json_type_object:
		if (p->type == PT_ANY)
			return 0;
		if (p->type == PT_STRING_OR_OBJECT &&
		    json_object_is_type(j, json_type_object))
			return 0;
		return -1;
	default:
		break;
	}
	s = json_object_get_string(j);
	/* json-c gives a length for strings only; numbers are stringified. */
	len = json_object_is_type(j, json_type_string) ?
	    json_object_get_string_len(j) : (int)strlen(s);
	if ((size_t)len > max || !parse_utf8_valid(s, (size_t)len))
		return -1;
	v->s = s;
	v->len = (size_t)len;
	switch (p->type) {
	case PT_INTEGER:
		if (json_object_is_type(j, json_type_double)) {
			double d = json_object_get_double(j);

			/* In range first: the cast is undefined outside it. */
			if (!(d >= -9223372036854775808.0 &&
			    d < 9223372036854775808.0) ||
			    d != (double)(long long)d)
				return -1;
			v->n = (long long)d;
			return 0;
		}
		while (isspace((unsigned char)*s))
			s++;
		if (!isdigit((unsigned char)*s) && !((*s == '-' ||
		    *s == '+') && isdigit((unsigned char)s[1])))
			return -1;
		errno = 0;
		v->n = strtoll(s, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		return errno == 0 && *end == '\0' ? 0 : -1;
	case PT_BOOLEAN:
		if (in_list(s, true_words, 1))
			v->b = 1;
		else if (in_list(s, false_words, 1))
			v->b = 0;
		else
			return -1;
		return 0;
	case PT_DATE:
		if (params_parse_date(s, date) == -1)
			return -1;
		v->s = arena_strdup(r->a, date);
		v->len = 10;
		return 0;
	default:
		return 0;
	}
}

static const char *
code(struct req *r, const char *custom, const char *what, const char *name)
{
	if (custom != NULL)
		return custom;
	return arena_printf(r->a, "%s.%s_%s", r->route->prefix, what, name);
}

int
params_validate(struct req *r)
{
	const struct param	*p;
	struct pval		*v;
	json_object		*j;
	size_t			 n = 0, i;
	int			 has;

	if (r->route == NULL || r->route->params == NULL)
		return 0;
	for (p = r->route->params; p->name != NULL; p++)
		n++;
	r->vals = arena_alloc(r->a, (n + 1) * sizeof(*r->vals));
	for (i = 0, p = r->route->params; i < n; i++, p++) {
		v = &r->vals[i];
		has = json_object_object_get_ex(r->input, p->name, &j);
		if (has && (p->flags & P_BLANK_NIL) && (j == NULL ||
		    (json_object_is_type(j, json_type_string) &&
		    json_object_get_string_len(j) == 0)))
			has = 0;
		if (!has) {
			if (p->def != NULL) {
				v->present = 1;
				v->s = p->def;
				v->len = strlen(p->def);
				if (p->type == PT_INTEGER)
					v->n = strtoll(p->def, NULL, 10);
				if (p->type == PT_BOOLEAN)
					v->b = in_list(p->def, true_words, 1);
				continue;
			}
			if (p->flags & P_REQUIRED) {
				err_add_key(r, 422,
				    code(r, p->missing, "missing", p->name));
				if (p->flags & P_NONBLANK)
					err_add_key(r, 422, code(r, p->empty,
					    "empty", p->name));
			}
			continue;
		}
		v->present = 1;
		/*
		 * Grape reads "" and null as nil for a typed parameter: a
		 * non-blank Integer or Date given so is blank, not malformed.
		 */
		if ((p->flags & P_NONBLANK) && (p->type == PT_INTEGER ||
		    p->type == PT_DATE) && (j == NULL ||
		    (json_object_is_type(j, json_type_string) &&
		    json_object_get_string_len(j) == 0))) {
			err_add_key(r, 422, code(r, p->empty, "empty", p->name));
			continue;
		}
		if (coerce(r, p, j, v) == -1) {
			err_add_key(r, 422, p->invalid ? p->invalid : "invalid");
			if (p->flags & P_BADTYPE_VALUE)
				err_add_key(r, 422,
				    p->value_err ? p->value_err : "value");
			continue;
		}
		if ((p->flags & P_NONBLANK) && is_blank(j)) {
			err_add_key(r, 422, code(r, p->empty, "empty", p->name));
			continue;
		}
		if ((p->values != NULL && (v->s == NULL ||
		    !in_list(v->s, p->values, 0))) ||
		    (p->type == PT_INTEGER && p->min < p->max &&
		    (v->n < p->min || v->n > p->max)))
			err_add_key(r, 422, p->value_err ? p->value_err : "value");
	}
	return r->err.status != 0 ? -1 : 0;
}

const struct pval *
param_get(const struct req *r, const char *name)
{
	const struct param	*p;
	size_t			 i;

	if (r->route == NULL || r->route->params == NULL || r->vals == NULL)
		return NULL;
	for (i = 0, p = r->route->params; p->name != NULL; p++, i++)
		if (strcmp(p->name, name) == 0)
			return r->vals[i].present ? &r->vals[i] : NULL;
	return NULL;
}

const char *
param_str(const struct req *r, const char *name)
{
	const struct pval *v = param_get(r, name);

	return v != NULL ? v->s : NULL;
}

int
param_present(const struct req *r, const char *name)
{
	return param_get(r, name) != NULL;
}

long long
param_int(const struct req *r, const char *name, long long def)
{
	const struct pval *v = param_get(r, name);

	return v != NULL ? v->n : def;
}

long long
param_epoch_clamp(long long t)
{
	return t < PARAM_EPOCH_MIN ? PARAM_EPOCH_MIN : t > PARAM_EPOCH_MAX ?
	    PARAM_EPOCH_MAX : t;
}

const char *
param_epoch(struct req *r, const char *name)
{
	if (!param_present(r, name))
		return NULL;
	return arena_printf(r->a, "%lld",
	    param_epoch_clamp(param_int(r, name, 0)));
}

int
param_bool(const struct req *r, const char *name, int def)
{
	const struct pval *v = param_get(r, name);

	return v != NULL ? v->b : def;
}
