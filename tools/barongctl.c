/*
 * barongctl: the operator's command.
 *
 *	barongctl [-c CONFIG] [--db CONNINFO] COMMAND [ARGS]
 *
 * Commands live in one table (name, handler, usage, summary); a new one
 * (users, keys, mailer, ...) is a handler and a line there.  A handler gets
 * argc/argv starting at its own name and returns the exit status: 0 on
 * success, 1 on failure, 2 on a usage error.  Messages go to stderr in
 * PostgreSQL's style: "barongctl: could not connect to database: ...".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "conf.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "seed.h"
#include "version.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

#define DEFAULT_CONFIG	SYSCONFDIR "/barong/barongctl.conf"
#define DEFAULT_SQL_DIR	PKGDATADIR "/sql"

static const char	*progname = "barongctl";
static const char	*db_override;	/* --db */

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;		/* arguments after the name */
	const char	*summary;
};

static int	cmd_migrate(int, char **);
static int	cmd_seed(int, char **);
static int	cmd_permissions(int, char **);
static int	cmd_version(int, char **);
static int	cmd_help(int, char **);

static const struct command commands[] = {
	{ "migrate", cmd_migrate, "[--dry-run] [--sql-dir DIR]",
	    "apply pending schema migrations" },
	{ "seed", cmd_seed, "[FILE]",
	    "seed levels, permissions, users, restrictions" },
	{ "permissions", cmd_permissions, "reload [FILE]",
	    "replace the permissions with the file's" },
	{ "version", cmd_version, "", "print the version and exit" },
	{ "help", cmd_help, "[COMMAND]", "show this help" },
	{ NULL, NULL, NULL, NULL }
};

static void
usage_hint(void)
{
	fprintf(stderr, "Try \"%s help\" for more information.\n", progname);
}

static int	usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_hint();
	return EXIT_USAGE;
}

static const struct command *
find_command(const char *name)
{
	const struct command	*c;

	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * Open the database and check that it answers, so that a bad conninfo is
 * one clear line instead of a failure in the middle of a command.
 */
static int
open_db(void)
{
	const char	*ci;
	PGconn		*c;
	size_t		 n;
	char		 msg[512];

	ci = db_override != NULL ? db_override :
	    cfg.db_conninfo != NULL ? cfg.db_conninfo : "";
	/*
	 * Probe with libpq directly for PostgreSQL's own message; the db
	 * module then opens its connection on first use.
	 */
	c = PQconnectdb(ci);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		snprintf(msg, sizeof(msg), "%s",
		    c != NULL ? PQerrorMessage(c) : "out of memory");
		n = strlen(msg);
		while (n > 0 && msg[n - 1] == '\n')
			msg[--n] = '\0';
		fprintf(stderr, "%s: could not connect to database: %s\n",
		    progname, msg);
		PQfinish(c);
		return -1;
	}
	PQfinish(c);
	if (db_open(ci) == -1 || db_conn() == NULL) {
		fprintf(stderr, "%s: could not connect to database\n",
		    progname);
		return -1;
	}
	return 0;
}

