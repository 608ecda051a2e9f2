/*
 * barongctl user: what Barong's operators do from the Rails console or
 * with seeds, as two commands.
 *
 *	user create --email E (--password-file F | --password-stdin)
 *	    [--role R] [--state S]
 *	user set --uid U [--role R] [--state S]
 *
 * "create" makes the user with the sign-up validations (lib/user.c), then
 * gives him the role and state; an active user also gets the private
 * label email:verified, so that his level is 1 and a later label change
 * does not send him back to "pending".  "set" has the admin API's side
 * effects (lib/useradm.c): API keys, service accounts, and the end of
 * every session on a role change or a state other than active.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "barongyml.h"
#include "conf.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "labels.h"
#include "password.h"
#include "user.h"
#include "useradm.h"
#include "barongctl_user.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define PASSWORD_MAX	4096

struct opts {
	const char	*email, *password_file, *uid, *role, *state;
	int		 password_stdin;
};

/* A usage error: msg, then arg in quotes when not NULL. */
static int
usage(const char *msg, const char *arg)
{
	fprintf(stderr, "barongctl: %s", msg);
	if (arg != NULL)
		fprintf(stderr, " \"%s\"", arg);
	fprintf(stderr, "\nTry \"barongctl help user\" for more information."
	    "\n");
	return EXIT_USAGE;
}

/* Parse "--name value" and "--name=value" options into o. */
static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} names[] = {
		{ "--email", offsetof(struct opts, email) },
		{ "--password-file", offsetof(struct opts, password_file) },
		{ "--uid", offsetof(struct opts, uid) },
		{ "--role", offsetof(struct opts, role) },
		{ "--state", offsetof(struct opts, state) },
	};
	const char	*a, *v;
	size_t		 i, n;
	int		 k;

	memset(o, 0, sizeof(*o));
	for (k = 2; k < argc; k++) {
		a = argv[k];
		if (strcmp(a, "--password-stdin") == 0) {
			o->password_stdin = 1;
			continue;
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			n = strlen(names[i].name);
			if (strncmp(a, names[i].name, n) == 0 &&
			    (a[n] == '\0' || a[n] == '='))
				break;
		}
		if (i == sizeof(names) / sizeof(names[0]))
			return usage("user: unexpected argument", a);
		if (a[n] == '=')
			v = a + n + 1;
		else if (k + 1 < argc)
			v = argv[++k];
		else
			return usage("missing value of option", a);
		if (*v == '\0')
			return usage("empty value of option", a);
		*(const char **)(void *)((char *)o + names[i].off) = v;
	}
	return 0;
}

