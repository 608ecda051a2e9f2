/*
 * mkmmdb: write a small MaxMind DB for tests (HTTP tests, the stack).
 *
 *	mkmmdb OUT.mmdb [SPEC]
 *
 * SPEC (default: standard input) has one network per line:
 *
 *	# comment
 *	81.2.69.0/24  "United Kingdom"  Europe  country.ru=Великобритания
 *	2001:db8::/32 Japan Asia continent.ja="アジア"
 *	10.0.0.0/8    -  Europe
 *	192.0.2.0/24  {"country":{"iso_code":"XX"}}
 *
 * that is: a network, the English country and continent names ("-" for
 * none; double quotes around names with blanks, \" and \\ inside them),
 * then any country.LANG=NAME or continent.LANG=NAME.  A record written as
 * JSON instead of names is stored as it is.  Wider networks first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mmdb_writer.h"

#define MAX_TOKENS	32

/* Split line into words; quotes group, \" and \\ escape.  -1 if bad. */
static int
split(char *line, char **tok, int max)
{
	char	*r = line, *w;
	int	 n = 0, quoted;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0' || *r == '\n' || *r == '#')
			return n;
		if (n == max)
			return -1;
		tok[n++] = w = r;
		quoted = 0;
		while (*r != '\0' && *r != '\n' &&
		    (quoted || (*r != ' ' && *r != '\t'))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
				continue;
			}
			if (quoted && *r == '\\' && (r[1] == '"' ||
			    r[1] == '\\'))
				r++;
			*w++ = *r++;
		}
		if (quoted)
			return -1;
		if (*r != ' ' && *r != '\t') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

/* o[what].names[lang] = name */
static void
set_name(json_object *o, const char *what, const char *lang,
    const char *name)
{
	json_object	*sub, *names;

	if (!json_object_object_get_ex(o, what, &sub)) {
		sub = json_object_new_object();
		json_object_object_add(o, what, sub);
	}
	if (!json_object_object_get_ex(sub, "names", &names)) {
		names = json_object_new_object();
		json_object_object_add(sub, "names", names);
	}
	json_object_object_add(names, lang, json_object_new_string(name));
}

static json_object *
record(char **tok, int n, const char *where)
{
	json_object	*o = json_object_new_object();
	char		*eq, *dot;
	int		 i;

	if (n < 3) {
		fprintf(stderr, "%s: want NETWORK COUNTRY CONTINENT\n", where);
		json_object_put(o);
		return NULL;
	}
	/* The continent first, as MaxMind's databases order them. */
	if (strcmp(tok[2], "-") != 0)
		set_name(o, "continent", "en", tok[2]);
	if (strcmp(tok[1], "-") != 0)
		set_name(o, "country", "en", tok[1]);
	for (i = 3; i < n; i++) {
		if ((eq = strchr(tok[i], '=')) == NULL ||
		    (dot = strchr(tok[i], '.')) == NULL || dot > eq) {
			fprintf(stderr, "%s: bad \"%s\"\n", where, tok[i]);
			json_object_put(o);
			return NULL;
		}
		*eq = *dot = '\0';
		if (strcmp(tok[i], "country") != 0 &&
		    strcmp(tok[i], "continent") != 0) {
			fprintf(stderr, "%s: bad key \"%s\"\n", where, tok[i]);
			json_object_put(o);
			return NULL;
		}
		set_name(o, tok[i], dot + 1, eq + 1);
	}
	return o;
}

int
main(int argc, char *argv[])
{
	struct mmdb_writer	*w;
	json_object		*o;
	FILE			*in = stdin;
	char			 line[4096], where[300], *tok[MAX_TOKENS], *p;
	const char		*name;
	int			 n, lineno = 0, rc = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mkmmdb OUT.mmdb [SPEC]\n");
		return 2;
	}
	name = argc == 3 ? argv[2] : "stdin";
	if (argc == 3 && (in = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if ((w = mmdb_writer_new()) == NULL) {
		fprintf(stderr, "mkmmdb: out of memory\n");
		return 1;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		lineno++;
		snprintf(where, sizeof(where), "%.256s:%d", name, lineno);
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '\n' || *p == '#')
			continue;
		/* NETWORK {json...}: stored as it is. */
		n = (int)strcspn(p, " \t\n");
		if (p[n] == ' ' || p[n] == '\t') {
			char *j = p + n + strspn(p + n, " \t");

			if (*j == '{') {
				p[n] = '\0';
				if (mmdb_writer_insert_json(w, p, j) == -1) {
					fprintf(stderr, "%s: %s\n", where,
					    mmdb_writer_error(w));
					rc = 1;
				}
				continue;
			}
		}
		if ((n = split(p, tok, MAX_TOKENS)) == -1) {
			fprintf(stderr, "%s: bad quoting or too many words\n",
			    where);
			rc = 1;
			continue;
		}
		if ((o = record(tok, n, where)) == NULL) {
			rc = 1;
			continue;
		}
		if (mmdb_writer_insert(w, tok[0], o) == -1) {
			fprintf(stderr, "%s: %s\n", where,
			    mmdb_writer_error(w));
			rc = 1;
		}
		json_object_put(o);
	}
	if (in != stdin)
		fclose(in);
	if (rc == 0 && mmdb_writer_write(w, argv[1], "GeoLite2-Country",
	    NULL) == -1) {
		fprintf(stderr, "mkmmdb: %s\n", mmdb_writer_error(w));
		rc = 1;
	}
	mmdb_writer_free(w);
	return rc;
}