/* migrate [--dry-run] [--sql-dir DIR] */
static int
cmd_migrate(int argc, char **argv)
{
	const char	*dir = NULL;
	int		 i, dry_run = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0 ||
		    strcmp(argv[i], "-n") == 0)
			dry_run = 1;
		else if (strcmp(argv[i], "--sql-dir") == 0) {
			if (++i == argc)
				return usage_error("option \"%s\" requires an "
				    "argument", "--sql-dir");
			dir = argv[i];
		} else if (strncmp(argv[i], "--sql-dir=", 10) == 0)
			dir = argv[i] + 10;
		else
			return usage_error("migrate: unexpected argument "
			    "\"%s\"", argv[i]);
	}
	if (dir == NULL && (dir = getenv("BARONG_SQL_DIR")) == NULL)
		dir = DEFAULT_SQL_DIR;
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = migrate_run(dir, dry_run);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: migration failed\n", progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* seed [FILE] */
static int
cmd_seed(int argc, char **argv)
{
	const char	*path;
	char		 err[512];
	int		 rc;

	if (argc > 2)
		return usage_error("seed: unexpected argument \"%s\"",
		    argv[2]);
	path = argc == 2 ? argv[1] : cfg.seeds_file;
	if (path == NULL || *path == '\0')
		return usage_error("seed: no seeds file");
	/* Seeded users' passwords go through the configured policy. */
	if (password_policy_init(cfg.password_regexp != NULL ?
	    cfg.password_regexp : PASSWORD_DEFAULT_REGEXP,
	    (double)cfg.password_min_entropy, cfg.password_use_dictionary,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", progname, err);
		return EXIT_FAIL;
	}
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = seed_run(path, stdout);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: seeding aborted\n", progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* permissions reload [FILE] */
static int
cmd_permissions(int argc, char **argv)
{
	const char	*path;
	int		 rc;

	if (argc < 2)
		return usage_error("permissions: missing subcommand");
	if (strcmp(argv[1], "reload") != 0)
		return usage_error("permissions: unknown subcommand \"%s\"",
		    argv[1]);
	if (argc > 3)
		return usage_error("permissions reload: unexpected argument "
		    "\"%s\"", argv[3]);
	path = argc == 3 ? argv[2] : cfg.seeds_file;
	if (path == NULL || *path == '\0')
		return usage_error("permissions reload: no seeds file");
	if (open_db() == -1)
		return EXIT_FAIL;
	rc = seed_permissions_reload(path, stdout);
	db_close();
	if (rc == -1) {
		fprintf(stderr, "%s: could not reload permissions\n",
		    progname);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage_error("version: unexpected argument \"%s\"",
		    argv[1]);
	printf("%s (%s) %s\n", progname, PACKAGE_NAME, PACKAGE_VERSION);
	printf("Barong API %s\n", BARONG_API_VERSION);
	return EXIT_OK;
}

static void
print_usage(FILE *f)
{
	const struct command	*c;
	char			 line[128];

	fprintf(f, "%s is the operator's command of %s.\n\n", progname,
	    PACKAGE_NAME);
	fprintf(f, "Usage:\n  %s [-c CONFIG] [--db CONNINFO] COMMAND "
	    "[ARGS]\n\n", progname);
	fprintf(f, "Commands:\n");
	for (c = commands; c->name != NULL; c++) {
		snprintf(line, sizeof(line), "%s%s%s", c->name,
		    *c->usage != '\0' ? " " : "", c->usage);
		if (strlen(line) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", line, "", c->summary);
		else
			fprintf(f, "  %-28s %s\n", line, c->summary);
	}
	fprintf(f, "\nOptions:\n"
	    "  -c, --config=FILE     configuration file, by default\n"
	    "                        %s if it exists\n"
	    "      --db=CONNINFO     PostgreSQL connection string (overrides\n"
	    "                        db_conninfo)\n"
	    "  -h, --help            show this help\n"
	    "  -V, --version         print the version\n\n"
	    "Environment:\n"
	    "  BARONG_SQL_DIR        migrations directory, by default\n"
	    "                        %s\n"
	    "  PGHOST, PGUSER, ...   as for any libpq program\n",
	    DEFAULT_CONFIG, DEFAULT_SQL_DIR);
}

static int
cmd_help(int argc, char **argv)
{
	const struct command	*c;

	if (argc > 1) {
		if ((c = find_command(argv[1])) == NULL)
			return usage_error("unknown command \"%s\"", argv[1]);
		printf("Usage: %s [options] %s%s%s\n  %s\n", progname, c->name,
		    *c->usage != '\0' ? " " : "", c->usage, c->summary);
		return EXIT_OK;
	}
	print_usage(stdout);
	return EXIT_OK;
}

static void
apply_log_level(void)
{
	static const struct {
		const char	*name;
		enum log_level	 level;
	} levels[] = {
		{ "debug", LOG_LVL_DEBUG }, { "info", LOG_LVL_INFO },
		{ "warn", LOG_LVL_WARN }, { "error", LOG_LVL_ERR },
	};
	size_t	i;

	if (cfg.log_level == NULL)
		return;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(cfg.log_level, levels[i].name) == 0)
			log_set_level(levels[i].level);
}

/*
 * The value of option opt at argv[*i]: "--opt=V", "--opt V", "-cV" or
 * "-c V".  NULL when argv[*i] is not that option; *missing is set when it
 * is but has no value.
 */
static const char *
option_value(int argc, char **argv, int *i, const char *lng,
    const char *shrt, int *missing)
{
	const char	*a = argv[*i];
	size_t		 n = strlen(lng);

	*missing = 0;
	if (strncmp(a, lng, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0)) {
		if (*i + 1 >= argc) {
			*missing = 1;
			return NULL;
		}
		return argv[++*i];
	}
	if (shrt != NULL && strncmp(a, shrt, strlen(shrt)) == 0 &&
	    a[strlen(shrt)] != '\0')
		return a + strlen(shrt);
	return NULL;
}

int
main(int argc, char *argv[])
{
	const struct command	*c;
	const char		*config = NULL, *v;
	char			 err[512];
	int			 i, missing;

	log_init(progname);
	log_set_plain(1);
	conf_defaults();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			print_usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0)
			return cmd_version(1, argv);
		if ((v = option_value(argc, argv, &i, "--config", "-c",
		    &missing)) != NULL)
			config = v;
		else if (!missing && (v = option_value(argc, argv, &i,
		    "--db", NULL, &missing)) != NULL)
			db_override = v;
		else if (missing)
			return usage_error("option \"%s\" requires an "
			    "argument", argv[i]);
		else
			return usage_error("invalid option \"%s\"", argv[i]);
	}
	if (i == argc) {
		fprintf(stderr, "%s: no command given\n", progname);
		usage_hint();
		return EXIT_USAGE;
	}
	if ((c = find_command(argv[i])) == NULL)
		return usage_error("unknown command \"%s\"", argv[i]);

	if (config == NULL && access(DEFAULT_CONFIG, F_OK) == 0)
		config = DEFAULT_CONFIG;
	if (config != NULL && conf_load(config, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: could not load configuration: %s\n",
		    progname, err);
		return EXIT_FAIL;
	}
	apply_log_level();
	return c->fn(argc - i, argv + i);
}