/* The first line of the file (or stdin), without its newline. */
static int
read_password(const struct opts *o, char *pw, size_t len)
{
	FILE	*f = stdin;
	size_t	 n;

	if (o->password_file != NULL &&
	    (f = fopen(o->password_file, "r")) == NULL) {
		fprintf(stderr, "barongctl: could not open \"%s\"\n",
		    o->password_file);
		return -1;
	}
	if (fgets(pw, (int)len, f) == NULL)
		pw[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strlen(pw);
	if (n == len - 1 && pw[n - 1] != '\n') {
		crypto_wipe(pw, len);
		fprintf(stderr, "barongctl: password too long\n");
		return -1;
	}
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (n == 0) {
		fprintf(stderr, "barongctl: empty password\n");
		return -1;
	}
	return 0;
}

/* Print the request's error codes as the API would send them. */
static int
failed(struct req *r, const char *what)
{
	size_t	i;

	db_rollback();
	fprintf(stderr, "barongctl: could not %s:", what);
	for (i = 0; i < r->err.nkeys; i++)
		fprintf(stderr, " %s", r->err.keys[i]);
	if (r->err.nkeys == 0 || r->err.status >= 500)
		fprintf(stderr, " %s", r->err.detail[0] != '\0' ?
		    r->err.detail : "database error");
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static int
role_known(struct req *r, const char *role)
{
	int	rc;

	if ((rc = user_role_exists(r->a, role)) == 1)
		return 0;
	if (rc == 0)
		err_set(r, 422, "role.doesnt_exist", NULL);
	else
		err_internal(r, "could not check the role");
	return -1;
}

static int
create(struct req *r, const struct opts *o)
{
	struct user_new	 in = { 0 };
	struct user	*u;
	const char	*role = o->role ? o->role : "member";
	const char	*state = o->state ? o->state : "active";
	char		 pw[PASSWORD_MAX], err[512];
	int		 rc;

	if (o->email == NULL || o->uid != NULL ||
	    (o->password_file != NULL) == o->password_stdin)
		return usage("user create: --email and one of "
		    "--password-file or --password-stdin are needed", NULL);
	if (password_policy_init(cfg.password_regexp != NULL ?
	    cfg.password_regexp : PASSWORD_DEFAULT_REGEXP,
	    (double)cfg.password_min_entropy, cfg.password_use_dictionary,
	    err, sizeof(err)) == -1 ||
	    barongyml_load(cfg.barong_yml, err, sizeof(err)) == -1) {
		fprintf(stderr, "barongctl: %s\n", err);
		return EXIT_FAIL;
	}
	if (read_password(o, pw, sizeof(pw)) == -1)
		return EXIT_FAIL;
	in.email = o->email;
	in.password = pw;
	if (db_begin() == -1) {
		crypto_wipe(pw, sizeof(pw));
		return failed(r, "begin");
	}
	rc = role_known(r, role) == -1 || user_create(r, &in, &u) == -1 ||
	    (strcmp(state, "active") == 0 && labels_set_private(r->a, u->id,
	    "email", "verified") == -1) ||
	    user_set_role_state(r->a, u->id, role, state) == -1 ||
	    db_commit() == -1;
	crypto_wipe(pw, sizeof(pw));
	if (rc)
		return failed(r, "create the user");
	printf("Created user %s <%s>, role %s, state %s\n", u->uid, u->email,
	    role, state);
	return EXIT_OK;
}

static int
set(struct req *r, const struct opts *o)
{
	struct user	*u;
	int		 rc;

	if (o->uid == NULL || o->email != NULL || o->password_file != NULL ||
	    o->password_stdin || (o->role == NULL && o->state == NULL))
		return usage("user set: --uid and --role or --state are needed",
		    NULL);
	if ((rc = user_find_by_uid(r->a, o->uid, &u)) != 0) {
		fprintf(stderr, "barongctl: %s\n", rc == 1 ?
		    "no such user" : "could not look up the user");
		return EXIT_FAIL;
	}
	if (db_begin() == -1)
		return failed(r, "begin");
	if ((o->role != NULL && strcmp(o->role, u->role) != 0 &&
	    useradm_set_role(r, u, o->role) == -1) ||
	    (o->state != NULL && strcmp(o->state, u->state) != 0 &&
	    useradm_set_state(r, u, o->state) == -1) || db_commit() == -1)
		return failed(r, "update the user");
	printf("User %s <%s>: role %s, state %s\n", u->uid, u->email, u->role,
	    u->state);
	return EXIT_OK;
}

int
barongctl_user(int argc, char **argv, int (*open_db)(void))
{
	struct opts	 o;
	struct arena	*a;
	struct req	 r;
	int		 rc, create_cmd;

	if (argc < 2)
		return usage("user: missing subcommand", NULL);
	if (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "set") != 0)
		return usage("user: unknown subcommand", argv[1]);
	create_cmd = strcmp(argv[1], "create") == 0;
	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;
	if (open_db() == -1)
		return EXIT_FAIL;
	a = arena_new(64 * 1024);
	http_init(&r, a);
	rc = create_cmd ? create(&r, &o) : set(&r, &o);
	arena_free(a);
	db_close();
	return rc;
}
