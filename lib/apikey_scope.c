/*
 * API key scopes: ActiveRecord's YAML serialisation of a Ruby array of
 * strings, written and read (see apikey_scope.h).
 *
 * Writing: an item is emitted plain only when it is a simple word that
 * YAML reads back as the same string; anything else is double-quoted with
 * escapes, which Psych (Barong) and libyaml read back exactly.
 *
 * Reading is done here with libyaml's event parser and not with
 * yaml_load_string(), which expands ERB tags first: a scope is client
 * text and must never reach the environment.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "apikey_scope.h"
#include "arena.h"
#include "buf.h"
#include "json.h"
#include "log.h"

#define SCOPE_MAX	(1024 * 1024)	/* bytes of YAML written */

/* Words YAML 1.1 would read as booleans or null. */
static const char *const special[] = {
	"null", "true", "false", "yes", "no", "on", "off", "y", "n", NULL
};

static int
plain_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_./-", s[i]) != NULL))
			return 0;
	for (i = 0; special[i] != NULL; i++)
		if (strlen(special[i]) == n && strncasecmp(s, special[i], n) ==
		    0)
			return 0;
	return 1;
}

/* One UTF-8 sequence at s (valid UTF-8 assumed): its code point. */
static uint32_t
utf8_next(const unsigned char *s, size_t n, size_t *used)
{
	uint32_t	cp;
	size_t		len, i;

	if (s[0] < 0x80) {
		*used = 1;
		return s[0];
	}
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n) {		/* malformed: take the byte as it is */
		*used = 1;
		return s[0];
	}
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	*used = len;
	return cp;
}

/* Code points YAML will not take raw inside double quotes. */
static int
must_escape(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
	    cp == 0xffff;
}

static void
quoted(struct buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, used;
	uint32_t		 cp;

	buf_putc(b, '"');
	for (i = 0; i < n; i += used) {
		cp = utf8_next(p + i, n - i, &used);
		if (cp == '"' || cp == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (int)cp);
		} else if (must_escape(cp))
			buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			buf_add(b, s + i, used);
	}
	buf_putc(b, '"');
}

char *
apikey_scope_yaml(struct arena *a, const char *csv)
{
	struct buf	 b;
	const char	*p, *e, *end;
	size_t		 n = 0;

	if (csv == NULL)
		return NULL;
	/* Ruby drops the trailing empty fields of a split. */
	end = csv + strlen(csv);
	while (end > csv && end[-1] == ',')
		end--;
	buf_init(&b, a, SCOPE_MAX);
	buf_puts(&b, "---");
	for (p = csv; p < end; p = e + 1) {
		if ((e = memchr(p, ',', (size_t)(end - p))) == NULL)
			e = end;
		buf_puts(&b, n++ == 0 ? "\n- " : "- ");
		if (plain_ok(p, (size_t)(e - p)))
			buf_add(&b, p, (size_t)(e - p));
		else
			quoted(&b, p, (size_t)(e - p));
		buf_putc(&b, '\n');
	}
	if (n == 0)
		buf_puts(&b, " []\n");
	return b.err ? NULL : (char *)buf_cstr(&b);
}

static int
null_scalar(const yaml_event_t *ev)
{
	const char	*v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	    strcasecmp(v, "null") == 0;
}

/* The sequence's items into arr; 0, or -1 if it is not one of scalars. */
static int
parse(const char *yaml, json_object *arr)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	int		 depth = 0, done = 0, rc = -1, seen = 0;

	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml,
	    strlen(yaml));
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			goto out;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (depth++ != 0 || seen++ != 0)
				goto bad;
			break;
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1 || json_object_array_length(arr) >=
			    APIKEY_SCOPE_MAXITEMS)
				goto bad;
			json_object_array_add(arr, null_scalar(&ev) ? NULL :
			    json_object_new_string_len(
			    (const char *)ev.data.scalar.value,
			    (int)ev.data.scalar.length));
			break;
		default:
			goto bad;
		}
		yaml_event_delete(&ev);
	}
	rc = seen ? 0 : -1;
	goto out;
bad:
	yaml_event_delete(&ev);
out:
	yaml_parser_delete(&p);
	return rc;
}

json_object *
apikey_scope_json(struct arena *a, const char *yaml)
{
	json_object	*arr = json_adopt(a, json_object_new_array());
	size_t		 n;

	if (yaml == NULL)
		return arr;
	if (parse(yaml, arr) == -1) {
		log_warn("apikeys.scope is not a YAML sequence of scalars");
		n = json_object_array_length(arr);
		if (n > 0)
			json_object_array_del_idx(arr, 0, n);
	}
	return arr;
}
