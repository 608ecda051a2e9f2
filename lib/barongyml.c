#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "barongyml.h"
#include "arena.h"
#include "buf.h"
#include "yamlfile.h"

struct barong_yml byml;

static const char *const def_activation[] = { "email", "verified" };
static const char *const def_triggers[][2] = {
	{ "banned", "ban" }, { "banned", "fraud" }, { "deleted", "delete" },
	{ "locked", "suspicious" }, { "locked", "lock" }
};
static const char *const def_documents[] = { "Passport", "Identity card",
	"Driver license", "Utility Bill", "Residental", "Institutional",
	"Address" };
static const char *const def_captcha[] = { "user_create", "session_create",
	"password_reset", "email_confirmation" };

static void
push(struct strlist *l, const char *s)
{
	const char	**v;

	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL || (s = strdup(s)) == NULL)
		abort();
	v[l->n++] = s;
	l->v = v;
}

static void
reset(struct strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free((char *)l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
scalar_list(json_object *arr, struct strlist *l, const char *what, char *err,
    size_t errlen)
{
	size_t		i;
	json_object	*e;

	if (arr == NULL)
		return 0;	/* "key:" with nothing under it */
	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "%s must be a list", what);
		return -1;
	}
	for (i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (e == NULL || !json_object_is_type(e, json_type_string)) {
			snprintf(err, errlen, "%s: entries must be strings",
			    what);
			return -1;
		}
		push(l, json_object_get_string(e));
	}
	return 0;
}

static void
defaults(void)
{
	size_t	i;

	reset(&byml.activation_keys);
	reset(&byml.activation_values);
	reset(&byml.trigger_states);
	reset(&byml.trigger_keys);
	reset(&byml.document_types);
	reset(&byml.storage_titles);
	reset(&byml.captcha_endpoints);
	reset(&byml.profile_verification_roles);
	push(&byml.activation_keys, def_activation[0]);
	push(&byml.activation_values, def_activation[1]);
	for (i = 0; i < sizeof(def_triggers) / sizeof(def_triggers[0]); i++) {
		push(&byml.trigger_states, def_triggers[i][0]);
		push(&byml.trigger_keys, def_triggers[i][1]);
	}
	for (i = 0; i < sizeof(def_documents) / sizeof(def_documents[0]); i++)
		push(&byml.document_types, def_documents[i]);
	for (i = 0; i < sizeof(def_captcha) / sizeof(def_captcha[0]); i++)
		push(&byml.captcha_endpoints, def_captcha[i]);
	push(&byml.profile_verification_roles, "superadmin");
}

int
barongyml_load(const char *path, char *err, size_t errlen)
{
	json_object	*doc, *v;
	char		 msg[256];
	int		 rc = -1;

	defaults();
	if (path == NULL || *path == '\0')
		return 0;
	if ((doc = yaml_load_file(path, msg, sizeof(msg))) == NULL) {
		snprintf(err, errlen, "%s", msg);
		return -1;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		snprintf(err, errlen, "%s: not a mapping", path);
		goto out;
	}
	if (json_object_object_get_ex(doc, "activation_requirements", &v) &&
	    v != NULL) {
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(err, errlen, "activation_requirements must "
			    "be a mapping");
			goto out;
		}
		reset(&byml.activation_keys);
		reset(&byml.activation_values);
		json_object_object_foreach(v, k, val) {
			push(&byml.activation_keys, k);
			push(&byml.activation_values,
			    val ? json_object_get_string(val) : "");
		}
	}
	if (json_object_object_get_ex(doc, "state_triggers", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(err, errlen, "state_triggers must be a "
			    "mapping");
			goto out;
		}
		reset(&byml.trigger_states);
		reset(&byml.trigger_keys);
		json_object_object_foreach(v, state, keys) {
			struct strlist	l = { NULL, 0 };
			size_t		i;

			if (scalar_list(keys, &l, state, err, errlen) == -1) {
				reset(&l);
				goto out;
			}
			for (i = 0; i < l.n; i++) {
				push(&byml.trigger_states, state);
				push(&byml.trigger_keys, l.v[i]);
			}
			reset(&l);
		}
	}
#define LIST(key, field) do {						\
	if (json_object_object_get_ex(doc, key, &v)) {			\
		reset(&byml.field);					\
		if (scalar_list(v, &byml.field, key, err, errlen) == -1) \
			goto out;					\
	}								\
} while (0)
	LIST("document_types", document_types);
	LIST("user_storage_titles", storage_titles);
	LIST("profile_verification_roles", profile_verification_roles);
#undef LIST
	/* Barong: an absent captcha_protected_endpoints protects nothing. */
	reset(&byml.captcha_endpoints);
	if (json_object_object_get_ex(doc, "captcha_protected_endpoints", &v) &&
	    scalar_list(v, &byml.captcha_endpoints,
	    "captcha_protected_endpoints", err, errlen) == -1)
		goto out;
	rc = 0;
out:
	json_object_put(doc);
	return rc;
}

int
strlist_has(const struct strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

const char *
strlist_pg_array(const struct strlist *l)
{
	struct buf	 b;
	struct arena	*a;
	const char	*p, *out;
	size_t		 i;
	char		*copy;

	/* Small and made once per process: a private arena, then strdup. */
	a = arena_new(4096);
	buf_init(&b, a, 64 * 1024);
	buf_putc(&b, '{');
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		buf_putc(&b, '"');
		for (p = l->v[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&b, '\\');
			buf_putc(&b, *p);
		}
		buf_putc(&b, '"');
	}
	buf_putc(&b, '}');
	out = buf_cstr(&b);
	copy = strdup(out ? out : "{}");
	arena_free(a);
	if (copy == NULL)
		abort();
	return copy;
}
